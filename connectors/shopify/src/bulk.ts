/**
 * Bulk operations: start a bulk query, poll it, then stream its JSONL result in byte
 * ranges and put nested connections back under their parents (`__parentId`), with
 * memory bounded by one range and one top-level object.
 *
 * https://shopify.dev/docs/api/usage/bulk-operations/queries
 *
 * The result is fetched with HTTP Range requests, so a run can resume at the byte
 * right after the last object it committed. The SDK's HttpClient parses any
 * `*json*` content type as one JSON document, and bulk results are served as
 * `application/jsonl`, so ranges go through `RangeFetcher` below, which uses the
 * SDK's own TokenBucket, CallBudget, HttpStats and Retry-After parsing so the run's
 * pacing, budget and counters still account for every download.
 */
import {
  ConnectorHttpError,
  TokenBucket,
  parseRetryAfter,
  redactUrl,
  type Clock,
  type HttpClient,
  type RateLimit,
} from "@crosschannel/connector-sdk";
import type { ShopifyGraphqlClient } from "./client.ts";
import {
  BULK_RUN_MUTATION,
  BULK_STATUS_QUERY,
  QUERY_COST_ESTIMATES,
  type BulkOperation,
  type BulkRunData,
  type BulkStatusData,
} from "./wire.ts";

export class BulkOperationError extends Error {
  override readonly name = "BulkOperationError";
}

/** Starts a bulk query; throws with Shopify's user errors when it is refused. */
export async function startBulkQuery(gql: ShopifyGraphqlClient, query: string): Promise<BulkOperation> {
  const data = await gql.request<BulkRunData>({
    name: "BulkRun",
    document: BULK_RUN_MUTATION,
    variables: { query },
    estimatedCost: QUERY_COST_ESTIMATES.BulkRun,
  });
  const { bulkOperation, userErrors } = data.bulkOperationRunQuery;
  if (userErrors.length > 0 || bulkOperation === null) {
    throw new BulkOperationError(
      `Shopify refused the bulk query: ${userErrors.map((error) => error.message).join("; ") || "no operation returned"}`,
    );
  }
  return bulkOperation;
}

/** Poll delays (ms): quick at first, then backing off to 30 s for long exports. */
export function pollDelayMs(poll: number): number {
  return Math.min(30_000, 1_000 * 2 ** Math.floor(poll / 2));
}

/** Polls `bulkOperation(id)` until it completes; throws if it fails, is cancelled or expires. */
export async function awaitBulkOperation(
  gql: ShopifyGraphqlClient,
  id: string,
  clock: Clock,
  signal?: AbortSignal,
): Promise<BulkOperation> {
  for (let poll = 0; ; poll += 1) {
    const data = await gql.request<BulkStatusData>({
      name: "BulkStatus",
      document: BULK_STATUS_QUERY,
      variables: { id },
      estimatedCost: QUERY_COST_ESTIMATES.BulkStatus,
    });
    const operation = data.bulkOperation;
    if (operation === null) throw new BulkOperationError(`Bulk operation ${id} was not found`);
    if (operation.status === "COMPLETED") return operation;
    if (operation.status === "FAILED" || operation.status === "CANCELED" || operation.status === "EXPIRED") {
      throw new BulkOperationError(
        `Bulk operation ${id} ended ${operation.status}${operation.errorCode ? ` (${operation.errorCode})` : ""}`,
      );
    }
    await clock.sleep(pollDelayMs(poll), signal);
  }
}

// ---------------------------------------------------------------------------------
// Range downloads
// ---------------------------------------------------------------------------------

export interface RangeFetcherOptions {
  /** The run's GraphQL HttpClient: its budget and counters are shared. */
  accounting: HttpClient;
  clock: Clock;
  signal?: AbortSignal;
  rateLimit: RateLimit;
  timeoutMs?: number;
  maxRetries?: number;
  random?: () => number;
}

export interface RangeAnswer {
  /** 206 for a range, 200 when the server ignored Range, 416 past the end. */
  status: number;
  body: Buffer;
  /** Total file size from Content-Range, when known. */
  total: number | null;
}

const OPERATION = "bulkResult";

/**
 * Where Shopify serves bulk operation results (`url`, `partialDataUrl`: signed Google Cloud
 * Storage URLs, https://shopify.dev/docs/api/usage/bulk-operations/queries#download-result-data).
 */
export const SHOPIFY_BULK_RESULT_HOSTS = ["storage.googleapis.com"] as const;

