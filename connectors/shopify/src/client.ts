/**
 * GraphQL Admin API over the SDK's HttpClient. The SDK owns transport retries, request
 * pacing, the call budget and the counters; this module adds Shopify's cost-based
 * throttle: a leaky bucket of query-cost points modelled from the `throttleStatus`
 * every answer carries, so a query is only sent when the shop's bucket can afford it,
 * and a THROTTLED answer (HTTP 200 with `extensions.code = "THROTTLED"`) waits for the
 * missing points to restore before trying again.
 */
import { ConnectorHttpError, type Clock, type HttpClient } from "@crosschannel/connector-sdk";
import { GRAPHQL_COST_DEFAULTS, type GraphqlResponse, type ThrottleStatus } from "./wire.ts";

/** Client-side model of the shop's cost bucket. Pure apart from the clock readings passed in. */
export class CostBucket {
  #maximum: number = GRAPHQL_COST_DEFAULTS.maximumAvailable;
  #restoreRate: number = GRAPHQL_COST_DEFAULTS.restoreRate;
  #available: number = GRAPHQL_COST_DEFAULTS.maximumAvailable;
  #observedAt: number | null = null;

  /** Records the bucket as Shopify reported it at `at` (epoch ms). */
  observe(status: ThrottleStatus, at: number): void {
    this.#maximum = status.maximumAvailable;
    this.#restoreRate = status.restoreRate;
    this.#available = status.currentlyAvailable;
    this.#observedAt = at;
  }

  /** Points available at `at` by the model. */
  available(at: number): number {
    if (this.#observedAt === null) return this.#available;
    const restored = (Math.max(0, at - this.#observedAt) / 1000) * this.#restoreRate;
    return Math.min(this.#maximum, this.#available + restored);
  }

  /** Milliseconds to wait at `at` before a query of `cost` points fits in the bucket. */
  waitMs(cost: number, at: number): number {
    const needed = Math.min(cost, this.#maximum) - this.available(at);
    return needed <= 0 ? 0 : Math.ceil((needed / this.#restoreRate) * 1000);
  }

  /** Takes the points of a query about to be sent (the answer's status corrects the model). */
  spend(cost: number, at: number): void {
    const available = this.available(at);
    this.#available = available - cost;
    this.#observedAt = at;
  }

  get restoreRate(): number {
    return this.#restoreRate;
  }
}

/**
 * Shopify keeps one cost bucket per app and shop, shared by every request: runs of the
 * same shop in this process share one model of it, so a run does not start by spending
 * points an earlier or concurrent run already used.
 */
const sharedBuckets = new Map<string, CostBucket>();

export function costBucketFor(key: string): CostBucket {
  let bucket = sharedBuckets.get(key);
  if (!bucket) {
    bucket = new CostBucket();
    sharedBuckets.set(key, bucket);
  }
  return bucket;
}

export interface GraphqlRequest {
  /** Operation name (also the document's name), for errors and logs. */
  name: string;
  document: string;
  variables?: Record<string, unknown>;
  /** Estimated cost in points, checked against the bucket before sending. */
  estimatedCost: number;
}

const MAX_THROTTLED_RETRIES = 5;
/** GraphQL errors Shopify answers with HTTP 200 that are worth another try. */
const TRANSIENT_CODES = new Set(["INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"]);
const MAX_TRANSIENT_RETRIES = 3;

export class ShopifyGraphqlClient {
  readonly #http: HttpClient;
  readonly #path: string;
  readonly #clock: Clock;
  readonly #signal: AbortSignal | undefined;
  readonly bucket: CostBucket;

  constructor(options: { http: HttpClient; path: string; clock: Clock; signal?: AbortSignal; bucket?: CostBucket }) {
    this.#http = options.http;
    this.#path = options.path;
    this.#clock = options.clock;
    this.#signal = options.signal;
    this.bucket = options.bucket ?? new CostBucket();
  }

  /** Sends a document and returns `data`; GraphQL errors become `ConnectorHttpError`s. */
  async request<T>(request: GraphqlRequest): Promise<T> {
    let transient = 0;
    for (let attempt = 1; ; attempt += 1) {
      const wait = this.bucket.waitMs(request.estimatedCost, this.#clock.now());
      if (wait > 0) {
        this.#http.stats.rateLimitWaitMs += wait;
        await this.#clock.sleep(wait, this.#signal);
      }
      this.bucket.spend(request.estimatedCost, this.#clock.now());
      const response = await this.#http.request<GraphqlResponse<T>>({
        operation: "graphql",
        method: "POST",
        path: this.#path,
        body: { query: request.document, variables: request.variables ?? {} },
      });
      const body = response.body;
      const cost = body?.extensions?.cost;
      if (cost) this.bucket.observe(cost.throttleStatus, this.#clock.now());
      const errors = body?.errors ?? [];
      const throttled = errors.some((error) => error.extensions?.code === "THROTTLED");
      if (throttled) {
        this.#http.stats.throttled += 1;
        this.#http.stats.operation("graphql").throttled += 1;
        if (attempt - transient > MAX_THROTTLED_RETRIES) {
          throw this.#error("rate_limited", request, response.status, body);
        }
        // The next loop waits until the bucket (now corrected by throttleStatus) restores.
        const requested = cost?.requestedQueryCost ?? request.estimatedCost;
        if (!cost) this.bucket.spend(requested, this.#clock.now());
        continue;
      }
      if (errors.length > 0 && errors.every((error) => TRANSIENT_CODES.has(error.extensions?.code ?? ""))) {
        transient += 1;
        if (transient > MAX_TRANSIENT_RETRIES) throw this.#error("server", request, response.status, body);
        this.#http.stats.retried += 1;
        this.#http.stats.operation("graphql").retried += 1;
        await this.#clock.sleep(1_000 * 2 ** (transient - 1), this.#signal);
        continue;
      }
      if (errors.length > 0 || body?.data === undefined || body.data === null) {
        const denied = errors.some((error) => error.extensions?.code === "ACCESS_DENIED");
        throw this.#error(denied ? "auth" : "client", request, response.status, body);
      }
      return body.data;
    }
  }

  #error(
    kind: "rate_limited" | "client" | "auth" | "server",
    request: GraphqlRequest,
    status: number,
    body: unknown,
  ): ConnectorHttpError {
    const messages = ((body as GraphqlResponse<unknown> | null)?.errors ?? []).map((error) => error.message);
    return new ConnectorHttpError(
      {
        kind,
        operation: `graphql:${request.name}`,
        method: "POST",
        url: this.#path,
        status,
        attempts: 1,
        body: JSON.stringify(messages).slice(0, 2_000),
      },
      `Shopify GraphQL ${request.name} failed: ${messages.join("; ") || "no data in the answer"}`,
    );
  }
}
