/**
 * The example connector: Acme Marketplace, written the way docs/connectors.md teaches.
 * Every list endpoint of Acme uses the same keyset pagination, so one generator reads
 * all four streams and each stream only says how to map its records.
 */
import { z } from "zod";
import {
  ConfigError,
  defineConnector,
  money,
  moneyFromMinor,
  utcFromEpochSeconds,
  utcTimestamp,
  type ChannelListing,
  type ChannelOrder,
  type ConnectorContext,
  type FeeEvent,
  type FeeType,
  type InventoryLevel,
  type LineStatus,
  type OrderStatus,
  type Page,
} from "../src/index.ts";
import {
  ACME_RATE_LIMITS,
  type AcmeList,
  type AcmeOffer,
  type AcmeOrder,
  type AcmeOrderState,
  type AcmeStock,
  type AcmeTransaction,
  type AcmeTransactionType,
} from "./acme-wire.ts";

export const AcmeConfig = z.object({
  baseUrl: z.url({ message: "baseUrl must be the Seller API URL, e.g. https://api.acme.example/api" }),
  sellerId: z.string().regex(/^S-\d+$/, "sellerId must look like S-1234 (Acme Seller Central > Settings)"),
  pageSize: z.number().int().min(1).max(100).default(50),
});
export type AcmeConfig = z.output<typeof AcmeConfig>;

export const AcmeCredentials = z.object({
  apiKey: z.string().min(20, "apiKey must be the API key from Acme Seller Central > API access"),
});
export type AcmeCredentials = z.output<typeof AcmeCredentials>;

/** Resume point of every Acme list: strictly after (updatedFrom, after). */
const Keyset = z.object({ updatedFrom: z.iso.datetime({ precision: 3 }), after: z.string() });
type Keyset = z.infer<typeof Keyset>;
type AcmeContext = ConnectorContext<AcmeConfig, AcmeCredentials>;

const ORDER_STATUS: Record<AcmeOrderState, OrderStatus> = {
  WAITING_ACCEPTANCE: "pending",
  SHIPPING: "open",
  PARTIALLY_SHIPPED: "partially_fulfilled",
  SHIPPED: "fulfilled",
  CANCELED: "cancelled",
};
const LINE_STATUS: Record<AcmeOrderState, LineStatus> = {
  WAITING_ACCEPTANCE: "pending",
  SHIPPING: "open",
  PARTIALLY_SHIPPED: "open",
  SHIPPED: "fulfilled",
  CANCELED: "cancelled",
};
const FEE_TYPE: Record<AcmeTransactionType, FeeType> = {
  ORDER_COMMISSION: "commission",
  FULFILMENT_FEE: "fulfillment_fee",
  PAYMENT_PROCESSING: "payment_processing",
  COMMISSION_REFUND: "refund_commission",
  MONTHLY_SUBSCRIPTION: "subscription",
  SHIPPING_LABEL: "shipping_label",
  ADS: "advertising",
  STORAGE: "storage_fee",
  PENALTY: "penalty",
  MANUAL_ADJUSTMENT: "adjustment",
  MISC: "other",
};

function acmeApi(ctx: AcmeContext) {
  return ctx.http({
    baseUrl: ctx.config.baseUrl,
    rateLimits: ACME_RATE_LIMITS,
    headers: { authorization: `Bearer ${ctx.credentials.apiKey}` },
    timeoutMs: 20_000,
    maxRetries: 5,
  });
}

interface ListSpec<W> {
  operation: keyof typeof ACME_RATE_LIMITS;
  path: string;
  /** Acme takes epoch seconds for orders and ISO strings elsewhere. */
  encodeFrom(updatedFrom: string): string | number;
  cursorOf(item: W): string;
  idOf(item: W): string;
}

