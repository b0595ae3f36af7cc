import { randomBytes } from "node:crypto";

import { describe, expect, it } from "vitest";

import { decryptJson, encryptJson, parseKey } from "./crypto.server.ts";
import { fakeSecret } from "@crosschannel/connector-sdk/simulator";

const key = parseKey(randomBytes(32).toString("base64"));
const secret = { refreshToken: fakeSecret("Atzr|"), clientSecret: fakeSecret("amzn1.oa2-cs.v1.") };

describe("credentials encryption", () => {
  it("round-trips and never contains the plaintext", () => {
    const { ciphertext, keyId } = encryptJson(secret, key);
    expect(ciphertext.toString("latin1")).not.toContain(secret.refreshToken.slice(5));
    expect(decryptJson(ciphertext, keyId, [key])).toEqual(secret);
  });

  it("uses a fresh IV each time", () => {
    expect(encryptJson(secret, key).ciphertext.equals(encryptJson(secret, key).ciphertext)).toBe(false);
  });

  it("refuses a tampered ciphertext", () => {
    const { ciphertext, keyId } = encryptJson(secret, key);
    ciphertext[ciphertext.length - 1]! ^= 0xff;
    expect(() => decryptJson(ciphertext, keyId, [key])).toThrow();
  });

  it("names the missing key when a row was encrypted with a key that is not configured", () => {
    const other = parseKey(randomBytes(32).toString("base64"));
    const { ciphertext, keyId } = encryptJson(secret, other);
    expect(() => decryptJson(ciphertext, keyId, [key])).toThrow(`key ${other.id}, which is not configured`);
  });

  it("explains a key of the wrong size", () => {
    expect(() => parseKey(Buffer.from("short").toString("base64"))).toThrow("must be 32 random bytes in base64");
  });

  it("binds a ciphertext to its connection, and still reads rows written before binding", () => {
    const binding = { shopId: "shop-1", channel: "amazon", accountId: "A1" };
    const { ciphertext, keyId } = encryptJson(secret, key, binding);
    expect(decryptJson(ciphertext, keyId, [key], binding)).toEqual(secret);
    expect(() => decryptJson(ciphertext, keyId, [key], { ...binding, shopId: "shop-2" })).toThrow();
    expect(() => decryptJson(ciphertext, keyId, [key], { ...binding, accountId: "A2" })).toThrow();
    expect(() => decryptJson(ciphertext, keyId, [key])).toThrow("bound to a connection");
    const legacy = encryptJson(secret, key);
    expect(decryptJson(legacy.ciphertext, legacy.keyId, [key], binding)).toEqual(secret);
  });
});
