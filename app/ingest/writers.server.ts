import type {
  ChannelCancellation,
  ChannelListing,
  ChannelOrder,
  ChannelRefund,
  FeeEvent,
  InventoryLevel,
} from "@crosschannel/connector-sdk";
import type pg from "pg";

import { localDay } from "#app/lib/days.ts";

/** Who a page belongs to; every statement is scoped by it. */
export interface IngestScope {
  shopId: string;
  connectionId: string;
  channel: "shopify" | "amazon" | "bestbuy";
  timezone: string;
  /** The marketplace a Shopify order was copied from (Marketplace Connect), if any. */
  originOf?: (order: ChannelOrder) => string | null;
  /** Channels that report refunds among financial events (Amazon) say which are refunds. */
  feeRefunds?: FeeRefunds;
}

export interface FeeRefunds {
  isRefundedCharge(fee: FeeEvent): boolean;
  refundsFrom(fees: readonly FeeEvent[]): ChannelRefund[];
}

/** Stored type of a refunded sales charge: counted in returns (as a Refund), never in fees. */
export const REFUNDED_CHARGE = "refunded_charge";

/** Shop-local days whose numbers a page changed, for the incremental rollup. */
export type TouchedDays = Set<string>;

const column = <T, V>(rows: readonly T[], pick: (row: T) => V) => rows.map(pick);

/**
 * Orders with their lines and refunds, in a handful of statements per page. An order is
 * replaced only by a version at least as new (channelUpdatedAt), so an older delivery
 * arriving late changes nothing.
 */
