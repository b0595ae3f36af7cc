/**
 * Pure mappings from Amazon's wire records to the normalized models. No I/O.
 *
 * Orders arrive from two sources that must normalize identically: the Orders API
 * v2026-01-01 (`searchOrders`, incremental) and the all-orders flat-file report (backfill).
 * - Line ids are `${amazonOrderId}/${sellerSku}`: the report has no order-item id, and Finances
 *   events carry both the order id and the SKU, so fees join on the same key.
 * - `rawStatus` keeps Amazon's status in the Orders API vocabulary (`SHIPPED`, `CANCELLED`, ...);
 *   the report's spelling ("Shipped", "Cancelled") is canonicalized to it, and the report row
 *   itself is kept verbatim in the raw record.
 * - Pending and cancelled orders carry no prices: `pricesKnown: false`, money fields null.
 */
import {
  currencyMinorDigits,
  money,
  moneyFromMinor,
  moneyToMinor,
  multiplyMoney,
  negateMoney,
  sumMoney,
  utcTimestamp,
  type ChannelListing,
  type ChannelOrder,
  type ChannelOrderLine,
  type FeeEvent,
  type FeeType,
  type InventoryLevel,
  type LineStatus,
  type ListingStatus,
  type OrderStatus,
} from "@crosschannel/connector-sdk";
import {
  marketplaceByDomain,
  marketplaceById,
  type AllOrdersReportRow,
  type AmazonCurrency,
  type AmazonFinancialEventRecord,
  type AmazonFulfillmentStatus,
  type AmazonInventoryRecord,
  type AmazonListingItem,
  type AmazonMoney,
  type AmazonOrder,
  type AmazonOrderItem,
  type AmazonReportOrder,
  type AmazonShipmentEvent,
} from "./wire.ts";

export const CHANNEL = "amazon";

export const ORDER_STATUS: Record<AmazonFulfillmentStatus, OrderStatus> = {
  PENDING_AVAILABILITY: "pending",
  PENDING: "pending",
  UNSHIPPED: "open",
  PARTIALLY_SHIPPED: "partially_fulfilled",
  SHIPPED: "fulfilled",
  CANCELLED: "cancelled",
  UNFULFILLABLE: "unknown",
};

const isFulfillmentStatus = (value: string): value is AmazonFulfillmentStatus => value in ORDER_STATUS;

/**
 * Canonical Orders-API status for any Amazon spelling: v2026 (`CANCELLED`), v0 (`Canceled`,
 * `PartiallyShipped`) and the flat-file report (`Cancelled`, `Shipped`). Unknown values are
 * returned upper-cased so nothing is lost.
 */
export function canonicalStatus(raw: string): string {
  const key = raw.replace(/[^a-z]/gi, "").toLowerCase();
  const known: Record<string, AmazonFulfillmentStatus> = {
    pendingavailability: "PENDING_AVAILABILITY",
    pending: "PENDING",
    unshipped: "UNSHIPPED",
    invoiceunconfirmed: "UNSHIPPED",
    partiallyshipped: "PARTIALLY_SHIPPED",
    shipping: "PARTIALLY_SHIPPED",
    shipped: "SHIPPED",
    canceled: "CANCELLED",
    cancelled: "CANCELLED",
    unfulfillable: "UNFULFILLABLE",
  };
  return known[key] ?? raw.trim().toUpperCase();
}

export function orderStatusOf(raw: string): OrderStatus {
  const canonical = canonicalStatus(raw);
  return isFulfillmentStatus(canonical) ? ORDER_STATUS[canonical] : "unknown";
}

function lineStatusOf(orderStatus: OrderStatus, fullyFulfilled: boolean): LineStatus {
  if (orderStatus === "partially_fulfilled") return fullyFulfilled ? "fulfilled" : "open";
  return orderStatus;
}

export const lineExternalId = (amazonOrderId: string, sellerSku: string) => `${amazonOrderId}/${sellerSku}`;

function currencyOfMarketplace(marketplaceId: string | null): string {
  const marketplace = marketplaceId === null ? undefined : marketplaceById(marketplaceId);
  if (!marketplace) throw new Error(`unknown marketplace ${String(marketplaceId)}: cannot tell the currency`);
  return marketplace.currency;
}

const amountOf = (value: AmazonMoney, currency: string): string => {
  if (value.currencyCode !== currency) {
    throw new Error(`amount in ${value.currencyCode} on an order in ${currency}`);
  }
  return money(value.amount, currency);
};

