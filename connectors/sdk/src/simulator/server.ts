/**
 * Base for channel simulators: a real HTTP server on loopback that routes requests to
 * a channel's handlers, enforces the channel's documented rate limits (429 +
 * Retry-After), checks credentials, and injects faults on demand.
 */
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { gzipSync } from "node:zlib";
import type { RateLimit } from "../http/token-bucket.ts";
import { systemClock, type Clock } from "../time.ts";

export interface SimRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** Parsed JSON body, or the raw text, or null. */
  body: unknown;
  operation: string;
  /** Path parameters captured by a RegExp route's named groups. */
  params: Record<string, string>;
  /**
   * Applies a pending "malformed" fault: corrupts up to the requested number of
   * records (in wire format) and remembers their ids. Returns the records to send.
   */
  malform<T>(records: readonly T[], corrupt: (record: T) => unknown, idOf: (record: T) => string): unknown[];
}

export interface SimResponse {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface SimRoute {
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Exact path or a RegExp with named groups. */
  path: string | RegExp;
  /** Operation name as documented by the channel; selects the rate limit. */
  operation: string;
  /** Routes such as token endpoints skip the credentials check. */
  public?: boolean;
  handle(request: SimRequest): SimResponse | Promise<SimResponse>;
}

interface FaultBase {
  /** Only requests to this operation; any operation when absent. */
  operation?: string;
  /** Number of requests affected (default 1). */
  times?: number;
}
export type Fault =
  | (FaultBase & { kind: "status"; status: number; body?: unknown })
  | (FaultBase & { kind: "rate_limit"; retryAfterSeconds: number })
  /** Never answers (until the client hangs up or `holdMs` passes), to trigger client timeouts. */
  | (FaultBase & { kind: "timeout"; holdMs?: number })
  | (FaultBase & { kind: "latency"; ms: number })
  | { kind: "malformed"; operation?: string; records: number };

export interface RequestLogEntry {
  /** Simulator clock time the request arrived (epoch ms). */
  at: number;
  method: string;
  path: string;
  operation: string;
  status: number;
  /** Why the simulator answered as it did when it was not the handler. */
  outcome: "ok" | "rate_limited" | "unauthorized" | "injected" | "not_found" | "error";
  retryAfterSeconds: number | null;
}

export interface SimulatorServerOptions {
  routes: readonly SimRoute[];
  /** The channel's documented limits per operation; unlisted operations are unlimited. */
  rateLimits?: Record<string, RateLimit>;
  clock?: Clock;
  /** True when the request carries valid credentials. */
  authenticate?(headers: IncomingHttpHeaders): boolean;
  /** Body of 401 answers, in the channel's wire format. */
  unauthorizedBody?: unknown;
  /** Body of 429 answers, in the channel's wire format. */
  rateLimitedBody?: unknown;
  /** Loopback port to listen on (default: any free port); `start(port)` overrides it. */
  port?: number;
}

/** Tolerance for float drift between a client's and the simulator's token arithmetic. */
const TOKEN_EPSILON = 1e-6;

class ServerBucket {
  tokens: number;
  updatedAt: number;

  constructor(
    readonly limit: RateLimit,
    now: number,
  ) {
    this.tokens = limit.burst;
    this.updatedAt = now;
  }

  /** Takes a token, or returns the seconds until one is available. */
  tryTake(now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (now > this.updatedAt) {
      this.tokens = Math.min(
        this.limit.burst,
        this.tokens + ((now - this.updatedAt) / 1000) * this.limit.ratePerSecond,
      );
      this.updatedAt = now;
    }
    if (this.tokens + TOKEN_EPSILON >= 1) {
      this.tokens = Math.max(0, this.tokens - 1);
      return { ok: true };
    }
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - this.tokens) / this.limit.ratePerSecond)) };
  }
}

export class SimulatorServer {
  readonly clock: Clock;
  readonly log: RequestLogEntry[] = [];
  /** Ids of the wire records corrupted by "malformed" faults. */
  readonly malformedIds: string[] = [];
  readonly #options: SimulatorServerOptions;
  readonly #buckets = new Map<string, ServerBucket>();
  readonly #faults: Fault[] = [];
  readonly #held = new Set<ServerResponse>();
  #server: Server | null = null;
  #url: string | null = null;
  #revoked = false;

  constructor(options: SimulatorServerOptions) {
    this.#options = options;
    this.clock = options.clock ?? systemClock;
  }

  /** Base URL such as http://127.0.0.1:49152 (after `start`). */
  get url(): string {
    if (this.#url === null) throw new Error("Simulator not started: await server.start() first");
    return this.#url;
  }

  /** Listens on 127.0.0.1 at `port` (or the `port` option, or any free port). */
  async start(port: number = this.#options.port ?? 0): Promise<string> {
    if (this.#url !== null) return this.#url;
    const server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => {
        if (!response.headersSent) this.#send(response, 500, { error: "simulator_error", message: String(error) });
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, "127.0.0.1", () => resolve());
    });
    this.#server = server;
    this.#url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.#url;
  }

