/**
 * Simulator of the Amazon Selling Partner API, serving the "amazon" channel of the SDK's
 * shared merchant dataset as it stands at `asOf`, in Amazon's wire formats:
 * Login with Amazon (refresh and authorization-code grants, consent redirect), Sellers,
 * Orders v2026-01-01 (searchOrders, getOrder), Reports 2021-06-30 (create, poll, document,
 * gzip download from a pre-signed "S3" URL), FBA Inventory v1, Listings Items 2021-08-01 and
 * Finances v0. Documented rate limits (or those granted by `grantedRateLimits`) are enforced
 * (429 + Retry-After) and announced (`x-amzn-RateLimit-Limit`), faults are injectable
 * through `server.inject`, and per-region endpoints (`/na`, `/eu`, `/fe`) and per-app roles
 * let tests reproduce a wrong region or a missing role.
 *
 * How Amazon shows the dataset (and so what a correct connector yields):
 * - pending and cancelled orders carry no prices; a cancelled order's last update is its
 *   cancellation; a unit cancelled at acceptance is not on the order any more;
 * - orders carry no refunds (Finances does); line ids are `${orderId}/${sellerSku}`;
 * - fees are Finances shipment and refund events (the monthly subscription is not an
 *   order event and is not served); refunded charges are `adjustment` fee events.
 *
 * Wall clock mode (the demo): pass `clock: systemClock` (from the SDK). The API then shows
 * the dataset at `clock.now()` instead of a frozen `asOf` (`asOf`/`now` are ignored),
 * rebuilding its view when a request finds it older than ~2 s (only the last
 * MAX_ORDER_EVENT_LAG_DAYS are rebuilt), so new orders appear, pending orders get their
 * prices, shipments and refunds reach Finances and reports. `port`, `clientId`,
 * `clientSecret`, `refreshToken` and `sellerId` make a restarted simulator reachable with
 * the same stored connection:
 *
 *   const amazon = new AmazonSimulator({ merchant, clock: systemClock, port: 48102,
 *     clientId, clientSecret, refreshToken, sellerId: "A2SIMSELLER01" });
 *   await amazon.start(); ... await amazon.close();
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import {
  moneyFromMinor,
  negateMoney,
  sumMoney,
  type ChannelListing,
  type ChannelOrder,
  type FeeEvent,
  type FeeType,
  type InventoryLevel,
  type LineStatus,
  type OrderStatus,
  type RateLimit,
  type StreamName,
} from "@crosschannel/connector-sdk";
import {
  FollowingClock,
  MerchantDataset,
  SimulatorServer,
  VirtualClock,
  OrderDays,
  WallClockRefresher,
  dateOf,
  dayNumber,
  mergeSorted,
  orderStage,
  LiveSimulator,
  settledBefore,
  type Clock,
  type ConnectorSimulator,
  type SimOrder,
  type SimRequest,
  type SimResponse,
  type SimRoute,
  fakeSecret,
} from "@crosschannel/connector-sdk/simulator";
import type { z } from "zod";
import type { AmazonConfig, AmazonCredentials } from "../config.ts";
import {
  ALL_ORDERS_REPORT,
  AMAZON_RATE_LIMITS,
  marketplaceById,
  type AllOrdersReportRow,
  type AmazonOperation,
  type AmazonFulfillmentStatus,
  type AmazonInventorySummary,
  type AmazonListingItem,
  type AmazonOrder,
  type AmazonRegion,
  type AmazonShipmentEvent,
} from "../wire.ts";

export type AmazonRole =
  "Inventory and Order Tracking" | "Amazon Fulfillment" | "Product Listing" | "Finance and Accounting";
export const ALL_ROLES: readonly AmazonRole[] = [
  "Inventory and Order Tracking",
  "Amazon Fulfillment",
  "Product Listing",
  "Finance and Accounting",
];

export interface AmazonSimulatorOptions {
  seed?: number | string;
  merchant?: MerchantDataset;
  /** The moment the API shows (UTC ISO); defaults to the end of the dataset. */
  asOf?: string;
  /** Where the virtual clock starts; defaults to 10 minutes after `asOf`. */
  now?: string;
  /** Region the seller authorized the app in. */
  region?: AmazonRegion;
  sellerId?: string;
  /** Roles the app holds (default all). */
  roles?: readonly AmazonRole[];
  /** Virtual time a report takes to process. */
  reportProcessingMs?: number;
  /** Most financial events per page, whatever MaxResultsPerPage asks (Amazon may return fewer). */
  financesPageCap?: number;
  backfillMonths?: number;
  /** Reports include orders updated exactly at dataEndTime (Amazon does not document either way). */
  reportEndInclusive?: boolean;
  /**
   * Limits granted above (or below) the documented ones, per operation: enforced, and announced
   * in `x-amzn-RateLimit-Limit` (the rate; Amazon announces no burst) as Amazon does. Demos
   * grant higher report limits so a backfill is quick; tests keep the documented limits.
   */
  grantedRateLimits?: Partial<Record<AmazonOperation, RateLimit>>;
  /**
   * Wall clock mode: the API shows the dataset at `clock.now()` (refreshed lazily, see the
   * top comment) instead of a VirtualClock frozen at `asOf`.
   */
  clock?: Clock;
  /** How old a wall clock view may get before it is rebuilt (default 2000 ms). */
  refreshMs?: number;
  /** Loopback port of the SP-API/LWA server (default: any free port). */
  port?: number;
  /** LWA credentials the simulator accepts (default: made up per process). */
  clientId?: string;
  clientSecret?: string;
  refreshToken?: string;
}

/**
 * Higher report limits a demo simulator may grant (announced in `x-amzn-RateLimit-Limit`, which
 * the connector follows): with the documented createReport and getReportDocument rates (one a
 * minute after a burst of 15) a 24-month backfill waits ten minutes for its last reports.
 */
export const DEMO_GRANTED_RATE_LIMITS = {
  createReport: { ratePerSecond: 0.5, burst: 15 },
  getReportDocument: { ratePerSecond: 0.5, burst: 15 },
} as const satisfies Partial<Record<AmazonOperation, RateLimit>>;

type OrderOutputs = {
  orders: ChannelOrder[];
  fees: FeeEvent[];
  events: Array<{ kind: "shipment" | "refund"; event: AmazonShipmentEvent }>;
};

export const SIM_APPLICATION_ID = "amzn1.sp.solution.00000000-fake-4000-8000-000000000000";
const CLIENT_ID = fakeSecret("amzn1.application-oa2-client.", 16);
const CLIENT_SECRET = fakeSecret("amzn1.oa2-cs.v1.");
const REFRESH_TOKEN = fakeSecret("Atzr|");
const ACCESS_TOKEN_SECONDS = 3600;
const MINUTE = 60_000;
const DAY = 86_400_000;