export class RangeFetcher {
  readonly #options: Required<Omit<RangeFetcherOptions, "signal">> & { signal?: AbortSignal };
  readonly #bucket: TokenBucket;

  constructor(options: RangeFetcherOptions) {
    this.#options = { timeoutMs: 60_000, maxRetries: 5, random: Math.random, ...options };
    this.#bucket = new TokenBucket(options.rateLimit, options.clock);
  }

  /** GETs bytes [start, end] of `url` (signed storage URL: no Shopify token is sent). */
  async range(url: string, start: number, end: number): Promise<RangeAnswer> {
    const { accounting, clock, signal, maxRetries, timeoutMs } = this.#options;
    const stats = accounting.stats;
    const perOperation = stats.operation(OPERATION);
    const safeUrl = redactUrl(url);
    const fail = (kind: ConnectorHttpError["kind"], attempts: number, status: number | null, cause?: unknown) => {
      stats.failures += 1;
      return new ConnectorHttpError(
        { kind, operation: OPERATION, method: "GET", url: safeUrl, status, attempts, body: null },
        undefined,
        cause === undefined ? undefined : { cause },
      );
    };
    for (let attempt = 1; ; attempt += 1) {
      stats.rateLimitWaitMs += await this.#bucket.take(signal);
      if (!accounting.budget.tryTake()) throw fail("budget_exhausted", attempt - 1, null);
      stats.calls += 1;
      perOperation.calls += 1;
      const canRetry = attempt <= maxRetries;
      const timeout = AbortSignal.timeout(timeoutMs);
      let response: Response;
      let body: Buffer;
      try {
        // Same host checks as the API's requests (documented storage hosts, each redirect hop), no token.
        const answer = await accounting.fetchStorage(url, SHOPIFY_BULK_RESULT_HOSTS, {
          headers: { range: `bytes=${start}-${end}`, "accept-encoding": "identity" },
          signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
        });
        if (answer.type === "refused") throw fail("client", attempt, answer.status).withMessage(answer.message);
        if (answer.type === "too_large") {
          throw fail("invalid_response", attempt, answer.status).withMessage(
            `${OPERATION}: the response is larger than the run's response cap; refused`,
          );
        }
        response = answer.response;
        body = answer.body;
      } catch (error) {
        if (error instanceof ConnectorHttpError) throw error;
        if (signal?.aborted) throw signal.reason;
        const kind = timeout.aborted ? "timeout" : "network";
        if (kind === "timeout") stats.timeouts += 1;
        if (!canRetry) throw fail(kind, attempt, null, error);
        stats.retried += 1;
        perOperation.retried += 1;
        await clock.sleep(this.#backoff(attempt), signal);
        continue;
      }
      stats.bytes += body.byteLength;
      const status = response.status;
      if (status === 200 || status === 206 || status === 416) {
        const match = /\/(\d+)\s*$/.exec(response.headers.get("content-range") ?? "");
        return { status, body, total: match ? Number(match[1]) : status === 200 ? body.byteLength : null };
      }
      if (status === 429) {
        stats.throttled += 1;
        perOperation.throttled += 1;
        if (!canRetry) throw fail("rate_limited", attempt, status);
        const wait = parseRetryAfter(response.headers.get("retry-after"), clock.now()) ?? this.#backoff(attempt);
        this.#bucket.pauseUntil(clock.now() + wait);
        stats.retried += 1;
        perOperation.retried += 1;
        continue;
      }
      if (status === 401 || status === 403) throw fail("auth", attempt, status);
      if (status >= 500 && canRetry) {
        stats.retried += 1;
        perOperation.retried += 1;
        await clock.sleep(this.#backoff(attempt), signal);
        continue;
      }
      throw fail(status >= 500 ? "server" : "client", attempt, status);
    }
  }

  #backoff(attempt: number): number {
    const ceiling = Math.min(30_000, 500 * 2 ** (attempt - 1));
    return Math.max(1, Math.round(this.#options.random() * ceiling));
  }
}

export interface JsonlLine {
  line: string;
  /** Byte offset right after this line (its newline included). */
  end: number;
}

/** Default bytes per range request: bounded memory, few requests. */
export const DEFAULT_CHUNK_BYTES = 4 * 1024 * 1024;
const MAX_LINE_BYTES = 64 * 1024 * 1024;

/**
 * Streams the lines of a JSONL file from byte `offset`, one range at a time. Only
 * whole lines are consumed from a range (a partial last line, possibly cut inside a
 * UTF-8 sequence, is fetched again with the next range), so offsets stay exact.
 */
export async function* jsonlLines(
  fetcher: Pick<RangeFetcher, "range">,
  url: string,
  offset: number,
  chunkBytes: number = DEFAULT_CHUNK_BYTES,
): AsyncGenerator<JsonlLine> {
  let position = offset;
  let size = chunkBytes;
  let total: number | null = null;
  while (total === null || position < total) {
    const answer = await fetcher.range(url, position, position + size - 1);
    if (answer.status === 416) return;
    // A server that ignores Range sends the whole file: skip what was already consumed.
    const bytes = answer.status === 200 ? answer.body.subarray(position) : answer.body;
    total = answer.total ?? (bytes.byteLength < size ? position + bytes.byteLength : null);
    if (bytes.byteLength === 0) return;
    const last = total !== null && position + bytes.byteLength >= total;
    const cut = last ? bytes.byteLength : bytes.lastIndexOf(0x0a) + 1;
    if (cut === 0) {
      size *= 2;
      if (size > MAX_LINE_BYTES) throw new BulkOperationError(`A JSONL line is longer than ${MAX_LINE_BYTES} bytes`);
      continue;
    }
    let start = 0;
    while (start < cut) {
      const newline = bytes.indexOf(0x0a, start);
      const stop = newline === -1 || newline >= cut ? cut : newline + 1;
      const text = bytes.subarray(start, stop).toString("utf8").trim();
      if (text.length > 0) yield { line: text, end: position + stop };
      start = stop;
    }
    position += cut;
    size = chunkBytes;
  }
}

// ---------------------------------------------------------------------------------
// __parentId reassembly
// ---------------------------------------------------------------------------------

/** Where a child object of each type goes under its parent: `parent[field].nodes`. */
export const CHILD_FIELDS: Record<string, string> = {
  LineItem: "lineItems",
  RefundLineItem: "refundLineItems",
  ProductVariant: "variants",
  InventoryLevel: "inventoryLevels",
};

export interface AssembledObject {
  object: Record<string, unknown>;
  /** Byte offset right after the object's last line (its last child included). */
  end: number;
}

type JsonObject = Record<string, unknown>;

/**
 * Groups a JSONL line stream into top-level objects with their children nested back.
 * Requires `groupObjects: true` (children right after their parent); a child whose
 * parent is not in the current group fails loudly instead of being silently lost.
 */
export async function* assembleObjects(lines: AsyncIterable<JsonlLine>): AsyncGenerator<AssembledObject> {
  let current: JsonObject | null = null;
  let currentEnd = 0;
  let index = new Map<string, JsonObject>();
  for await (const { line, end } of lines) {
    const parsed = JSON.parse(line) as JsonObject;
    const parentId = parsed.__parentId;
    if (typeof parentId !== "string") {
      if (current !== null) yield { object: current, end: currentEnd };
      current = parsed;
      currentEnd = end;
      index = new Map();
      indexObject(index, parsed);
      continue;
    }
    const parent = index.get(parentId);
    if (parent === undefined) {
      throw new BulkOperationError(`JSONL child ${String(parsed.id ?? "")} of ${parentId} is not next to its parent`);
    }
    delete parsed.__parentId;
    const typename = typeof parsed.__typename === "string" ? parsed.__typename : typeFromGid(parsed.id);
    const field = CHILD_FIELDS[typename];
    if (field === undefined) throw new BulkOperationError(`JSONL child of unknown type "${typename}"`);
    const connection = (parent[field] ??= { nodes: [] }) as { nodes: JsonObject[] };
    connection.nodes ??= [];
    connection.nodes.push(parsed);
    indexObject(index, parsed);
    currentEnd = end;
  }
  if (current !== null) yield { object: current, end: currentEnd };
}

function indexObject(index: Map<string, JsonObject>, object: JsonObject): void {
  if (typeof object.id === "string") index.set(object.id, object);
  // Objects inside list fields (an order's refunds) can be parents too.
  for (const value of Object.values(object)) {
    if (!Array.isArray(value)) continue;
    for (const item of value) {
      if (item !== null && typeof item === "object" && typeof (item as JsonObject).id === "string") {
        index.set((item as JsonObject).id as string, item as JsonObject);
      }
    }
  }
}

function typeFromGid(id: unknown): string {
  const match = typeof id === "string" ? /^gid:\/\/shopify\/(\w+)\//.exec(id) : null;
  return match?.[1] ?? "unknown";
}
