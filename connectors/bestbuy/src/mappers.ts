/**
 * Pure mappers from Mirakl's wire records to Crosschannel's normalized models.
 *
 * Money: every amount goes through `decimalFromWire` and bigint minor units; net revenue
 * (total) is computed from the lines, never read. States: mapped to the normalized enums,
 * the raw text is always kept, unknown values map to "unknown"/"other" and are reported.
 */
import {
  fromScaledBigInt,
  currencyMinorDigits,
  money,
  toScaledBigInt,
  utcTimestamp,
  type ChannelCancellation,
  type ChannelListing,
  type ChannelOrder,
  type ChannelOrderLine,
  type ChannelRefund,
  type FeeEvent,
  type FeeType,
  type InventoryLevel,
  type LineStatus,
  type ListingStatus,
  type OrderStatus,
} from "@crosschannel/connector-sdk";
import type {
  MiraklDecimal,
  MiraklLineState,
  MiraklOffer,
  MiraklOrder,
  MiraklOrderLine,
  MiraklOrderState,
  MiraklTax,
  MiraklTransaction,
} from "./wire.ts";

/** Connector id written into every record. */
export const BESTBUY_CHANNEL = "bestbuy";
/** Mirakl exposes one stock figure per offer: the seller's quantity declared on the marketplace. */
export const BESTBUY_INVENTORY_LOCATION = "bestbuy-marketplace";

const MAX_EXACT_NUMBER = 1e15;

/**
 * A Mirakl JSON decimal as a canonical decimal string in `currency` ("24.9" -> "24.90").
 * A JSON number is read through its shortest round-trip text, which is the literal Mirakl
 * sent for any amount below 10^15 with at most 15 significant digits; anything that would
 * need rounding (exponent notation, too many digits, more fraction digits than the
 * currency has) throws instead.
 */
export function decimalFromWire(value: MiraklDecimal | null | undefined, currency: string): string {
  if (value === null || value === undefined) throw new TypeError("missing amount");
  if (typeof value === "number") {
    if (!Number.isFinite(value) || Math.abs(value) >= MAX_EXACT_NUMBER) {
      throw new RangeError(`amount ${value} cannot be read exactly`);
    }
    const text = String(value);
    if (/e/i.test(text)) throw new RangeError(`amount ${text} cannot be read exactly`);
    return money(text, currency);
  }
  if (typeof value !== "string") throw new TypeError(`amount ${JSON.stringify(value)} is not a decimal`);
  return money(value.trim(), currency);
}

/** Minor units (bigint) of a wire decimal. */
function minorOf(value: MiraklDecimal | null | undefined, currency: string): bigint {
  return toScaledBigInt(decimalFromWire(value, currency), currencyMinorDigits(currency));
}

function fromMinor(minor: bigint, currency: string): string {
  return fromScaledBigInt(minor, currencyMinorDigits(currency));
}

function taxMinor(taxes: readonly MiraklTax[] | undefined, currency: string): bigint {
  let total = 0n;
  for (const tax of taxes ?? []) total += minorOf(tax.amount, currency);
  return total;
}

export const ORDER_STATUS: Record<MiraklOrderState, OrderStatus> = {
  STAGING: "pending",
  WAITING_ACCEPTANCE: "pending",
  WAITING_DEBIT: "pending",
  WAITING_DEBIT_PAYMENT: "pending",
  SHIPPING: "open",
  SHIPPED: "fulfilled",
  TO_COLLECT: "fulfilled",
  RECEIVED: "fulfilled",
  CLOSED: "fulfilled",
  REFUSED: "cancelled",
  CANCELED: "cancelled",
};

export const LINE_STATUS: Record<MiraklLineState, LineStatus> = {
  STAGING: "pending",
  WAITING_ACCEPTANCE: "pending",
  WAITING_DEBIT: "pending",
  WAITING_DEBIT_PAYMENT: "pending",
  SHIPPING: "open",
  SHIPPED: "fulfilled",
  TO_COLLECT: "fulfilled",
  RECEIVED: "fulfilled",
  CLOSED: "fulfilled",
  REFUSED: "cancelled",
  CANCELED: "cancelled",
  // An incident is opened on a shipped or received line; a refunded line had shipped.
  INCIDENT_OPEN: "fulfilled",
  REFUNDED: "fulfilled",
};

function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** A state Mirakl sent that this connector does not know (kept as text, reported). */
export interface UnknownState {
  field: "order_state" | "order_line_state";
  value: string;
  orderId: string;
}

export interface OrderMapOptions {
  onUnknownState?(issue: UnknownState): void;
}

const CANCELLED_LINE_STATES = new Set(["CANCELED", "REFUSED"]);

/** Units of a line cancelled: the cancellations, or every unit when the line itself is cancelled/refused. */
export function cancelledQuantity(line: MiraklOrderLine): number {
  const fromEntries = (line.cancelations ?? []).reduce((sum, cancelation) => sum + cancelation.quantity, 0);
  const whole = CANCELLED_LINE_STATES.has(line.order_line_state) ? line.quantity : 0;
  return Math.min(line.quantity, Math.max(fromEntries, whole));
}

