/**
 * Simulator of the Shopify Admin GraphQL API for one shop, served from the SDK's
 * shared merchant dataset (channel "shopify"), so the shop lines up by SKU with the
 * Amazon and Best Buy simulators of the same merchant.
 *
 * It answers the documents the connector sends (shop, bulkOperationRunQuery,
 * bulkOperation(id)), runs bulk queries on the virtual clock, serves their JSONL
 * results (children right after their parent, `__parentId`) with HTTP Range support,
 * enforces the cost-based throttle (THROTTLED answers with `extensions.cost`) and the
 * connector's request pacing, and delivers webhooks signed with
 * `X-Shopify-Hmac-Sha256`. Optionally some of the merchant's Amazon orders appear as
 * orders imported by Marketplace Connect, for the double-counting rule.
 *
 * Wall clock mode (the demo): pass `clock: systemClock` (from the SDK). The shop then shows
 * the dataset at `clock.now()` instead of a frozen `asOf`, rebuilding its view when a
 * request finds it older than ~2 s (only the last MAX_ORDER_EVENT_LAG_DAYS are rebuilt;
 * older orders never change). With `webhooks: { url, secret }` it also POSTs signed
 * orders/create, orders/updated and refunds/create webhooks for what changed (checked
 * every ~2 s on a timer started by `start` and stopped by `close`), retrying failures
 * with backoff. `port`, `accessToken` and `apiSecret` make a restarted shop reachable with
 * the same stored connection:
 *
 *   const shop = new ShopifySimulator({ merchant, clock: systemClock, port: 48101,
 *     accessToken, apiSecret, webhooks: { url: "http://127.0.0.1:3000/webhooks/shopify", secret: apiSecret } });
 *   await shop.start(); ... await shop.close();
 */
