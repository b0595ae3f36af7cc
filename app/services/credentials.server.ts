import prisma from "#app/db.server.ts";
import {
  configuredKeys,
  isBound,
  openCredentials,
  encryptJson,
  type EncryptionKey,
} from "#app/services/crypto.server.ts";

export interface ReencryptResult {
  /** Connections looked at. */
  checked: number;
  /** Rewritten with the current key, bound to their connection. */
  reencrypted: number;
  /** Already on the current key and bound. */
  current: number;
  /** Could not be decrypted (their key is not configured, or the row was tampered with). */
  failed: Array<{ connectionId: string; error: string }>;
}

/**
 * Key rotation's second step: every connection's credentials are decrypted with whichever
 * configured key wrote them (CREDENTIALS_ENCRYPTION_KEY or _KEYS_PREVIOUS) and written again
 * with the current key, bound to the connection (shop, channel, account). Once it reports no
 * failures, the previous keys can be removed. Safe to run again, and beside running syncs:
 * a row changed meanwhile (a reconnect) is left as it is.
 */
export async function reencryptCredentials(options: { keys?: EncryptionKey[] } = {}): Promise<ReencryptResult> {
  const keys = options.keys ?? configuredKeys();
  const current = keys[0]!;
  const result: ReencryptResult = { checked: 0, reencrypted: 0, current: 0, failed: [] };
  const connections = await prisma.channelConnection.findMany({
    select: { id: true, shopId: true, channel: true, accountId: true, credentials: true, credentialsKeyId: true },
    orderBy: { id: "asc" },
  });
  for (const connection of connections) {
    result.checked += 1;
    if (connection.credentialsKeyId === current.id && isBound(connection.credentials)) {
      result.current += 1;
      continue;
    }
    let plain: unknown;
    try {
      plain = openCredentials(connection, keys);
    } catch (error) {
      result.failed.push({ connectionId: connection.id, error: (error as Error).message });
      continue;
    }
    const sealed = encryptJson(plain, current, connection);
    const updated = await prisma.channelConnection.updateMany({
      where: { id: connection.id, credentialsKeyId: connection.credentialsKeyId, credentials: connection.credentials },
      data: { credentials: new Uint8Array(sealed.ciphertext), credentialsKeyId: sealed.keyId },
    });
    if (updated.count > 0) result.reencrypted += 1;
  }
  return result;
}
