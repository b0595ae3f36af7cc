import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { reencryptCredentials } from "#app/services/credentials.server.ts";
import { decryptJson, encryptJson, openCredentials, parseKey } from "#app/services/crypto.server.ts";

import { createShop, insertConnection } from "../support/factories.ts";

const oldKey = parseKey(randomBytes(32).toString("base64"));
const newKey = parseKey(randomBytes(32).toString("base64"));
const missingKey = parseKey(randomBytes(32).toString("base64"));

describe("re-encrypting credentials (key rotation)", () => {
  it("moves every row to the current key, bound to its connection, and reports rows it cannot read", async () => {
    const shop = await createShop("keys.myshopify.com", { timezone: "UTC", currency: "USD" });
    const legacy = encryptJson({ apiKey: "legacy-secret" }, oldKey);
    const unreadable = encryptJson({ apiKey: "lost" }, missingKey);
    const row = (accountId: string, sealed: { ciphertext: Buffer; keyId: string }) =>
      insertConnection({
        shopId: shop.id,
        channel: "bestbuy",
        accountId,
        displayName: accountId,
        credentials: new Uint8Array(sealed.ciphertext),
        credentialsKeyId: sealed.keyId,
      });
    const a = await row("a", legacy);
    const b = await row("b", unreadable);

    const first = await reencryptCredentials({ keys: [newKey, oldKey] });
    expect(first).toMatchObject({ checked: 2, reencrypted: 1, current: 0 });
    expect(first.failed.map((entry) => entry.connectionId)).toEqual([b.id]);

    const moved = await prisma.channelConnection.findUniqueOrThrow({ where: { id: a.id } });
    expect(moved.credentialsKeyId).toBe(newKey.id);
    // Readable with the new key alone: the old one can be retired.
    expect(openCredentials(moved, [newKey])).toEqual({ apiKey: "legacy-secret" });
    // Bound: copied into another connection's row, it does not decrypt.
    expect(() =>
      decryptJson(moved.credentials, moved.credentialsKeyId, [newKey], { ...moved, accountId: "b" }),
    ).toThrow();

    const again = await reencryptCredentials({ keys: [newKey, oldKey] });
    expect(again).toMatchObject({ checked: 2, reencrypted: 0, current: 1 });
  });
});
