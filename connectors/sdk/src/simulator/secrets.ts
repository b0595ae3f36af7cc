import { randomBytes } from "node:crypto";

/**
 * A credential for a simulator or a test, made at run time in the channel's format (e.g.
 * `fakeSecret("Atzr|")`), so that no credential-shaped value is ever committed.
 */
export function fakeSecret(prefix = "", bytes = 24): string {
  return `${prefix}${randomBytes(bytes).toString("hex")}`;
}
