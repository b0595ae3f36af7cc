/**
 * Wall clock mode: the Mirakl simulator follows a clock (a test clock moved by hand here),
 * shows new (live) orders and their lifecycle as time passes, draws offer quantities down,
 * and listens on the port with the API key it was given.
 */
import { manualClock } from "@crosschannel/connector-sdk/testing";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChannelOrder, InventoryLevel } from "@crosschannel/connector-sdk";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { afterEach, describe, expect, it } from "vitest";
import { BestBuySimulator } from "../src/simulator/index.ts";

const HOUR = 3_600_000;
const start = Date.parse("2026-03-20T10:00:00.000Z");
const merchantOptions = {
  seed: "live-bestbuy",
  start: "2026-02-01",
  days: 60,
  skus: 40,
  ordersPerDay: 60,
  live: { everyMs: 30_000, windows: [{ from: "2026-03-20T09:00:00.000Z", to: null }] },
};
const apiKey = "c0ffee00-demo-4000-8000-000000000001";

const testClock = manualClock;

const opened: BestBuySimulator[] = [];
afterEach(async () => {
  for (const sim of opened.splice(0)) await sim.close();
});

const listOrders = (sim: BestBuySimulator, key: string, query: string) =>
  fetch(`${sim.server.url}/api/orders?order_tax_mode=TAX_EXCLUDED&max=100&${query}`, {
    headers: { authorization: key },
  });

const byId = <T extends { externalId: string }>(records: T[]) =>
  [...records].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));

describe("BestBuySimulator on the wall clock", () => {
  it("shows new orders and their lifecycle as time passes, rebuilding lazily", async () => {
    const clock = testClock(start);
    const merchant = new MerchantDataset(merchantOptions);
    const sim = new BestBuySimulator({ merchant, clock, apiKey });
    opened.push(sim);
    await sim.start();
    expect(sim.wallClock).toBe(true);
    const first = sim.expectedRecords("orders") as ChannelOrder[];
    const waiting = first.filter((order) => order.status === "pending");
    const stock = () => (sim.expectedRecords("inventory") as InventoryLevel[]).reduce((n, l) => n + l.available, 0);
    const firstStock = stock();

    clock.at = start + HOUR;
    const since = new Date(start).toISOString();
    const answer = await listOrders(sim, apiKey, `start_date=${since}`);
    expect(answer.status).toBe(200);
    expect(sim.asOf).toBe(new Date(start + HOUR).toISOString());
    const body = (await answer.json()) as { orders: Array<{ commercial_id: string }>; total_count: number };
    const live = merchant
      .liveOrdersOn("2026-03-20", "bestbuy")
      .filter((order) => order.placedAt >= since && order.placedAt <= sim.asOf);
    expect(live.length).toBeGreaterThan(5);
    expect(body.total_count).toBeGreaterThanOrEqual(live.length);
    const served = new Set(body.orders.map((order) => order.commercial_id));
    for (const order of live.slice(0, 100)) expect(served).toContain(order.id);
    expect(stock()).toBeLessThan(firstStock);

    clock.at = start + 72 * HOUR;
    sim.refresh();
    const after = new Map((sim.expectedRecords("orders") as ChannelOrder[]).map((order) => [order.externalId, order]));
    expect(waiting.filter((order) => after.get(order.externalId)?.status !== "pending").length).toBeGreaterThan(
      waiting.length / 2,
    );

    // The memoized view is the one a simulator frozen at that moment computes in full.
    const frozen = new BestBuySimulator({ merchant, asOf: sim.asOf });
    expect(byId(sim.expectedRecords("orders") as ChannelOrder[])).toEqual(
      byId(frozen.expectedRecords("orders") as ChannelOrder[]),
    );
    expect(sim.expectedRecords("fees")).toEqual(frozen.expectedRecords("fees"));
    expect(sim.expectedRecords("inventory")).toEqual(frozen.expectedRecords("inventory"));
    expect(sim.expectedRecords("listings")).toEqual(frozen.expectedRecords("listings"));
    clock.at += 5_000;
    sim.refresh();
    expect(sim.rebuildStats!.lastRebuildMs).toBeLessThan(1_000);
  });

  it("listens on the given port and accepts only the given API key", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const clock = testClock(start);
    const sim = new BestBuySimulator({ merchant: new MerchantDataset(merchantOptions), clock, port, apiKey });
    opened.push(sim);
    await sim.start();
    expect(sim.server.url).toBe(`http://127.0.0.1:${port}`);
    expect(sim.config().baseUrl).toBe(`http://127.0.0.1:${port}`);
    expect(sim.credentials()).toEqual({ apiKey });
    expect((await listOrders(sim, apiKey, "")).status).toBe(200);
    clock.at += 60_000; // OR11's call frequency
    expect((await listOrders(sim, "other-key", "")).status).toBe(401);
  });
});
