import { afterEach, describe, expect, it } from "vitest";
import { ConfigError, ConnectorHttpError } from "../src/errors.ts";
import { MerchantDataset } from "../src/simulator/dataset.ts";
import { checkConnection, runSync } from "../src/sync/engine.ts";
import { MemorySink, primaryKeyOf } from "../src/sync/sink.ts";
import { acmeConnector } from "./acme-connector.ts";
import { AcmeSimulator } from "./acme-simulator.ts";

const merchant = new MerchantDataset({ seed: "multi", start: "2026-03-01", days: 7, skus: 20, ordersPerDay: 60 });
const simulators: AcmeSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((sim) => sim.close()));
});

async function started(options: ConstructorParameters<typeof AcmeSimulator>[0] = {}) {
  const sim = new AcmeSimulator({ merchant, ...options });
  simulators.push(sim);
  await sim.start();
  return sim;
}

const byKey = (records: unknown[], primaryKey: readonly string[]) =>
  [...records].sort((a, b) => (primaryKeyOf(a, primaryKey) < primaryKeyOf(b, primaryKey) ? -1 : 1));

describe("Acme connector", () => {
  it.each(["shopify", "amazon", "bestbuy"])("reads the same merchant's %s orders and fees exactly", async (channel) => {
    const sim = await started({ channel });
    for (const stream of ["orders", "fees"] as const) {
      const sink = new MemorySink();
      const result = await runSync({
        connector: acmeConnector,
        stream,
        sink,
        config: sim.config(),
        credentials: sim.credentials(),
        clock: sim.clock,
      });
      expect(result.error).toBeNull();
      const primaryKey = acmeConnector.stream(stream).primaryKey;
      const key = { connectionId: null, connectorId: "acme", stream };
      expect(sink.records(key)).toEqual(byKey(sim.expectedRecords(stream), primaryKey));
      const currency = channel === "bestbuy" ? "CAD" : "USD";
      expect((sink.records(key) as Array<{ currency: string }>).every((record) => record.currency === currency)).toBe(
        true,
      );
    }
  });

  it("maps Acme's wire quirks: pending orders without prices, offset timestamps, minor units", async () => {
    const sim = await started({ channel: "amazon", seed: 42, merchant: undefined });
    const sink = new MemorySink();
    await runSync({
      connector: acmeConnector,
      stream: "orders",
      sink,
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    const orders = sink.records<{
      status: string;
      rawStatus: string;
      pricesKnown: boolean;
      total: string | null;
      lines: Array<{ unitPrice: string | null }>;
      refunds: Array<{ createdAt: string }>;
    }>({ connectionId: null, connectorId: "acme", stream: "orders" });
    const pending = orders.filter((order) => !order.pricesKnown);
    expect(pending.length).toBeGreaterThan(0);
    for (const order of pending) {
      expect(order.total).toBeNull();
      expect(order.lines.every((line) => line.unitPrice === null)).toBe(true);
    }
    expect(orders.some((order) => order.status === "pending" && order.rawStatus === "WAITING_ACCEPTANCE")).toBe(true);
    const refundTimes = orders.flatMap((order) => order.refunds.map((refund) => refund.createdAt));
    expect(refundTimes.length).toBeGreaterThan(0);
    expect(refundTimes.every((time) => time.endsWith(".000Z"))).toBe(true);
  });

  it("reports the run's HTTP counters and stops at its call budget", async () => {
    const sim = await started();
    const settings = { config: sim.config(), credentials: sim.credentials(), clock: sim.clock };
    const complete = await runSync({ connector: acmeConnector, stream: "orders", sink: new MemorySink(), ...settings });
    expect(complete.http.calls).toBe(complete.pages);
    expect(complete.http.bytes).toBeGreaterThan(1_000);
    expect(complete.http.byOperation.listOrders?.calls).toBe(complete.pages);
    expect(complete.http.rateLimitWaitMs).toBeGreaterThan(0);

    sim.clock.advance(60_000); // the next run starts once the channel's buckets have refilled
    const capped = await runSync({
      connector: acmeConnector,
      stream: "orders",
      sink: new MemorySink(),
      callBudget: 2,
      ...settings,
    });
    expect(capped.status).toBe("failed");
    expect(capped.error).toBeInstanceOf(ConnectorHttpError);
    expect((capped.error as ConnectorHttpError).kind).toBe("budget_exhausted");
    expect(capped).toMatchObject({ pages: 2, http: { calls: 2 } });
  });

  it("check names the account, and rejects a key that belongs to another seller", async () => {
    const sim = await started();
    const ok = await checkConnection(acmeConnector, { config: sim.config(), credentials: sim.credentials() });
    expect(ok).toEqual({ ok: true, accountName: "Northwind Goods" });
    const wrongSeller = await checkConnection(acmeConnector, {
      config: { ...sim.config(), sellerId: "S-9999" },
      credentials: sim.credentials(),
    });
    expect(wrongSeller.ok).toBe(false);
    if (!wrongSeller.ok) {
      expect(wrongSeller.error).toBeInstanceOf(ConfigError);
      expect(wrongSeller.message).toContain("config.sellerId: the API key belongs to seller S-1001, not S-9999");
    }
  });
});
