/**
 * Real-time side of the Shopify connector, for the app's webhook routes: HMAC
 * verification, header parsing, pure mappers from each topic's REST-shaped payload to
 * the records the streams produce (REST payloads are converted to the GraphQL shapes
 * and go through the very same mappers), and "newest `updatedAt` wins" merge helpers
 * so that a delivery seen twice, or out of order, leaves the right state.
 *
 * Topics: orders/create, orders/updated, orders/cancelled -> mapOrderWebhook;
 * refunds/create -> mapRefundWebhook; products/update -> mapProductWebhook;
 * inventory_levels/update -> mapInventoryLevelWebhook; inventory_items/update
 * (unit cost) -> mapInventoryItemWebhook.
 * https://shopify.dev/docs/apps/build/webhooks/subscribe/https#step-2-validate-the-origin-of-your-webhook-to-ensure-its-coming-from-shopify
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import {
  money,
  sumMoney,
  utcTimestamp,
  type ChannelListing,
  type ChannelOrder,
  type ChannelRefund,
  type InventoryLevel,
} from "@crosschannel/connector-sdk";
import {
  byRefundTime,
  SHOPIFY_CONNECTOR_ID,
  toChannelListing,
  toChannelOrder,
  toChannelRefund,
  variantRecordsOf,
  variantTitle,
  type ShopifyVariantCost,
} from "./mappers.ts";
import type {
  MoneyBag,
  RestInventoryItem,
  RestInventoryLevel,
  RestMoneySet,
  RestOrder,
  RestProduct,
  RestRefund,
  ShopifyOrder,
  ShopifyProduct,
  ShopifyRefund,
} from "./wire.ts";

export const WEBHOOK_TOPICS = [
  "orders/create",
  "orders/updated",
  "orders/cancelled",
  "refunds/create",
  "products/update",
  "inventory_levels/update",
  "inventory_items/update",
] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

// ---------------------------------------------------------------------------------
// Verification and headers
// ---------------------------------------------------------------------------------

/** True when `hmacHeader` is the base64 HMAC-SHA256 of the raw body with the app secret (constant time). */
export function verifyWebhookHmac(
  rawBody: string | Uint8Array,
  hmacHeader: string | null | undefined,
  secret: string,
): boolean {
  if (!hmacHeader || !secret) return false;
  const expected = createHmac("sha256", secret).update(rawBody).digest();
  let received: Buffer;
  try {
    received = Buffer.from(hmacHeader, "base64");
  } catch {
    return false;
  }
  return received.byteLength === expected.byteLength && timingSafeEqual(received, expected);
}

export interface WebhookHeaders {
  topic: string;
  shopDomain: string;
  /** Same id on every retry of one delivery: the deduplication key. */
  webhookId: string;
  hmac: string;
  apiVersion: string | null;
  eventId: string | null;
  triggeredAt: string | null;
}

/** Reads Shopify's webhook headers; null when a required one is missing. */
export function parseWebhookHeaders(
  headers: Headers | Record<string, string | string[] | undefined>,
): WebhookHeaders | null {
  const get = (name: string): string | null => {
    if (headers instanceof Headers) return headers.get(name);
    const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
    const value = entry?.[1];
    return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
  };
  const topic = get("x-shopify-topic");
  const shopDomain = get("x-shopify-shop-domain");
  const webhookId = get("x-shopify-webhook-id");
  const hmac = get("x-shopify-hmac-sha256");
  if (!topic || !shopDomain || !webhookId || !hmac) return null;
  return {
    topic,
    shopDomain,
    webhookId,
    hmac,
    apiVersion: get("x-shopify-api-version"),
    eventId: get("x-shopify-event-id"),
    triggeredAt: get("x-shopify-triggered-at"),
  };
}

// ---------------------------------------------------------------------------------
// REST payloads -> GraphQL shapes
// ---------------------------------------------------------------------------------

const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;

function bag(set: RestMoneySet | undefined, fallback: string | number | null | undefined, currency: string): MoneyBag {
  if (set) return { shopMoney: { amount: set.shop_money.amount, currencyCode: set.shop_money.currency_code } };
  return { shopMoney: { amount: String(fallback ?? "0"), currencyCode: currency } };
}

