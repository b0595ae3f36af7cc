import type pg from "pg";

import { ingestPool } from "#app/db/pool.server.ts";

/**
 * Daily rollups: one row per shop × local day × channel × SKU × currency (definitions in
 * docs/metrics.md). In short:
 * - product rows (sku = the line's SKU) carry units, gross sales, discounts, COGS, and the
 *   returns and fees tied to that SKU; `orders` there counts orders containing the SKU;
 * - the order-level row (sku = '') carries the order count, shipping, taxes, and returns
 *   and fees not tied to a SKU;
 * - canceled orders, canceled lines and orders with no counted line count nowhere; a Shopify
 *   copy of a marketplace order counts only under the marketplace when it is connected;
 * - returns count on the refund's day, fees on their order's day, COGS in the cost's currency.
 *
 * How they are kept: every rollup row is a sum over orders, so each order's share is stored
 * (RollupContribution). Whatever changes an order's numbers (the order, its lines, refunds,
 * fees, a unit cost, a SKU mapping, a newly connected marketplace, the shop's time zone)
 * marks the order `rollupPending`; a refresh recomputes the contributions of the pending
 * orders only, and adds to DailyRollup the difference between their new and stored
 * contributions. The cost of a refresh follows the orders that changed, not the days they
 * fall on. The mark is stored with the order, in the ingest's own transaction, so a sync that
 * dies before its refresh leaves nothing behind: the next refresh picks the orders up.
 */

/** Orders refreshed per transaction. */
const BATCH_SIZE = 5000;

// The contributions of the orders $2 (ids) of shop $1: one row per order × key.
const CONTRIBUTIONS_SQL = `
with shop as (select timezone, currency from "Shop" where id = $1),
batch as materialized (
  select o.id, o.channel, o."connectionId", o."externalId", o.currency, o.shipping, o.taxes,
         ((o."placedAt" at time zone 'UTC') at time zone (select timezone from shop))::date as day,
         o.status <> 'cancelled' and not (o.channel = 'shopify' and o."importedFrom" is not null and exists (
           select 1 from "ChannelConnection" c
           where c."shopId" = $1 and c.channel::text = o."importedFrom" and c.status <> 'revoked')) as live
  from "Order" o
  where o.id = any($2::text[]) and o."shopId" = $1
),
lines as materialized (
  select b.id as order_id, b.day, b.channel, b.currency, l.sku, l."productId",
         (l.quantity - l."quantityCancelled") as units, coalesce(l."grossSales", 0) as gross_sales, l.discount
  from batch b
  join "OrderLine" l on l."orderId" = b.id
  where b.live and not l.cancelled and l.quantity > l."quantityCancelled"
),
counted as materialized (select b.* from batch b where exists (select 1 from lines l where l.order_id = b.id)),
facts as (
  select order_id, day, channel, sku, currency, 1 as orders, sum(units) as units, sum(gross_sales) as gross_sales,
         sum(discount) as discounts, 0::numeric as returns, 0::numeric as shipping, 0::numeric as taxes,
         0::numeric as fees, 0::numeric as cogs
  from lines group by order_id, day, channel, sku, currency
  union all
  select id, day, channel, '', currency, 1, 0, 0, 0, 0, coalesce(shipping, 0), coalesce(taxes, 0), 0, 0
  from counted
  union all
  select l.order_id, l.day, l.channel, l.sku, coalesce(p."costCurrency", (select currency from shop)), 0, 0, 0, 0, 0,
         0, 0, 0, sum(l.units * p."unitCost")
  from lines l join "Product" p on p.id = l."productId"
  where p."unitCost" is not null
  group by l.order_id, l.day, l.channel, l.sku, coalesce(p."costCurrency", (select currency from shop))
  union all
  select b.id, ((r."refundedAt" at time zone 'UTC') at time zone (select timezone from shop))::date, b.channel,
         coalesce(r.sku, ''), r.currency, 0, 0, 0, 0, sum(r.amount), 0, 0, 0, 0
  from counted b join "Refund" r on r."orderId" = b.id
  group by 1, 2, 3, 4, 5
  union all
  select o.id, o.day, o.channel, coalesce(f.sku, ''), f.currency, 0, 0, 0, 0, 0, 0, 0, -sum(f.amount), 0
  from counted o
  join "FeeEvent" f on f."connectionId" = o."connectionId" and f."orderExternalId" = o."externalId"
  where f.type <> 'refunded_charge'
  group by 1, 2, 3, 4, 5
)
select order_id, day, channel, sku, currency, sum(orders)::int as orders, sum(units)::int as units,
       sum(gross_sales) as gross_sales, sum(discounts) as discounts, sum(returns) as returns,
       sum(shipping) as shipping, sum(taxes) as taxes, sum(fees) as fees, sum(cogs) as cogs
from facts
group by order_id, day, channel, sku, currency`;

