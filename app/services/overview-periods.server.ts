import type { Shop } from "@prisma/client";

import { addDays, daysBetween } from "#app/analytics/days.ts";
import { ingestPool } from "#app/db/pool.server.ts";
import { localDay } from "#app/analytics/days.ts";
import { channelSummary } from "#app/services/overview.server.ts";

type ShopRef = Pick<Shop, "id" | "domain" | "timezone" | "currency">;

export type TileId = "today" | "yesterday" | "monthToDate" | "monthProjected" | "lastMonth";

export interface Range {
  from: string;
  to: string;
}

function monthStart(day: string) {
  return `${day.slice(0, 7)}-01`;
}
function monthEnd(day: string) {
  const [year, month] = day.slice(0, 7).split("-").map(Number);
  return new Date(Date.UTC(year!, month!, 0)).toISOString().slice(0, 10);
}
function previousMonth(day: string) {
  return addDays(monthStart(day), -1);
}

/**
 * The tiles' periods and the period each is compared with (docs/metrics.md, "Period tiles"),
 * in shop-local days for `today`.
 */
export function tilePeriods(today: string): Array<{ id: TileId; label: string; range: Range; previous: Range }> {
  const yesterday = addDays(today, -1);
  const lastMonthEnd = previousMonth(today);
  const lastMonthStart = monthStart(lastMonthEnd);
  const elapsed = daysBetween(monthStart(today), today);
  // Month to date against the same number of days at the start of last month (capped at its end).
  const sameDaysLastMonth = addDays(lastMonthStart, elapsed);
  return [
    { id: "today", label: "Today", range: { from: today, to: today }, previous: { from: yesterday, to: yesterday } },
    {
      id: "yesterday",
      label: "Yesterday",
      range: { from: yesterday, to: yesterday },
      previous: { from: addDays(yesterday, -7), to: addDays(yesterday, -7) },
    },
    {
      id: "monthToDate",
      label: "Month to date",
      range: { from: monthStart(today), to: today },
      previous: { from: lastMonthStart, to: sameDaysLastMonth < lastMonthEnd ? sameDaysLastMonth : lastMonthEnd },
    },
    {
      id: "monthProjected",
      label: "This month (projected)",
      range: { from: monthStart(today), to: monthEnd(today) },
      previous: { from: lastMonthStart, to: lastMonthEnd },
    },
    {
      id: "lastMonth",
      label: "Last month",
      range: { from: lastMonthStart, to: lastMonthEnd },
      previous: { from: monthStart(previousMonth(lastMonthStart)), to: previousMonth(lastMonthStart) },
    },
  ];
}

export interface TileFigures {
  netSales: string;
  orders: number;
  units: number;
  fees: string;
  cogs: string;
  contributionProfit: string;
  /** Contribution profit ÷ net sales; null when net sales are 0. */
  margin: number | null;
}

export interface PeriodTile {
  id: TileId;
  label: string;
  range: Range;
  previous: Range;
  figures: TileFigures;
  previousFigures: TileFigures;
  /** Net sales change against the previous period (fraction); null when the previous is 0. */
  netSalesChange: number | null;
  /** Amounts left out for want of an exchange rate, in their own currency. */
  unconverted: Array<{ currency: string; netSales: string }>;
}

const cents = (amount: string) => BigInt(Math.round(Number(amount) * 100));
const fromCents = (value: bigint) => {
  const negative = value < 0n;
  const abs = negative ? -value : value;
  return `${negative ? "-" : ""}${abs / 100n}.${(abs % 100n).toString().padStart(2, "0")}`;
};

function figuresOf(total: {
  netSales: string;
  orders: number;
  units: number;
  fees: string;
  cogs: string;
  contributionProfit: string;
}): TileFigures {
  const net = Number(total.netSales);
  return {
    netSales: total.netSales,
    orders: total.orders,
    units: total.units,
    fees: total.fees,
    cogs: total.cogs,
    contributionProfit: total.contributionProfit,
    margin: net === 0 ? null : Number(total.contributionProfit) / net,
  };
}

/**
 * Projects a month from its days so far at the run-rate of the last complete days: every
 * figure is its month-to-date value plus (remaining days × the daily average of the last 28
 * complete days, or of the month's complete days when fewer are recorded). Today is counted
 * as it stands, and its remainder is left to the run-rate of the days after it.
 */
export function projectMonth(
  monthToDate: TileFigures,
  runRate: TileFigures,
  runRateDays: number,
  remainingDays: number,
): TileFigures {
  if (runRateDays <= 0 || remainingDays <= 0) return monthToDate;
  const scaleCount = (mtd: number, rate: number) => mtd + Math.round((rate * remainingDays) / runRateDays);
  const scaleMoney = (mtd: string, rate: string) =>
    fromCents(cents(mtd) + (cents(rate) * BigInt(remainingDays)) / BigInt(runRateDays));
  const netSales = scaleMoney(monthToDate.netSales, runRate.netSales);
  const fees = scaleMoney(monthToDate.fees, runRate.fees);
  const cogs = scaleMoney(monthToDate.cogs, runRate.cogs);
  const contributionProfit = fromCents(cents(netSales) - cents(fees) - cents(cogs));
  return figuresOf({
    netSales,
    orders: scaleCount(monthToDate.orders, runRate.orders),
    units: scaleCount(monthToDate.units, runRate.units),
    fees,
    cogs,
    contributionProfit,
  });
}

export const RUN_RATE_DAYS = 28;