const FULFILLMENT_FROM_REST: Record<string, string> = {
  fulfilled: "FULFILLED",
  partial: "PARTIALLY_FULFILLED",
  restocked: "RESTOCKED",
};

export function refundFromRest(refund: RestRefund, currency: string): ShopifyRefund {
  const shippingLines =
    refund.refund_shipping_lines && refund.refund_shipping_lines.length > 0
      ? refund.refund_shipping_lines.map((line) => ({
          subtotalAmountSet: bag(line.subtotal_amount_set, line.amount, currency),
        }))
      : (refund.order_adjustments ?? [])
          .filter((adjustment) => adjustment.kind === "shipping_refund")
          .map((adjustment) => ({
            // Shipping refund adjustments are negative amounts.
            subtotalAmountSet: bag(undefined, money(adjustment.amount, currency).replace(/^-/, ""), currency),
          }));
  const refunded = (refund.transactions ?? [])
    .filter((transaction) => transaction.kind === "refund" && transaction.status === "success")
    .map((transaction) => money(transaction.amount, currency));
  const total = sumMoney(refunded, currency);
  return {
    id: refund.admin_graphql_api_id ?? gid("Refund", refund.id),
    createdAt: refund.created_at,
    note: refund.note ?? null,
    totalRefundedSet: { shopMoney: { amount: total, currencyCode: currency } },
    refundShippingLines: { nodes: shippingLines },
    refundLineItems: {
      nodes: refund.refund_line_items.map((item) => ({
        quantity: item.quantity,
        restockType: item.restock_type.toUpperCase(),
        lineItem: {
          id: item.line_item?.admin_graphql_api_id ?? gid("LineItem", item.line_item_id),
          sku: item.line_item?.sku ?? null,
        },
        subtotalSet: bag(item.subtotal_set, item.subtotal, currency),
        totalTaxSet: bag(item.total_tax_set, item.total_tax, currency),
      })),
    },
  };
}

/** An orders/* webhook payload in the GraphQL shape the `orders` stream reads. */
export function orderFromRest(payload: RestOrder): ShopifyOrder {
  const currency = payload.currency;
  const shipping =
    payload.total_shipping_price_set ??
    (payload.shipping_lines && payload.shipping_lines.length > 0
      ? undefined
      : { shop_money: { amount: "0", currency_code: currency } });
  const shippingFallback = sumMoney(
    (payload.shipping_lines ?? []).map((line) => line.price_set?.shop_money.amount ?? line.price),
    currency,
  );
  return {
    id: payload.admin_graphql_api_id ?? gid("Order", payload.id),
    name: payload.name,
    createdAt: payload.created_at,
    updatedAt: payload.updated_at,
    cancelledAt: payload.cancelled_at,
    cancelReason: payload.cancel_reason?.toUpperCase() ?? null,
    displayFinancialStatus: payload.financial_status?.toUpperCase() ?? null,
    displayFulfillmentStatus: FULFILLMENT_FROM_REST[payload.fulfillment_status ?? ""] ?? "UNFULFILLED",
    currencyCode: currency,
    sourceName: payload.source_name,
    sourceIdentifier: payload.source_identifier ?? null,
    tags: payload.tags
      .split(",")
      .map((tag) => tag.trim())
      .filter((tag) => tag.length > 0),
    app: null,
    channelInformation: null,
    totalShippingPriceSet: bag(shipping, shippingFallback, currency),
    lineItems: {
      nodes: payload.line_items.map((item) => ({
        id: item.admin_graphql_api_id ?? gid("LineItem", item.id),
        sku: item.sku,
        name: item.name ?? item.title ?? null,
        quantity: item.quantity,
        currentQuantity: item.current_quantity ?? item.quantity,
        unfulfilledQuantity: item.fulfillable_quantity ?? (item.fulfillment_status === "fulfilled" ? 0 : item.quantity),
        originalUnitPriceSet: bag(item.price_set, item.price, currency),
        discountAllocations: (item.discount_allocations ?? []).map((allocation) => ({
          allocatedAmountSet: bag(allocation.amount_set, allocation.amount, currency),
        })),
        taxLines: (item.tax_lines ?? []).map((line) => ({ priceSet: bag(line.price_set, line.price, currency) })),
      })),
    },
    refunds: (payload.refunds ?? []).map((refund) => refundFromRest(refund, currency)),
  };
}

