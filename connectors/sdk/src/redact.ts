/** Secret redaction for anything that may end up in an error, a log or a quarantine row. */

export const REDACTED = "[REDACTED]";

/** Header, query and JSON key names whose values are always secret. */
const SECRET_NAME =
  /(authorization|token|secret|password|passwd|api[-_]?key|access[-_]?key|signature|cookie|session|credential|private[-_]?key|client[-_]?secret)/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** Redacts secret-looking headers; returns a new plain object. */
export function redactHeaders(
  headers: Record<string, string>,
  secrets: readonly string[] = [],
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    result[name] = isSecretName(name) ? REDACTED : redactText(value, secrets);
  }
  return result;
}

/** Redacts secret query parameters and known secret values from a URL. */
export function redactUrl(url: string, secrets: readonly string[] = []): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return redactText(url, secrets);
  }
  if (parsed.username) parsed.username = "redacted";
  if (parsed.password) parsed.password = "redacted";
  for (const key of [...parsed.searchParams.keys()]) {
    if (isSecretName(key)) parsed.searchParams.set(key, REDACTED);
  }
  return redactText(parsed.toString(), secrets);
}

/**
 * Redacts a body: JSON values under secret-looking keys, bearer tokens, and any
 * literal secret value (credentials) wherever it appears.
 */
export function redactText(text: string, secrets: readonly string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    // Short values would redact ordinary words; credentials are long.
    if (secret.length >= 6) result = result.split(secret).join(REDACTED);
  }
  result = result.replace(/(bearer|basic)\s+[A-Za-z0-9._~+/=-]+/gi, `$1 ${REDACTED}`);
  result = result.replace(/("([^"\\]*)"\s*:\s*)"((?:[^"\\]|\\.)*)"/g, (match: string, prefix: string, key: string) =>
    isSecretName(key) ? `${prefix}"${REDACTED}"` : match,
  );
  result = result.replace(/([?&]([^=&\s]+)=)([^&\s"]*)/g, (match: string, prefix: string, key: string) =>
    isSecretName(key) ? `${prefix}${REDACTED}` : match,
  );
  return result;
}

/** Deep-redacts a JSON-like value (for quarantined raw payloads). */
export function redactValue(value: unknown, secrets: readonly string[] = []): unknown {
  if (typeof value === "string") return redactText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => redactValue(item, secrets));
  if (value !== null && typeof value === "object") {
    const result: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      result[key] = isSecretName(key) ? REDACTED : redactValue(item, secrets);
    }
    return result;
  }
  return value;
}

/** Every string leaf of a credentials object: the literal values to scrub everywhere. */
export function secretValuesOf(credentials: unknown): string[] {
  const values: string[] = [];
  const visit = (value: unknown): void => {
    if (typeof value === "string") values.push(value);
    else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === "object") Object.values(value).forEach(visit);
  };
  visit(credentials);
  return values.sort((a, b) => b.length - a.length);
}