/**
 * Lines are read as Mirakl keeps them: as ordered (quantity, taxes, shipping), with each
 * cancellation listing the units, amount, taxes and shipping it removed, and refunds listed
 * apart. Sales, discounts, taxes and shipping are therefore net of cancellations (nothing is
 * left of a line whose every unit was cancelled or refused); each cancellation and each
 * refund is also kept as its own row (`cancellations`, `refunds`), with its own id.
 * The order's shipping, tax and total are sums over the lines: computed, never read.
 */
export function toChannelOrder(order: MiraklOrder, options: OrderMapOptions = {}): ChannelOrder {
  const currency = order.currency_iso_code;
  const orderStatusKnown = lookup(ORDER_STATUS, order.order_state);
  if (orderStatusKnown === undefined) {
    options.onUnknownState?.({ field: "order_state", value: order.order_state, orderId: order.order_id });
  }
  if (order.order_lines.length === 0) throw new TypeError(`order ${order.order_id} has no order_lines`);

  let subtotal = 0n;
  let discountTotal = 0n;
  let taxTotal = 0n;
  let shipping = 0n;
  const refunds: ChannelRefund[] = [];
  const cancellations: ChannelCancellation[] = [];
  const cancelDates: string[] = [];

  const lines: ChannelOrderLine[] = order.order_lines.map((line) => {
    let status = lookup(LINE_STATUS, line.order_line_state);
    if (status === undefined) {
      options.onUnknownState?.({ field: "order_line_state", value: line.order_line_state, orderId: order.order_id });
      status = "unknown";
    }
    const quantityCancelled = cancelledQuantity(line);
    const units = BigInt(line.quantity - quantityCancelled);
    const charged = minorOf(line.price_unit, currency);
    const origin =
      line.origin_unit_price === null || line.origin_unit_price === undefined
        ? charged
        : minorOf(line.origin_unit_price, currency);
    const gross = origin * units;
    const discount = (origin - charged) * units;
    // A line stays as ordered; its cancellations carry their own amounts (like refunds).
    let cancelledTax = 0n;
    let cancelledShipping = 0n;
    for (const cancelation of line.cancelations ?? []) {
      cancelledTax += taxMinor(cancelation.taxes, currency) + taxMinor(cancelation.shipping_taxes, currency);
      cancelledShipping += minorOf(cancelation.shipping_amount ?? "0", currency);
    }
    const live = units > 0n;
    const tax = live ? taxMinor(line.taxes, currency) + taxMinor(line.shipping_taxes, currency) - cancelledTax : 0n;
    const lineShipping = live ? minorOf(line.shipping_price ?? "0", currency) - cancelledShipping : 0n;
    subtotal += gross;
    shipping += lineShipping;
    discountTotal += discount;
    taxTotal += tax;
    for (const cancelation of line.cancelations ?? []) {
      const createdAt = utcTimestamp(cancelation.created_date);
      cancelDates.push(createdAt);
      cancellations.push({
        externalId: cancelation.id,
        orderExternalId: order.order_id,
        lineExternalId: line.order_line_id,
        sku: line.offer_sku,
        quantity: cancelation.quantity,
        amount: decimalFromWire(cancelation.amount, currency),
        shipping: decimalFromWire(cancelation.shipping_amount ?? "0", currency),
        tax: fromMinor(
          taxMinor(cancelation.taxes, currency) + taxMinor(cancelation.shipping_taxes, currency),
          currency,
        ),
        currency,
        createdAt,
        reasonCode: cancelation.reason_code ?? null,
        // Mirakl's cancelations carry no state of their own: a cancelation is final.
        rawStatus: "",
      });
    }
    for (const refund of line.refunds ?? []) {
      refunds.push({
        externalId: refund.id,
        orderExternalId: order.order_id,
        lineExternalId: line.order_line_id,
        sku: line.offer_sku,
        quantity: refund.quantity,
        amount: decimalFromWire(refund.amount, currency),
        shipping: decimalFromWire(refund.shipping_amount ?? "0", currency),
        tax: fromMinor(taxMinor(refund.taxes, currency) + taxMinor(refund.shipping_taxes, currency), currency),
        currency,
        createdAt: utcTimestamp(refund.created_date),
        rawStatus: refund.state ?? refund.refund_state ?? "",
      });
    }
    return {
      externalId: line.order_line_id,
      sku: line.offer_sku,
      title: line.product_title ?? null,
      quantity: line.quantity,
      quantityCancelled,
      unitPrice: fromMinor(origin, currency),
      grossSales: fromMinor(gross, currency),
      discount: fromMinor(discount, currency),
      tax: fromMinor(tax, currency),
      shipping: fromMinor(lineShipping, currency),
      status,
      rawStatus: line.order_line_state,
      cancelled: units === 0n,
    };
  });

  let status: OrderStatus = orderStatusKnown ?? "unknown";
  if (status === "open") {
    const live = lines.filter((line) => !line.cancelled);
    if (live.some((line) => line.status === "fulfilled") && live.some((line) => line.status !== "fulfilled")) {
      status = "partially_fulfilled";
    }
  }
  const cancelledAt =
    status === "cancelled"
      ? cancelDates.reduce((latest, date) => (date > latest ? date : latest), "") ||
        utcTimestamp(order.last_updated_date)
      : null;

  return {
    externalId: order.order_id,
    channel: BESTBUY_CHANNEL,
    marketplaceId: order.channel?.code ?? null,
    status,
    rawStatus: order.order_state,
    placedAt: utcTimestamp(order.created_date),
    updatedAt: utcTimestamp(order.last_updated_date),
    cancelledAt,
    currency,
    pricesKnown: true,
    subtotal: fromMinor(subtotal, currency),
    discountTotal: fromMinor(discountTotal, currency),
    shippingTotal: fromMinor(shipping, currency),
    taxTotal: fromMinor(taxTotal, currency),
    total: fromMinor(subtotal - discountTotal + taxTotal + shipping, currency),
    salesChannel: null,
    lines,
    refunds,
    cancellations,
  };
}