// ---------------------------------------------------------------------------------
// Topic mappers
// ---------------------------------------------------------------------------------

/** orders/create, orders/updated, orders/cancelled -> the `orders` stream's record. */
export function mapOrderWebhook(payload: RestOrder): ChannelOrder {
  return toChannelOrder(orderFromRest(payload));
}

/**
 * refunds/create -> the refund as it appears in the order's `refunds`. The payload has
 * no order currency; pass the stored order's (the money sets carry it when present).
 */
export function mapRefundWebhook(payload: RestRefund, orderCurrency?: string): ChannelRefund {
  const currency =
    orderCurrency ??
    payload.refund_line_items[0]?.subtotal_set?.shop_money.currency_code ??
    payload.transactions?.find((transaction) => transaction.currency)?.currency;
  if (!currency) throw new Error(`refund ${payload.id}: no currency in the payload; pass the order's currency`);
  const orderId = gid("Order", payload.order_id);
  return toChannelRefund(refundFromRest(payload, currency), orderId, currency);
}

/** Catalog facts of a variant without its unit cost (product payloads do not carry costs). */
export type ShopifyVariantIdentity = Omit<ShopifyVariantCost, "unitCost" | "currency">;

export interface ProductWebhookRecords {
  /** The `listings` stream's records, one per variant with a SKU. */
  listings: ChannelListing[];
  /** Master-catalog facts per variant; unit costs come from inventory_items/update or `readProductCosts`. */
  catalog: ShopifyVariantIdentity[];
  /** Variants that could not be mapped (no SKU), with the reason. */
  skipped: { variantId: string; reason: string }[];
}

/** products/update -> listings and catalog facts. `currency` is the shop's currency. */
export function mapProductWebhook(payload: RestProduct, options: { currency: string }): ProductWebhookRecords {
  const product: ShopifyProduct = {
    id: payload.admin_graphql_api_id ?? gid("Product", payload.id),
    title: payload.title,
    status: payload.status.toUpperCase(),
    updatedAt: payload.updated_at,
    variants: {
      nodes: payload.variants.map((variant) => ({
        id: variant.admin_graphql_api_id ?? gid("ProductVariant", variant.id),
        sku: variant.sku,
        title: variant.title,
        price: variant.price,
        barcode: variant.barcode ?? null,
        updatedAt: variant.updated_at,
        inventoryItem: { id: gid("InventoryItem", variant.inventory_item_id), unitCost: null },
      })),
    },
  };
  const result: ProductWebhookRecords = { listings: [], catalog: [], skipped: [] };
  for (const record of variantRecordsOf(product, options.currency)) {
    if (!record.variant.sku) {
      result.skipped.push({ variantId: record.variant.id, reason: "variant has no SKU" });
      continue;
    }
    const listing = toChannelListing(record);
    result.listings.push(listing);
    result.catalog.push({
      sku: record.variant.sku,
      title: variantTitle(product.title, record.variant.title),
      productId: product.id,
      variantId: record.variant.id,
      inventoryItemId: record.variant.inventoryItem.id,
      barcode: record.variant.barcode,
      updatedAt: listing.updatedAt,
    });
  }
  return result;
}

export interface InventoryItemCostUpdate {
  inventoryItemId: string;
  sku: string | null;
  /** Decimal string in the shop's currency; null when the merchant cleared the cost. */
  unitCost: string | null;
  currency: string;
  updatedAt: string;
}