function sumOrNull(values: ReadonlyArray<string | null>, currency: string): string | null {
  if (values.some((value) => value === null)) return null;
  return sumMoney(values as string[], currency);
}

/** Positive magnitude of a decimal string (Amazon writes discounts with either sign). */
const magnitude = (value: string) => value.replace(/^-/, "");

// ---------------------------------------------------------------------------------------
// Orders API v2026-01-01

interface LineFacts {
  externalId: string;
  sku: string;
  title: string | null;
  quantity: number;
  quantityCancelled: number;
  unitPrice: string | null;
  discount: string | null;
  tax: string | null;
  shipping: string | null;
  fullyFulfilled: boolean;
  rawItemStatus: string | null;
}

function buildOrder(facts: {
  externalId: string;
  marketplaceId: string | null;
  salesChannel: string | null;
  rawStatus: string;
  placedAt: string;
  updatedAt: string;
  currency: string;
  total: string | null;
  lines: LineFacts[];
}): ChannelOrder {
  const { currency } = facts;
  const status = orderStatusOf(facts.rawStatus);
  const rawStatus = canonicalStatus(facts.rawStatus);
  const pricesKnown =
    status !== "pending" && status !== "cancelled" && facts.lines.every((line) => line.unitPrice !== null);
  const lines: ChannelOrderLine[] = facts.lines.map((line) => {
    const quantityCancelled = status === "cancelled" ? line.quantity : line.quantityCancelled;
    const cancelled = quantityCancelled >= line.quantity;
    const lineStatus: LineStatus = cancelled ? "cancelled" : lineStatusOf(status, line.fullyFulfilled);
    const known = (value: string | null) => (pricesKnown ? value : null);
    return {
      externalId: line.externalId,
      sku: line.sku,
      title: line.title,
      quantity: line.quantity,
      quantityCancelled,
      unitPrice: known(line.unitPrice),
      grossSales:
        pricesKnown && line.unitPrice !== null
          ? multiplyMoney(line.unitPrice, line.quantity - quantityCancelled, currency)
          : null,
      discount: known(line.discount),
      tax: known(line.tax),
      shipping: known(line.shipping),
      status: lineStatus,
      rawStatus: cancelled
        ? "CANCELLED"
        : line.rawItemStatus === null
          ? rawStatus
          : canonicalStatus(line.rawItemStatus),
      cancelled,
    };
  });
  const subtotal = pricesKnown
    ? sumOrNull(
        lines.map((line) => line.grossSales),
        currency,
      )
    : null;
  const discountTotal = pricesKnown
    ? sumOrNull(
        lines.map((line) => line.discount),
        currency,
      )
    : null;
  const shippingTotal = pricesKnown
    ? sumOrNull(
        lines.map((line) => line.shipping),
        currency,
      )
    : null;
  const taxTotal = pricesKnown
    ? sumOrNull(
        lines.map((line) => line.tax),
        currency,
      )
    : null;
  let total: string | null = null;
  if (pricesKnown) {
    total =
      facts.total ??
      // No grand total (Amazon Vine, some programs): what the lines add up to.
      sumMoney(
        [subtotal ?? "0", negateMoney(discountTotal ?? "0", currency), taxTotal ?? "0", shippingTotal ?? "0"],
        currency,
      );
  }
  return {
    externalId: facts.externalId,
    channel: CHANNEL,
    marketplaceId: facts.marketplaceId,
    status,
    rawStatus,
    placedAt: utcTimestamp(facts.placedAt),
    updatedAt: utcTimestamp(facts.updatedAt),
    // Amazon gives no cancellation time: a cancelled order's last update is its cancellation.
    cancelledAt: status === "cancelled" ? utcTimestamp(facts.updatedAt) : null,
    currency,
    pricesKnown,
    subtotal,
    discountTotal,
    shippingTotal,
    taxTotal,
    total,
    salesChannel: facts.salesChannel,
    lines,
    // Refunds are not part of the Orders API; they arrive in the fees stream (Finances).
    refunds: [],
  };
}

function breakdownSum(item: AmazonOrderItem, type: string, currency: string): string | null {
  const breakdowns = item.proceeds?.breakdowns;
  if (breakdowns === undefined) return null;
  const amounts = breakdowns
    .filter((breakdown) => breakdown.type === type)
    .map((breakdown) => amountOf(breakdown.subtotal, currency));
  return sumMoney(amounts, currency);
}