export const STATUS_LABEL: Record<OrderStatus, AmazonFulfillmentStatus> = {
  pending: "PENDING",
  open: "UNSHIPPED",
  partially_fulfilled: "PARTIALLY_SHIPPED",
  fulfilled: "SHIPPED",
  cancelled: "CANCELLED",
  unknown: "UNFULFILLABLE",
};
/** The flat-file report's spelling of the same statuses. */
const REPORT_STATUS: Record<AmazonFulfillmentStatus, string> = {
  PENDING_AVAILABILITY: "PendingAvailability",
  PENDING: "Pending",
  UNSHIPPED: "Unshipped",
  PARTIALLY_SHIPPED: "PartiallyShipped",
  SHIPPED: "Shipped",
  CANCELLED: "Cancelled",
  UNFULFILLABLE: "Unfulfillable",
};
const FEE_TYPE_LABEL: Partial<Record<FeeType, string>> = {
  commission: "Commission",
  fulfillment_fee: "FBAPerUnitFulfillmentFee",
  refund_commission: "Commission",
};

const LABELS = {
  channel: "amazon",
  orderRawStatus: (status: OrderStatus) => STATUS_LABEL[status],
  lineRawStatus: (status: LineStatus) => STATUS_LABEL[status],
  listingRawStatus: (active: boolean) => (active ? "BUYABLE,DISCOVERABLE" : "DISCOVERABLE"),
};

/** Amazon's timestamps: second precision, "Z". */
export const wireTime = (iso: string) => iso.replace(/\.000Z$/, "Z");
const orderItemId = (lineId: string) => lineId.replace(/\D/g, "");
const error = (status: number, code: string, message: string, details = ""): SimResponse => ({
  status,
  body: { errors: [{ code, message, details }] },
});
const denied = (details = "") => error(403, "Unauthorized", "Access to requested resource is denied.", details);
const encodeToken = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
function decodeToken<T>(token: string): T | null {
  try {
    return JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as T;
  } catch {
    return null;
  }
}
const validTime = (value: string | null) =>
  value !== null && !Number.isNaN(Date.parse(value)) ? Date.parse(value) : null;

interface SimReport {
  reportId: string;
  reportType: string;
  marketplaceIds: string[];
  dataStartTime: string;
  dataEndTime: string;
  createdAt: number;
}
interface FeeComponentRef {
  id: string;
  amount: { CurrencyCode: string; CurrencyAmount: number };
}

export type AmazonConfigInput = z.input<typeof AmazonConfig>;

export class AmazonSimulator extends LiveSimulator implements ConnectorSimulator<AmazonConfigInput, AmazonCredentials> {
  readonly clock: VirtualClock;
  readonly server: SimulatorServer;
  readonly merchant: MerchantDataset;
  readonly region: AmazonRegion;
  readonly sellerId: string;
  readonly marketplaceId: string;
  roles: Set<AmazonRole>;
  /** Requests served by the pre-signed "S3" host (report downloads). */
  readonly s3Log: Array<{ at: number; path: string; status: number }> = [];
  #expected!: { orders: ChannelOrder[]; listings: ChannelListing[]; inventory: InventoryLevel[]; fees: FeeEvent[] };
  #events!: Array<{ kind: "shipment" | "refund"; event: AmazonShipmentEvent }>;
  readonly #options: AmazonSimulatorOptions;
  readonly #reports = new Map<string, SimReport>();
  readonly #documents = new Map<string, { bytes: Buffer; issuedAt: number }>();
  readonly #accessTokens = new Map<string, number>();
  readonly #authCodes = new Map<string, { redirectUri: string; issuedAt: number; used: boolean }>();
  #refreshTokenValid = true;
  #downloadFaults = { times: 0, status: 503 };
  #s3: Server | null = null;
  #s3Url: string | null = null;
  #counter = 0;
  readonly #clientId: string;
  readonly #clientSecret: string;
  readonly #refreshToken: string;
  /** Wall clock mode only. */
  #frozen: ({ before: string } & OrderOutputs) | null = null;
  #days: OrderDays | null = null;
  readonly #recentCache = new Map<string, { placedAt: string; stage: number; outputs: OrderOutputs }>();

  constructor(options: AmazonSimulatorOptions = {}) {
    super();
    this.#options = options;
    this.merchant =
      options.merchant ??
      new MerchantDataset({ seed: options.seed ?? 42, start: "2026-01-05", days: 90, skus: 150, ordersPerDay: 10 });
    this.region = options.region ?? "na";
    this.sellerId = options.sellerId ?? "A2SIMSELLER01";
    const marketplaceId = this.merchant.channel("amazon").marketplaceId;
    if (marketplaceId === null) throw new Error("the dataset's amazon channel has no marketplace id");
    this.marketplaceId = marketplaceId;
    this.roles = new Set(options.roles ?? ALL_ROLES);
    this.#clientId = options.clientId ?? CLIENT_ID;
    this.#clientSecret = options.clientSecret ?? CLIENT_SECRET;
    this.#refreshToken = options.refreshToken ?? REFRESH_TOKEN;
    if (options.clock) {
      this.clock = new FollowingClock(options.clock);
      this.viewAsOf = new Date(this.clock.now()).toISOString();
      this.refresher = new WallClockRefresher(
        this.clock,
        (asOf) => {
          this.viewAsOf = asOf;
          this.#build();
        },
        { maxAgeMs: options.refreshMs },
      );
    } else {
      this.viewAsOf = options.asOf ?? `${this.merchant.end}T00:00:00.000Z`;
      this.clock = new VirtualClock(options.now ?? new Date(Date.parse(this.viewAsOf) + 10 * MINUTE).toISOString());
    }
    this.#build();
    const routes = this.#routes();
    this.server = new SimulatorServer({
      clock: this.clock,
      rateLimits: this.rateLimits,
      // Revocation (server.revokeCredentials) answers 401 on every SP-API route; tokens
      // themselves are checked per route (expired, unknown) with Amazon's 403 bodies.
      authenticate: (headers) => typeof headers["x-amz-access-token"] === "string",
      unauthorizedBody: {
        errors: [
          {
            code: "Unauthorized",
            message: "Access to requested resource is denied.",
            details: "The access token you provided is revoked, malformed or invalid.",
          },
        ],
      },
      rateLimitedBody: {
        errors: [
          { code: "QuotaExceeded", message: "You exceeded your quota for the requested resource.", details: "" },
        ],
      },
      port: options.port,
      routes: this.liveRoutes(routes),
    });
  }

