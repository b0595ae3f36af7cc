/**
 * HTTP toolkit shared by every connector: per-operation token buckets, Retry-After and
 * jittered exponential backoff, timeouts, bounded retries, a per-run call budget,
 * counters, and redacted structured errors.
 */
import { ConnectorHttpError, type HttpErrorKind } from "../errors.ts";
import { redactText, redactUrl } from "../redact.ts";
import { systemClock, type Clock } from "../time.ts";
import { TokenBucket, assertRateLimit, type RateLimit } from "./token-bucket.ts";

export type { RateLimit } from "./token-bucket.ts";

export interface BackoffPolicy {
  /** Ceiling of the first retry's delay; doubles per attempt ("full jitter"). */
  initialMs: number;
  maxMs: number;
}

/**
 * Which hosts a connector's requests may reach, decided by the host application (the SDK
 * never reads the environment). Without one, loopback hosts (simulators) are allowed.
 */
export interface NetworkPolicy {
  /** Loopback hosts (127.0.0.0/8, ::1, localhost): simulators and local sandboxes. */
  allowLoopback: boolean;
  /** Hosts allowed beyond the connector's documented ones ("sandbox.example.com", "*.example.com"). */
  extraHosts?: readonly string[];
}

export interface HttpClientOptions {
  baseUrl: string;
  /**
   * The channel's documented hosts ("api.amazon.com", "*.mirakl.net"): a request (a next-page
   * link or a redirect too) to any other host fails, loopback aside when the policy allows it.
   */
  allowedHosts?: readonly string[];
  /** Set by the host application (HttpOverrides), never by a connector. */
  network?: NetworkPolicy;
  /** A response body (after decompression) larger than this fails the call. */
  maxResponseBytes?: number;
  /** Documented limits per operation name; calls to an unlisted operation use `defaultRateLimit`. */
  rateLimits?: Record<string, RateLimit>;
  defaultRateLimit?: RateLimit;
  /** Sent with every request (auth headers belong here; they are redacted in errors). */
  headers?: Record<string, string>;
  timeoutMs?: number;
  /** Retries after the first attempt, for 429, 5xx, timeouts and network errors. */
  maxRetries?: number;
  backoff?: BackoffPolicy;
  /** A Retry-After longer than this fails the call instead of parking the run. */
  maxRetryAfterMs?: number;
  /** Literal values to scrub from errors (the engine adds every credential value). */
  secrets?: readonly string[];
  /**
   * Response header in which the channel announces the sustained rate (requests per second)
   * it grants this caller for the operation, e.g. Amazon's `x-amzn-RateLimit-Limit`. When set,
   * the operation is paced at the announced rate from the next call on, higher or lower than
   * the documented one; the burst stays as documented (channels do not announce it).
   */
  rateLimitHeader?: string;
}

/** What an operation's token bucket allows now. */
export interface RateLimitState {
  /** The limit in force: the documented one, or the announced rate with the documented burst. */
  limit: RateLimit;
  /** Tokens available now (fractional). */
  tokens: number;
  /** Milliseconds until a call could go out without waiting (0: now). */
  waitMs: number;
}

/** Run-scoped plumbing the engine injects; standalone clients get sensible defaults. */
export interface HttpRuntime {
  clock?: Clock;
  signal?: AbortSignal;
  budget?: CallBudget;
  stats?: HttpStats;
  /** Uniform [0, 1) source for jitter; inject a seeded one for reproducible tests. */
  random?: () => number;
}

export interface HttpRequest {
  /** Operation name as the channel documents it ("getOrders"); selects the token bucket. */
  operation: string;
  method?: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Path relative to baseUrl, or an absolute URL (next-page links). */
  path: string;
  query?: Record<string, string | number | boolean | null | undefined>;
  headers?: Record<string, string>;
  /** JSON-serialized when not a string. */
  body?: unknown;
}

export interface HttpResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
  bytes: number;
}

export interface OperationStats {
  calls: number;
  throttled: number;
  retried: number;
}

/** Counters of one run (or one client when used standalone). */
export class HttpStats {
  calls = 0;
  throttled = 0;
  retried = 0;
  timeouts = 0;
  failures = 0;
  /** Response body bytes received, after decompression. */
  bytes = 0;
  /** Milliseconds spent waiting for rate-limit tokens and Retry-After. */
  rateLimitWaitMs = 0;
  readonly byOperation = new Map<string, OperationStats>();

  operation(name: string): OperationStats {
    let entry = this.byOperation.get(name);
    if (!entry) {
      entry = { calls: 0, throttled: 0, retried: 0 };
      this.byOperation.set(name, entry);
    }
    return entry;
  }

