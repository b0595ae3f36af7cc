/**
 * Simulator of Best Buy Marketplace's Mirakl seller API (A01, OR11, OR13/OR14, OF21,
 * OF52/OF53, TL02) serving the "bestbuy" channel of the SDK's shared merchant dataset in
 * Mirakl's wire formats: JSON decimal numbers, UTC ISO dates without milliseconds,
 * `total_count` offset pages, seek tokens, asynchronous exports with chunk files, the raw
 * API key in `Authorization`, Mirakl's documented call frequencies (429 + Retry-After),
 * its deliberate OR11 overlap, and the SDK's injectable faults.
 *
 * The API shows the dataset as it stands at the simulator's clock (capped at `asOf`), so
 * a test can move time forward and watch orders change; `expectedRecords` is the view at
 * `asOf`, computed from the dataset's own views (never from the connector's code).
 *
 * Wall clock mode (the demo): pass `clock: systemClock` (from the SDK). The API then shows
 * the dataset at `clock.now()` (`asOf`/`clockStart` are ignored), rebuilding its view when
 * a request finds it older than ~2 s (per-order views and transactions are memoized; only
 * what changed is re-encoded), so new orders appear, are accepted, shipped and refunded,
 * and offer quantities drop with live orders. `port` and `apiKey` make a restarted
 * simulator reachable with the same stored connection:
 *
 *   const bestbuy = new BestBuySimulator({ merchant, clock: systemClock, port: 48103, apiKey });
 *   await bestbuy.start(); ... await bestbuy.close();
 */
import {
  FollowingClock,
  MerchantDataset,
  SimulatorServer,
  VirtualClock,
  WallClockRefresher,
  dateOf,
  dayNumber,
  orderStage,
  LiveSimulator,
  type Clock,
  type ConnectorSimulator,
  type SimFee,
  type SimOrder,
  type SimRequest,
  type SimResponse,
  type SimRoute,
} from "@crosschannel/connector-sdk/simulator";
import {
  moneyFromMinor,
  type ChannelCancellation,
  type ChannelListing,
  type ChannelOrder,
  type FeeEvent,
  type FeeType,
  type InventoryLevel,
  type LineStatus,
  type OrderStatus,
  type StreamName,
} from "@crosschannel/connector-sdk";
import type { BestBuyConfig, BestBuyCredentials } from "../connector.ts";
import {
  MIRAKL_RATE_LIMITS,
  type MiraklAccount,
  type MiraklCancelation,
  type MiraklOffer,
  type MiraklOrder,
  type MiraklOrderState,
  type MiraklTransaction,
} from "../wire.ts";

/** How the simulator shows each dataset status in Mirakl's vocabulary. */
export const MIRAKL_STATE_OF: Record<OrderStatus | LineStatus, MiraklOrderState> = {
  pending: "WAITING_ACCEPTANCE",
  open: "SHIPPING",
  partially_fulfilled: "SHIPPING",
  fulfilled: "SHIPPED",
  cancelled: "CANCELED",
  unknown: "SHIPPING",
};

export const MIRAKL_TRANSACTION_TYPE_OF: Record<FeeType, string> = {
  commission: "COMMISSION_FEE",
  refund_commission: "REFUND_COMMISSION_FEE",
  subscription: "SUBSCRIPTION_FEE",
  penalty: "SELLER_PENALTY_FEE",
  adjustment: "MANUAL_CREDIT",
  fulfillment_fee: "FULFILLMENT_FEE",
  payment_processing: "PAYMENT_PROCESSING_FEE",
  shipping_label: "SHIPPING_LABEL_FEE",
  advertising: "ADVERTISING_FEE",
  storage_fee: "STORAGE_FEE",
  other: "OTHER_FEE",
};

/** Where Mirakl's single offer quantity lives, in the normalized records. */
const INVENTORY_LOCATION = "bestbuy-marketplace";

const LABELS = {
  channel: "bestbuy",
  orderRawStatus: (status: OrderStatus) => MIRAKL_STATE_OF[status],
  lineRawStatus: (status: LineStatus) => MIRAKL_STATE_OF[status],
  refundRawStatus: () => "REFUNDED",
  listingRawStatus: (active: boolean) => (active ? "ACTIVE" : "INACTIVE"),
  feeRawType: (type: FeeType) => MIRAKL_TRANSACTION_TYPE_OF[type],
};

