// Ingest throughput: order lines per second through PostgresRecordSink.commitPage (pages of
// 500 normalized ChannelOrders from the shared merchant dataset, three channels), the
// speed-up over the naive way (one Prisma upsert per order, line and refund), and proof that
// re-ingesting the same pages changes nothing.
import type { ChannelOrder, SinkPage } from "@crosschannel/connector-sdk";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@prisma/client";
import type pg from "pg";

import { type BenchResult, createShop, startBenchDatabase, timed } from "./support.ts";

const PAGE_SIZE = 500;
const TIMEZONE = "America/Toronto";
type ChannelId = "shopify" | "amazon" | "bestbuy";

interface ChannelPages {
  channel: ChannelId;
  orders: ChannelOrder[];
}

/** Every order of the dataset as each channel shows it at the dataset's end. */
function datasetOrders(merchant: MerchantDataset): ChannelPages[] {
  const asOf = `${merchant.end}T00:00:00.000Z`;
  return merchant.channels.map((channel) => {
    const orders: ChannelOrder[] = [];
    for (const order of merchant.orders({ channel: channel.id })) {
      const shown = merchant.orderAsOf(order, asOf);
      if (shown) orders.push(shown);
    }
    return { channel: channel.id as ChannelId, orders };
  });
}

function page(connectionId: string, channel: ChannelId, records: ChannelOrder[], pageNumber: number): SinkPage {
  return {
    connectionId,
    connectorId: channel,
    stream: "orders",
    runId: "bench",
    pageNumber,
    records,
    primaryKey: ["externalId"],
    quarantined: [],
    checkpoint: { page: pageNumber },
  };
}

const countLines = (orders: readonly ChannelOrder[]) => orders.reduce((sum, order) => sum + order.lines.length, 0);

/**
 * Sink ingest of every channel's orders in pages, one page after the other like a sync run;
 * `parallel`: the three channels' syncs at once (the worker runs up to 4 jobs).
 */
async function ingestWithSink(
  shopId: string,
  connections: Record<ChannelId, string>,
  data: readonly ChannelPages[],
  options: { parallel?: boolean } = {},
): Promise<void> {
  const { PostgresRecordSink } = await import("#app/ingest/sink.server.ts");
  const syncChannel = async ({ channel, orders }: ChannelPages) => {
    const connectionId = connections[channel];
    const sink = new PostgresRecordSink({ shopId, connectionId, channel, timezone: TIMEZONE });
    for (let start = 0, number = 1; start < orders.length; start += PAGE_SIZE, number += 1) {
      await sink.commitPage(page(connectionId, channel, orders.slice(start, start + PAGE_SIZE), number));
    }
  };
  if (options.parallel) await Promise.all(data.map(syncChannel));
  else for (const item of data) await syncChannel(item);
}

/** The naive ingest: one Prisma upsert per order, per line and per refund, each its own statement. */
async function ingestNaively(
  prisma: PrismaClient,
  shopId: string,
  connections: Record<ChannelId, string>,
  data: readonly ChannelPages[],
  productIds: ReadonlyMap<string, string>,
): Promise<void> {
  for (const { channel, orders } of data) {
    const connectionId = connections[channel];
    for (const order of orders) {
      const fields = {
        marketplaceId: order.marketplaceId,
        status: order.status,
        rawStatus: order.rawStatus,
        placedAt: new Date(order.placedAt),
        channelUpdatedAt: new Date(order.updatedAt),
        currency: order.currency,
        pricesKnown: order.pricesKnown,
        subtotal: order.subtotal,
        discounts: order.discountTotal,
        shipping: order.shippingTotal,
        taxes: order.taxTotal,
        total: order.total,
        salesChannel: order.salesChannel,
        cancelledAt: order.cancelledAt === null ? null : new Date(order.cancelledAt),
      };
      const stored = await prisma.order.upsert({
        where: { connectionId_externalId: { connectionId, externalId: order.externalId } },
        create: { shopId, connectionId, channel, externalId: order.externalId, ...fields },
        update: fields,
        select: { id: true },
      });
      const lineIds = new Map<string, string>();
      for (const line of order.lines) {
        const lineFields = {
          sku: line.sku,
          productId: productIds.get(line.sku) ?? null,
          title: line.title,
          quantity: line.quantity,
          quantityCancelled: line.quantityCancelled,
          unitPrice: line.unitPrice,
          grossSales: line.grossSales,
          discount: line.discount ?? "0",
          tax: line.tax ?? "0",
          shipping: line.shipping ?? "0",
          status: line.status,
          rawStatus: line.rawStatus,
          cancelled: line.cancelled,
        };
        const storedLine = await prisma.orderLine.upsert({
          where: { orderId_externalId: { orderId: stored.id, externalId: line.externalId } },
          create: { shopId, orderId: stored.id, externalId: line.externalId, ...lineFields },
          update: lineFields,
          select: { id: true },
        });
        lineIds.set(line.externalId, storedLine.id);
      }
      for (const refund of order.refunds) {
        const refundFields = {
          orderId: stored.id,
          orderLineId: refund.lineExternalId === null ? null : (lineIds.get(refund.lineExternalId) ?? null),
          sku: refund.sku,
          quantity: refund.quantity,
          amount: refund.amount,
          shipping: refund.shipping,
          tax: refund.tax,
          currency: refund.currency,
          refundedAt: new Date(refund.createdAt),
          rawStatus: refund.rawStatus,
        };
        await prisma.refund.upsert({
          where: { connectionId_externalId: { connectionId, externalId: refund.externalId } },
          create: { shopId, connectionId, externalId: refund.externalId, ...refundFields },
          update: refundFields,
          select: { id: true },
        });
      }
    }
  }
}

