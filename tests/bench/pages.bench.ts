// The Products and Inventory pages' server time at catalog scale: 1,000,000 order lines over two
// years (quick: 100,000) across 5,000 SKUs (quick: 500) and three channels, with stock and a
// 90-day forecast for every SKU × channel. Times what each page's loader computes (the table
// with its filters, sort and page; the page's locations for Inventory), p95 of 20 loads that
// vary filters, sorts and pages over unchanged data (the slow inputs are then reused: see
// app/services/page-cache.server.ts), and the first load after the data changed.
import { type BenchResult, addDays, createShop, percentile, startBenchDatabase, timed } from "./support.ts";
import { TIMEZONE, TODAY, generateShopData } from "./overview.bench.ts";

const RUNS = 20;
const WARMUP_RUNS = 3;

export default async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  const lines = opts.quick ? 100_000 : 1_000_000;
  const skus = opts.quick ? 500 : 5_000;
  const database = await startBenchDatabase("pages");
  const { closeIngestPool, ingestPool } = await import("#app/db/pool.server.ts");
  const { default: prisma } = await import("#app/db.server.ts");
  try {
    const pool = ingestPool();
    pool.on("error", () => undefined);
    const { refreshRollups } = await import("#app/services/rollups.server.ts");
    const { productsTable } = await import("#app/services/products-page.server.ts");
    const { inventoryTable, rowLocations } = await import("#app/services/inventory-page.server.ts");
    const shopRow = { id: "bench-pages", domain: "pages.bench", timezone: TIMEZONE, currency: "USD" };
    const connections = await createShop(pool, shopRow);
    const client = await pool.connect();
    try {
      await generateShopData(client, shopRow.id, connections, lines, { skus });
      // Stock at two locations per SKU × channel, and a forecast of 90 days for each.
      await client.query(
        `insert into "InventoryLevel" (id, "shopId", "connectionId", channel, sku, "locationId", available, inbound, "observedAt")
         select $1 || '-i' || c.channel || k || '-' || loc, $1, c.connection, c.channel::"Channel",
                'SKU-' || lpad(k::text, 4, '0'), c.channel || '-loc-' || loc, (k * 7 + loc * 3) % 120, (k % 5) * 10, now()
         from generate_series(0, $2 - 1) k
         cross join (values ('shopify', $3), ('amazon', $4), ('bestbuy', $5)) c(channel, connection)
         cross join generate_series(1, 2) loc`,
        [shopRow.id, skus, connections.shopify, connections.amazon, connections.bestbuy],
      );
      await client.query(
        `insert into "Forecast" (id, "shopId", sku, channel, method, "horizonDays", points, accuracy)
         select $1 || '-fc' || c.channel || k, $1, 'SKU-' || lpad(k::text, 4, '0'), c.channel::"Channel", 'ets', 90,
                (select jsonb_agg(jsonb_build_object('day', ($2::date + d)::text, 'mean', m, 'lo80', m * 0.5,
                        'hi80', m * 1.5, 'lo95', m * 0.2, 'hi95', m * 2) order by d)
                 from generate_series(0, 89) d, lateral (select ((k % 9) + 1) * 0.3 as m) mm),
                '{"status":"measured","days":56,"weeklyError":0.2,"coverage80":0.8,"coverage95":0.95}'::jsonb
         from generate_series(0, $3 - 1) k cross join (values ('shopify'), ('amazon'), ('bestbuy')) c(channel)`,
        [shopRow.id, TODAY, skus],
      );
    } finally {
      client.release();
    }
    await refreshRollups(shopRow.id);
    await pool.query("vacuum analyze");
    const shop = await prisma.shop.findUniqueOrThrow({ where: { id: shopRow.id } });
    const now = new Date(`${TODAY}T16:00:00.000Z`);

    // Correct before fast: every SKU is a row; the last 30 days' units equal the rollups'.
    const check = await productsTable(shop, new URLSearchParams(), now);
    if (check.total !== skus) throw new Error(`The Products page lists ${check.total} products, not ${skus}.`);
    const units = await pool.query<{ n: number }>(
      `select coalesce(sum(units), 0)::int as n from "DailyRollup" where "shopId" = $1 and sku <> '' and currency = 'USD'
       and day between $2::date and $3::date`,
      [shop.id, addDays(TODAY, -29), TODAY],
    );
    const shown = check.rows.reduce((sum, row) => sum + row.units, 0);
    if (shown !== units.rows[0]?.n)
      throw new Error(`The Products page counts ${shown} units, the rollups ${units.rows[0]?.n}.`);

    const productParams = [
      new URLSearchParams(),
      new URLSearchParams("sort=margin&dir=asc&page=3"),
      new URLSearchParams("q=SKU-1&channel=amazon"),
      new URLSearchParams("abc=C&sort=cover"),
    ];
    const inventoryParams = [
      new URLSearchParams(),
      new URLSearchParams("bucket=critical"),
      new URLSearchParams("channel=bestbuy&sort=order&dir=desc&page=2"),
      new URLSearchParams("q=SKU-2"),
    ];
    const products: number[] = [];
    const inventory: number[] = [];
    for (let index = 0; index < WARMUP_RUNS + RUNS; index += 1) {
      const p = await timed(() => productsTable(shop, productParams[index % productParams.length]!, now));
      const i = await timed(async () => {
        const table = await inventoryTable(shop, inventoryParams[index % inventoryParams.length]!, TODAY);
        await rowLocations(shop.id, table.pageRows);
        return table;
      });
      if (index >= WARMUP_RUNS) {
        products.push(p.ms);
        inventory.push(i.ms);
      }
    }
    // The first load after the data changed (a stock update): everything recomputed.
    await pool.query(
      `update "InventoryLevel" set available = available + 1 where id = (select id from "InventoryLevel" where "shopId" = $1 limit 1)`,
      [shop.id],
    );
    const coldProducts = await timed(() => productsTable(shop, new URLSearchParams(), now));
    const coldInventory = await timed(() => inventoryTable(shop, new URLSearchParams(), TODAY));
    const scale = `${lines.toLocaleString("en-US")} lines, ${skus.toLocaleString("en-US")} SKUs`;
    return [
      { name: "pages.productsP95Ms", value: percentile(products, 95), unit: "ms", target: `<= 100 (${scale})` },
      { name: "pages.inventoryP95Ms", value: percentile(inventory, 95), unit: "ms", target: `<= 100 (${scale})` },
      { name: "pages.productsColdMs", value: coldProducts.ms, unit: "ms", target: "(info: first load after a change)" },
      {
        name: "pages.inventoryColdMs",
        value: coldInventory.ms,
        unit: "ms",
        target: "(info: first load after a change)",
      },
    ];
  } finally {
    await prisma.$disconnect();
    await closeIngestPool();
    await database.close();
  }
}
