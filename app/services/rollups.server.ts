import type pg from "pg";

import { ingestPool } from "#app/ingest/pool.server.ts";

/**
 * Daily rollups: one row per shop × local day × channel × SKU × currency, recomputed for
 * exactly the days a sync touched. Definitions are in docs/metrics.md; in short:
 * - product rows (sku = the line's SKU) carry units, gross sales, discounts, COGS, and the
 *   returns and fees tied to that SKU; `orders` there counts orders containing the SKU;
 * - the order-level row (sku = '') carries the order count, shipping, taxes, and returns
 *   and fees not tied to a SKU;
 * - canceled orders, canceled lines and orders with no counted line count nowhere; a Shopify
 *   copy of a marketplace order counts only under the marketplace when it is connected;
 * - returns count on the refund's day, fees on their order's day, COGS in the cost's currency.
 */
const REFRESH_SQL = `
with shop as (select timezone from "Shop" where id = $1),
bounds as (
  select (min(d)::timestamp - interval '2 days') as lo, (max(d)::timestamp + interval '3 days') as hi
  from unnest($2::date[]) as d
),
counted as (
  select o.id, o.channel, o."connectionId", o."externalId", o.currency, o.shipping, o.taxes,
         ((o."placedAt" at time zone 'UTC') at time zone (select timezone from shop))::date as day
  from "Order" o, bounds b
  where o."shopId" = $1 and o."placedAt" between b.lo and b.hi
    and o.status <> 'cancelled' and not (o.channel = 'shopify' and o."importedFrom" is not null and exists (
           select 1 from "ChannelConnection" c
           where c."shopId" = $1 and c.channel::text = o."importedFrom" and c.status <> 'revoked'))
    and exists (select 1 from "OrderLine" l where l."orderId" = o.id and not l.cancelled and l.quantity > l."quantityCancelled")
),
counted_in_days as (select * from counted where day = any($2::date[])),
counted_lines as (
  -- lateral: each order's lines through the (orderId, externalId) index, never a table scan
  select o.day, o.channel, o.currency, o.id as order_id, l.sku, l."productId",
         (l.quantity - l."quantityCancelled") as units, coalesce(l."grossSales", 0) as gross_sales, l.discount
  from counted_in_days o
  cross join lateral (
    select * from "OrderLine" l
    where l."orderId" = o.id and not l.cancelled and l.quantity > l."quantityCancelled"
  ) l
),
refunds_in_days as (
  select r.*, ((r."refundedAt" at time zone 'UTC') at time zone (select timezone from shop))::date as day
  from "Refund" r, bounds b
  where r."shopId" = $1 and r."refundedAt" between b.lo and b.hi
),
facts as (
  select day, channel, sku, currency, count(distinct order_id) as orders, sum(units) as units,
         sum(gross_sales) as gross_sales, sum(discount) as discounts, 0::numeric as returns,
         0::numeric as shipping, 0::numeric as taxes, 0::numeric as fees, 0::numeric as cogs
  from counted_lines group by day, channel, sku, currency
  union all
  select day, channel, '', currency, count(*), 0, 0, 0, 0, sum(coalesce(shipping, 0)), sum(coalesce(taxes, 0)), 0, 0
  from counted_in_days group by day, channel, currency
  union all
  select l.day, l.channel, l.sku, coalesce(p."costCurrency", s.currency), 0, 0, 0, 0, 0, 0, 0, 0,
         sum(l.units * p."unitCost")
  from counted_lines l join "Product" p on p.id = l."productId" join "Shop" s on s.id = $1
  where p."unitCost" is not null
  group by l.day, l.channel, l.sku, coalesce(p."costCurrency", s.currency)
  union all
  select r.day, o.channel, coalesce(r.sku, ''), r.currency, 0, 0, 0, 0, sum(r.amount), 0, 0, 0, 0
  from refunds_in_days r join "Order" o on o.id = r."orderId"
  where r.day = any($2::date[]) and o.status <> 'cancelled' and not (o.channel = 'shopify' and o."importedFrom" is not null and exists (
           select 1 from "ChannelConnection" c
           where c."shopId" = $1 and c.channel::text = o."importedFrom" and c.status <> 'revoked'))
  group by r.day, o.channel, coalesce(r.sku, ''), r.currency
  union all
  select o.day, o.channel, coalesce(f.sku, ''), f.currency, 0, 0, 0, 0, 0, 0, 0, -sum(f.amount), 0
  from counted_in_days o
  cross join lateral (
    select f.sku, f.currency, f.amount from "FeeEvent" f
    where f."connectionId" = o."connectionId" and f."orderExternalId" = o."externalId" and f.type <> 'refunded_charge'
  ) f
  group by o.day, o.channel, coalesce(f.sku, ''), f.currency
)
insert into "DailyRollup" (id, "shopId", day, channel, sku, currency, orders, units, "grossSales", discounts, returns,
    "netSales", shipping, taxes, fees, cogs, "updatedAt")
select gen_random_uuid()::text, $1, day, channel, sku, currency, sum(orders), sum(units), sum(gross_sales),
       sum(discounts), sum(returns), sum(gross_sales) - sum(discounts) - sum(returns), sum(shipping), sum(taxes),
       sum(fees), sum(cogs), now()
from facts group by day, channel, sku, currency`;

/** Recomputes the rollups of these shop-local days ("YYYY-MM-DD"), in one transaction. */
export async function refreshRollups(shopId: string, days: Iterable<string>, pool: pg.Pool = ingestPool()) {
  const list = [...new Set(days)].sort();
  if (list.length === 0) return { days: 0, rows: 0 };
  const client = await pool.connect();
  try {
    await client.query("begin");
    await client.query(`delete from "DailyRollup" where "shopId" = $1 and day = any($2::date[])`, [shopId, list]);
    const inserted = await client.query(REFRESH_SQL, [shopId, list]);
    await client.query("commit");
    return { days: list.length, rows: inserted.rowCount ?? 0 };
  } catch (error) {
    await client.query("rollback").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** Every local day the shop has data on: for a full rebuild (e.g. after a time zone change). */
export async function allDataDays(shopId: string, pool: pg.Pool = ingestPool()): Promise<string[]> {
  const result = await pool.query<{ day: string }>(
    `with shop as (select timezone from "Shop" where id = $1)
     select distinct ((t at time zone 'UTC') at time zone (select timezone from shop))::date::text as day
     from (select "placedAt" as t from "Order" where "shopId" = $1
           union all select "refundedAt" from "Refund" where "shopId" = $1) x
     order by 1`,
    [shopId],
  );
  return result.rows.map((row) => row.day);
}