  async close(): Promise<void> {
    const server = this.#server;
    if (!server) return;
    this.#server = null;
    this.#url = null;
    for (const response of this.#held) response.destroy();
    this.#held.clear();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Queues a fault; faults apply in the order they were injected. */
  inject(fault: Fault): void {
    this.#faults.push({ ...fault });
  }

  clearFaults(): void {
    this.#faults.length = 0;
  }

  /** Every request now fails authentication (401) until `restoreCredentials`. */
  revokeCredentials(): void {
    this.#revoked = true;
  }

  restoreCredentials(): void {
    this.#revoked = false;
  }

  /** Requests the simulator's own limiter rejected: a well-behaved client keeps this at 0. */
  get rateLimitViolations(): number {
    return this.log.filter((entry) => entry.outcome === "rate_limited").length;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    const method = request.method ?? "GET";
    const body = await readBody(request);
    const match = this.#route(method, url.pathname);
    const entry = (
      status: number,
      outcome: RequestLogEntry["outcome"],
      operation: string,
      retryAfterSeconds: number | null = null,
    ) =>
      this.log.push({
        at: this.clock.now(),
        method,
        path: url.pathname,
        operation,
        status,
        outcome,
        retryAfterSeconds,
      });

    if (!match) {
      entry(404, "not_found", "unknown");
      this.#send(response, 404, { error: "not_found", path: url.pathname });
      return;
    }
    const { route, params } = match;
    const operation = route.operation;

    const fault = this.#takeFault(operation);
    if (fault?.kind === "latency") await delay(fault.ms);
    if (fault?.kind === "status") {
      entry(fault.status, "injected", operation);
      this.#send(response, fault.status, fault.body ?? { error: "injected_failure", status: fault.status });
      return;
    }
    if (fault?.kind === "rate_limit") {
      entry(429, "injected", operation, fault.retryAfterSeconds);
      this.#send(response, 429, this.#options.rateLimitedBody ?? { error: "rate_limited" }, {
        "retry-after": String(fault.retryAfterSeconds),
      });
      return;
    }
    if (fault?.kind === "timeout") {
      entry(0, "injected", operation);
      this.#held.add(response);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, fault.holdMs ?? 30_000).unref();
        response.once("close", () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.#held.delete(response);
      if (!response.destroyed) this.#send(response, 504, { error: "gateway_timeout" });
      return;
    }

    const limit = this.#options.rateLimits?.[operation];
    if (limit) {
      let bucket = this.#buckets.get(operation);
      if (!bucket) {
        bucket = new ServerBucket(limit, this.clock.now());
        this.#buckets.set(operation, bucket);
      }
      const verdict = bucket.tryTake(this.clock.now());
      if (!verdict.ok) {
        entry(429, "rate_limited", operation, verdict.retryAfterSeconds);
        this.#send(response, 429, this.#options.rateLimitedBody ?? { error: "rate_limited" }, {
          "retry-after": String(verdict.retryAfterSeconds),
        });
        return;
      }
    }

    if (
      !route.public &&
      (this.#revoked || (this.#options.authenticate && !this.#options.authenticate(request.headers)))
    ) {
      entry(401, "unauthorized", operation);
      this.#send(response, 401, this.#options.unauthorizedBody ?? { error: "unauthorized" });
      return;
    }

    let malformBudget = 0;
    const malformedFault = this.#faults.find(
      (candidate) =>
        candidate.kind === "malformed" && (candidate.operation === undefined || candidate.operation === operation),
    );
    if (malformedFault?.kind === "malformed") malformBudget = malformedFault.records;
    const simRequest: SimRequest = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: request.headers,
      body,
      operation,
      params,
      malform: (records, corrupt, idOf) => {
        if (!malformedFault || malformedFault.kind !== "malformed" || malformBudget === 0) return [...records];
        return records.map((record) => {
          if (malformBudget === 0) return record;
          malformBudget -= 1;
          malformedFault.records -= 1;
          if (malformedFault.records === 0) this.#faults.splice(this.#faults.indexOf(malformedFault), 1);
          this.malformedIds.push(idOf(record));
          return corrupt(record);
        });
      },
    };
    try {
      const result = await route.handle(simRequest);
      const status = result.status ?? 200;
      entry(status, status < 400 ? "ok" : "error", operation);
      this.#send(response, status, result.body ?? null, result.headers, request.headers["accept-encoding"]);
    } catch (error) {
      entry(500, "error", operation);
      this.#send(response, 500, {
        error: "simulator_error",
        message: error instanceof Error ? error.message : String(error),
      });
    }
  }

  #route(method: string, path: string): { route: SimRoute; params: Record<string, string> } | null {
    for (const route of this.#options.routes) {
      if (route.method !== method) continue;
      if (typeof route.path === "string") {
        if (route.path === path) return { route, params: {} };
        continue;
      }
      const found = route.path.exec(path);
      if (found) return { route, params: { ...found.groups } };
    }
    return null;
  }

  #takeFault(operation: string): Exclude<Fault, { kind: "malformed" }> | null {
    const index = this.#faults.findIndex(
      (fault) => fault.kind !== "malformed" && (fault.operation === undefined || fault.operation === operation),
    );
    if (index === -1) return null;
    const fault = this.#faults[index] as Exclude<Fault, { kind: "malformed" }>;
    const remaining = (fault.times ?? 1) - 1;
    if (remaining <= 0) this.#faults.splice(index, 1);
    else fault.times = remaining;
    return fault;
  }

  #send(
    response: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
    acceptEncoding?: string | string[],
  ): void {
    if (response.destroyed) return;
    let payload: Buffer = Buffer.from(typeof body === "string" ? body : JSON.stringify(body));
    const head: Record<string, string> = {
      "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8",
      ...headers,
    };
    // Channels compress large pages; exercising it keeps the client honest about bytes.
    if (payload.byteLength > 2_048 && String(acceptEncoding ?? "").includes("gzip")) {
      payload = gzipSync(payload);
      head["content-encoding"] = "gzip";
    }
    head["content-length"] = String(payload.byteLength);
    response.writeHead(status, head);
    response.end(payload);
  }
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  if (chunks.length === 0) return null;
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