  snapshot(): HttpStatsSnapshot {
    return {
      calls: this.calls,
      throttled: this.throttled,
      retried: this.retried,
      timeouts: this.timeouts,
      failures: this.failures,
      bytes: this.bytes,
      rateLimitWaitMs: this.rateLimitWaitMs,
      byOperation: Object.fromEntries([...this.byOperation].map(([name, stats]) => [name, { ...stats }])),
    };
  }
}

export interface HttpStatsSnapshot {
  calls: number;
  throttled: number;
  retried: number;
  timeouts: number;
  failures: number;
  bytes: number;
  rateLimitWaitMs: number;
  byOperation: Record<string, OperationStats>;
}

/** Maximum number of HTTP attempts (retries included) a run may make. */
export class CallBudget {
  readonly limit: number;
  #used = 0;

  constructor(limit: number = Number.POSITIVE_INFINITY) {
    if (!(limit >= 0)) throw new RangeError(`Call budget must be >= 0, got ${limit}`);
    this.limit = limit;
  }

  get used(): number {
    return this.#used;
  }

  get remaining(): number {
    return this.limit - this.#used;
  }

  /** Takes one call; false when the budget is spent. */
  tryTake(): boolean {
    if (this.#used >= this.limit) return false;
    this.#used += 1;
    return true;
  }
}

const DEFAULTS = {
  timeoutMs: 30_000,
  maxRetries: 5,
  backoff: { initialMs: 500, maxMs: 30_000 },
  maxRetryAfterMs: 5 * 60_000,
  defaultRateLimit: { ratePerSecond: 5, burst: 10 },
} as const;

const MAX_ERROR_BODY = 4_096;
/** Default cap of one response body, decompressed (gzip bombs included). */
export const DEFAULT_MAX_RESPONSE_BYTES = 256 * 1024 * 1024;
const MAX_REDIRECTS = 5;
const DEFAULT_NETWORK: NetworkPolicy = { allowLoopback: true };

/** Whether a host is a loopback address or name. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host.endsWith(".localhost") || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}

/** Whether `hostname` matches one of `patterns`: exact names, or "*.domain" for its subdomains. */
export function hostMatches(hostname: string, patterns: readonly string[]): boolean {
  const host = hostname.toLowerCase().replace(/\.$/, "");
  return patterns.some((raw) => {
    const pattern = raw.toLowerCase();
    return pattern.startsWith("*.")
      ? host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1
      : host === pattern;
  });
}

export class HttpClient {
  readonly stats: HttpStats;
  readonly budget: CallBudget;
  readonly #options: Required<
    Omit<HttpClientOptions, "headers" | "rateLimits" | "secrets" | "allowedHosts" | "network" | "rateLimitHeader">
  > & {
    rateLimitHeader: string | null;
    headers: Record<string, string>;
    rateLimits: Record<string, RateLimit>;
    secrets: readonly string[];
    allowedHosts: readonly string[] | null;
    network: NetworkPolicy;
  };
  readonly #clock: Clock;
  readonly #signal: AbortSignal | undefined;
  readonly #random: () => number;
  readonly #buckets = new Map<string, TokenBucket>();

