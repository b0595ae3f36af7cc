import type {
  ChannelCancellation,
  ChannelListing,
  ChannelOrder,
  ChannelRefund,
  FeeEvent,
  InventoryLevel,
  RecordRules,
} from "@crosschannel/connector-sdk";
import type { Channel } from "@prisma/client";
import type pg from "pg";

import { orderedIds } from "#app/ingest/ids.ts";
import { localDay } from "#app/analytics/days.ts";

/** Who a page belongs to; every statement is scoped by it. */
export interface IngestScope {
  shopId: string;
  connectionId: string;
  channel: Channel;
  timezone: string;
  /**
   * The channel's departures from the models (its connector's `records`): the marketplace a
   * Shopify order was copied from (Marketplace Connect); which fee events are refunds (Amazon).
   */
  records?: RecordRules;
}

/** Stored type of a refunded sales charge: counted in returns (as a Refund), never in fees. */
export const REFUNDED_CHARGE = "refunded_charge";

const column = <T, V>(rows: readonly T[], pick: (row: T) => V) => rows.map(pick);

// A refund row, shared by the order pages (refunds of the page's orders) and writeRefunds
// (refunds arriving on their own): the columns, the rows from unnest starting at parameter
// `first` (see refundArrays), and the upsert.
const REFUND_INSERT = `insert into "Refund" (id, "shopId", "connectionId", "orderId", "orderLineId", "externalId", sku,
    quantity, amount, shipping, tax, currency, "refundedAt", "rawStatus")`;
const refundRows = (first: number) => {
  const types = [
    "text",
    "text",
    "text",
    "text",
    "int",
    "numeric",
    "numeric",
    "numeric",
    "text",
    "text",
    "text",
    "text",
  ];
  return `select r.id, $1, $2, o.id, l.id, r.external_id, r.sku, r.quantity, r.amount, r.shipping, r.tax, r.currency,
      r.created_at::timestamptz at time zone 'UTC', r.raw_status
    from unnest(${types.map((type, index) => `$${first + index}::${type}[]`).join(", ")})
      as r(order_external_id, line_external_id, external_id, sku, quantity, amount, shipping, tax, currency,
           created_at, raw_status, id)`;
};
const REFUND_UPSERT = `on conflict ("connectionId", "externalId") do update set
    "orderId" = excluded."orderId", "orderLineId" = excluded."orderLineId", sku = excluded.sku,
    quantity = excluded.quantity, amount = excluded.amount, shipping = excluded.shipping, tax = excluded.tax,
    currency = excluded.currency, "refundedAt" = excluded."refundedAt", "rawStatus" = excluded."rawStatus"`;
const refundArrays = (refunds: readonly ChannelRefund[]) => [
  column(refunds, (r) => r.orderExternalId),
  column(refunds, (r) => r.lineExternalId),
  column(refunds, (r) => r.externalId),
  column(refunds, (r) => r.sku),
  column(refunds, (r) => r.quantity),
  column(refunds, (r) => r.amount),
  column(refunds, (r) => r.shipping),
  column(refunds, (r) => r.tax),
  column(refunds, (r) => r.currency),
  column(refunds, (r) => r.createdAt),
  column(refunds, (r) => r.rawStatus),
  orderedIds(refunds.length),
];

/**
 * Orders with their lines and refunds, in one statement per page (and one more for the
 * lines a channel dropped from an order, or for cancellation events). An order is
 * replaced only by a version at least as new (channelUpdatedAt), so an older delivery
 * arriving late changes nothing. Every order written is marked `rollupPending` in the same
 * statement, so its rollup contribution is recomputed by the next refresh (rollups.server.ts).
 */
