import type pg from "pg";

import { parseDayRange } from "#app/services/validation.server.ts";
import { buildSalesReport, type ReportDay } from "#app/analytics/report.ts";
import { ingestPool } from "#app/db/pool.server.ts";

export const MONEY_METRICS = [
  "grossSales",
  "discounts",
  "returns",
  "netSales",
  "shipping",
  "taxes",
  "fees",
  "cogs",
  "contributionProfit",
] as const;
export type MoneyMetric = (typeof MONEY_METRICS)[number];

export type MetricsRow = { orders: number; units: number } & Record<MoneyMetric, string>;

export interface ChannelReportRow extends MetricsRow {
  channel: string;
  currency: string;
}

export interface UnconvertedAmount {
  channel: string;
  currency: string;
  /** Days in the range with amounts in this currency and no exchange rate to the shop's. */
  missingRateDays: string[];
  netSales: string;
}

export interface SalesReport {
  shop: string;
  timezone: string;
  currency: string;
  from: string;
  to: string;
  channels: ChannelReportRow[];
  total: MetricsRow & { currency: string; unconverted: UnconvertedAmount[] };
}

/** Days an exchange rate stays usable when none is published for a day (weekends, holidays). */
export const FX_LOOKBACK_DAYS = 7;

// Per channel, currency and day (day needed for the conversion) from the rollups' daily totals;
// each day's amount is converted with that day's rate: the manual rate first, else the
// reference rate, else the latest of either within the look-back window.
const REPORT_SQL = `
with shop as (select id, currency from "Shop" where id = $1),
daily as (
  select r.channel::text as channel, r.currency, r.day, r.orders, r.units,
         r."grossSales" as gross_sales, r.discounts, r.returns, r."netSales" as net_sales, r.shipping, r.taxes,
         r.fees, r.cogs
  from "DailyChannelTotal" r
  where r."shopId" = $1 and r.day between $2::date and $3::date
),
rated as (
  select d.*,
    case when d.currency = (select currency from shop) then 1::numeric else (
      select f.rate from "FxRate" f
      where f."shopId" = $1 and f.base = d.currency and f.quote = (select currency from shop)
        and f.day between d.day - ${FX_LOOKBACK_DAYS} and d.day
      order by f.day desc, (f.source = 'manual') desc
      limit 1) end as rate
  from daily d
)
select channel, currency, day::text as day, coalesce(orders, 0)::int as orders, coalesce(units, 0)::int as units,
       gross_sales::text, discounts::text, returns::text, net_sales::text, shipping::text, taxes::text, fees::text,
       cogs::text, rate::text
from rated order by channel, currency, day`;

export interface DailyRow {
  channel: string;
  currency: string;
  day: string;
  orders: number;
  units: number;
  gross_sales: string;
  discounts: string;
  returns: string;
  net_sales: string;
  shipping: string;
  taxes: string;
  fees: string;
  cogs: string;
  rate: string | null;
}

export async function loadReportRows(shopId: string, from: string, to: string, pool: pg.Pool = ingestPool()) {
  const result = await pool.query<DailyRow>(REPORT_SQL, [shopId, from, to]);
  return result.rows;
}

/** A row of the daily totals as the report builder reads it. */
export function toReportDay(row: DailyRow): ReportDay {
  return {
    channel: row.channel,
    currency: row.currency,
    day: row.day,
    orders: row.orders,
    units: row.units,
    grossSales: row.gross_sales,
    discounts: row.discounts,
    returns: row.returns,
    netSales: row.net_sales,
    shipping: row.shipping,
    taxes: row.taxes,
    fees: row.fees,
    cogs: row.cogs,
    rate: row.rate,
  };
}

/** The `report` numbers for a shop and an inclusive range of its local days. */
export async function salesReport(
  shop: { id: string; domain: string; timezone: string; currency: string },
  from: string,
  to: string,
) {
  ({ from, to } = parseDayRange(from, to));
  const rows = await loadReportRows(shop.id, from, to);
  return buildSalesReport(
    { shop: shop.domain, timezone: shop.timezone, currency: shop.currency, from, to },
    rows.map(toReportDay),
  ) satisfies SalesReport;
}
