/**
 * Normalized, channel-neutral records every connector produces.
 *
 * Conventions: money is a decimal string next to an ISO currency code, timestamps are
 * UTC ISO strings with milliseconds, the channel's own status is kept next to the
 * normalized one, and `sku` is always the seller's SKU (never an ASIN or offer id).
 * Optional facts are `null`, not absent, so that records compare structurally.
 */
import { z } from "zod";
import { compareDecimal, isDecimalString } from "./decimal.ts";

export const DecimalString = z
  .string()
  .refine(isDecimalString, { message: 'Expected a decimal string such as "12.50"' });

export const CurrencyCode = z.string().regex(/^[A-Z]{3}$/, "Expected an ISO 4217 currency code such as USD");

export const UtcTimestamp = z.iso.datetime({ precision: 3 });

const NonEmpty = z.string().min(1);
const Quantity = z.number().int().nonnegative();

export const ORDER_STATUSES = ["pending", "open", "partially_fulfilled", "fulfilled", "cancelled", "unknown"] as const;
export const OrderStatus = z.enum(ORDER_STATUSES);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const LINE_STATUSES = ["pending", "open", "fulfilled", "cancelled", "unknown"] as const;
export const LineStatus = z.enum(LINE_STATUSES);
export type LineStatus = z.infer<typeof LineStatus>;

export const ChannelOrderLine = z.object({
  externalId: NonEmpty,
  sku: NonEmpty,
  title: z.string().nullable(),
  /** Units ordered, including any later cancelled. */
  quantity: Quantity,
  quantityCancelled: Quantity,
  /** Price of one unit before discount; null while the channel hides prices (pending). */
  unitPrice: DecimalString.nullable(),
  /** unitPrice x (quantity - quantityCancelled), before discount. */
  grossSales: DecimalString.nullable(),
  discount: DecimalString.nullable(),
  tax: DecimalString.nullable(),
  shipping: DecimalString.nullable(),
  status: LineStatus,
  rawStatus: z.string(),
  cancelled: z.boolean(),
});
export type ChannelOrderLine = z.infer<typeof ChannelOrderLine>;

export const ChannelRefund = z.object({
  externalId: NonEmpty,
  orderExternalId: NonEmpty,
  lineExternalId: z.string().nullable(),
  sku: z.string().nullable(),
  quantity: Quantity,
  /** Merchandise refunded, positive, excluding shipping and tax. */
  amount: DecimalString,
  shipping: DecimalString,
  tax: DecimalString,
  currency: CurrencyCode,
  createdAt: UtcTimestamp,
  rawStatus: z.string(),
});
export type ChannelRefund = z.infer<typeof ChannelRefund>;

/**
 * Units of one order line cancelled before shipping, as the channel records it (its own id,
 * e.g. a Mirakl `cancelations[]` entry). The line stays as ordered with `quantityCancelled`
 * the sum of its cancellations; each cancellation keeps what it removed, positive.
 */
export const ChannelCancellation = z.object({
  externalId: NonEmpty,
  orderExternalId: NonEmpty,
  lineExternalId: NonEmpty,
  sku: z.string().nullable(),
  quantity: Quantity,
  /** Merchandise cancelled, positive, excluding shipping and tax. */
  amount: DecimalString,
  shipping: DecimalString,
  tax: DecimalString,
  currency: CurrencyCode,
  createdAt: UtcTimestamp,
  /** The channel's reason code, when it gives one. */
  reasonCode: z.string().nullable(),
  rawStatus: z.string(),
});
export type ChannelCancellation = z.infer<typeof ChannelCancellation>;