export async function writeOrders(
  client: pg.PoolClient,
  scope: IngestScope,
  orders: readonly ChannelOrder[],
): Promise<number> {
  if (orders.length === 0) return 0;
  const lines = orders.flatMap((order) => order.lines.map((line) => ({ order, line })));
  // Orders and their lines in one statement: the lines join the orders the upsert returned, so
  // the lines of an order skipped as older than the stored one are skipped with it.
  const updated = await client.query<{ id: string; externalId: string; inserted: boolean }>(
    `with o as (
       insert into "Order" (id, "shopId", "connectionId", channel, "externalId", "marketplaceId", status, "rawStatus",
          "placedAt", "channelUpdatedAt", currency, "pricesKnown", subtotal, discounts, shipping, taxes, total,
          "salesChannel", "importedFrom", "cancelledAt", "createdAt", "updatedAt")
       select t.id, $1, $2, $3::"Channel", t.external_id, t.marketplace_id, t.status, t.raw_status,
          t.placed_at::timestamptz at time zone 'UTC', t.updated_at::timestamptz at time zone 'UTC', t.currency,
          t.prices_known, t.subtotal, t.discounts, t.shipping, t.taxes, t.total, t.sales_channel, t.imported_from,
          t.cancelled_at::timestamptz at time zone 'UTC', now(), now()
       from unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bool[],
          $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[], $16::numeric[], $17::text[], $18::text[],
          $19::text[], $20::text[])
         as t(external_id, marketplace_id, status, raw_status, placed_at, updated_at, currency, prices_known,
              subtotal, discounts, shipping, taxes, total, sales_channel, cancelled_at, imported_from, id)
       on conflict ("connectionId", "externalId") do update set
          "marketplaceId" = excluded."marketplaceId", status = excluded.status, "rawStatus" = excluded."rawStatus",
          "placedAt" = excluded."placedAt", "channelUpdatedAt" = excluded."channelUpdatedAt",
          currency = excluded.currency, "pricesKnown" = excluded."pricesKnown", subtotal = excluded.subtotal,
          discounts = excluded.discounts, shipping = excluded.shipping, taxes = excluded.taxes, total = excluded.total,
          "salesChannel" = excluded."salesChannel", "importedFrom" = excluded."importedFrom",
          "cancelledAt" = excluded."cancelledAt", "rollupPending" = true, "updatedAt" = now()
       where "Order"."channelUpdatedAt" <= excluded."channelUpdatedAt"
       returning id, "externalId", (xmax = 0) as inserted
     ),
     l as (
       insert into "OrderLine" (id, "shopId", "orderId", "externalId", sku, "productId", title, quantity,
          "quantityCancelled", "unitPrice", "grossSales", discount, tax, shipping, status, "rawStatus", cancelled)
       select t.id, $1, o.id, t.external_id, t.sku, coalesce(p.id, a."productId"), t.title,
          t.quantity, t.quantity_cancelled, t.unit_price, t.gross_sales, coalesce(t.discount, 0), coalesce(t.tax, 0),
          coalesce(t.shipping, 0), t.status, t.raw_status, t.cancelled
       from unnest($21::text[], $22::text[], $23::text[], $24::text[], $25::int[], $26::int[], $27::numeric[],
          $28::numeric[], $29::numeric[], $30::numeric[], $31::numeric[], $32::text[], $33::text[], $34::bool[],
          $35::text[])
         as t(order_external_id, external_id, sku, title, quantity, quantity_cancelled, unit_price, gross_sales,
              discount, tax, shipping, status, raw_status, cancelled, id)
       join o on o."externalId" = t.order_external_id
       left join "Product" p on p."shopId" = $1 and p.sku = t.sku
       left join "SkuAlias" a on a."shopId" = $1 and a.channel = $3::"Channel" and a.sku = t.sku
       on conflict ("orderId", "externalId") do update set
          sku = excluded.sku, "productId" = excluded."productId", title = excluded.title, quantity = excluded.quantity,
          "quantityCancelled" = excluded."quantityCancelled", "unitPrice" = excluded."unitPrice",
          "grossSales" = excluded."grossSales", discount = excluded.discount, tax = excluded.tax,
          shipping = excluded.shipping, status = excluded.status, "rawStatus" = excluded."rawStatus",
          cancelled = excluded.cancelled
       returning id, "orderId", "externalId"
     ),
     rf as (
       ${REFUND_INSERT}
       ${refundRows(36)}
       join o on o."externalId" = r.order_external_id
       left join l on l."orderId" = o.id and l."externalId" = r.line_external_id
       ${REFUND_UPSERT}
     )
     select id, "externalId", inserted from o`,
    [
      scope.shopId,
      scope.connectionId,
      scope.channel,
      column(orders, (o) => o.externalId),
      column(orders, (o) => o.marketplaceId),
      column(orders, (o) => o.status),
      column(orders, (o) => o.rawStatus),
      column(orders, (o) => o.placedAt),
      column(orders, (o) => o.updatedAt),
      column(orders, (o) => o.currency),
      column(orders, (o) => o.pricesKnown),
      column(orders, (o) => o.subtotal),
      column(orders, (o) => o.discountTotal),
      column(orders, (o) => o.shippingTotal),
      column(orders, (o) => o.taxTotal),
      column(orders, (o) => o.total),
      column(orders, (o) => o.salesChannel),
      column(orders, (o) => o.cancelledAt),
      column(orders, (o) => scope.records?.originOf?.(o) ?? null),
      orderedIds(orders.length),
      column(lines, (l) => l.order.externalId),
      column(lines, (l) => l.line.externalId),
      column(lines, (l) => l.line.sku),
      column(lines, (l) => l.line.title),
      column(lines, (l) => l.line.quantity),
      column(lines, (l) => l.line.quantityCancelled),
      column(lines, (l) => l.line.unitPrice),
      column(lines, (l) => l.line.grossSales),
      column(lines, (l) => l.line.discount),
      column(lines, (l) => l.line.tax),
      column(lines, (l) => l.line.shipping),
      column(lines, (l) => l.line.status),
      column(lines, (l) => l.line.rawStatus),
      column(lines, (l) => l.line.cancelled),
      orderedIds(lines.length),
      ...refundArrays(orders.flatMap((order) => order.refunds)),
    ],
  );
  if (updated.rows.length === 0) return 0;
  const orderIds = new Map(updated.rows.map((row) => [row.externalId, row.id]));
  const current = orders.filter((order) => orderIds.has(order.externalId));
  // Lines the channel no longer lists for an order that was stored before go (a new order has none).
  const replaced = new Set(updated.rows.filter((row) => !row.inserted).map((row) => row.externalId));
  if (replaced.size > 0) {
    const kept = lines
      .filter((l) => replaced.has(l.order.externalId))
      .map((l) => ({ orderId: orderIds.get(l.order.externalId) as string, externalId: l.line.externalId }));
    await client.query(
      `delete from "OrderLine" l
       where l."orderId" = any($1::text[])
         and not exists (
           select 1 from unnest($2::text[], $3::text[]) as keep(order_id, external_id)
           where keep.order_id = l."orderId" and keep.external_id = l."externalId")`,
      [
        [...replaced].map((externalId) => orderIds.get(externalId)),
        column(kept, (l) => l.orderId),
        column(kept, (l) => l.externalId),
      ],
    );
  }

  await writeCancellations(
    client,
    scope,
    current.flatMap((order) => order.cancellations ?? []),
    orderIds,
  );
  return current.length;
}

