/**
 * Exact decimal arithmetic for money: values are BigInt counts of 10^-SCALE units, so sums
 * and currency conversions never pass through a float.
 */
const SCALE = 12;
const ONE = 10n ** BigInt(SCALE);

export type Fixed = bigint;

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

export function parseDecimal(value: string | null | undefined): Fixed {
  if (value === null || value === undefined || value === "") return 0n;
  const match = DECIMAL.exec(value.trim());
  if (!match) throw new Error(`Not a decimal number: ${JSON.stringify(value)}`);
  const [, sign, whole, fraction = ""] = match;
  if (fraction.length > SCALE) throw new Error(`More than ${SCALE} decimals: ${value}`);
  const magnitude = BigInt(whole!) * ONE + BigInt(fraction.padEnd(SCALE, "0"));
  return sign ? -magnitude : magnitude;
}

export function add(...values: Fixed[]): Fixed {
  return values.reduce((sum, value) => sum + value, 0n);
}

/** a × b, rounded half away from zero to the working scale. */
export function multiply(a: Fixed, b: Fixed): Fixed {
  return divideRounded(a * b, ONE);
}

function divideRounded(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const remainder = numerator % denominator;
  if (remainder * 2n >= denominator) return quotient + 1n;
  if (remainder * 2n <= -denominator) return quotient - 1n;
  return quotient;
}

/** The value rounded half away from zero to `decimals` places, as a string ("-12.30"). */
export function formatDecimal(value: Fixed, decimals = 2): string {
  const unit = 10n ** BigInt(SCALE - decimals);
  const rounded = divideRounded(value, unit);
  const negative = rounded < 0n;
  const digits = (negative ? -rounded : rounded).toString().padStart(decimals + 1, "0");
  const whole = digits.slice(0, digits.length - decimals);
  const fraction = digits.slice(digits.length - decimals);
  return `${negative ? "-" : ""}${whole}${decimals > 0 ? `.${fraction}` : ""}`;
}