import { createHash, createHmac, randomUUID } from "node:crypto";
import {
  moneyFromMinor,
  VirtualClock,
  type ChannelListing,
  type ChannelOrder,
  type InventoryLevel,
  type RateLimit,
  type StreamName,
} from "@crosschannel/connector-sdk";
import {
  FollowingClock,
  MerchantDataset,
  OrderDays,
  orderStage,
  SimulatorServer,
  WallClockRefresher,
  dateOf,
  dayNumber,
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
import type { ShopifyConfig, ShopifyCredentials } from "../connector.ts";
import type { Marketplace, ShopifyVariantCost } from "../mappers.ts";
import {
  DEFAULT_API_VERSION,
  GRAPHQL_COST_DEFAULTS,
  ORDERS_PAGE,
  QUERY_COST_ESTIMATES,
  SHOPIFY_RATE_LIMITS,
  type BulkOperation,
  type MoneyBag,
  type RestInventoryItem,
  type RestInventoryLevel,
  type RestMoneySet,
  type RestOrder,
  type RestProduct,
  type RestRefund,
  type ShopifyInventoryItem,
  type ShopifyOrder,
  type ShopifyProduct,
  type ShopifyRefund,
  type ThrottleStatus,
} from "../wire.ts";

export interface ShopifySimulatorOptions {
  /** Dataset seed (ignored when `merchant` is given). */
  seed?: number | string;
  merchant?: MerchantDataset;
  /** The moment the simulator shows (UTC ISO); defaults to the end of the dataset. */
  asOf?: string;
  shopDomain?: string;
  accessToken?: string;
  /** App secret webhooks are signed with. */
  apiSecret?: string;
  /** Every n-th accepted Amazon order of the merchant is also imported into Shopify by Marketplace Connect (0 = none). */
  marketplaceImportEvery?: number;
  /** The shop's GraphQL cost bucket (defaults to the Standard plan). */
  costBucket?: { maximumAvailable: number; restoreRate: number };
  /** Line items an OrdersPage answer holds per order before `hasNextPage` (defaults to what the query asks). */
  pageLineItemLimit?: number;
  /**
   * How long a bulk operation runs: a fixed 5 s plus this per object (default 10 ms, a large
   * shop's minutes). A demo may run them faster; the connector only polls, whatever it takes.
   */
  bulkMsPerObject?: number;
  /**
   * The request pacing the server enforces (default SHOPIFY_RATE_LIMITS, what the connector
   * paces itself at). Shopify limits GraphQL by cost, not by request count, so a demo with
   * several streams of one shop at once may allow more requests.
   */
  requestRateLimits?: Record<string, RateLimit>;
  /**
   * Wall clock mode: the shop shows the dataset at `clock.now()` (refreshed lazily, see the
   * top comment) instead of a VirtualClock frozen at `asOf` (which is then ignored).
   */
  clock?: Clock;
  /** How old a wall clock view may get before it is rebuilt (default 2000 ms). */
  refreshMs?: number;
  /** Loopback port to listen on (default: any free port). */
  port?: number;
  /** Wall clock mode only (ignored without `clock`): deliver webhooks for new orders, order updates and refunds. */
  webhooks?: ShopifyWebhookTarget;
}

export interface ShopifyWebhookTarget {
  url: string;
  /** Secret the HMAC is computed with (the app's API secret). */
  secret: string;
  /** Default orders/create, orders/updated, refunds/create (orders/cancelled may be added). */
  topics?: readonly string[];
  /** First retry delay, doubled per attempt (default 1000 ms). */
  retryDelayMs?: number;
  /** Attempts per webhook before giving up (default 6). */
  maxAttempts?: number;
}

export interface WebhookCounters {
  /** Webhooks the receiver accepted (2xx). */
  sent: number;
  /** Webhooks given up after `maxAttempts`. */
  failed: number;
  /** Failed attempts that were retried. */
  retries: number;
  /** Webhooks waiting for (re)delivery. */
  pending: number;
}

interface PendingWebhook {
  topic: string;
  body: string;
  headers: Record<string, string>;
  attempts: number;
}

export const LOCATION_ID = "gid://shopify/Location/1";
const LOCATION_NAME = "Warehouse 1";
const ONLINE_STORE = "Online Store";

const gid = (type: string, id: string | number) => `gid://shopify/${type}/${id}`;
const legacyId = (globalId: string) => Number(/\/(\d+)(?:\?.*)?$/.exec(globalId)?.[1] ?? "0");
/** Shopify's GraphQL DateTime: UTC, seconds precision. */
const dateTime = (iso: string) => `${iso.slice(0, 19)}Z`;
/** Webhooks carry the shop's local time with an offset (the simulated shop is in New York, UTC-4 in spring). */
const shopLocalTime = (iso: string) => `${new Date(Date.parse(iso) - 4 * 3_600_000).toISOString().slice(0, 19)}-04:00`;

interface ImportedOrder {
  shopifyOrderId: string;
  marketplace: Marketplace;
  marketplaceOrderId: string;
  amazonDatasetOrderId: string;
}

interface SimBulk {
  id: string;
  createdAt: number;
  readyAt: number;
  file: string;
  objectCount: number;
  rootObjectCount: number;
  expired?: boolean;
}

/** Shopify's cost-based leaky bucket, server side. */
class CostBucket {
  available: number;
  updatedAt: number;

  constructor(
    readonly limit: { maximumAvailable: number; restoreRate: number },
    now: number,
  ) {
    this.available = limit.maximumAvailable;
    this.updatedAt = now;
  }

  refill(now: number): void {
    if (now > this.updatedAt) {
      this.available = Math.min(
        this.limit.maximumAvailable,
        // Milliseconds x rate first: integers, so a wait the client computed to the millisecond restores exactly.
        this.available + ((now - this.updatedAt) * this.limit.restoreRate) / 1000,
      );
      this.updatedAt = now;
    }
  }

  status(): ThrottleStatus {
    return {
      maximumAvailable: this.limit.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.limit.restoreRate,
    };
  }
}

export class ShopifySimulator extends LiveSimulator implements ConnectorSimulator<ShopifyConfig, ShopifyCredentials> {
  readonly clock: VirtualClock;
  readonly server: SimulatorServer;
  readonly merchant: MerchantDataset;
  readonly rateLimits: Readonly<Record<string, RateLimit>>;
  readonly shopDomain: string;
  /** GraphQL answers that were THROTTLED by the cost bucket: a well-behaved client keeps this at 0. */
  throttledAnswers = 0;
  readonly bulkQueries: string[] = [];
  /** OrdersPage queries answered (incremental reads). */
  pageQueries = 0;
  readonly #pageLineItemLimit: number;
  readonly #bulkMsPerObject: number;
  /** Bulk result downloads that carried the shop's access token (signed URLs need none: keep at 0). */
  downloadsWithToken = 0;
  readonly #accessToken: string;
  readonly #apiSecret: string;
  readonly #cost: CostBucket;
  readonly #bulks = new Map<string, SimBulk>();
  #nextBulk = 1;
  readonly #orders: ShopifyOrder[] = [];
  readonly #products: ShopifyProduct[] = [];
  readonly #items: ShopifyInventoryItem[] = [];
  readonly #imports: ImportedOrder[] = [];
  readonly #expected: {
    orders: ChannelOrder[];
    listings: ChannelListing[];
    inventory: InventoryLevel[];
    fees: never[];
    costs: ShopifyVariantCost[];
  } = { orders: [], listings: [], inventory: [], fees: [], costs: [] };
  readonly #importEvery: number;
  /** Wall clock mode only. */
  #frozen: {
    before: string;
    orders: ShopifyOrder[];
    expected: ChannelOrder[];
    imports: ImportedOrder[];
    accepted: number;
  } | null = null;
  readonly #webhookTarget: ShopifyWebhookTarget | null;
  readonly #webhookQueue: PendingWebhook[] = [];
  readonly #webhookTimers = new Set<ReturnType<typeof setTimeout>>();
  readonly #webhookAborts = new Set<AbortController>();
  #webhooksInFlight = 0;
  #closed = false;
  /** What the last build showed (order id -> updatedAt, refund ids), to see what changed. */
  #seen: { orders: Map<string, { updatedAt: string; cancelled: boolean }>; refunds: Set<string> } | null = null;
  readonly webhookCounters: WebhookCounters = { sent: 0, failed: 0, retries: 0, pending: 0 };
  #days: OrderDays | null = null;
  readonly #orderCache = new Map<
    string,
    { stage: number; placedAt: string; wire: ShopifyOrder; expected: ChannelOrder }
  >();

  constructor(options: ShopifySimulatorOptions = {}) {
    super();
    this.merchant =
      options.merchant ??
      new MerchantDataset({ seed: options.seed ?? 42, start: "2026-03-01", days: 21, skus: 30, ordersPerDay: 30 });
    this.viewAsOf = options.clock
      ? new Date(options.clock.now()).toISOString()
      : (options.asOf ?? `${this.merchant.end}T00:00:00.000Z`);
    this.shopDomain = options.shopDomain ?? "northwind-goods.myshopify.com";
    this.#accessToken = options.accessToken ?? fakeSecret("shpat_", 16);
    this.#apiSecret = options.apiSecret ?? "sim_app_secret_7d3f1b9e2c4a";
    this.clock = options.clock ? new FollowingClock(options.clock) : new VirtualClock(this.viewAsOf);
    this.#cost = new CostBucket(options.costBucket ?? GRAPHQL_COST_DEFAULTS, this.clock.now());
    this.#pageLineItemLimit = options.pageLineItemLimit ?? ORDERS_PAGE.lineItems;
    this.#bulkMsPerObject = options.bulkMsPerObject ?? 10;
    this.rateLimits = options.requestRateLimits ?? SHOPIFY_RATE_LIMITS;
    this.#importEvery = options.marketplaceImportEvery ?? 0;
    this.#webhookTarget = options.clock ? (options.webhooks ?? null) : null;
    if (options.clock) {
      this.refresher = new WallClockRefresher(this.clock, (asOf) => this.#rebuildAt(asOf), {
        maxAgeMs: options.refreshMs,
      });
      this.#rebuildAt(this.viewAsOf);
    } else {
      this.#build(this.#importEvery);
    }
    const routes = this.#routes();
    this.server = new SimulatorServer({
      port: options.port,
      clock: this.clock,
      rateLimits: this.rateLimits,
      authenticate: (headers) => headers["x-shopify-access-token"] === this.#accessToken,
      unauthorizedBody: { errors: "[API] Invalid API key or access token (unrecognized login or wrong password)" },
      rateLimitedBody: {
        errors: "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service.",
      },
      routes: this.liveRoutes(routes),
    });
  }

  /** Listens on 127.0.0.1 at `port` (or the `port` option, or any free port). */
  override async start(port?: number): Promise<void> {
    this.#closed = false;
    await this.server.start(port);
    if (this.refresher && this.#webhookTarget) this.refresher.startTimer();
  }

  override async close(): Promise<void> {
    this.#closed = true;
    this.refresher?.stop();
    for (const timer of this.#webhookTimers) clearTimeout(timer);
    this.#webhookTimers.clear();
    for (const abort of this.#webhookAborts) abort.abort();
    this.#webhookAborts.clear();
    await this.server.close();
  }

  /** Resolves when no webhook is queued or in flight (or after `timeoutMs` of real time). */
  async webhooksIdle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (
      (this.#webhookQueue.length > 0 || this.#webhooksInFlight > 0 || this.#webhookTimers.size > 0) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  config(): ShopifyConfig {
    return {
      shopDomain: this.shopDomain,
      adminApiBaseUrl: this.server.url,
      apiVersion: DEFAULT_API_VERSION,
      backfillMonths: 24,
    };
  }

  credentials(): ShopifyCredentials {
    return { accessToken: this.#accessToken };
  }

  /** The app secret webhooks are signed with (a test fixture value, never a real secret). */
  get apiSecret(): string {
    return this.#apiSecret;
  }

  expectedRecords(stream: StreamName): unknown[] {
    return structuredClone(this.#expected[stream]);
  }

  /** Unit costs a correct `readProductCosts` yields, from the dataset catalog. */
  expectedCosts(): ShopifyVariantCost[] {
    return structuredClone(this.#expected.costs);
  }

  /** Orders Marketplace Connect imported from Amazon, with the Amazon dataset order they mirror. */
  marketplaceImports(): ImportedOrder[] {
    return structuredClone(this.#imports);
  }

  /** Bulk results expire after seven days: every operation so far becomes EXPIRED, its URL gone. */
  expireBulkResults(): void {
    for (const bulk of this.#bulks.values()) bulk.expired = true;
  }

  /** Another app spends the shop's cost bucket (the connector's model of it becomes stale). */
  drainCostBucket(): void {
    this.#cost.refill(this.clock.now());
    this.#cost.available = 0;
  }

  // -------------------------------------------------------------------------------
  // Webhooks
  // -------------------------------------------------------------------------------

  /** The REST payload Shopify sends for orders/create, orders/updated and orders/cancelled. */
  orderWebhookPayload(orderId: string): RestOrder {
    const order = this.#orders.find((candidate) => candidate.id === orderId);
    if (!order) throw new RangeError(`No order ${orderId}`);
    return toRestOrder(order);
  }

  /** The REST payload of refunds/create. */
  refundWebhookPayload(refundId: string): RestRefund {
    for (const order of this.#orders) {
      const refund = order.refunds.find((candidate) => candidate.id === refundId);
      if (refund) return toRestRefund(refund, order);
    }
    throw new RangeError(`No refund ${refundId}`);
  }

  /** The REST payload of products/update. */
  productWebhookPayload(productId: string): RestProduct {
    const product = this.#products.find((candidate) => candidate.id === productId);
    if (!product) throw new RangeError(`No product ${productId}`);
    return toRestProduct(product);
  }

  /** The REST payload of inventory_levels/update for an inventory item at the shop's location. */
  inventoryLevelWebhookPayload(inventoryItemId: string): RestInventoryLevel {
    const item = this.#items.find((candidate) => candidate.id === inventoryItemId);
    const level = item?.inventoryLevels.nodes[0];
    if (!item || !level) throw new RangeError(`No inventory item ${inventoryItemId}`);
    return {
      inventory_item_id: legacyId(item.id),
      location_id: legacyId(level.location.id),
      available: level.quantities.find((entry) => entry.name === "available")?.quantity ?? null,
      updated_at: shopLocalTime(level.updatedAt),
      admin_graphql_api_id: level.id,
    };
  }

  /** The REST payload of inventory_items/update (carries the unit cost). */
  inventoryItemWebhookPayload(inventoryItemId: string): RestInventoryItem {
    const product = this.#products.find(
      (candidate) => candidate.variants.nodes[0]?.inventoryItem.id === inventoryItemId,
    );
    const variant = product?.variants.nodes[0];
    if (!variant) throw new RangeError(`No inventory item ${inventoryItemId}`);
    return {
      id: legacyId(inventoryItemId),
      admin_graphql_api_id: inventoryItemId,
      sku: variant.sku,
      cost: variant.inventoryItem.unitCost?.amount ?? null,
      updated_at: shopLocalTime(variant.updatedAt),
    };
  }

  /** Headers and raw body Shopify would send for a webhook, signed with the app secret. */
  signWebhook(
    topic: string,
    payload: unknown,
    options: { webhookId?: string; secret?: string; triggeredAt?: string } = {},
  ): { body: string; headers: Record<string, string> } {
    const body = JSON.stringify(payload);
    const hmac = createHmac("sha256", options.secret ?? this.#apiSecret)
      .update(body, "utf8")
      .digest("base64");
    return {
      body,
      headers: {
        "content-type": "application/json",
        "x-shopify-topic": topic,
        "x-shopify-hmac-sha256": hmac,
        "x-shopify-shop-domain": this.shopDomain,
        "x-shopify-api-version": DEFAULT_API_VERSION,
        "x-shopify-webhook-id": options.webhookId ?? randomUUID(),
        "x-shopify-event-id": randomUUID(),
        "x-shopify-triggered-at": options.triggeredAt ?? new Date(this.clock.now()).toISOString(),
      },
    };
  }

  /** POSTs a signed webhook to `url` (the app's webhook route) and returns its HTTP status. */
  async deliverWebhook(
    url: string,
    topic: string,
    payload: unknown,
    options: { webhookId?: string; secret?: string; triggeredAt?: string } = {},
  ): Promise<{ status: number; webhookId: string }> {
    const { body, headers } = this.signWebhook(topic, payload, options);
    const response = await fetch(url, { method: "POST", headers, body });
    await response.arrayBuffer();
    return { status: response.status, webhookId: headers["x-shopify-webhook-id"] as string };
  }

  // -------------------------------------------------------------------------------
  // Webhook delivery (wall clock mode)
  // -------------------------------------------------------------------------------

  /** Compares the new view with the last one and queues a webhook per change. */
  #queueWebhooks(): void {
    const orders = new Map<string, { updatedAt: string; cancelled: boolean }>();
    const refunds = new Set<string>();
    for (const order of this.#orders) {
      orders.set(order.id, { updatedAt: order.updatedAt, cancelled: order.cancelledAt !== null });
      for (const refund of order.refunds) refunds.add(refund.id);
    }
    const previous = this.#seen;
    this.#seen = { orders, refunds };
    const target = this.#webhookTarget;
    // The first view is the baseline: what existed before the shop started is not news.
    if (previous === null || target === null) return;
    const topics = new Set(target.topics ?? ["orders/create", "orders/updated", "refunds/create"]);
    const events: Array<{ topic: string; key: string; at: string; payload: () => unknown }> = [];
    for (const order of this.#orders) {
      const before = previous.orders.get(order.id);
      const payload = () => this.orderWebhookPayload(order.id);
      if (!before) {
        events.push({ topic: "orders/create", key: order.id, at: order.createdAt, payload });
        if (order.updatedAt !== order.createdAt)
          events.push({ topic: "orders/updated", key: `${order.id}@${order.updatedAt}`, at: order.updatedAt, payload });
      } else if (before.updatedAt !== order.updatedAt) {
        events.push({ topic: "orders/updated", key: `${order.id}@${order.updatedAt}`, at: order.updatedAt, payload });
      }
      if (order.cancelledAt !== null && !before?.cancelled)
        events.push({ topic: "orders/cancelled", key: order.id, at: order.cancelledAt, payload });
      for (const refund of order.refunds) {
        if (previous.refunds.has(refund.id)) continue;
        events.push({
          topic: "refunds/create",
          key: refund.id,
          at: refund.createdAt,
          payload: () => toRestRefund(refund, order),
        });
      }
    }
    events.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    for (const event of events) {
      if (!topics.has(event.topic)) continue;
      const stable = (kind: string) => {
        const hex = createHash("sha256").update(`${kind}|${this.shopDomain}|${event.topic}|${event.key}`).digest("hex");
        return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
      };
      const signed = this.signWebhook(event.topic, event.payload(), {
        secret: target.secret,
        webhookId: stable("webhook"),
        triggeredAt: new Date(event.at).toISOString(),
      });
      signed.headers["x-shopify-event-id"] = stable("event");
      this.#webhookQueue.push({ topic: event.topic, body: signed.body, headers: signed.headers, attempts: 0 });
    }
    this.webhookCounters.pending = this.#webhookQueue.length + this.#webhookTimers.size;
    this.#pumpWebhooks();
  }

  /** Sends queued webhooks in the background, a few at a time; never awaited by request handling. */
  #pumpWebhooks(): void {
    const target = this.#webhookTarget;
    if (target === null || this.#closed) return;
    while (this.#webhooksInFlight < 4 && this.#webhookQueue.length > 0) {
      const webhook = this.#webhookQueue.shift() as PendingWebhook;
      this.#webhooksInFlight += 1;
      void this.#sendWebhook(target, webhook).finally(() => {
        this.#webhooksInFlight -= 1;
        this.webhookCounters.pending = this.#webhookQueue.length + this.#webhookTimers.size + this.#webhooksInFlight;
        this.#pumpWebhooks();
      });
    }
  }

  async #sendWebhook(target: ShopifyWebhookTarget, webhook: PendingWebhook): Promise<void> {
    webhook.attempts += 1;
    const abort = new AbortController();
    this.#webhookAborts.add(abort);
    let ok = false;
    try {
      const timeout = setTimeout(() => abort.abort(), 5_000);
      timeout.unref();
      const response = await fetch(target.url, {
        method: "POST",
        headers: webhook.headers,
        body: webhook.body,
        signal: abort.signal,
      });
      clearTimeout(timeout);
      await response.arrayBuffer().catch(() => undefined);
      ok = response.status >= 200 && response.status < 300;
    } catch {
      ok = false;
    } finally {
      this.#webhookAborts.delete(abort);
    }
    if (this.#closed) return;
    if (ok) {
      this.webhookCounters.sent += 1;
      return;
    }
    if (webhook.attempts >= (target.maxAttempts ?? 6)) {
      this.webhookCounters.failed += 1;
      return;
    }
    this.webhookCounters.retries += 1;
    const delay = (target.retryDelayMs ?? 1_000) * 2 ** (webhook.attempts - 1);
    const timer = setTimeout(() => {
      this.#webhookTimers.delete(timer);
      this.#webhookQueue.unshift(webhook);
      this.#pumpWebhooks();
    }, delay);
    timer.unref();
    this.#webhookTimers.add(timer);
  }

  // -------------------------------------------------------------------------------
  // Data
  // -------------------------------------------------------------------------------

  #build(importEvery: number): void {
    this.#buildOrders(importEvery, {}, 0);
    this.#buildCatalog();
  }

  /** Wall clock mode: the view at `asOf`, reusing the orders that can no longer change. */
  #rebuildAt(asOf: string): void {
    this.viewAsOf = asOf;
    const before = settledBefore(asOf);
    const until = dateOf(dayNumber(asOf) + 1);
    if (this.#frozen?.before !== before) {
      // First build: everything settled; later (a day passed): only the days settled since.
      const previous = this.#frozen !== null && this.#frozen.before < before ? this.#frozen : null;
      this.#orders.splice(0, this.#orders.length, ...(previous?.orders ?? []));
      this.#expected.orders.splice(0, this.#expected.orders.length, ...(previous?.expected ?? []));
      this.#imports.splice(0, this.#imports.length, ...(previous?.imports ?? []));
      const accepted = this.#buildOrders(
        this.#importEvery,
        previous ? { from: previous.before, to: before } : { to: before },
        previous?.accepted ?? 0,
      );
      this.#frozen = {
        before,
        orders: [...this.#orders],
        expected: [...this.#expected.orders],
        imports: [...this.#imports],
        accepted,
      };
    }
    const frozen = this.#frozen;
    this.#orders.splice(0, this.#orders.length, ...frozen.orders);
    this.#expected.orders.splice(0, this.#expected.orders.length, ...frozen.expected);
    this.#imports.splice(0, this.#imports.length, ...frozen.imports);
    this.#buildOrders(this.#importEvery, { from: before, to: until }, frozen.accepted, true);
    this.#products.length = 0;
    this.#items.length = 0;
    this.#expected.listings.length = 0;
    this.#expected.inventory.length = 0;
    this.#expected.costs.length = 0;
    this.#buildCatalog();
    this.#queueWebhooks();
  }

  /** Adds the orders placed in [from, to); returns the count of accepted Amazon orders seen (imports). */
  #buildOrders(
    importEvery: number,
    range: { from?: string; to?: string },
    acceptedBefore: number,
    recent = false,
  ): number {
    const { merchant, asOf } = this;
    const labels = { channel: "shopify" };

    // The recent window of wall clock mode reads memoized days and reuses unchanged orders.
    this.#days ??= recent ? new OrderDays(merchant, "shopify") : null;
    const source =
      recent && this.#days && range.from && range.to
        ? this.#days.range(range.from, range.to)
        : merchant.orders({ ...range, channel: "shopify" });
    for (const sim of source) {
      let stage = 0;
      if (recent) {
        if (sim.placedAt > asOf) continue;
        stage = orderStage(sim, asOf);
        const hit = this.#orderCache.get(sim.id);
        if (hit?.stage === stage) {
          this.#orders.push(hit.wire);
          this.#expected.orders.push(hit.expected);
          continue;
        }
      }
      const view = merchant.orderAsOf(sim, asOf, labels);
      if (view === null) continue;
      const id = gid("Order", orderNumber(sim.id));
      this.#addOrder(sim, view, id, null);
      if (recent) {
        this.#orderCache.set(sim.id, {
          stage,
          placedAt: sim.placedAt,
          wire: this.#orders.at(-1) as ShopifyOrder,
          expected: this.#expected.orders.at(-1) as ChannelOrder,
        });
      }
    }
    if (recent && range.from) {
      const from = `${range.from}T00:00:00.000Z`;
      for (const [key, entry] of this.#orderCache) if (entry.placedAt < from) this.#orderCache.delete(key);
    }
    let accepted = acceptedBefore;
    if (importEvery > 0) {
      for (const sim of merchant.orders({ ...range, channel: "amazon" })) {
        const view = merchant.orderAsOf(sim, asOf, labels);
        if (view === null || !view.pricesKnown || view.status === "pending") continue;
        accepted += 1;
        if (accepted % importEvery !== 0) continue;
        const id = gid("Order", orderNumber(sim.id));
        const marketplaceOrderId = amazonOrderNumber(sim.id);
        this.#addOrder(sim, view, id, { marketplaceOrderId, variant: accepted / importEvery });
        this.#imports.push({
          shopifyOrderId: id,
          marketplace: "amazon",
          marketplaceOrderId,
          amazonDatasetOrderId: sim.id,
        });
      }
    }
    return accepted;
  }

  #buildCatalog(): void {
    const { merchant, asOf } = this;
    const currency = merchant.channel("shopify").currency;
    const labels = { channel: "shopify" };
    merchant.products.forEach((product, index) => {
      const listing = merchant.listingAsOf(product.sku, "shopify", asOf, {
        ...labels,
        listingRawStatus: (active) => (active ? "ACTIVE" : "ARCHIVED"),
      });
      if (listing === null) return;
      const productId = gid("Product", 100_000 + index);
      const variantId = gid("ProductVariant", 200_000 + index);
      const itemId = gid("InventoryItem", 300_000 + index);
      const unitCost = moneyFromMinor(product.unitCostMinor, currency);
      const updatedAt = dateTime(listing.updatedAt);
      this.#products.push({
        __typename: "Product",
        id: productId,
        title: product.title,
        status: listing.active ? "ACTIVE" : "ARCHIVED",
        updatedAt,
        variants: {
          nodes: [
            {
              __typename: "ProductVariant",
              id: variantId,
              sku: product.sku,
              title: "Default Title",
              price: listing.price ?? "0.00",
              barcode: String(880_000_000_000 + index),
              updatedAt,
              inventoryItem: { id: itemId, unitCost: { amount: unitCost, currencyCode: currency } },
            },
          ],
        },
      });
      this.#expected.listings.push({ ...listing, externalId: variantId, marketplaceId: null });
      this.#expected.costs.push({
        sku: product.sku,
        title: product.title,
        unitCost,
        currency,
        productId,
        variantId,
        inventoryItemId: itemId,
        barcode: String(880_000_000_000 + index),
        updatedAt: listing.updatedAt,
      });

      const level = merchant.inventoryLevelAt(product.sku, "shopify", asOf, labels);
      this.#items.push({
        __typename: "InventoryItem",
        id: itemId,
        sku: product.sku,
        updatedAt,
        inventoryLevels: {
          nodes: [
            {
              __typename: "InventoryLevel",
              id: `gid://shopify/InventoryLevel/${300_000 + index}?inventory_item_id=${300_000 + index}`,
              updatedAt: dateTime(level.observedAt),
              location: { id: LOCATION_ID, name: LOCATION_NAME },
              quantities: [
                { name: "available", quantity: level.available },
                { name: "committed", quantity: level.reserved },
                { name: "reserved", quantity: 0 },
                { name: "incoming", quantity: level.inbound },
                { name: "damaged", quantity: 0 },
              ],
            },
          ],
        },
      });
      this.#expected.inventory.push({ ...level, locationId: LOCATION_ID, unfulfillable: 0 });
    });
  }

  /** Adds the wire order and its expected normalized record (from the dataset view, relabelled). */
  #addOrder(
    sim: SimOrder,
    view: ChannelOrder,
    id: string,
    imported: { marketplaceOrderId: string; variant: number } | null,
  ): void {
    const currency = view.currency;
    const bag = (minor: number): MoneyBag => ({
      shopMoney: { amount: moneyFromMinor(minor, currency), currencyCode: currency },
    });
    const number = legacyId(id);
    const lineId = (lineSimId: string) =>
      gid("LineItem", `${number}${sim.lines.findIndex((line) => line.id === lineSimId) + 1}`);
    const refundId = (index: number) => gid("Refund", `${number}${index + 1}`);
    const visible = sim.refunds.filter((refund) => refund.createdAt <= this.asOf);
    const cancelled = view.status === "cancelled";
    // Units the dataset cancels at acceptance are taken off the paid order before fulfilment
    // the way Shopify does it: one refund at acceptance with a CANCEL refund line per line
    // (merchandise and tax back, shipping kept), the lines' currentQuantity lowered.
    const cancelledLines = cancelled
      ? []
      : sim.lines.flatMap((line, index) => {
          const quantity = view.lines[index]?.quantityCancelled ?? 0;
          return quantity > 0 ? [{ line, quantity }] : [];
        });
    const financial = cancelled
      ? "VOIDED"
      : view.status === "pending"
        ? "PENDING"
        : visible.length > 0 || cancelledLines.length > 0
          ? "PARTIALLY_REFUNDED"
          : "PAID";
    const fulfillment = view.status === "fulfilled" ? "FULFILLED" : "UNFULFILLED";

    const refunds: ShopifyRefund[] = visible.map((refund, index) => ({
      __typename: "Refund",
      id: refundId(index),
      createdAt: dateTime(refund.createdAt),
      note: refund.quantity === 0 ? "Goodwill" : null,
      totalRefundedSet: bag(refund.amountMinor + refund.taxMinor + refund.shippingMinor),
      refundShippingLines: {
        nodes: refund.shippingMinor > 0 ? [{ subtotalAmountSet: bag(refund.shippingMinor) }] : [],
      },
      refundLineItems: {
        nodes:
          refund.quantity === 0
            ? []
            : [
                {
                  quantity: refund.quantity,
                  restockType: "RETURN",
                  lineItem: { id: lineId(refund.lineId), sku: refund.sku },
                  subtotalSet: bag(refund.amountMinor),
                  totalTaxSet: bag(refund.taxMinor),
                },
              ],
      },
    }));
    const cancelRefundId = gid("Refund", `${number}0`);
    if (cancelledLines.length > 0) {
      const netMinor = ({ line, quantity }: (typeof cancelledLines)[number]) =>
        (line.unitPriceMinor - line.discountPerUnitMinor) * quantity;
      const taxMinor = ({ line, quantity }: (typeof cancelledLines)[number]) => line.taxPerUnitMinor * quantity;
      refunds.unshift({
        __typename: "Refund",
        id: cancelRefundId,
        createdAt: dateTime(sim.acceptedAt),
        note: "Cancelled before fulfilment",
        totalRefundedSet: bag(cancelledLines.reduce((sum, entry) => sum + netMinor(entry) + taxMinor(entry), 0)),
        refundShippingLines: { nodes: [] },
        refundLineItems: {
          nodes: cancelledLines.map((entry) => ({
            quantity: entry.quantity,
            restockType: "CANCEL",
            lineItem: { id: lineId(entry.line.id), sku: entry.line.sku },
            subtotalSet: bag(netMinor(entry)),
            totalTaxSet: bag(taxMinor(entry)),
          })),
        },
      });
    }

    let sourceName: string | null = "web";
    let sourceIdentifier: string | null = null;
    let tags: string[] = [];
    let app: ShopifyOrder["app"] = { id: gid("App", 580111), name: ONLINE_STORE };
    let channelInformation: ShopifyOrder["channelInformation"] = {
      channelId: gid("ChannelInformation", 1),
      app: { id: gid("App", 580111), title: ONLINE_STORE },
      channelDefinition: { handle: "online_store", channelName: ONLINE_STORE, subChannelName: null },
    };
    if (imported) {
      // Three ways importers label orders; each alone must be recognized (also from webhooks).
      const style = imported.variant % 3;
      app = { id: gid("App", 2_000_001), name: "Marketplace Connect" };
      tags = style === 2 ? ["Amazon", "MarketplaceConnect"] : ["MarketplaceConnect"];
      sourceName = style === 0 ? "amazon" : "marketplace-connect";
      sourceIdentifier = imported.marketplaceOrderId;
      channelInformation =
        style === 0
          ? {
              channelId: gid("ChannelInformation", 2),
              app: { id: gid("App", 2_000_001), title: "Marketplace Connect" },
              channelDefinition: { handle: "amazon-us", channelName: "Amazon", subChannelName: "Amazon.com" },
            }
          : null;
    }

    this.#orders.push({
      __typename: "Order",
      id,
      name: `#${number}`,
      createdAt: dateTime(view.placedAt),
      updatedAt: dateTime(view.updatedAt),
      cancelledAt: view.cancelledAt === null ? null : dateTime(view.cancelledAt),
      cancelReason: cancelled ? "CUSTOMER" : null,
      displayFinancialStatus: financial,
      displayFulfillmentStatus: fulfillment,
      currencyCode: currency,
      sourceName,
      sourceIdentifier,
      tags,
      app,
      channelInformation,
      totalShippingPriceSet: bag(sim.shippingMinor),
      lineItems: {
        nodes: sim.lines.map((line, index) => {
          const normalized = view.lines[index];
          const units = normalized ? normalized.quantity - normalized.quantityCancelled : 0;
          const returned = visible
            .filter((refund) => refund.lineId === line.id)
            .reduce((sum, refund) => sum + refund.quantity, 0);
          return {
            __typename: "LineItem" as const,
            id: lineId(line.id),
            sku: line.sku,
            name: line.title,
            quantity: line.quantity,
            currentQuantity: units - returned,
            unfulfilledQuantity: view.status === "fulfilled" ? 0 : units,
            originalUnitPriceSet: bag(line.unitPriceMinor),
            discountAllocations:
              line.discountPerUnitMinor > 0
                ? [{ allocatedAmountSet: bag(line.discountPerUnitMinor * line.quantity) }]
                : [],
            taxLines: [{ priceSet: bag(line.taxPerUnitMinor * line.quantity) }],
          };
        }),
      },
      refunds,
    });

    this.#expected.orders.push({
      ...view,
      externalId: id,
      channel: "shopify",
      marketplaceId: null,
      rawStatus: `${financial}/${fulfillment}`,
      salesChannel: imported ? "amazon" : "web",
      lines: view.lines.map((line) => ({
        ...line,
        externalId: lineId(line.externalId),
        rawStatus: line.cancelled ? "REMOVED" : line.status === "fulfilled" ? "FULFILLED" : "UNFULFILLED",
      })),
      refunds: view.refunds.map((refund, index) =>
        refund.quantity > 0
          ? {
              ...refund,
              externalId: refundId(index),
              orderExternalId: id,
              lineExternalId: refund.lineExternalId === null ? null : lineId(refund.lineExternalId),
              rawStatus: "RETURN",
            }
          : {
              // Shopify only knows the total of an amount-only refund.
              ...refund,
              externalId: refundId(index),
              orderExternalId: id,
              lineExternalId: null,
              sku: null,
              amount: moneyFromMinor((visible[index]?.amountMinor ?? 0) + (visible[index]?.taxMinor ?? 0), currency),
              tax: moneyFromMinor(0, currency),
              rawStatus: "AMOUNT_ONLY",
            },
      ),
    });
    // The cancellation refund counts nothing: its units are already the lines' cancelled units.
    if (cancelledLines.length > 0) {
      this.#expected.orders.at(-1)?.refunds.unshift({
        externalId: cancelRefundId,
        orderExternalId: id,
        lineExternalId: null,
        sku: null,
        quantity: 0,
        amount: moneyFromMinor(0, currency),
        shipping: moneyFromMinor(0, currency),
        tax: moneyFromMinor(0, currency),
        currency,
        createdAt: new Date(dateTime(sim.acceptedAt)).toISOString(),
        rawStatus: "CANCEL",
      });
    }
  }

  // -------------------------------------------------------------------------------
  // HTTP
  // -------------------------------------------------------------------------------

  #routes(): SimRoute[] {
    return [
      {
        method: "POST",
        path: /^\/admin\/api\/(?<version>\d{4}-\d{2})\/graphql\.json$/,
        operation: "graphql",
        handle: (request) => this.#graphql(request),
      },
      {
        method: "GET",
        path: /^\/bulk-results\/(?<id>\d+)\.jsonl$/,
        operation: "bulkResult",
        // Signed storage URLs: no Shopify token.
        public: true,
        handle: (request) => this.#download(request),
      },
    ];
  }

  #graphql(request: SimRequest): SimResponse {
    const body = (request.body ?? {}) as { query?: unknown; variables?: Record<string, unknown> };
    const document = typeof body.query === "string" ? body.query : "";
    const name = /^\s*(?:query|mutation)\s+(\w+)/.exec(document)?.[1] ?? "";
    const cost = QUERY_COST_ESTIMATES[name as keyof typeof QUERY_COST_ESTIMATES];
    if (cost === undefined) {
      return {
        body: { errors: [{ message: `The simulator does not serve the document "${name || document.slice(0, 40)}"` }] },
      };
    }
    this.#cost.refill(this.clock.now());
    if (this.#cost.available < cost) {
      this.throttledAnswers += 1;
      return {
        body: {
          errors: [
            {
              message: "Throttled",
              extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/limits" },
            },
          ],
          extensions: {
            cost: { requestedQueryCost: cost, actualQueryCost: null, throttleStatus: this.#cost.status() },
          },
        },
      };
    }
    this.#cost.available -= cost;
    const data = this.#resolve(name, body.variables ?? {}, request, document);
    if ("errors" in data) return { body: data };
    return {
      body: {
        data,
        extensions: { cost: { requestedQueryCost: cost, actualQueryCost: cost, throttleStatus: this.#cost.status() } },
      },
    };
  }

  #resolve(
    name: string,
    variables: Record<string, unknown>,
    request: SimRequest,
    document: string,
  ): Record<string, unknown> {
    if (name === "ShopInfo") {
      return { shop: { name: "Northwind Goods", myshopifyDomain: this.shopDomain, currencyCode: "USD" } };
    }
    if (name === "OrdersPage") return this.#ordersPage(variables, request);
    if (name === "RefundDetails") {
      const ids = Array.isArray(variables.ids) ? variables.ids.map(String) : [];
      const refunds = new Map(
        this.#orders.flatMap((order) => order.refunds.map((refund) => [refund.id, refund] as const)),
      );
      return {
        nodes: ids.map((id) => {
          const refund = refunds.get(id);
          return refund
            ? { id, refundShippingLines: refund.refundShippingLines, refundLineItems: refund.refundLineItems }
            : null;
        }),
      };
    }
    if (name === "BulkRun") {
      const query = typeof variables.query === "string" ? variables.query : "";
      this.bulkQueries.push(query);
      const root = /^\s*\{\s*(\w+)/.exec(query)?.[1];
      if (/refundLineItems|refundShippingLines/.test(query)) {
        return {
          bulkOperationRunQuery: {
            bulkOperation: null,
            userErrors: [
              {
                field: ["query"],
                message: "Queries that contain a connection field within a list field are not currently supported.",
                code: "INVALID",
              },
            ],
          },
        };
      }
      const since = /updated_at:>='([^']+)'/.exec(query)?.[1] ?? null;
      // Without groupObjects, Shopify writes children wherever it likes: here, after every parent.
      const grouped = /groupObjects:\s*true/.test(document);
      const lines = this.#bulkLines(root, since, request, grouped);
      if (lines === null) {
        return {
          bulkOperationRunQuery: {
            bulkOperation: null,
            userErrors: [
              { field: ["query"], message: `Invalid bulk query: unsupported root "${root ?? ""}"`, code: "INVALID" },
            ],
          },
        };
      }
      const id = String(this.#nextBulk++);
      const now = this.clock.now();
      this.#bulks.set(id, {
        id,
        createdAt: now,
        readyAt: now + 5_000 + this.#bulkMsPerObject * lines.objectCount,
        file: lines.file,
        objectCount: lines.objectCount,
        rootObjectCount: lines.rootObjectCount,
      });
      return {
        bulkOperationRunQuery: {
          bulkOperation: { id: gid("BulkOperation", id), status: "CREATED", createdAt: new Date(now).toISOString() },
          userErrors: [],
        },
      };
    }
    // BulkStatus
    const id = /BulkOperation\/(\d+)$/.exec(String(variables.id ?? ""))?.[1] ?? "";
    const bulk = this.#bulks.get(id);
    if (!bulk) return { bulkOperation: null };
    const done = this.clock.now() >= bulk.readyAt;
    if (bulk.expired) {
      return { bulkOperation: { id: gid("BulkOperation", id), status: "EXPIRED", errorCode: null, url: null } };
    }
    const operation: BulkOperation = {
      id: gid("BulkOperation", id),
      status: done ? "COMPLETED" : "RUNNING",
      errorCode: null,
      createdAt: new Date(bulk.createdAt).toISOString(),
      completedAt: done ? new Date(bulk.readyAt).toISOString() : null,
      objectCount: String(done ? bulk.objectCount : Math.floor(bulk.objectCount / 2)),
      rootObjectCount: String(done ? bulk.rootObjectCount : Math.floor(bulk.rootObjectCount / 2)),
      fileSize: done ? String(Buffer.byteLength(bulk.file)) : null,
      url: done && bulk.file.length > 0 ? `${this.server.url}/bulk-results/${id}.jsonl` : null,
      partialDataUrl: null,
    };
    return { bulkOperation: operation };
  }

  /** orders(first, after, sortKey: UPDATED_AT, query) with keyset cursors (updated_at, id) like Shopify's. */
  #ordersPage(variables: Record<string, unknown>, request: SimRequest): Record<string, unknown> {
    this.pageQueries += 1;
    const first = Number(variables.first);
    if (!Number.isInteger(first) || first < 1 || first > 250) {
      return { errors: [{ message: "first must be between 1 and 250", extensions: { code: "BAD_REQUEST" } }] };
    }
    const since = /updated_at:>='([^']+)'/.exec(String(variables.query ?? ""))?.[1] ?? null;
    const keyOf = (order: ShopifyOrder) => [Date.parse(order.updatedAt), legacyId(order.id)] as const;
    const sortedOrders = this.#orders
      .filter((order) => since === null || Date.parse(order.updatedAt) >= Date.parse(since))
      .sort((a, b) => keyOf(a)[0] - keyOf(b)[0] || keyOf(a)[1] - keyOf(b)[1]);
    let start = 0;
    if (typeof variables.after === "string") {
      const cursor = JSON.parse(Buffer.from(variables.after, "base64").toString("utf8")) as {
        last_value: number;
        last_id: number;
      };
      start = sortedOrders.findIndex((order) => {
        const [value, id] = keyOf(order);
        return value > cursor.last_value || (value === cursor.last_value && id > cursor.last_id);
      });
      if (start === -1) start = sortedOrders.length;
    }
    const page = sortedOrders.slice(start, start + first);
    const last = page.at(-1);
    const served = request.malform(
      page,
      (order) => ({ ...order, currencyCode: "US Dollars" }),
      (order) => order.id,
    ) as ShopifyOrder[];
    return {
      orders: {
        pageInfo: {
          hasNextPage: start + first < sortedOrders.length,
          endCursor: last
            ? Buffer.from(JSON.stringify({ last_id: keyOf(last)[1], last_value: keyOf(last)[0] })).toString("base64")
            : null,
        },
        nodes: served.map((order) => ({
          ...order,
          lineItems: {
            pageInfo: { hasNextPage: order.lineItems.nodes.length > this.#pageLineItemLimit },
            nodes: order.lineItems.nodes.slice(0, this.#pageLineItemLimit),
          },
        })),
      },
    };
  }

  /** The JSONL of a bulk query: each top-level object, then its children with `__parentId`. */
  #bulkLines(
    root: string | undefined,
    since: string | null,
    request: SimRequest,
    grouped: boolean,
  ): { file: string; objectCount: number; rootObjectCount: number } | null {
    const after = (updatedAt: string) => since === null || Date.parse(updatedAt) >= Date.parse(since);
    let tops: Array<Record<string, unknown>>;
    let childField: string;
    let corrupt: (object: Record<string, unknown>) => unknown;
    if (root === "orders") {
      // Bulk results carry the refunds' scalar fields only (no connection inside a list field).
      tops = this.#orders
        .filter((order) => after(order.updatedAt))
        .map((order) => ({
          ...order,
          refunds: order.refunds.map(({ id, createdAt, note, totalRefundedSet }) => ({
            __typename: "Refund",
            id,
            createdAt,
            note,
            totalRefundedSet,
          })),
        })) as unknown as Array<Record<string, unknown>>;
      childField = "lineItems";
      corrupt = (order) => ({ ...order, currencyCode: "US Dollars" });
    } else if (root === "products") {
      tops = this.#products.filter((product) => after(product.updatedAt)) as unknown as Array<Record<string, unknown>>;
      childField = "variants";
      corrupt = (product) => ({
        ...product,
        variants: {
          nodes: (product.variants as ShopifyProduct["variants"]).nodes.map((variant) => ({
            ...variant,
            price: "n/a",
          })),
        },
      });
    } else if (root === "inventoryItems") {
      tops = this.#items as unknown as Array<Record<string, unknown>>;
      childField = "inventoryLevels";
      corrupt = (item) => ({ ...item, sku: null });
    } else {
      return null;
    }
    const served = request.malform(tops, corrupt, (object) => String(object.id)) as Array<Record<string, unknown>>;
    const out: string[] = [];
    const ungroupedChildren: string[] = [];
    let objectCount = 0;
    for (const top of served) {
      const { [childField]: children, ...fields } = top;
      out.push(JSON.stringify(fields));
      objectCount += 1;
      for (const child of (children as { nodes: unknown[] } | undefined)?.nodes ?? []) {
        (grouped ? out : ungroupedChildren).push(
          JSON.stringify({ ...(child as Record<string, unknown>), __parentId: top.id }),
        );
        objectCount += 1;
      }
    }
    out.push(...ungroupedChildren);
    return {
      file: out.length === 0 ? "" : `${out.join("\n")}\n`,
      objectCount,
      rootObjectCount: served.length,
    };
  }

  #download(request: SimRequest): SimResponse {
    if (request.headers["x-shopify-access-token"] !== undefined) this.downloadsWithToken += 1;
    const bulk = this.#bulks.get(request.params.id ?? "");
    if (!bulk || bulk.expired || this.clock.now() < bulk.readyAt) return { status: 404, body: "NoSuchKey" };
    const file = Buffer.from(bulk.file, "utf8");
    const range = /^bytes=(\d+)-(\d*)$/.exec(String(request.headers.range ?? ""));
    const headers = { "content-type": "application/jsonl", "accept-ranges": "bytes" };
    if (!range) return { status: 200, body: bulk.file, headers };
    const start = Number(range[1]);
    const end = Math.min(file.byteLength - 1, range[2] ? Number(range[2]) : file.byteLength - 1);
    if (start >= file.byteLength) {
      return { status: 416, body: "", headers: { ...headers, "content-range": `bytes */${file.byteLength}` } };
    }
    return {
      status: 206,
      // The dataset is ASCII, so slicing the string by bytes keeps it intact.
      body: file.subarray(start, end + 1).toString("utf8"),
      headers: { ...headers, "content-range": `bytes ${start}-${end}/${file.byteLength}` },
    };
  }
}

