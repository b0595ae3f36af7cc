/**
 * Weekly (or on-demand) insight: the last 7 complete local days against the 7 before,
 * in total (converted by the sales report), by channel and by product. The deterministic
 * text is always stored; an LLM rewrite is added when OPENAI_BASE_URL and OPENAI_API_KEY
 * are set, and its failure never fails the insight.
 */
import type { Insight, Prisma, Shop } from "@prisma/client";

import {
  addDays,
  buildInsights,
  buildInsightsPrompt,
  type Insights,
  type MoneyTotal,
  type PeriodMetrics,
} from "#app/analytics/index.ts";
import prisma from "#app/db.server.ts";
import { localDay } from "#app/analytics/days.ts";
import { convertMoney, formatDecimal, parseMoney } from "#app/analytics/money.ts";
import { channelName, isChannel } from "#app/services/channels.server.ts";
import { loadReportRows, salesReport } from "#app/services/report.server.ts";

/** Decimals kept for converted breakdown amounts (the insight rounds to the currency when it shows them). */
const AMOUNT_DECIMALS = 6;

export interface InsightOptions {
  period: "weekly" | "on_demand";
  /** The shop-local day the insight is made on; default: today in the shop's time zone. */
  today?: string;
  /** Intl locale of the text. Default "en-US". */
  locale?: string;
  env?: Record<string, string | undefined>;
  fetch?: typeof fetch;
  log?: (line: string) => void;
}

interface Sum {
  value: bigint;
  missing: Set<string>;
}

function total(sum: Sum | undefined): MoneyTotal {
  if (!sum) return { amount: "0" };
  if (sum.missing.size > 0) return { amount: null, missingRates: [...sum.missing].sort() };
  return { amount: formatDecimal(sum.value, AMOUNT_DECIMALS) };
}

/** One period's numbers: totals from the sales report, breakdowns converted with the same daily rates. */
export async function periodMetrics(
  shop: Pick<Shop, "id" | "domain" | "timezone" | "currency">,
  from: string,
  to: string,
): Promise<PeriodMetrics> {
  const [report, reportRows, productRows] = await Promise.all([
    salesReport(shop, from, to),
    loadReportRows(shop.id, from, to),
    prisma.dailyRollup.groupBy({
      by: ["sku", "currency", "day"],
      where: {
        shopId: shop.id,
        sku: { not: "" },
        day: { gte: new Date(`${from}T00:00:00.000Z`), lte: new Date(`${to}T00:00:00.000Z`) },
      },
      _sum: { netSales: true },
    }),
  ]);
  // The report's rate of a currency on a day (null: none usable); it is the same on every channel.
  const rates = new Map<string, string | null>();
  for (const row of reportRows) rates.set(`${row.currency}\u0000${row.day}`, row.rate);
  const accumulate = (sums: Map<string, Sum>, key: string, currency: string, day: string, amount: string) => {
    let sum = sums.get(key);
    if (!sum) {
      sum = { value: 0n, missing: new Set() };
      sums.set(key, sum);
    }
    const rate = rates.get(`${currency}\u0000${day}`) ?? null;
    if (rate === null) sum.missing.add(currency);
    else sum.value += convertMoney(parseMoney(amount), rate);
  };

  const channels = new Map<string, Sum>();
  for (const row of reportRows) accumulate(channels, row.channel, row.currency, row.day, row.net_sales);
  const products = new Map<string, Sum>();
  for (const row of productRows) {
    const day = row.day.toISOString().slice(0, 10);
    accumulate(products, row.sku, row.currency.trim(), day, (row._sum.netSales ?? 0).toFixed());
  }

  const missingTotal = [...new Set(report.total.unconverted.map((entry) => entry.currency))].sort();
  return {
    netSales:
      missingTotal.length > 0 ? { amount: null, missingRates: missingTotal } : { amount: report.total.netSales },
    orders: report.total.orders,
    units: report.total.units,
    byChannel: [...channels.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([channel, sum]) => ({
        channel,
        name: isChannel(channel) ? channelName(channel) : channel,
        netSales: total(sum),
      })),
    byProduct: [...products.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([sku, sum]) => ({ sku, netSales: total(sum) })),
  };
}

/** The weeks compared: the 7 days before `today`, and the 7 before those. */
export function insightRanges(today: string) {
  return {
    current: { from: addDays(today, -7), to: addDays(today, -1) },
    previous: { from: addDays(today, -14), to: addDays(today, -8) },
  };
}

/**
 * Asks an OpenAI-compatible chat completions endpoint to reword the summary. Returns null
 * (and logs why, never the key) when it is not configured or fails.
 */
export async function rewriteInsight(
  insights: Insights,
  options: {
    env?: Record<string, string | undefined>;
    fetch?: typeof fetch;
    log?: (line: string) => void;
    locale?: string;
  } = {},
): Promise<string | null> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => process.stderr.write(`[insights] ${line}\n`));
  const base = env.OPENAI_BASE_URL?.trim();
  const key = env.OPENAI_API_KEY?.trim();
  if (!base || !key) return null;
  const model = env.OPENAI_MODEL?.trim() || "gpt-4o-mini";
  const prompt = buildInsightsPrompt(insights, { locale: options.locale });
  const url = `${base.replace(/\/+$/, "")}/chat/completions`;
  try {
    const response = await (options.fetch ?? fetch)(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({
        model,
        temperature: 0,
        messages: [
          { role: "system", content: prompt.system },
          { role: "user", content: prompt.user },
        ],
      }),
      signal: AbortSignal.timeout(30_000),
    });
    if (!response.ok) {
      log(`LLM rewrite skipped: ${url} answered HTTP ${response.status}`);
      return null;
    }
    const body = (await response.json()) as { choices?: Array<{ message?: { content?: unknown } }> };
    const content = body.choices?.[0]?.message?.content;
    if (typeof content !== "string" || content.trim() === "") {
      log(`LLM rewrite skipped: ${url} returned no message content`);
      return null;
    }
    return content.trim();
  } catch (error) {
    const message = (error instanceof Error ? error.message : String(error)).split(key).join("[key]");
    log(`LLM rewrite skipped: ${url} failed: ${message}`);
    return null;
  }
}

/** Builds, stores and returns the shop's insight. */
export async function generateInsight(
  shop: Pick<Shop, "id" | "domain" | "timezone" | "currency">,
  options: InsightOptions,
): Promise<Insight> {
  const today = options.today ?? localDay(new Date(), shop.timezone);
  const ranges = insightRanges(today);
  const [current, previous] = await Promise.all([
    periodMetrics(shop, ranges.current.from, ranges.current.to),
    periodMetrics(shop, ranges.previous.from, ranges.previous.to),
  ]);
  const insights = buildInsights({
    currency: shop.currency,
    locale: options.locale,
    period: "week",
    current,
    previous,
  });
  const rewritten = await rewriteInsight(insights, options);
  return prisma.insight.create({
    data: {
      shopId: shop.id,
      period: options.period,
      fromDay: new Date(`${ranges.current.from}T00:00:00.000Z`),
      toDay: new Date(`${ranges.current.to}T00:00:00.000Z`),
      text: insights.sentences.join(" "),
      facts: {
        headline: insights.headline,
        facts: insights.facts,
        previous: ranges.previous,
      } as unknown as Prisma.InputJsonValue,
      rewritten,
    },
  });
}
