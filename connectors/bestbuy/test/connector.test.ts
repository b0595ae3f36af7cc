import { describe, expect, it, vi } from "vitest";
import {
  ConfigError,
  ConnectorHttpError,
  MemorySink,
  TokenBucket,
  checkConnection,
  createRunContext,
  type ChannelOrder,
  type Clock,
  type StreamName,
  type SyncOptions,
} from "@crosschannel/connector-sdk";
import { MerchantDataset, VirtualClock } from "@crosschannel/connector-sdk/simulator";
import {
  CrashingSink,
  InjectedCrash,
  sortedByKey,
  startedSimulators,
  streamKey,
  syncAgainst,
} from "@crosschannel/connector-sdk/testing";
import {
  BESTBUY_CANADA_BASE_URL,
  MIRAKL_RATE_LIMITS,
  ORDER_EXPORT_WINDOW_DAYS,
  bestbuyConnector,
  splitBestBuySettings,
} from "../src/index.ts";
import { ORDERS_OVERLAP_MS, ORDERS_PAGE_SIZE } from "../src/connector.ts";
import { BestBuySimulator, type BestBuySimulatorOptions } from "../src/simulator/index.ts";
import { unknownStateOrder } from "./fixtures/orders.ts";

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
const simulator = startedSimulators(
  (options: BestBuySimulatorOptions) => new BestBuySimulator({ seed: 7, ...options }),
);

/** Our clock, `offsetMs` off the simulator's (Mirakl's) clock; sleeping advances the simulator's. */
function skewedClock(clock: Clock, offsetMs: number): Clock {
  return {
    now: () => clock.now() + offsetMs,
    sleep: (ms, signal) => clock.sleep(ms, signal),
  };
}

const key = (stream: StreamName) => streamKey("bestbuy", stream);

const run = (sim: BestBuySimulator, stream: StreamName, sink: SyncOptions["sink"], extra: Partial<SyncOptions> = {}) =>
  syncAgainst(bestbuyConnector, sim, stream, sink, {
    random: () => 0.5,
    httpOverrides: { timeoutMs: 2_000 },
    ...extra,
  });

const sorted = (records: unknown[], stream: StreamName): unknown[] =>
  sortedByKey(records, bestbuyConnector.stream(stream).primaryKey);

describe("settings", () => {
  it("splits the connection JSON into config and credentials", () => {
    const { config, credentials } = splitBestBuySettings({
      baseUrl: "https://marketplace.bestbuy.ca/api/",
      apiKey: "5b1e0c7a-93d4-4f0e-b2a8-7c6d1e9f3a20",
      shopId: 2001,
      note: "dropped",
    });
    expect(config).toEqual({ baseUrl: "https://marketplace.bestbuy.ca/api/", shopId: 2001 });
    expect(credentials).toEqual({ apiKey: "5b1e0c7a-93d4-4f0e-b2a8-7c6d1e9f3a20" });
    expect(bestbuyConnector.parseConfig(config)).toEqual({
      baseUrl: BESTBUY_CANADA_BASE_URL,
      shopId: "2001",
      backfillMonths: 24,
      offersSource: "export",
    });
    expect(bestbuyConnector.parseCredentials(credentials)).toEqual(credentials);
    expect(() => splitBestBuySettings([1, 2])).toThrow(ConfigError);
    expect(bestbuyConnector.parseConfig({ baseUrl: "bestbuy-ca" }).baseUrl).toBe(BESTBUY_CANADA_BASE_URL);
  });

  it("names every bad field and never echoes the key", () => {
    let caught: unknown;
    try {
      bestbuyConnector.parseConfig({ baseUrl: "http://marketplace.bestbuy.ca", shopId: "shop-1", backfillMonths: 0 });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).issues.map((issue) => issue.path).sort()).toEqual([
      "config.backfillMonths",
      "config.baseUrl",
      "config.shopId",
    ]);
    const secret = "short key with spaces";
    expect(() => bestbuyConnector.parseCredentials({ apiKey: secret })).toThrow(/credentials\.apiKey/);
    try {
      bestbuyConnector.parseCredentials({ apiKey: secret });
    } catch (error) {
      expect((error as Error).message).not.toContain(secret);
    }
  });
});

