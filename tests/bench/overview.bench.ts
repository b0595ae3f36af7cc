// The overview at catalog scale: 1,000,000 order lines over two years and three channels
// (quick: 100,000) generated in SQL for one shop, plus a smaller second shop to prove scoping.
// Measures the full rollup rebuild, the p95 of the overview's data (KPIs by channel for 30
// days, 90-day trend by channel, top 20 products) and the incremental rollup after a sync
// that touched 1,000 recent orders.
import type pg from "pg";

import { type BenchResult, addDays, createShop, percentile, startBenchDatabase, timed } from "./support.ts";

export const TIMEZONE = "America/Toronto";
/** The shop-local "today" of the data: the last day of the two years generated. */
export const TODAY = "2026-06-30";
const HISTORY_DAYS = 730;
const SKUS = 400;
const RUNS = 50;
const WARMUP_RUNS = 5;
const TOUCHED_ORDERS = 1000;

/**
 * Orders, lines (1-3 per order, 1.4 on average, popular SKUs sell more), refunds on 4% of
 * lines, a marketplace commission fee per marketplace line, products with unit costs and a
 * daily CAD→USD reference rate; everything deterministic. Runs on one client (temp table).
 */
export async function generateShopData(
  client: pg.PoolClient,
  shopId: string,
  connections: Record<"shopify" | "amazon" | "bestbuy", string>,
  lines: number,
  options: { skus?: number; today?: string } = {},
): Promise<void> {
  const skus = options.skus ?? SKUS;
  const today = options.today ?? TODAY;
  const orders = Math.ceil(lines / 1.4);
  await client.query(
    `insert into "Product" (id, "shopId", sku, title, "unitCost", "costCurrency", "updatedAt")
     select $1 || '-p' || k, $1, 'SKU-' || lpad(k::text, 4, '0'), 'Product ' || k, round((12 + k % 50) * 0.4, 2), 'USD', now()
     from generate_series(0, $2 - 1) k`,
    [shopId, skus],
  );
  await client.query(`drop table if exists bench_lines`);
  // Order i: channel 45% shopify / 40% amazon / 15% bestbuy, placed uniformly over the history
  // (a multiplicative hash of i spreads the seconds), 2% cancelled.
  await client.query(
    `create temp table bench_lines as
     with o as (
       select i,
              case when i % 20 < 9 then 'shopify' when i % 20 < 17 then 'amazon' else 'bestbuy' end as channel,
              ($3::date + 1 + interval '5 hours') - make_interval(secs => ((i::bigint * 2654435761) % ($4::bigint * 86400)) + 1)
                as placed_at,
              case when i % 10 < 7 then 1 when i % 10 < 9 then 2 else 3 end as n_lines,
              (i % 50 = 0) as cancelled
       from generate_series(1, $1::int) i
     ),
     l as (
       select o.*, j, floor($2 * power(((i::bigint * 7919 + j * 104729) % 10007) / 10007.0, 2))::int as sku_index,
              case when (i + j) % 5 = 0 then 2 else 1 end as quantity
       from o cross join lateral generate_series(1, o.n_lines) j
     )
     select l.*, (12 + sku_index % 50 + 0.99) * case when channel = 'bestbuy' then 1.37 else 1 end as unit_price,
            case when channel = 'bestbuy' then 'CAD' else 'USD' end as currency
     from l`,
    [orders, skus, today, HISTORY_DAYS],
  );
  await client.query(
    `insert into "Order" (id, "shopId", "connectionId", channel, "externalId", status, "rawStatus", "placedAt",
        "channelUpdatedAt", currency, "pricesKnown", subtotal, discounts, shipping, taxes, total, "cancelledAt",
        "updatedAt")
     select $1 || '-o' || i, $1, case channel when 'shopify' then $2 when 'amazon' then $3 else $4 end,
            channel::"Channel", upper(left(channel, 3)) || '-' || i,
            case when cancelled then 'cancelled' else 'fulfilled' end, case when cancelled then 'CANCELED' else 'SHIPPED' end,
            placed_at, placed_at + interval '2 days', currency, true, subtotal, discounts, shipping,
            round((subtotal - discounts) * 0.07, 2), subtotal - discounts + shipping + round((subtotal - discounts) * 0.07, 2),
            case when cancelled then placed_at + interval '1 hour' end, now()
     from (
       select i, channel, placed_at, cancelled, currency, sum(unit_price * quantity) as subtotal,
              sum(case when i % 7 = 0 then round(unit_price * quantity * 0.1, 2) else 0 end) as discounts,
              case channel when 'shopify' then 5.99 when 'amazon' then 0 else 9.99 end as shipping
       from bench_lines group by i, channel, placed_at, cancelled, currency
     ) o`,
    [shopId, connections.shopify, connections.amazon, connections.bestbuy],
  );
  await client.query(
    `insert into "OrderLine" (id, "shopId", "orderId", "externalId", sku, "productId", title, quantity,
        "quantityCancelled", "unitPrice", "grossSales", discount, tax, shipping, status, "rawStatus", cancelled)
     select $1 || '-l' || i || '-' || j, $1, $1 || '-o' || i, 'L' || j, 'SKU-' || lpad(sku_index::text, 4, '0'),
            $1 || '-p' || sku_index, 'Product ' || sku_index, quantity, case when cancelled then quantity else 0 end,
            unit_price, unit_price * quantity,
            case when i % 7 = 0 then round(unit_price * quantity * 0.1, 2) else 0 end,
            round(unit_price * quantity * 0.07, 2), 0, case when cancelled then 'cancelled' else 'fulfilled' end,
            null, cancelled
     from bench_lines`,
    [shopId],
  );
  await client.query(
    `insert into "Refund" (id, "shopId", "connectionId", "orderId", "orderLineId", "externalId", sku, quantity, amount,
        tax, currency, "refundedAt")
     select $1 || '-r' || i || '-' || j, $1, case channel when 'shopify' then $2 when 'amazon' then $3 else $4 end,
            $1 || '-o' || i, $1 || '-l' || i || '-' || j, 'R-' || i || '-' || j, 'SKU-' || lpad(sku_index::text, 4, '0'),
            1, round(unit_price * 0.5, 2), round(unit_price * 0.035, 2), currency,
            placed_at + make_interval(days => 2 + i % 20)
     from bench_lines
     where not cancelled and (i * 13 + j) % 25 = 0 and placed_at + make_interval(days => 2 + i % 20) < $5::date`,
    [shopId, connections.shopify, connections.amazon, connections.bestbuy, today],
  );
  await client.query(
    `insert into "FeeEvent" (id, "shopId", "connectionId", channel, "externalId", type, "rawType", "orderExternalId",
        "lineExternalId", sku, amount, currency, "occurredAt")
     select $1 || '-f' || i || '-' || j, $1, case channel when 'amazon' then $2 else $3 end, channel::"Channel",
            'F-' || i || '-' || j, 'commission', 'Commission', upper(left(channel, 3)) || '-' || i, 'L' || j,
            'SKU-' || lpad(sku_index::text, 4, '0'),
            -round(unit_price * quantity * case channel when 'amazon' then 0.15 else 0.12 end, 2), currency,
            placed_at + interval '1 day'
     from bench_lines where channel <> 'shopify' and not cancelled`,
    [shopId, connections.amazon, connections.bestbuy],
  );
  await client.query(
    `insert into "FxRate" (id, "shopId", day, base, quote, rate, source)
     select $1 || '-fx' || d::date, $1, d::date, 'CAD', 'USD', round((0.73 + 0.01 * sin(extract(doy from d)::float8 / 20))::numeric, 6),
            'reference'
     from generate_series($2::date - $3::int - 10, $2::date, interval '1 day') d`,
    [shopId, today, HISTORY_DAYS],
  );
  await client.query(`drop table bench_lines`);
}