export interface BestBuySimulatorOptions {
  /** Dataset seed (ignored when `merchant` is given). */
  seed?: number | string;
  merchant?: MerchantDataset;
  /** Which of the merchant's channels the API serves (default "bestbuy"). */
  channel?: string;
  /** Latest moment the API shows (UTC ISO); defaults to the end of the dataset. */
  asOf?: string;
  /** Where the virtual clock starts (default `asOf`); earlier to replay time. */
  clockStart?: string;
  apiKey?: string;
  shopId?: number;
  /** Virtual time an asynchronous export stays PENDING. */
  exportDelayMs?: number;
  ordersPerChunk?: number;
  offersPerChunk?: number;
  /** Rows a TL02 page holds at most whatever `limit` asks (seek tokens lead on). */
  transactionPageCap?: number;
  /** What Mirakl subtracts from OR11's start_update_date. */
  overlapMs?: number;
  /**
   * Treat every date bound (OR11 start/end dates, OR13 range, TL02 last_updated_from) as
   * exclusive instead of inclusive: a connector must be exact either way.
   */
  exclusiveDateBounds?: boolean;
  /**
   * Wall clock mode: the API shows the dataset at `clock.now()` (refreshed lazily, see the
   * top comment) instead of a VirtualClock capped at `asOf`.
   */
  clock?: Clock;
  /** How old a wall clock view may get before it is rebuilt (default 2000 ms). */
  refreshMs?: number;
  /** Loopback port to listen on (default: any free port). */
  port?: number;
}

interface View {
  at: string;
  orders: { wire: MiraklOrder; expected: ChannelOrder; createdAt: string; updatedAt: string }[];
  offers: { wire: MiraklOffer; listing: ChannelListing; level: InventoryLevel; updatedAt: string }[];
  transactions: { wire: MiraklTransaction; expected: FeeEvent | null }[];
}

export interface SimExport {
  kind: "orders" | "offers";
  createdAt: number;
  readyAt: number;
  /** OR13: the update-date range asked (epoch ms); OF52: since `last_request_date` (or null). */
  from: number | null;
  to: number | null;
  chunks: unknown[][];
}

const DAY_MS = 86_400_000;

/** Mirakl ids: order_id = commercial_id + "-A", line ids append "-1", "-2", ... */
export const miraklOrderId = (commercialId: string) => `${commercialId}-A`;
export const miraklLineId = (datasetLineId: string) => datasetLineId.replace(/-(\d+)$/, "-A-$1");
/** Mirakl's date format: "2019-04-02T14:18:43Z". */
const wireDate = (iso: string) => new Date(iso).toISOString().replace(/\.000Z$/, "Z");
/** Mirakl sends money as JSON decimal numbers. */
const wireAmount = (decimal: string) => Number(decimal);

export class BestBuySimulator extends LiveSimulator implements ConnectorSimulator<BestBuyConfig, BestBuyCredentials> {
  readonly clock: VirtualClock;
  readonly server: SimulatorServer;
  readonly merchant: MerchantDataset;
  readonly channel: string;
  readonly rateLimits = MIRAKL_RATE_LIMITS;
  readonly shopId: number;
  /** Every export created, by tracking id (tests inspect them). */
  readonly exports = new Map<string, SimExport>();
  readonly #apiKey: string;
  readonly #options: Required<
    Pick<
      BestBuySimulatorOptions,
      "exportDelayMs" | "ordersPerChunk" | "offersPerChunk" | "transactionPageCap" | "overlapMs" | "exclusiveDateBounds"
    >
  >;
  #simOrders: SimOrder[];
  #simFees: SimFee[];
  #view: View | null = null;
  #nextTracking = 1;
  /** Wall clock mode only: the refresher, the day the orders and fees were read up to, memoized encodings. */
  #readUntil: string | null = null;
  readonly #orderCache = new Map<string, { stage: number; entry: View["orders"][number] | null }>();
  readonly #transactionCache = new Map<string, View["transactions"][number]>();

