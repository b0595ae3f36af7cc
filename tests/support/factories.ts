import { ChannelOrder, type SinkPage } from "@crosschannel/connector-sdk";
import { Prisma, type Channel } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { PostgresRecordSink } from "#app/ingest/sink.server.ts";

let counter = 0;
const next = () => ++counter;

/** A shop with one connection and a little of everything a sync writes, for isolation tests. */
export async function createShopWithData(domain: string) {
  const shop = await prisma.shop.create({
    data: { domain, name: domain, timezone: "America/Toronto", currency: "CAD", source: "shopify" },
  });
  const connection = await prisma.channelConnection.create({
    data: {
      shopId: shop.id,
      channel: "amazon",
      accountId: `SELLER${next()}`,
      displayName: "Amazon NA",
      config: { region: "na" },
      credentials: Buffer.from("ciphertext"),
      credentialsKeyId: "test",
    },
  });
  const product = await prisma.product.create({
    data: { shopId: shop.id, sku: "SKU-1", title: "Mug", unitCost: new Prisma.Decimal("4.25"), costCurrency: "CAD" },
  });
  const order = await prisma.order.create({
    data: {
      shopId: shop.id,
      connectionId: connection.id,
      channel: "amazon",
      externalId: `111-${next()}`,
      status: "fulfilled",
      rawStatus: "Shipped",
      placedAt: new Date("2026-03-01T15:00:00Z"),
      channelUpdatedAt: new Date("2026-03-02T15:00:00Z"),
      currency: "CAD",
      lines: {
        create: {
          shopId: shop.id,
          externalId: "1",
          sku: "SKU-1",
          productId: product.id,
          quantity: 2,
          unitPrice: new Prisma.Decimal("10.00"),
          grossSales: new Prisma.Decimal("20.00"),
          status: "fulfilled",
        },
      },
    },
  });
  await prisma.refund.create({
    data: {
      shopId: shop.id,
      connectionId: connection.id,
      orderId: order.id,
      externalId: `R-${next()}`,
      amount: new Prisma.Decimal("10.00"),
      currency: "CAD",
      refundedAt: new Date("2026-03-05T10:00:00Z"),
    },
  });
  await prisma.feeEvent.create({
    data: {
      shopId: shop.id,
      connectionId: connection.id,
      channel: "amazon",
      externalId: `F-${next()}`,
      type: "commission",
      rawType: "Commission",
      amount: new Prisma.Decimal("-3.00"),
      currency: "CAD",
      occurredAt: new Date("2026-03-02T10:00:00Z"),
    },
  });
  await prisma.inventoryLevel.create({
    data: {
      shopId: shop.id,
      connectionId: connection.id,
      channel: "amazon",
      sku: "SKU-1",
      locationId: "ATVPDKIKX0DER",
      available: 5,
      observedAt: new Date(),
    },
  });
  await prisma.dailyRollup.create({
    data: { shopId: shop.id, day: new Date("2026-03-01"), channel: "amazon", sku: "SKU-1", currency: "CAD", orders: 1 },
  });
  await prisma.rollupContribution.create({
    data: {
      shopId: shop.id,
      orderId: order.id,
      day: new Date("2026-03-01"),
      channel: "amazon",
      sku: "SKU-1",
      currency: "CAD",
      orders: 1,
      units: 2,
    },
  });
  await prisma.alert.create({
    data: {
      shopId: shop.id,
      kind: "low_stock",
      severity: "warning",
      dedupeKey: "low:SKU-1",
      title: "Low",
      body: "Low",
    },
  });
  await prisma.auditLog.create({ data: { shopId: shop.id, actor: "test", action: "seed" } });
  return { shop, connection, product, order };
}

/**
 * Rows of one shop in every table that has a `shopId` column (found in the catalog, so a new
 * table is covered without editing this): the evidence that a redaction was complete.
 */
