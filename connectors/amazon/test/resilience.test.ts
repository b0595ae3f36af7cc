import { MemorySink, runSync, type RecordSink, type StreamName } from "@crosschannel/connector-sdk";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { afterEach, describe, expect, it } from "vitest";
import { amazonConnector, createSellingPartner, ENDPOINT_VERSIONS, type FeesCheckpoint } from "../src/index.ts";
import { AmazonSimulator, type AmazonSimulatorOptions } from "../src/simulator/index.ts";
import { fakeSecret } from "@crosschannel/connector-sdk/simulator";

const simulators: AmazonSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((sim) => sim.close()));
});
async function started(options: AmazonSimulatorOptions = {}) {
  const sim = new AmazonSimulator(options);
  simulators.push(sim);
  await sim.start();
  return sim;
}
const key = (stream: StreamName) => ({ connectionId: null, connectorId: "amazon", stream });
const byId = (records: unknown[], field: string) =>
  [...records].sort((a, b) =>
    String((a as Record<string, unknown>)[field]) < String((b as Record<string, unknown>)[field]) ? -1 : 1,
  );
const sync = (
  sim: AmazonSimulator,
  stream: StreamName,
  sink: RecordSink,
  extra: Partial<Parameters<typeof runSync>[0]> = {},
) =>
  runSync({
    connector: amazonConnector,
    stream,
    sink,
    config: sim.config(),
    credentials: sim.credentials(),
    clock: sim.clock,
    ...extra,
  });

describe("amazon-sp-api as the request builder", () => {
  it("resolves every operation the connector uses in the explicitly pinned versions", () => {
    const sp = createSellingPartner({
      region: "na",
      clientId: fakeSecret("amzn1.application-oa2-client.", 8),
      clientSecret: fakeSecret("amzn1.oa2-cs.v1."),
      refreshToken: fakeSecret("Atzr|"),
    });
    const build = (endpoint: keyof typeof ENDPOINT_VERSIONS, operation: string, path?: Record<string, string>) =>
      sp.endpoints[endpoint]?.[ENDPOINT_VERSIONS[endpoint]]?.[operation]?.({ path });
    expect(build("orders", "searchOrders")).toMatchObject({ method: "GET", api_path: "/orders/2026-01-01/orders" });
    expect(build("reports", "createReport")).toMatchObject({ method: "POST", api_path: "/reports/2021-06-30/reports" });
    expect(build("reports", "getReportDocument", { reportDocumentId: "amzn1.spdoc.1/x" })?.api_path).toBe(
      "/reports/2021-06-30/documents/amzn1.spdoc.1%2Fx",
    );
    expect(build("fbaInventory", "getInventorySummaries")?.api_path).toBe("/fba/inventory/v1/summaries");
    expect(build("listingsItems", "searchListingsItems", { sellerId: "A2EXAMPLE" })?.api_path).toBe(
      "/listings/2021-08-01/items/A2EXAMPLE",
    );
    expect(build("finances", "listFinancialEvents")?.api_path).toBe("/finances/v0/financialEvents");
    // v0 getOrders is not reachable through the pinned orders version.
    expect(sp.endpoints.orders?.[ENDPOINT_VERSIONS.orders]?.getOrders).toBeUndefined();
  });
});

describe("tokens", () => {
  it("refreshes an access token Amazon says has expired, once, and goes on", async () => {
    const sim = await started();
    const store = new MemorySink();
    let commits = 0;
    const expiring: RecordSink = {
      loadCheckpoint: (streamKey) => store.loadCheckpoint(streamKey),
      commitPage: async (page) => {
        await store.commitPage(page);
        commits += 1;
        if (commits === 1) sim.expireAccessTokens();
      },
    };
    const result = await sync(sim, "listings", expiring);
    expect(result.error).toBeNull();
    expect(result.pages).toBeGreaterThan(1);
    expect(result.http.byOperation.lwaToken?.calls).toBe(2);
    expect(sim.server.log.filter((entry) => entry.status === 403)).toHaveLength(1);
    expect(store.records(key("listings"))).toEqual(byId(sim.expectedRecords("listings"), "sku"));
  });

  it("reads the window again when a stored searchOrders paginationToken has expired (24 h)", async () => {
    const merchant = new MerchantDataset({ seed: "tokens", start: "2026-02-01", days: 20, skus: 40, ordersPerDay: 60 });
    // The API shows a world frozen at asOf: the first run must not read past it before it moves.
    const asOf = "2026-02-08T00:00:00.000Z";
    const sim = await started({ merchant, asOf, now: asOf, reportProcessingMs: 0, backfillMonths: 3 });
    const store = new MemorySink();
    const first = await sync(sim, "orders", store);
    expect(first.error).toBeNull();
    expect((first.checkpoint as { from: string }).from <= asOf).toBe(true);
    sim.setAsOf("2026-02-12T00:00:00.000Z");

    const controller = new AbortController();
    const cancelling: RecordSink = {
      loadCheckpoint: (streamKey) => store.loadCheckpoint(streamKey),
      commitPage: async (page) => {
        await store.commitPage(page);
        controller.abort(new Error("stop after one page"));
      },
    };
    const cancelled = await sync(sim, "orders", cancelling, { signal: controller.signal });
    expect(cancelled.status).toBe("cancelled");
    expect(cancelled.checkpoint).toMatchObject({ phase: "incremental", window: { token: expect.any(String) } });
    expect((cancelled.checkpoint as { window: { token: string } }).window.token).not.toBe("");

    sim.clock.advance(25 * 3_600_000);
    const resumed = await sync(sim, "orders", store);
    expect(resumed.error).toBeNull();
    expect(sim.server.log.filter((entry) => entry.status === 400)).toHaveLength(1);
    expect(store.records(key("orders"))).toEqual(byId(sim.expectedRecords("orders"), "externalId"));
    // The orders the first page delivered were skipped when the window was read again.
    expect(resumed.recordsCommitted).toBeGreaterThan(0);
    expect(store.stats(key("orders")).duplicates).toBe(0);
  });

  it("reads a Finances window again when its stored NextToken is refused", async () => {
    const sim = await started();
    const store = new MemorySink();
    const now = sim.clock.now();
    const checkpoint: FeesCheckpoint = {
      postedAfter: new Date(now - 200 * 86_400_000).toISOString(),
      postedBefore: new Date(now - 186 * 86_400_000).toISOString(),
      token: "bm90LWEtdG9rZW4",
    };
    await store.commitPage({
      ...key("fees"),
      runId: "seed",
      pageNumber: 1,
      records: [],
      primaryKey: ["externalId"],
      quarantined: [],
      checkpoint,
    });
    const result = await sync(sim, "fees", store);
    expect(result.error).toBeNull();
    expect(sim.server.log.filter((entry) => entry.status === 400)).toHaveLength(1);
    expect(store.records(key("fees"))).toEqual(byId(sim.expectedRecords("fees"), "externalId"));
  });
});
