/**
 * Exact money arithmetic for analytics: decimal strings in, bigint "micro units"
 * (10^-6 of a currency unit) inside, so sums never touch binary floats; rounding to
 * the currency's minor unit happens only when a value is shown.
 */

/** Internal fixed scale: six fraction digits hold every real-world minor unit (max 3) with room for fee rates. */
export const MONEY_SCALE = 6;
const FACTOR = 10n ** BigInt(MONEY_SCALE);
const DECIMAL_PATTERN = /^(-)?(\d+)(?:\.(\d+))?$/;

/** "12.50" → 12_500_000n. Throws on malformed input or more than six fraction digits. */
export function parseMoney(value: string): bigint {
  const match = DECIMAL_PATTERN.exec(value.trim());
  if (!match) throw new RangeError(`"${value}" is not a decimal amount`);
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > MONEY_SCALE) throw new RangeError(`"${value}" has more than ${MONEY_SCALE} fraction digits`);
  const scaled = BigInt(whole as string) * FACTOR + BigInt(fraction.padEnd(MONEY_SCALE, "0") || "0");
  return sign ? -scaled : scaled;
}

/** Micro units → plain decimal string with `digits` fraction digits, rounding half away from zero. */
export function formatDecimal(micro: bigint, digits: number): string {
  const rounded = roundMicro(micro, digits);
  const negative = rounded < 0n;
  const absolute = negative ? -rounded : rounded;
  const unit = 10n ** BigInt(MONEY_SCALE - digits);
  const scaled = absolute / unit;
  const text = scaled.toString().padStart(digits + 1, "0");
  const whole = digits === 0 ? text : text.slice(0, -digits);
  const fraction = digits === 0 ? "" : `.${text.slice(-digits)}`;
  return `${negative && scaled !== 0n ? "-" : ""}${whole}${fraction}`;
}

/** Rounds micro units to `digits` fraction digits, half away from zero, staying in micro units. */
export function roundMicro(micro: bigint, digits: number): bigint {
  const unit = 10n ** BigInt(MONEY_SCALE - digits);
  const half = unit / 2n;
  const absolute = micro < 0n ? -micro : micro;
  const rounded = ((absolute + (unit > 1n ? half : 0n)) / unit) * unit;
  return micro < 0n ? -rounded : rounded;
}

/** Fraction digits of a currency's minor unit (USD 2, JPY 0, KWD 3). */
export function currencyDigits(currency: string): number {
  return new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
}

/** Micro units → the currency's decimal string ("8214.50"). */
export function toMoneyString(micro: bigint, currency: string): string {
  return formatDecimal(micro, currencyDigits(currency));
}

/**
 * Shows an amount with Intl in the shop's currency and locale. The value goes to
 * Intl as a decimal string (exact), after rounding to the minor unit.
 */
export function formatMoney(micro: bigint, currency: string, locale = "en-US"): string {
  const digits = currencyDigits(currency);
  const formatter = new Intl.NumberFormat(locale, {
    style: "currency",
    currency,
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  });
  // Intl accepts decimal strings exactly (Intl.NumberFormat v3); the cast keeps older lib typings happy.
  return formatter.format(formatDecimal(micro, digits) as unknown as number);
}

/** Ratio of two amounts as a number (for shares and margins); null when the denominator is 0. */
export function ratio(numerator: bigint, denominator: bigint): number | null {
  if (denominator === 0n) return null;
  // Scale first so the division keeps 12 significant decimals without floating the operands.
  const scaled = (numerator * 10n ** 12n) / denominator;
  return Number(scaled) / 1e12;
}

/** Decimals an exchange rate may have (FxRate.rate is numeric(20, 10)). */
const RATE_SCALE = 10n ** 10n;

/**
 * Converts micro units with an exchange rate given as a decimal string ("0.7300000000"),
 * rounding the product half away from zero back to micro units: no float on the way.
 */
export function convertMoney(micro: bigint, rate: string): bigint {
  const match = DECIMAL_PATTERN.exec(rate.trim());
  if (!match) throw new RangeError(`"${rate}" is not a decimal exchange rate`);
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > 10) throw new RangeError(`"${rate}" has more than 10 fraction digits`);
  const scaledRate = (BigInt(whole as string) * RATE_SCALE + BigInt(fraction.padEnd(10, "0"))) * (sign ? -1n : 1n);
  const product = micro * scaledRate;
  const absolute = product < 0n ? -product : product;
  const rounded = (absolute + RATE_SCALE / 2n) / RATE_SCALE;
  return product < 0n ? -rounded : rounded;
}
