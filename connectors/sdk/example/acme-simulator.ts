/**
 * Simulator of the Acme Marketplace Seller API, serving one channel of the shared
 * merchant dataset as it stands at `asOf`. Follows the SDK's simulator kit: a real
 * loopback server, Acme's documented rate limits, faults on demand.
 */
import {
  MerchantDataset,
  SimulatorServer,
  type ConnectorSimulator,
  type SimRequest,
  type SimRoute,
} from "../src/simulator/index.ts";
import { VirtualClock } from "../src/time.ts";
import { moneyToMinor } from "../src/decimal.ts";
import type {
  ChannelListing,
  ChannelOrder,
  FeeEvent,
  FeeType,
  InventoryLevel,
  LineStatus,
  OrderStatus,
  StreamName,
} from "../src/models.ts";
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
import type { AcmeConfig, AcmeCredentials } from "./acme-connector.ts";
import { fakeSecret } from "../src/simulator/secrets.ts";

export const ACME_ORDER_STATES: Record<OrderStatus | LineStatus, AcmeOrderState> = {
  pending: "WAITING_ACCEPTANCE",
  open: "SHIPPING",
  partially_fulfilled: "PARTIALLY_SHIPPED",
  fulfilled: "SHIPPED",
  cancelled: "CANCELED",
  unknown: "SHIPPING",
};

export const ACME_TRANSACTION_TYPES: Record<FeeType, AcmeTransactionType> = {
  commission: "ORDER_COMMISSION",
  fulfillment_fee: "FULFILMENT_FEE",
  payment_processing: "PAYMENT_PROCESSING",
  refund_commission: "COMMISSION_REFUND",
  subscription: "MONTHLY_SUBSCRIPTION",
  shipping_label: "SHIPPING_LABEL",
  advertising: "ADS",
  storage_fee: "STORAGE",
  penalty: "PENALTY",
  adjustment: "MANUAL_ADJUSTMENT",
  other: "MISC",
};

export interface AcmeSimulatorOptions {
  /** Dataset seed (ignored when `merchant` is given). */
  seed?: number | string;
  merchant?: MerchantDataset;
  /** Which of the merchant's channels Acme serves. */
  channel?: string;
  /** The moment the simulator shows (UTC ISO); defaults to the end of the dataset. */
  asOf?: string;
  apiKey?: string;
  sellerId?: string;
}

const LABELS = {
  channel: "acme",
  orderRawStatus: (status: OrderStatus) => ACME_ORDER_STATES[status],
  lineRawStatus: (status: LineStatus) => ACME_ORDER_STATES[status],
  refundRawStatus: () => "REFUNDED",
  listingRawStatus: (active: boolean) => (active ? "ACTIVE" : "INACTIVE"),
  feeRawType: (type: FeeType) => ACME_TRANSACTION_TYPES[type],
};