export async function writeListings(
  client: pg.PoolClient,
  scope: IngestScope,
  listings: readonly ChannelListing[],
): Promise<number> {
  if (listings.length === 0) return 0;
  const result = await client.query(
    `insert into "ChannelListing" (id, "shopId", "connectionId", channel, "externalId", sku, "productId", title, price,
        currency, status, "rawStatus", active, "updatedAt")
     select gen_random_uuid()::text, $1, $2, $3::"Channel", t.external_id, t.sku, coalesce(p.id, a."productId"),
        t.title, t.price, t.currency, t.status, t.raw_status, t.active, t.updated_at::timestamptz at time zone 'UTC'
     from unnest($4::text[], $5::text[], $6::text[], $7::numeric[], $8::text[], $9::text[], $10::text[], $11::bool[],
        $12::text[]) as t(external_id, sku, title, price, currency, status, raw_status, active, updated_at)
     left join "Product" p on p."shopId" = $1 and p.sku = t.sku
     left join "SkuAlias" a on a."shopId" = $1 and a.channel = $3::"Channel" and a.sku = t.sku
     on conflict ("connectionId", "externalId") do update set
        sku = excluded.sku, "productId" = excluded."productId", title = excluded.title, price = excluded.price,
        currency = excluded.currency, status = excluded.status, "rawStatus" = excluded."rawStatus",
        active = excluded.active, "updatedAt" = excluded."updatedAt"
     -- Newest wins: an older delivery (a webhook retried late, a page read before it) changes nothing.
     where "ChannelListing"."updatedAt" <= excluded."updatedAt"`,
    [
      scope.shopId,
      scope.connectionId,
      scope.channel,
      column(listings, (l) => l.externalId),
      column(listings, (l) => l.sku),
      column(listings, (l) => l.title),
      column(listings, (l) => l.price),
      column(listings, (l) => l.currency),
      column(listings, (l) => l.status),
      column(listings, (l) => l.rawStatus),
      column(listings, (l) => l.active),
      column(listings, (l) => l.updatedAt),
    ],
  );
  return result.rowCount ?? 0;
}

