/**
 * Exchange rates: manual rates a merchant sets, and reference rates imported from the
 * European Central Bank's history files (eurofxref-hist.csv / .xml, rates per 1 EUR).
 * A stored rate converts 1 unit of `base` into `quote`; the reports look up base = the
 * amount's currency, quote = the shop's currency. All arithmetic is exact (BigInt), rates
 * are kept with 10 decimals, and a file with a single bad value stores nothing.
 */
import { Prisma, type FxRate } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { FX_RATE_DECIMALS, InputError, parseCurrency, parseDay, parseRate } from "#app/services/validation.server.ts";

const RATE_PATTERN = /^(\d+)(?:\.(\d+))?$/;
const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;
const CURRENCY_PATTERN = /^[A-Z]{3}$/;
const MONTHS = [
  "january",
  "february",
  "march",
  "april",
  "may",
  "june",
  "july",
  "august",
  "september",
  "october",
  "november",
  "december",
];

/** An exact positive decimal: value = digits / 10^scale. */
interface Exact {
  digits: bigint;
  scale: number;
}

function exact(text: string): Exact | null {
  const match = RATE_PATTERN.exec(text);
  if (!match) return null;
  const fraction = match[2] ?? "";
  return { digits: BigInt(`${match[1]}${fraction}`), scale: fraction.length };
}

/** numerator / denominator rounded half up to 10 decimals, as a plain decimal string. */
export function divideRates(numerator: string, denominator: string): string {
  const a = exact(numerator);
  const b = exact(denominator);
  if (!a || !b || b.digits === 0n) throw new RangeError(`Cannot divide ${numerator} by ${denominator}`);
  // (a.digits / 10^a.scale) / (b.digits / 10^b.scale) × 10^10, rounded half up.
  const top = a.digits * 10n ** BigInt(b.scale + FX_RATE_DECIMALS);
  const bottom = b.digits * 10n ** BigInt(a.scale);
  const quotient = top / bottom;
  const rounded = (top % bottom) * 2n >= bottom ? quotient + 1n : quotient;
  const text = rounded.toString().padStart(FX_RATE_DECIMALS + 1, "0");
  return `${text.slice(0, -FX_RATE_DECIMALS)}.${text.slice(-FX_RATE_DECIMALS)}`;
}

export interface ManualRateInput {
  day: string;
  base: string;
  quote: string;
  rate: string;
}

/** Sets (or replaces) the manual rate for one day and currency pair; manual rates win over reference ones. */
export async function setManualRate(shopId: string, input: ManualRateInput): Promise<FxRate> {
  const day = parseDay(input.day);
  const base = parseCurrency(input.base, "--base");
  const quote = parseCurrency(input.quote, "--quote");
  if (base === quote) throw new InputError("--quote", `--base and --quote must differ; both are ${base}.`);
  const rate = parseRate(input.rate);
  const date = new Date(`${day}T00:00:00.000Z`);
  return prisma.fxRate.upsert({
    where: { shopId_day_base_quote_source: { shopId, day: date, base, quote, source: "manual" } },
    create: { shopId, day: date, base, quote, rate: new Prisma.Decimal(rate), source: "manual" },
    update: { rate: new Prisma.Decimal(rate) },
  });
}

/** One published day: rates per 1 EUR by currency (EUR itself is implicit). */
export interface ReferenceDay {
  day: string;
  perEuro: Map<string, string>;
}

/** Parses an ECB reference-rate file, CSV or XML (told apart by the first character). */
export function parseEcbRates(text: string, file = "file"): ReferenceDay[] {
  const content = text.replace(/^\uFEFF/, "");
  if (content.trim() === "") throw new InputError("--file", `${file} is empty.`);
  return content.trimStart().startsWith("<") ? parseEcbXml(content, file) : parseEcbCsv(content, file);
}

function fileError(file: string, line: number, column: number | null, message: string): InputError {
  return new InputError("--file", `${file}, line ${line}${column === null ? "" : `, column ${column}`}: ${message}`);
}

/** "2024-01-05" (history file) or "5 January 2024" (daily file). */
function ecbDay(text: string): string | null {
  if (DAY_PATTERN.test(text)) {
    const date = new Date(`${text}T00:00:00.000Z`);
    return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === text ? text : null;
  }
  const match = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(text);
  const month = match ? MONTHS.indexOf((match[2] as string).toLowerCase()) : -1;
  if (!match || month < 0) return null;
  const day = `${match[3]}-${String(month + 1).padStart(2, "0")}-${(match[1] as string).padStart(2, "0")}`;
  return ecbDay(day) === day ? day : null;
}

