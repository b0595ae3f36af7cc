import { afterEach, describe, expect, it } from "vitest";
import { ConnectorHttpError } from "../src/errors.ts";
import { CallBudget, HttpClient, HttpStats, parseRetryAfter, type HttpClientOptions } from "../src/http/client.ts";
import { TokenBucket } from "../src/http/token-bucket.ts";
import { SimulatorServer, type SimRoute } from "../src/simulator/server.ts";
import { VirtualClock } from "../src/time.ts";
import { fakeSecret } from "../src/simulator/secrets.ts";

const API_KEY = fakeSecret("key_");

const routes: SimRoute[] = [
  {
    method: "GET",
    path: "/items",
    operation: "listItems",
    handle: (request) => ({ body: { page: request.query.get("page") } }),
  },
  { method: "GET", path: "/other", operation: "other", handle: () => ({ body: { ok: true } }) },
  {
    method: "GET",
    path: "/big",
    operation: "big",
    handle: () => ({
      body: { items: Array.from({ length: 500 }, (_, index) => ({ id: index, name: `item ${index}` })) },
    }),
  },
  { method: "POST", path: "/echo", operation: "echo", handle: (request) => ({ body: { received: request.body } }) },
  {
    method: "GET",
    path: "/leaky",
    operation: "leaky",
    handle: (request) => ({
      status: 400,
      body: {
        error: "bad request",
        echo: request.headers.authorization,
        access_token: "tok_abcdef123456",
        note: `key was ${API_KEY}`,
      },
    }),
  },
];

let servers: SimulatorServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
});

async function setup(
  options: Partial<HttpClientOptions> = {},
  serverLimits: Record<string, { ratePerSecond: number; burst: number }> = {},
) {
  const clock = new VirtualClock("2026-01-01T00:00:00.000Z");
  const server = new SimulatorServer({
    clock,
    routes,
    rateLimits: serverLimits,
    authenticate: (headers) => headers.authorization === `Bearer ${API_KEY}`,
  });
  servers.push(server);
  await server.start();
  const budget = new CallBudget(1_000);
  const stats = new HttpStats();
  const client = new HttpClient(
    {
      baseUrl: `${server.url}/`,
      headers: { authorization: `Bearer ${API_KEY}` },
      secrets: [API_KEY],
      timeoutMs: 250,
      maxRetries: 3,
      backoff: { initialMs: 100, maxMs: 1_000 },
      ...options,
    },
    { clock, budget, stats, random: () => 1 },
  );
  return { clock, server, client, stats, budget };
}