  /** The limits the simulator enforces and announces: documented, or granted by `grantedRateLimits`. */
  get rateLimits(): Readonly<Record<string, RateLimit>> {
    return { ...AMAZON_RATE_LIMITS, ...this.#options.grantedRateLimits };
  }

  /**
   * Moves the API's view of the dataset (and the clock, if behind) to a later moment.
   * The API shows a world frozen at `asOf`, so move it only while no run has read past the
   * current `asOf` (its watermark is at most `asOf`); otherwise the changes in between were
   * hidden from a run that believed it saw them.
   */
  setAsOf(asOf: string): void {
    this.viewAsOf = asOf;
    const target = Date.parse(asOf) + 10 * MINUTE;
    if (this.clock.now() < target) this.clock.advance(target - this.clock.now());
    this.#build();
  }

  /** Every access token issued so far expires now (Amazon answers 403 "has expired"). */
  expireAccessTokens(): void {
    for (const token of this.#accessTokens.keys()) this.#accessTokens.set(token, Number.NEGATIVE_INFINITY);
  }

  /** The next `times` report downloads answer `status` (S3 hiccups). */
  failNextDownloads(times: number, status = 503): void {
    this.#downloadFaults = { times, status };
  }

  /** The seller revokes the app: the refresh token stops working at Login with Amazon. */
  revokeRefreshToken(): void {
    this.#refreshTokenValid = false;
  }

  /** Listens on 127.0.0.1 at `port` (or the `port` option, or any free port); the "S3" host on any free port. */
  override async start(port?: number): Promise<void> {
    await this.server.start(port);
    if (this.#s3) return;
    const s3 = createServer((request, response) => {
      const url = new URL(request.url ?? "/", "http://127.0.0.1");
      const id = decodeURIComponent(url.pathname.replace(/^\/reports\//, ""));
      const document = this.#documents.get(id);
      const at = this.clock.now();
      let status = 200;
      if (this.#downloadFaults.times > 0) {
        this.#downloadFaults.times -= 1;
        status = this.#downloadFaults.status;
      } else if (!document) status = 404;
      else if (at - document.issuedAt > 5 * MINUTE) status = 403;
      this.s3Log.push({ at, path: url.pathname, status });
      if (status !== 200 || !document) {
        const [code, message] =
          status === 403
            ? ["AccessDenied", "Request has expired"]
            : status === 404
              ? ["NoSuchKey", "The specified key does not exist."]
              : ["ServiceUnavailable", "Please reduce your request rate."];
        const xml = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message></Error>`;
        response.writeHead(status, { "content-type": "application/xml" });
        response.end(xml);
        return;
      }
      response.writeHead(200, {
        "content-type": "text/plain; charset=utf-8",
        "content-length": String(document.bytes.byteLength),
      });
      response.end(document.bytes);
    });
    await new Promise<void>((resolve) => s3.listen(0, "127.0.0.1", () => resolve()));
    this.#s3 = s3;
    this.#s3Url = `http://127.0.0.1:${(s3.address() as AddressInfo).port}`;
  }

  override async close(): Promise<void> {
    await this.server.close();
    const s3 = this.#s3;
    this.#s3 = null;
    if (s3) {
      s3.closeAllConnections();
      await new Promise<void>((resolve) => s3.close(() => resolve()));
    }
  }

  config(): AmazonConfigInput {
    return {
      region: this.region,
      marketplaceIds: [this.marketplaceId],
      sellerId: this.sellerId,
      endpoint: `${this.server.url}/${this.region}`,
      tokenEndpoint: `${this.server.url}/auth/o2/token`,
      ...(this.#options.backfillMonths === undefined ? {} : { backfillMonths: this.#options.backfillMonths }),
    };
  }

  credentials(): AmazonCredentials {
    return { clientId: this.#clientId, clientSecret: this.#clientSecret, refreshToken: this.#refreshToken };
  }

  expectedRecords(stream: StreamName): unknown[] {
    return structuredClone(this.#expected[stream]);
  }

  // -------------------------------------------------------------------------------------
  // The dataset as Amazon shows it

  #build(): void {
    const { merchant } = this;
    const asOf = this.viewAsOf;
    let orders: ChannelOrder[];
    let fees: FeeEvent[];
    let events: OrderOutputs["events"];
    if (this.refresher === null) {
      const outputs: OrderOutputs = { orders: [], fees: [], events: [] };
      this.#collectOrders(merchant.orders({ channel: "amazon" }), outputs);
      ({ orders, fees, events } = outputs);
      events.sort(byEventTime);
      orders.sort(byOrderTime);
    } else {
      // Wall clock mode: orders settled before `before` never change; keep their outputs
      // (sorted once), rebuild the recent window from memoized days and per-order views.
      const before = settledBefore(asOf);
      if (this.#frozen?.before !== before) {
        const previous = this.#frozen !== null && this.#frozen.before < before ? this.#frozen : null;
        const added: OrderOutputs = { orders: [], fees: [], events: [] };
        this.#collectOrders(
          merchant.orders({ ...(previous ? { from: previous.before } : {}), to: before, channel: "amazon" }),
          added,
        );
        this.#frozen = {
          before,
          orders: mergeSorted(previous?.orders ?? [], added.orders.sort(byOrderTime), byOrderTime),
          fees: [...(previous?.fees ?? []), ...added.fees],
          events: mergeSorted(previous?.events ?? [], added.events.sort(byEventTime), byEventTime),
        };
        for (const [id, entry] of this.#recentCache) if (entry.placedAt < before) this.#recentCache.delete(id);
      }
      const recent: OrderOutputs = { orders: [], fees: [], events: [] };
      this.#days ??= new OrderDays(merchant, "amazon");
      this.#collectOrders(this.#days.range(before, dateOf(dayNumber(asOf) + 1)), recent, this.#recentCache);
      orders = mergeSorted(this.#frozen.orders, recent.orders.sort(byOrderTime), byOrderTime);
      events = mergeSorted(this.#frozen.events, recent.events.sort(byEventTime), byEventTime);
      fees = [...this.#frozen.fees, ...recent.fees];
    }
    const listings = merchant.products
      .map((product) => merchant.listingAsOf(product.sku, "amazon", asOf, LABELS))
      .filter((listing): listing is ChannelListing => listing !== null);
    const inventory = listings.map((listing) => merchant.inventoryLevelAt(listing.sku, "amazon", asOf, LABELS));
    const byTime =
      <R>(cursor: (record: R) => string, id: (record: R) => string) =>
      (a: R, b: R) =>
        cursor(a) !== cursor(b) ? (cursor(a) < cursor(b) ? -1 : 1) : id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0;
    this.#expected = {
      orders,
      listings: listings.sort(
        byTime(
          (listing) => listing.updatedAt,
          (listing) => listing.sku,
        ),
      ),
      inventory: inventory.sort(
        byTime(
          (level) => level.observedAt,
          (level) => level.sku,
        ),
      ),
      fees,
    };
    this.#events = events;
  }

  /** Adds the orders' views at `asOf`, their fee events and their Finances events to `into`. */
  #collectOrders(
    source: Iterable<SimOrder>,
    into: OrderOutputs,
    cache?: Map<string, { placedAt: string; stage: number; outputs: OrderOutputs }>,
  ): void {
    const asOf = this.viewAsOf;
    for (const order of source) {
      if (order.placedAt > asOf) continue;
      let outputs = into;
      if (cache) {
        const stage = orderStage(order, asOf);
        const hit = cache.get(order.id);
        if (hit?.stage === stage) {
          into.orders.push(...hit.outputs.orders);
          into.fees.push(...hit.outputs.fees);
          into.events.push(...hit.outputs.events);
          continue;
        }
        outputs = { orders: [], fees: [], events: [] };
        cache.set(order.id, { placedAt: order.placedAt, stage, outputs });
      }
      this.#collectOrder(order, outputs);
      if (outputs !== into) {
        into.orders.push(...outputs.orders);
        into.fees.push(...outputs.fees);
        into.events.push(...outputs.events);
      }
    }
  }

  #collectOrder(order: SimOrder, into: OrderOutputs): void {
    const { merchant } = this;
    const asOf = this.viewAsOf;
    const { orders, fees, events } = into;
    {
      const view = merchant.orderAsOf(order, asOf, LABELS);
      if (view === null) return;
      orders.push(amazonView(view));
      const currency = order.currency;
      const amount = (minor: number) => ({
        CurrencyCode: currency,
        CurrencyAmount: Number(moneyFromMinor(minor, currency)),
      });
      const visible = order.fees.filter((fee) => fee.occurredAt <= asOf);
      const shipmentFees = visible.filter((fee) => fee.type === "commission" || fee.type === "fulfillment_fee");
      if (order.fulfilledAt !== null && order.fulfilledAt <= asOf) {
        const posted = wireTime(order.fulfilledAt);
        events.push({
          kind: "shipment",
          event: {
            AmazonOrderId: order.id,
            SellerOrderId: order.id,
            MarketplaceName: "Amazon.com",
            PostedDate: posted,
            ShipmentItemList: order.lines.map((line) => {
              const units = line.quantity - line.cancelledAtAcceptance;
              return {
                SellerSKU: line.sku,
                OrderItemId: orderItemId(line.id),
                QuantityShipped: units,
                ItemChargeList: [
                  {
                    ChargeType: "Principal",
                    ChargeAmount: amount((line.unitPriceMinor - line.discountPerUnitMinor) * units),
                  },
                  { ChargeType: "Tax", ChargeAmount: amount(line.taxPerUnitMinor * units) },
                ],
                ItemFeeList: shipmentFees
                  .filter((fee) => fee.lineId === line.id)
                  .map((fee) => ({
                    FeeType: FEE_TYPE_LABEL[fee.type] ?? fee.type,
                    FeeAmount: amount(fee.amountMinor),
                  })),
              };
            }),
          },
        });
        for (const fee of shipmentFees) {
          const line = order.lines.find((candidate) => candidate.id === fee.lineId);
          if (!line) continue;
          const rawType = FEE_TYPE_LABEL[fee.type] ?? fee.type;
          fees.push({
            externalId: `shipment:${order.id}:${orderItemId(line.id)}:${rawType}:${posted}`,
            channel: "amazon",
            type: fee.type,
            rawType,
            orderExternalId: order.id,
            lineExternalId: `${order.id}/${line.sku}`,
            sku: line.sku,
            amount: moneyFromMinor(fee.amountMinor, currency),
            currency,
            occurredAt: fee.occurredAt,
          });
        }
      }
      for (const refund of order.refunds) {
        if (refund.createdAt > asOf) continue;
        const posted = wireTime(refund.createdAt);
        const credit = visible.find(
          (fee) =>
            fee.type === "refund_commission" && fee.lineId === refund.lineId && fee.occurredAt === refund.createdAt,
        );
        const charges = [
          { ChargeType: "Principal", minor: -refund.amountMinor },
          { ChargeType: "Tax", minor: -refund.taxMinor },
          { ChargeType: "ShippingCharge", minor: -refund.shippingMinor },
        ].filter((charge) => charge.minor !== 0);
        events.push({
          kind: "refund",
          event: {
            AmazonOrderId: order.id,
            SellerOrderId: order.id,
            MarketplaceName: "Amazon.com",
            PostedDate: posted,
            ShipmentItemAdjustmentList: [
              {
                SellerSKU: refund.sku,
                OrderAdjustmentItemId: refund.id,
                QuantityShipped: refund.quantity,
                ItemChargeAdjustmentList: charges.map((charge) => ({
                  ChargeType: charge.ChargeType,
                  ChargeAmount: amount(charge.minor),
                })),
                ItemFeeAdjustmentList: credit ? [{ FeeType: "Commission", FeeAmount: amount(credit.amountMinor) }] : [],
              },
            ],
          },
        });
        const refundEvent = (rawType: string, type: FeeType, minor: number) =>
          fees.push({
            externalId: `refund:${order.id}:${refund.id}:${rawType}:${posted}`,
            channel: "amazon",
            type,
            rawType,
            orderExternalId: order.id,
            lineExternalId: `${order.id}/${refund.sku}`,
            sku: refund.sku,
            amount: moneyFromMinor(minor, currency),
            currency,
            occurredAt: refund.createdAt,
          });
        for (const charge of charges) refundEvent(charge.ChargeType, "adjustment", charge.minor);
        if (credit) refundEvent("Commission", "refund_commission", credit.amountMinor);
      }
    }
  }

  // -------------------------------------------------------------------------------------
  // Routes

  #routes(): SimRoute[] {
    const sp = (
      method: SimRoute["method"],
      pattern: string,
      operation: string,
      role: AmazonRole | null,
      handle: (request: SimRequest) => SimResponse,
    ): SimRoute => ({
      method,
      path: new RegExp(`^/(?<region>na|eu|fe)${pattern}$`),
      operation,
      handle: (request) => this.#announceRateLimit(operation, this.#guard(request, role) ?? handle(request)),
    });
    return [
      {
        method: "POST",
        path: "/auth/o2/token",
        operation: "lwaToken",
        public: true,
        handle: (request) => this.#token(request),
      },
      {
        method: "GET",
        path: "/apps/authorize/consent",
        operation: "consent",
        public: true,
        handle: (request) => this.#consent(request),
      },
      sp("GET", "/sellers/v1/marketplaceParticipations", "getMarketplaceParticipations", null, () => ({
        body: {
          payload: [
            {
              marketplace: {
                id: this.marketplaceId,
                name: marketplaceById(this.marketplaceId)?.domain ?? this.marketplaceId,
                countryCode: marketplaceById(this.marketplaceId)?.country ?? "US",
                defaultCurrencyCode: this.merchant.channel("amazon").currency,
                defaultLanguageCode: "en_US",
                domainName: `www.${(marketplaceById(this.marketplaceId)?.domain ?? "amazon.com").toLowerCase()}`,
              },
              participation: { isParticipating: true, hasSuspendedListings: false },
              storeName: "Northwind Goods",
            },
          ],
        },
      })),
      sp("GET", "/orders/2026-01-01/orders", "searchOrders", "Inventory and Order Tracking", (request) =>
        this.#searchOrders(request),
      ),
      sp(
        "GET",
        "/orders/2026-01-01/orders/(?<orderId>[^/]+)",
        "getOrder",
        "Inventory and Order Tracking",
        (request) => {
          const order = this.#expected.orders.find(
            (candidate) => candidate.externalId === decodeURIComponent(request.params.orderId ?? ""),
          );
          if (!order) return error(404, "NotFound", "Order not found");
          return { body: { order: encodeOrder(order, new Set(["PROCEEDS", "FULFILLMENT", "CANCELLATION"])) } };
        },
      ),
      sp("POST", "/reports/2021-06-30/reports", "createReport", "Inventory and Order Tracking", (request) =>
        this.#createReport(request),
      ),
      sp(
        "GET",
        "/reports/2021-06-30/reports/(?<reportId>[^/]+)",
        "getReport",
        "Inventory and Order Tracking",
        (request) => this.#getReport(request),
      ),
      sp(
        "GET",
        "/reports/2021-06-30/documents/(?<documentId>[^/]+)",
        "getReportDocument",
        "Inventory and Order Tracking",
        (request) => this.#getReportDocument(request),
      ),
      sp("GET", "/fba/inventory/v1/summaries", "getInventorySummaries", "Amazon Fulfillment", (request) =>
        this.#inventory(request),
      ),
      sp("GET", "/listings/2021-08-01/items/(?<sellerId>[^/]+)", "searchListingsItems", "Product Listing", (request) =>
        this.#listings(request),
      ),
      sp("GET", "/finances/v0/financialEvents", "listFinancialEvents", "Finance and Accounting", (request) =>
        this.#finances(request),
      ),
    ];
  }

  /** SP-API answers carry the rate granted for the operation (`x-amzn-RateLimit-Limit`). */
  #announceRateLimit(operation: string, response: SimResponse): SimResponse {
    const limit = this.rateLimits[operation];
    if (!limit) return response;
    return { ...response, headers: { ...response.headers, "x-amzn-RateLimit-Limit": String(limit.ratePerSecond) } };
  }

  #guard(request: SimRequest, role: AmazonRole | null): SimResponse | null {
    const token = String(request.headers["x-amz-access-token"] ?? "");
    const issuedAt = this.#accessTokens.get(token);
    if (issuedAt === undefined) return denied("The access token you provided is revoked, malformed or invalid.");
    if (this.clock.now() - issuedAt >= ACCESS_TOKEN_SECONDS * 1000)
      return denied("The access token you provided has expired.");
    if (request.params.region !== this.region) return denied();
    if (role !== null && !this.roles.has(role)) return denied();
    return null;
  }

  #token(request: SimRequest): SimResponse {
    const form =
      typeof request.body === "string"
        ? Object.fromEntries(new URLSearchParams(request.body))
        : ((request.body ?? {}) as Record<string, string>);
    const lwaError = (status: number, code: string, description: string) => ({
      status,
      body: { error: code, error_description: description },
    });
    if (form.client_id !== this.#clientId || form.client_secret !== this.#clientSecret) {
      return lwaError(401, "invalid_client", "Client authentication failed");
    }
    const issue = (extra: Record<string, unknown> = {}) => {
      const accessToken = `Atza|sim-access-${++this.#counter}`;
      this.#accessTokens.set(accessToken, this.clock.now());
      return { body: { access_token: accessToken, token_type: "bearer", expires_in: ACCESS_TOKEN_SECONDS, ...extra } };
    };
    if (form.grant_type === "refresh_token") {
      if (form.refresh_token !== this.#refreshToken || !this.#refreshTokenValid) {
        return lwaError(400, "invalid_grant", "The request has an invalid grant parameter : refresh_token");
      }
      return issue();
    }
    if (form.grant_type === "authorization_code") {
      const code = this.#authCodes.get(form.code ?? "");
      if (
        !code ||
        code.used ||
        this.clock.now() - code.issuedAt > 5 * MINUTE ||
        code.redirectUri !== form.redirect_uri
      ) {
        return lwaError(400, "invalid_grant", "The request has an invalid grant parameter : code");
      }
      code.used = true;
      return issue({ refresh_token: this.#refreshToken });
    }
    return lwaError(400, "unsupported_grant_type", `grant_type ${String(form.grant_type)} is not supported`);
  }

  #consent(request: SimRequest): SimResponse {
    const state = request.query.get("state");
    const redirectUri = request.query.get("redirect_uri");
    if (request.query.get("application_id") !== SIM_APPLICATION_ID || !state || !redirectUri) {
      return { status: 400, body: "Invalid application_id, state or redirect_uri" };
    }
    const code = `ANsim${++this.#counter}`;
    this.#authCodes.set(code, { redirectUri, issuedAt: this.clock.now(), used: false });
    const location = new URL(redirectUri);
    location.searchParams.set("state", state);
    location.searchParams.set("selling_partner_id", this.sellerId);
    location.searchParams.set("spapi_oauth_code", code);
    return { status: 302, headers: { location: location.toString() }, body: "" };
  }

  #twoMinuteRule(value: number | null, name: string): SimResponse | null {
    if (value !== null && value > this.clock.now() - 2 * MINUTE) {
      return error(400, "InvalidInput", `${name} must be at least two minutes before the time of the request`);
    }
    return null;
  }

  #searchOrders(request: SimRequest): SimResponse {
    const q = request.query;
    const after = validTime(q.get("lastUpdatedAfter"));
    const created = q.get("createdAfter");
    if ((after === null) === (created === null)) {
      return error(400, "InvalidInput", "Exactly one of createdAfter and lastUpdatedAfter must be given");
    }
    if (created !== null) return error(400, "InvalidInput", "The simulator serves lastUpdatedAfter queries only");
    const beforeText = q.get("lastUpdatedBefore");
    const before = beforeText === null ? this.clock.now() - 2 * MINUTE : validTime(beforeText);
    if (before === null) return error(400, "InvalidInput", "lastUpdatedBefore is not an ISO 8601 date");
    const rule = this.#twoMinuteRule(before, "lastUpdatedBefore");
    if (rule) return rule;
    const marketplaces = (q.get("marketplaceIds") ?? "").split(",").filter(Boolean);
    if (marketplaces.length === 0) return error(400, "InvalidInput", "marketplaceIds is required");
    const size = Number(q.get("maxResultsPerPage") ?? "100");
    if (!Number.isInteger(size) || size < 1 || size > 100)
      return error(400, "InvalidInput", "maxResultsPerPage must be 1..100");
    const filters = `${after}|${before}|${marketplaces.join(",")}`;
    let offset = 0;
    const token = q.get("paginationToken");
    if (token !== null) {
      const decoded = decodeToken<{ offset: number; filters: string; issuedAt: number }>(token);
      if (!decoded || decoded.filters !== filters)
        return error(400, "InvalidInput", "Invalid paginationToken for these filters");
      if (this.clock.now() - decoded.issuedAt > DAY) return error(400, "InvalidInput", "paginationToken has expired");
      offset = decoded.offset;
    }
    const included = new Set((q.get("includedData") ?? "").split(",").filter(Boolean));
    const matching = this.#expected.orders.filter((order) => {
      const at = Date.parse(order.updatedAt);
      // Both bounds are inclusive ("updated at or after", "at or before").
      return (
        at >= (after ?? 0) && at <= before && order.marketplaceId !== null && marketplaces.includes(order.marketplaceId)
      );
    });
    const page = matching.slice(offset, offset + size).map((order) => encodeOrder(order, included));
    const orders = request.malform(
      page,
      (order) => ({
        ...order,
        orderItems: order.orderItems.map((item) => ({ ...item, product: { ...item.product, sellerSku: undefined } })),
      }),
      (order) => order.orderId,
    );
    const more = offset + size < matching.length;
    return {
      body: {
        orders,
        ...(more
          ? { pagination: { nextToken: encodeToken({ offset: offset + size, filters, issuedAt: this.clock.now() }) } }
          : {}),
        lastUpdatedBefore: wireTime(new Date(before).toISOString()),
      },
    };
  }

  #createReport(request: SimRequest): SimResponse {
    const body = (request.body ?? {}) as Partial<{
      reportType: string;
      marketplaceIds: string[];
      dataStartTime: string;
      dataEndTime: string;
    }>;
    if (body.reportType !== ALL_ORDERS_REPORT)
      return error(400, "InvalidInput", `The simulator produces ${ALL_ORDERS_REPORT} only`);
    if (!Array.isArray(body.marketplaceIds) || body.marketplaceIds.length === 0)
      return error(400, "InvalidInput", "marketplaceIds is required");
    const start = validTime(body.dataStartTime ?? null);
    const end = validTime(body.dataEndTime ?? null) ?? this.clock.now();
    if (start === null || end <= start) return error(400, "InvalidInput", "dataStartTime must be before dataEndTime");
    if (end - start > 31 * DAY)
      return error(400, "InvalidInput", "This report covers at most 30 days: split the range");
    const reportId = String(50_000_000_000 + ++this.#counter);
    this.#reports.set(reportId, {
      reportId,
      reportType: body.reportType,
      marketplaceIds: body.marketplaceIds,
      dataStartTime: new Date(start).toISOString(),
      dataEndTime: new Date(end).toISOString(),
      createdAt: this.clock.now(),
    });
    return { status: 202, body: { reportId } };
  }

  #reportOrders(report: SimReport): ChannelOrder[] {
    return this.#expected.orders.filter(
      (order) =>
        order.updatedAt >= report.dataStartTime &&
        (order.updatedAt < report.dataEndTime ||
          (this.#options.reportEndInclusive === true && order.updatedAt === report.dataEndTime)) &&
        order.marketplaceId !== null &&
        report.marketplaceIds.includes(order.marketplaceId),
    );
  }

  #getReport(request: SimRequest): SimResponse {
    const report = this.#reports.get(request.params.reportId ?? "");
    if (!report) return error(404, "NotFound", "Report not found");
    const age = this.clock.now() - report.createdAt;
    const processing = this.#options.reportProcessingMs ?? 40_000;
    const base = {
      reportId: report.reportId,
      reportType: report.reportType,
      marketplaceIds: report.marketplaceIds,
      dataStartTime: wireTime(report.dataStartTime),
      dataEndTime: wireTime(report.dataEndTime),
      createdTime: wireTime(new Date(report.createdAt).toISOString()),
    };
    if (age < processing)
      return { body: { ...base, processingStatus: age < processing / 4 ? "IN_QUEUE" : "IN_PROGRESS" } };
    const done = wireTime(new Date(report.createdAt + processing).toISOString());
    if (this.#reportOrders(report).length === 0) {
      return { body: { ...base, processingStatus: "CANCELLED", processingEndTime: done } };
    }
    return {
      body: {
        ...base,
        processingStatus: "DONE",
        processingEndTime: done,
        reportDocumentId: `amzn1.spdoc.1.4.${this.region}.${report.reportId}`,
      },
    };
  }

  #getReportDocument(request: SimRequest): SimResponse {
    const documentId = request.params.documentId ?? "";
    const report = this.#reports.get(documentId.split(".").at(-1) ?? "");
    if (!report || !documentId.startsWith("amzn1.spdoc.")) return error(404, "NotFound", "Report document not found");
    const orders = request.malform(
      this.#reportOrders(report).map((order) => ({ id: order.externalId, rows: reportRows(order) })),
      (entry) => ({ ...entry, rows: entry.rows.map((row) => ({ ...row, "item-price": "n/a", "item-tax": "n/a" })) }),
      (entry) => entry.id,
    ) as Array<{ id: string; rows: AllOrdersReportRow[] }>;
    const text = toFlatFile(orders.flatMap((entry) => entry.rows));
    this.#documents.set(documentId, { bytes: gzipSync(Buffer.from(text, "utf8")), issuedAt: this.clock.now() });
    if (this.#s3Url === null) throw new Error("simulator not started");
    return {
      body: {
        reportDocumentId: documentId,
        url: `${this.#s3Url}/reports/${encodeURIComponent(documentId)}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-Signature=fake0000`,
        compressionAlgorithm: "GZIP",
      },
    };
  }

  #inventory(request: SimRequest): SimResponse {
    const q = request.query;
    if (q.get("granularityType") !== "Marketplace" || !q.get("granularityId")) {
      return error(400, "InvalidInput", "granularityType=Marketplace and granularityId are required");
    }
    const marketplaces = (q.get("marketplaceIds") ?? "").split(",").filter(Boolean);
    if (marketplaces.length !== 1) return error(400, "InvalidInput", "marketplaceIds takes exactly one marketplace");
    const startText = q.get("startDateTime");
    const start = startText === null ? null : validTime(startText);
    if (startText !== null && start === null)
      return error(400, "InvalidInput", "startDateTime is not an ISO 8601 date");
    if (start !== null && start < this.clock.now() - 548 * DAY)
      return error(400, "InvalidInput", "startDateTime cannot be more than 18 months back");
    const skus = (q.get("sellerSkus") ?? "").split(",").filter(Boolean);
    if (skus.length > 50) return error(400, "InvalidInput", "sellerSkus takes at most 50 SKUs");
    const details = q.get("details") === "true";
    let offset = 0;
    const token = q.get("nextToken");
    if (token !== null) {
      const decoded = decodeToken<{ offset: number; issuedAt: number }>(token);
      if (!decoded) return error(400, "InvalidInput", "Invalid nextToken");
      if (this.clock.now() - decoded.issuedAt > 30_000)
        return error(400, "InvalidInput", "The nextToken has expired: tokens are valid for 30 seconds");
      offset = decoded.offset;
    }
    const matching =
      marketplaces[0] !== this.marketplaceId
        ? []
        : this.#expected.inventory.filter(
            (level) =>
              (start === null || Date.parse(level.observedAt) >= start) &&
              (skus.length === 0 || skus.includes(level.sku)),
          );
    const size = 50;
    const page = matching.slice(offset, offset + size).map((level) => encodeSummary(level, details));
    const summaries = request.malform(
      page,
      (summary) => ({ ...summary, inventoryDetails: { ...summary.inventoryDetails, fulfillableQuantity: -3 } }),
      (summary) => summary.sellerSku,
    );
    const more = offset + size < matching.length;
    return {
      body: {
        payload: {
          granularity: { granularityType: "Marketplace", granularityId: q.get("granularityId") },
          inventorySummaries: summaries,
        },
        ...(more
          ? { pagination: { nextToken: encodeToken({ offset: offset + size, issuedAt: this.clock.now() }) } }
          : {}),
      },
    };
  }

  #listings(request: SimRequest): SimResponse {
    const q = request.query;
    if (request.params.sellerId !== this.sellerId)
      return error(
        403,
        "Unauthorized",
        "Access to requested resource is denied.",
        "sellerId does not match the authorization",
      );
    const marketplaces = (q.get("marketplaceIds") ?? "").split(",").filter(Boolean);
    if (marketplaces.length !== 1) return error(400, "InvalidInput", "marketplaceIds takes exactly one marketplace");
    const size = Number(q.get("pageSize") ?? "10");
    if (!Number.isInteger(size) || size < 1 || size > 20) return error(400, "InvalidInput", "pageSize must be 1..20");
    const afterText = q.get("lastUpdatedAfter");
    const after = afterText === null ? null : validTime(afterText);
    if (afterText !== null && after === null)
      return error(400, "InvalidInput", "lastUpdatedAfter is not an ISO 8601 date");
    const sortBy = q.get("sortBy") ?? "lastUpdatedDate";
    const descending = q.get("sortOrder") === "DESC";
    const included = new Set((q.get("includedData") ?? "summaries").split(","));
    let offset = 0;
    const token = q.get("pageToken");
    if (token !== null) {
      const decoded = decodeToken<{ offset: number }>(token);
      if (!decoded) return error(400, "InvalidInput", "Invalid pageToken");
      offset = decoded.offset;
    }
    const matching = (marketplaces[0] === this.marketplaceId ? this.#expected.listings : []).filter(
      (listing) => after === null || Date.parse(listing.updatedAt) >= after,
    );
    const sorted = [...matching].sort((a, b) => {
      const left = sortBy === "sku" ? a.sku : `${a.updatedAt}|${a.sku}`;
      const right = sortBy === "sku" ? b.sku : `${b.updatedAt}|${b.sku}`;
      return (left < right ? -1 : left > right ? 1 : 0) * (descending ? -1 : 1);
    });
    const page = sorted.slice(offset, offset + size).map((listing) => encodeListing(listing, included));
    const items = request.malform(
      page,
      (item) => ({
        ...item,
        offers: (item.offers ?? []).map((offer) => ({ ...offer, price: { ...offer.price, amount: "twelve" } })),
      }),
      (item) => item.sku,
    );
    const more = offset + size < sorted.length;
    return {
      body: {
        numberOfResults: sorted.length,
        ...(more ? { pagination: { nextToken: encodeToken({ offset: offset + size }) } } : {}),
        items,
      },
    };
  }

  #finances(request: SimRequest): SimResponse {
    const q = request.query;
    const after = validTime(q.get("PostedAfter"));
    const beforeText = q.get("PostedBefore");
    const before = beforeText === null ? this.clock.now() - 2 * MINUTE : validTime(beforeText);
    if (after === null || before === null || before <= after) {
      return error(400, "InvalidInput", "PostedAfter is required and must be before PostedBefore");
    }
    const rule = this.#twoMinuteRule(before, "PostedBefore");
    if (rule) return rule;
    const size = Number(q.get("MaxResultsPerPage") ?? "100");
    if (!Number.isInteger(size) || size < 1 || size > 100)
      return error(400, "InvalidInput", "MaxResultsPerPage must be 1..100");
    const cap = Math.min(size, this.#options.financesPageCap ?? 100);
    let offset = 0;
    const token = q.get("NextToken");
    if (token !== null) {
      const decoded = decodeToken<{ offset: number; after: number; before: number }>(token);
      if (!decoded || decoded.after !== after || decoded.before !== before)
        return error(400, "InvalidInput", "Invalid NextToken for these filters");
      offset = decoded.offset;
    }
    // Amazon quirk: a range longer than 180 days returns nothing.
    const matching =
      before - after > 180 * DAY
        ? []
        : this.#events.filter((entry) => {
            const at = Date.parse(entry.event.PostedDate ?? "");
            return at >= after && at < before;
          });
    const page = structuredClone(matching.slice(offset, offset + cap));
    const refs: FeeComponentRef[] = [];
    for (const { kind, event } of page) {
      const items = kind === "shipment" ? (event.ShipmentItemList ?? []) : (event.ShipmentItemAdjustmentList ?? []);
      for (const item of items) {
        const itemId = kind === "shipment" ? item.OrderItemId : item.OrderAdjustmentItemId;
        const components = [
          ...(kind === "shipment"
            ? (item.ItemFeeList ?? []).map((fee) => ({ type: fee.FeeType, amount: fee.FeeAmount }))
            : []),
          ...(kind === "refund"
            ? [
                ...(item.ItemChargeAdjustmentList ?? []).map((charge) => ({
                  type: charge.ChargeType,
                  amount: charge.ChargeAmount,
                })),
                ...(item.ItemFeeAdjustmentList ?? []).map((fee) => ({ type: fee.FeeType, amount: fee.FeeAmount })),
              ]
            : []),
        ];
        for (const component of components) {
          refs.push({
            id: `${kind}:${event.AmazonOrderId}:${itemId}:${component.type}:${event.PostedDate}`,
            amount: component.amount,
          });
        }
      }
    }
    // A malformed record is one fee component whose amount is a binary-float artefact.
    request.malform(
      refs,
      (ref) => {
        ref.amount.CurrencyAmount = 0.1 + 0.2;
        return ref;
      },
      (ref) => ref.id,
    );
    const more = offset + cap < matching.length;
    return {
      body: {
        payload: {
          ...(more ? { NextToken: encodeToken({ offset: offset + cap, after, before }) } : {}),
          FinancialEvents: {
            ShipmentEventList: page.filter((entry) => entry.kind === "shipment").map((entry) => entry.event),
            RefundEventList: page.filter((entry) => entry.kind === "refund").map((entry) => entry.event),
            GuaranteeClaimEventList: [],
            ChargebackEventList: [],
            ServiceFeeEventList: [],
            AdjustmentEventList: [],
          },
        },
      },
    };
  }
}