  constructor(options: BestBuySimulatorOptions = {}) {
    super();
    this.merchant =
      options.merchant ??
      new MerchantDataset({ seed: options.seed ?? 42, start: "2026-03-01", days: 30, skus: 40, ordersPerDay: 80 });
    this.channel = options.channel ?? "bestbuy";
    this.viewAsOf = options.clock
      ? new Date(options.clock.now()).toISOString()
      : (options.asOf ?? `${this.merchant.end}T00:00:00.000Z`);
    this.#apiKey = options.apiKey ?? "5b1e0c7a-93d4-4f0e-b2a8-7c6d1e9f3a20";
    this.shopId = options.shopId ?? 2001;
    this.#options = {
      exportDelayMs: options.exportDelayMs ?? 60_000,
      ordersPerChunk: options.ordersPerChunk ?? 50,
      offersPerChunk: options.offersPerChunk ?? 10,
      transactionPageCap: options.transactionPageCap ?? 2000,
      overlapMs: options.overlapMs ?? 5 * 60_000,
      exclusiveDateBounds: options.exclusiveDateBounds ?? false,
    };
    if (options.clock) {
      this.clock = new FollowingClock(options.clock);
      this.#simOrders = [];
      this.#simFees = [];
      this.refresher = new WallClockRefresher(
        this.clock,
        (asOf) => {
          this.viewAsOf = asOf;
          this.#build(asOf);
        },
        { maxAgeMs: options.refreshMs },
      );
      this.#build(this.viewAsOf);
    } else {
      this.clock = new VirtualClock(options.clockStart ?? this.asOf);
      this.#simOrders = [...this.merchant.orders({ channel: this.channel })];
      this.#simFees = [...this.merchant.fees({ channel: this.channel })];
    }
    const routes = this.#routes();
    this.server = new SimulatorServer({
      port: options.port,
      clock: this.clock,
      rateLimits: MIRAKL_RATE_LIMITS,
      // Mirakl takes the raw key: "Bearer <key>" is refused like a wrong key.
      authenticate: (headers) => headers.authorization === this.#apiKey,
      unauthorizedBody: { status: 401, message: "Unauthorized" },
      rateLimitedBody: { status: 429, message: "Too many requests" },
      routes: this.liveRoutes(routes),
    });
  }

  config(): BestBuyConfig {
    return { baseUrl: this.server.url, backfillMonths: 24, offersSource: "export" };
  }

  credentials(): BestBuyCredentials {
    return { apiKey: this.#apiKey };
  }

  expectedRecords(stream: StreamName): unknown[] {
    const view = this.#build(this.asOf);
    switch (stream) {
      case "orders":
        return structuredClone(view.orders.map((order) => order.expected));
      case "listings":
        return structuredClone(view.offers.map((offer) => offer.listing));
      case "inventory":
        return structuredClone(view.offers.map((offer) => offer.level));
      case "fees":
        return structuredClone(view.transactions.flatMap((row) => (row.expected === null ? [] : [row.expected])));
    }
  }

  /** `value` is past the lower bound `bound` (inclusive unless `exclusiveDateBounds`). */
  #after = (value: number, bound: number) => (this.#options.exclusiveDateBounds ? value > bound : value >= bound);
  #before = (value: number, bound: number) => (this.#options.exclusiveDateBounds ? value < bound : value <= bound);

  /** The API's view now: the dataset at the clock, capped at `asOf`. */
  #now(): View {
    if (this.refresher !== null) return this.#build(this.viewAsOf);
    const now = Math.min(this.clock.now(), Date.parse(this.asOf));
    return this.#build(new Date(now).toISOString());
  }

  #build(at: string): View {
    if (this.#view?.at === at) return this.#view;
    const { merchant, channel } = this;
    const wall = this.refresher !== null;
    if (wall && this.#readUntil !== at.slice(0, 10)) {
      // Wall clock mode: read the dataset up to the end of today, once per day.
      const to = dateOf(dayNumber(at) + 1);
      this.#simOrders = [...merchant.orders({ channel, to })];
      this.#simFees = [...merchant.fees({ channel, to })];
      this.#readUntil = at.slice(0, 10);
    }
    const orders: View["orders"] = [];
    for (const sim of this.#simOrders) {
      let stage = 0;
      if (wall) {
        if (sim.placedAt > at) continue;
        stage = orderStage(sim, at);
        const hit = this.#orderCache.get(sim.id);
        if (hit?.stage === stage) {
          if (hit.entry) orders.push(hit.entry);
          continue;
        }
      }
      const view = merchant.orderAsOf(sim, at, LABELS);
      if (view === null) continue;
      const withIds = withMiraklIds(view);
      const expected: ChannelOrder = { ...withIds, cancellations: cancellationsOf(sim, withIds) };
      const entry = {
        wire: encodeOrder(sim, expected, merchant.channel(channel).taxRate),
        expected,
        createdAt: expected.placedAt,
        updatedAt: expected.updatedAt,
      };
      orders.push(entry);
      if (wall) this.#orderCache.set(sim.id, { stage, entry });
    }
    orders.sort((a, b) => compare(a.createdAt, b.createdAt) || compare(a.wire.order_id, b.wire.order_id));

    const offers: View["offers"] = [];
    for (const product of merchant.products) {
      const listing = merchant.listingAsOf(product.sku, channel, at, LABELS);
      if (listing === null) continue;
      const level = merchant.inventoryLevelAt(product.sku, channel, at, LABELS);
      // One offer carries one last_updated date for price, state and quantity.
      const updatedAt = listing.updatedAt > level.observedAt ? listing.updatedAt : level.observedAt;
      const outOfStock = listing.active && level.available === 0;
      const expectedListing: ChannelListing = {
        ...listing,
        updatedAt,
        ...(outOfStock ? { status: "out_of_stock", rawStatus: "ZERO_QUANTITY", active: false } : {}),
      };
      const expectedLevel: InventoryLevel = {
        ...level,
        locationId: INVENTORY_LOCATION,
        reserved: 0,
        inbound: 0,
        unfulfillable: null,
        observedAt: updatedAt,
      };
      offers.push({
        wire: encodeOffer(expectedListing, expectedLevel),
        listing: expectedListing,
        level: expectedLevel,
        updatedAt,
      });
    }

    const transactions: View["transactions"] = [];
    for (const fee of this.#simFees) {
      if (fee.occurredAt > at) continue;
      const cached = wall ? this.#transactionCache.get(fee.id) : undefined;
      if (cached) {
        transactions.push(cached);
        continue;
      }
      const expected = withMiraklFeeIds(merchant.feeEvent(fee, LABELS));
      const row = { wire: encodeTransaction(expected), expected };
      transactions.push(row);
      if (wall) this.#transactionCache.set(fee.id, row);
    }
    // TL02 also logs what the customer paid (not a fee): the connector must skip it.
    for (const sim of this.#simOrders) {
      if (sim.fulfilledAt === null || sim.fulfilledAt > at) continue;
      const cached = wall ? this.#transactionCache.get(`${sim.id}-OA`) : undefined;
      if (cached) {
        transactions.push(cached);
        continue;
      }
      const paid = sim.lines.reduce(
        (sum, line) =>
          sum + (line.unitPriceMinor - line.discountPerUnitMinor) * (line.quantity - line.cancelledAtAcceptance),
        0,
      );
      const row: View["transactions"][number] = {
        wire: {
          id: `${sim.id}-OA`,
          transaction_type: "ORDER_AMOUNT",
          amount: wireAmount(moneyFromMinor(paid, sim.currency)),
          amount_credited: wireAmount(moneyFromMinor(paid, sim.currency)),
          amount_debited: 0,
          currency_iso_code: sim.currency,
          date_created: wireDate(sim.fulfilledAt),
          last_updated: wireDate(sim.fulfilledAt),
          payment_state: "PENDING",
          entities: { order: { id: miraklOrderId(sim.id), commercial_id: sim.id }, order_line: null, refund: null },
        },
        expected: null,
      };
      transactions.push(row);
      if (wall) this.#transactionCache.set(`${sim.id}-OA`, row);
    }
    if (wall) {
      // Same order, with each row's time parsed once.
      const times = new Map(transactions.map((row) => [row, Date.parse(row.wire.last_updated)]));
      transactions.sort(
        (a, b) => compare(times.get(a) as number, times.get(b) as number) || compare(a.wire.id, b.wire.id),
      );
    } else {
      transactions.sort(
        (a, b) =>
          compare(Date.parse(a.wire.last_updated), Date.parse(b.wire.last_updated)) || compare(a.wire.id, b.wire.id),
      );
    }
    this.#view = { at, orders, offers, transactions };
    return this.#view;
  }

  #routes(): SimRoute[] {
    const shopScoped = (handle: (request: SimRequest) => SimResponse) => (request: SimRequest) => {
      const shopId = request.query.get("shop_id");
      if (shopId !== null && shopId !== String(this.shopId)) {
        return { status: 403, body: { status: 403, message: `Shop ${shopId} is not accessible with this API key` } };
      }
      return handle(request);
    };
    return [
      {
        method: "GET",
        path: "/api/account",
        operation: "A01",
        handle: shopScoped(() => ({
          body: {
            shop_id: this.shopId,
            shop_name: "Northwind Goods",
            shop_state: "OPEN",
            currency_iso_code: "CAD",
            is_professional: true,
          } satisfies MiraklAccount,
        })),
      },
      {
        method: "GET",
        path: "/api/orders",
        operation: "OR11",
        handle: shopScoped((request) => this.#listOrders(request)),
      },
      {
        method: "POST",
        path: "/api/orders/async-export",
        operation: "OR13",
        handle: shopScoped((request) => this.#createOrderExport(request)),
      },
      {
        method: "GET",
        path: /^\/api\/orders\/async-export\/status\/(?<id>[^/]+)$/,
        operation: "OR14",
        handle: shopScoped((request) => this.#exportStatus(request, "orders")),
      },
      {
        method: "GET",
        path: /^\/api\/orders\/async-export\/files\/(?<id>[^/]+)\/(?<chunk>\d+)$/,
        operation: "OR14_DOWNLOAD",
        handle: (request) => this.#download(request, "orders"),
      },
      {
        method: "GET",
        path: "/api/offers",
        operation: "OF21",
        handle: shopScoped((request) => this.#listOffers(request)),
      },
      {
        method: "POST",
        path: "/api/offers/export/async",
        operation: "OF52",
        handle: shopScoped((request) => this.#createOfferExport(request)),
      },
      {
        method: "GET",
        path: /^\/api\/offers\/export\/async\/status\/(?<id>[^/]+)$/,
        operation: "OF53",
        handle: shopScoped((request) => this.#exportStatus(request, "offers")),
      },
      {
        method: "GET",
        path: /^\/api\/offers\/export\/async\/files\/(?<id>[^/]+)\/(?<chunk>\d+)$/,
        operation: "OF54_DOWNLOAD",
        handle: (request) => this.#download(request, "offers"),
      },
      {
        method: "GET",
        path: "/api/sellerpayment/transactions_logs",
        operation: "TL02",
        handle: shopScoped((request) => this.#transactionLogs(request)),
      },
    ];
  }

  /** OR11: offset pages sorted by creation date, filtered by update and creation dates. */
  #listOrders(request: SimRequest): SimResponse {
    const query = request.query;
    const taxMode = query.get("order_tax_mode");
    if (taxMode !== "TAX_EXCLUDED" && taxMode !== "TAX_INCLUDED") {
      return badRequest("order_tax_mode must be TAX_INCLUDED or TAX_EXCLUDED (this simulator requires it explicitly)");
    }
    if (taxMode === "TAX_INCLUDED") return badRequest("this simulator serves Best Buy Canada prices TAX_EXCLUDED only");
    const max = intParam(query.get("max"), 10);
    const offset = intParam(query.get("offset"), 0);
    if (max === null || max < 1 || max > 100) return badRequest("max must be between 1 and 100");
    if (offset === null || offset < 0) return badRequest("offset must be >= 0");
    const dates: Record<string, number | null> = {};
    for (const name of ["start_update_date", "end_update_date", "start_date", "end_date"]) {
      const value = query.get(name);
      if (value === null) {
        dates[name] = null;
        continue;
      }
      const parsed = Date.parse(value);
      if (Number.isNaN(parsed)) return badRequest(`${name} must be an ISO 8601 date`);
      dates[name] = parsed;
    }
    const startUpdate =
      dates.start_update_date === null ? null : (dates.start_update_date as number) - this.#options.overlapMs;
    const after = this.#after;
    const before = this.#before;
    const matching = this.#now().orders.filter((order) => {
      const updated = Date.parse(order.updatedAt);
      const created = Date.parse(order.createdAt);
      if (startUpdate !== null && !after(updated, startUpdate)) return false;
      if (dates.end_update_date !== null && !before(updated, dates.end_update_date as number)) return false;
      if (dates.start_date !== null && !after(created, dates.start_date as number)) return false;
      if (dates.end_date !== null && !before(created, dates.end_date as number)) return false;
      return true;
    });
    if (query.get("order") === "desc") matching.reverse();
    const page = matching.slice(offset, offset + max).map((order) => order.wire);
    return {
      body: { orders: request.malform(page, corruptOrder, (order) => order.order_id), total_count: matching.length },
    };
  }

  /** OR13: one export at a time, at most one year of updates. */
  #createOrderExport(request: SimRequest): SimResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    const start = typeof body.start_update_date === "string" ? Date.parse(body.start_update_date) : Number.NaN;
    const end = typeof body.end_update_date === "string" ? Date.parse(body.end_update_date) : Number.NaN;
    if (Number.isNaN(start) || Number.isNaN(end) || end < start) {
      return badRequest("start_update_date and end_update_date must be ISO 8601 dates, start before end");
    }
    if (end - start > 365 * DAY_MS) return badRequest("The export date range cannot exceed one year");
    const now = this.clock.now();
    for (const pending of this.exports.values()) {
      if (pending.kind === "orders" && pending.readyAt > now)
        return badRequest("An order export is already in progress");
    }
    const orders = this.#now()
      .orders.filter((order) => {
        const updated = Date.parse(order.updatedAt);
        return this.#after(updated, start) && this.#before(updated, end);
      })
      .map((order) => order.wire);
    return {
      status: 202,
      body: { tracking_id: this.#addExport("orders", orders, this.#options.ordersPerChunk, start, end) },
    };
  }

  /** OF52: full, or differential since `last_request_date`. */
  #createOfferExport(request: SimRequest): SimResponse {
    const body = (request.body ?? {}) as Record<string, unknown>;
    let since: number | null = null;
    if (body.last_request_date !== undefined) {
      since = typeof body.last_request_date === "string" ? Date.parse(body.last_request_date) : Number.NaN;
      if (Number.isNaN(since)) return badRequest("last_request_date must be an ISO 8601 date");
    }
    if (body.export_type !== undefined && body.export_type !== "application/json") {
      return badRequest("this simulator exports application/json only");
    }
    const includeInactive = body.include_inactive_offers === true;
    const offers = this.#now()
      .offers.filter(
        (offer) => (since === null || Date.parse(offer.updatedAt) > since) && (includeInactive || offer.wire.active),
      )
      .map((offer) => offer.wire);
    return {
      status: 202,
      body: { tracking_id: this.#addExport("offers", offers, this.#options.offersPerChunk, since, null) },
    };
  }

  #addExport(
    kind: SimExport["kind"],
    records: unknown[],
    perChunk: number,
    from: number | null,
    to: number | null,
  ): string {
    const trackingId = `${kind === "orders" ? "or" : "of"}-${String(this.#nextTracking++).padStart(6, "0")}`;
    const chunks: unknown[][] = [];
    for (let index = 0; index < records.length; index += perChunk) chunks.push(records.slice(index, index + perChunk));
    const now = this.clock.now();
    this.exports.set(trackingId, {
      kind,
      createdAt: now,
      readyAt: now + this.#options.exportDelayMs,
      from,
      to,
      chunks,
    });
    return trackingId;
  }

  #exportStatus(request: SimRequest, kind: SimExport["kind"]): SimResponse {
    const id = request.params.id ?? "";
    const found = this.exports.get(id);
    if (!found || found.kind !== kind) return { status: 404, body: { status: 404, message: `Unknown export ${id}` } };
    const now = this.clock.now();
    if (now < found.readyAt)
      return { body: { status: "PENDING", last_updated: wireDate(new Date(now).toISOString()) } };
    const folder = kind === "orders" ? "orders/async-export" : "offers/export/async";
    return {
      body: {
        status: "COMPLETED",
        last_updated: wireDate(new Date(found.readyAt).toISOString()),
        urls: found.chunks.map((_, chunk) => `${this.server.url}/api/${folder}/files/${id}/${chunk}`),
      },
    };
  }

  #download(request: SimRequest, kind: SimExport["kind"]): SimResponse {
    const found = this.exports.get(request.params.id ?? "");
    const chunk = found?.chunks[Number(request.params.chunk)];
    if (!found || found.kind !== kind || chunk === undefined || this.clock.now() < found.readyAt) {
      return { status: 404, body: { status: 404, message: "Export file not found" } };
    }
    if (kind === "orders") {
      return { body: request.malform(chunk as MiraklOrder[], corruptOrder, (order) => order.order_id) };
    }
    return { body: request.malform(chunk as MiraklOffer[], corruptOffer, (offer) => offer.shop_sku) };
  }

  /** OF21: offset pages of offers. */
  #listOffers(request: SimRequest): SimResponse {
    const max = intParam(request.query.get("max"), 10);
    const offset = intParam(request.query.get("offset"), 0);
    if (max === null || max < 1 || max > 100) return badRequest("max must be between 1 and 100");
    if (offset === null || offset < 0) return badRequest("offset must be >= 0");
    const offers = this.#now().offers;
    const page = offers.slice(offset, offset + max).map((offer) => offer.wire);
    return {
      body: { offers: request.malform(page, corruptOffer, (offer) => offer.shop_sku), total_count: offers.length },
    };
  }

  /** TL02: seek pages in (last_updated, id) order from `last_updated_from` (inclusive). */
  #transactionLogs(request: SimRequest): SimResponse {
    const query = request.query;
    const limit = intParam(query.get("limit"), 100);
    if (limit === null || limit < 1 || limit > 2000) return badRequest("limit must be between 1 and 2000");
    const sort = query.get("sort");
    if (sort !== null && sort !== "lastUpdated" && sort !== "dateCreated") return badRequest(`unknown sort ${sort}`);
    const fromText = query.get("last_updated_from");
    const from = fromText === null ? null : Date.parse(fromText);
    if (from !== null && Number.isNaN(from)) return badRequest("last_updated_from must be an ISO 8601 date");
    let after: { t: number; id: string } | null = null;
    const token = query.get("page_token");
    if (token !== null) {
      try {
        after = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { t: number; id: string };
      } catch {
        return badRequest("page_token is invalid");
      }
      if (typeof after?.t !== "number" || typeof after.id !== "string") return badRequest("page_token is invalid");
    }
    const rows = this.#now().transactions.filter((row) => {
      const t = Date.parse(row.wire.last_updated);
      if (from !== null && !this.#after(t, from)) return false;
      return after === null || t > after.t || (t === after.t && row.wire.id > after.id);
    });
    const size = Math.min(limit, this.#options.transactionPageCap);
    const page = rows.slice(0, size).map((row) => row.wire);
    // Only fee rows are corrupted: the connector skips sales rows before normalizing.
    const fees = page.filter((row) => row.transaction_type !== "ORDER_AMOUNT");
    const corrupted = request.malform(fees, corruptTransaction, (row) => row.id) as MiraklTransaction[];
    const byId = new Map(fees.map((row, index) => [row.id, corrupted[index] as MiraklTransaction]));
    const last = page.at(-1);
    return {
      body: {
        data: page.map((row) => byId.get(row.id) ?? row),
        next_page_token:
          rows.length > size && last
            ? Buffer.from(JSON.stringify({ t: Date.parse(last.last_updated), id: last.id })).toString("base64url")
            : null,
        previous_page_token: null,
      },
    };
  }
}

