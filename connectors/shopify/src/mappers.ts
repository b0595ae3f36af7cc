/**
 * Pure mappings from Shopify's wire shapes (GraphQL objects, as read by the streams)
 * to the SDK's normalized models, plus the Marketplace Connect origin rule.
 *
 * Rules (see README.md): money stays a decimal string in the shop's currency
 * (`shopMoney`); ids are GraphQL global ids; the SKU is the variant SKU; raw statuses
 * are kept next to the normalized ones.
 */
import {
  money,
  moneyFromMinor,
  moneyToMinor,
  multiplyMoney,
  sumMoney,
  utcTimestamp,
  type ChannelListing,
  type ChannelOrder,
  type ChannelOrderLine,
  type ChannelRefund,
  type InventoryLevel,
  type LineStatus,
  type ListingStatus,
  type OrderStatus,
} from "@crosschannel/connector-sdk";
import type {
  MoneyBag,
  RestOrder,
  ShopifyInventoryItem,
  ShopifyInventoryLevel,
  ShopifyLevelRecord,
  ShopifyOrder,
  ShopifyProduct,
  ShopifyRefund,
  ShopifyRefundLineItem,
  ShopifyVariantRecord,
} from "./wire.ts";

export const SHOPIFY_CONNECTOR_ID = "shopify";

// ---------------------------------------------------------------------------------
// Marketplace of origin (Marketplace Connect and other marketplace importers)
// ---------------------------------------------------------------------------------

export const MARKETPLACES = ["amazon", "walmart", "ebay", "bestbuy"] as const;
export type Marketplace = (typeof MARKETPLACES)[number];

/** What an order says about where it came from, from either the GraphQL or the webhook shape. */
export interface OrderOriginSignals {
  sourceName: string | null;
  sourceIdentifier: string | null;
  tags: readonly string[];
  /** The app that created the order (Order.app.name / channelInformation.app.title). */
  appTitles: readonly (string | null)[];
  /** channelInformation.channelDefinition: handle, channelName, subChannelName. */
  channelNames: readonly (string | null)[];
  /** The order's name ("#1001") and other ids the importer may have written. */
  identifiers: readonly (string | null)[];
}

const MARKETPLACE_NAMES: readonly (readonly [Marketplace, RegExp])[] = [
  ["amazon", /\bamazon\b/i],
  ["walmart", /\bwalmart\b/i],
  ["ebay", /\bebay\b/i],
  ["bestbuy", /\bbest\s*buy\b|\bbestbuy\b/i],
];

/** Apps that import marketplace orders into Shopify. */
const IMPORTER_APP = /marketplace\s*connect|codisto|\bm2e\b|cedcommerce|channelape|\bcodi\b/i;

/** A tag that names a marketplace on its own: "Amazon", "eBay Order", "Marketplace Connect - Walmart". */
const MARKETPLACE_TAG =
  /^(?:marketplace[\s-]*connect[\s:-]*)?(amazon|walmart|ebay|best\s*buy|bestbuy)(?:[\s_-]+(?:order|orders|us|ca|uk|de|com|prime|fba|mfn|afn))*$/i;

/** Marketplace order number formats, each specific enough to recognize on its own. */
const STRONG_ID_PATTERNS: readonly (readonly [Marketplace, RegExp])[] = [
  ["amazon", /(?:^|\D)\d{3}-\d{7}-\d{7}(?:\D|$)/],
  ["ebay", /(?:^|\D)\d{2}-\d{5}-\d{5}(?:\D|$)/],
];
/** Formats that only count when an importer app is involved (plain digit runs are ambiguous). */
const WEAK_ID_PATTERNS: readonly (readonly [Marketplace, RegExp])[] = [
  ["bestbuy", /^\s*\d{6,}-A\s*$/],
  ["walmart", /^\s*\d{13,15}\s*$/],
];

function nameOf(value: string | null | undefined): Marketplace | undefined {
  if (!value) return undefined;
  for (const [marketplace, pattern] of MARKETPLACE_NAMES) if (pattern.test(value)) return marketplace;
  return undefined;
}

/**
 * The marketplace an order was imported from, or undefined for the shop's own sales.
 * Signals in order of trust: the sales channel (channelInformation) and the importing
 * app naming a marketplace, the order's source name, a tag that is only a marketplace
 * name, then the marketplace's order-number format in the source identifier or name
 * (Amazon 123-1234567-1234567 and eBay 12-12345-12345 alone; Walmart and Best Buy
 * formats only on orders created by a marketplace importer app).
 */
