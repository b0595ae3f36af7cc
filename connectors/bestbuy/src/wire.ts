/**
 * Wire format of Mirakl's seller ("shop") API as Best Buy Marketplace serves it, named
 * after the provider. Sources: Mirakl's seller OpenAPI (developer.mirakl.com, "mmp seller
 * openapi3"), mirakl/sdk-php-shop, and /work/shared/docs/channel-bestbuy.md.
 *
 * Conventions of the wire: money is a JSON decimal number (e.g. 24.99), read without float
 * arithmetic (see `client.ts`, which keeps the literal digits); dates are ISO 8601 UTC
 * ("2019-04-02T14:18:43Z"); states are open text (new values can appear at any time).
 */
import type { RateLimit } from "@crosschannel/connector-sdk";

/**
 * A decimal as it travels: Mirakl sends JSON numbers (24.99). They are read with
 * `decimalFromWire` (mappers.ts): the number's shortest round-trip text, which is exactly
 * the literal Mirakl wrote for any amount below 10^15 with at most 15 significant digits,
 * then scaled as a bigint. No float arithmetic ever touches an amount; values outside that
 * range (or in exponent notation) are refused rather than rounded. Strings are accepted too.
 */
export type MiraklDecimal = string | number;

/** Order states documented by Mirakl; any other text may appear and is kept as is. */
export const MIRAKL_ORDER_STATES = [
  "STAGING",
  "WAITING_ACCEPTANCE",
  "WAITING_DEBIT",
  "WAITING_DEBIT_PAYMENT",
  "SHIPPING",
  "SHIPPED",
  "TO_COLLECT",
  "RECEIVED",
  "CLOSED",
  "REFUSED",
  "CANCELED",
] as const;
/** Line states: the order states plus INCIDENT_OPEN and REFUNDED. */
export const MIRAKL_LINE_STATES = [...MIRAKL_ORDER_STATES, "INCIDENT_OPEN", "REFUNDED"] as const;
export type MiraklOrderState = (typeof MIRAKL_ORDER_STATES)[number];
export type MiraklLineState = (typeof MIRAKL_LINE_STATES)[number];

export interface MiraklTax {
  code: string;
  amount: MiraklDecimal;
  rate?: MiraklDecimal | null;
}

/** A cancellation of units of one order line (own id). */
export interface MiraklCancelation {
  id: string;
  quantity: number;
  amount: MiraklDecimal;
  shipping_amount?: MiraklDecimal | null;
  commission_total_amount?: MiraklDecimal | null;
  reason_code?: string | null;
  created_date: string;
  taxes?: MiraklTax[];
  shipping_taxes?: MiraklTax[];
}

/**
 * A refund of one order line (own id). `quantity` 0 is an amount-only refund (the customer
 * keeps the item). `amount` is merchandise only; taxes and shipping are separate.
 */
export interface MiraklRefund {
  id: string;
  quantity: number;
  amount: MiraklDecimal;
  shipping_amount?: MiraklDecimal | null;
  commission_total_amount?: MiraklDecimal | null;
  reason_code?: string | null;
  /** Refund state ("REFUNDED", "WAITING_REFUND", ...); some instances call it refund_state. */
  state?: string | null;
  refund_state?: string | null;
  created_date: string;
  taxes?: MiraklTax[];
  shipping_taxes?: MiraklTax[];
}

export interface MiraklOrderLine {
  /** `order_id` + "-1", "-2", ... */
  order_line_id: string;
  order_line_index?: number;
  order_line_state: string;
  /** The seller's SKU. */
  offer_sku: string;
  /** Best Buy's product SKU (not the seller's). */
  product_sku?: string | null;
  product_title?: string | null;
  /**
   * Units ordered. The line stays as ordered (quantity, price, taxes, shipping); each
   * cancellation lists the units, amount, taxes and shipping it removed.
   */
  quantity: number;
  /** Unit price before promotions; absent when no promotion applies. */
  origin_unit_price?: MiraklDecimal | null;
  /** Unit price actually charged (after promotions), tax excluded with TAX_EXCLUDED. */
  price_unit: MiraklDecimal;
  /** price_unit x quantity. */
  price: MiraklDecimal;
  shipping_price?: MiraklDecimal | null;
  total_price?: MiraklDecimal | null;
  commission_fee?: MiraklDecimal | null;
  total_commission?: MiraklDecimal | null;
  taxes?: MiraklTax[];
  shipping_taxes?: MiraklTax[];
  cancelations?: MiraklCancelation[];
  refunds?: MiraklRefund[];
  created_date?: string;
  last_updated_date?: string;
}

