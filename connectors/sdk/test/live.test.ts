import { describe, expect, it } from "vitest";
import { MerchantDataset, type MerchantOptions } from "../src/simulator/dataset.ts";
import { FollowingClock, WallClockRefresher, routesWithRefresh, settledBefore } from "../src/simulator/live.ts";
import { SimulatorServer } from "../src/simulator/server.ts";

const base: MerchantOptions = { seed: "live", start: "2026-03-01", days: 40, skus: 60, ordersPerDay: 80 };
const windows = [
  { from: "2026-03-10T08:00:00.000Z", to: "2026-03-10T14:00:00.000Z" },
  { from: "2026-03-10T20:00:00.000Z", to: null },
];
const live = { everyMs: 60_000, windows };
const liveOnly = (orders: { id: string }[]) => orders.filter((order) => MerchantDataset.isLiveOrderId(order.id));

describe("MerchantDataset live stream", () => {
  it("leaves every day-generated order unchanged, and adds nothing without the option", () => {
    const plain = new MerchantDataset(base);
    const withLive = new MerchantDataset({ ...base, live });
    for (const date of ["2026-03-09", "2026-03-10", "2026-03-11"]) {
      const day = withLive.ordersOn(date).filter((order) => !MerchantDataset.isLiveOrderId(order.id));
      expect(day).toEqual(plain.ordersOn(date));
    }
    expect(liveOnly([...plain.orders()])).toEqual([]);
    // A day outside every window has no live orders at all.
    expect(withLive.ordersOn("2026-03-09")).toEqual(plain.ordersOn("2026-03-09"));
    expect(plain.hasLive).toBe(false);
    expect(withLive.hasLive).toBe(true);
  });

  it("is a pure function of (seed, slot): two instances agree, restarts with a longer window extend it", () => {
    const a = new MerchantDataset({ ...base, live });
    const b = new MerchantDataset({ ...base, live });
    expect(liveOnly(b.ordersOn("2026-03-10"))).toEqual(liveOnly(a.ordersOn("2026-03-10")));
    expect(liveOnly(b.ordersOn("2026-03-11"))).toEqual(liveOnly(a.ordersOn("2026-03-11")));
    // The demo stopped at 22:00: the same orders up to then, none after.
    const stopped = new MerchantDataset({
      ...base,
      live: { everyMs: 60_000, windows: [windows[0]!, { from: windows[1]!.from, to: "2026-03-10T22:00:00.000Z" }] },
    });
    const all = liveOnly(a.ordersOn("2026-03-10")) as ReturnType<MerchantDataset["ordersOn"]>;
    expect(liveOnly(stopped.ordersOn("2026-03-10"))).toEqual(
      all.filter((order) => order.placedAt < "2026-03-10T22:00:00.000Z"),
    );
    expect(liveOnly(stopped.ordersOn("2026-03-11"))).toEqual([]);
    const otherSeed = new MerchantDataset({ ...base, seed: "other", live });
    expect(liveOnly(otherSeed.ordersOn("2026-03-10"))).not.toEqual(all);
  });

  it("places about one order per slot, only inside windows, on every channel, with unique stable ids", () => {
    const merchant = new MerchantDataset({ ...base, live });
    const orders = liveOnly([...merchant.orders({ from: "2026-03-09", to: "2026-03-12" })]) as ReturnType<
      MerchantDataset["ordersOn"]
    >;
    // Window 1: 6 h, window 2: 20:00 on the 10th to the end of the 11th = 28 h => 34 h of slots.
    expect(orders.length).toBeGreaterThan(34 * 60 * 0.9);
    expect(orders.length).toBeLessThanOrEqual(34 * 60);
    for (const order of orders) {
      const inFirst = order.placedAt >= windows[0]!.from && order.placedAt < windows[0]!.to!;
      const inSecond = order.placedAt >= windows[1]!.from;
      expect(inFirst || inSecond, order.placedAt).toBe(true);
      expect(order.placedAt.endsWith(":00.000Z") || /\d\d\.000Z$/.test(order.placedAt)).toBe(true);
    }
    const byChannel = new Map<string, number>();
    for (const order of orders) byChannel.set(order.channel, (byChannel.get(order.channel) ?? 0) + 1);
    expect([...byChannel.keys()].sort()).toEqual(["amazon", "bestbuy", "shopify"]);
    expect(byChannel.get("shopify")! / orders.length).toBeGreaterThan(0.38);
    expect(byChannel.get("shopify")! / orders.length).toBeLessThan(0.52);
    const ids = [...merchant.orders({ from: "2026-03-09", to: "2026-03-12" })].map((order) => order.id);
    expect(new Set(ids).size).toBe(ids.length);
    const lineIds = orders.flatMap((order) => order.lines.map((line) => line.id));
    expect(new Set(lineIds).size).toBe(lineIds.length);
    // Same lifecycle rules: some cancellations and refunds, with fees.
    expect(orders.some((order) => order.cancelledAt !== null)).toBe(true);
    expect(orders.some((order) => order.refunds.length > 0)).toBe(true);
    expect(orders.some((order) => order.lines.some((line) => line.promotionId !== null))).toBe(true);
    const amazon = orders.find((order) => order.channel === "amazon" && order.fulfilledAt !== null)!;
    const fees = [...merchant.fees({ channel: "amazon", from: "2026-03-10", to: "2026-03-14" })];
    expect(fees.some((fee) => fee.orderId === amazon.id)).toBe(true);
  });

  it("draws stock down as live orders are placed during the day", () => {
    const merchant = new MerchantDataset({ ...base, live: { everyMs: 5_000, windows } });
    const order = merchant
      .liveOrdersOn("2026-03-11", "shopify")
      .find((candidate) => candidate.cancelledAt === null && candidate.placedAt > "2026-03-11T06:00:00.000Z")!;
    const line = order.lines[0]!;
    const before = merchant.inventoryLevelAt(line.sku, "shopify", "2026-03-11T00:00:00.000Z");
    const after = merchant.inventoryLevelAt(line.sku, "shopify", order.placedAt);
    expect(before).toEqual(merchant.inventoryLevel(line.sku, "shopify", "2026-03-11"));
    expect(after.available).toBeLessThan(before.available);
    expect(after.observedAt).toBe(order.placedAt);
    const plain = new MerchantDataset(base);
    expect(plain.inventoryLevelAt(line.sku, "shopify", order.placedAt)).toEqual(
      plain.inventoryLevel(line.sku, "shopify", "2026-03-11"),
    );
  });

  it("refuses slots shorter than a second", () => {
    expect(() => new MerchantDataset({ ...base, live: { everyMs: 10, windows } })).toThrow(RangeError);
  });
});