export class AcmeSimulator implements ConnectorSimulator<AcmeConfig, AcmeCredentials> {
  readonly clock: VirtualClock;
  readonly server: SimulatorServer;
  readonly merchant: MerchantDataset;
  readonly channel: string;
  readonly asOf: string;
  readonly rateLimits = ACME_RATE_LIMITS;
  readonly #apiKey: string;
  readonly #sellerId: string;
  readonly #expected: {
    orders: ChannelOrder[];
    listings: ChannelListing[];
    inventory: InventoryLevel[];
    fees: FeeEvent[];
  };

  constructor(options: AcmeSimulatorOptions = {}) {
    this.merchant =
      options.merchant ??
      new MerchantDataset({ seed: options.seed ?? 42, start: "2026-03-01", days: 21, skus: 30, ordersPerDay: 30 });
    this.channel = options.channel ?? "amazon";
    this.asOf = options.asOf ?? `${this.merchant.end}T00:00:00.000Z`;
    this.#apiKey = options.apiKey ?? fakeSecret("acme_");
    this.#sellerId = options.sellerId ?? "S-1001";
    this.clock = new VirtualClock(this.asOf);
    this.#expected = this.#buildExpected();
    this.server = new SimulatorServer({
      clock: this.clock,
      rateLimits: ACME_RATE_LIMITS,
      authenticate: (headers) => headers.authorization === `Bearer ${this.#apiKey}`,
      unauthorizedBody: { status: 401, message: "Invalid or revoked API key" },
      rateLimitedBody: { status: 429, message: "Too many requests" },
      routes: this.#routes(),
    });
  }

  async start(): Promise<void> {
    await this.server.start();
  }

  async close(): Promise<void> {
    await this.server.close();
  }

  config(): AcmeConfig {
    return { baseUrl: `${this.server.url}/api`, sellerId: this.#sellerId, pageSize: 50 };
  }

  credentials(): AcmeCredentials {
    return { apiKey: this.#apiKey };
  }

  expectedRecords(stream: StreamName): unknown[] {
    return structuredClone(this.#expected[stream]);
  }

  #buildExpected() {
    const { merchant, channel, asOf } = this;
    const orders = [...merchant.orders({ channel })]
      .map((order) => merchant.orderAsOf(order, asOf, LABELS))
      .filter((order): order is ChannelOrder => order !== null);
    const listings = merchant.products
      .map((product) => merchant.listingAsOf(product.sku, channel, asOf, LABELS))
      .filter((listing): listing is ChannelListing => listing !== null);
    const today = asOf.slice(0, 10);
    const inventory = listings.map((listing) => merchant.inventoryLevel(listing.sku, channel, today, LABELS));
    const fees = [...merchant.fees({ channel })]
      .filter((fee) => fee.occurredAt <= asOf)
      .map((fee) => merchant.feeEvent(fee, LABELS));
    return {
      orders: byCursor(
        orders,
        (order) => order.updatedAt,
        (order) => order.externalId,
      ),
      listings: byCursor(
        listings,
        (listing) => listing.updatedAt,
        (listing) => listing.sku,
      ),
      inventory: byCursor(
        inventory,
        (level) => level.observedAt,
        (level) => level.sku,
      ),
      fees: byCursor(
        fees,
        (fee) => fee.occurredAt,
        (fee) => fee.externalId,
      ),
    };
  }

  #routes(): SimRoute[] {
    const expected = this.#expected;
    return [
      {
        method: "GET",
        path: "/api/v1/account",
        operation: "getAccount",
        handle: () => ({ body: { seller_id: this.#sellerId, shop_name: "Northwind Goods", currency: "USD" } }),
      },
      {
        method: "GET",
        path: "/api/v1/orders",
        operation: "listOrders",
        handle: (request) =>
          listPage(request, expected.orders, {
            cursorOf: (order) => Math.floor(Date.parse(order.updatedAt) / 1000),
            idOf: (order) => order.externalId,
            fromParam: (value) => (/^\d+$/.test(value) ? Number(value) : null),
            encode: encodeOrder,
            maxPageSize: 25,
            corrupt: (order) => ({
              ...order,
              lines: order.lines.map((line) => ({ ...line, offer_sku: null, price_minor: "n/a" })),
            }),
            wireId: (order) => order.id,
          }),
      },
      {
        method: "GET",
        path: "/api/v1/offers",
        operation: "listOffers",
        handle: (request) =>
          listPage(request, expected.listings, {
            cursorOf: (listing) => listing.updatedAt,
            idOf: (listing) => listing.sku,
            fromParam: isoParam,
            encode: encodeOffer,
            maxPageSize: 5,
            corrupt: (offer) => ({ ...offer, price: "twelve dollars" }),
            wireId: (offer) => offer.shop_sku,
          }),
      },
      {
        method: "GET",
        path: "/api/v1/stock",
        operation: "listStock",
        handle: (request) =>
          listPage(request, expected.inventory, {
            cursorOf: (level) => level.observedAt,
            idOf: (level) => level.sku,
            fromParam: isoParam,
            encode: encodeStock,
            maxPageSize: 5,
            corrupt: (stock) => ({ ...stock, reserved_quantity: -4 }),
            wireId: (stock) => stock.shop_sku,
          }),
      },
      {
        method: "GET",
        path: "/api/v1/transactions",
        operation: "listTransactions",
        handle: (request) =>
          listPage(request, expected.fees, {
            cursorOf: (fee) => fee.occurredAt,
            idOf: (fee) => fee.externalId,
            fromParam: isoParam,
            encode: encodeTransaction,
            maxPageSize: 50,
            corrupt: (transaction) => ({ ...transaction, amount: "N/A" }),
            wireId: (transaction) => transaction.transaction_id,
          }),
      },
    ];
  }
}

interface ListOptions<R, W, C extends string | number> {
  cursorOf(record: R): C;
  idOf(record: R): string;
  /** Parses the `updated_from` query parameter into the cursor's type; null when invalid. */
  fromParam(value: string): C | null;
  /** Acme documents a smaller page cap on some endpoints than the `limit` clients ask for. */
  maxPageSize: number;
  encode(record: R): W;
  corrupt(wire: W): unknown;
  wireId(wire: W): string;
}

/** Acme's keyset pagination: records after (updated_from, after) in (cursor, id) order. */
function listPage<R, W, C extends string | number>(
  request: SimRequest,
  records: readonly R[],
  options: ListOptions<R, W, C>,
) {
  const limit = Number(request.query.get("limit") ?? "50");
  const fromText = request.query.get("updated_from");
  const after = request.query.get("after") ?? "";
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    return { status: 400, body: { status: 400, message: "limit must be an integer between 1 and 100" } };
  }
  const from = fromText === null ? null : options.fromParam(fromText);
  if (fromText !== null && from === null) {
    return { status: 400, body: { status: 400, message: "updated_from is invalid" } };
  }
  const matching = records.filter((record) => {
    if (from === null) return true;
    const cursor = options.cursorOf(record);
    return cursor > from || (cursor === from && options.idOf(record) > after);
  });
  const size = Math.min(limit, options.maxPageSize);
  const page = matching.slice(0, size).map(options.encode);
  return {
    body: {
      items: request.malform(page, options.corrupt, options.wireId),
      has_more: matching.length > size,
    } satisfies AcmeList<unknown>,
  };
}

function byCursor<R>(records: R[], cursor: (record: R) => string, id: (record: R) => string): R[] {
  return records.sort((a, b) => {
    const left = cursor(a);
    const right = cursor(b);
    if (left !== right) return left < right ? -1 : 1;
    return id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0;
  });
}

const isoParam = (value: string) => (Number.isNaN(Date.parse(value)) ? null : new Date(value).toISOString());
const epochSeconds = (iso: string) => Math.floor(Date.parse(iso) / 1000);
const minor = (amount: string | null, currency: string) =>
  amount === null ? null : Number(moneyToMinor(amount, currency));
/** Acme shows refund times in its head office's zone (UTC-5). */
const easternTime = (iso: string) => new Date(Date.parse(iso) - 5 * 3_600_000).toISOString().replace(".000Z", "-05:00");

function encodeOrder(order: ChannelOrder): AcmeOrder {
  const currency = order.currency;
  const need = (amount: string | null) => minor(amount, currency) ?? 0;
  return {
    id: order.externalId,
    channel_code: order.marketplaceId,
    state: ACME_ORDER_STATES[order.status],
    currency_code: currency,
    created_at: epochSeconds(order.placedAt),
    updated_at: epochSeconds(order.updatedAt),
    canceled_at: order.cancelledAt === null ? null : epochSeconds(order.cancelledAt),
    totals: order.pricesKnown
      ? {
          subtotal_minor: need(order.subtotal),
          discount_minor: need(order.discountTotal),
          shipping_minor: need(order.shippingTotal),
          tax_minor: need(order.taxTotal),
          total_minor: need(order.total),
        }
      : null,
    lines: order.lines.map((line) => ({
      id: line.externalId,
      offer_sku: line.sku,
      product_title: line.title,
      quantity: line.quantity,
      canceled_quantity: line.quantityCancelled,
      price_minor: minor(line.unitPrice, currency),
      discount_minor: minor(line.discount, currency),
      tax_minor: minor(line.tax, currency),
      shipping_minor: minor(line.shipping, currency),
      state: ACME_ORDER_STATES[line.status],
    })),
    refunds: order.refunds.map((refund) => ({
      id: refund.externalId,
      line_id: refund.lineExternalId,
      sku: refund.sku,
      quantity: refund.quantity,
      amount_minor: need(refund.amount),
      shipping_minor: need(refund.shipping),
      tax_minor: need(refund.tax),
      created_at: easternTime(refund.createdAt),
      state: "REFUNDED",
    })),
  };
}

function encodeOffer(listing: ChannelListing): AcmeOffer {
  return {
    offer_id: listing.externalId,
    shop_sku: listing.sku,
    channel_code: listing.marketplaceId,
    title: listing.title,
    price: listing.price,
    currency_iso_code: listing.currency,
    state: listing.active ? "ACTIVE" : "INACTIVE",
    updated_at: listing.updatedAt,
  };
}

function encodeStock(level: InventoryLevel): AcmeStock {
  return {
    shop_sku: level.sku,
    warehouse_code: level.locationId,
    quantity: level.available,
    reserved_quantity: level.reserved,
    incoming_quantity: level.inbound,
    unsellable_quantity: level.unfulfillable,
    updated_at: level.observedAt,
  };
}

function encodeTransaction(fee: FeeEvent): AcmeTransaction {
  return {
    transaction_id: fee.externalId,
    type: ACME_TRANSACTION_TYPES[fee.type],
    amount: fee.amount,
    currency_iso_code: fee.currency,
    order_id: fee.orderExternalId,
    order_line_id: fee.lineExternalId,
    sku: fee.sku,
    date: fee.occurredAt,
  };
}