describe("check", () => {
  it("names the shop the key belongs to", async () => {
    const sim = await simulator();
    const outcome = await checkConnection(bestbuyConnector, {
      config: { ...sim.config(), shopId: "2001" },
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    expect(outcome).toEqual({ ok: true, accountName: "Northwind Goods (shop 2001)" });
  });

  it("explains a rejected key without leaking it", async () => {
    const sim = await simulator();
    const apiKey = "00000000-0000-4000-8000-000000000000";
    const outcome = await checkConnection(bestbuyConnector, {
      config: sim.config(),
      credentials: { apiKey },
      clock: sim.clock,
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toBeInstanceOf(ConnectorHttpError);
    expect((outcome.error as ConnectorHttpError).kind).toBe("auth");
    expect(outcome.message).toMatch(/rejected the API key \(HTTP 401\).*new shop API key/);
    expect(
      JSON.stringify({ message: outcome.message, error: (outcome.error as ConnectorHttpError).toJSON() }),
    ).not.toContain(apiKey);
  });

  it("explains an HTML page instead of JSON (IP not allow-listed, storefront URL)", async () => {
    const sim = await simulator();
    sim.server.inject({
      kind: "status",
      status: 200,
      operation: "A01",
      body: "<!DOCTYPE html><html><body><h1>Access denied</h1></body></html>",
    });
    const outcome = await checkConnection(bestbuyConnector, {
      config: sim.config(),
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toBeInstanceOf(ConnectorHttpError);
    expect((outcome.error as ConnectorHttpError).kind).toBe("invalid_response");
    expect(outcome.message).toMatch(/HTML page instead of JSON.*allow-listed/);
  });

  it("explains a shop the key cannot reach", async () => {
    const sim = await simulator();
    const outcome = await checkConnection(bestbuyConnector, {
      config: { ...sim.config(), shopId: "9999" },
      credentials: sim.credentials(),
      clock: sim.clock,
    });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error).toBeInstanceOf(ConfigError);
    expect((outcome.error as ConfigError).issues[0]?.path).toBe("config.shopId");
    expect(outcome.message).toContain("no access to shop 9999");
  });

  it("sends shop_id on stream calls too", async () => {
    const sim = await simulator();
    const result = await run(sim, "fees", new MemorySink(), { config: { ...sim.config(), shopId: "9999" } });
    expect(result.status).toBe("failed");
    expect((result.error as ConnectorHttpError).status).toBe(403);
  });
});

/** OR13 windows: each ≤ 365 days, without gaps, covering `months` before `until`, one at a time. */
function expectWindows(sim: BestBuySimulator, until: number, months: number): void {
  const windows = [...sim.exports.values()].filter((entry) => entry.kind === "orders");
  const floor = new Date(until);
  floor.setUTCMonth(floor.getUTCMonth() - months);
  expect(windows.length).toBe(Math.ceil((until - floor.getTime() + 1000) / (ORDER_EXPORT_WINDOW_DAYS * DAY_MS)));
  windows.forEach((window, index) => {
    expect((window.to ?? 0) - (window.from ?? 0)).toBeLessThanOrEqual(365 * DAY_MS);
    if (index > 0) {
      const previous = windows[index - 1];
      expect(window.from).toBeLessThanOrEqual(previous?.to ?? -Infinity);
      expect(window.createdAt).toBeGreaterThanOrEqual(previous?.readyAt ?? Infinity);
    }
  });
  expect(windows[0]?.from).toBeLessThanOrEqual(floor.getTime());
  expect(windows.at(-1)?.to).toBeGreaterThanOrEqual(until);
}

describe("orders", () => {
  it("backfills through OR13/OR14, then follows OR11 by update date with a frozen end", async () => {
    const merchant = new MerchantDataset({ seed: 7, start: "2026-03-01", days: 30, skus: 40, ordersPerDay: 80 });
    const asOf = `${merchant.end}T00:00:00.000Z`;
    const sim = await simulator({ merchant, clockStart: new Date(Date.parse(asOf) - 10 * DAY_MS).toISOString() });
    const sink = new MemorySink();

    const backfill = await run(sim, "orders", sink);
    expect(backfill.status, backfill.error?.message).toBe("succeeded");
    expectWindows(sim, Date.parse(asOf) - 10 * DAY_MS, 24);
    expect(backfill.http.byOperation.OR11).toBeUndefined();
    expect(backfill.checkpoint).toMatchObject({ mode: "incremental", until: null });
    const backfilled = backfill.recordsCommitted;
    expect(backfilled).toBeGreaterThan(0);

    sim.clock.advance(10 * DAY_MS);
    const before = sim.server.log.length;
    const incremental = await run(sim, "orders", sink);
    expect(incremental.status, incremental.error?.message).toBe("succeeded");
    const calls = sim.server.log.slice(before).filter((entry) => entry.operation === "OR11");
    expect(calls.length, "several OR11 pages").toBeGreaterThan(1);
    expect(incremental.http.byOperation.OR13).toBeUndefined();
    // OR11 at most once a minute, pagination included, and the simulator's limiter never fired.
    for (let index = 1; index < calls.length; index += 1) {
      expect((calls[index]?.at ?? 0) - (calls[index - 1]?.at ?? 0)).toBeGreaterThanOrEqual(60_000);
    }
    expect(sim.server.rateLimitViolations).toBe(0);
    expect(sink.records(key("orders"))).toEqual(sorted(sim.expectedRecords("orders"), "orders"));
    expect(sink.stats(key("orders")).duplicates, "unchanged orders are not re-delivered").toBe(0);
    // Each Mirakl cancelation arrives as its own row, with its own id.
    const cancellations = sink.records<ChannelOrder>(key("orders")).flatMap((order) => order.cancellations ?? []);
    expect(cancellations.length, "the dataset cancels some lines").toBeGreaterThan(0);
    expect(new Set(cancellations.map((cancellation) => cancellation.externalId)).size).toBe(cancellations.length);

    // Mirakl's overlap (start_update_date minus a delta) is filtered: nothing new, nothing repeated.
    sim.clock.advance(5 * 60_000);
    const again = await run(sim, "orders", sink);
    expect(again.status).toBe("succeeded");
    expect(again.recordsCommitted).toBe(0);
  });

  it.each([false, true])(
    "resumes an incremental window exactly after a crash on any page (exclusive bounds: %s)",
    async (exclusiveDateBounds) => {
      const merchant = new MerchantDataset({ seed: 7, start: "2026-03-01", days: 30, skus: 40, ordersPerDay: 80 });
      const asOf = `${merchant.end}T00:00:00.000Z`;
      const clockStart = new Date(Date.parse(asOf) - 10 * DAY_MS).toISOString();
      const probeSim = await simulator({ merchant, clockStart, exclusiveDateBounds });
      const probeSink = new MemorySink();
      await run(probeSim, "orders", probeSink);
      probeSim.clock.advance(10 * DAY_MS);
      const probe = await run(probeSim, "orders", probeSink);
      expect(probe.pages).toBeGreaterThan(1);

      for (let page = 1; page <= probe.pages; page += 1) {
        for (const when of ["before-commit", "after-commit"] as const) {
          const sim = await simulator({ merchant, clockStart, exclusiveDateBounds });
          const store = new MemorySink();
          await run(sim, "orders", store);
          const backfillDeliveries = store.stats(key("orders")).deliveries;
          sim.clock.advance(10 * DAY_MS);
          const crashed = await run(sim, "orders", new CrashingSink(store, page, when));
          expect(crashed.error).toBeInstanceOf(InjectedCrash);
          const resumed = await run(sim, "orders", store);
          expect(resumed.status, resumed.error?.message).toBe("succeeded");
          expect(store.records(key("orders")), `${when} ${page}`).toEqual(
            sorted(sim.expectedRecords("orders"), "orders"),
          );
          expect(store.stats(key("orders")).deliveries - backfillDeliveries, `${when} ${page}`).toBe(
            probe.recordsCommitted,
          );
          await sim.close();
        }
      }
    },
  );

  /** The checkpoint only remembers versions inside the overlap before the window's end. */
  function expectSmallCheckpoint(checkpoint: unknown): void {
    expect(checkpoint).toMatchObject({ mode: "incremental", until: null });
    const { from, recent } = checkpoint as { from: string; recent: Record<string, string> };
    for (const [id, at] of Object.entries(recent)) {
      expect(Date.parse(at), id).toBeGreaterThanOrEqual(Date.parse(from) - ORDERS_OVERLAP_MS);
      expect(Date.parse(at), id).toBeLessThanOrEqual(Date.parse(from));
    }
  }

  /** The order whose final version (it never changes afterwards) is the first one updated at or after `at`. */
  async function finalUpdateAfter(
    merchant: MerchantDataset,
    at: number,
    which: (order: ChannelOrder) => boolean = () => true,
  ): Promise<ChannelOrder> {
    const final = (await simulator({ merchant })).expectedRecords("orders") as ChannelOrder[];
    const after = final.filter((order) => Date.parse(order.updatedAt) >= at && which(order));
    const first = after.sort((a, b) => Date.parse(a.updatedAt) - Date.parse(b.updatedAt))[0];
    if (first === undefined) throw new Error(`no order of the dataset is updated after ${new Date(at).toISOString()}`);
    return first;
  }

  it("reads each incremental window from 10 minutes before the previous end, delivering nothing twice", async () => {
    expect(ORDERS_OVERLAP_MS).toBeGreaterThanOrEqual(10 * MINUTE_MS);
    const merchant = new MerchantDataset({ seed: 7, start: "2026-03-01", days: 30, skus: 40, ordersPerDay: 80 });
    const asOf = Date.parse(`${merchant.end}T00:00:00.000Z`);
    // The backfill ends 3 minutes after an order's update: it is in the overlap.
    const updated = Date.parse((await finalUpdateAfter(merchant, asOf - 2 * DAY_MS)).updatedAt);
    const sim = await simulator({ merchant, clockStart: new Date(updated + 3 * MINUTE_MS).toISOString() });
    const sink = new MemorySink();
    const backfill = await run(sim, "orders", sink);
    expect(backfill.status, backfill.error?.message).toBe("succeeded");
    expectSmallCheckpoint(backfill.checkpoint);
    const { from, recent } = backfill.checkpoint as { from: string; recent: Record<string, string> };
    expect(Object.keys(recent).length, "the dataset has orders updated in the last 10 minutes").toBeGreaterThan(0);
    expect(Object.keys(recent).length).toBeLessThan(backfill.recordsCommitted);

    sim.clock.advance(30 * MINUTE_MS);
    const requests = vi.spyOn(globalThis, "fetch");
    let next;
    let urls: URL[];
    try {
      next = await run(sim, "orders", sink);
      urls = requests.mock.calls.map(([target]) => new URL(target instanceof Request ? target.url : String(target)));
    } finally {
      requests.mockRestore();
    }
    expect(next.status, next.error?.message).toBe("succeeded");
    const starts = urls
      .filter((url) => url.pathname === "/api/orders")
      .map((url) => Date.parse(url.searchParams.get("start_update_date") ?? ""));
    expect(starts.length).toBeGreaterThan(0);
    for (const start of starts) expect(start, "OR11 start_update_date").toBe(Date.parse(from) - ORDERS_OVERLAP_MS);
    expectSmallCheckpoint(next.checkpoint);
    expect(sink.stats(key("orders")).duplicates, "versions of the overlap are skipped").toBe(0);
  });

  it("resumes from checkpoints written before the overlap existed (no recent versions)", async () => {
    const merchant = new MerchantDataset({ seed: 7, start: "2026-03-01", days: 30, skus: 40, ordersPerDay: 80 });
    const asOf = Date.parse(`${merchant.end}T00:00:00.000Z`);
    const schema = bestbuyConnector.stream("orders").checkpointSchema;
    const old = { mode: "incremental", from: new Date(asOf - DAY_MS).toISOString(), until: null, createdFrom: null };
    expect(schema.parse({ ...old, seen: [] })).toEqual({ ...old, seen: [], recent: {} });
    const oldBackfill = { mode: "backfill", since: "2024-01-01T00:00:00.000Z", until: null, windowFrom: null };
    expect(schema.parse({ ...oldBackfill, export: null })).toEqual({ ...oldBackfill, export: null, recent: {} });

    const sim = await simulator({ merchant, clockStart: new Date(asOf - 2 * DAY_MS).toISOString() });
    const sink = new MemorySink();
    await sink.commitPage({
      ...key("orders"),
      runId: "before-the-overlap",
      pageNumber: 1,
      records: [],
      primaryKey: ["externalId"],
      quarantined: [],
      checkpoint: { ...old, from: new Date(sim.clock.now()).toISOString(), seen: [] },
    });
    sim.clock.advance(2 * DAY_MS);
    const result = await run(sim, "orders", sink);
    expect(result.status, result.error?.message).toBe("succeeded");
    expect(result.recordsCommitted).toBeGreaterThan(0);
    expectSmallCheckpoint(result.checkpoint);
  });

  /**
   * Clock skew: our clock runs `skewMs` ahead of (or, negative, behind) Mirakl's. Each case
   * puts an order update U where a window that ends at our `until` and a next window that
   * starts exactly there would lose it: ahead, U is stamped after Mirakl's now at the previous
   * sync but before our `until`; behind, U is visible at the previous sync but after our `until`.
   */
  describe.each([
    ["ahead of", 5 * MINUTE_MS],
    ["behind", -5 * MINUTE_MS],
  ] as const)("with our clock 5 minutes %s Mirakl's", (_direction, skewMs) => {
    it.each(["backfill", "incremental"] as const)(
      "loses no order updated around the end of the previous %s and delivers none twice",
      async (previous) => {
        const merchant = new MerchantDataset({ seed: 7, start: "2026-03-01", days: 30, skus: 40, ordersPerDay: 80 });
        // U: the final update of an order in the middle of the dataset (its version never changes after U).
        const target = await finalUpdateAfter(merchant, Date.parse(`${merchant.start}T00:00:00.000Z`) + 15 * DAY_MS);
        const updatedAt = Date.parse(target.updatedAt);
        // The previous sync runs at Mirakl's T: 2 minutes before U (ahead) or 2 minutes after (behind).
        const syncAt = skewMs > 0 ? updatedAt - 2 * MINUTE_MS : updatedAt + 2 * MINUTE_MS;
        const asOf = syncAt + 15 * MINUTE_MS;
        const sim = await simulator({
          merchant,
          asOf: new Date(asOf).toISOString(),
          clockStart: new Date(previous === "backfill" ? syncAt : syncAt - DAY_MS).toISOString(),
        });
        const clock = skewedClock(sim.clock, skewMs);
        const sink = new MemorySink();
        // One export window, so the backfill's only export is taken at T.
        const config = { ...sim.config(), backfillMonths: 6 };
        const sync = async () => {
          const result = await run(sim, "orders", sink, { clock, config });
          expect(result.status, result.error?.message).toBe("succeeded");
          expectSmallCheckpoint(result.checkpoint);
          return result;
        };
        const advanceTo = (at: number) => {
          expect(sim.clock.now()).toBeLessThanOrEqual(at);
          sim.clock.advance(at - sim.clock.now());
        };
        const delivered = () =>
          sink.records<ChannelOrder>(key("orders")).find((order) => order.externalId === target.externalId);

        if (previous === "incremental") {
          await sync(); // the backfill, a day earlier
          advanceTo(syncAt);
        }
        const before = await sync();
        expect(before.checkpoint).toMatchObject({ mode: "incremental", until: null });
        const lastUntil = Date.parse((before.checkpoint as { from: string }).from);
        expect(lastUntil - syncAt, "the connector's until is on its own (skewed) clock").toBe(skewMs);
        // The precondition of the bug: U falls between Mirakl's now at that sync and our until.
        if (skewMs > 0) expect(updatedAt > syncAt && updatedAt < lastUntil).toBe(true);
        else expect(updatedAt > lastUntil && updatedAt <= syncAt).toBe(true);
        expect(delivered()?.updatedAt).not.toBe(target.updatedAt);

        advanceTo(syncAt + 15 * MINUTE_MS);
        await sync();
        expect(delivered()?.updatedAt, "the next sync delivers the order updated at U").toBe(target.updatedAt);

        sim.clock.advance(10 * MINUTE_MS); // past asOf: our clock passes Mirakl's last change either way
        const settle = await sync();
        expect(sink.records(key("orders"))).toEqual(sorted(sim.expectedRecords("orders"), "orders"));
        expect(sink.stats(key("orders")).duplicates, "no unchanged order delivered twice").toBe(0);
        if (skewMs > 0) expect(settle.recordsCommitted, "nothing left to deliver").toBe(0);
        const again = await sync();
        expect(again.recordsCommitted, "the overlap re-delivers nothing").toBe(0);
        expect(sink.stats(key("orders")).duplicates).toBe(0);
      },
    );
  });

  it("resumes an overlapping window exactly after a crash on any page, our clock 5 minutes ahead", async () => {
    const merchant = new MerchantDataset({ seed: 7, start: "2026-03-01", days: 30, skus: 40, ordersPerDay: 700 });
    const asOf = Date.parse(`${merchant.end}T00:00:00.000Z`);
    // The previous sync runs 2 minutes after the final update of an order placed shortly before: that
    // version sits in the overlap, and (many orders placed earlier change later) on a later OR11 page.
    const target = await finalUpdateAfter(
      merchant,
      asOf - 5 * DAY_MS,
      (order) => Date.parse(order.updatedAt) - Date.parse(order.placedAt) < 3_600_000,
    );
    const syncAt = Date.parse(target.updatedAt) + 2 * MINUTE_MS;
    const prepare = async () => {
      const sim = await simulator({
        merchant,
        asOf: new Date(syncAt + 2 * DAY_MS).toISOString(),
        clockStart: new Date(syncAt - DAY_MS).toISOString(),
      });
      const clock = skewedClock(sim.clock, 5 * MINUTE_MS);
      const store = new MemorySink();
      expect((await run(sim, "orders", store, { clock })).status).toBe("succeeded");
      sim.clock.advance(syncAt - sim.clock.now());
      const previous = await run(sim, "orders", store, { clock });
      expect(previous.status, previous.error?.message).toBe("succeeded");
      const { recent } = previous.checkpoint as { recent: Record<string, string> };
      expect(recent[target.externalId], "the overlap holds the order's delivered version").toBe(target.updatedAt);
      // Precondition: a whole OR11 page of orders placed earlier comes before it in the next window.
      const windowFrom = Date.parse((previous.checkpoint as { from: string }).from) - ORDERS_OVERLAP_MS;
      const earlier = (sim.expectedRecords("orders") as ChannelOrder[]).filter(
        (order) => Date.parse(order.updatedAt) > windowFrom && order.placedAt < target.placedAt,
      );
      expect(earlier.length).toBeGreaterThanOrEqual(ORDERS_PAGE_SIZE);
      sim.clock.advance(Date.parse(sim.asOf) - sim.clock.now()); // to asOf: the view stops changing
      return { sim, clock, store, deliveries: store.stats(key("orders")).deliveries };
    };
    const probe = await prepare();
    const whole = await run(probe.sim, "orders", probe.store, { clock: probe.clock });
    expect(whole.status, whole.error?.message).toBe("succeeded");
    expect(whole.pages).toBeGreaterThan(1);
    expect(probe.store.records(key("orders"))).toEqual(sorted(probe.sim.expectedRecords("orders"), "orders"));
    expect(probe.store.stats(key("orders")).duplicates).toBe(0);
    await probe.sim.close();

    for (let page = 1; page <= whole.pages; page += 1) {
      for (const when of ["before-commit", "after-commit"] as const) {
        const { sim, clock, store, deliveries } = await prepare();
        const crashed = await run(sim, "orders", new CrashingSink(store, page, when), { clock });
        expect(crashed.error).toBeInstanceOf(InjectedCrash);
        const resumed = await run(sim, "orders", store, { clock });
        expect(resumed.status, resumed.error?.message).toBe("succeeded");
        const label = `${when} ${page}`;
        expect(store.stats(key("orders")).deliveries - deliveries, label).toBe(whole.recordsCommitted);
        expect(store.stats(key("orders")).duplicates, label).toBe(0);
        expect(store.records(key("orders")), label).toEqual(sorted(sim.expectedRecords("orders"), "orders"));
        // The same versions remembered (a crash after the last page makes the resumed run open a later window).
        const checkpoint = await store.loadCheckpoint(key("orders"));
        expectSmallCheckpoint(checkpoint);
        expect(checkpoint, label).toMatchObject({ recent: (whole.checkpoint as { recent: object }).recent });
        await sim.close();
      }
    }
  }, 90_000);

  it("backfills more than a year in export windows of at most a year, and honours backfillMonths", async () => {
    const merchant = new MerchantDataset({ seed: 11, start: "2024-07-01", days: 560, skus: 20, ordersPerDay: 6 });
    const sim = await simulator({ merchant, ordersPerChunk: 200 });
    const sink = new MemorySink();
    const result = await run(sim, "orders", sink);
    expect(result.status, result.error?.message).toBe("succeeded");
    expectWindows(sim, Date.parse(sim.asOf), 24);
    expect(sink.records(key("orders"))).toEqual(sorted(sim.expectedRecords("orders"), "orders"));

    const recent = await simulator({ merchant });
    const sixMonths = new MemorySink();
    const limited = await run(recent, "orders", sixMonths, { config: { ...recent.config(), backfillMonths: 6 } });
    expect(limited.status, limited.error?.message).toBe("succeeded");
    const floor = new Date(recent.asOf);
    floor.setUTCMonth(floor.getUTCMonth() - 6);
    const expected = (recent.expectedRecords("orders") as { updatedAt: string }[]).filter(
      (order) => Date.parse(order.updatedAt) >= floor.getTime(),
    );
    expect(expected.length).toBeLessThan(recent.expectedRecords("orders").length);
    expect(sixMonths.records(key("orders"))).toEqual(sorted(expected, "orders"));
  });

  it("exports the window again when the files of a stored export have expired", async () => {
    const sim = await simulator();
    const sink = new MemorySink();
    const until = new Date(sim.clock.now()).toISOString();
    await sink.commitPage({
      ...key("orders"),
      runId: "earlier",
      pageNumber: 1,
      records: [],
      primaryKey: ["externalId"],
      quarantined: [],
      checkpoint: {
        mode: "backfill",
        since: "1970-01-01T00:00:00.000Z",
        until,
        windowFrom: new Date(Date.parse(until) - 300 * DAY_MS).toISOString(),
        export: {
          trackingId: "or-expired",
          urls: [`${sim.server.url}/api/orders/async-export/files/or-expired/0`],
          chunk: 0,
          index: 0,
        },
      },
    });
    const result = await run(sim, "orders", sink);
    expect(result.status, result.error?.message).toBe("succeeded");
    expect(result.http.byOperation.OR13?.calls).toBe(1);
    expect(sink.records(key("orders"))).toEqual(sorted(sim.expectedRecords("orders"), "orders"));
  });

  it("fails clearly when an export status answers HTML", async () => {
    const sim = await simulator();
    sim.server.inject({ kind: "status", status: 200, operation: "OR14", body: "<html><body>Login</body></html>" });
    const result = await run(sim, "orders", new MemorySink());
    expect(result.status).toBe("failed");
    expect(result.error).toBeInstanceOf(ConnectorHttpError);
    expect(result.error?.message).toMatch(/OR14: Best Buy answered with an HTML page instead of JSON/);
  });

  it("reports unknown states through the run's logger", () => {
    const warnings: unknown[] = [];
    const ctx = createRunContext(bestbuyConnector, {
      config: { baseUrl: BESTBUY_CANADA_BASE_URL },
      credentials: { apiKey: "5b1e0c7a-93d4-4f0e-b2a8-7c6d1e9f3a20" },
      logger: { debug() {}, info() {}, error() {}, warn: (message, fields) => warnings.push({ message, fields }) },
    });
    const order = bestbuyConnector.stream("orders").normalize(unknownStateOrder, ctx);
    expect(order.status).toBe("unknown");
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatchObject({ fields: { field: "order_state", value: "WAITING_SCORING" } });
  });
});

describe("fees", () => {
  it.each([false, true])(
    "resumes TL02 exactly after a crash on any page (exclusive bounds: %s)",
    async (exclusiveDateBounds) => {
      const options = { transactionPageCap: 100, exclusiveDateBounds };
      const probe = await run(await simulator(options), "fees", new MemorySink());
      expect(probe.status, probe.error?.message).toBe("succeeded");
      expect(probe.pages).toBeGreaterThan(3);
      for (let page = 1; page <= probe.pages; page += 1) {
        for (const when of ["before-commit", "after-commit"] as const) {
          const sim = await simulator(options);
          const store = new MemorySink();
          const crashed = await run(sim, "fees", new CrashingSink(store, page, when));
          expect(crashed.error).toBeInstanceOf(InjectedCrash);
          const resumed = await run(sim, "fees", store);
          expect(resumed.status, resumed.error?.message).toBe("succeeded");
          expect(store.records(key("fees")), `${when} ${page}`).toEqual(sorted(sim.expectedRecords("fees"), "fees"));
          expect(store.stats(key("fees")).deliveries, `${when} ${page}`).toBe(probe.recordsCommitted);
          await sim.close();
        }
      }
    },
  );
});

describe("offers", () => {
  it("exports offers in full daily and differentially (last_request_date) in between", async () => {
    const merchant = new MerchantDataset({ seed: 7, start: "2026-03-01", days: 30, skus: 40, ordersPerDay: 80 });
    const asOf = Date.parse(`${merchant.end}T00:00:00.000Z`);
    const sim = await simulator({ merchant, clockStart: new Date(asOf - 3 * DAY_MS + 12 * 3_600_000).toISOString() });
    const sink = new MemorySink();
    const offerExports = () => [...sim.exports.values()].filter((entry) => entry.kind === "offers");
    const listed = sim.expectedRecords("inventory").length;

    const first = await run(sim, "inventory", sink);
    expect(first.status, first.error?.message).toBe("succeeded");
    expect(first.recordsCommitted).toBe(listed);
    expect(offerExports().at(-1)?.from).toBeNull();

    // Two hours later, same day: nothing changed.
    sim.clock.advance(2 * 3_600_000);
    const since = sim.clock.now();
    const quiet = await run(sim, "inventory", sink);
    expect(quiet.recordsCommitted).toBe(0);
    expect(offerExports().at(-1)?.from).not.toBeNull();

    // Past midnight (13 h after the full export): stock was observed again, a differential export carries it.
    sim.clock.advance(11 * 3_600_000);
    const differential = await run(sim, "inventory", sink);
    expect(differential.recordsCommitted).toBe(listed);
    expect(offerExports().at(-1)?.from).toBeGreaterThanOrEqual(since);

    // A day after the last full export: full again.
    sim.clock.advance(12 * 3_600_000);
    const daily = await run(sim, "inventory", sink);
    expect(daily.recordsCommitted).toBe(listed);
    expect(offerExports().at(-1)?.from).toBeNull();

    sim.clock.advance(3 * DAY_MS);
    const latest = await run(sim, "inventory", sink);
    expect(latest.status, latest.error?.message).toBe("succeeded");
    expect(sink.records(key("inventory"))).toEqual(sorted(sim.expectedRecords("inventory"), "inventory"));
    expect(sim.server.rateLimitViolations).toBe(0);
  });
});

describe("call frequencies", () => {
  it("declares Mirakl's maximum usage and stream schedules within it", () => {
    expect(MIRAKL_RATE_LIMITS.OR11.ratePerSecond).toBeLessThanOrEqual(1 / 60);
    expect(MIRAKL_RATE_LIMITS.OR11.burst).toBe(1);
    expect(MIRAKL_RATE_LIMITS.OF52.ratePerSecond).toBeLessThanOrEqual(1 / 300);
    expect(bestbuyConnector.stream("orders").defaultSchedule.everyMinutes).toBeGreaterThanOrEqual(5);
    expect(bestbuyConnector.stream("listings").defaultSchedule.everyMinutes).toBeGreaterThanOrEqual(5);
    expect(bestbuyConnector.stream("inventory").defaultSchedule.everyMinutes).toBeGreaterThanOrEqual(5);
    expect(bestbuyConnector.stream("fees").defaultSchedule.everyMinutes).toBeGreaterThanOrEqual(1);
  });

  it("waits out Mirakl's 429 Retry-After when runs collide (OF52: once every 5 minutes)", async () => {
    const sim = await simulator();
    expect((await run(sim, "listings", new MemorySink())).status).toBe("succeeded");
    const before = sim.server.log.length;
    const second = await run(sim, "inventory", new MemorySink());
    expect(second.status, second.error?.message).toBe("succeeded");
    expect(second.http.throttled).toBe(1);
    const log = sim.server.log.slice(before).filter((entry) => entry.operation === "OF52");
    expect(log.map((entry) => entry.status)).toEqual([429, 202]);
    expect((log[1]?.at ?? 0) - (log[0]?.at ?? 0)).toBeGreaterThanOrEqual((log[0]?.retryAfterSeconds ?? 0) * 1000);
    expect(log[0]?.retryAfterSeconds).toBeGreaterThan(0);
  });

  it("keeps TL02 within 20 calls a minute and 60 an hour", async () => {
    const clock = new VirtualClock("2026-03-01T00:00:00.000Z");
    const bucket = new TokenBucket(MIRAKL_RATE_LIMITS.TL02, clock);
    const times: number[] = [];
    for (let call = 0; call < 200; call += 1) {
      await bucket.take();
      times.push(clock.now());
    }
    const most = (windowMs: number) =>
      Math.max(...times.map((start) => times.filter((time) => time >= start && time < start + windowMs).length));
    expect(most(60_000)).toBe(20);
    expect(most(3_600_000)).toBeLessThanOrEqual(60);
  });
});