// One statement: the batch's stored contributions are replaced by the recomputed ones, and
// DailyRollup gets the difference in one upsert (so the trigger keeping DailyChannelTotal
// runs once). CTEs see the same snapshot, so `old` is what was stored before this statement.
const APPLY_SQL = `
with fresh as materialized (${CONTRIBUTIONS_SQL}),
old as materialized (
  select "orderId" as order_id, day, channel, sku, currency, orders, units, "grossSales" as gross_sales, discounts,
         returns, shipping, taxes, fees, cogs
  from "RollupContribution" where "orderId" = any($2::text[]) and "shopId" = $1
),
removed as (delete from "RollupContribution" where "orderId" = any($2::text[]) and "shopId" = $1),
added as (
  insert into "RollupContribution" ("shopId", "orderId", day, channel, sku, currency, orders, units, "grossSales",
      discounts, returns, shipping, taxes, fees, cogs)
  select $1, order_id, day, channel::"Channel", sku, currency, orders, units, gross_sales, discounts, returns,
         shipping, taxes, fees, cogs
  from fresh
),
delta as (
  select day, channel, sku, currency, sum(orders)::int as orders, sum(units)::int as units,
         sum(gross_sales) as gross_sales, sum(discounts) as discounts, sum(returns) as returns,
         sum(shipping) as shipping, sum(taxes) as taxes, sum(fees) as fees, sum(cogs) as cogs,
         sum(n)::int as contributions
  from (
    select day, channel::text as channel, sku, currency, orders, units, gross_sales, discounts, returns, shipping,
           taxes, fees, cogs, 1 as n
    from fresh
    union all
    select day, channel::text, sku, currency, -orders, -units, -gross_sales, -discounts, -returns, -shipping, -taxes,
           -fees, -cogs, -1
    from old
  ) x
  group by day, channel, sku, currency
)
insert into "DailyRollup" (id, "shopId", day, channel, sku, currency, orders, units, "grossSales", discounts, returns,
    "netSales", shipping, taxes, fees, cogs, contributions, "updatedAt")
select gen_random_uuid()::text, $1, day, channel::"Channel", sku, currency, orders, units, gross_sales, discounts,
       returns, gross_sales - discounts - returns, shipping, taxes, fees, cogs, contributions, now()
from delta
where contributions <> 0 or orders <> 0 or units <> 0 or gross_sales <> 0 or discounts <> 0 or returns <> 0
   or shipping <> 0 or taxes <> 0 or fees <> 0 or cogs <> 0
on conflict ("shopId", day, channel, sku, currency) do update set
  orders = "DailyRollup".orders + excluded.orders, units = "DailyRollup".units + excluded.units,
  "grossSales" = "DailyRollup"."grossSales" + excluded."grossSales",
  discounts = "DailyRollup".discounts + excluded.discounts, returns = "DailyRollup".returns + excluded.returns,
  "netSales" = "DailyRollup"."netSales" + excluded."netSales",
  shipping = "DailyRollup".shipping + excluded.shipping, taxes = "DailyRollup".taxes + excluded.taxes,
  fees = "DailyRollup".fees + excluded.fees, cogs = "DailyRollup".cogs + excluded.cogs,
  contributions = "DailyRollup".contributions + excluded.contributions, "updatedAt" = now()
returning id, contributions`;

export interface RollupRefresh {
  /** Orders whose contributions were recomputed. */
  orders: number;
  /** DailyRollup rows written (inserted or changed). */
  rows: number;
}