export function orderCurrency(order: AmazonOrder): string {
  const found =
    order.proceeds?.grandTotal?.currencyCode ??
    order.orderItems.map((item) => item.product.price?.unitPrice?.currencyCode).find((code) => code !== undefined);
  return found ?? currencyOfMarketplace(order.salesChannel.marketplaceId);
}

/** One order of `searchOrders` / `getOrder` (v2026-01-01, items included). */
export function toChannelOrder(order: AmazonOrder): ChannelOrder {
  if (order.orderItems.length === 0) throw new Error(`order ${order.orderId} has no items`);
  const currency = orderCurrency(order);
  const rawStatus = order.fulfillment?.fulfillmentStatus ?? "UNKNOWN";
  const cancelledOrder = canonicalStatus(rawStatus) === "CANCELLED";
  return buildOrder({
    externalId: order.orderId,
    marketplaceId: order.salesChannel.marketplaceId,
    salesChannel: order.salesChannel.marketplaceName ?? null,
    rawStatus,
    placedAt: order.createdTime,
    updatedAt: order.lastUpdatedTime,
    currency,
    total: order.proceeds?.grandTotal ? amountOf(order.proceeds.grandTotal, currency) : null,
    lines: order.orderItems.map((item) => {
      const sku = item.product.sellerSku;
      if (!sku) throw new Error(`order ${order.orderId} item ${item.orderItemId} has no sellerSku`);
      const fulfilled = item.fulfillment?.quantityFulfilled ?? 0;
      const unfulfilled = item.fulfillment?.quantityUnfulfilled ?? 0;
      const quantityCancelled =
        !cancelledOrder && item.cancellation !== undefined && item.fulfillment !== undefined
          ? Math.max(0, item.quantityOrdered - fulfilled - unfulfilled)
          : 0;
      const discount = breakdownSum(item, "DISCOUNT", currency);
      return {
        externalId: lineExternalId(order.orderId, sku),
        sku,
        title: item.product.title ?? null,
        quantity: item.quantityOrdered,
        quantityCancelled,
        unitPrice: item.product.price?.unitPrice ? amountOf(item.product.price.unitPrice, currency) : null,
        discount: discount === null ? null : magnitude(discount),
        tax: breakdownSum(item, "TAX", currency),
        shipping: breakdownSum(item, "SHIPPING", currency),
        fullyFulfilled: fulfilled >= item.quantityOrdered - quantityCancelled,
        rawItemStatus: null,
      };
    }),
  });
}

// ---------------------------------------------------------------------------------------
// All-orders flat-file report

/**
 * Parses a flat-file report by header names. Reports are tab-separated with a header row,
 * but some arrive as JSON despite their type: the content is sniffed.
 */
export function parseFlatFile(text: string): AllOrdersReportRow[] {
  const body = text.replace(/^\uFEFF/, "");
  const trimmed = body.trimStart();
  if (trimmed.startsWith("[") || trimmed.startsWith("{")) {
    const parsed = JSON.parse(trimmed) as unknown;
    const rows = Array.isArray(parsed) ? parsed : ((parsed as { rows?: unknown }).rows ?? [parsed]);
    if (!Array.isArray(rows)) throw new Error("JSON report without rows");
    return rows.map((row) =>
      Object.fromEntries(
        Object.entries(row as Record<string, unknown>).map(([k, v]) => [k, v == null ? "" : String(v)]),
      ),
    );
  }
  const lines = body.split(/\r?\n/).filter((line) => line.length > 0);
  const header = lines.shift();
  if (header === undefined) return [];
  const names = header.split("\t").map((name) => name.trim());
  return lines.map((line) => {
    const cells = line.split("\t");
    const row: AllOrdersReportRow = {};
    names.forEach((name, index) => {
      row[name] = (cells[index] ?? "").trim();
    });
    return row;
  });
}

/** Groups report rows (one per item) into orders, in (last-updated-date, order id) order. */
export function groupReportRows(rows: readonly AllOrdersReportRow[], reportType: string): AmazonReportOrder[] {
  const byOrder = new Map<string, AllOrdersReportRow[]>();
  for (const row of rows) {
    const id = row["amazon-order-id"] ?? "";
    const group = byOrder.get(id);
    if (group) group.push(row);
    else byOrder.set(id, [row]);
  }
  const time = (record: AmazonReportOrder) => {
    const parsed = Date.parse(record.rows[0]?.["last-updated-date"] ?? "");
    return Number.isNaN(parsed) ? 0 : parsed;
  };
  return [...byOrder]
    .map(([amazonOrderId, group]) => ({ source: "report" as const, reportType, amazonOrderId, rows: group }))
    .sort(
      (a, b) =>
        time(a) - time(b) || (a.amazonOrderId < b.amazonOrderId ? -1 : a.amazonOrderId > b.amazonOrderId ? 1 : 0),
    );
}

