import type { Shop } from "@prisma/client";

import { addDays, daysBetween, localDay } from "#app/analytics/days.ts";
import { formatDecimal, parseMoney } from "#app/analytics/money.ts";
import { buildSalesReport } from "#app/analytics/report.ts";
import prisma from "#app/db.server.ts";
import { ingestPool } from "#app/db/pool.server.ts";
import {
  FX_LOOKBACK_DAYS,
  loadReportRows,
  salesReport,
  toReportDay,
  type MetricsRow,
  type SalesReport,
} from "#app/services/report.server.ts";
import { InputError, parseDay } from "#app/services/validation.server.ts";

/** What the overview page shows of a shop: its settings, connected channels, and how imported orders count. */
export async function shopOverview(shop: Shop) {
  const connections = await prisma.channelConnection.findMany({
    where: { shopId: shop.id },
    select: { id: true, channel: true, displayName: true, status: true },
    orderBy: { createdAt: "asc" },
  });
  const imported = await prisma.order.groupBy({
    by: ["importedFrom"],
    where: { shopId: shop.id, channel: "shopify", importedFrom: { not: null } },
    _count: { _all: true },
  });
  const connected = new Set(connections.map((connection) => connection.channel as string));
  return {
    shop: { domain: shop.domain, name: shop.name ?? shop.domain, currency: shop.currency, timezone: shop.timezone },
    connections,
    // Shopify copies of marketplace orders (Marketplace Connect): counted once, under the marketplace when it is connected.
    marketplaceImports: imported
      .map((group) => ({
        marketplace: group.importedFrom as string,
        orders: group._count._all,
        countedUnder: connected.has(group.importedFrom as string) ? (group.importedFrom as string) : "shopify",
      }))
      .sort((a, b) => a.marketplace.localeCompare(b.marketplace)),
  };
}

/** Days the overview's channel table covers, ending today in the shop's time zone. */
export const OVERVIEW_RANGE_DAYS = 30;

export interface ChannelSummary {
  channel: string;
  /** The channel's figures in the shop's currency, converted day by day (days without a rate left out). */
  converted: MetricsRow;
  /** The same figures in each currency they were recorded in, as `npm run cli -- report` prints them. */
  native: Array<MetricsRow & { currency: string }>;
  /** Net sales of days without an exchange rate into the shop's currency, per currency. */
  unconverted: Array<{ currency: string; missingRateDays: number; netSales: string }>;
}

/** The last `days` days up to today in the shop's time zone. */
export function lastDays(timezone: string, now: Date = new Date(), days = OVERVIEW_RANGE_DAYS) {
  const to = localDay(now, timezone);
  return { from: addDays(to, -(days - 1)), to };
}

export const MAX_RANGE_DAYS = 366;

/** `?from=&to=` (shop-local days, inclusive), or the last 30 days; a bad range says why. */
export function overviewRange(from: string | null, to: string | null, timezone: string, now = new Date()) {
  const fallback = lastDays(timezone, now);
  if (from === null && to === null) return { range: fallback, rangeError: null };
  try {
    const range = { from: parseDay(from ?? fallback.from, "from"), to: parseDay(to ?? fallback.to, "to") };
    if (range.from > range.to) throw new InputError("from", `from (${range.from}) is after to (${range.to}).`);
    if (daysBetween(range.from, range.to) >= MAX_RANGE_DAYS) {
      throw new InputError("from", `A range can span at most ${MAX_RANGE_DAYS} days.`);
    }
    return { range, rangeError: null };
  } catch (error) {
    if (error instanceof InputError)
      return { range: fallback, rangeError: `${error.message} Showing the last 30 days.` };
    throw error;
  }
}

/**
 * Sales by channel over a range of days in the shop's currency: the same rows and the same
 * conversion as the `report` command, so the page and the command agree to the cent.
 */
export async function channelSummary(
  shop: Pick<Shop, "id" | "domain" | "timezone" | "currency">,
  range: { from: string; to: string } = lastDays(shop.timezone),
) {
  const { from, to } = range;
  const rows = (await loadReportRows(shop.id, from, to)).map(toReportDay);
  const header = { shop: shop.domain, timezone: shop.timezone, currency: shop.currency, from, to };
  const report = buildSalesReport(header, rows);
  const names = [...new Set(report.channels.map((row) => row.channel))];
  const channels: ChannelSummary[] = names.map((channel) => {
    const own = buildSalesReport(
      header,
      rows.filter((day) => day.channel === channel),
    );
    const { unconverted, currency: _shopCurrency, ...converted } = own.total;
    return {
      channel,
      converted,
      native: own.channels.map(({ channel: _channel, ...row }) => row),
      unconverted: unconverted.map((entry) => ({
        currency: entry.currency,
        missingRateDays: entry.missingRateDays.length,
        netSales: entry.netSales,
      })),
    };
  });
  return { from, to, currency: shop.currency, channels, total: report.total };
}