export function marketplaceFromSignals(signals: OrderOriginSignals): Marketplace | undefined {
  for (const value of [...signals.channelNames, ...signals.appTitles]) {
    const found = nameOf(value);
    if (found) return found;
  }
  const source = nameOf(signals.sourceName);
  if (source) return source;
  for (const tag of signals.tags) {
    const match = MARKETPLACE_TAG.exec(tag.trim());
    if (match?.[1]) return nameOf(match[1]);
  }
  const identifiers = [signals.sourceIdentifier, ...signals.identifiers].filter(
    (value): value is string => typeof value === "string" && value.length > 0,
  );
  for (const [marketplace, pattern] of STRONG_ID_PATTERNS) {
    if (identifiers.some((value) => pattern.test(value))) return marketplace;
  }
  const imported = [...signals.appTitles, ...signals.channelNames, signals.sourceName].some(
    (value) => typeof value === "string" && IMPORTER_APP.test(value),
  );
  if (imported) {
    for (const [marketplace, pattern] of WEAK_ID_PATTERNS) {
      if (identifiers.some((value) => pattern.test(value))) return marketplace;
    }
  }
  return undefined;
}

export function originSignalsOf(order: ShopifyOrder): OrderOriginSignals {
  const channel = order.channelInformation;
  return {
    sourceName: order.sourceName,
    sourceIdentifier: order.sourceIdentifier,
    tags: order.tags,
    appTitles: [order.app?.name ?? null, channel?.app?.title ?? null],
    channelNames: [
      channel?.channelDefinition?.channelName ?? null,
      channel?.channelDefinition?.subChannelName ?? null,
      channel?.channelDefinition?.handle ?? null,
    ],
    identifiers: [order.name],
  };
}

export function originSignalsOfRest(order: RestOrder): OrderOriginSignals {
  return {
    sourceName: order.source_name,
    sourceIdentifier: order.source_identifier ?? null,
    tags: order.tags.split(",").map((tag) => tag.trim()),
    appTitles: [],
    channelNames: [],
    identifiers: [order.name],
  };
}

/**
 * Marketplace an order was imported from (Marketplace Connect or another importer), or
 * undefined for the shop's own sales. Accepts the GraphQL order (streams) or the REST
 * payload (orders/* webhooks); see `marketplaceFromSignals` for the rule.
 */
export function marketplaceOfOrigin(order: ShopifyOrder | RestOrder): Marketplace | undefined {
  return marketplaceFromSignals("line_items" in order ? originSignalsOfRest(order) : originSignalsOf(order));
}

/** Marketplace a normalized Shopify order came from (the connector writes it into `salesChannel`). */
export function marketplaceOfNormalizedOrder(
  order: Pick<ChannelOrder, "channel" | "salesChannel">,
): Marketplace | undefined {
  if (order.channel !== SHOPIFY_CONNECTOR_ID) return undefined;
  return (MARKETPLACES as readonly string[]).includes(order.salesChannel ?? "")
    ? (order.salesChannel as Marketplace)
    : undefined;
}

// ---------------------------------------------------------------------------------
// Orders
// ---------------------------------------------------------------------------------

const FULFILLMENT_STATUS: Record<string, OrderStatus> = {
  FULFILLED: "fulfilled",
  PARTIALLY_FULFILLED: "partially_fulfilled",
  UNFULFILLED: "open",
  IN_PROGRESS: "open",
  ON_HOLD: "open",
  OPEN: "open",
  PENDING_FULFILLMENT: "open",
  SCHEDULED: "open",
  REQUEST_DECLINED: "open",
  RESTOCKED: "cancelled",
};

/** Normalized status from Shopify's financial and fulfillment statuses and the cancellation. */
export function orderStatusOf(
  financial: string | null,
  fulfillment: string | null,
  cancelled: boolean,
): { status: OrderStatus; rawStatus: string } {
  const rawFinancial = (financial ?? "UNKNOWN").toUpperCase();
  const rawFulfillment = (fulfillment ?? "UNFULFILLED").toUpperCase();
  const rawStatus = `${rawFinancial}/${rawFulfillment}`;
  if (cancelled) return { status: "cancelled", rawStatus };
  if (rawFinancial === "PENDING" && rawFulfillment === "UNFULFILLED") return { status: "pending", rawStatus };
  return { status: FULFILLMENT_STATUS[rawFulfillment] ?? "unknown", rawStatus };
}