/** Why Mirakl deactivated an offer for lack of stock. */
const OUT_OF_STOCK_REASONS = new Set(["ZERO_QUANTITY"]);

function listingStatus(offer: MiraklOffer): { status: ListingStatus; rawStatus: string } {
  if (offer.active) return { status: "active", rawStatus: "ACTIVE" };
  const reasons = offer.inactivity_reasons ?? [];
  if (reasons.length === 0) return { status: "inactive", rawStatus: "INACTIVE" };
  const rawStatus = reasons.join("|");
  return {
    status: reasons.every((reason) => OUT_OF_STOCK_REASONS.has(reason)) ? "out_of_stock" : "inactive",
    rawStatus,
  };
}

/** `fallbackTime` (UTC ISO) stands in for `last_updated` when the offer lacks it (OF21). */
export function toChannelListing(offer: MiraklOffer, fallbackTime: string): ChannelListing {
  const currency = offer.currency_iso_code;
  const price = offer.applicable_pricing?.price ?? offer.price;
  const { status, rawStatus } = listingStatus(offer);
  return {
    externalId: String(offer.offer_id),
    sku: offer.shop_sku,
    channel: BESTBUY_CHANNEL,
    marketplaceId: offer.channels?.length === 1 ? (offer.channels[0] ?? null) : null,
    title: offer.product_title ?? "",
    price: price === null || price === undefined ? null : decimalFromWire(price, currency),
    currency,
    status,
    rawStatus,
    active: offer.active,
    updatedAt: utcTimestamp(offer.last_updated ?? fallbackTime),
  };
}

export function toInventoryLevel(offer: MiraklOffer, fallbackTime: string): InventoryLevel {
  if (!Number.isInteger(offer.quantity))
    throw new TypeError(`offer ${offer.shop_sku} has quantity ${String(offer.quantity)}`);
  return {
    sku: offer.shop_sku,
    channel: BESTBUY_CHANNEL,
    locationId: BESTBUY_INVENTORY_LOCATION,
    available: offer.quantity,
    // Mirakl's seller API exposes neither reservations nor inbound stock per offer.
    reserved: 0,
    inbound: 0,
    unfulfillable: null,
    observedAt: utcTimestamp(offer.last_updated ?? fallbackTime),
  };
}

export const FEE_TYPE: Record<string, FeeType> = {
  COMMISSION_FEE: "commission",
  COMMISSION_VAT: "commission",
  REFUND_COMMISSION_FEE: "refund_commission",
  REFUND_COMMISSION_VAT: "refund_commission",
  SUBSCRIPTION_FEE: "subscription",
  SUBSCRIPTION_VAT: "subscription",
  SELLER_PENALTY_FEE: "penalty",
  SELLER_PENALTY_FEE_VAT: "penalty",
  MANUAL_CREDIT: "adjustment",
  MANUAL_CREDIT_VAT: "adjustment",
  MANUAL_INVOICE: "adjustment",
  MANUAL_INVOICE_VAT: "adjustment",
};

/**
 * TL02 also logs what the customer paid and what Best Buy paid out: those rows are sales
 * and payouts, not fees. Every other type (known or new) is a fee or credit to the seller.
 */
export function isFeeTransaction(type: string): boolean {
  return !(type.startsWith("ORDER_") || type.startsWith("REFUND_ORDER_") || type === "PAYMENT");
}

export function toFeeEvent(transaction: MiraklTransaction): FeeEvent {
  const currency = transaction.currency_iso_code;
  const credited = minorOf(transaction.amount_credited, currency);
  const debited = minorOf(transaction.amount_debited, currency);
  return {
    externalId: transaction.id,
    channel: BESTBUY_CHANNEL,
    type: lookup(FEE_TYPE, transaction.transaction_type) ?? "other",
    rawType: transaction.transaction_type,
    orderExternalId: transaction.entities?.order?.id ?? null,
    lineExternalId: transaction.entities?.order_line?.id ?? null,
    sku: transaction.entities?.order_line?.offer_sku ?? null,
    // Signed from the seller's side, computed: credits minus debits.
    amount: fromMinor(credited - debited, currency),
    currency,
    occurredAt: utcTimestamp(transaction.date_created),
  };
}