/** Reads an Acme list from a keyset checkpoint, one page per request. */
async function* readList<W>(ctx: AcmeContext, spec: ListSpec<W>, checkpoint: Keyset): AsyncGenerator<Page<W, Keyset>> {
  const api = acmeApi(ctx);
  let position = checkpoint;
  for (;;) {
    const page = await api.getJson<AcmeList<W>>(spec.operation, spec.path, {
      updated_from: spec.encodeFrom(position.updatedFrom),
      after: position.after === "" ? undefined : position.after,
      limit: ctx.config.pageSize,
    });
    const last = page.items.at(-1);
    if (last === undefined) return;
    position = { updatedFrom: spec.cursorOf(last), after: spec.idOf(last) };
    yield { records: page.items, checkpoint: position };
    if (!page.has_more) return;
  }
}

const startAt = (since: string): Keyset => ({ updatedFrom: utcTimestamp(since), after: "" });

export function toChannelOrder(order: AcmeOrder): ChannelOrder {
  const currency = order.currency_code;
  const amount = (minor: number | null) => (minor === null ? null : moneyFromMinor(minor, currency));
  return {
    externalId: order.id,
    channel: "acme",
    marketplaceId: order.channel_code,
    status: ORDER_STATUS[order.state] ?? "unknown",
    rawStatus: order.state,
    placedAt: utcFromEpochSeconds(order.created_at),
    updatedAt: utcFromEpochSeconds(order.updated_at),
    cancelledAt: order.canceled_at === null ? null : utcFromEpochSeconds(order.canceled_at),
    currency,
    // Acme withholds prices until the seller accepts the order.
    pricesKnown: order.totals !== null,
    subtotal: amount(order.totals?.subtotal_minor ?? null),
    discountTotal: amount(order.totals?.discount_minor ?? null),
    shippingTotal: amount(order.totals?.shipping_minor ?? null),
    taxTotal: amount(order.totals?.tax_minor ?? null),
    total: amount(order.totals?.total_minor ?? null),
    salesChannel: null,
    lines: order.lines.map((line) => ({
      externalId: line.id,
      sku: line.offer_sku,
      title: line.product_title,
      quantity: line.quantity,
      quantityCancelled: line.canceled_quantity,
      unitPrice: amount(line.price_minor),
      grossSales:
        line.price_minor === null
          ? null
          : moneyFromMinor(line.price_minor * (line.quantity - line.canceled_quantity), currency),
      discount: amount(line.discount_minor),
      tax: amount(line.tax_minor),
      shipping: amount(line.shipping_minor),
      status: LINE_STATUS[line.state] ?? "unknown",
      rawStatus: line.state,
      cancelled: line.canceled_quantity >= line.quantity,
    })),
    refunds: order.refunds.map((refund) => ({
      externalId: refund.id,
      orderExternalId: order.id,
      lineExternalId: refund.line_id,
      sku: refund.sku,
      quantity: refund.quantity,
      amount: moneyFromMinor(refund.amount_minor, currency),
      shipping: moneyFromMinor(refund.shipping_minor, currency),
      tax: moneyFromMinor(refund.tax_minor, currency),
      currency,
      createdAt: utcTimestamp(refund.created_at),
      rawStatus: refund.state,
    })),
  };
}

export function toChannelListing(offer: AcmeOffer): ChannelListing {
  return {
    externalId: offer.offer_id,
    sku: offer.shop_sku,
    channel: "acme",
    marketplaceId: offer.channel_code,
    title: offer.title,
    price: offer.price === null ? null : money(offer.price, offer.currency_iso_code),
    currency: offer.currency_iso_code,
    status: offer.state === "ACTIVE" ? "active" : offer.state === "INACTIVE" ? "inactive" : "unknown",
    rawStatus: offer.state,
    active: offer.state === "ACTIVE",
    updatedAt: utcTimestamp(offer.updated_at),
  };
}

export function toInventoryLevel(stock: AcmeStock): InventoryLevel {
  return {
    sku: stock.shop_sku,
    channel: "acme",
    locationId: stock.warehouse_code,
    available: stock.quantity,
    reserved: stock.reserved_quantity,
    inbound: stock.incoming_quantity,
    unfulfillable: stock.unsellable_quantity,
    observedAt: utcTimestamp(stock.updated_at),
  };
}