// ---------------------------------------------------------------------------------
// Ids
// ---------------------------------------------------------------------------------

const CHANNEL_DIGIT: Record<string, string> = { SHO: "1", AMA: "2", BES: "3" };

/** Numeric Shopify order id of a dataset order ("SHO-20260301-0007" -> 1202603010007). */
function orderNumber(datasetId: string): string {
  // Live orders ("SHO-20260301-L00029573041"): channel digit, 0 (no date starts with 0), slot.
  const live = /^([A-Z]{3})-\d{8}-L(\d{11})$/.exec(datasetId);
  if (live) return `${CHANNEL_DIGIT[live[1] as string] ?? "9"}0${live[2]}`;
  const match = /^([A-Z]{3})-(\d{8})-(\d{4})$/.exec(datasetId);
  if (!match) throw new RangeError(`Unexpected dataset order id ${datasetId}`);
  return `${CHANNEL_DIGIT[match[1] as string] ?? "9"}${match[2]}${match[3]}`;
}

/** An Amazon order number (3-7-7 digits) derived from a dataset order id. */
function amazonOrderNumber(datasetId: string): string {
  const digits = orderNumber(datasetId).padStart(17, "0");
  return `1${digits.slice(-2)}-${digits.slice(-9, -2)}-${digits.slice(-16, -9)}`;
}

