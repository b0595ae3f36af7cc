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

/** A calendar day as YYYY-MM-DD that exists (2026-02-30 does not). */
export function parseDay(value: string | undefined, field = "--day"): string {
  const text = value?.trim() ?? "";
  if (DAY.test(text)) {
    const date = new Date(`${text}T00:00:00.000Z`);
    if (!Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text) return text;
  }
  throw new InputError(field, `${field} must be a calendar day YYYY-MM-DD; got ${JSON.stringify(text)}.`);
}
