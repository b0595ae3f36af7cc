import { addDays } from "#app/analytics/days.ts";
import { ingestPool } from "#app/ingest/pool.server.ts";
import { localDay } from "#app/lib/days.ts";
import { FX_LOOKBACK_DAYS, salesReport, type SalesReport } from "#app/services/report.server.ts";

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