const amountOf = (bag: MoneyBag | null | undefined, currency: string): string =>
  bag ? money(bag.shopMoney.amount, currency) : money("0", currency);

/** `total x part / whole`, rounded half away from zero to the currency's minor unit. */
export function prorate(total: string, part: number, whole: number, currency: string): string {
  if (whole <= 0 || part <= 0) return money("0", currency);
  if (part >= whole) return money(total, currency);
  const scaled = moneyToMinor(total, currency) * BigInt(part) * 2n;
  const divisor = BigInt(whole) * 2n;
  const rounded = scaled >= 0n ? (scaled + BigInt(whole)) / divisor : (scaled - BigInt(whole)) / divisor;
  return moneyFromMinor(rounded, currency);
}

/**
 * A refund line with restockType CANCEL takes units off the order before they were
 * fulfilled (Shopify lowers the line's `currentQuantity` and the order's subtotal): those
 * units were never sold, so they are cancelled units, not returns (docs/metrics.md).
 * RETURN, NO_RESTOCK and LEGACY_RESTOCK lines are refunds of units that were sold.
 */
const isCancellation = (item: ShopifyRefundLineItem) => item.restockType.toUpperCase() === "CANCEL";

/** Units per line item id refunded by the refund lines `keep` selects. */
function refundedUnits(
  refunds: readonly ShopifyRefund[],
  keep: (item: ShopifyRefundLineItem) => boolean,
): Map<string, number> {
  const units = new Map<string, number>();
  for (const refund of refunds) {
    for (const item of refund.refundLineItems?.nodes ?? []) {
      if (!keep(item)) continue;
      units.set(item.lineItem.id, (units.get(item.lineItem.id) ?? 0) + item.quantity);
    }
  }
  return units;
}

/**
 * The refund as it counts: returned merchandise (`amount`, `quantity`), its tax, and the
 * refunded shipping. Refund lines that cancel unfulfilled units (CANCEL) are left out:
 * those units are already out of the order's units and gross sales (`quantityCancelled`),
 * so counting their money as returns would take it off net sales a second time. A refund
 * that only cancels units keeps its refunded shipping, if any, and an amount of zero.
 */
export function toChannelRefund(refund: ShopifyRefund, orderId: string, currency: string): ChannelRefund {
  const items = refund.refundLineItems?.nodes ?? [];
  const returned = items.filter((item) => !isCancellation(item));
  const shipping = sumMoney(
    (refund.refundShippingLines?.nodes ?? []).map((line) => amountOf(line.subtotalAmountSet, currency)),
    currency,
  );
  const single = returned.length === 1 ? returned[0] : undefined;
  // Without refund line items Shopify only tells the total refunded (an amount-only refund).
  const amount =
    items.length > 0
      ? sumMoney(
          returned.map((item) => amountOf(item.subtotalSet, currency)),
          currency,
        )
      : sumMoney([amountOf(refund.totalRefundedSet, currency), `-${shipping}`], currency);
  const tax = sumMoney(
    returned.map((item) => amountOf(item.totalTaxSet, currency)),
    currency,
  );
  const restockTypes = [...new Set(items.map((item) => item.restockType.toUpperCase()))].sort();
  return {
    externalId: refund.id,
    orderExternalId: orderId,
    lineExternalId: single?.lineItem.id ?? null,
    sku: single?.lineItem.sku ?? null,
    quantity: returned.reduce((sum, item) => sum + item.quantity, 0),
    amount,
    shipping,
    tax,
    currency,
    createdAt: utcTimestamp(refund.createdAt),
    rawStatus: restockTypes.length > 0 ? restockTypes.join("+") : "AMOUNT_ONLY",
  };
}

/** Refunds in creation order (ties by id), the same whichever way they were received. */
export function byRefundTime(a: ChannelRefund, b: ChannelRefund): number {
  if (a.createdAt !== b.createdAt) return a.createdAt < b.createdAt ? -1 : 1;
  return a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0;
}

