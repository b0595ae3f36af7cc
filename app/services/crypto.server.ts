import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Channel credentials are encrypted at rest with AES-256-GCM. The key comes from
 * CREDENTIALS_ENCRYPTION_KEY (32 bytes, base64); outside production a per-checkout key is
 * generated under .data/ so the demo and local use need no setup. Ciphertexts carry the id
 * of their key, so a key can be rotated while old rows stay readable.
 */
const VERSION = 1;
const IV_BYTES = 12;
const TAG_BYTES = 16;

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

export function keyId(key: Buffer): string {
  return createHash("sha256").update(key).digest("hex").slice(0, 12);
}

export function parseKey(base64: string, source = "CREDENTIALS_ENCRYPTION_KEY"): EncryptionKey {
  const key = Buffer.from(base64, "base64");
  if (key.length !== 32) {
    throw new Error(
      `${source} must be 32 random bytes in base64 (e.g. \`openssl rand -base64 32\`); got ${key.length} bytes.`,
    );
  }
  return { id: keyId(key), key };
}

const LOCAL_KEY_FILE = resolve(process.cwd(), process.env.CROSSCHANNEL_DATA_DIR ?? ".data", "credentials.key");

function loadKeys(env: NodeJS.ProcessEnv = process.env): EncryptionKey[] {
  const keys: EncryptionKey[] = [];
  if (env.CREDENTIALS_ENCRYPTION_KEY) {
    keys.push(parseKey(env.CREDENTIALS_ENCRYPTION_KEY));
    // Previous keys, comma separated, still decrypt during a rotation.
    for (const old of (env.CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS ?? "").split(",").filter(Boolean)) {
      keys.push(parseKey(old, "CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS"));
    }
    return keys;
  }
  if (env.NODE_ENV === "production") {
    throw new Error("CREDENTIALS_ENCRYPTION_KEY is not set: production needs it to encrypt channel credentials.");
  }
  if (!existsSync(LOCAL_KEY_FILE)) {
    mkdirSync(dirname(LOCAL_KEY_FILE), { recursive: true });
    writeFileSync(LOCAL_KEY_FILE, randomBytes(32).toString("base64"), { mode: 0o600 });
  }
  chmodSync(LOCAL_KEY_FILE, 0o600);
  return [parseKey(readFileSync(LOCAL_KEY_FILE, "utf8").trim(), LOCAL_KEY_FILE)];
}

let cached: EncryptionKey[] | undefined;
const keys = () => (cached ??= loadKeys());

export function encryptJson(value: unknown, key: EncryptionKey = keys()[0]!): { ciphertext: Buffer; keyId: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  return { ciphertext: Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body]), keyId: key.id };
}

export function decryptJson<T = unknown>(ciphertext: Uint8Array, id: string, available: EncryptionKey[] = keys()): T {
  const key = available.find((candidate) => candidate.id === id);
  if (!key) {
    throw new Error(
      `Credentials were encrypted with key ${id}, which is not configured: set it in CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS.`,
    );
  }
  const data = Buffer.from(ciphertext);
  if (data[0] !== VERSION) throw new Error("Unknown credentials ciphertext format.");
  const iv = data.subarray(1, 1 + IV_BYTES);
  const tag = data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key.key, iv);
  decipher.setAuthTag(tag);
  const plain = Buffer.concat([decipher.update(data.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  return JSON.parse(plain.toString("utf8")) as T;
}