function checkRate(value: string): boolean {
  const parsed = exact(value);
  return parsed !== null && parsed.digits > 0n;
}

function parseEcbCsv(text: string, file: string): ReferenceDay[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? "").split(",").map((cell) => cell.trim());
  if (header[0] !== "Date") {
    throw fileError(
      file,
      1,
      1,
      `the header must start with "Date" (ECB eurofxref format); got ${JSON.stringify(header[0])}.`,
    );
  }
  while (header.length > 1 && header[header.length - 1] === "") header.pop(); // the ECB ends lines with a comma
  const currencies = header.slice(1);
  currencies.forEach((code, index) => {
    if (!CURRENCY_PATTERN.test(code)) {
      throw fileError(file, 1, index + 2, `${JSON.stringify(code)} is not an ISO 4217 currency code.`);
    }
    if (currencies.indexOf(code) !== index) throw fileError(file, 1, index + 2, `${code} appears twice in the header.`);
  });
  const days: ReferenceDay[] = [];
  const seen = new Set<string>();
  lines.slice(1).forEach((raw, offset) => {
    const line = offset + 2;
    if (raw.trim() === "") return;
    const cells = raw.split(",").map((cell) => cell.trim());
    while (cells.length > currencies.length + 1 && cells[cells.length - 1] === "") cells.pop();
    if (cells.length !== currencies.length + 1) {
      throw fileError(
        file,
        line,
        null,
        `expected ${currencies.length + 1} values (Date + ${currencies.length} currencies), found ${cells.length}.`,
      );
    }
    const day = ecbDay(cells[0] as string);
    if (!day) throw fileError(file, line, 1, `${JSON.stringify(cells[0])} is not a date (YYYY-MM-DD).`);
    if (seen.has(day)) throw fileError(file, line, 1, `${day} appears twice.`);
    seen.add(day);
    const perEuro = new Map<string, string>();
    currencies.forEach((code, index) => {
      const value = cells[index + 1] as string;
      if (value === "N/A") return; // not published that day
      if (value === "")
        throw fileError(file, line, index + 2, `${code} rate is empty (the ECB writes N/A when none was published).`);
      if (!checkRate(value)) {
        throw fileError(
          file,
          line,
          index + 2,
          `${code} rate ${JSON.stringify(value)} is not a positive decimal number.`,
        );
      }
      perEuro.set(code, value);
    });
    days.push({ day, perEuro });
  });
  if (days.length === 0) throw fileError(file, 2, null, "no rates after the header.");
  return days;
}