const cell = (row: AllOrdersReportRow, name: string): string | null => {
  const value = row[name];
  return value === undefined || value.trim() === "" ? null : value.trim();
};

/** Last update of a report order (its cursor), as UTC ISO. */
export function reportOrderUpdatedAt(order: AmazonReportOrder): string {
  const value = order.rows[0] ? cell(order.rows[0], "last-updated-date") : null;
  if (value === null) throw new Error(`report order ${order.amazonOrderId} has no last-updated-date`);
  return utcTimestamp(value);
}

/** One order of the all-orders report (its rows, one per item). */
export function reportOrderToChannelOrder(order: AmazonReportOrder): ChannelOrder {
  const first = order.rows[0];
  if (first === undefined) throw new Error(`report order ${order.amazonOrderId} has no rows`);
  const need = (row: AllOrdersReportRow, name: string) => {
    const value = cell(row, name);
    if (value === null) throw new Error(`report order ${order.amazonOrderId}: column "${name}" is empty`);
    return value;
  };
  const salesChannel = cell(first, "sales-channel");
  const marketplace = salesChannel === null ? undefined : marketplaceByDomain(salesChannel);
  const marketplaceId = marketplace?.id ?? null;
  const currency =
    order.rows.map((row) => cell(row, "currency")).find((value) => value !== null) ??
    currencyOfMarketplace(marketplaceId);
  const amount = (row: AllOrdersReportRow, name: string) => {
    const value = cell(row, name);
    return value === null ? null : money(value, currency);
  };
  const add = (...values: Array<string | null>) =>
    sumMoney(
      values.map((value) => value ?? "0"),
      currency,
    );
  const rawStatus = need(first, "order-status");
  let total = "0";
  let anyPrice = false;
  const lines: LineFacts[] = order.rows.map((row) => {
    const sku = need(row, "sku");
    const quantity = Number(need(row, "quantity"));
    if (!Number.isInteger(quantity) || quantity < 0) {
      throw new Error(`report order ${order.amazonOrderId}: quantity "${row.quantity}" is not a count`);
    }
    const itemPrice = amount(row, "item-price");
    let unitPrice: string | null = null;
    if (itemPrice !== null && quantity > 0) {
      // item-price is the price of all units of the row.
      const minor = moneyToMinor(itemPrice, currency);
      if (minor % BigInt(quantity) !== 0n) {
        throw new Error(`report order ${order.amazonOrderId}: item-price ${itemPrice} is not ${quantity} equal units`);
      }
      unitPrice = moneyFromMinor(minor / BigInt(quantity), currency);
    }
    const itemDiscount = amount(row, "item-promotion-discount");
    const shipDiscount = amount(row, "ship-promotion-discount");
    const discount = itemPrice === null ? null : add(magnitude(itemDiscount ?? "0"), magnitude(shipDiscount ?? "0"));
    const tax =
      itemPrice === null
        ? null
        : add(amount(row, "item-tax"), amount(row, "shipping-tax"), amount(row, "gift-wrap-tax"));
    const shipping = itemPrice === null ? null : add(amount(row, "shipping-price"), amount(row, "gift-wrap-price"));
    if (itemPrice !== null) {
      anyPrice = true;
      total = add(total, itemPrice, negateMoney(discount ?? "0", currency), tax, shipping);
    }
    const itemStatus = cell(row, "item-status");
    const canonicalItem = itemStatus === null ? null : canonicalStatus(itemStatus);
    return {
      externalId: lineExternalId(order.amazonOrderId, sku),
      sku,
      title: cell(row, "product-name"),
      quantity,
      quantityCancelled: canonicalItem === "CANCELLED" ? quantity : 0,
      unitPrice,
      discount,
      tax,
      shipping,
      fullyFulfilled: canonicalItem === "SHIPPED",
      rawItemStatus: itemStatus,
    };
  });
  return buildOrder({
    externalId: order.amazonOrderId,
    marketplaceId,
    salesChannel,
    rawStatus,
    placedAt: need(first, "purchase-date"),
    updatedAt: need(first, "last-updated-date"),
    currency,
    total: anyPrice ? total : null,
    lines,
  });
}