// ---------------------------------------------------------------------------------------
// Dataset view -> Amazon

/** Finances events in PostedDate order (then kind, order id). */
function byEventTime(
  a: { kind: string; event: AmazonShipmentEvent },
  b: { kind: string; event: AmazonShipmentEvent },
): number {
  const left = `${a.event.PostedDate}|${a.kind}|${a.event.AmazonOrderId}`;
  const right = `${b.event.PostedDate}|${b.kind}|${b.event.AmazonOrderId}`;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** Orders by (updatedAt, externalId). */
function byOrderTime(a: ChannelOrder, b: ChannelOrder): number {
  return a.updatedAt !== b.updatedAt
    ? a.updatedAt < b.updatedAt
      ? -1
      : 1
    : a.externalId < b.externalId
      ? -1
      : a.externalId > b.externalId
        ? 1
        : 0;
}

/** The normalized order a correct connector yields for a dataset order, as Amazon shows it. */
export function amazonView(view: ChannelOrder): ChannelOrder {
  const cancelled = view.status === "cancelled";
  const pricesKnown = view.pricesKnown && !cancelled;
  const known = <T>(value: T) => (pricesKnown ? value : null);
  return {
    ...view,
    cancelledAt: cancelled ? view.updatedAt : null,
    pricesKnown,
    subtotal: known(view.subtotal),
    discountTotal: known(view.discountTotal),
    shippingTotal: known(view.shippingTotal),
    taxTotal: known(view.taxTotal),
    total: known(view.total),
    salesChannel: marketplaceById(view.marketplaceId ?? "")?.domain ?? null,
    refunds: [],
    lines: view.lines.map((line) => {
      const partial = !line.cancelled && line.quantityCancelled > 0;
      return {
        ...line,
        externalId: `${view.externalId}/${line.sku}`,
        quantity: partial ? line.quantity - line.quantityCancelled : line.quantity,
        quantityCancelled: partial ? 0 : line.quantityCancelled,
        unitPrice: known(line.unitPrice),
        grossSales: known(line.grossSales),
        discount: known(line.discount),
        tax: known(line.tax),
        shipping: known(line.shipping),
      };
    }),
  };
}

function encodeOrder(order: ChannelOrder, included: ReadonlySet<string>): AmazonOrder {
  const currency = order.currency;
  const money = (amount: string) => ({ amount, currencyCode: currency });
  const status = order.rawStatus as AmazonFulfillmentStatus;
  return {
    orderId: order.externalId,
    createdTime: wireTime(order.placedAt),
    lastUpdatedTime: wireTime(order.updatedAt),
    programs: [],
    salesChannel: {
      channelName: "AMAZON",
      marketplaceId: order.marketplaceId ?? "",
      ...(order.salesChannel ? { marketplaceName: order.salesChannel } : {}),
    },
    ...(included.has("PROCEEDS") && order.total !== null ? { proceeds: { grandTotal: money(order.total) } } : {}),
    ...(included.has("FULFILLMENT")
      ? { fulfillment: { fulfillmentStatus: status, fulfilledBy: "AMAZON" as const } }
      : {}),
    orderItems: order.lines.map((line, index) => {
      const units = line.quantity - line.quantityCancelled;
      const priced = line.unitPrice !== null && line.grossSales !== null;
      const breakdowns = priced
        ? [
            { type: "ITEM", subtotal: money(line.grossSales ?? "0") },
            { type: "DISCOUNT", subtotal: money(negateMoney(line.discount ?? "0", currency)) },
            { type: "TAX", subtotal: money(line.tax ?? "0") },
            { type: "SHIPPING", subtotal: money(line.shipping ?? "0") },
          ]
        : [];
      return {
        orderItemId: `${order.externalId.replace(/\D/g, "")}${index + 1}`,
        quantityOrdered: line.quantity,
        product: {
          asin: `B0${Buffer.from(line.sku).toString("hex").slice(0, 8).toUpperCase()}`,
          title: line.title ?? undefined,
          sellerSku: line.sku,
          condition: { conditionType: "NEW", conditionSubtype: "NEW" },
          ...(priced ? { price: { unitPrice: money(line.unitPrice ?? "0") } } : {}),
        },
        ...(included.has("PROCEEDS") && priced
          ? {
              proceeds: {
                proceedsTotal: money(
                  sumMoney(
                    breakdowns.map((breakdown) => breakdown.subtotal.amount),
                    currency,
                  ),
                ),
                breakdowns,
              },
            }
          : {}),
        ...(included.has("CANCELLATION") && line.cancelled
          ? { cancellation: { cancellationExecution: { cancelledBy: "BUYER", cancelReason: "BUYER_CANCELED" } } }
          : {}),
        ...(included.has("FULFILLMENT")
          ? {
              fulfillment: {
                quantityFulfilled: order.status === "fulfilled" ? units : 0,
                quantityUnfulfilled: order.status === "fulfilled" || line.cancelled ? 0 : units,
              },
            }
          : {}),
      };
    }),
  };
}

/** Columns of GET_FLAT_FILE_ALL_ORDERS_DATA_BY_LAST_UPDATE_GENERAL, in Amazon's order. */
export const ALL_ORDERS_COLUMNS = [
  "amazon-order-id",
  "merchant-order-id",
  "purchase-date",
  "last-updated-date",
  "order-status",
  "fulfillment-channel",
  "sales-channel",
  "order-channel",
  "url",
  "ship-service-level",
  "product-name",
  "sku",
  "asin",
  "item-status",
  "quantity",
  "currency",
  "item-price",
  "item-tax",
  "shipping-price",
  "shipping-tax",
  "gift-wrap-price",
  "gift-wrap-tax",
  "item-promotion-discount",
  "ship-promotion-discount",
  "ship-city",
  "ship-state",
  "ship-postal-code",
  "ship-country",
  "promotion-ids",
  "is-business-order",
  "purchase-order-number",
  "price-designation",
] as const;

const reportTime = (iso: string) => iso.replace(/\.000Z$/, "+00:00");

export function reportRows(order: ChannelOrder): AllOrdersReportRow[] {
  const currency = order.currency;
  const status = REPORT_STATUS[order.rawStatus as AmazonFulfillmentStatus] ?? order.rawStatus;
  return order.lines.map((line) => {
    const priced = line.unitPrice !== null && line.grossSales !== null;
    const value = (amount: string | null) => (priced && amount !== null ? amount : "");
    return {
      "amazon-order-id": order.externalId,
      "merchant-order-id": "",
      "purchase-date": reportTime(order.placedAt),
      "last-updated-date": reportTime(order.updatedAt),
      "order-status": status,
      "fulfillment-channel": "Amazon",
      "sales-channel": order.salesChannel ?? "",
      "order-channel": "",
      url: "",
      "ship-service-level": "Expedited",
      "product-name": line.title ?? "",
      sku: line.sku,
      asin: `B0${Buffer.from(line.sku).toString("hex").slice(0, 8).toUpperCase()}`,
      "item-status": line.cancelled ? "Cancelled" : status,
      quantity: String(line.quantity),
      currency: priced ? currency : "",
      "item-price": value(line.grossSales),
      "item-tax": value(line.tax),
      "shipping-price": value(line.shipping),
      "shipping-tax": priced ? moneyFromMinor(0, currency) : "",
      "gift-wrap-price": "",
      "gift-wrap-tax": "",
      "item-promotion-discount": priced && line.discount !== null ? negateMoney(line.discount, currency) : "",
      "ship-promotion-discount": priced ? moneyFromMinor(0, currency) : "",
      "ship-city": "SEATTLE",
      "ship-state": "WA",
      "ship-postal-code": "98109",
      "ship-country": "US",
      "promotion-ids": "",
      "is-business-order": "false",
      "purchase-order-number": "",
      "price-designation": "",
    };
  });
}

export function toFlatFile(rows: readonly AllOrdersReportRow[]): string {
  const lines = [ALL_ORDERS_COLUMNS.join("\t")];
  for (const row of rows) lines.push(ALL_ORDERS_COLUMNS.map((column) => row[column] ?? "").join("\t"));
  return `${lines.join("\n")}\n`;
}

function encodeSummary(level: InventoryLevel, details: boolean): AmazonInventorySummary {
  const total = level.available + level.reserved + level.inbound + (level.unfulfillable ?? 0);
  return {
    asin: `B0${Buffer.from(level.sku).toString("hex").slice(0, 8).toUpperCase()}`,
    fnSku: `X00${Buffer.from(level.sku).toString("hex").slice(0, 7).toUpperCase()}`,
    sellerSku: level.sku,
    condition: "NewItem",
    ...(details
      ? {
          inventoryDetails: {
            fulfillableQuantity: level.available,
            inboundWorkingQuantity: 0,
            inboundShippedQuantity: level.inbound,
            inboundReceivingQuantity: 0,
            reservedQuantity: {
              totalReservedQuantity: level.reserved,
              pendingCustomerOrderQuantity: level.reserved,
              pendingTransshipmentQuantity: 0,
              fcProcessingQuantity: 0,
            },
            unfulfillableQuantity: { totalUnfulfillableQuantity: level.unfulfillable ?? 0 },
          },
        }
      : {}),
    lastUpdatedTime: wireTime(level.observedAt),
    productName: level.sku,
    totalQuantity: total,
  };
}

function encodeListing(listing: ChannelListing, included: ReadonlySet<string>): AmazonListingItem {
  return {
    sku: listing.sku,
    ...(included.has("summaries")
      ? {
          summaries: [
            {
              marketplaceId: listing.marketplaceId ?? "",
              asin: listing.externalId,
              productType: "PRODUCT",
              conditionType: "new_new",
              status: listing.active ? ["BUYABLE", "DISCOVERABLE"] : ["DISCOVERABLE"],
              itemName: listing.title,
              createdDate: wireTime(listing.updatedAt),
              lastUpdatedDate: wireTime(listing.updatedAt),
            },
          ],
        }
      : {}),
    ...(included.has("offers") && listing.price !== null
      ? {
          offers: [
            {
              marketplaceId: listing.marketplaceId ?? "",
              offerType: "B2C" as const,
              price: { currencyCode: listing.currency, amount: listing.price },
            },
          ],
        }
      : {}),
  };
}