export async function writeOrders(
  client: pg.PoolClient,
  scope: IngestScope,
  orders: readonly ChannelOrder[],
  touched: TouchedDays,
): Promise<number> {
  if (orders.length === 0) return 0;
  const updated = await client.query<{ id: string; externalId: string }>(
    `insert into "Order" (id, "shopId", "connectionId", channel, "externalId", "marketplaceId", status, "rawStatus",
        "placedAt", "channelUpdatedAt", currency, "pricesKnown", subtotal, discounts, shipping, taxes, total,
        "salesChannel", "importedFrom", "cancelledAt", "createdAt", "updatedAt")
     select gen_random_uuid()::text, $1, $2, $3::"Channel", t.external_id, t.marketplace_id, t.status, t.raw_status,
        t.placed_at::timestamptz at time zone 'UTC', t.updated_at::timestamptz at time zone 'UTC', t.currency,
        t.prices_known, t.subtotal, t.discounts, t.shipping, t.taxes, t.total, t.sales_channel, t.imported_from,
        t.cancelled_at::timestamptz at time zone 'UTC', now(), now()
     from unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::bool[],
        $12::numeric[], $13::numeric[], $14::numeric[], $15::numeric[], $16::numeric[], $17::text[], $18::text[],
        $19::text[])
       as t(external_id, marketplace_id, status, raw_status, placed_at, updated_at, currency, prices_known,
            subtotal, discounts, shipping, taxes, total, sales_channel, cancelled_at, imported_from)
     on conflict ("connectionId", "externalId") do update set
        "marketplaceId" = excluded."marketplaceId", status = excluded.status, "rawStatus" = excluded."rawStatus",
        "placedAt" = excluded."placedAt", "channelUpdatedAt" = excluded."channelUpdatedAt",
        currency = excluded.currency, "pricesKnown" = excluded."pricesKnown", subtotal = excluded.subtotal,
        discounts = excluded.discounts, shipping = excluded.shipping, taxes = excluded.taxes, total = excluded.total,
        "salesChannel" = excluded."salesChannel", "importedFrom" = excluded."importedFrom",
        "cancelledAt" = excluded."cancelledAt", "updatedAt" = now()
     where "Order"."channelUpdatedAt" <= excluded."channelUpdatedAt"
     returning id, "externalId"`,
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
      column(orders, (o) => scope.originOf?.(o) ?? null),
    ],
  );
  const applied = new Set(updated.rows.map((row) => row.externalId));
  const current = orders.filter((order) => applied.has(order.externalId));
  if (current.length === 0) return 0;
  const orderIds = updated.rows.map((row) => row.id);

  const lines = current.flatMap((order) => order.lines.map((line) => ({ order, line })));
  await client.query(
    `insert into "OrderLine" (id, "shopId", "orderId", "externalId", sku, "productId", title, quantity,
        "quantityCancelled", "unitPrice", "grossSales", discount, tax, shipping, status, "rawStatus", cancelled)
     select gen_random_uuid()::text, $1, o.id, t.external_id, t.sku, coalesce(p.id, a."productId"), t.title,
        t.quantity, t.quantity_cancelled, t.unit_price, t.gross_sales, coalesce(t.discount, 0), coalesce(t.tax, 0),
        coalesce(t.shipping, 0), t.status, t.raw_status, t.cancelled
     from unnest($4::text[], $5::text[], $6::text[], $7::text[], $8::int[], $9::int[], $10::numeric[], $11::numeric[],
        $12::numeric[], $13::numeric[], $14::numeric[], $15::text[], $16::text[], $17::bool[])
       as t(order_external_id, external_id, sku, title, quantity, quantity_cancelled, unit_price, gross_sales,
            discount, tax, shipping, status, raw_status, cancelled)
     join "Order" o on o."connectionId" = $2 and o."externalId" = t.order_external_id
     left join "Product" p on p."shopId" = $1 and p.sku = t.sku
     left join "SkuAlias" a on a."shopId" = $1 and a.channel = $3::"Channel" and a.sku = t.sku
     on conflict ("orderId", "externalId") do update set
        sku = excluded.sku, "productId" = excluded."productId", title = excluded.title, quantity = excluded.quantity,
        "quantityCancelled" = excluded."quantityCancelled", "unitPrice" = excluded."unitPrice",
        "grossSales" = excluded."grossSales", discount = excluded.discount, tax = excluded.tax,
        shipping = excluded.shipping, status = excluded.status, "rawStatus" = excluded."rawStatus",
        cancelled = excluded.cancelled`,
    [
      scope.shopId,
      scope.connectionId,
      scope.channel,
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
    ],
  );
  // Lines the channel no longer lists for these orders go (looked up through the order's index).
  const orderIdByExternal = new Map(updated.rows.map((row) => [row.externalId, row.id]));
  await client.query(
    `delete from "OrderLine" l
     where l."orderId" = any($1::text[])
       and not exists (
         select 1 from unnest($2::text[], $3::text[]) as keep(order_id, external_id)
         where keep.order_id = l."orderId" and keep.external_id = l."externalId")`,
    [orderIds, lines.map((l) => orderIdByExternal.get(l.order.externalId)), lines.map((l) => l.line.externalId)],
  );

  await writeRefunds(
    client,
    scope,
    current.flatMap((order) => order.refunds),
  );
  await writeCancellations(
    client,
    scope,
    current.flatMap((order) => order.cancellations ?? []),
  );

  for (const order of current) {
    touched.add(localDay(order.placedAt, scope.timezone));
    for (const refund of order.refunds) touched.add(localDay(refund.createdAt, scope.timezone));
  }
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
        active = excluded.active, "updatedAt" = excluded."updatedAt"`,
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

export async function writeFees(
  client: pg.PoolClient,
  scope: IngestScope,
  fees: readonly FeeEvent[],
  touched: TouchedDays,
): Promise<number> {
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
      column(fees, (f) => (scope.feeRefunds?.isRefundedCharge(f) ? REFUNDED_CHARGE : f.type)),
      column(fees, (f) => f.rawType),
      column(fees, (f) => f.orderExternalId),
      column(fees, (f) => f.lineExternalId),
      column(fees, (f) => f.sku),
      column(fees, (f) => f.amount),
      column(fees, (f) => f.currency),
      column(fees, (f) => f.occurredAt),
    ],
  );
  const refunds = scope.feeRefunds?.refundsFrom(fees) ?? [];
  if (refunds.length > 0) {
    await writeRefunds(client, scope, refunds);
    for (const refund of refunds) touched.add(localDay(refund.createdAt, scope.timezone));
  }
  // Fees count on the day of their order (metrics.md), so the order's day needs a new rollup.
  const orderIds = [...new Set(fees.map((fee) => fee.orderExternalId).filter((id): id is string => id !== null))];
  if (orderIds.length > 0) {
    const days = await client.query<{ placedAt: Date }>(
      `select "placedAt" at time zone 'UTC' as "placedAt" from "Order" where "shopId" = $1 and channel = $2::"Channel" and "externalId" = any($3::text[])`,
      [scope.shopId, scope.channel, orderIds],
    );
    for (const row of days.rows) touched.add(localDay(row.placedAt, scope.timezone));
  }
  return result.rowCount ?? 0;
}

/**
 * Refunds of orders already stored (a refund names its order; one whose order is unknown is
 * skipped by the join and reported in the returned count).
 */
export async function writeRefunds(
  client: pg.PoolClient,
  scope: IngestScope,
  refunds: readonly ChannelRefund[],
): Promise<number> {
  if (refunds.length > 0) {
    const result = await client.query(
      `insert into "Refund" (id, "shopId", "connectionId", "orderId", "orderLineId", "externalId", sku, quantity,
          amount, shipping, tax, currency, "refundedAt", "rawStatus")
       select gen_random_uuid()::text, $1, $2, o.id, l.id, t.external_id, t.sku, t.quantity, t.amount, t.shipping,
          t.tax, t.currency, t.created_at::timestamptz at time zone 'UTC', t.raw_status
       from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::numeric[], $9::numeric[],
          $10::numeric[], $11::text[], $12::text[], $13::text[])
         as t(order_external_id, line_external_id, external_id, sku, quantity, amount, shipping, tax, currency,
              created_at, raw_status)
       join "Order" o on o."connectionId" = $2 and o."externalId" = t.order_external_id
       left join "OrderLine" l on l."orderId" = o.id and l."externalId" = t.line_external_id
       on conflict ("connectionId", "externalId") do update set
          "orderId" = excluded."orderId", "orderLineId" = excluded."orderLineId", sku = excluded.sku,
          quantity = excluded.quantity, amount = excluded.amount, shipping = excluded.shipping, tax = excluded.tax,
          currency = excluded.currency, "refundedAt" = excluded."refundedAt", "rawStatus" = excluded."rawStatus"`,
      [
        scope.shopId,
        scope.connectionId,
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
      ],
    );
    return result.rowCount ?? 0;
  }
  return 0;
}

/** Each cancellation event of a line, as its own row (the line's counted units already exclude them). */
export async function writeCancellations(
  client: pg.PoolClient,
  scope: IngestScope,
  cancellations: readonly ChannelCancellation[],
): Promise<number> {
  if (cancellations.length === 0) return 0;
  const result = await client.query(
    `insert into "Cancellation" (id, "shopId", "connectionId", "orderId", "orderLineId", "externalId", sku, quantity,
        amount, shipping, tax, currency, "cancelledAt", "reasonCode", "rawStatus")
     select gen_random_uuid()::text, $1, $2, o.id, l.id, t.external_id, t.sku, t.quantity, t.amount, t.shipping,
        t.tax, t.currency, t.created_at::timestamptz at time zone 'UTC', t.reason_code, t.raw_status
     from unnest($3::text[], $4::text[], $5::text[], $6::text[], $7::int[], $8::numeric[], $9::numeric[],
        $10::numeric[], $11::text[], $12::text[], $13::text[], $14::text[])
       as t(order_external_id, line_external_id, external_id, sku, quantity, amount, shipping, tax, currency,
            created_at, reason_code, raw_status)
     join "Order" o on o."connectionId" = $2 and o."externalId" = t.order_external_id
     left join "OrderLine" l on l."orderId" = o.id and l."externalId" = t.line_external_id
     on conflict ("connectionId", "externalId") do update set
        "orderId" = excluded."orderId", "orderLineId" = excluded."orderLineId", sku = excluded.sku,
        quantity = excluded.quantity, amount = excluded.amount, shipping = excluded.shipping, tax = excluded.tax,
        currency = excluded.currency, "cancelledAt" = excluded."cancelledAt", "reasonCode" = excluded."reasonCode",
        "rawStatus" = excluded."rawStatus"`,
    [
      scope.shopId,
      scope.connectionId,
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
    ],
  );
  return result.rowCount ?? 0;
}