describe("HttpClient", () => {
  it("never exceeds the documented rate and burst, waiting on the token bucket instead", async () => {
    const limit = { ratePerSecond: 2, burst: 3 };
    const { client, server, clock, stats } = await setup({ rateLimits: { listItems: limit } }, { listItems: limit });
    const started = clock.now();
    for (let page = 0; page < 13; page += 1) await client.getJson("listItems", "items", { page });
    expect(server.rateLimitViolations).toBe(0);
    expect(stats.throttled).toBe(0);
    // 3 calls from the burst, the other 10 paced at 2/s.
    expect(clock.now() - started).toBeGreaterThanOrEqual(5_000);
    expect(clock.now() - started).toBeLessThan(5_100);
    expect(stats.rateLimitWaitMs).toBeGreaterThanOrEqual(5_000);
    expect(stats.calls).toBe(13);
  });

  it("gets 429s when configured above the channel's limit, then honours them", async () => {
    const { client, server, stats } = await setup(
      { rateLimits: { listItems: { ratePerSecond: 50, burst: 10 } }, maxRetries: 10 },
      { listItems: { ratePerSecond: 1, burst: 2 } },
    );
    for (let page = 0; page < 5; page += 1) await client.getJson("listItems", "items", { page });
    expect(server.rateLimitViolations).toBeGreaterThan(0);
    expect(stats.throttled).toBe(server.rateLimitViolations);
    const served = server.log.filter((entry) => entry.outcome === "ok");
    expect(served).toHaveLength(5);
    server.log.forEach((entry, index) => {
      if (entry.outcome !== "rate_limited") return;
      const next = server.log[index + 1];
      expect(next, "a retry follows every 429").toBeDefined();
      expect((next?.at ?? 0) - entry.at).toBeGreaterThanOrEqual((entry.retryAfterSeconds ?? 0) * 1000);
    });
  });

  it("waits at least Retry-After (seconds or HTTP date) and pauses the whole operation", async () => {
    const { client, server, clock, stats } = await setup();
    server.inject({ kind: "rate_limit", retryAfterSeconds: 30, operation: "listItems" });
    const started = clock.now();
    await expect(client.getJson("listItems", "items")).resolves.toEqual({ page: null });
    expect(clock.now() - started).toBeGreaterThanOrEqual(30_000);
    const [throttled, retried] = server.log;
    expect(throttled?.status).toBe(429);
    expect((retried?.at ?? 0) - (throttled?.at ?? 0)).toBeGreaterThanOrEqual(30_000);
    expect(stats.throttled).toBe(1);
    expect(stats.retried).toBe(1);

    expect(parseRetryAfter("2", 0)).toBe(2_000);
    expect(parseRetryAfter("0.5", 0)).toBe(500);
    expect(parseRetryAfter("Thu, 01 Jan 2026 00:01:00 GMT", Date.UTC(2026, 0, 1))).toBe(60_000);
    expect(parseRetryAfter("soon", 0)).toBeNull();
    expect(parseRetryAfter(null, 0)).toBeNull();
  });

  it("fails fast instead of parking a run on an unreasonable Retry-After", async () => {
    const { client, server, clock } = await setup({ maxRetryAfterMs: 60_000 });
    server.inject({ kind: "rate_limit", retryAfterSeconds: 3_600 });
    const error = await client.getJson("listItems", "items").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConnectorHttpError);
    expect((error as ConnectorHttpError).kind).toBe("rate_limited");
    expect((error as ConnectorHttpError).retryAfterMs).toBe(3_600_000);
    expect(clock.sleptMs).toBe(0);
  });

  it("retries 5xx with exponential backoff and gives up after maxRetries", async () => {
    const { client, server, clock, stats } = await setup({ maxRetries: 3, backoff: { initialMs: 100, maxMs: 250 } });
    server.inject({ kind: "status", status: 503, times: 10, body: { message: "upstream down" } });
    const error = (await client.getJson("listItems", "items").catch((caught: unknown) => caught)) as ConnectorHttpError;
    expect(error).toBeInstanceOf(ConnectorHttpError);
    expect(error).toMatchObject({ kind: "server", status: 503, attempts: 4, operation: "listItems", method: "GET" });
    expect(error.body).toContain("upstream down");
    expect(server.log).toHaveLength(4);
    // random() = 1 gives the ceiling of each full-jitter delay: 100, 200, then capped at 250.
    expect(clock.sleptMs).toBe(100 + 200 + 250);
    expect(stats.retried).toBe(3);
    expect(stats.failures).toBe(1);
  });

  it("retries a timeout and reports one that never ends", async () => {
    const { client, server, stats } = await setup({ timeoutMs: 150, maxRetries: 1 });
    server.inject({ kind: "timeout", holdMs: 5_000 });
    await expect(client.getJson("listItems", "items")).resolves.toEqual({ page: null });
    expect(stats.timeouts).toBe(1);

    server.inject({ kind: "timeout", holdMs: 5_000, times: 2 });
    const error = (await client.getJson("listItems", "items").catch((caught: unknown) => caught)) as ConnectorHttpError;
    expect(error).toMatchObject({ kind: "timeout", attempts: 2, status: null });
    expect(stats.timeouts).toBe(3);
  });

  it("does not retry other 4xx, and maps 401 to an auth error", async () => {
    const { client, server } = await setup();
    const badRequest = (await client
      .getJson("leaky", "leaky")
      .catch((caught: unknown) => caught)) as ConnectorHttpError;
    expect(badRequest).toMatchObject({ kind: "client", status: 400, attempts: 1 });
    server.revokeCredentials();
    const unauthorized = (await client
      .getJson("listItems", "items")
      .catch((caught: unknown) => caught)) as ConnectorHttpError;
    expect(unauthorized).toMatchObject({ kind: "auth", status: 401, attempts: 1 });
    expect(server.log).toHaveLength(2);
  });

  it("redacts secrets from error bodies, URLs and messages", async () => {
    const { client } = await setup();
    const error = (await client
      .request({ operation: "leaky", path: "leaky", query: { api_key: API_KEY, page: 2 } })
      .catch((caught: unknown) => caught)) as ConnectorHttpError;
    const exposed = JSON.stringify(error.toJSON()) + error.message;
    expect(exposed).not.toContain(API_KEY);
    expect(exposed).not.toContain("tok_abcdef123456");
    expect(error.url).toContain("api_key=[REDACTED]");
    expect(error.url).toContain("page=2");
    expect(error.body).toContain("[REDACTED]");
    expect(error.body).toContain("bad request");
  });

  it("stops at the run's call budget, retries included", async () => {
    const { server } = await setup();
    const clock = new VirtualClock();
    const budget = new CallBudget(3);
    const client = new HttpClient(
      { baseUrl: server.url, headers: { authorization: `Bearer ${API_KEY}` }, maxRetries: 5 },
      { clock, budget, random: () => 0.5 },
    );
    server.inject({ kind: "status", status: 500 });
    await client.getJson("listItems", "items");
    await client.getJson("listItems", "items");
    const error = (await client.getJson("listItems", "items").catch((caught: unknown) => caught)) as ConnectorHttpError;
    expect(error).toMatchObject({ kind: "budget_exhausted", attempts: 0 });
    expect(budget.used).toBe(3);
    expect(server.log).toHaveLength(3);
  });

  it("counts calls, bytes (compressed pages included) and sends JSON bodies", async () => {
    const { client, stats } = await setup();
    const big = await client.getJson<{ items: unknown[] }>("big", "/big");
    expect(big.items).toHaveLength(500);
    const echoed = await client.request({
      operation: "echo",
      method: "POST",
      path: "echo",
      body: { sku: "A-1", qty: 2 },
    });
    expect(echoed.body).toEqual({ received: { sku: "A-1", qty: 2 } });
    expect(stats.calls).toBe(2);
    expect(stats.bytes).toBeGreaterThan(10_000);
    expect(stats.snapshot().byOperation).toMatchObject({ big: { calls: 1 }, echo: { calls: 1 } });
  });

  it("aborts a Retry-After wait as soon as the run is cancelled", async () => {
    const { server } = await setup();
    const controller = new AbortController();
    const client = new HttpClient(
      { baseUrl: server.url, headers: { authorization: `Bearer ${API_KEY}` } },
      { signal: controller.signal },
    );
    server.inject({ kind: "rate_limit", retryAfterSeconds: 60 });
    const pending = client.getJson("listItems", "items");
    setTimeout(() => controller.abort(new Error("run cancelled")), 50);
    const started = Date.now();
    await expect(pending).rejects.toThrow("run cancelled");
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("rejects invalid configuration up front", () => {
    expect(
      () => new HttpClient({ baseUrl: "http://127.0.0.1", rateLimits: { x: { ratePerSecond: 0, burst: 1 } } }),
    ).toThrow(/ratePerSecond/);
    expect(() => new HttpClient({ baseUrl: "http://127.0.0.1", maxRetries: -1 })).toThrow(/maxRetries/);
  });
});

describe("TokenBucket", () => {
  it("starts full, refills at its rate and serves waiters in order", async () => {
    const clock = new VirtualClock(0);
    const bucket = new TokenBucket({ ratePerSecond: 4, burst: 2 }, clock);
    const order: number[] = [];
    await Promise.all([1, 2, 3, 4].map((id) => bucket.take().then(() => order.push(id))));
    expect(order).toEqual([1, 2, 3, 4]);
    expect(clock.now()).toBe(500);
  });

  it("after a pause, allows exactly one call at the pause's end, then paces", async () => {
    const clock = new VirtualClock(0);
    const bucket = new TokenBucket({ ratePerSecond: 1, burst: 5 }, clock);
    bucket.pauseUntil(10_000);
    await bucket.take();
    expect(clock.now()).toBe(10_000);
    await bucket.take();
    expect(clock.now()).toBe(11_000);
  });
});