/** The order as the `orders` stream normalizes it. `salesChannel` carries the marketplace of origin. */
export function toChannelOrder(order: ShopifyOrder): ChannelOrder {
  const currency = order.currencyCode;
  const cancelled = order.cancelledAt !== null;
  const { status, rawStatus } = orderStatusOf(order.displayFinancialStatus, order.displayFulfillmentStatus, cancelled);
  const refunds = order.refunds ?? [];
  // Units sold = units still on the order (`currentQuantity`, after refunds and edits) plus
  // the units refunded as returns; never more than ordered less the units a CANCEL refund
  // line took off (which also covers payloads without `current_quantity`).
  const returned = refundedUnits(refunds, (item) => !isCancellation(item));
  const cancelledByRefund = refundedUnits(refunds, isCancellation);
  const shippingTotal = cancelled ? money("0", currency) : amountOf(order.totalShippingPriceSet, currency);
  const items = order.lineItems?.nodes ?? [];

  const lines: ChannelOrderLine[] = items.map((item, index) => {
    if (!item.sku) throw new Error(`line item ${item.id} has no SKU`);
    const units = cancelled
      ? 0
      : Math.max(
          0,
          Math.min(
            item.quantity - (cancelledByRefund.get(item.id) ?? 0),
            item.currentQuantity + (returned.get(item.id) ?? 0),
          ),
        );
    const unitPrice = amountOf(item.originalUnitPriceSet, currency);
    const discount = sumMoney(
      (item.discountAllocations ?? []).map((allocation) => amountOf(allocation.allocatedAmountSet, currency)),
      currency,
    );
    const tax = sumMoney(
      (item.taxLines ?? []).map((line) => amountOf(line.priceSet, currency)),
      currency,
    );
    let lineStatus: LineStatus;
    if (units === 0) lineStatus = "cancelled";
    else if (status === "pending") lineStatus = "pending";
    else lineStatus = item.unfulfilledQuantity === 0 ? "fulfilled" : "open";
    return {
      externalId: item.id,
      sku: item.sku,
      title: item.name,
      quantity: item.quantity,
      quantityCancelled: item.quantity - units,
      unitPrice,
      grossSales: multiplyMoney(unitPrice, units, currency),
      discount: prorate(discount, units, item.quantity, currency),
      tax: prorate(tax, units, item.quantity, currency),
      shipping: index === 0 ? shippingTotal : money("0", currency),
      status: lineStatus,
      rawStatus: units === 0 ? "REMOVED" : item.unfulfilledQuantity === 0 ? "FULFILLED" : "UNFULFILLED",
      cancelled: units === 0,
    };
  });

  const subtotal = sumMoney(
    lines.map((line) => line.grossSales ?? "0"),
    currency,
  );
  const discountTotal = sumMoney(
    lines.map((line) => line.discount ?? "0"),
    currency,
  );
  const taxTotal = sumMoney(
    lines.map((line) => line.tax ?? "0"),
    currency,
  );
  const origin = marketplaceOfOrigin(order);
  return {
    externalId: order.id,
    channel: SHOPIFY_CONNECTOR_ID,
    marketplaceId: null,
    status,
    rawStatus,
    placedAt: utcTimestamp(order.createdAt),
    updatedAt: utcTimestamp(order.updatedAt),
    cancelledAt: order.cancelledAt === null ? null : utcTimestamp(order.cancelledAt),
    currency,
    pricesKnown: true,
    subtotal,
    discountTotal,
    shippingTotal,
    taxTotal,
    total: sumMoney([subtotal, `-${discountTotal}`, taxTotal, shippingTotal], currency),
    salesChannel: origin ?? salesChannelLabel(order),
    lines,
    refunds: refunds.map((refund) => toChannelRefund(refund, order.id, currency)).sort(byRefundTime),
  };
}

/**
 * The order's source as both the GraphQL order and the webhook payload carry it
 * (`sourceName`: "web", "pos", "shopify_draft_order", an app's handle ...), so that
 * streams and webhooks agree; the channel's display name only when there is none.
 */
function salesChannelLabel(order: ShopifyOrder): string | null {
  return order.sourceName ?? order.channelInformation?.channelDefinition?.channelName ?? null;
}

// ---------------------------------------------------------------------------------
// Products: listings and unit costs
// ---------------------------------------------------------------------------------