function compare<T extends string | number>(a: T, b: T): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function intParam(value: string | null, fallback: number): number | null {
  if (value === null) return fallback;
  return /^\d+$/.test(value) ? Number(value) : null;
}

function badRequest(message: string): SimResponse {
  return { status: 400, body: { status: 400, message } };
}

function withMiraklIds(order: ChannelOrder): ChannelOrder {
  const orderId = miraklOrderId(order.externalId);
  return {
    ...order,
    externalId: orderId,
    lines: order.lines.map((line) => ({ ...line, externalId: miraklLineId(line.externalId) })),
    refunds: order.refunds.map((refund) => ({
      ...refund,
      orderExternalId: orderId,
      lineExternalId: refund.lineExternalId === null ? null : miraklLineId(refund.lineExternalId),
    })),
  };
}

function withMiraklFeeIds(fee: FeeEvent): FeeEvent {
  return {
    ...fee,
    orderExternalId: fee.orderExternalId === null ? null : miraklOrderId(fee.orderExternalId),
    lineExternalId: fee.lineExternalId === null ? null : miraklLineId(fee.lineExternalId),
  };
}

/**
 * The cancellations Mirakl keeps for an order (one per line and event, with its own id):
 * units refused at acceptance, then (whole order cancelled later) the rest of each line and
 * its shipping. An order cancelled before acceptance has none: its lines are simply CANCELED.
 */