/** Orders the rollups should count in [from, to], straight from the order tables. */
async function countedOrders(pool: pg.Pool, shopId: string, from: string, to: string): Promise<number> {
  const result = await pool.query<{ n: number }>(
    `select count(*)::int as n from "Order" o
     where o."shopId" = $1 and o.status <> 'cancelled'
       and ((o."placedAt" at time zone 'UTC') at time zone $4)::date between $2::date and $3::date
       and exists (select 1 from "OrderLine" l where l."orderId" = o.id and not l.cancelled and l.quantity > l."quantityCancelled")`,
    [shopId, from, to, TIMEZONE],
  );
  return result.rows[0]?.n ?? 0;
}

export default async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const lines = opts.quick ? 100_000 : 1_000_000;
  const database = await startBenchDatabase("overview");
  const { closeIngestPool, ingestPool } = await import("#app/db/pool.server.ts");
  try {
    const pool = ingestPool();
    // A client idle in the pool when the cluster stops after a failure must not crash the process.
    pool.on("error", () => undefined);
    const { refreshRollups } = await import("#app/services/rollups.server.ts");
    const { overviewData } = await import("#app/services/overview.server.ts");
    const shop = { id: "bench-overview", domain: "overview.bench", timezone: TIMEZONE, currency: "USD" };
    const other = { id: "bench-other", domain: "other.bench", timezone: TIMEZONE, currency: "USD" };
    const connections = await createShop(pool, shop);
    const otherConnections = await createShop(pool, other);

    const generated = await timed(async () => {
      const client = await pool.connect();
      try {
        await generateShopData(client, shop.id, connections, lines);
        await generateShopData(client, other.id, otherConnections, Math.round(lines / 10));
      } finally {
        client.release();
      }
      await pool.query("analyze");
    });
    const stored = await pool.query<{ n: number }>(`select count(*)::int as n from "OrderLine" where "shopId" = $1`, [
      shop.id,
    ]);

    // Every generated order is pending (the column's default): the first refresh builds all.
    const rebuild = await timed(() => refreshRollups(shop.id));
    await refreshRollups(other.id);
    // Steady state: autovacuum keeps the visibility map current, which index-only scans rely on.
    await pool.query(`vacuum analyze "DailyRollup"`);

    // Correct and scoped: the KPIs count exactly the shop's own counted orders.
    const kpiFrom = addDays(TODAY, -29);
    const check = await overviewData(shop, { today: TODAY });
    const kpiOrders = check.kpis.channels.reduce((sum, row) => sum + row.orders, 0);
    const expectedOrders = await countedOrders(pool, shop.id, kpiFrom, TODAY);
    if (kpiOrders !== expectedOrders) {
      throw new Error(`Overview KPIs count ${kpiOrders} orders, the order table ${expectedOrders}.`);
    }
    const otherData = await overviewData(other, { today: TODAY });
    const otherOrders = otherData.kpis.channels.reduce((sum, row) => sum + row.orders, 0);
    if (otherOrders !== (await countedOrders(pool, other.id, kpiFrom, TODAY))) {
      throw new Error("The second shop's overview is not scoped to its own orders.");
    }
    if (check.trend.length !== 90 * 3 || check.topProducts.length !== 20) {
      throw new Error(`Overview has ${check.trend.length} trend points and ${check.topProducts.length} top products.`);
    }

    const samples: number[] = [];
    for (let index = 0; index < WARMUP_RUNS + RUNS; index += 1) {
      const { ms } = await timed(() => overviewData(shop, { today: TODAY }));
      if (index >= WARMUP_RUNS) samples.push(ms);
    }

    // A sync touching 1,000 orders of the last 30 days: their lines change (a discount), and
    // the days to refresh are those of the orders and of their refunds.
    const picked = await pool.query<{ id: string }>(
      `select id from "Order" where "shopId" = $1 and "placedAt" >= $2::date - 30 and status <> 'cancelled'
       order by md5(id) limit $3`,
      [shop.id, TODAY, TOUCHED_ORDERS],
    );
    const pickedIds = picked.rows.map((row) => row.id);
    const touched = await pool.query<{ day: string }>(
      `with lines as (update "OrderLine" set discount = discount + 1 where "orderId" = any($1::text[])),
       orders as (update "Order" set "channelUpdatedAt" = now(), "updatedAt" = now(), "rollupPending" = true
                  where id = any($1::text[]) returning "placedAt")
       select distinct ((t at time zone 'UTC') at time zone $2)::date::text as day
       from (select "placedAt" as t from orders
             union all select "refundedAt" from "Refund" where "orderId" = any($1::text[])) x`,
      [pickedIds, TIMEZONE],
    );
    const touchedDays = touched.rows.map((row) => row.day);
    const discountsBefore = await pool.query<{ sum: string }>(
      `select sum(discounts)::text as sum from "DailyRollup" where "shopId" = $1`,
      [shop.id],
    );
    const incremental = await timed(() => refreshRollups(shop.id));
    if (incremental.value.orders !== TOUCHED_ORDERS) {
      throw new Error(`The incremental refresh recomputed ${incremental.value.orders} orders, not ${TOUCHED_ORDERS}.`);
    }
    const discountsAfter = await pool.query<{ sum: string; lines: number }>(
      `select (select sum(discounts)::text from "DailyRollup" where "shopId" = $1) as sum,
              (select count(*)::int from "OrderLine" l
               where l."orderId" = any($2::text[]) and not l.cancelled and l.quantity > l."quantityCancelled") as lines`,
      [shop.id, pickedIds],
    );
    const added = Number(discountsAfter.rows[0]?.sum) - Number(discountsBefore.rows[0]?.sum);
    if (Math.abs(added - (discountsAfter.rows[0]?.lines ?? -1)) > 1e-6) {
      throw new Error(
        `The incremental refresh added ${added} of discounts for ${discountsAfter.rows[0]?.lines} lines.`,
      );
    }

    return [
      {
        name: "overview.p95Ms",
        value: percentile(samples, 95),
        unit: "ms",
        target: `<= 50 (${stored.rows[0]?.n ?? 0} lines)`,
      },
      { name: "overview.p50Ms", value: percentile(samples, 50), unit: "ms", target: "(info)" },
      {
        name: "rollup.fullRebuildSeconds",
        value: rebuild.ms / 1000,
        unit: "s",
        target: `(info, ${rebuild.value.orders} orders)`,
      },
      {
        name: "rollup.incrementalMs",
        value: incremental.ms,
        unit: "ms",
        target: `<= 1000 (${TOUCHED_ORDERS} orders, ${touchedDays.length} days)`,
      },
      { name: "overview.dataGenerationSeconds", value: generated.ms / 1000, unit: "s", target: "(info)" },
    ];
  } finally {
    await closeIngestPool();
    await database.close();
  }
}