export async function rowCounts(shopId: string): Promise<Record<string, number>> {
  const tables = await prisma.$queryRaw<Array<{ table_name: string }>>`
    select table_name::text as table_name from information_schema.columns
    where table_schema = 'public' and column_name = 'shopId' order by table_name`;
  const counts: Record<string, number> = {};
  for (const { table_name: table } of tables) {
    const rows = await prisma.$queryRawUnsafe<Array<{ n: number }>>(
      `select count(*)::int as n from "${table}" where "shopId" = $1`,
      shopId,
    );
    counts[table.charAt(0).toLowerCase() + table.slice(1) + "s"] = rows[0]?.n ?? 0;
  }
  return counts;
}

/** A shop added locally (as `shops add` does); `data` overrides any field. */
export async function createShop(
  domain = `shop-${next()}.myshopify.com`,
  data: Partial<Omit<Prisma.ShopCreateInput, "domain">> = {},
) {
  return prisma.shop.create({ data: { domain, timezone: "America/Toronto", currency: "USD", ...data } });
}

/**
 * A connection row of a shop to a channel with placeholder credentials (nothing decrypts them),
 * for tests that only need the row; `data` overrides any field.
 */
export async function insertConnection(
  data: Pick<Prisma.ChannelConnectionUncheckedCreateInput, "shopId" | "channel"> &
    Partial<Prisma.ChannelConnectionUncheckedCreateInput>,
) {
  return prisma.channelConnection.create({
    data: {
      accountId: `${data.channel}-${next()}`,
      displayName: data.channel,
      config: {},
      credentials: Buffer.from("x"),
      credentialsKeyId: "k",
      ...data,
    },
  });
}

/** A bare connection of a shop to a channel, by id, for sink tests. */
export async function createConnection(shopId: string, channel: Channel): Promise<string> {
  return (await insertConnection({ shopId, channel })).id;
}

/**
 * Commits records through the PostgreSQL sink as a sync would, one page per call, numbering
 * the pages: `commit(channel, stream, records)` for the shop's connection on that channel.
 */
export function pageCommitter(
  shop: { id: string; timezone: string },
  connections: Partial<Record<Channel, string>>,
): (channel: Channel, stream: SinkPage["stream"], records: readonly unknown[]) => Promise<void> {
  let pageNumber = 0;
  return async (channel, stream, records) => {
    const connectionId = connections[channel];
    if (!connectionId) throw new Error(`The test shop has no ${channel} connection.`);
    const sink = new PostgresRecordSink({ shopId: shop.id, connectionId, channel, timezone: shop.timezone });
    pageNumber += 1;
    await sink.commitPage({
      connectionId,
      connectorId: channel,
      stream,
      runId: "test",
      pageNumber,
      primaryKey: ["externalId"],
      records: [...records],
      quarantined: [],
      checkpoint: { page: pageNumber },
    });
  };
}

/**
 * A fulfilled USD Amazon order as a connector emits it, with `partial` on top (its id, when,
 * lines and whatever else the test is about): one place for the envelope every test needs.
 */
export function testOrder(
  partial: Partial<ChannelOrder> & Pick<ChannelOrder, "externalId" | "placedAt" | "lines">,
): ChannelOrder {
  return ChannelOrder.parse({
    channel: "amazon",
    marketplaceId: null,
    status: "fulfilled",
    rawStatus: "Shipped",
    updatedAt: partial.placedAt,
    cancelledAt: null,
    currency: "USD",
    pricesKnown: true,
    subtotal: null,
    discountTotal: null,
    shippingTotal: "0.00",
    taxTotal: "0.00",
    total: "0.00",
    salesChannel: null,
    refunds: [],
    ...partial,
  });
}

/** A fulfilled USD order of whole-cent lines (SKU, quantity, unit price) placed at `placedAt`, as a connector emits it. */
export function simpleOrder(channel: Channel, id: string, placedAt: string, lines: Array<[string, number, string]>) {
  return testOrder({
    channel,
    externalId: id,
    placedAt,
    lines: lines.map(([sku, quantity, price], index) => ({
      externalId: `${id}-${index}`,
      sku,
      title: sku,
      quantity,
      quantityCancelled: 0,
      unitPrice: price,
      grossSales: (Number(price) * quantity).toFixed(2),
      discount: "0.00",
      tax: null,
      shipping: null,
      status: "fulfilled" as const,
      rawStatus: "Shipped",
      cancelled: false,
    })),
  });
}
