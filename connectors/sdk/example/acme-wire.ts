/**
 * Wire format of "Acme Marketplace", the fictional channel of the SDK's example.
 * It is deliberately unlike the normalized models: money in minor units (orders) or
 * decimal strings (offers, transactions), epoch seconds and offset timestamps, and
 * its own status vocabulary, so the example shows every kind of mapping.
 */
export type AcmeOrderState = "WAITING_ACCEPTANCE" | "SHIPPING" | "PARTIALLY_SHIPPED" | "SHIPPED" | "CANCELED";

export interface AcmeOrderLine {
  id: string;
  offer_sku: string;
  product_title: string | null;
  quantity: number;
  canceled_quantity: number;
  /** Unit price in minor units; null while the order awaits acceptance. */
  price_minor: number | null;
  discount_minor: number | null;
  tax_minor: number | null;
  shipping_minor: number | null;
  state: AcmeOrderState;
}

export interface AcmeRefund {
  id: string;
  line_id: string | null;
  sku: string | null;
  quantity: number;
  amount_minor: number;
  shipping_minor: number;
  tax_minor: number;
  /** ISO 8601 with the marketplace's UTC-5 offset. */
  created_at: string;
  state: "REFUNDED";
}

export interface AcmeOrder {
  id: string;
  channel_code: string | null;
  state: AcmeOrderState;
  currency_code: string;
  /** Epoch seconds. */
  created_at: number;
  updated_at: number;
  canceled_at: number | null;
  totals: {
    subtotal_minor: number;
    discount_minor: number;
    shipping_minor: number;
    tax_minor: number;
    total_minor: number;
  } | null;
  lines: AcmeOrderLine[];
  refunds: AcmeRefund[];
}

export interface AcmeOffer {
  offer_id: string;
  shop_sku: string;
  channel_code: string | null;
  title: string;
  /** Decimal string. */
  price: string | null;
  currency_iso_code: string;
  state: "ACTIVE" | "INACTIVE";
  updated_at: string;
}

export interface AcmeStock {
  shop_sku: string;
  warehouse_code: string;
  quantity: number;
  reserved_quantity: number;
  incoming_quantity: number;
  unsellable_quantity: number | null;
  updated_at: string;
}

export type AcmeTransactionType =
  | "ORDER_COMMISSION"
  | "FULFILMENT_FEE"
  | "PAYMENT_PROCESSING"
  | "COMMISSION_REFUND"
  | "MONTHLY_SUBSCRIPTION"
  | "SHIPPING_LABEL"
  | "ADS"
  | "STORAGE"
  | "PENALTY"
  | "MANUAL_ADJUSTMENT"
  | "MISC";

export interface AcmeTransaction {
  transaction_id: string;
  type: AcmeTransactionType;
  /** Signed decimal string, negative = debit to the seller. */
  amount: string;
  currency_iso_code: string;
  order_id: string | null;
  order_line_id: string | null;
  sku: string | null;
  date: string;
}

/** Every list endpoint answers `{ <items>: [...], has_more }`, sorted by (updated_at, id). */
export interface AcmeList<T> {
  items: T[];
  has_more: boolean;
}

/** Documented limits of Acme's Seller API (requests per second, burst). */
export const ACME_RATE_LIMITS = {
  getAccount: { ratePerSecond: 1, burst: 2 },
  listOrders: { ratePerSecond: 0.5, burst: 4 },
  listOffers: { ratePerSecond: 1, burst: 3 },
  listStock: { ratePerSecond: 1, burst: 3 },
  listTransactions: { ratePerSecond: 0.5, burst: 3 },
} as const;
