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

describe("the per-checkout key", () => {
  it("is made once when several processes start together on a fresh checkout", async () => {
    const { spawn } = await import("node:child_process");
    const { mkdtemp, readFile, readdir, rm } = await import("node:fs/promises");
    const { join, resolve } = await import("node:path");
    const dir = await mkdtemp(join(resolve(".data"), "key-race-"));
    // Eight processes load the key at once; each prints the id of the key it will encrypt with.
    const script = `const { encryptJson } = await import("./app/services/crypto.server.ts");
      process.stdout.write(encryptJson({ a: 1 }).keyId);`;
    const ids = await Promise.all(
      Array.from(
        { length: 8 },
        () =>
          new Promise<string>((done, fail) => {
            const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
              env: { ...process.env, CREDENTIALS_ENCRYPTION_KEY: "", NODE_ENV: "test", CROSSCHANNEL_DATA_DIR: dir },
            });
            let out = "";
            child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
            child.once("error", fail);
            child.once("exit", () => done(out.trim()));
          }),
      ),
    );
    expect(new Set(ids).size).toBe(1);
    const key = (await readFile(join(dir, "credentials.key"), "utf8")).trim();
    expect(Buffer.from(key, "base64")).toHaveLength(32);
    expect(await readdir(dir)).toEqual(["credentials.key"]);
    await rm(dir, { recursive: true, force: true });
  }, 60_000);
});
