/**
 * Deterministic plain-language summary of a period against the previous one, built
 * only from the numbers given: same input, same words. An optional LLM rewrite gets
 * its prompt from `buildInsightsPrompt` (the HTTP call lives elsewhere).
 */
import { formatMoney, parseMoney, ratio, toMoneyString } from "./money.ts";

/** A money total in the shop currency, or why it can't be given. */
export type MoneyTotal =
  | { amount: string }
  /** Some amounts are in currencies without an exchange rate, so no honest total exists. */
  | { amount: null; missingRates: readonly string[] };

export interface ChannelMetrics {
  channel: string;
  /** Shown to the merchant ("Best Buy"). */
  name: string;
  netSales: MoneyTotal;
}

export interface ProductMetrics {
  sku: string;
  netSales: MoneyTotal;
}

export interface PeriodMetrics {
  netSales: MoneyTotal;
  orders: number;
  units: number;
  byChannel: readonly ChannelMetrics[];
  byProduct: readonly ProductMetrics[];
}

export interface InsightsInput {
  /** Shop currency (ISO 4217) every convertible amount is in. */
  currency: string;
  /** Intl locale for numbers and money. Default "en-US". */
  locale?: string;
  /** Names the periods: "this week" / "last week". */
  period: "day" | "week" | "month" | "quarter" | "year";
  current: PeriodMetrics;
  previous: PeriodMetrics;
  /** How many drivers of each kind the summary names. Default 1. */
  drivers?: number;
}

/** One compared number, machine-readable, behind every sentence. */
export interface InsightFact {
  subject: "total" | "channel" | "product";
  /** "total", a channel id or a SKU. */
  key: string;
  label: string;
  metric: "netSales" | "orders" | "units";
  /** Decimal string for money, number for counts, null when it can't be totalled. */
  current: string | number | null;
  previous: string | number | null;
  /** current − previous, same type; null when either side is unknown. */
  change: string | number | null;
  /** change / previous; null when previous is 0 or unknown. */
  changeRatio: number | null;
  /** Currencies lacking an exchange rate, when a total is unknown. */
  missingRates?: string[];
}

export interface Insights {
  headline: string;
  sentences: string[];
  facts: InsightFact[];
}

const PERIOD_NAMES: Record<InsightsInput["period"], [string, string]> = {
  day: ["today", "yesterday"],
  week: ["this week", "last week"],
  month: ["this month", "last month"],
  quarter: ["this quarter", "last quarter"],
  year: ["this year", "last year"],
};

interface Compared {
  fact: InsightFact;
  /** Exact change in micro units when both sides are known. */
  delta: bigint | null;
}

