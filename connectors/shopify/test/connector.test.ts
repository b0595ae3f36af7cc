import { ConfigError, MemorySink, runSync, checkConnection, type ChannelOrder } from "@crosschannel/connector-sdk";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import {
  CrashingSink,
  sortedByKey,
  startedSimulators,
  streamKey,
  syncAgainst,
} from "@crosschannel/connector-sdk/testing";
import { describe, expect, it } from "vitest";
import { jsonlLines, RangeFetcher } from "../src/bulk.ts";
import { readProductCosts, splitShopifySettings } from "../src/index.ts";
import { shopifyConnector, type ShopifyCheckpoint } from "../src/connector.ts";
import { marketplaceOfNormalizedOrder } from "../src/mappers.ts";
import { ShopifySimulator, type ShopifySimulatorOptions } from "../src/simulator/index.ts";
import { fakeSecret } from "@crosschannel/connector-sdk/simulator";

const ACCESS_TOKEN = fakeSecret("shpat_", 16);

const started = startedSimulators((options: ShopifySimulatorOptions) => new ShopifySimulator({ seed: 7, ...options }));
const key = (stream: "orders" | "listings" | "inventory") => streamKey("shopify", stream);
const sorted = sortedByKey;
const sync = (
  sim: ShopifySimulator,
  stream: "orders" | "listings" | "inventory",
  sink: MemorySink,
  config: unknown = sim.config(),
) => syncAgainst(shopifyConnector, sim, stream, sink, { config });