// ---------------------------------------------------------------------------------------
// FBA inventory, listings, finances

/** Fulfilment network location of a marketplace ("FBA-US"). */
export function fbaLocation(marketplaceId: string): string {
  const marketplace = marketplaceById(marketplaceId);
  return `FBA-${marketplace?.country ?? marketplaceId}`;
}

export function toInventoryLevel(record: AmazonInventoryRecord): InventoryLevel {
  const { summary } = record;
  const details = summary.inventoryDetails;
  if (!details) throw new Error(`inventory summary of ${summary.sellerSku} has no inventoryDetails (details=true)`);
  if (!summary.lastUpdatedTime) throw new Error(`inventory summary of ${summary.sellerSku} has no lastUpdatedTime`);
  const count = (value: number | undefined, what: string) => {
    const quantity = value ?? 0;
    if (!Number.isInteger(quantity) || quantity < 0) throw new Error(`${what} of ${summary.sellerSku} is ${value}`);
    return quantity;
  };
  return {
    sku: summary.sellerSku,
    channel: CHANNEL,
    locationId: fbaLocation(record.marketplaceId),
    available: count(details.fulfillableQuantity, "fulfillableQuantity"),
    reserved: count(details.reservedQuantity?.totalReservedQuantity, "totalReservedQuantity"),
    inbound:
      count(details.inboundWorkingQuantity, "inboundWorkingQuantity") +
      count(details.inboundShippedQuantity, "inboundShippedQuantity") +
      count(details.inboundReceivingQuantity, "inboundReceivingQuantity"),
    unfulfillable:
      details.unfulfillableQuantity?.totalUnfulfillableQuantity === undefined
        ? null
        : count(details.unfulfillableQuantity.totalUnfulfillableQuantity, "totalUnfulfillableQuantity"),
    observedAt: utcTimestamp(summary.lastUpdatedTime),
  };
}

/** The seller's own B2C offer in one marketplace (searchListingsItems, includedData=summaries,offers). */
export function toChannelListing(item: AmazonListingItem, marketplaceId: string): ChannelListing {
  const summary = item.summaries?.find((candidate) => candidate.marketplaceId === marketplaceId);
  if (!summary) throw new Error(`listing ${item.sku} has no summary for marketplace ${marketplaceId}`);
  const offer = item.offers?.find(
    (candidate) => candidate.marketplaceId === marketplaceId && candidate.offerType === "B2C",
  );
  const statuses = summary.status ?? [];
  const buyable = statuses.includes("BUYABLE");
  const status: ListingStatus = buyable ? "active" : statuses.includes("DISCOVERABLE") ? "inactive" : "unknown";
  if (!summary.lastUpdatedDate) throw new Error(`listing ${item.sku} has no lastUpdatedDate`);
  const currency = offer?.price.currencyCode ?? currencyOfMarketplace(marketplaceId);
  return {
    externalId: summary.asin ?? item.sku,
    sku: item.sku,
    channel: CHANNEL,
    marketplaceId,
    title: summary.itemName ?? "",
    price: offer ? money(offer.price.amount, currency) : null,
    currency,
    status,
    rawStatus: statuses.length === 0 ? "NONE" : [...statuses].sort().join(","),
    active: buyable,
    updatedAt: utcTimestamp(summary.lastUpdatedDate),
  };
}

/**
 * A Finances amount (a JSON number) as an exact decimal string. Refuses numbers that do not
 * print as a plain decimal within the currency's minor digits (1e-7, 12.345 USD).
 */
export function currencyAmountToDecimal(amount: AmazonCurrency): string {
  const { CurrencyAmount: value, CurrencyCode: currency } = amount;
  if (typeof value !== "number" || !Number.isFinite(value))
    throw new Error(`CurrencyAmount ${String(value)} is not a number`);
  const text = String(value);
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text);
  if (!match) throw new Error(`CurrencyAmount ${text} is not a plain decimal`);
  if ((match[3] ?? "").length > currencyMinorDigits(currency)) {
    throw new Error(`CurrencyAmount ${text} has more decimals than ${currency} allows`);
  }
  return money(text, currency);
}

const SHIPMENT_FEE_TYPES: Record<string, FeeType> = {
  Commission: "commission",
  FixedClosingFee: "commission",
  VariableClosingFee: "commission",
  DigitalServicesFee: "commission",
  FBAPerUnitFulfillmentFee: "fulfillment_fee",
  FBAPerOrderFulfillmentFee: "fulfillment_fee",
  FBAWeightBasedFee: "fulfillment_fee",
  ShippingChargeback: "shipping_label",
  ShippingHB: "shipping_label",
  RefundCommission: "refund_commission",
};