function cancellationsOf(sim: SimOrder, view: ChannelOrder): ChannelCancellation[] {
  const acceptedBeforeCancel = sim.cancelledAt === null || sim.acceptedAt <= sim.cancelledAt;
  const currency = view.currency;
  const cancellations: ChannelCancellation[] = [];
  view.lines.forEach((line, index) => {
    const simLine = sim.lines[index];
    if (!simLine) throw new Error(`line ${line.externalId} missing from the dataset order`);
    if (line.quantityCancelled === 0 || !acceptedBeforeCancel) return;
    const unitCharged = simLine.unitPriceMinor - simLine.discountPerUnitMinor;
    const cancel = (id: string, quantity: number, at: string, shippingMinor: number) =>
      cancellations.push({
        externalId: id,
        orderExternalId: view.externalId,
        lineExternalId: line.externalId,
        sku: line.sku,
        quantity,
        amount: moneyFromMinor(unitCharged * quantity, currency),
        shipping: moneyFromMinor(shippingMinor, currency),
        tax: moneyFromMinor(simLine.taxPerUnitMinor * quantity, currency),
        currency,
        createdAt: new Date(at).toISOString(),
        reasonCode: "34",
        rawStatus: "",
      });
    const atAcceptance = simLine.cancelledAtAcceptance;
    if (atAcceptance > 0) cancel(`${line.externalId}-C1`, atAcceptance, sim.acceptedAt, 0);
    const rest = line.quantityCancelled - atAcceptance;
    const orderedShipping = index === 0 ? sim.shippingMinor : 0;
    if (rest > 0 && sim.cancelledAt !== null) cancel(`${line.externalId}-C2`, rest, sim.cancelledAt, orderedShipping);
  });
  return cancellations;
}