const PRODUCT_STATUS: Record<string, ListingStatus> = {
  ACTIVE: "active",
  DRAFT: "inactive",
  ARCHIVED: "inactive",
  UNLISTED: "inactive",
};

/** Listing title: the product title, plus the variant title unless it is Shopify's "Default Title". */
export function variantTitle(productTitle: string, variantTitle: string | null): string {
  return !variantTitle || variantTitle === "Default Title" ? productTitle : `${productTitle} - ${variantTitle}`;
}

/** One listing record per variant (the products query's nested connection, flattened). */
export function variantRecordsOf(product: ShopifyProduct, currencyCode: string): ShopifyVariantRecord[] {
  const { variants, ...rest } = product;
  return (variants?.nodes ?? []).map((variant) => ({ product: rest, variant, currencyCode }));
}

const later = (a: string, b: string) => (utcTimestamp(a) >= utcTimestamp(b) ? utcTimestamp(a) : utcTimestamp(b));

export function toChannelListing(record: ShopifyVariantRecord): ChannelListing {
  const { product, variant, currencyCode } = record;
  if (!variant.sku) throw new Error(`variant ${variant.id} has no SKU`);
  const rawStatus = product.status.toUpperCase();
  const status = PRODUCT_STATUS[rawStatus] ?? "unknown";
  return {
    externalId: variant.id,
    sku: variant.sku,
    channel: SHOPIFY_CONNECTOR_ID,
    marketplaceId: null,
    title: variantTitle(product.title, variant.title),
    price: money(variant.price, currencyCode),
    currency: currencyCode,
    status,
    rawStatus,
    active: status === "active",
    updatedAt: later(product.updatedAt, variant.updatedAt),
  };
}

/** A variant's unit cost (COGS) for the master catalog. */
export interface ShopifyVariantCost {
  sku: string;
  title: string;
  /** Decimal string; null when the merchant has not entered a cost. */
  unitCost: string | null;
  /** Currency of unitCost; null when unitCost is null. */
  currency: string | null;
  productId: string;
  variantId: string;
  inventoryItemId: string | null;
  barcode: string | null;
  updatedAt: string;
}

export function toVariantCost(record: ShopifyVariantRecord): ShopifyVariantCost {
  const { product, variant } = record;
  if (!variant.sku) throw new Error(`variant ${variant.id} has no SKU`);
  const cost = variant.inventoryItem?.unitCost ?? null;
  return {
    sku: variant.sku,
    title: variantTitle(product.title, variant.title),
    unitCost: cost ? money(cost.amount, cost.currencyCode) : null,
    currency: cost ? cost.currencyCode : null,
    productId: product.id,
    variantId: variant.id,
    inventoryItemId: variant.inventoryItem?.id ?? null,
    barcode: variant.barcode ?? null,
    updatedAt: later(product.updatedAt, variant.updatedAt),
  };
}

// ---------------------------------------------------------------------------------
// Inventory
// ---------------------------------------------------------------------------------

export function levelRecordsOf(item: ShopifyInventoryItem): ShopifyLevelRecord[] {
  const { inventoryLevels, ...rest } = item;
  return (inventoryLevels?.nodes ?? []).map((level) => ({ item: rest, level }));
}

function quantity(level: ShopifyInventoryLevel, name: string): number | null {
  const found = level.quantities.find((entry) => entry.name === name);
  return found === undefined ? null : found.quantity;
}

/**
 * available = "available"; reserved = "committed" (ordered, not shipped) + "reserved"
 * (held by the merchant); inbound = "incoming"; unfulfillable = "damaged".
 */
export function toInventoryLevel(record: ShopifyLevelRecord): InventoryLevel {
  const { item, level } = record;
  if (!item.sku) throw new Error(`inventory item ${item.id} has no SKU`);
  const available = quantity(level, "available");
  if (available === null) throw new Error(`inventory level ${level.id} has no "available" quantity`);
  return {
    sku: item.sku,
    channel: SHOPIFY_CONNECTOR_ID,
    locationId: level.location.id,
    available,
    reserved: (quantity(level, "committed") ?? 0) + (quantity(level, "reserved") ?? 0),
    inbound: quantity(level, "incoming") ?? 0,
    unfulfillable: quantity(level, "damaged"),
    observedAt: utcTimestamp(level.updatedAt),
  };
}