/** Days of the KPI and top-product windows, and of the trend, both ending today (inclusive). */
export const OVERVIEW_KPI_DAYS = 30;
export const OVERVIEW_TREND_DAYS = 90;
export const OVERVIEW_TOP_PRODUCTS = 20;

export interface TrendPoint {
  day: string;
  channel: string;
  orders: number;
  units: number;
  /** Net sales in the shop's currency; null when an amount of the day has no exchange rate. */
  netSales: string | null;
}

export interface TopProduct {
  sku: string;
  title: string | null;
  orders: number;
  units: number;
  /** Net sales in the shop's currency over the window, of the days with an exchange rate. */
  netSales: string;
  /** Some days' amounts could not be converted (no rate) and are left out of netSales. */
  partial: boolean;
}

export interface OverviewData {
  kpis: SalesReport;
  trend: TrendPoint[];
  topProducts: TopProduct[];
}

// Rate of a (day, currency) to the shop's currency, the same rule as the sales report: the
// latest rate within the look-back window, the manual one first on a day that has both.
// Looked up once per (day, currency) in a materialized CTE: inlined, it ran once per row.
const RATE = `
  case when c.currency = (select currency from shop) then 1::numeric else (
    select f.rate from "FxRate" f
    where f."shopId" = $1 and f.base = c.currency and f.quote = (select currency from shop)
      and f.day between c.day - ${FX_LOOKBACK_DAYS} and c.day
    order by f.day desc, (f.source = 'manual') desc
    limit 1) end`;

// Orders from the order-level rows (sku = ''), units from the product rows, net sales from both.
const TREND_SQL = `
with shop as (select currency from "Shop" where id = $1),
daily as (
  select r.day, r.channel::text as channel, r.currency, r.orders, r.units, r."netSales" as net_sales
  from "DailyChannelTotal" r
  where r."shopId" = $1 and r.day between $2::date and $3::date
),
rates as materialized (select c.day, c.currency, ${RATE} as rate from (select distinct day, currency from daily) c)
select d.day::text as day, d.channel, coalesce(sum(d.orders), 0)::int as orders,
       coalesce(sum(d.units), 0)::int as units,
       case when bool_and(r.rate is not null) then round(sum(d.net_sales * r.rate), 4)::text end as net_sales
from daily d join rates r on r.day = d.day and r.currency = d.currency
group by d.day, d.channel
order by d.day, d.channel`;

// One pass over the product rows of the window: each row is converted with its day's rate
// (looked up once per day and currency) and summed by SKU.
const TOP_PRODUCTS_SQL = `
with shop as (select currency from "Shop" where id = $1),
rates as materialized (
  select c.day, c.currency, ${RATE} as rate
  from (select distinct day, currency from "DailyChannelTotal" where "shopId" = $1 and day between $2::date and $3::date) c
),
products as (
  select r.sku, sum(r.orders)::int as orders, sum(r.units)::int as units,
         coalesce(round(sum(r."netSales" * x.rate), 4), 0) as net_sales, bool_or(x.rate is null) as partial
  from "DailyRollup" r
  join rates x on x.day = r.day and x.currency = r.currency
  where r."shopId" = $1 and r.day between $2::date and $3::date and r.sku <> ''
  group by r.sku
)
select p.sku, pr.title, p.orders, p.units, p.net_sales::text as net_sales, p.partial
from products p left join "Product" pr on pr."shopId" = $1 and pr.sku = p.sku
order by p.net_sales desc, p.sku
limit $4`;

/**
 * What the overview page shows: the sales report (KPIs by channel) of the last 30 days, the
 * 90-day daily trend by channel and the top 20 products by net sales of the last 30 days,
 * all from the daily rollups, money converted to the shop's currency day by day.
 */