describe("wall clock kit", () => {
  it("FollowingClock follows its source; the refresher rebuilds only when stale", () => {
    let now = Date.parse("2026-03-10T12:00:00.000Z");
    const source = { now: () => now, sleep: async () => {} };
    const clock = new FollowingClock(source);
    const built: string[] = [];
    const refresher = new WallClockRefresher(clock, (asOf) => built.push(asOf));
    now += 1_000;
    expect(clock.now()).toBe(now);
    expect(refresher.refresh()).toBe(false);
    now += 1_500;
    expect(refresher.refresh()).toBe(true);
    expect(built).toEqual(["2026-03-10T12:00:02.500Z"]);
    expect(() => clock.advance(1)).toThrow();
    const routes = routesWithRefresh(
      [{ method: "GET", path: "/x", operation: "x", handle: () => ({ body: built.length }) }],
      () => refresher.refresh(),
    );
    now += 5_000;
    expect(routes[0]!.handle({} as never)).toEqual({ body: 2 });
    expect(settledBefore("2026-03-10T12:00:00.000Z")).toBe("2026-02-07");
  });

  it("SimulatorServer listens on a given loopback port", async () => {
    const probe = new SimulatorServer({ routes: [] });
    const free = Number(new URL(await probe.start()).port);
    await probe.close();
    const server = new SimulatorServer({
      port: free,
      routes: [{ method: "GET", path: "/ping", operation: "ping", handle: () => ({ body: { ok: true } }) }],
    });
    try {
      expect(await server.start()).toBe(`http://127.0.0.1:${free}`);
      expect(await (await fetch(`http://127.0.0.1:${free}/ping`)).json()).toEqual({ ok: true });
    } finally {
      await server.close();
    }
  });
});
