import { ensureDatabase } from "../runtime.ts";
import type { Context } from "../context.ts";

/** `credentials reencrypt`: key rotation's second step (docs/security.md). */
export async function reencryptCommand({ out }: Context): Promise<number> {
  await ensureDatabase();
  const { reencryptCredentials } = await import("#app/services/credentials.server.ts");
  const result = await reencryptCredentials();
  out(
    `${result.checked} connections: ${result.reencrypted} re-encrypted with the current key, ${result.current} already current, ${result.failed.length} unreadable.`,
  );
  for (const failure of result.failed) out(`  ${failure.connectionId}: ${failure.error}`);
  if (result.failed.length > 0) {
    out(
      "Keep the old keys in CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS until every connection is readable, or reconnect those channels.",
    );
    return 1;
  }
  out("Every connection uses the current key: the previous keys can be removed.");
  return 0;
}
