import { timingSafeEqual } from "node:crypto";

import { parseShopDomain } from "#app/services/validation.server.ts";

/**
 * Standalone mode (`npm run demo`, or Shopify's admin-created custom app): the app serves one
 * shop with a configured Admin API token and no Shopify login in front of it. That is safe only
 * on this machine, so it is allowed:
 * - on loopback (HOST=127.0.0.1, localhost or ::1) with nothing else, outside production;
 * - anywhere else, or in production, only with CROSSCHANNEL_STANDALONE_SECRET (32+ characters),
 *   which every request beyond loopback must then present as its HTTP Basic password.
 * And always for exactly one shop, named by CROSSCHANNEL_STANDALONE_SHOP.
 */
export interface StandaloneSettings {
  shop: string;
  /** The password requests must present, or null when the server listens on loopback only. */
  secret: string | null;
}

export class StandaloneConfigError extends Error {
  override readonly name = "StandaloneConfigError";
}

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);
export const MIN_SECRET_LENGTH = 32;

export function standaloneSettings(env: NodeJS.ProcessEnv = process.env): StandaloneSettings | null {
  if (env.CROSSCHANNEL_STANDALONE !== "1") return null;
  let shop: string;
  try {
    shop = parseShopDomain(env.CROSSCHANNEL_STANDALONE_SHOP, "CROSSCHANNEL_STANDALONE_SHOP");
  } catch (error) {
    throw new StandaloneConfigError(
      `CROSSCHANNEL_STANDALONE=1 serves exactly one shop: ${(error as Error).message} ` +
        `Set CROSSCHANNEL_STANDALONE_SHOP to its domain (e.g. acme.myshopify.com).`,
    );
  }
  const secret = env.CROSSCHANNEL_STANDALONE_SECRET ?? "";
  if (secret !== "" && secret.length < MIN_SECRET_LENGTH) {
    throw new StandaloneConfigError(
      `CROSSCHANNEL_STANDALONE_SECRET must be at least ${MIN_SECRET_LENGTH} characters (e.g. openssl rand -base64 33).`,
    );
  }
  const host = env.HOST ?? "";
  const loopback = LOOPBACK.has(host);
  if (env.NODE_ENV === "production" && secret === "") {
    throw new StandaloneConfigError(
      "CROSSCHANNEL_STANDALONE=1 refuses NODE_ENV=production without CROSSCHANNEL_STANDALONE_SECRET: " +
        "standalone mode has no Shopify login in front of the shop's data. Deploy the app normally (unset " +
        "CROSSCHANNEL_STANDALONE), or configure it as an admin-created custom app with its own secret.",
    );
  }
  if (!loopback && secret === "") {
    throw new StandaloneConfigError(
      `CROSSCHANNEL_STANDALONE=1 listens on loopback only: set HOST=127.0.0.1 (now ${host === "" ? "unset, which means every interface" : `HOST=${host}`}), ` +
        "or set CROSSCHANNEL_STANDALONE_SECRET, which every request must then send as its HTTP Basic password.",
    );
  }
  return { shop, secret: loopback ? null : secret };
}

/** Refuses a request that lacks the secret when the standalone server is reachable beyond loopback. */
export function checkStandaloneRequest(request: Request, settings: StandaloneSettings): void {
  if (settings.secret === null) return;
  const header = request.headers.get("authorization") ?? "";
  const match = /^Basic\s+(.+)$/i.exec(header);
  const decoded = match ? Buffer.from(match[1] ?? "", "base64").toString("utf8") : "";
  const password = decoded.slice(decoded.indexOf(":") + 1);
  const expected = Buffer.from(settings.secret);
  const given = Buffer.from(password);
  if (!match || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new Response("This Crosschannel server needs its password (CROSSCHANNEL_STANDALONE_SECRET).", {
      status: 401,
      headers: { "WWW-Authenticate": 'Basic realm="Crosschannel", charset="UTF-8"' },
    });
  }
}