/** Row counts and an md5 of every stored value (bookkeeping timestamps aside) of a shop's orders. */
async function fingerprint(pool: pg.Pool, shopId: string): Promise<Record<string, string>> {
  const tables = {
    Order: `select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t.id), '')) as sum
            from (select id, "connectionId", channel, "externalId", "marketplaceId", status, "rawStatus", "placedAt",
                    "channelUpdatedAt", currency, "pricesKnown", subtotal, discounts, shipping, taxes, total,
                    "salesChannel", "importedFrom", "cancelledAt", "createdAt"
                  from "Order" where "shopId" = $1) t`,
    OrderLine: `select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t.id), '')) as sum
                from "OrderLine" t where "shopId" = $1`,
    Refund: `select count(*)::text as n, md5(coalesce(string_agg(t::text, '|' order by t.id), '')) as sum
             from "Refund" t where "shopId" = $1`,
  };
  const result: Record<string, string> = {};
  for (const [table, sql] of Object.entries(tables)) {
    const row = (await pool.query<{ n: string; sum: string }>(sql, [shopId])).rows[0];
    result[table] = `${row?.n ?? "?"}:${row?.sum ?? "?"}`;
  }
  return result;
}

async function insertProducts(pool: pg.Pool, shopId: string, merchant: MerchantDataset): Promise<Map<string, string>> {
  const ids = merchant.products.map((product) => `${shopId}-${product.sku}`);
  await pool.query(
    `insert into "Product" (id, "shopId", sku, title, "unitCost", "costCurrency", "updatedAt")
     select t.id, $1, t.sku, t.title, t.cost, 'USD', now()
     from unnest($2::text[], $3::text[], $4::text[], $5::numeric[]) as t(id, sku, title, cost)`,
    [
      shopId,
      ids,
      merchant.products.map((product) => product.sku),
      merchant.products.map((product) => product.title),
      merchant.products.map((product) => product.unitCostMinor / 100),
    ],
  );
  return new Map(merchant.products.map((product, index) => [product.sku, ids[index] as string]));
}

/** The first orders of each channel, about `lines` order lines in all. */
function subset(data: readonly ChannelPages[], lines: number): ChannelPages[] {
  const total = data.reduce((sum, item) => sum + countLines(item.orders), 0);
  return data.map(({ channel, orders }) => {
    const share = Math.round((lines * countLines(orders)) / total);
    const picked: ChannelOrder[] = [];
    let count = 0;
    for (const order of orders) {
      if (count >= share) break;
      picked.push(order);
      count += order.lines.length;
    }
    return { channel, orders: picked };
  });
}

