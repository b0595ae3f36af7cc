/** Input checks shared by the CLI, settings forms and webhooks; messages say what to do. */

const SHOP_DOMAIN = /^[a-z0-9][a-z0-9-]*\.myshopify\.com$/;

export class InputError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "InputError";
  }
}

export function parseShopDomain(value: string | undefined, field = "--shop"): string {
  const domain = value?.trim().toLowerCase() ?? "";
  if (!SHOP_DOMAIN.test(domain)) {
    throw new InputError(
      field,
      `${field} must be a shop's myshopify.com domain, like "acme-store.myshopify.com"; got ${JSON.stringify(value ?? "")}.`,
    );
  }
  return domain;
}

let timeZones: Set<string> | undefined;

export function parseTimeZone(value: string | undefined, field = "--timezone"): string {
  timeZones ??= new Set([...Intl.supportedValuesOf("timeZone"), "UTC", "Etc/UTC"]);
  const zone = value?.trim() ?? "";
  if (!timeZones.has(zone)) {
    throw new InputError(
      field,
      `${field} must be an IANA time zone such as "America/Toronto" or "Europe/Berlin"; got ${JSON.stringify(value ?? "")}.`,
    );
  }
  return zone;
}

let currencies: Set<string> | undefined;

export function parseCurrency(value: string | undefined, field = "--currency"): string {
  currencies ??= new Set(Intl.supportedValuesOf("currency"));
  const code = value?.trim().toUpperCase() ?? "";
  if (!currencies.has(code)) {
    throw new InputError(
      field,
      `${field} must be an ISO 4217 currency code such as "USD", "CAD" or "EUR"; got ${JSON.stringify(value ?? "")}.`,
    );
  }
  return code;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day "YYYY-MM-DD" ("2026-02-30" is refused here, not by PostgreSQL). */
export function parseDay(value: string | undefined, field = "--day"): string {
  const text = value?.trim() ?? "";
  if (DAY.test(text)) {
    const date = new Date(`${text}T00:00:00.000Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text) return text;
  }
  throw new InputError(field, `${field} must be a calendar day YYYY-MM-DD; got ${JSON.stringify(text)}.`);
}

/** Two calendar days, the first not after the second. */
export function parseDayRange(
  from: string | undefined,
  to: string | undefined,
  fields: { from: string; to: string } = { from: "--from", to: "--to" },
): { from: string; to: string } {
  const range = { from: parseDay(from, fields.from), to: parseDay(to, fields.to) };
  if (range.from > range.to) {
    throw new InputError(fields.from, `${fields.from} (${range.from}) is after ${fields.to} (${range.to}).`);
  }
  return range;
}

/** Decimals a stored exchange rate keeps (FxRate.rate is numeric(20, 10)). */
export const FX_RATE_DECIMALS = 10;
const MAX_RATE_INTEGER_DIGITS = 20 - FX_RATE_DECIMALS;
const RATE_TEXT = /^(\d+)(?:\.(\d+))?$/;

/** A positive rate with at most 10 decimals and 10 integer digits, normalised to 10 decimals. */
export function parseRate(value: string | undefined, where = "--rate"): string {
  const text = value?.trim() ?? "";
  const match = RATE_TEXT.exec(text);
  if (!match) {
    throw new InputError(
      where,
      `${where} must be a positive decimal number such as "1.3652"; got ${JSON.stringify(text)}.`,
    );
  }
  const fraction = match[2] ?? "";
  if (fraction.length > FX_RATE_DECIMALS) {
    throw new InputError(where, `${where} has more than ${FX_RATE_DECIMALS} decimals: ${text}.`);
  }
  const whole = (match[1] as string).replace(/^0+(?=\d)/, "");
  if (whole.length > MAX_RATE_INTEGER_DIGITS) {
    throw new InputError(
      where,
      `${where} is too large (at most ${MAX_RATE_INTEGER_DIGITS} digits before the point): ${text}.`,
    );
  }
  if (/^0*$/.test(whole + fraction)) throw new InputError(where, `${where} must be greater than zero; got ${text}.`);
  return `${whole}.${fraction.padEnd(FX_RATE_DECIMALS, "0")}`;
}