/** An order in OR11/OR13 wire format (TAX_EXCLUDED), from the dataset's view of it. */
function encodeOrder(sim: SimOrder, view: ChannelOrder, taxRate: number): MiraklOrder {
  const currency = view.currency;
  const amount = (minor: number) => wireAmount(moneyFromMinor(minor, currency));
  const cancelled = view.status === "cancelled";
  const acceptedBeforeCancel = sim.cancelledAt === null || sim.acceptedAt <= sim.cancelledAt;
  const rate = Math.round(taxRate * 10_000) / 100;
  let merchandise = 0;
  let orderShipping = 0;
  const lines = view.lines.map((line, index) => {
    const simLine = sim.lines[index];
    if (!simLine) throw new Error(`line ${line.externalId} missing from the dataset order`);
    const unitCharged = simLine.unitPriceMinor - simLine.discountPerUnitMinor;
    // Lines stay as ordered; cancellations carry the units, amount, taxes and shipping removed.
    const orderedShipping = index === 0 ? sim.shippingMinor : 0;
    orderShipping += orderedShipping;
    merchandise += unitCharged * line.quantity;
    const cancelations: MiraklCancelation[] = (view.cancellations ?? [])
      .filter((cancellation) => cancellation.lineExternalId === line.externalId)
      .map((cancellation) => ({
        id: cancellation.externalId,
        quantity: cancellation.quantity,
        amount: wireAmount(cancellation.amount),
        shipping_amount: wireAmount(cancellation.shipping),
        reason_code: cancellation.reasonCode,
        created_date: wireDate(cancellation.createdAt),
        taxes: [{ code: "HST", amount: wireAmount(cancellation.tax), rate }],
      }));
    const shipping = amount(orderedShipping);
    return {
      order_line_id: line.externalId,
      order_line_index: index + 1,
      order_line_state: line.rawStatus,
      offer_sku: line.sku,
      product_sku: `BBY-${line.sku}`,
      product_title: line.title,
      quantity: line.quantity,
      ...(simLine.discountPerUnitMinor > 0 ? { origin_unit_price: amount(simLine.unitPriceMinor) } : {}),
      price_unit: amount(unitCharged),
      price: amount(unitCharged * line.quantity),
      shipping_price: shipping,
      total_price: amount(unitCharged * line.quantity + orderedShipping),
      taxes: [{ code: "HST", amount: amount(simLine.taxPerUnitMinor * line.quantity), rate }],
      commission_fee: amount(Math.round((unitCharged * line.quantity * 12) / 100)),
      shipping_taxes: [],
      cancelations,
      refunds: view.refunds
        .filter((refund) => refund.lineExternalId === line.externalId)
        .map((refund) => ({
          id: refund.externalId,
          quantity: refund.quantity,
          amount: wireAmount(refund.amount),
          shipping_amount: wireAmount(refund.shipping),
          reason_code: refund.quantity === 0 ? "GOODWILL" : "RETURN",
          state: refund.rawStatus,
          created_date: wireDate(refund.createdAt),
          taxes: [{ code: "HST", amount: wireAmount(refund.tax), rate }],
          shipping_taxes: [],
        })),
    };
  });
  return {
    order_id: view.externalId,
    commercial_id: sim.id,
    created_date: wireDate(view.placedAt),
    last_updated_date: wireDate(view.updatedAt),
    acceptance_decision_date:
      view.status === "pending" || (cancelled && !acceptedBeforeCancel) ? null : wireDate(sim.acceptedAt),
    order_state: view.rawStatus,
    currency_iso_code: currency,
    channel: view.marketplaceId === null ? null : { code: view.marketplaceId, label: "Best Buy Canada" },
    price: amount(merchandise),
    shipping_price: amount(orderShipping),
    total_price: amount(merchandise + orderShipping),
    total_commission: amount(Math.round((merchandise * 12) / 100)),
    customer: {
      customer_id: `C-${sim.id.slice(-8)}`,
      shipping_address:
        view.status === "pending" ? null : { city: "Toronto", zip_code: "M5V 2T6", country_iso_code: "CA" },
      billing_address: null,
    },
    order_lines: lines,
  };
}