/**
 * Recomputes the rollup contributions of the shop's pending orders, a batch per transaction,
 * until none is left. Orders another transaction is writing at that moment are skipped (they
 * stay pending for the next refresh), so a refresh never waits on, or blocks, a sync for long.
 */
export async function refreshRollups(shopId: string, pool: pg.Pool = ingestPool()): Promise<RollupRefresh> {
  const total: RollupRefresh = { orders: 0, rows: 0 };
  for (;;) {
    const client = await pool.connect();
    try {
      await client.query("begin");
      // One refresh per shop at a time: two would add the same difference twice.
      await client.query(`select pg_advisory_xact_lock(hashtextextended('rollup:' || $1, 0))`, [shopId]);
      // Oldest first through the (shopId, rollupPending, placedAt) index: a batch covers few
      // days, so the daily channel totals recomputed after it stay few.
      const pending = await client.query<{ id: string }>(
        `select id from "Order" where "shopId" = $1 and "rollupPending" order by "placedAt" limit $2
         for update skip locked`,
        [shopId, BATCH_SIZE],
      );
      if (pending.rows.length === 0) {
        await client.query("commit");
        return total;
      }
      const ids = pending.rows.map((row) => row.id);
      const applied = await client.query<{ id: string; contributions: number }>(APPLY_SQL, [shopId, ids]);
      // Rows no order contributes to any more go (an order moved to another day, was canceled...).
      const empty = applied.rows.filter((row) => row.contributions <= 0).map((row) => row.id);
      if (empty.length > 0) await client.query(`delete from "DailyRollup" where id = any($1::text[])`, [empty]);
      await client.query(`update "Order" set "rollupPending" = false where id = any($1::text[])`, [ids]);
      await client.query("commit");
      total.orders += ids.length;
      total.rows += applied.rowCount ?? 0;
      if (ids.length < BATCH_SIZE) return total;
    } catch (error) {
      await client.query("rollback").catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}

/** refreshRollups for every shop with pending orders (the periodic sweep). */
export async function refreshAllPendingRollups(
  pool: pg.Pool = ingestPool(),
): Promise<RollupRefresh & { shops: number }> {
  const shops = await pool.query<{ id: string }>(
    `select s.id from "Shop" s where exists (select 1 from "Order" o where o."shopId" = s.id and o."rollupPending")`,
  );
  const total = { shops: shops.rows.length, orders: 0, rows: 0 };
  for (const shop of shops.rows) {
    const done = await refreshRollups(shop.id, pool);
    total.orders += done.orders;
    total.rows += done.rows;
  }
  return total;
}

/** What made some orders' rollup contributions stale. */
export type StaleRollups =
  /** Every order of the shop (a time zone change, a rebuild). */
  | { all: true }
  /** Orders with lines of these SKUs (a unit cost or a SKU mapping changed). */
  | { skus: readonly string[] }
  /** Shopify copies of this marketplace's orders (the marketplace was connected or revoked). */
  | { importedFrom: string };

/** Marks orders pending, for the next refreshRollups. Returns how many were marked. */
export async function markRollupsStale(
  shopId: string,
  stale: StaleRollups,
  pool: pg.Pool = ingestPool(),
): Promise<number> {
  let sql: string;
  let params: unknown[];
  if ("all" in stale) {
    sql = `update "Order" set "rollupPending" = true where "shopId" = $1 and not "rollupPending"`;
    params = [shopId];
  } else if ("skus" in stale) {
    if (stale.skus.length === 0) return 0;
    sql = `update "Order" o set "rollupPending" = true
           where o.id in (select l."orderId" from "OrderLine" l where l."shopId" = $1 and l.sku = any($2::text[]))
             and not o."rollupPending"`;
    params = [shopId, [...stale.skus]];
  } else {
    sql = `update "Order" set "rollupPending" = true
           where "shopId" = $1 and channel = 'shopify' and "importedFrom" = $2 and not "rollupPending"`;
    params = [shopId, stale.importedFrom];
  }
  const result = await pool.query(sql, params);
  return result.rowCount ?? 0;
}