export function buildInsights(input: InsightsInput): Insights {
  const locale = input.locale ?? "en-US";
  const [thisPeriod, lastPeriod] = PERIOD_NAMES[input.period];
  const money = (micro: bigint) => formatMoney(micro, input.currency, locale);
  const signedMoney = (micro: bigint) =>
    (micro > 0n ? "+" : micro < 0n ? "−" : "±") + money(micro < 0n ? -micro : micro);
  const percent = (value: number) =>
    new Intl.NumberFormat(locale, { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(
      Math.abs(value),
    );
  const count = (value: number) => new Intl.NumberFormat(locale).format(value);

  const total = compareMoney(
    "total",
    "total",
    "Net sales",
    input.current.netSales,
    input.previous.netSales,
    input.currency,
  );
  const channels = pairUp(
    input.current.byChannel.map((c) => ({ key: c.channel, label: c.name, value: c.netSales })),
    input.previous.byChannel.map((c) => ({ key: c.channel, label: c.name, value: c.netSales })),
  ).map((pair) => compareMoney("channel", pair.key, pair.label, pair.current, pair.previous, input.currency));
  const products = pairUp(
    input.current.byProduct.map((p) => ({ key: p.sku, label: p.sku, value: p.netSales })),
    input.previous.byProduct.map((p) => ({ key: p.sku, label: p.sku, value: p.netSales })),
  ).map((pair) => compareMoney("product", pair.key, pair.label, pair.current, pair.previous, input.currency));
  const orders = compareCount("orders", "Orders", input.current.orders, input.previous.orders);
  const units = compareCount("units", "Units", input.current.units, input.previous.units);

  const sentences: string[] = [];
  const current = input.current.netSales;
  const previous = input.previous.netSales;
  let headline: string;
  if (current.amount === null) {
    headline = `Net sales can't be totalled ${thisPeriod}: ${missing(current.missingRates)}.`;
    sentences.push(headline);
  } else if (previous.amount === null) {
    headline = `Net sales were ${money(parseMoney(current.amount))} ${thisPeriod}.`;
    sentences.push(
      `Net sales were ${money(parseMoney(current.amount))} ${thisPeriod}; ${lastPeriod} can't be totalled (${missing(previous.missingRates)}), so there is no comparison.`,
    );
  } else {
    const now = parseMoney(current.amount);
    const before = parseMoney(previous.amount);
    const delta = now - before;
    if (now === 0n && before === 0n) headline = `No net sales ${thisPeriod} or ${lastPeriod}.`;
    else if (before === 0n)
      headline = `Net sales were ${money(now)} ${thisPeriod}, up from ${money(0n)} ${lastPeriod}.`;
    else if (percent(total.fact.changeRatio as number) === percent(0))
      headline = `Net sales were flat at ${money(now)} ${thisPeriod}.`;
    else
      headline = `Net sales ${delta > 0n ? "rose" : "fell"} ${percent(total.fact.changeRatio as number)} to ${money(now)} ${thisPeriod}.`;

    let first = headline.slice(0, -1);
    if (delta !== 0n) {
      const direction = delta > 0n ? 1n : -1n;
      const limit = input.drivers ?? 1;
      const drivers = [...strongest(channels, direction, limit), ...strongest(products, direction, limit)].map(
        (item) =>
          `${item.fact.subject === "product" ? "SKU " : ""}${item.fact.label} (${signedMoney(item.delta as bigint)})`,
      );
      if (drivers.length > 0) first += `, driven by ${joinList(drivers)}`;
      const against = strongest(channels, -direction, channels.length).map((item) =>
        item.fact.changeRatio === null
          ? `${item.fact.label} ${delta > 0n ? "fell" : "rose"} ${signedMoney(item.delta as bigint)}`
          : `${item.fact.label} ${delta > 0n ? "fell" : "rose"} ${percent(item.fact.changeRatio)}`,
      );
      if (against.length > 0) first += `; ${joinList(against)}`;
    }
    sentences.push(`${first}.`);
  }

  const countSentence = [orders, units]
    .map((item) => {
      const fact = item.fact;
      const now = fact.current as number;
      const before = fact.previous as number;
      if (now === before) return `${fact.label.toLowerCase()} held at ${count(now)}`;
      if (before === 0) return `${fact.label.toLowerCase()} went from 0 to ${count(now)}`;
      return `${fact.label.toLowerCase()} ${now > before ? "rose" : "fell"} ${percent(fact.changeRatio as number)} to ${count(now)}`;
    })
    .join("; ");
  sentences.push(`${countSentence.charAt(0).toUpperCase()}${countSentence.slice(1)}.`);

  for (const channel of [...channels].sort((a, b) => compareText(a.fact.key, b.fact.key))) {
    if (channel.fact.current === null && channel.fact.missingRates) {
      sentences.push(`${channel.fact.label} can't be totalled ${thisPeriod}: ${missing(channel.fact.missingRates)}.`);
    }
  }

  const facts = [total, orders, units, ...sortFacts(channels), ...sortFacts(products)].map((item) => item.fact);
  return { headline, sentences, facts };
}

/** Prompt for an optional LLM rewrite that may change words, never numbers. */
export function buildInsightsPrompt(
  insights: Insights,
  options: { locale?: string; maxSentences?: number } = {},
): {
  system: string;
  user: string;
} {
  const locale = options.locale ?? "en-US";
  const system = [
    "You rewrite a short sales summary for a small online merchant in plain, friendly language.",
    `Write in the language of the locale ${locale}.`,
    "Use only the facts given. Do not add, remove, round or recompute any number, amount, percentage, SKU or channel name; copy them exactly as written in the draft.",
    "Do not speculate about causes that are not in the facts. If a total can't be computed, say so as the draft does.",
    `At most ${options.maxSentences ?? 3} sentences. No headings, no lists, no emojis.`,
  ].join("\n");
  const user = ["Draft:", ...insights.sentences, "", "Facts (JSON):", JSON.stringify(insights.facts)].join("\n");
  return { system, user };
}

function compareMoney(
  subject: InsightFact["subject"],
  key: string,
  label: string,
  current: MoneyTotal | null,
  previous: MoneyTotal | null,
  currency: string,
): Compared {
  const zero = { amount: "0" } as const;
  const now = current ?? zero;
  const before = previous ?? zero;
  const fact: InsightFact = {
    subject,
    key,
    label,
    metric: "netSales",
    current: now.amount === null ? null : toMoneyString(parseMoney(now.amount), currency),
    previous: before.amount === null ? null : toMoneyString(parseMoney(before.amount), currency),
    change: null,
    changeRatio: null,
  };
  const missingRates = [
    ...new Set([
      ...(now.amount === null ? now.missingRates : []),
      ...(before.amount === null ? before.missingRates : []),
    ]),
  ].sort(compareText);
  if (missingRates.length > 0) fact.missingRates = missingRates;
  if (now.amount === null || before.amount === null) return { fact, delta: null };
  const delta = parseMoney(now.amount) - parseMoney(before.amount);
  fact.change = toMoneyString(delta, currency);
  fact.changeRatio = ratio(delta, parseMoney(before.amount));
  return { fact, delta };
}

function compareCount(metric: "orders" | "units", label: string, current: number, previous: number): Compared {
  return {
    fact: {
      subject: "total",
      key: "total",
      label,
      metric,
      current,
      previous,
      change: current - previous,
      changeRatio: previous === 0 ? null : (current - previous) / previous,
    },
    delta: BigInt(current - previous),
  };
}

/** Joins current and previous rows by key; a side missing from a period counts as zero. */
function pairUp(
  current: ReadonlyArray<{ key: string; label: string; value: MoneyTotal }>,
  previous: ReadonlyArray<{ key: string; label: string; value: MoneyTotal }>,
): Array<{ key: string; label: string; current: MoneyTotal | null; previous: MoneyTotal | null }> {
  const keys = [...new Set([...current.map((row) => row.key), ...previous.map((row) => row.key)])].sort(compareText);
  return keys.map((key) => {
    const now = current.find((row) => row.key === key);
    const before = previous.find((row) => row.key === key);
    return {
      key,
      label: now?.label ?? before?.label ?? key,
      current: now?.value ?? null,
      previous: before?.value ?? null,
    };
  });
}

/** Items moving in `direction`, biggest exact change first, ties by key. */
function strongest(items: readonly Compared[], direction: bigint, limit: number): Compared[] {
  return items
    .filter((item) => item.delta !== null && item.delta * direction > 0n)
    .sort(
      (a, b) =>
        compareBigDesc((a.delta as bigint) * direction, (b.delta as bigint) * direction) ||
        compareText(a.fact.key, b.fact.key),
    )
    .slice(0, limit);
}

/** Facts listed by change (largest rise first, unknown changes last), ties by key. */
function sortFacts(items: readonly Compared[]): Compared[] {
  return [...items].sort((a, b) => {
    if (a.delta === null || b.delta === null)
      return a.delta === b.delta ? compareText(a.fact.key, b.fact.key) : a.delta === null ? 1 : -1;
    return compareBigDesc(a.delta, b.delta) || compareText(a.fact.key, b.fact.key);
  });
}

function missing(currencies: readonly string[]): string {
  const list = [...new Set(currencies)].sort(compareText);
  return `${joinList(list)} amounts have no exchange rate`;
}

function joinList(parts: readonly string[]): string {
  if (parts.length <= 1) return parts.join("");
  return `${parts.slice(0, -1).join(", ")} and ${parts[parts.length - 1]}`;
}

function compareBigDesc(a: bigint, b: bigint): number {
  return a > b ? -1 : a < b ? 1 : 0;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