export async function writeInventory(
  client: pg.PoolClient,
  scope: IngestScope,
  levels: readonly InventoryLevel[],
): Promise<number> {
  if (levels.length === 0) return 0;
  const params = [
    scope.shopId,
    scope.connectionId,
    scope.channel,
    column(levels, (l) => l.sku),
    column(levels, (l) => l.locationId),
    column(levels, (l) => l.available),
    column(levels, (l) => l.reserved),
    column(levels, (l) => l.inbound),
    column(levels, (l) => l.unfulfillable ?? 0),
    column(levels, (l) => l.observedAt),
  ];
  const result = await client.query(
    `insert into "InventoryLevel" (id, "shopId", "connectionId", channel, sku, "productId", "locationId", available,
        reserved, inbound, unfulfillable, "observedAt")
     select gen_random_uuid()::text, $1, $2, $3::"Channel", t.sku, coalesce(p.id, a."productId"), t.location_id,
        t.available, t.reserved, t.inbound, t.unfulfillable, t.observed_at::timestamptz at time zone 'UTC'
     from unnest($4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::text[])
       as t(sku, location_id, available, reserved, inbound, unfulfillable, observed_at)
     left join "Product" p on p."shopId" = $1 and p.sku = t.sku
     left join "SkuAlias" a on a."shopId" = $1 and a.channel = $3::"Channel" and a.sku = t.sku
     on conflict ("connectionId", sku, "locationId") do update set
        "productId" = excluded."productId", available = excluded.available, reserved = excluded.reserved,
        inbound = excluded.inbound, unfulfillable = excluded.unfulfillable, "observedAt" = excluded."observedAt"
     where "InventoryLevel"."observedAt" <= excluded."observedAt"`,
    params,
  );
  // One snapshot per local day: the last observation of the day wins.
  await client.query(
    `insert into "InventorySnapshot" (id, "shopId", "connectionId", channel, sku, "locationId", day, available,
        reserved, inbound)
     select gen_random_uuid()::text, $1, $2, $3::"Channel", t.sku, t.location_id, t.day::date, t.available,
        t.reserved, t.inbound
     from unnest($4::text[], $5::text[], $6::int[], $7::int[], $8::int[], $9::text[])
       as t(sku, location_id, available, reserved, inbound, day)
     on conflict ("connectionId", sku, "locationId", day) do update set
        available = excluded.available, reserved = excluded.reserved, inbound = excluded.inbound`,
    [
      scope.shopId,
      scope.connectionId,
      scope.channel,
      column(levels, (l) => l.sku),
      column(levels, (l) => l.locationId),
      column(levels, (l) => l.available),
      column(levels, (l) => l.reserved),
      column(levels, (l) => l.inbound),
      column(levels, (l) => localDay(l.observedAt, scope.timezone)),
    ],
  );
  return result.rowCount ?? 0;
}

export async function writeFees(client: pg.PoolClient, scope: IngestScope, fees: readonly FeeEvent[]): Promise<number> {
  if (fees.length === 0) return 0;
  const result = await client.query(
    `insert into "FeeEvent" (id, "shopId", "connectionId", channel, "externalId", type, "rawType", "orderExternalId",
        "lineExternalId", sku, amount, currency, "occurredAt")
     select gen_random_uuid()::text, $1, $2, $3::"Channel", t.external_id, t.type, t.raw_type, t.order_external_id,
        t.line_external_id, t.sku, t.amount, t.currency, t.occurred_at::timestamptz at time zone 'UTC'
     from unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::numeric[], $11::text[],
        $12::text[]) as t(external_id, type, raw_type, order_external_id, line_external_id, sku, amount, currency,
        occurred_at)
     on conflict ("connectionId", "externalId") do update set
        type = excluded.type, "rawType" = excluded."rawType", "orderExternalId" = excluded."orderExternalId",
        "lineExternalId" = excluded."lineExternalId", sku = excluded.sku, amount = excluded.amount,
        currency = excluded.currency, "occurredAt" = excluded."occurredAt"`,
    [
      scope.shopId,
      scope.connectionId,
      scope.channel,
      column(fees, (f) => f.externalId),
      column(fees, (f) => (scope.records?.refundsFromFees?.isRefundedCharge(f) ? REFUNDED_CHARGE : f.type)),
      column(fees, (f) => f.rawType),
      column(fees, (f) => f.orderExternalId),
      column(fees, (f) => f.lineExternalId),
      column(fees, (f) => f.sku),
      column(fees, (f) => f.amount),
      column(fees, (f) => f.currency),
      column(fees, (f) => f.occurredAt),
    ],
  );
  const refunds = scope.records?.refundsFromFees?.refundsFrom(fees) ?? [];
  if (refunds.length > 0) await writeRefunds(client, scope, refunds);
  // Fees count with their order (metrics.md): the orders' rollup contributions are stale.
  const orderIds = [...new Set(fees.map((fee) => fee.orderExternalId).filter((id): id is string => id !== null))];
  if (orderIds.length > 0) {
    await client.query(
      `update "Order" set "rollupPending" = true
       where "connectionId" = $1 and "externalId" = any($2::text[]) and not "rollupPending"`,
      [scope.connectionId, orderIds],
    );
  }
  return result.rowCount ?? 0;
}