export interface MiraklAddress {
  city?: string | null;
  zip_code?: string | null;
  country_iso_code?: string | null;
  state?: string | null;
}

export interface MiraklOrder {
  /** `commercial_id` + "-A". */
  order_id: string;
  commercial_id: string;
  created_date: string;
  last_updated_date: string;
  acceptance_decision_date?: string | null;
  order_state: string;
  order_state_reason_code?: string | null;
  currency_iso_code: string;
  /** Sales channel of the operator, when the operator uses several. */
  channel?: { code: string; label?: string | null } | null;
  price: MiraklDecimal;
  shipping_price: MiraklDecimal;
  total_price: MiraklDecimal;
  total_commission?: MiraklDecimal | null;
  /** Addresses are null before the order is accepted and shipping; the email is a relay. */
  customer?: {
    customer_id?: string | null;
    shipping_address?: MiraklAddress | null;
    billing_address?: MiraklAddress | null;
  } | null;
  order_lines: MiraklOrderLine[];
}

/**
 * OR11 `GET /api/orders` — list orders.
 * Params: start_update_date, end_update_date, start_date, end_date, order_ids (≤100),
 * order_state_codes, order_tax_mode (always sent), paginate, offset, max (≤100),
 * sort=dateCreated, order=asc|desc, shop_id.
 * Frequency: recommended every 5 min, at most once a minute.
 */
export interface MiraklOrderList {
  orders: MiraklOrder[];
  total_count: number;
}

/**
 * OR13 `POST /api/orders/async-export` — asynchronous export of orders (≤ 1 year range,
 * one export at a time). Body: start_update_date, end_update_date (or start_date/end_date),
 * megabytes_per_chunk. Answers a tracking id.
 * OF52 `POST /api/offers/export/async` — asynchronous export of offers (differential with
 * last_request_date, full without). Answers a tracking id.
 */
export interface MiraklAsyncExportCreated {
  tracking_id: string;
}

/**
 * OR14 `GET /api/orders/async-export/status/{tracking_id}` and
 * OF53 `GET /api/offers/export/async/status/{tracking_id}`: PENDING until COMPLETED (then
 * `urls` holds one URL per chunk, each downloaded with GET) or FAILED/CANCELED.
 */
export interface MiraklAsyncExportStatus {
  status: "PENDING" | "COMPLETED" | "FAILED" | "CANCELED" | (string & {});
  last_updated?: string;
  urls?: string[];
  error?: { detail?: string; code?: string } | null;
}

/** One downloaded chunk of an OR13 or OF52 export (JSON export type): an array of records. */
export type MiraklExportChunk<T> = T[];

export interface MiraklProductReference {
  reference: string;
  reference_type: "EAN" | "UPC" | (string & {});
}

export interface MiraklOffer {
  offer_id: number | string;
  /** The seller's SKU. */
  shop_sku: string;
  product_sku?: string | null;
  product_title?: string | null;
  price: MiraklDecimal | null;
  total_price?: MiraklDecimal | null;
  quantity: number;
  /** Offer condition ("11" = new on most instances). */
  state_code?: string | null;
  active: boolean;
  inactivity_reasons?: string[];
  currency_iso_code: string;
  leadtime_to_ship?: number | null;
  product_references?: MiraklProductReference[];
  applicable_pricing?: { price?: MiraklDecimal | null; unit_origin_price?: MiraklDecimal | null } | null;
  /** Sales channels of the operator the offer is sold on. */
  channels?: string[];
  /** Last change of the offer (price, quantity, state). */
  last_updated?: string | null;
}

/**
 * OF21 `GET /api/offers` — list offers (offset, max ≤ 100, `{offers, total_count}`).
 * Meant for small catalogs; OF52/OF53 is Mirakl's recommendation for synchronisation.
 */
export interface MiraklOfferList {
  offers: MiraklOffer[];
  total_count: number;
}