/** inventory_items/update -> the unit cost (COGS) of the item's variant. */
export function mapInventoryItemWebhook(
  payload: RestInventoryItem,
  options: { currency: string },
): InventoryItemCostUpdate {
  return {
    inventoryItemId: payload.admin_graphql_api_id ?? gid("InventoryItem", payload.id),
    sku: payload.sku,
    unitCost: payload.cost === null || payload.cost === undefined ? null : money(payload.cost, options.currency),
    currency: options.currency,
    updatedAt: utcTimestamp(payload.updated_at),
  };
}

/** Ids of an inventory_levels/update payload, to look up the stored level (the payload has no SKU). */
export function inventoryLevelKeyOf(payload: RestInventoryLevel): { inventoryItemId: string; locationId: string } {
  return {
    inventoryItemId: gid("InventoryItem", payload.inventory_item_id),
    locationId: gid("Location", payload.location_id),
  };
}

/**
 * inventory_levels/update -> the `inventory` stream's record. The payload only carries
 * `available`; the SKU and the other quantities come from the stored level (`known`),
 * defaulting to 0 / null for a level seen for the first time.
 */
export function mapInventoryLevelWebhook(
  payload: RestInventoryLevel,
  known: { sku: string } & Partial<Pick<InventoryLevel, "reserved" | "inbound" | "unfulfillable">>,
): InventoryLevel {
  if (payload.available === null) throw new Error("inventory level payload has no available quantity (untracked item)");
  return {
    sku: known.sku,
    channel: SHOPIFY_CONNECTOR_ID,
    locationId: gid("Location", payload.location_id),
    available: payload.available,
    reserved: known.reserved ?? 0,
    inbound: known.inbound ?? 0,
    unfulfillable: known.unfulfillable ?? null,
    observedAt: utcTimestamp(payload.updated_at),
  };
}

// ---------------------------------------------------------------------------------
// Idempotent, order-independent application
// ---------------------------------------------------------------------------------

/** The record to keep: the incoming one only when strictly newer (same instant keeps the stored one). */
export function newest<T>(current: T | null | undefined, incoming: T, timeOf: (record: T) => string): T {
  if (current === null || current === undefined) return incoming;
  return utcTimestamp(timeOf(incoming)) > utcTimestamp(timeOf(current)) ? incoming : current;
}

/**
 * Applies an order record from any source (stream page, orders/* webhook): newest
 * `updatedAt` wins; refunds are never lost (a refund applied from refunds/create
 * stays even if an older order payload arrives later).
 */
export function applyOrder(current: ChannelOrder | null | undefined, incoming: ChannelOrder): ChannelOrder {
  const kept = newest(current, incoming, (order) => order.updatedAt);
  const other = kept === incoming ? current : incoming;
  const refunds = new Map(kept.refunds.map((refund) => [refund.externalId, refund]));
  for (const refund of other?.refunds ?? [])
    if (!refunds.has(refund.externalId)) refunds.set(refund.externalId, refund);
  return { ...kept, refunds: [...refunds.values()].sort(byRefundTime) };
}

/**
 * Applies a refunds/create record to the stored order; applying it again changes
 * nothing. The order's `updatedAt` is left alone on purpose: the orders/updated
 * payload Shopify sends for the same refund (same instant) must still win, since it
 * also carries the order fields the refund changed (financial status, quantities).
 */
export function applyRefund(order: ChannelOrder, refund: ChannelRefund): ChannelOrder {
  if (refund.orderExternalId !== order.externalId) {
    throw new Error(`refund ${refund.externalId} belongs to ${refund.orderExternalId}, not ${order.externalId}`);
  }
  if (order.refunds.some((existing) => existing.externalId === refund.externalId)) return order;
  return { ...order, refunds: [...order.refunds, refund].sort(byRefundTime) };
}

/** Listings and inventory levels: newest wins. */
export const applyListing = (current: ChannelListing | null | undefined, incoming: ChannelListing) =>
  newest(current, incoming, (listing) => listing.updatedAt);
export const applyInventoryLevel = (current: InventoryLevel | null | undefined, incoming: InventoryLevel) =>
  newest(current, incoming, (level) => level.observedAt);

// ---------------------------------------------------------------------------------
// Payload minimisation
// ---------------------------------------------------------------------------------