// ---------------------------------------------------------------------------------
// REST (webhook) shapes of the wire objects
// ---------------------------------------------------------------------------------

const restMoney = (bag: MoneyBag): RestMoneySet => ({
  shop_money: { amount: bag.shopMoney.amount, currency_code: bag.shopMoney.currencyCode },
  presentment_money: { amount: bag.shopMoney.amount, currency_code: bag.shopMoney.currencyCode },
});

const REST_FULFILLMENT: Record<string, string | null> = {
  FULFILLED: "fulfilled",
  PARTIALLY_FULFILLED: "partial",
  UNFULFILLED: null,
  RESTOCKED: "restocked",
};

function toRestRefund(refund: ShopifyRefund, order: ShopifyOrder): RestRefund {
  return {
    id: legacyId(refund.id),
    admin_graphql_api_id: refund.id,
    order_id: legacyId(order.id),
    created_at: shopLocalTime(refund.createdAt),
    note: refund.note,
    refund_line_items: (refund.refundLineItems?.nodes ?? []).map((item, index) => ({
      id: legacyId(refund.id) * 10 + index,
      line_item_id: legacyId(item.lineItem.id),
      quantity: item.quantity,
      restock_type: item.restockType.toLowerCase(),
      subtotal: item.subtotalSet.shopMoney.amount,
      subtotal_set: restMoney(item.subtotalSet),
      total_tax: item.totalTaxSet.shopMoney.amount,
      total_tax_set: restMoney(item.totalTaxSet),
      line_item: { id: legacyId(item.lineItem.id), sku: item.lineItem.sku, admin_graphql_api_id: item.lineItem.id },
    })),
    refund_shipping_lines: (refund.refundShippingLines?.nodes ?? []).map((line) => ({
      subtotal_amount_set: restMoney(line.subtotalAmountSet),
    })),
    transactions: [
      {
        amount: refund.totalRefundedSet.shopMoney.amount,
        currency: refund.totalRefundedSet.shopMoney.currencyCode,
        kind: "refund",
        status: "success",
      },
    ],
    order_adjustments: [],
  };
}