function parseEcbXml(text: string, file: string): ReferenceDay[] {
  // Line numbers counted incrementally: the full history file has ~200,000 elements.
  let counted = 0;
  let lineNumber = 1;
  const lineAt = (index: number) => {
    for (let at = text.indexOf("\n", counted); at !== -1 && at < index; at = text.indexOf("\n", at + 1)) {
      lineNumber += 1;
    }
    counted = index;
    return lineNumber;
  };
  const days: ReferenceDay[] = [];
  const seen = new Set<string>();
  let current: ReferenceDay | null = null;
  for (const match of text.matchAll(/<Cube\b([^>]*?)\/?>/g)) {
    const attributes = new Map<string, string>();
    for (const attribute of (match[1] as string).matchAll(/([A-Za-z]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attributes.set(attribute[1] as string, (attribute[2] ?? attribute[3] ?? "").trim());
    }
    const line = lineAt(match.index);
    const time = attributes.get("time");
    if (time !== undefined) {
      const day = ecbDay(time);
      if (!day) throw fileError(file, line, null, `time=${JSON.stringify(time)} is not a date (YYYY-MM-DD).`);
      if (seen.has(day)) throw fileError(file, line, null, `${day} appears twice.`);
      seen.add(day);
      current = { day, perEuro: new Map() };
      days.push(current);
      continue;
    }
    const currency = attributes.get("currency");
    const rate = attributes.get("rate");
    if (currency === undefined && rate === undefined) continue; // the enclosing <Cube>
    if (!current) throw fileError(file, line, null, "a currency <Cube> comes before any <Cube time=...>.");
    if (currency === undefined || !CURRENCY_PATTERN.test(currency)) {
      throw fileError(file, line, null, `currency=${JSON.stringify(currency ?? "")} is not an ISO 4217 currency code.`);
    }
    if (rate === undefined || !checkRate(rate)) {
      throw fileError(
        file,
        line,
        null,
        `${currency} rate=${JSON.stringify(rate ?? "")} is not a positive decimal number.`,
      );
    }
    if (current.perEuro.has(currency))
      throw fileError(file, line, null, `${currency} appears twice on ${current.day}.`);
    current.perEuro.set(currency, rate);
  }
  if (days.length === 0)
    throw new InputError("--file", `${file}: no <Cube time="..."> elements; is this an ECB eurofxref file?`);
  return days;
}

export interface ReferenceRate {
  day: string;
  base: string;
  quote: string;
  rate: string;
}

/**
 * Cross rates from `bases` into `quote` for every published day: 1 base = (quote per EUR) /
 * (base per EUR) quote. A day lacking either side yields nothing for that pair.
 */
export function crossRates(days: readonly ReferenceDay[], bases: readonly string[], quote: string): ReferenceRate[] {
  const perEuro = (day: ReferenceDay, code: string) => (code === "EUR" ? "1" : day.perEuro.get(code));
  const rates: ReferenceRate[] = [];
  for (const day of days) {
    const quotePerEuro = perEuro(day, quote);
    if (quotePerEuro === undefined) continue;
    for (const base of bases) {
      if (base === quote) continue;
      const basePerEuro = perEuro(day, base);
      if (basePerEuro === undefined) continue;
      const rate = divideRates(quotePerEuro, basePerEuro);
      // A rate that rounds to zero at 10 decimals would turn every amount into 0: not stored.
      if (/^0\.0+$/.test(rate)) continue;
      rates.push({ day: day.day, base, quote, rate });
    }
  }
  return rates;
}

/** Currencies a shop's amounts come in: orders, refunds, fees, costs and rollups. */
export async function currenciesInUse(shopId: string): Promise<string[]> {
  const rows = await prisma.$queryRaw<Array<{ currency: string }>>`
    select currency from "Order" where "shopId" = ${shopId}
    union select currency from "Refund" where "shopId" = ${shopId}
    union select currency from "FeeEvent" where "shopId" = ${shopId}
    union select currency from "DailyRollup" where "shopId" = ${shopId}
    union select "costCurrency" from "Product" where "shopId" = ${shopId} and "costCurrency" is not null`;
  return [...new Set(rows.map((row) => row.currency.trim()))].sort();
}

export interface ImportResult {
  /** Published days in the file. */
  days: number;
  firstDay: string;
  lastDay: string;
  /** Rates written (inserted or updated). */
  stored: number;
  /** Pairs stored, "CAD→USD". */
  pairs: string[];
  /** Currencies the shop has amounts in that the file never publishes. */
  missingCurrencies: string[];
}

const BATCH = 2_000;

/**
 * Imports an ECB history file for a shop: rates from each currency it has amounts in into its
 * currency, upserted (re-importing the same file changes nothing). Parsing and checking happen
 * before anything is written, and the writes share one transaction.
 */
export async function importReferenceRates(
  shop: { id: string; currency: string },
  text: string,
  file = "file",
): Promise<ImportResult> {
  const days = parseEcbRates(text, file);
  const published = new Set<string>(["EUR"]);
  for (const day of days) for (const code of day.perEuro.keys()) published.add(code);
  if (!published.has(shop.currency)) {
    throw new InputError(
      "--file",
      `${file} has no ${shop.currency} rates, the shop's currency: nothing can be converted.`,
    );
  }
  const bases = (await currenciesInUse(shop.id)).filter((code) => code !== shop.currency);
  const missingCurrencies = bases.filter((code) => !published.has(code));
  const usable = bases.filter((code) => published.has(code));
  const rates = crossRates(days, usable, shop.currency);
  await prisma.$transaction(
    async (tx) => {
      for (let start = 0; start < rates.length; start += BATCH) {
        const batch = rates.slice(start, start + BATCH);
        await tx.$executeRaw`
          insert into "FxRate" (id, "shopId", day, base, quote, rate, source)
          select gen_random_uuid()::text, ${shop.id}, t.day::date, t.base, t.quote, t.rate::numeric, 'reference'::"FxSource"
          from unnest(${batch.map((r) => r.day)}::text[], ${batch.map((r) => r.base)}::text[],
                      ${batch.map((r) => r.quote)}::text[], ${batch.map((r) => r.rate)}::text[]) as t(day, base, quote, rate)
          on conflict ("shopId", day, base, quote, source) do update set rate = excluded.rate`;
      }
    },
    { timeout: 120_000 },
  );
  const sortedDays = days.map((day) => day.day).sort();
  return {
    days: days.length,
    firstDay: sortedDays[0] as string,
    lastDay: sortedDays[sortedDays.length - 1] as string,
    stored: rates.length,
    pairs: usable.map((code) => `${code}→${shop.currency}`),
    missingCurrencies,
  };
}
