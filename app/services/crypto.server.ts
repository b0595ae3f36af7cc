import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";

/**
 * Channel credentials are encrypted at rest with AES-256-GCM. The key comes from
 * CREDENTIALS_ENCRYPTION_KEY (32 bytes, base64); outside production a per-checkout key is
 * generated under .data/ so the demo and local use need no setup. Ciphertexts carry the id
 * of their key, so a key can be rotated while old rows stay readable (and
 * reencryptCredentials moves them to the current key). A ciphertext is bound to its
 * connection: copied into another shop's or account's row, it does not decrypt.
 */
/** Version 1: no associated data (rows written before ciphertexts were bound; still read). */
const LEGACY_VERSION = 1;
/** Version 2: bound to its connection (shop, channel, account) as AES-GCM associated data. */
const VERSION = 2;
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
  if (!existsSync(LOCAL_KEY_FILE)) createLocalKey();
  chmodSync(LOCAL_KEY_FILE, 0o600);
  return [parseKey(readFileSync(LOCAL_KEY_FILE, "utf8").trim(), LOCAL_KEY_FILE)];
}

/**
 * The per-checkout key, made once: several processes may start at the same moment on a fresh
 * checkout (the demo, its worker, a CLI command), so the key is written to a file of its own
 * and linked into place, which fails for all but the first; the others then read that one.
 */
function createLocalKey(): void {
  mkdirSync(dirname(LOCAL_KEY_FILE), { recursive: true });
  const draft = `${LOCAL_KEY_FILE}.${process.pid}.${randomBytes(4).toString("hex")}`;
  writeFileSync(draft, randomBytes(32).toString("base64"), { mode: 0o600 });
  try {
    linkSync(draft, LOCAL_KEY_FILE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    unlinkSync(draft);
  }
}

let cached: EncryptionKey[] | undefined;
const keys = () => (cached ??= loadKeys());

/** What a ciphertext is bound to: the connection's shop, channel and account. */
export interface CredentialsBinding {
  shopId: string;
  channel: string;
  accountId: string;
}

function associatedData(binding: CredentialsBinding): Buffer {
  return Buffer.from(JSON.stringify(["crosschannel-credentials", binding.shopId, binding.channel, binding.accountId]));
}

export function encryptJson(
  value: unknown,
  key: EncryptionKey = keys()[0]!,
  binding?: CredentialsBinding,
): { ciphertext: Buffer; keyId: string } {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", key.key, iv);
  if (binding) cipher.setAAD(associatedData(binding));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), "utf8"), cipher.final()]);
  const version = binding ? VERSION : LEGACY_VERSION;
  return { ciphertext: Buffer.concat([Buffer.from([version]), iv, cipher.getAuthTag(), body]), keyId: key.id };
}

export function decryptJson<T = unknown>(
  ciphertext: Uint8Array,
  id: string,
  available: EncryptionKey[] = keys(),
  binding?: CredentialsBinding,
): T {
  const key = available.find((candidate) => candidate.id === id);
  if (!key) {
    throw new Error(
      `Credentials were encrypted with key ${id}, which is not configured: set it in CREDENTIALS_ENCRYPTION_KEYS_PREVIOUS.`,
    );
  }
  const data = Buffer.from(ciphertext);
  const version = data[0];
  if (version !== VERSION && version !== LEGACY_VERSION) throw new Error("Unknown credentials ciphertext format.");
  const iv = data.subarray(1, 1 + IV_BYTES);
  const tag = data.subarray(1 + IV_BYTES, 1 + IV_BYTES + TAG_BYTES);
  const decipher = createDecipheriv("aes-256-gcm", key.key, iv);
  if (version === VERSION) {
    if (!binding) throw new Error("These credentials are bound to a connection: decrypt them with its binding.");
    decipher.setAAD(associatedData(binding));
  }
  decipher.setAuthTag(tag);
  const plain = Buffer.concat([decipher.update(data.subarray(1 + IV_BYTES + TAG_BYTES)), decipher.final()]);
  return JSON.parse(plain.toString("utf8")) as T;
}

/** Encrypts a connection's credentials with the current key, bound to the connection. */
export function sealCredentials(binding: CredentialsBinding, value: unknown) {
  return encryptJson(value, keys()[0]!, binding);
}

/** Decrypts a connection's stored credentials (bound ones, or legacy unbound rows). */
export function openCredentials<T = unknown>(
  connection: CredentialsBinding & { credentials: Uint8Array; credentialsKeyId: string },
  available: EncryptionKey[] = keys(),
): T {
  return decryptJson<T>(connection.credentials, connection.credentialsKeyId, available, connection);
}

/** The configured keys, the current one first (for the re-encrypt step). */
export function configuredKeys(): EncryptionKey[] {
  return keys();
}

/** Whether a stored ciphertext is bound to its connection (version 2). */
export function isBound(ciphertext: Uint8Array): boolean {
  return ciphertext[0] === VERSION;
}
