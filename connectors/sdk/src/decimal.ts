/**
 * Decimal-string money helpers.
 *
 * Money crosses every boundary of the SDK as a decimal string ("12.50") next to an
 * ISO 4217 currency code. Arithmetic happens on bigint minor units so that no amount
 * is ever rounded by a binary float.
 */

const DECIMAL_PATTERN = /^-?\d+(\.\d+)?$/;

/** True when `value` is a plain decimal string such as "12", "-3.5" or "0.125". */
export function isDecimalString(value: string): boolean {
  return DECIMAL_PATTERN.test(value);
}

const minorDigitsCache = new Map<string, number>();

/** Number of fraction digits of a currency's minor unit (USD 2, JPY 0, KWD 3). */
export function currencyMinorDigits(currency: string): number {
  const cached = minorDigitsCache.get(currency);
  if (cached !== undefined) return cached;
  let digits = 2;
  try {
    digits = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    throw new RangeError(`Unknown ISO 4217 currency code "${currency}"`);
  }
  minorDigitsCache.set(currency, digits);
  return digits;
}

/**
 * Parses a decimal string or an integer into a bigint scaled by 10^digits.
 * Throws when the value has more fraction digits than the scale can hold, because
 * silently rounding money hides channel bugs.
 */
export function toScaledBigInt(value: string | number | bigint, digits: number): bigint {
  if (typeof value === "bigint") return value * 10n ** BigInt(digits);
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) {
      throw new TypeError(`Refusing to read money from the non-integer number ${value}; pass a string`);
    }
    return BigInt(value) * 10n ** BigInt(digits);
  }
  const text = value.trim();
  if (!isDecimalString(text)) throw new TypeError(`"${value}" is not a decimal amount`);
  const negative = text.startsWith("-");
  const [whole, fraction = ""] = (negative ? text.slice(1) : text).split(".");
  const significant = fraction.replace(/0+$/, "");
  if (significant.length > digits) {
    throw new RangeError(`"${value}" has more than ${digits} fraction digits`);
  }
  const scaled = BigInt(whole + fraction.padEnd(digits, "0").slice(0, digits));
  return negative ? -scaled : scaled;
}

/** Formats a bigint scaled by 10^digits as a canonical decimal string ("-0.50"). */
export function fromScaledBigInt(scaled: bigint, digits: number): string {
  const negative = scaled < 0n;
  const magnitude = (negative ? -scaled : scaled).toString().padStart(digits + 1, "0");
  const whole = magnitude.slice(0, magnitude.length - digits);
  const fraction = digits > 0 ? `.${magnitude.slice(magnitude.length - digits)}` : "";
  return `${negative && scaled !== 0n ? "-" : ""}${whole}${fraction}`;
}

/** Canonical amount for a currency: "12.5" USD -> "12.50", "1200" JPY -> "1200". */
export function money(value: string | number | bigint, currency: string): string {
  const digits = currencyMinorDigits(currency);
  return fromScaledBigInt(toScaledBigInt(value, digits), digits);
}

/** Amount from integer minor units: (1299, "USD") -> "12.99". */
export function moneyFromMinor(minor: number | bigint, currency: string): string {
  if (typeof minor === "number" && !Number.isSafeInteger(minor)) {
    throw new TypeError(`Minor units must be an integer, got ${minor}`);
  }
  return fromScaledBigInt(BigInt(minor), currencyMinorDigits(currency));
}

/** Integer minor units of an amount: ("12.99", "USD") -> 1299n. */
export function moneyToMinor(value: string, currency: string): bigint {
  return toScaledBigInt(value, currencyMinorDigits(currency));
}

/** Sum of amounts in one currency, canonical. */
export function sumMoney(values: readonly string[], currency: string): string {
  const digits = currencyMinorDigits(currency);
  let total = 0n;
  for (const value of values) total += toScaledBigInt(value, digits);
  return fromScaledBigInt(total, digits);
}

/** `amount` multiplied by an integer quantity, canonical. */
export function multiplyMoney(value: string, quantity: number, currency: string): string {
  if (!Number.isSafeInteger(quantity)) throw new TypeError(`Quantity must be an integer, got ${quantity}`);
  const digits = currencyMinorDigits(currency);
  return fromScaledBigInt(toScaledBigInt(value, digits) * BigInt(quantity), digits);
}

/** -amount, canonical ("0.00" stays unsigned). */
export function negateMoney(value: string, currency: string): string {
  const digits = currencyMinorDigits(currency);
  return fromScaledBigInt(-toScaledBigInt(value, digits), digits);
}

/** Compares two decimal strings numerically: -1, 0 or 1. */
export function compareDecimal(a: string, b: string): -1 | 0 | 1 {
  const digits = Math.max(fractionDigits(a), fractionDigits(b));
  const left = toScaledBigInt(a, digits);
  const right = toScaledBigInt(b, digits);
  return left === right ? 0 : left < right ? -1 : 1;
}

function fractionDigits(value: string): number {
  const dot = value.indexOf(".");
  return dot === -1 ? 0 : value.length - dot - 1;
}