export async function overviewData(
  shop: { id: string; domain: string; timezone: string; currency: string },
  options: { today?: string } = {},
): Promise<OverviewData> {
  const pool = ingestPool();
  const today = options.today ?? localDay(new Date(), shop.timezone);
  const kpiFrom = addDays(today, 1 - OVERVIEW_KPI_DAYS);
  const trendFrom = addDays(today, 1 - OVERVIEW_TREND_DAYS);
  const [kpis, trend, topProducts] = await Promise.all([
    salesReport(shop, kpiFrom, today),
    pool.query<{ day: string; channel: string; orders: number; units: number; net_sales: string | null }>(TREND_SQL, [
      shop.id,
      trendFrom,
      today,
    ]),
    pool.query<{
      sku: string;
      title: string | null;
      orders: number;
      units: number;
      net_sales: string;
      partial: boolean;
    }>(TOP_PRODUCTS_SQL, [shop.id, kpiFrom, today, OVERVIEW_TOP_PRODUCTS]),
  ]);
  return {
    kpis,
    trend: trend.rows.map((row) => ({
      day: row.day,
      channel: row.channel,
      orders: row.orders,
      units: row.units,
      netSales: row.net_sales,
    })),
    topProducts: topProducts.rows.map((row) => ({
      sku: row.sku,
      title: row.title,
      orders: row.orders,
      units: row.units,
      netSales: row.net_sales,
      partial: row.partial,
    })),
  };
}

/** What the overview's charts compare the selected days with (docs/metrics.md, "Overview charts"). */
export const COMPARE_MODES = ["previous", "year", "none"] as const;
export type CompareMode = (typeof COMPARE_MODES)[number];

export function parseCompare(value: string | null): CompareMode {
  return COMPARE_MODES.includes(value as CompareMode) ? (value as CompareMode) : "previous";
}

/**
 * The comparison period of a range: the same number of days ending the day before it starts
 * ("previous"), or the same days 52 weeks earlier so weekdays line up ("year"); null for "none".
 */
export function comparisonRange(range: { from: string; to: string }, mode: CompareMode) {
  if (mode === "none") return null;
  if (mode === "year") return { from: addDays(range.from, -364), to: addDays(range.to, -364) };
  const days = daysBetween(range.from, range.to) + 1;
  return { from: addDays(range.from, -days), to: addDays(range.from, -1) };
}

export interface SalesTrend {
  /** Every day of the range, in order. */
  days: string[];
  /** Net sales per channel and day in the shop's currency ("0" on a day without sales; null without a rate). */
  channels: Array<{ channel: string; netSales: Array<string | null> }>;
  /** All channels' net sales on the comparison period's days, aligned with `days` by position. */
  comparison: { from: string; to: string; netSales: Array<string | null> } | null;
}

async function dailyNetSales(shopId: string, range: { from: string; to: string }, channel: string | null) {
  const result = await ingestPool().query<{ day: string; channel: string; net_sales: string | null }>(TREND_SQL, [
    shopId,
    range.from,
    range.to,
  ]);
  return result.rows.filter((row) => channel === null || row.channel === channel);
}