type Shape = true | { readonly [key: string]: Shape } | readonly [Shape];

const MONEY_SET: Shape = { shop_money: { amount: true, currency_code: true } };
const REFUND: Shape = {
  id: true,
  admin_graphql_api_id: true,
  order_id: true,
  created_at: true,
  refund_line_items: [
    {
      id: true,
      line_item_id: true,
      quantity: true,
      restock_type: true,
      subtotal: true,
      subtotal_set: MONEY_SET,
      total_tax: true,
      total_tax_set: MONEY_SET,
      line_item: { id: true, sku: true, admin_graphql_api_id: true },
    },
  ],
  refund_shipping_lines: [{ subtotal_amount_set: MONEY_SET, amount: true }],
  transactions: [{ amount: true, currency: true, kind: true, status: true }],
  order_adjustments: [{ amount: true, tax_amount: true, kind: true }],
};
const ORDER: Shape = {
  id: true,
  admin_graphql_api_id: true,
  name: true,
  created_at: true,
  updated_at: true,
  cancelled_at: true,
  cancel_reason: true,
  currency: true,
  financial_status: true,
  fulfillment_status: true,
  source_name: true,
  source_identifier: true,
  tags: true,
  app_id: true,
  line_items: [
    {
      id: true,
      admin_graphql_api_id: true,
      sku: true,
      name: true,
      title: true,
      quantity: true,
      current_quantity: true,
      fulfillable_quantity: true,
      fulfillment_status: true,
      price: true,
      price_set: MONEY_SET,
      discount_allocations: [{ amount: true, amount_set: MONEY_SET }],
      tax_lines: [{ price: true, price_set: MONEY_SET, rate: true, title: true }],
    },
  ],
  shipping_lines: [{ price: true, price_set: MONEY_SET }],
  total_shipping_price_set: MONEY_SET,
  refunds: [REFUND],
};
const PRODUCT: Shape = {
  id: true,
  admin_graphql_api_id: true,
  title: true,
  status: true,
  updated_at: true,
  variants: [
    {
      id: true,
      admin_graphql_api_id: true,
      product_id: true,
      sku: true,
      title: true,
      price: true,
      barcode: true,
      inventory_item_id: true,
      updated_at: true,
    },
  ],
};

/** What each topic's mapper reads (the Rest* types in wire.ts), and nothing else. */
const WEBHOOK_SHAPES: Record<WebhookTopic, Shape> = {
  "orders/create": ORDER,
  "orders/updated": ORDER,
  "orders/cancelled": ORDER,
  "refunds/create": REFUND,
  "products/update": PRODUCT,
  "inventory_levels/update": {
    inventory_item_id: true,
    location_id: true,
    available: true,
    updated_at: true,
    admin_graphql_api_id: true,
  },
  "inventory_items/update": { id: true, admin_graphql_api_id: true, sku: true, cost: true, updated_at: true },
};

function keep(value: unknown, shape: Shape): unknown {
  if (shape === true || value === null || value === undefined) {
    // A leaf is a scalar: an object where a scalar is expected is not copied.
    return typeof value === "object" && value !== null ? undefined : value;
  }
  if (Array.isArray(shape)) {
    return Array.isArray(value) ? value.map((item) => keep(item, shape[0] as Shape)) : undefined;
  }
  if (typeof value !== "object" || Array.isArray(value)) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(shape as Record<string, Shape>)) {
    if (key in (value as object)) {
      const kept = keep((value as Record<string, unknown>)[key], inner);
      if (kept !== undefined) out[key] = kept;
    }
  }
  return out;
}

/**
 * The part of a webhook payload its topic's mapper needs: an explicit allow-list, so that
 * customers, emails, phones, addresses, notes, browser and payment details never reach the
 * queue store. An unknown topic keeps nothing (null).
 */
export function minimizeWebhookPayload(topic: string, payload: unknown): unknown {
  const shape = WEBHOOK_SHAPES[topic as WebhookTopic];
  return shape ? keep(payload, shape) : null;
}