export function feeTypeOf(record: Pick<AmazonFinancialEventRecord, "eventType" | "list" | "componentType">): FeeType {
  if (record.list === "ItemChargeAdjustmentList") return "adjustment";
  if (record.eventType === "RefundEvent") {
    if (record.componentType === "Commission" || record.componentType === "RefundCommission")
      return "refund_commission";
    return SHIPMENT_FEE_TYPES[record.componentType] ?? "adjustment";
  }
  return SHIPMENT_FEE_TYPES[record.componentType] ?? "other";
}

/** Stable id of a fee component: Finances v0 has no ids, so it is built from what identifies it. */
export function feeExternalId(record: AmazonFinancialEventRecord): string {
  const kind = record.eventType === "RefundEvent" ? "refund" : "shipment";
  return [
    kind,
    record.AmazonOrderId ?? "-",
    record.itemId ?? record.SellerSKU ?? "-",
    record.componentType,
    record.PostedDate ?? "-",
  ].join(":");
}

export function toFeeEvent(record: AmazonFinancialEventRecord): FeeEvent {
  if (!record.PostedDate) throw new Error(`financial event of order ${String(record.AmazonOrderId)} has no PostedDate`);
  const currency = record.amount.CurrencyCode;
  return {
    externalId: feeExternalId(record),
    channel: CHANNEL,
    type: feeTypeOf(record),
    rawType: record.componentType,
    orderExternalId: record.AmazonOrderId,
    lineExternalId:
      record.AmazonOrderId !== null && record.SellerSKU !== null
        ? lineExternalId(record.AmazonOrderId, record.SellerSKU)
        : null,
    sku: record.SellerSKU,
    amount: currencyAmountToDecimal(record.amount),
    currency,
    occurredAt: utcTimestamp(record.PostedDate),
  };
}

/**
 * Flattens shipment and refund events into one record per fee (shipments: ItemFeeList) or
 * refund component (ItemChargeAdjustmentList and ItemFeeAdjustmentList). Sales charges of
 * shipments (Principal, Tax) are not fees: orders carry them.
 */
export function flattenFinancialEvents(events: {
  ShipmentEventList?: AmazonShipmentEvent[];
  RefundEventList?: AmazonShipmentEvent[];
}): AmazonFinancialEventRecord[] {
  const records: AmazonFinancialEventRecord[] = [];
  const push = (
    eventType: AmazonFinancialEventRecord["eventType"],
    event: AmazonShipmentEvent,
    item: { SellerSKU?: string; OrderItemId?: string; OrderAdjustmentItemId?: string },
    list: AmazonFinancialEventRecord["list"],
    components: Array<{ type: string; amount: AmazonCurrency }>,
  ) => {
    for (const component of components) {
      records.push({
        eventType,
        AmazonOrderId: event.AmazonOrderId ?? null,
        PostedDate: event.PostedDate ?? null,
        MarketplaceName: event.MarketplaceName ?? null,
        SellerSKU: item.SellerSKU ?? null,
        itemId: (eventType === "RefundEvent" ? item.OrderAdjustmentItemId : item.OrderItemId) ?? null,
        list,
        componentType: component.type,
        amount: component.amount,
      });
    }
  };
  for (const event of events.ShipmentEventList ?? []) {
    for (const item of event.ShipmentItemList ?? []) {
      push(
        "ShipmentEvent",
        event,
        item,
        "ItemFeeList",
        (item.ItemFeeList ?? []).map((fee) => ({ type: fee.FeeType, amount: fee.FeeAmount })),
      );
    }
  }
  for (const event of events.RefundEventList ?? []) {
    for (const item of event.ShipmentItemAdjustmentList ?? []) {
      push(
        "RefundEvent",
        event,
        item,
        "ItemChargeAdjustmentList",
        (item.ItemChargeAdjustmentList ?? []).map((charge) => ({
          type: charge.ChargeType,
          amount: charge.ChargeAmount,
        })),
      );
      push(
        "RefundEvent",
        event,
        item,
        "ItemFeeAdjustmentList",
        (item.ItemFeeAdjustmentList ?? []).map((fee) => ({ type: fee.FeeType, amount: fee.FeeAmount })),
      );
    }
  }
  // Zero components (a fee Amazon waived) carry no money.
  return records.filter((record) => record.amount.CurrencyAmount !== 0);
}