export const ChannelOrder = z
  .object({
    externalId: NonEmpty,
    channel: NonEmpty,
    marketplaceId: z.string().nullable(),
    status: OrderStatus,
    rawStatus: z.string(),
    placedAt: UtcTimestamp,
    updatedAt: UtcTimestamp,
    cancelledAt: UtcTimestamp.nullable(),
    currency: CurrencyCode,
    /** False while a channel withholds prices (Amazon pending orders); money fields are then null. */
    pricesKnown: z.boolean(),
    subtotal: DecimalString.nullable(),
    discountTotal: DecimalString.nullable(),
    shippingTotal: DecimalString.nullable(),
    taxTotal: DecimalString.nullable(),
    total: DecimalString.nullable(),
    /** Sub-channel or source inside the channel (e.g. "web", "pos", "Amazon.ca"). */
    salesChannel: z.string().nullable(),
    lines: z.array(ChannelOrderLine).min(1),
    refunds: z.array(ChannelRefund),
    /**
     * Per-line cancellations as their own rows ([] when there are none). Left out (not
     * defaulted) by connectors whose channel does not report them, so their records still
     * compare structurally to what they built.
     */
    cancellations: z.array(ChannelCancellation).optional(),
  })
  .superRefine((order, ctx) => {
    if (order.pricesKnown) {
      order.lines.forEach((line, index) => {
        if (line.unitPrice === null || line.grossSales === null) {
          ctx.addIssue({
            code: "custom",
            path: ["lines", index, "unitPrice"],
            message: "unitPrice and grossSales are required when pricesKnown is true",
          });
        }
      });
      if (order.total === null) {
        ctx.addIssue({ code: "custom", path: ["total"], message: "total is required when pricesKnown is true" });
      }
    }
    order.lines.forEach((line, index) => {
      if (line.quantityCancelled > line.quantity) {
        ctx.addIssue({
          code: "custom",
          path: ["lines", index, "quantityCancelled"],
          message: "quantityCancelled cannot exceed quantity",
        });
      }
    });
    order.refunds.forEach((refund, index) => {
      if (refund.currency !== order.currency) {
        ctx.addIssue({
          code: "custom",
          path: ["refunds", index, "currency"],
          message: "refund currency differs from order",
        });
      }
      if (refund.orderExternalId !== order.externalId) {
        ctx.addIssue({
          code: "custom",
          path: ["refunds", index, "orderExternalId"],
          message: "refund belongs to another order",
        });
      }
    });
    const lineIds = new Set(order.lines.map((line) => line.externalId));
    (order.cancellations ?? []).forEach((cancellation, index) => {
      if (cancellation.currency !== order.currency) {
        ctx.addIssue({
          code: "custom",
          path: ["cancellations", index, "currency"],
          message: "cancellation currency differs from order",
        });
      }
      if (cancellation.orderExternalId !== order.externalId) {
        ctx.addIssue({
          code: "custom",
          path: ["cancellations", index, "orderExternalId"],
          message: "cancellation belongs to another order",
        });
      }
      if (!lineIds.has(cancellation.lineExternalId)) {
        ctx.addIssue({
          code: "custom",
          path: ["cancellations", index, "lineExternalId"],
          message: "cancellation refers to a line the order does not have",
        });
      }
      for (const field of ["amount", "shipping", "tax"] as const) {
        if (isDecimalString(cancellation[field]) && compareDecimal(cancellation[field], "0") < 0) {
          ctx.addIssue({
            code: "custom",
            path: ["cancellations", index, field],
            message: `cancellation ${field} cannot be negative`,
          });
        }
      }
    });
  });
export type ChannelOrder = z.infer<typeof ChannelOrder>;

export const LISTING_STATUSES = ["active", "inactive", "out_of_stock", "suppressed", "unknown"] as const;
export const ListingStatus = z.enum(LISTING_STATUSES);
export type ListingStatus = z.infer<typeof ListingStatus>;

export const ChannelListing = z.object({
  externalId: NonEmpty,
  sku: NonEmpty,
  channel: NonEmpty,
  marketplaceId: z.string().nullable(),
  title: z.string(),
  price: DecimalString.nullable(),
  currency: CurrencyCode,
  status: ListingStatus,
  rawStatus: z.string(),
  /** Buyable right now on the channel. */
  active: z.boolean(),
  updatedAt: UtcTimestamp,
});
export type ChannelListing = z.infer<typeof ChannelListing>;

export const InventoryLevel = z.object({
  sku: NonEmpty,
  channel: NonEmpty,
  /** Warehouse, fulfilment network or marketplace holding the stock ("FBA-US", "warehouse-1"). */
  locationId: NonEmpty,
  available: z.number().int(),
  reserved: Quantity,
  inbound: Quantity,
  unfulfillable: Quantity.nullable(),
  observedAt: UtcTimestamp,
});
export type InventoryLevel = z.infer<typeof InventoryLevel>;

export const FEE_TYPES = [
  "commission",
  "fulfillment_fee",
  "payment_processing",
  "refund_commission",
  "shipping_label",
  "advertising",
  "storage_fee",
  "penalty",
  "subscription",
  "adjustment",
  "other",
] as const;
export const FeeType = z.enum(FEE_TYPES);
export type FeeType = z.infer<typeof FeeType>;

export const FeeEvent = z.object({
  externalId: NonEmpty,
  channel: NonEmpty,
  type: FeeType,
  rawType: z.string(),
  orderExternalId: z.string().nullable(),
  lineExternalId: z.string().nullable(),
  sku: z.string().nullable(),
  /** Signed: negative is charged to the seller, positive is credited back. */
  amount: DecimalString,
  currency: CurrencyCode,
  occurredAt: UtcTimestamp,
});
export type FeeEvent = z.infer<typeof FeeEvent>;

/** The streams a connector can offer, with the record model of each. */
export const STREAM_MODELS = {
  orders: ChannelOrder,
  listings: ChannelListing,
  inventory: InventoryLevel,
  fees: FeeEvent,
} as const;
export type StreamName = keyof typeof STREAM_MODELS;
export const STREAM_NAMES = Object.keys(STREAM_MODELS) as StreamName[];
export type StreamRecord<S extends StreamName> = z.infer<(typeof STREAM_MODELS)[S]>;