function toRestOrder(order: ShopifyOrder): RestOrder {
  return {
    id: legacyId(order.id),
    admin_graphql_api_id: order.id,
    name: order.name,
    created_at: shopLocalTime(order.createdAt),
    updated_at: shopLocalTime(order.updatedAt),
    cancelled_at: order.cancelledAt === null ? null : shopLocalTime(order.cancelledAt),
    cancel_reason: order.cancelReason?.toLowerCase() ?? null,
    currency: order.currencyCode,
    financial_status: order.displayFinancialStatus?.toLowerCase() ?? null,
    fulfillment_status: REST_FULFILLMENT[order.displayFulfillmentStatus] ?? null,
    source_name: order.sourceName,
    source_identifier: order.sourceIdentifier,
    tags: order.tags.join(", "),
    app_id: order.app ? legacyId(order.app.id) : null,
    line_items: order.lineItems.nodes.map((item) => ({
      id: legacyId(item.id),
      admin_graphql_api_id: item.id,
      sku: item.sku,
      name: item.name,
      title: item.name,
      quantity: item.quantity,
      current_quantity: item.currentQuantity,
      fulfillable_quantity: item.unfulfilledQuantity,
      fulfillment_status: item.unfulfilledQuantity === 0 && item.currentQuantity > 0 ? "fulfilled" : null,
      price: item.originalUnitPriceSet.shopMoney.amount,
      price_set: restMoney(item.originalUnitPriceSet),
      discount_allocations: item.discountAllocations.map((allocation) => ({
        amount: allocation.allocatedAmountSet.shopMoney.amount,
        amount_set: restMoney(allocation.allocatedAmountSet),
      })),
      tax_lines: item.taxLines.map((line) => ({
        price: line.priceSet.shopMoney.amount,
        price_set: restMoney(line.priceSet),
        rate: 0.07,
        title: "State tax",
      })),
    })),
    shipping_lines: [
      { price: order.totalShippingPriceSet.shopMoney.amount, price_set: restMoney(order.totalShippingPriceSet) },
    ],
    total_shipping_price_set: restMoney(order.totalShippingPriceSet),
    refunds: order.refunds.map((refund) => toRestRefund(refund, order)),
  };
}

function toRestProduct(product: ShopifyProduct): RestProduct {
  return {
    id: legacyId(product.id),
    admin_graphql_api_id: product.id,
    title: product.title,
    status: product.status.toLowerCase(),
    updated_at: shopLocalTime(product.updatedAt),
    variants: product.variants.nodes.map((variant) => ({
      id: legacyId(variant.id),
      admin_graphql_api_id: variant.id,
      product_id: legacyId(product.id),
      sku: variant.sku,
      title: variant.title,
      price: variant.price,
      barcode: variant.barcode,
      inventory_item_id: legacyId(variant.inventoryItem.id),
      updated_at: shopLocalTime(variant.updatedAt),
    })),
  };
}