/** TL02 transaction types (open list: new types appear). */
export const MIRAKL_TRANSACTION_TYPES = [
  "ORDER_AMOUNT",
  "ORDER_AMOUNT_TAX",
  "ORDER_SHIPPING_AMOUNT",
  "ORDER_SHIPPING_AMOUNT_TAX",
  "COMMISSION_FEE",
  "COMMISSION_VAT",
  "REFUND_ORDER_AMOUNT",
  "REFUND_ORDER_AMOUNT_TAX",
  "REFUND_ORDER_SHIPPING_AMOUNT",
  "REFUND_ORDER_SHIPPING_AMOUNT_TAX",
  "REFUND_COMMISSION_FEE",
  "REFUND_COMMISSION_VAT",
  "SUBSCRIPTION_FEE",
  "SUBSCRIPTION_VAT",
  "SELLER_PENALTY_FEE",
  "SELLER_PENALTY_FEE_VAT",
  "MANUAL_CREDIT",
  "MANUAL_CREDIT_VAT",
  "MANUAL_INVOICE",
  "MANUAL_INVOICE_VAT",
  "PAYMENT",
] as const;
export type MiraklTransactionType = (typeof MIRAKL_TRANSACTION_TYPES)[number];

export interface MiraklTransaction {
  id: string;
  transaction_type: string;
  /** Signed amount from the seller's point of view. */
  amount: MiraklDecimal;
  amount_credited: MiraklDecimal;
  amount_debited: MiraklDecimal;
  currency_iso_code: string;
  date_created: string;
  last_updated: string;
  payment_state?: string | null;
  entities?: {
    order?: { id: string; commercial_id?: string | null } | null;
    order_line?: { id: string; offer_sku?: string | null } | null;
    refund?: { id: string } | null;
  } | null;
}

/**
 * TL02 `GET /api/sellerpayment/transactions_logs` — seek pagination: `limit` ≤ 2000,
 * `page_token` → `next_page_token`, `sort=lastUpdated`, `last_updated_from`, `order_id`
 * (≤100), `payment_state`, `transaction_type`.
 * Frequency: at most 20 calls a minute and 60 an hour.
 */
export interface MiraklTransactionPage {
  data: MiraklTransaction[];
  next_page_token: string | null;
  previous_page_token?: string | null;
}

/** A01 `GET /api/account` — the shop the key belongs to. */
export interface MiraklAccount {
  shop_id: number | string;
  shop_name: string;
  shop_state?: string | null;
  currency_iso_code?: string | null;
  is_professional?: boolean;
}

/** Mirakl error body (not uniformly specified: keep the raw text). */
export interface MiraklErrorBody {
  status?: number;
  message?: string;
}

const perMinute = (calls: number) => calls / 60;

/**
 * Documented call frequencies as token buckets (sustained rate, burst). Every call counts,
 * pagination included, so a run never exceeds Mirakl's "maximum usage".
 * - OR11: at most once a minute.
 * - TL02: ≤ 20/min and ≤ 60/hour: a burst of 20 refilled at 40/hour keeps every 60-minute
 *   window at ≤ 60 calls.
 * - OF52: differential export every 5 minutes at most.
 * - OR13: one export at a time; one creation a minute.
 * - OR14/OF53 (status polls) and export downloads: no published maximum; polled every 15 s.
 * - A01, OF21: no tighter published maximum than once a second in our use.
 */
export const MIRAKL_RATE_LIMITS = {
  A01: { ratePerSecond: 1, burst: 2 },
  OR11: { ratePerSecond: perMinute(1), burst: 1 },
  OR13: { ratePerSecond: perMinute(1), burst: 1 },
  OR14: { ratePerSecond: 1 / 15, burst: 1 },
  OR14_DOWNLOAD: { ratePerSecond: 2, burst: 4 },
  OF21: { ratePerSecond: 1, burst: 2 },
  OF52: { ratePerSecond: 1 / 300, burst: 1 },
  OF53: { ratePerSecond: 1 / 15, burst: 1 },
  OF54_DOWNLOAD: { ratePerSecond: 2, burst: 4 },
  TL02: { ratePerSecond: 40 / 3600, burst: 20 },
} as const satisfies Record<string, RateLimit>;
export type MiraklOperation = keyof typeof MIRAKL_RATE_LIMITS;