export default async function run(opts: { quick: boolean }): Promise<BenchResult[]> {
  // ~400 orders a day for a year is ~207k lines; quick: ~20k.
  const merchant = new MerchantDataset({
    seed: "ingest-bench",
    start: "2025-01-01",
    days: 365,
    skus: 300,
    ordersPerDay: opts.quick ? 40 : 400,
  });
  const data = datasetOrders(merchant);
  const lines = data.reduce((sum, item) => sum + countLines(item.orders), 0);
  const naiveData = subset(data, opts.quick ? 1500 : 5000);
  const naiveLines = naiveData.reduce((sum, item) => sum + countLines(item.orders), 0);

  const database = await startBenchDatabase("ingest");
  const { closeIngestPool, ingestPool } = await import("#app/db/pool.server.ts");
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: database.url, max: 4 }) });
  try {
    const pool = ingestPool();
    // A client idle in the pool when the cluster stops after a failure must not crash the process.
    pool.on("error", () => undefined);
    const shops = {
      main: "bench-ingest-main",
      naive: "bench-ingest-naive",
      sink: "bench-ingest-sink",
      parallel: "bench-ingest-parallel",
    } as const;
    const connections = {
      main: await createShop(pool, { id: shops.main, domain: "main.bench", timezone: TIMEZONE, currency: "USD" }),
      naive: await createShop(pool, { id: shops.naive, domain: "naive.bench", timezone: TIMEZONE, currency: "USD" }),
      sink: await createShop(pool, { id: shops.sink, domain: "sink.bench", timezone: TIMEZONE, currency: "USD" }),
      parallel: await createShop(pool, {
        id: shops.parallel,
        domain: "parallel.bench",
        timezone: TIMEZONE,
        currency: "USD",
      }),
    };
    await insertProducts(pool, shops.main, merchant);
    const naiveProducts = await insertProducts(pool, shops.naive, merchant);
    await insertProducts(pool, shops.sink, merchant);
    await insertProducts(pool, shops.parallel, merchant);

    // Warm the connections and the statements' plans on a throwaway page, then the real run.
    await ingestWithSink(shops.sink, connections.sink, subset(data, 200));
    const full = await timed(() => ingestWithSink(shops.main, connections.main, data));
    const linesPerSecond = lines / (full.ms / 1000);

    const parallel = await timed(() => ingestWithSink(shops.parallel, connections.parallel, data, { parallel: true }));

    const before = await fingerprint(pool, shops.main);
    const again = await timed(() => ingestWithSink(shops.main, connections.main, data));
    const after = await fingerprint(pool, shops.main);
    const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
    if (changed.length > 0) throw new Error(`Re-ingesting the same pages changed ${changed.join(", ")}.`);
    const stored = Number((before.OrderLine ?? "0").split(":")[0]);
    if (stored !== lines) throw new Error(`Stored ${stored} order lines, expected ${lines}.`);

    // Same subset both ways, each into its own empty shop.
    await prisma.$connect();
    const naive = await timed(() => ingestNaively(prisma, shops.naive, connections.naive, naiveData, naiveProducts));
    await pool.query(`delete from "Order" where "shopId" = $1`, [shops.sink]);
    const sink = await timed(() => ingestWithSink(shops.sink, connections.sink, naiveData));
    const naiveStored = await fingerprint(pool, shops.naive);
    const sinkStored = await fingerprint(pool, shops.sink);
    for (const table of ["Order", "OrderLine", "Refund"]) {
      if (naiveStored[table]?.split(":")[0] !== sinkStored[table]?.split(":")[0]) {
        throw new Error(`Naive and sink ingests stored different ${table} counts.`);
      }
    }

    return [
      {
        name: "ingest.linesPerSecond",
        value: Math.round(linesPerSecond),
        unit: "lines/s",
        target: `>= 20000 (${lines} lines)`,
      },
      {
        name: "ingest.linesPerSecond3Parallel",
        value: Math.round(lines / (parallel.ms / 1000)),
        unit: "lines/s",
        target: "(info: 3 channel syncs at once)",
      },
      {
        name: "ingest.reingestLinesPerSecond",
        value: Math.round(lines / (again.ms / 1000)),
        unit: "lines/s",
        target: "(info)",
      },
      { name: "ingest.reingestChanges", value: changed.length, unit: "tables changed", target: "= 0" },
      {
        name: "ingest.speedupVsNaive",
        value: naive.ms / sink.ms,
        unit: "×",
        target: `>= 20 (${naiveLines} lines)`,
      },
    ];
  } finally {
    await prisma.$disconnect().catch(() => undefined);
    await closeIngestPool();
    await database.close();
  }
}
