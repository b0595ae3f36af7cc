import { afterEach, describe, expect, it } from "vitest";
import { SimulatorServer, type SimRoute } from "../src/simulator/server.ts";
import { VirtualClock } from "../src/time.ts";

const items = Array.from({ length: 6 }, (_, index) => ({ id: `I-${index}`, price: "1.00" }));
const routes: SimRoute[] = [
  {
    method: "GET",
    path: "/items",
    operation: "listItems",
    handle: (request) => ({
      body: {
        items: request.malform(
          items,
          (item) => ({ ...item, price: null }),
          (item) => item.id,
        ),
      },
    }),
  },
  {
    method: "GET",
    path: /^\/items\/(?<id>[^/]+)$/,
    operation: "getItem",
    handle: (request) => ({ body: { id: request.params.id } }),
  },
  { method: "POST", path: "/token", operation: "token", public: true, handle: () => ({ body: { access_token: "t" } }) },
];

let server: SimulatorServer;
afterEach(async () => server.close());

async function start(clock = new VirtualClock(0)) {
  server = new SimulatorServer({
    clock,
    routes,
    rateLimits: { listItems: { ratePerSecond: 1, burst: 2 } },
    authenticate: (headers) => headers["x-api-key"] === "key-123456",
  });
  const url = await server.start();
  expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const get = (path: string, init: RequestInit = {}) =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { "x-api-key": "key-123456", ...(init.headers as Record<string, string>) },
    });
  return { clock, get };
}

describe("SimulatorServer", () => {
  it("routes exact and pattern paths, checks credentials, and lets public routes through", async () => {
    const { get } = await start();
    expect(await (await get("/items/I-3")).json()).toEqual({ id: "I-3" });
    expect((await get("/nope")).status).toBe(404);
    expect((await get("/items/I-1", { headers: { "x-api-key": "wrong" } })).status).toBe(401);
    server.revokeCredentials();
    expect((await get("/items/I-1")).status).toBe(401);
    expect((await get("/token", { method: "POST" })).status).toBe(200);
    server.restoreCredentials();
    expect((await get("/items/I-1")).status).toBe(200);
  });

  it("enforces its rate limit on the shared clock with 429 and Retry-After", async () => {
    const { get, clock } = await start();
    expect((await get("/items")).status).toBe(200);
    expect((await get("/items")).status).toBe(200);
    const limited = await get("/items");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    clock.advance(1_000);
    expect((await get("/items")).status).toBe(200);
    expect(server.rateLimitViolations).toBe(1);
    expect(server.log.map((entry) => entry.outcome)).toEqual(["ok", "ok", "rate_limited", "ok"]);
  });

  it("injects status, rate-limit, latency and timeout faults in order, for the targeted operation only", async () => {
    const { get } = await start();
    server.inject({ kind: "status", status: 503, operation: "getItem", times: 2 });
    server.inject({ kind: "rate_limit", retryAfterSeconds: 9, operation: "getItem" });
    server.inject({ kind: "latency", ms: 120, operation: "getItem" });
    expect((await get("/token", { method: "POST" })).status).toBe(200);
    expect((await get("/items/a")).status).toBe(503);
    expect((await get("/items/a")).status).toBe(503);
    const limited = await get("/items/a");
    expect([limited.status, limited.headers.get("retry-after")]).toEqual([429, "9"]);
    const started = performance.now();
    expect((await get("/items/a")).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    expect((await get("/items/a")).status).toBe(200);

    server.inject({ kind: "timeout", holdMs: 10_000 });
    const hung = await get("/items/a", { signal: AbortSignal.timeout(100) }).catch((error: unknown) => error);
    expect(hung).toBeInstanceOf(Error);
  });

  it("corrupts exactly the requested number of records, across responses, and records their ids", async () => {
    const { get, clock } = await start();
    server.inject({ kind: "malformed", records: 2 });
    const first = (await (await get("/items")).json()) as { items: Array<{ price: string | null }> };
    expect(first.items.filter((item) => item.price === null)).toHaveLength(2);
    clock.advance(5_000);
    const second = (await (await get("/items")).json()) as { items: Array<{ price: string | null }> };
    expect(second.items.filter((item) => item.price === null)).toHaveLength(0);
    expect(server.malformedIds).toEqual(["I-0", "I-1"]);
  });

  it("closes promptly even while holding a request open", async () => {
    const { get } = await start();
    server.inject({ kind: "timeout", holdMs: 60_000 });
    const pending = get("/items").catch(() => "closed");
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await server.close();
    expect(await pending).toBe("closed");
    expect(performance.now() - started).toBeLessThan(1_000);
  });
});