describe("Shopify connector against the simulator", () => {
  it("reads through bulk operations: groupObjects, the updated_at filter, then nothing new on the next run", async () => {
    const sim = await started();
    const sink = new MemorySink();
    const first = await sync(sim, "orders", sink);
    expect(first.error).toBeNull();
    expect(first.pages).toBeGreaterThan(1);
    expect(sink.records(key("orders"))).toEqual(sorted(sim.expectedRecords("orders"), ["externalId"]));
    const checkpoint = first.checkpoint as ShopifyCheckpoint;
    expect(checkpoint.bulk).toBeNull();
    const newest = (sim.expectedRecords("orders") as ChannelOrder[])
      .map((order) => order.updatedAt)
      .sort()
      .at(-1);
    expect(checkpoint.since).toBe(newest);

    // The 24-month backfill window bounds the first query.
    expect(sim.bulkQueries).toHaveLength(1);
    expect(sim.bulkQueries[0]).toMatch(/updated_at:>='2024-03-22T00:00:00Z'/);
    // The next run is recent: one GraphQL page from the checkpoint, nothing new.
    const second = await sync(sim, "orders", sink);
    expect(second.error).toBeNull();
    expect(second.recordsCommitted).toBe(0);
    expect(sim.bulkQueries).toHaveLength(1);
    expect(sim.pageQueries).toBe(1);
    // An old checkpoint goes back to a bulk operation, filtered on it.
    const old = await runSync({
      connector: shopifyConnector,
      stream: "orders",
      sink: new MemorySink(),
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
      startDate: "2026-03-10T08:30:00.250Z",
    });
    expect(old.error).toBeNull();
    expect(sim.bulkQueries[1]).toContain("updated_at:>='2026-03-10T08:30:00Z'");
    expect(old.recordsCommitted).toBe(
      (sim.expectedRecords("orders") as ChannelOrder[]).filter((order) => order.updatedAt >= "2026-03-10T08:30:00.250Z")
        .length,
    );
    expect(sim.throttledAnswers).toBe(0);
    expect(sim.server.rateLimitViolations).toBe(0);
  });

  it("honours backfillMonths: orders last updated before the window are not read", async () => {
    const sim = await started({
      merchant: new MerchantDataset({ seed: 7, start: "2026-01-01", days: 70, skus: 12, ordersPerDay: 8 }),
    });
    const sink = new MemorySink();
    const result = await sync(sim, "orders", sink, { ...sim.config(), backfillMonths: 1 });
    expect(result.error).toBeNull();
    const cutoffDate = new Date(sim.asOf);
    cutoffDate.setUTCMonth(cutoffDate.getUTCMonth() - 1);
    const cutoff = cutoffDate.toISOString();
    expect(cutoff).toBe("2026-02-12T00:00:00.000Z");
    const expected = (sim.expectedRecords("orders") as ChannelOrder[]).filter((order) => order.updatedAt >= cutoff);
    const all = sim.expectedRecords("orders");
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    expect(sink.records(key("orders"))).toEqual(sorted(expected, ["externalId"]));
  });

  it("keeps Shopify's cost bucket: waits for points instead of being THROTTLED", async () => {
    const sim = await started({ costBucket: { maximumAvailable: 10, restoreRate: 1 } });
    const sink = new MemorySink();
    const before = sim.clock.now();
    const result = await sync(sim, "listings", sink);
    expect(result.error).toBeNull();
    expect(sink.records(key("listings"))).toEqual(sorted(sim.expectedRecords("listings"), ["externalId"]));
    expect(sim.throttledAnswers).toBe(0);
    expect(result.http.rateLimitWaitMs).toBeGreaterThan(0);
    expect(sim.clock.now() - before).toBeGreaterThanOrEqual(1_000);
  });

  it("recovers from a THROTTLED answer when another app drained the bucket", async () => {
    const sim = await started({ costBucket: { maximumAvailable: 50, restoreRate: 2 } });
    sim.drainCostBucket();
    const sink = new MemorySink();
    const result = await sync(sim, "inventory", sink);
    expect(result.error).toBeNull();
    expect(sim.throttledAnswers).toBe(1);
    expect(result.http.throttled).toBe(1);
    expect(sink.records(key("inventory"))).toEqual(sorted(sim.expectedRecords("inventory"), ["sku", "locationId"]));
  });

  it("recognizes orders Marketplace Connect imported from Amazon, and only those", async () => {
    const merchant = new MerchantDataset({ seed: "mc", start: "2026-03-01", days: 14, skus: 20, ordersPerDay: 40 });
    const sim = await started({ merchant, marketplaceImportEvery: 4 });
    const sink = new MemorySink();
    expect((await sync(sim, "orders", sink)).error).toBeNull();
    const orders = sink.records<ChannelOrder>(key("orders"));
    const imports = sim.marketplaceImports();
    expect(imports.length).toBeGreaterThanOrEqual(6);
    const flagged = orders.filter((order) => marketplaceOfNormalizedOrder(order) === "amazon");
    expect(flagged.map((order) => order.externalId).sort()).toEqual(
      imports.map((entry) => entry.shopifyOrderId).sort(),
    );
    expect(orders.filter((order) => marketplaceOfNormalizedOrder(order) === undefined).length).toBe(
      orders.length - imports.length,
    );
    // The same merchant's Amazon orders, line for line and SKU for SKU: counted once, under Amazon.
    const amazon = new Map(
      [...merchant.orders({ channel: "amazon" })].map((order) => [order.id, order.lines.map((line) => line.sku)]),
    );
    for (const entry of imports) {
      const order = flagged.find((candidate) => candidate.externalId === entry.shopifyOrderId);
      expect(order?.lines.map((line) => line.sku)).toEqual(amazon.get(entry.amazonDatasetOrderId));
    }
  });

  it("reads unit costs for the master catalog, aligned by SKU with the dataset catalog", async () => {
    const sim = await started();
    const pages = [];
    for await (const page of readProductCosts({
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
    })) {
      pages.push(...page);
    }
    expect(sorted(pages, ["sku"])).toEqual(sorted(sim.expectedCosts(), ["sku"]));
    for (const cost of pages) {
      const product = sim.merchant.product(cost.sku);
      expect(cost.unitCost).toBe((product.unitCostMinor / 100).toFixed(2));
    }
  });

  it("check names the shop and rejects a token of another shop", async () => {
    const sim = await started();
    const ok = await checkConnection(shopifyConnector, {
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    expect(ok).toEqual({ ok: true, accountName: "Northwind Goods (northwind-goods.myshopify.com)" });
    const other = await checkConnection(shopifyConnector, {
      config: { ...sim.config(), shopDomain: "someone-else.myshopify.com" },
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    expect(other.ok).toBe(false);
    if (!other.ok) {
      expect(other.error).toBeInstanceOf(ConfigError);
      expect(other.message).toContain("config.shopDomain");
    }
  });
});

describe("splitShopifySettings", () => {
  it("splits the CLI settings file into validated config and credentials with defaults", () => {
    expect(
      splitShopifySettings(
        { accessToken: ACCESS_TOKEN, adminApiBaseUrl: "http://127.0.0.1:4010" },
        "northwind.myshopify.com",
      ),
    ).toEqual({
      config: {
        shopDomain: "northwind.myshopify.com",
        adminApiBaseUrl: "http://127.0.0.1:4010",
        apiVersion: "2026-10",
        backfillMonths: 24,
      },
      credentials: { accessToken: ACCESS_TOKEN },
    });
    expect(splitShopifySettings({ accessToken: ACCESS_TOKEN }, "northwind.myshopify.com").config).not.toHaveProperty(
      "adminApiBaseUrl",
    );
  });

  it("names each bad field and never echoes the token", () => {
    let caught: unknown;
    try {
      splitShopifySettings({ accessToken: "short", adminApiBaseUrl: "not a url" }, "Northwind Goods");
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const message = (caught as ConfigError).message;
    expect(message).toContain("config.shopDomain");
    expect(message).toContain("config.adminApiBaseUrl");
    let credentialError: unknown;
    try {
      splitShopifySettings({ accessToken: "short" }, "northwind.myshopify.com");
    } catch (error) {
      credentialError = error;
    }
    expect((credentialError as ConfigError).message).toContain("credentials.accessToken");
    expect((credentialError as ConfigError).message).not.toContain("short");
  });
});

describe("bulk results", () => {
  it("downloads through retries and Retry-After, and never sends the access token to storage", async () => {
    const sim = await started();
    sim.server.inject({ kind: "status", status: 503, operation: "bulkResult" });
    sim.server.inject({ kind: "rate_limit", retryAfterSeconds: 9, operation: "bulkResult" });
    const sink = new MemorySink();
    const result = await sync(sim, "orders", sink);
    expect(result.error).toBeNull();
    expect(sink.records(key("orders"))).toEqual(sorted(sim.expectedRecords("orders"), ["externalId"]));
    expect(result.http.byOperation.bulkResult).toMatchObject({ retried: 2, throttled: 1 });
    const downloads = sim.server.log.filter((entry) => entry.operation === "bulkResult");
    const limited = downloads.findIndex((entry) => entry.status === 429);
    expect((downloads[limited + 1]?.at ?? 0) - (downloads[limited]?.at ?? 0)).toBeGreaterThanOrEqual(9_000);
    expect(sim.downloadsWithToken).toBe(0);
    expect(result.http.calls).toBe(sim.server.log.length);
  });

  it("restarts from the checkpoint's `since` when the result being resumed has expired", async () => {
    const sim = await started();
    const store = new MemorySink();
    const crashed = await runSync({
      connector: shopifyConnector,
      stream: "orders",
      sink: new CrashingSink(store, 1, "after-commit"),
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    expect(crashed.status).toBe("failed");
    const saved = (await store.loadCheckpoint(key("orders"))) as ShopifyCheckpoint | null;
    expect(saved?.bulk?.offset ?? 0).toBeGreaterThan(0);
    sim.expireBulkResults();
    const resumed = await sync(sim, "orders", store);
    expect(resumed.error).toBeNull();
    expect(sim.bulkQueries).toHaveLength(2);
    expect(store.records(key("orders"))).toEqual(sorted(sim.expectedRecords("orders"), ["externalId"]));
  });
});

describe("incremental reads page by page", () => {
  const recentStart = (sim: ShopifySimulator) => new Date(Date.parse(sim.asOf) - 2 * 86_400_000).toISOString();
  const recentOrders = (sim: ShopifySimulator, since: string) =>
    sorted(
      (sim.expectedRecords("orders") as ChannelOrder[]).filter((order) => order.updatedAt >= since),
      ["externalId"],
    );
  const incremental = (sim: ShopifySimulator, sink: RecordSinkLike) =>
    runSync({
      connector: shopifyConnector,
      stream: "orders",
      sink,
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
      startDate: recentStart(sim),
    });
  type RecordSinkLike = Parameters<typeof runSync>[0]["sink"];

  it("reads a recent checkpoint with sorted GraphQL pages paid from the cost bucket, no bulk operation", async () => {
    const sim = await started();
    const sink = new MemorySink();
    const result = await incremental(sim, sink);
    expect(result.error).toBeNull();
    const expected = recentOrders(sim, recentStart(sim));
    expect(expected.length).toBeGreaterThan(20);
    expect(sink.records(key("orders"))).toEqual(expected);
    expect(sim.bulkQueries).toEqual([]);
    expect(sim.pageQueries).toBeGreaterThanOrEqual(Math.ceil(expected.length / 10));
    expect(sim.throttledAnswers).toBe(0);
    // 832-point pages from a 2,000-point bucket restoring 100/s: the client had to wait.
    expect(result.http.rateLimitWaitMs).toBeGreaterThan(0);
    const again = await incremental(sim, sink);
    expect(again.recordsCommitted).toBe(0);
  });

  it("resumes exactly after a crash before or after any page", async () => {
    const sim = await started();
    const probe = await incremental(sim, new MemorySink());
    const expected = recentOrders(sim, recentStart(sim));
    expect(probe.pages).toBeGreaterThan(2);
    for (let page = 1; page <= probe.pages; page += 1) {
      for (const when of ["before-commit", "after-commit"] as const) {
        const store = new MemorySink();
        const crashed = await incremental(sim, new CrashingSink(store, page, when));
        expect(crashed.status).toBe("failed");
        const resumed = await incremental(sim, store);
        expect(resumed.error).toBeNull();
        expect(store.records(key("orders"))).toEqual(expected);
        expect(store.stats(key("orders")).deliveries, `${when} page ${page}`).toBe(expected.length);
      }
    }
  });

  it("hands over to a bulk operation when an order has more line items than a page reads", async () => {
    const sim = await started({ pageLineItemLimit: 1 });
    const sink = new MemorySink();
    const result = await incremental(sim, sink);
    expect(result.error).toBeNull();
    expect(sim.bulkQueries).toHaveLength(1);
    expect(sink.records(key("orders"))).toEqual(recentOrders(sim, recentStart(sim)));
    expect(sink.stats(key("orders")).duplicates).toBe(0);
  });
});

describe("simulator fidelity", () => {
  it("serves bulk results in byte ranges: small ranges give exactly the lines of one big read", async () => {
    const sim = await started();
    expect((await sync(sim, "orders", new MemorySink())).error).toBeNull();
    const url = `${sim.server.url}/bulk-results/1.jsonl`;
    const { HttpClient } = await import("@crosschannel/connector-sdk");
    const fetcher = new RangeFetcher({
      accounting: new HttpClient({ baseUrl: sim.server.url }, { clock: sim.clock }),
      clock: sim.clock,
      rateLimit: { ratePerSecond: 1_000, burst: 1_000 },
    });
    const read = async (chunk: number) => {
      const lines = [];
      for await (const line of jsonlLines(fetcher, url, 0, chunk)) lines.push(line);
      return lines;
    };
    const whole = await read(16 * 1024 * 1024);
    const ranged = await read(700);
    expect(whole.length).toBeGreaterThan(300);
    expect(ranged).toEqual(whole);
    const requests = sim.server.log.filter((entry) => entry.operation === "bulkResult" && entry.status === 206);
    expect(requests.length).toBeGreaterThan(100);
  });

  it("refuses a bulk query with a connection inside a list field, as Shopify does", async () => {
    const sim = await started();
    const response = await fetch(`${sim.server.url}/admin/api/2026-10/graphql.json`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-shopify-access-token": sim.credentials().accessToken },
      body: JSON.stringify({
        query: "mutation BulkRun($query: String!) { bulkOperationRunQuery(query: $query) { bulkOperation { id } } }",
        variables: {
          query: "{ orders { edges { node { id refunds { refundLineItems(first: 5) { nodes { quantity } } } } } } }",
        },
      }),
    });
    const body = (await response.json()) as { data: { bulkOperationRunQuery: { userErrors: { message: string }[] } } };
    expect(body.data.bulkOperationRunQuery.userErrors[0]?.message).toMatch(/connection field within a list field/);
  });
});