function encodeOffer(listing: ChannelListing, level: InventoryLevel): MiraklOffer {
  const price = listing.price === null ? null : wireAmount(listing.price);
  return {
    offer_id: listing.externalId,
    shop_sku: listing.sku,
    product_sku: `BBY-${listing.sku}`,
    product_title: listing.title,
    price,
    total_price: price,
    quantity: level.available,
    state_code: "11",
    active: listing.active,
    inactivity_reasons: listing.status === "out_of_stock" ? ["ZERO_QUANTITY"] : [],
    currency_iso_code: listing.currency,
    leadtime_to_ship: 2,
    product_references: [],
    applicable_pricing: { price, unit_origin_price: price },
    channels: listing.marketplaceId === null ? [] : [listing.marketplaceId],
    last_updated: wireDate(listing.updatedAt),
  };
}

function encodeTransaction(fee: FeeEvent): MiraklTransaction {
  const amount = wireAmount(fee.amount);
  return {
    id: fee.externalId,
    transaction_type: fee.rawType,
    amount,
    amount_credited: amount > 0 ? amount : 0,
    amount_debited: amount < 0 ? -amount : 0,
    currency_iso_code: fee.currency,
    date_created: wireDate(fee.occurredAt),
    last_updated: wireDate(fee.occurredAt),
    payment_state: "PENDING",
    entities: {
      order:
        fee.orderExternalId === null
          ? null
          : { id: fee.orderExternalId, commercial_id: fee.orderExternalId.replace(/-A$/, "") },
      order_line: fee.lineExternalId === null ? null : { id: fee.lineExternalId, offer_sku: fee.sku },
      refund: null,
    },
  };
}

const corruptOrder = (order: MiraklOrder) => ({
  ...order,
  order_lines: order.order_lines.map((line) => ({ ...line, offer_sku: null, price_unit: "n/a" })),
});
const corruptOffer = (offer: MiraklOffer) => ({
  ...offer,
  shop_sku: null,
  quantity: "n/a",
  price: "n/a",
  applicable_pricing: { price: "n/a" },
});
const corruptTransaction = (row: MiraklTransaction) => ({ ...row, amount_credited: "n/a", amount_debited: "n/a" });