/** The five period tiles of the overview, figures in the shop's currency (same numbers as `report`). */
export async function periodTiles(shop: ShopRef, now = new Date(), channel: string | null = null) {
  const today = localDay(now, shop.timezone);
  const periods = tilePeriods(today);
  const summary = async (range: Range) => {
    const result = await channelSummary(shop, range);
    if (channel === null) return { total: result.total, unconverted: result.total.unconverted };
    const own = result.channels.find((row) => row.channel === channel);
    const zero = { orders: 0, units: 0, netSales: "0.00", fees: "0.00", cogs: "0.00", contributionProfit: "0.00" };
    return { total: own?.converted ?? zero, unconverted: own?.unconverted ?? [] };
  };
  const runRateTo = addDays(today, -1);
  const runRateFrom = addDays(today, -RUN_RATE_DAYS);
  const tiles: PeriodTile[] = [];
  const cache = new Map<string, Promise<Awaited<ReturnType<typeof summary>>>>();
  const cached = (range: Range) => {
    const key = `${range.from}:${range.to}`;
    if (!cache.has(key)) cache.set(key, summary(range));
    return cache.get(key)!;
  };
  for (const period of periods) {
    let figures: TileFigures;
    let unconverted: Array<{ currency: string; netSales: string }>;
    if (period.id === "monthProjected") {
      const mtd = await cached({ from: period.range.from, to: today });
      const rate = await cached({ from: runRateFrom, to: runRateTo });
      const days = daysBetween(runRateFrom, runRateTo) + 1;
      figures = projectMonth(figuresOf(mtd.total), figuresOf(rate.total), days, daysBetween(today, period.range.to));
      unconverted = mtd.unconverted;
    } else {
      const current = await cached(period.range);
      figures = figuresOf(current.total);
      unconverted = current.unconverted;
    }
    const previousFigures = figuresOf((await cached(period.previous)).total);
    const previousNet = Number(previousFigures.netSales);
    tiles.push({
      ...period,
      figures,
      previousFigures,
      netSalesChange: previousNet === 0 ? null : (Number(figures.netSales) - previousNet) / previousNet,
      unconverted: unconverted.map((entry) => ({ currency: entry.currency, netSales: entry.netSales })),
    });
  }
  return { today, tiles };
}

/**
 * "Why numbers differ" (/app/help/numbers): this shop's own count of each cause that makes our
 * figures differ from Shopify's or Amazon's reports over a range of its local days.
 */
export async function numbersDifferCounts(shop: ShopRef, range: Range, pool = ingestPool()) {
  const { rows } = await pool.query<{
    refunds_other_day: number;
    /** Per currency: refunds are not converted here, so amounts in different currencies are never added. */
    refunded_other_day: Array<{ currency: string; amount: string }>;
    orders_other_utc_day: number;
    pending_amazon: number;
    imported_copies: number;
    imported_counted_under_marketplace: number;
  }>(
    `with shop as (select timezone from "Shop" where id = $1),
     o as (
       select o.*, ((o."placedAt" at time zone 'UTC') at time zone (select timezone from shop))::date as day
       from "Order" o where o."shopId" = $1
     )
     select
       (select count(*)::int from "Refund" r join o on o.id = r."orderId"
         where ((r."refundedAt" at time zone 'UTC') at time zone (select timezone from shop))::date between $2::date and $3::date
           and ((r."refundedAt" at time zone 'UTC') at time zone (select timezone from shop))::date <> o.day) as refunds_other_day,
       (select coalesce(json_agg(json_build_object('currency', t.currency, 'amount', t.amount::text) order by t.currency), '[]')
         from (select r.currency, sum(r.amount) as amount from "Refund" r join o on o.id = r."orderId"
           where ((r."refundedAt" at time zone 'UTC') at time zone (select timezone from shop))::date between $2::date and $3::date
             and ((r."refundedAt" at time zone 'UTC') at time zone (select timezone from shop))::date <> o.day
           group by r.currency) t) as refunded_other_day,
       (select count(*)::int from o where o.day between $2::date and $3::date
           and o.day <> (o."placedAt" at time zone 'UTC')::date) as orders_other_utc_day,
       (select count(*)::int from o where o.day between $2::date and $3::date and o.channel = 'amazon'
           and (o.status = 'pending' or not o."pricesKnown")) as pending_amazon,
       (select count(*)::int from o where o.day between $2::date and $3::date and o.channel = 'shopify'
           and o."importedFrom" is not null) as imported_copies,
       (select count(*)::int from o where o.day between $2::date and $3::date and o.channel = 'shopify'
           and o."importedFrom" is not null and exists (select 1 from "ChannelConnection" c
             where c."shopId" = $1 and c.channel::text = o."importedFrom" and c.status <> 'revoked'))
         as imported_counted_under_marketplace`,
    [shop.id, range.from, range.to],
  );
  const row = rows[0]!;
  const summary = await channelSummary(shop, range);
  return {
    range,
    timezone: shop.timezone,
    currency: shop.currency,
    refundsOnAnotherDay: { refunds: row.refunds_other_day, amounts: row.refunded_other_day },
    ordersOnAnotherUtcDay: row.orders_other_utc_day,
    pendingAmazonOrders: row.pending_amazon,
    marketplaceCopies: { orders: row.imported_copies, countedUnderMarketplace: row.imported_counted_under_marketplace },
    missingExchangeRates: summary.total.unconverted.map((entry) => ({
      channel: entry.channel,
      currency: entry.currency,
      days: entry.missingRateDays.length,
      netSales: entry.netSales,
    })),
  };
}