function dayList(range: { from: string; to: string }): string[] {
  const days: string[] = [];
  for (let day = range.from; day <= range.to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Adds decimal strings exactly (null, no rate, wins). */
function addAmounts(values: Array<string | null>): string | null {
  let total = 0n;
  for (const value of values) {
    if (value === null) return null;
    total += parseMoney(value);
  }
  return formatDecimal(total, 4);
}

/**
 * Net sales by channel per day over a range, and all channels' daily net sales over the
 * comparison period, converted to the shop's currency with each day's rate, from the rollups.
 */
export async function salesTrend(
  shop: Pick<Shop, "id">,
  range: { from: string; to: string },
  options: { channel?: string | null; compare?: CompareMode } = {},
): Promise<SalesTrend> {
  const channel = options.channel ?? null;
  const days = dayList(range);
  const compared = comparisonRange(range, options.compare ?? "previous");
  const [rows, comparisonRows] = await Promise.all([
    dailyNetSales(shop.id, range, channel),
    compared ? dailyNetSales(shop.id, compared, channel) : Promise.resolve([]),
  ]);
  const byChannel = new Map<string, Map<string, string | null>>();
  for (const row of rows) {
    const series = byChannel.get(row.channel) ?? new Map<string, string | null>();
    series.set(row.day, row.net_sales);
    byChannel.set(row.channel, series);
  }
  const channels = [...byChannel.keys()].sort().map((name) => ({
    channel: name,
    netSales: days.map((day) => byChannel.get(name)?.get(day) ?? "0"),
  }));
  let comparison: SalesTrend["comparison"] = null;
  if (compared) {
    const perDay = new Map<string, Array<string | null>>();
    for (const row of comparisonRows) perDay.set(row.day, [...(perDay.get(row.day) ?? []), row.net_sales]);
    comparison = { ...compared, netSales: dayList(compared).map((day) => addAmounts(perDay.get(day) ?? [])) };
  }
  return { days, channels, comparison };
}

export interface RangeProduct {
  sku: string;
  title: string | null;
  units: number;
  /** Net sales and contribution profit in the shop's currency, of the days with an exchange rate. */
  netSales: string;
  contributionProfit: string;
  /** Some days' amounts had no exchange rate and are left out. */
  partial: boolean;
}

// Per SKU over the range (optionally one channel): units, net sales and contribution profit
// (net sales − fees − COGS) converted with each day's rate, and whether the SKU has a unit cost.
const RANGE_PRODUCTS_SQL = `
with shop as (select currency from "Shop" where id = $1),
rates as materialized (
  select c.day, c.currency, ${RATE} as rate
  from (select distinct day, currency from "DailyChannelTotal" where "shopId" = $1 and day between $2::date and $3::date) c
)
select r.sku, pr.title, sum(r.units)::int as units,
       coalesce(round(sum(r."netSales" * x.rate), 4), 0)::text as net_sales,
       coalesce(round(sum((r."netSales" - r.fees - r.cogs) * x.rate), 4), 0)::text as contribution,
       bool_or(x.rate is null) as partial,
       bool_or(pr."unitCost" is not null) as has_cost
from "DailyRollup" r
join rates x on x.day = r.day and x.currency = r.currency
left join "Product" pr on pr."shopId" = $1 and pr.sku = r.sku
where r."shopId" = $1 and r.day between $2::date and $3::date and r.sku <> ''
  and ($4::text is null or r.channel::text = $4)
group by r.sku, pr.title`;

/**
 * Top products (highest net sales) and bottom products (lowest contribution profit) of a
 * range across channels, or on one channel; `limit` of each, ties by SKU; only SKUs with units
 * sold. And the COGS coverage: net sales of SKUs with a unit cost ÷ all SKUs' net sales.
 */
export async function rangeProducts(
  shop: Pick<Shop, "id">,
  range: { from: string; to: string },
  options: { channel?: string | null; limit?: number } = {},
) {
  const limit = options.limit ?? 5;
  const result = await ingestPool().query<{
    sku: string;
    title: string | null;
    units: number;
    net_sales: string;
    contribution: string;
    partial: boolean;
    has_cost: boolean;
  }>(RANGE_PRODUCTS_SQL, [shop.id, range.from, range.to, options.channel ?? null]);
  let costed = 0n;
  let all = 0n;
  for (const row of result.rows) {
    all += parseMoney(row.net_sales);
    if (row.has_cost) costed += parseMoney(row.net_sales);
  }
  const rows: RangeProduct[] = result.rows
    .filter((row) => row.units > 0)
    .map((row) => ({
      sku: row.sku,
      title: row.title,
      units: row.units,
      netSales: row.net_sales,
      contributionProfit: row.contribution,
      partial: row.partial,
    }));
  const compare = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  const top = [...rows]
    .sort((a, b) => compare(parseMoney(b.netSales), parseMoney(a.netSales)) || a.sku.localeCompare(b.sku))
    .slice(0, limit);
  const bottom = [...rows]
    .sort(
      (a, b) =>
        compare(parseMoney(a.contributionProfit), parseMoney(b.contributionProfit)) || a.sku.localeCompare(b.sku),
    )
    .slice(0, limit);
  const cogsCoverage = {
    costedNetSales: formatDecimal(costed, 4),
    netSales: formatDecimal(all, 4),
    // A share in 0..1, rounded to 4 places; null without net sales.
    share: all > 0n ? Number((costed * 10_000n) / all) / 10_000 : null,
  };
  return { top, bottom, cogsCoverage };
}

/** The date-range picker's presets, as shop-local day ranges ending today (or last month's days). */
export function rangePresets(today: string) {
  const monthStart = `${today.slice(0, 7)}-01`;
  const lastMonthEnd = addDays(monthStart, -1);
  return [
    { id: "today", label: "Today", from: today, to: today },
    { id: "yesterday", label: "Yesterday", from: addDays(today, -1), to: addDays(today, -1) },
    { id: "last7", label: "Last 7 days", from: addDays(today, -6), to: today },
    { id: "last30", label: "Last 30 days", from: addDays(today, -29), to: today },
    { id: "last90", label: "Last 90 days", from: addDays(today, -89), to: today },
    { id: "mtd", label: "Month to date", from: monthStart, to: today },
    { id: "lastMonth", label: "Last month", from: `${lastMonthEnd.slice(0, 7)}-01`, to: lastMonthEnd },
    { id: "last365", label: "Last 365 days", from: addDays(today, -364), to: today },
  ];
}