  constructor(options: HttpClientOptions, runtime: HttpRuntime = {}) {
    this.#options = {
      baseUrl: options.baseUrl,
      rateLimits: options.rateLimits ?? {},
      defaultRateLimit: options.defaultRateLimit ?? DEFAULTS.defaultRateLimit,
      headers: options.headers ?? {},
      timeoutMs: options.timeoutMs ?? DEFAULTS.timeoutMs,
      maxRetries: options.maxRetries ?? DEFAULTS.maxRetries,
      backoff: options.backoff ?? DEFAULTS.backoff,
      maxRetryAfterMs: options.maxRetryAfterMs ?? DEFAULTS.maxRetryAfterMs,
      secrets: options.secrets ?? [],
      allowedHosts: options.allowedHosts ?? null,
      network: options.network ?? DEFAULT_NETWORK,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
      rateLimitHeader: options.rateLimitHeader ?? null,
    };
    for (const [operation, limit] of Object.entries(this.#options.rateLimits)) assertRateLimit(limit, operation);
    assertRateLimit(this.#options.defaultRateLimit, "defaultRateLimit");
    if (!Number.isInteger(this.#options.maxRetries) || this.#options.maxRetries < 0) {
      throw new RangeError(`maxRetries must be an integer >= 0, got ${this.#options.maxRetries}`);
    }
    this.#clock = runtime.clock ?? systemClock;
    this.#signal = runtime.signal;
    this.#random = runtime.random ?? Math.random;
    this.budget = runtime.budget ?? new CallBudget();
    this.stats = runtime.stats ?? new HttpStats();
  }

  /** The operation's limit in force and its bucket's state, without taking a token. */
  rateLimit(operation: string): RateLimitState {
    const bucket = this.#bucket(operation);
    return { limit: bucket.limit, tokens: bucket.tokens, waitMs: bucket.waitMs };
  }

  /** GET a JSON document. */
  getJson<T = unknown>(operation: string, path: string, query?: HttpRequest["query"]): Promise<T> {
    return this.request<T>({ operation, path, query }).then((response) => response.body);
  }

  /**
   * Sends a request and parses a JSON (or text) 2xx answer. Retries 429, 5xx,
   * timeouts and network errors up to `maxRetries`; throws `ConnectorHttpError` otherwise.
   */
  async request<T = unknown>(request: HttpRequest): Promise<HttpResponse<T>> {
    const method = request.method ?? "GET";
    const url = this.#url(request);
    const safeUrl = redactUrl(url, this.#options.secrets);
    const bucket = this.#bucket(request.operation);
    const operationStats = this.stats.operation(request.operation);
    const fail = (
      kind: HttpErrorKind,
      attempts: number,
      extra: Partial<ConstructorParameters<typeof ConnectorHttpError>[0]> = {},
      cause?: unknown,
    ) => {
      this.stats.failures += 1;
      return new ConnectorHttpError(
        { kind, operation: request.operation, method, url: safeUrl, status: null, attempts, body: null, ...extra },
        undefined,
        cause === undefined ? undefined : { cause },
      );
    };

    const refused = this.#refusedHost(url);
    if (refused) throw fail("client", 0, {}, undefined).withMessage(refused);

    for (let attempt = 1; ; attempt += 1) {
      this.stats.rateLimitWaitMs += await bucket.take(this.#signal);
      if (!this.budget.tryTake()) {
        throw fail("budget_exhausted", attempt - 1, {}, undefined);
      }
      this.stats.calls += 1;
      operationStats.calls += 1;

      const outcome = await this.#send(method, url, request);
      const canRetry = attempt <= this.#options.maxRetries;

      if (outcome.type === "response") {
        const { response, text, bytes } = outcome;
        this.stats.bytes += bytes;
        this.#followAnnouncedRate(bucket, response.headers);
        if (response.ok) {
          try {
            return { status: response.status, headers: response.headers, body: parseBody<T>(response, text), bytes };
          } catch (error) {
            throw fail("invalid_response", attempt, { status: response.status, body: this.#safeBody(text) }, error);
          }
        }
        const status = response.status;
        const body = this.#safeBody(text);
        if (status === 429) {
          this.stats.throttled += 1;
          operationStats.throttled += 1;
          const retryAfterMs = parseRetryAfter(response.headers.get("retry-after"), this.#clock.now());
          if (retryAfterMs !== null && retryAfterMs > this.#options.maxRetryAfterMs) {
            throw fail("rate_limited", attempt, { status, body, retryAfterMs });
          }
          if (!canRetry) throw fail("rate_limited", attempt, { status, body, retryAfterMs });
          const wait = retryAfterMs ?? this.#backoffDelay(attempt);
          // Every caller of this operation honours the server's pause, not only this one.
          bucket.pauseUntil(this.#clock.now() + wait);
          this.#countRetry(operationStats);
          continue;
        }
        if (status === 401 || status === 403) throw fail("auth", attempt, { status, body });
        if (status >= 500 && canRetry) {
          this.#countRetry(operationStats);
          await this.#sleep(this.#backoffDelay(attempt));
          continue;
        }
        throw fail(status >= 500 ? "server" : "client", attempt, { status, body });
      }

      if (outcome.type === "refused")
        throw fail("client", attempt, { status: outcome.status }).withMessage(outcome.message);
      if (outcome.type === "too_large") {
        this.stats.bytes += outcome.bytes;
        throw fail("invalid_response", attempt, { status: outcome.status }).withMessage(
          `${request.operation}: the response is larger than ${this.#options.maxResponseBytes} bytes (decompressed); refused`,
        );
      }
      if (outcome.type === "timeout") this.stats.timeouts += 1;
      if (!canRetry) throw fail(outcome.type, attempt, {}, outcome.error);
      this.#countRetry(operationStats);
      await this.#sleep(this.#backoffDelay(attempt));
    }
  }

  async #send(
    method: string,
    url: string,
    request: HttpRequest,
  ): Promise<
    | { type: "response"; response: Response; text: string; bytes: number }
    | { type: "timeout" | "network"; error: unknown }
    | { type: "refused"; status: number; message: string }
    | { type: "too_large"; status: number; bytes: number }
  > {
    const timeout = AbortSignal.timeout(this.#options.timeoutMs);
    const signal = this.#signal ? AbortSignal.any([this.#signal, timeout]) : timeout;
    let headers: Record<string, string> = {
      accept: "application/json",
      ...this.#options.headers,
      ...request.headers,
    };
    let body: string | undefined;
    if (request.body !== undefined) {
      body = typeof request.body === "string" ? request.body : JSON.stringify(request.body);
      headers["content-type"] ??= "application/json";
    }
    const origin = new URL(url).origin;
    let target = url;
    let currentMethod = method;
    try {
      for (let redirects = 0; ; redirects += 1) {
        // Redirects are followed here, not by fetch: credentials never go to another origin.
        const response = await fetch(target, { method: currentMethod, headers, body, signal, redirect: "manual" });
        const location = response.headers.get("location");
        if (response.status >= 300 && response.status < 400 && location) {
          await response.body?.cancel().catch(() => undefined);
          const next = new URL(location, target);
          const refused = this.#refusedHost(next.toString());
          if (refused) return { type: "refused", status: response.status, message: `redirect refused: ${refused}` };
          if (redirects >= MAX_REDIRECTS) {
            return { type: "refused", status: response.status, message: `more than ${MAX_REDIRECTS} redirects` };
          }
          if (next.origin !== origin) {
            // Another origin gets no credentials: only the content negotiation headers.
            headers = Object.fromEntries(
              Object.entries(headers).filter(([name]) =>
                ["accept", "content-type", "user-agent"].includes(name.toLowerCase()),
              ),
            );
          }
          if (
            response.status === 303 ||
            ((response.status === 301 || response.status === 302) && currentMethod !== "GET")
          ) {
            currentMethod = "GET";
            body = undefined;
          }
          target = next.toString();
          continue;
        }
        const read = await readCapped(response, this.#options.maxResponseBytes);
        if (read.tooLarge) return { type: "too_large", status: response.status, bytes: read.bytes };
        const buffer = read.buffer;
        return { type: "response", response, text: buffer.toString("utf8"), bytes: buffer.byteLength };
      }
    } catch (error) {
      if (this.#signal?.aborted) throw this.#signal.reason;
      if (timeout.aborted) return { type: "timeout", error };
      return { type: "network", error };
    }
  }

  /** Why a URL may not be requested (its host is not the channel's), or null when it may. */
  #refusedHost(url: string): string | null {
    return refusedHost(url, this.#options.allowedHosts, this.#options.network);
  }

  /**
   * Fetches a URL served by another host than the API (a signed storage URL: Shopify's bulk
   * results, Amazon's report documents) under the same rules as the client's own requests:
   * `hosts` are that storage's documented hosts, this client's network policy applies (loopback,
   * extra hosts), every redirect hop is checked, none of the client's headers (credentials) is
   * sent, and the body is capped at `maxResponseBytes` (decompressed).
   */
  async fetchStorage(
    url: string,
    hosts: readonly string[],
    init: { headers?: Record<string, string>; signal?: AbortSignal } = {},
  ): Promise<StorageAnswer> {
    let target = url;
    for (let redirects = 0; ; redirects += 1) {
      const refused = refusedHost(target, hosts, this.#options.network, "storage");
      if (refused) {
        return { type: "refused", status: null, message: redirects > 0 ? `redirect refused: ${refused}` : refused };
      }
      const response = await fetch(target, { headers: init.headers, signal: init.signal, redirect: "manual" });
      const location = response.headers.get("location");
      if (response.status >= 300 && response.status < 400 && location) {
        await response.body?.cancel().catch(() => undefined);
        if (redirects >= MAX_REDIRECTS) {
          return { type: "refused", status: response.status, message: `more than ${MAX_REDIRECTS} redirects` };
        }
        target = new URL(location, target).toString();
        continue;
      }
      const read = await readCapped(response, this.#options.maxResponseBytes);
      if (read.tooLarge) return { type: "too_large", status: response.status, bytes: read.bytes };
      return { type: "response", response, body: read.buffer };
    }
  }

  #followAnnouncedRate(bucket: TokenBucket, headers: Headers): void {
    if (this.#options.rateLimitHeader === null) return;
    const announced = parseAnnouncedRate(headers.get(this.#options.rateLimitHeader));
    if (announced !== null) bucket.setRate(announced);
  }

  #countRetry(operationStats: OperationStats): void {
    this.stats.retried += 1;
    operationStats.retried += 1;
  }

  async #sleep(ms: number): Promise<void> {
    await this.#clock.sleep(ms, this.#signal);
  }

  /** Full jitter: uniform in [0, min(max, initial * 2^(attempt-1))], at least 1 ms. */
  #backoffDelay(attempt: number): number {
    const { initialMs, maxMs } = this.#options.backoff;
    const ceiling = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
    return Math.max(1, Math.round(this.#random() * ceiling));
  }

  #bucket(operation: string): TokenBucket {
    let bucket = this.#buckets.get(operation);
    if (!bucket) {
      bucket = new TokenBucket(this.#options.rateLimits[operation] ?? this.#options.defaultRateLimit, this.#clock);
      this.#buckets.set(operation, bucket);
    }
    return bucket;
  }

  #url(request: HttpRequest): string {
    // Absolute URLs are next-page links; other paths always extend the base path.
    const url = /^https?:\/\//i.test(request.path)
      ? new URL(request.path)
      : new URL(request.path.replace(/^\/+/, ""), this.#options.baseUrl.replace(/\/*$/, "/"));
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined && value !== null) url.searchParams.set(key, String(value));
    }
    return url.toString();
  }

  #safeBody(text: string): string {
    const redacted = redactText(text, this.#options.secrets);
    return redacted.length > MAX_ERROR_BODY ? `${redacted.slice(0, MAX_ERROR_BODY)}…[truncated]` : redacted;
  }
}

/** The outcome of `HttpClient.fetchStorage`. */
export type StorageAnswer =
  | { type: "response"; response: Response; body: Buffer }
  | { type: "refused"; status: number | null; message: string }
  | { type: "too_large"; status: number; bytes: number };

/**
 * Why `url` may not be requested under `network` when `allowedHosts` (null: any host) are the
 * service's documented hosts, or null when it may.
 */
export function refusedHost(
  url: string,
  allowedHosts: readonly string[] | null,
  network: NetworkPolicy = DEFAULT_NETWORK,
  what: "channel" | "storage" = "channel",
): string | null {
  const parsed = new URL(url);
  if (isLoopbackHost(parsed.hostname)) {
    return network.allowLoopback
      ? null
      : `${parsed.host} is a loopback host; simulators are not allowed here (the app allows them outside production, or with CROSSCHANNEL_ALLOW_SIMULATOR_HOSTS=1)`;
  }
  if (allowedHosts === null) return null;
  if (hostMatches(parsed.hostname, [...allowedHosts, ...(network.extraHosts ?? [])])) {
    return parsed.protocol === "https:"
      ? null
      : `${parsed.host}: only https:// is allowed (credentials travel with requests)`;
  }
  const whose = what === "channel" ? "the channel's documented hosts" : "the channel's documented storage hosts";
  return `${parsed.host} is not one of ${whose} (${allowedHosts.join(", ")})`;
}

/** Reads a body up to `max` bytes (after fetch's decompression); beyond that the stream is cancelled. */
async function readCapped(
  response: Response,
  max: number,
): Promise<{ tooLarge: false; buffer: Buffer } | { tooLarge: true; bytes: number }> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  const encoded = (response.headers.get("content-encoding") ?? "identity") !== "identity";
  if (!encoded && Number.isFinite(declared) && declared > max) {
    await response.body?.cancel().catch(() => undefined);
    return { tooLarge: true, bytes: 0 };
  }
  if (!response.body) return { tooLarge: false, buffer: Buffer.alloc(0) };
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > max) {
      await reader.cancel().catch(() => undefined);
      return { tooLarge: true, bytes };
    }
    chunks.push(value);
  }
  return { tooLarge: false, buffer: Buffer.concat(chunks) };
}

function parseBody<T>(response: Response, text: string): T {
  const type = response.headers.get("content-type") ?? "";
  if (text.length === 0) return null as T;
  if (type.includes("json")) return JSON.parse(text) as T;
  return text as T;
}

/** An announced rate (requests per second, e.g. "0.0167"); null when absent or not a positive number. */
export function parseAnnouncedRate(header: string | null): number | null {
  if (header === null) return null;
  const value = header.trim();
  if (!/^\d+(\.\d+)?$/.test(value)) return null;
  const rate = Number(value);
  return Number.isFinite(rate) && rate > 0 ? rate : null;
}

/** Retry-After as milliseconds from now: delta-seconds or an HTTP date; null when absent/invalid. */
export function parseRetryAfter(header: string | null, now: number): number | null {
  if (header === null || header.trim() === "") return null;
  const value = header.trim();
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  if (Number.isNaN(date)) return null;
  return Math.max(0, date - now);
}