/**
 * Refunds of orders already stored (a refund names its order; one whose order is unknown is
 * skipped and left out of the returned count), arriving apart from their orders (financial
 * events, webhooks): the refunded orders' rollup contributions are marked stale.
 */
export async function writeRefunds(
  client: pg.PoolClient,
  scope: IngestScope,
  refunds: readonly ChannelRefund[],
): Promise<number> {
  if (refunds.length === 0) return 0;
  // The refunded orders are marked stale in the same statement: a refund never lands without it.
  const result = await client.query<{ written: number }>(
    `with written as (
       ${REFUND_INSERT}
       ${refundRows(3)}
       cross join lateral (
         select x.id from "Order" x where x."connectionId" = $2 and x."externalId" = r.order_external_id
       ) o
       left join "OrderLine" l on l."orderId" = o.id and l."externalId" = r.line_external_id
       ${REFUND_UPSERT}
       returning "orderId"
     ),
     marked as (
       update "Order" set "rollupPending" = true
       where id in (select "orderId" from written) and not "rollupPending"
     )
     select count(*)::int as written from written`,
    [scope.shopId, scope.connectionId, ...refundArrays(refunds)],
  );
  return result.rows[0]?.written ?? 0;
}

/** Each cancellation event of a line, as its own row (the line's counted units already exclude them). */
export async function writeCancellations(
  client: pg.PoolClient,
  scope: IngestScope,
  cancellations: readonly ChannelCancellation[],
  orderIds?: ReadonlyMap<string, string>,
): Promise<number> {
  if (cancellations.length === 0) return 0;
  const result = await client.query(
    `insert into "Cancellation" (id, "shopId", "connectionId", "orderId", "orderLineId", "externalId", sku, quantity,
        amount, shipping, tax, currency, "cancelledAt", "reasonCode", "rawStatus")
     select t.id, $1, $2, o.id, l.id, t.external_id, t.sku, t.quantity, t.amount, t.shipping,
        t.tax, t.currency, t.created_at::timestamptz at time zone 'UTC', t.reason_code, t.raw_status
     from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::numeric[], $10::numeric[],
        $11::numeric[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[])
       as t(order_id, order_external_id, line_external_id, external_id, sku, quantity, amount, shipping, tax, currency,
            created_at, reason_code, raw_status, id)
     cross join lateral (
       select coalesce(t.order_id, (
         select x.id from "Order" x where x."connectionId" = $2 and x."externalId" = t.order_external_id)) as id
     ) o
     left join "OrderLine" l on l."orderId" = o.id and l."externalId" = t.line_external_id
     where o.id is not null
     on conflict ("connectionId", "externalId") do update set
        "orderId" = excluded."orderId", "orderLineId" = excluded."orderLineId", sku = excluded.sku,
        quantity = excluded.quantity, amount = excluded.amount, shipping = excluded.shipping, tax = excluded.tax,
        currency = excluded.currency, "cancelledAt" = excluded."cancelledAt", "reasonCode" = excluded."reasonCode",
        "rawStatus" = excluded."rawStatus"`,
    [
      scope.shopId,
      scope.connectionId,
      column(cancellations, (c) => orderIds?.get(c.orderExternalId) ?? null),
      column(cancellations, (c) => c.orderExternalId),
      column(cancellations, (c) => c.lineExternalId),
      column(cancellations, (c) => c.externalId),
      column(cancellations, (c) => c.sku),
      column(cancellations, (c) => c.quantity),
      column(cancellations, (c) => c.amount),
      column(cancellations, (c) => c.shipping),
      column(cancellations, (c) => c.tax),
      column(cancellations, (c) => c.currency),
      column(cancellations, (c) => c.createdAt),
      column(cancellations, (c) => c.reasonCode),
      column(cancellations, (c) => c.rawStatus),
      orderedIds(cancellations.length),
    ],
  );
  return result.rowCount ?? 0;
}