export function toFeeEvent(transaction: AcmeTransaction): FeeEvent {
  return {
    externalId: transaction.transaction_id,
    channel: "acme",
    type: FEE_TYPE[transaction.type] ?? "other",
    rawType: transaction.type,
    orderExternalId: transaction.order_id,
    lineExternalId: transaction.order_line_id,
    sku: transaction.sku,
    amount: money(transaction.amount, transaction.currency_iso_code),
    currency: transaction.currency_iso_code,
    occurredAt: utcTimestamp(transaction.date),
  };
}

export const acmeConnector = defineConnector({
  id: "acme",
  displayName: "Acme Marketplace",
  configSchema: AcmeConfig,
  credentialsSchema: AcmeCredentials,
  // How a host stores a connection: one settings object holds the config and the API key.
  connection: {
    splitSettings: (settings) => {
      const { apiKey, ...config } = (settings ?? {}) as Record<string, unknown>;
      return { config, credentials: { apiKey } };
    },
    accountId: (config) => config.sellerId,
    displayName: (config) => `Acme ${config.sellerId}`,
    backfillMonths: () => 24,
  },

  async check(ctx) {
    const account = await acmeApi(ctx).getJson<{ seller_id: string; shop_name: string }>("getAccount", "v1/account");
    if (account.seller_id !== ctx.config.sellerId) {
      throw new ConfigError("acme", [
        {
          path: "config.sellerId",
          message: `the API key belongs to seller ${account.seller_id}, not ${ctx.config.sellerId}`,
        },
      ]);
    }
    return { accountName: account.shop_name };
  },

  streams: {
    orders: {
      primaryKey: ["externalId"],
      cursorField: "updatedAt",
      defaultSchedule: { everyMinutes: 15 },
      checkpointSchema: Keyset,
      startCheckpoint: startAt,
      read: (ctx, checkpoint: Keyset) =>
        readList<AcmeOrder>(
          ctx,
          {
            operation: "listOrders",
            path: "v1/orders",
            encodeFrom: (iso) => Math.floor(Date.parse(iso) / 1000),
            cursorOf: (order) => utcFromEpochSeconds(order.updated_at),
            idOf: (order) => order.id,
          },
          checkpoint,
        ),
      normalize: toChannelOrder,
    },
    listings: {
      primaryKey: ["sku"],
      cursorField: "updatedAt",
      defaultSchedule: { everyMinutes: 360 },
      checkpointSchema: Keyset,
      startCheckpoint: startAt,
      read: (ctx, checkpoint: Keyset) =>
        readList<AcmeOffer>(
          ctx,
          {
            operation: "listOffers",
            path: "v1/offers",
            encodeFrom: (iso) => iso,
            cursorOf: (offer) => utcTimestamp(offer.updated_at),
            idOf: (offer) => offer.shop_sku,
          },
          checkpoint,
        ),
      normalize: toChannelListing,
    },
    inventory: {
      primaryKey: ["sku", "locationId"],
      cursorField: "observedAt",
      defaultSchedule: { everyMinutes: 60 },
      checkpointSchema: Keyset,
      startCheckpoint: startAt,
      read: (ctx, checkpoint: Keyset) =>
        readList<AcmeStock>(
          ctx,
          {
            operation: "listStock",
            path: "v1/stock",
            encodeFrom: (iso) => iso,
            cursorOf: (stock) => utcTimestamp(stock.updated_at),
            idOf: (stock) => stock.shop_sku,
          },
          checkpoint,
        ),
      normalize: toInventoryLevel,
    },
    fees: {
      primaryKey: ["externalId"],
      cursorField: "occurredAt",
      defaultSchedule: { everyMinutes: 720 },
      checkpointSchema: Keyset,
      startCheckpoint: startAt,
      read: (ctx, checkpoint: Keyset) =>
        readList<AcmeTransaction>(
          ctx,
          {
            operation: "listTransactions",
            path: "v1/transactions",
            encodeFrom: (iso) => iso,
            cursorOf: (transaction) => utcTimestamp(transaction.date),
            idOf: (transaction) => transaction.transaction_id,
          },
          checkpoint,
        ),
      normalize: toFeeEvent,
    },
  },
});
