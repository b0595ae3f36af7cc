/**
 * The orders backfill through all-orders reports: every window's report requested up front
 * (newest first, within the createReport limit), polled together, each window committed when
 * it is ready; its checkpoint (windows still to read and their reports) across crashes and
 * from earlier versions; and the rate Amazon announces in `x-amzn-RateLimit-Limit`.
 */
import {
  HttpClient,
  MemorySink,
  primaryKeyOf,
  runSync,
  type ChannelOrder,
  type JsonValue,
  type RecordSink,
  type SinkPage,
} from "@crosschannel/connector-sdk";
import { SimulatorServer, VirtualClock } from "@crosschannel/connector-sdk/simulator";
import { CrashingSink, InjectedCrash } from "@crosschannel/connector-sdk/testing";
import { afterEach, describe, expect, it, vi } from "vitest";
import { amazonConnector, AMAZON_RATE_LIMITS, OrdersCheckpoint } from "../src/index.ts";
import { REPORT_WINDOW_MS, TWO_MINUTE_RULE_MS } from "../src/connector.ts";
import { AmazonSimulator, type AmazonSimulatorOptions } from "../src/simulator/index.ts";

const MINUTE = 60_000;
const DAY = 86_400_000;
const KEY = { connectionId: null, connectorId: "amazon", stream: "orders" } as const;
/** The documented createReport rate, one request every 59.9 s. */
const CREATE_INTERVAL_MS = 1000 / AMAZON_RATE_LIMITS.createReport.ratePerSecond;

const simulators: AmazonSimulator[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(simulators.splice(0).map((sim) => sim.close()));
});
async function started(options: AmazonSimulatorOptions = {}) {
  const sim = new AmazonSimulator({ seed: 42, ...options });
  simulators.push(sim);
  await sim.start();
  return sim;
}

const byId = (records: readonly unknown[]) =>
  [...records].sort((a, b) => (primaryKeyOf(a, ["externalId"]) < primaryKeyOf(b, ["externalId"]) ? -1 : 1));

const sync = (sim: AmazonSimulator, sink: RecordSink) =>
  runSync({
    connector: amazonConnector,
    stream: "orders",
    sink,
    config: sim.config(),
    credentials: sim.credentials(),
    clock: sim.clock,
  });

interface Commit {
  at: number;
  records: ChannelOrder[];
  checkpoint: OrdersCheckpoint;
  progress: number | undefined;
}
/** A MemorySink that also records every page it commits, with the virtual time. */
function recordingSink(sim: AmazonSimulator, inner = new MemorySink()) {
  const commits: Commit[] = [];
  const sink: RecordSink = {
    loadCheckpoint: (key) => inner.loadCheckpoint(key),
    commitPage: async (page) => {
      await inner.commitPage(page);
      commits.push({
        at: sim.clock.now(),
        records: page.records as ChannelOrder[],
        checkpoint: OrdersCheckpoint.parse(page.checkpoint),
        progress: page.progress,
      });
    },
  };
  return { sink, inner, commits };
}

/** A sink whose stored checkpoint is `checkpoint`, as if an earlier run had committed it. */
async function sinkAt(checkpoint: JsonValue): Promise<MemorySink> {
  const sink = new MemorySink();
  const seed: SinkPage = {
    ...KEY,
    runId: "earlier",
    pageNumber: 1,
    records: [],
    primaryKey: ["externalId"],
    quarantined: [],
    checkpoint,
  };
  await sink.commitPage(seed);
  return sink;
}

/** The createReport requests the connector sends: virtual time and body. */
function watchCreateReport(sim: AmazonSimulator) {
  const requests: Array<{ at: number; dataStartTime: string; dataEndTime: string }> = [];
  const original = globalThis.fetch;
  vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (init?.method === "POST" && /\/reports\/2021-06-30\/reports$/.test(url) && typeof init.body === "string") {
      const body = JSON.parse(init.body) as { dataStartTime: string; dataEndTime: string };
      requests.push({ at: sim.clock.now(), dataStartTime: body.dataStartTime, dataEndTime: body.dataEndTime });
    }
    return original(input, init);
  });
  return requests;
}

/** Served (not throttled) requests of one operation, from the simulator's log. */
const served = (sim: AmazonSimulator, operation: string) =>
  sim.server.log.filter((entry) => entry.operation === operation && entry.outcome === "ok");

/** Windows of a 24-month backfill that ends now - 2 minutes. */
function windowsOf(sim: AmazonSimulator, months = 24) {
  const now = sim.clock.now();
  const start = new Date(now);
  start.setUTCMonth(start.getUTCMonth() - months);
  return Math.ceil((now - TWO_MINUTE_RULE_MS - start.getTime()) / REPORT_WINDOW_MS);
}

describe("orders backfill: the windows' reports together", () => {
  it("requests every report up front, newest first within the burst, polls them together and commits each window when ready", async () => {
    const sim = await started({ reportProcessingMs: MINUTE });
    const windows = windowsOf(sim);
    expect(windows).toBe(25);
    const creates = watchCreateReport(sim);
    const { sink, inner, commits } = recordingSink(sim);
    const startedAt = sim.clock.now();
    const result = await sync(sim, sink);
    expect(result.error).toBeNull();
    const expected = sim.expectedRecords("orders") as ChannelOrder[];
    expect(inner.records(KEY)).toEqual(byId(expected));
    expect(inner.stats(KEY).deliveries).toBe(expected.length);

    // One report per window, newest window first, contiguous back to the backfill's start.
    expect(creates).toHaveLength(windows);
    const backfillEnd = commits.at(-1)?.checkpoint.backfillEnd;
    expect(creates[0]?.dataEndTime).toBe(backfillEnd);
    for (let index = 1; index < creates.length; index += 1) {
      expect(creates[index]?.dataEndTime).toBe(creates[index - 1]?.dataStartTime);
    }
    // The burst of 15 at once, then one per documented interval (0.0167/s), never faster.
    const burst = AMAZON_RATE_LIMITS.createReport.burst;
    expect(new Set(creates.slice(0, burst).map((request) => request.at)).size).toBe(1);
    for (let index = burst; index < creates.length; index += 1) {
      const gap = (creates[index]?.at ?? 0) - (creates[index - 1]?.at ?? 0);
      expect(gap).toBeGreaterThanOrEqual(CREATE_INTERVAL_MS - 1);
      expect(gap).toBeLessThan(CREATE_INTERVAL_MS + 2_000);
    }
    expect(sim.server.rateLimitViolations).toBe(0);
    expect(result.http.throttled).toBe(0);

    // Polled together: before the first page, every report of the burst had been polled.
    const first = commits[0]!;
    const polled = new Set(
      served(sim, "getReport")
        .filter((entry) => entry.at <= first.at)
        .map((entry) => entry.path),
    );
    expect(polled.size).toBeGreaterThanOrEqual(burst);
    // Committed when ready: the newest window (the most recent orders) arrives after one report's
    // wait (polls at 15, 45 and 105 s for a 60-s report), long before the last report is requested.
    expect(first.at - startedAt).toBeLessThanOrEqual(2 * MINUTE);
    expect(first.at).toBeLessThan(creates.at(-1)!.at);
    const newest = expected.at(-1)!;
    expect(first.records.map((order) => order.externalId)).toContain(newest.externalId);

    // Every window is committed once, empty ones too: the pending list only shrinks, by the windows
    // each page commits, and progress grows to 1.
    const backfillPages = commits.filter((commit) => commit.checkpoint.phase === "backfill");
    let before = windows;
    for (const commit of backfillPages) {
      const pending = commit.checkpoint.pending ?? [];
      expect(pending.length).toBeLessThan(before);
      expect(commit.checkpoint.windowsTotal).toBe(windows);
      expect(commit.progress).toBeCloseTo((windows - pending.length) / (windows + 1), 10);
      before = pending.length;
    }
    const emptyPages = backfillPages.filter((commit) => commit.records.length === 0);
    expect(emptyPages.length, "windows without orders commit pages").toBeGreaterThanOrEqual(10);
    const progress = commits.map((commit) => commit.progress ?? Number.NaN);
    expect(progress.every((value, index) => index === 0 || value >= (progress[index - 1] ?? 0))).toBe(true);
    expect(progress.at(-1)).toBe(1);

    // The waits overlap: ~11 minutes, where one report after another took 25 × 105 s (44 min).
    expect(result.durationMs).toBeLessThan((windows - burst) * CREATE_INTERVAL_MS + 3 * MINUTE);
    expect(result.http.byOperation.getReport?.calls).toBe(windows * 3);
  });

  it("resumes after a crash in the middle with exactly the missing records, polling the reports already requested", async () => {
    const probeSim = await started({ reportProcessingMs: MINUTE });
    const probe = recordingSink(probeSim);
    expect((await sync(probeSim, probe.sink)).error).toBeNull();
    const pages = probe.commits.length;
    expect(pages).toBeGreaterThan(10);

    for (const page of [1, 3, Math.floor(pages / 2), pages - 1]) {
      for (const when of ["before-commit", "after-commit"] as const) {
        const sim = await started({ reportProcessingMs: MINUTE });
        const store = new MemorySink();
        const crashed = await sync(sim, new CrashingSink(store, page, when));
        expect(crashed.error).toBeInstanceOf(InjectedCrash);
        const stored = (await store.loadCheckpoint(KEY)) as OrdersCheckpoint | null;
        const creates = served(sim, "createReport").length;

        const resumed = await sync(sim, store);
        expect(resumed.error, `crash ${when} page ${page}`).toBeNull();
        const expected = sim.expectedRecords("orders");
        expect(store.records(KEY), `records after crash ${when} page ${page}`).toEqual(byId(expected));
        expect(store.stats(KEY).deliveries, `no loss, no duplicate after crash ${when} page ${page}`).toBe(
          expected.length,
        );
        // Reports requested before the crash and listed in the checkpoint are polled, not requested again.
        const resumedCreates = served(sim, "createReport").length - creates;
        const listed = stored === null ? null : stored.phase === "backfill" ? (stored.pending ?? []) : [];
        const toRequest = listed === null ? windowsOf(sim) : listed.filter((window) => window.reportId === null).length;
        expect(resumedCreates, `reports requested again after crash ${when} page ${page}`).toBe(toRequest);
        if (listed !== null && listed.length > 0) expect(listed.some((window) => window.reportId !== null)).toBe(true);
      }
    }
  }, 120_000);

  it("requests a window's report again when Amazon no longer knows the one in the checkpoint", async () => {
    const sim = await started({ reportProcessingMs: MINUTE, backfillMonths: 4 });
    const end = new Date(sim.clock.now() - TWO_MINUTE_RULE_MS - MINUTE).toISOString();
    const start = new Date(Date.parse(end) - 2 * REPORT_WINDOW_MS).toISOString();
    const middle = new Date(Date.parse(end) - REPORT_WINDOW_MS).toISOString();
    const checkpoint: OrdersCheckpoint = {
      phase: "backfill",
      from: start,
      backfillEnd: end,
      pending: [
        { from: middle, to: end, reportId: "49999999999" },
        { from: start, to: middle, reportId: null },
      ],
      windowsTotal: 4,
      window: null,
      recent: {},
    };
    const store = await sinkAt(OrdersCheckpoint.parse(checkpoint));
    const result = await sync(sim, store);
    expect(result.error).toBeNull();
    expect(sim.server.log.some((entry) => entry.operation === "getReport" && entry.status === 404)).toBe(true);
    expect(result.http.byOperation.createReport?.calls).toBe(2);
    const expected = (sim.expectedRecords("orders") as ChannelOrder[]).filter((order) => order.updatedAt >= start);
    expect(expected.length).toBeGreaterThan(0);
    expect(store.records(KEY)).toEqual(byId(expected));
    expect(store.stats(KEY).deliveries).toBe(expected.length);
  });
});

describe("orders checkpoint", () => {
  const legacy = {
    phase: "backfill",
    from: "2026-01-10T00:00:00.000Z",
    backfillEnd: "2026-03-20T00:00:00.000Z",
    window: null,
    recent: {},
  } as const;

  it("accepts the shape stored before windows were read together, and rejects inconsistent windows", () => {
    expect(OrdersCheckpoint.parse(legacy)).toEqual(legacy);
    expect(OrdersCheckpoint.parse({ ...legacy, phase: "incremental", from: legacy.backfillEnd })).toBeTruthy();
    const window = { from: "2026-02-18T00:00:00.000Z", to: "2026-03-20T00:00:00.000Z", reportId: null };
    expect(OrdersCheckpoint.safeParse({ ...legacy, pending: [window], windowsTotal: 3 }).success).toBe(true);
    const invalid = [
      { ...legacy, pending: [{ ...window, from: window.to }] },
      { ...legacy, pending: [{ ...window, to: "2026-03-21T00:00:00.000Z" }] },
      { ...legacy, backfillEnd: null, pending: [window] },
      { ...legacy, phase: "incremental", pending: [window] },
      { ...legacy, pending: [window, window], windowsTotal: 1 },
      { ...legacy, pending: [{ ...window, reportId: "" }] },
    ];
    for (const checkpoint of invalid) expect(OrdersCheckpoint.safeParse(checkpoint).success).toBe(false);
  });

  it("resumes a backfill stored in the old shape from its next window, in windows aligned on it", async () => {
    const sim = await started({ reportProcessingMs: MINUTE });
    const now = sim.clock.now();
    const backfillEnd = new Date(now - TWO_MINUTE_RULE_MS - 3 * 3_600_000).toISOString();
    const from = new Date(Date.parse(backfillEnd) - 2 * REPORT_WINDOW_MS - 5 * DAY).toISOString();
    const store = await sinkAt({ phase: "backfill", from, backfillEnd, window: null, recent: {} });
    const creates = watchCreateReport(sim);
    const result = await sync(sim, store);
    expect(result.error).toBeNull();
    expect(creates.map((request) => [request.dataStartTime, request.dataEndTime])).toEqual([
      [new Date(Date.parse(from) + 2 * REPORT_WINDOW_MS).toISOString(), backfillEnd],
      [
        new Date(Date.parse(from) + REPORT_WINDOW_MS).toISOString(),
        new Date(Date.parse(from) + 2 * REPORT_WINDOW_MS).toISOString(),
      ],
      [from, new Date(Date.parse(from) + REPORT_WINDOW_MS).toISOString()],
    ]);
    // Everything updated since `from`: the windows, then the incremental read after backfillEnd.
    const expected = (sim.expectedRecords("orders") as ChannelOrder[]).filter((order) => order.updatedAt >= from);
    expect(expected.some((order) => order.updatedAt > backfillEnd)).toBe(true);
    expect(store.records(KEY)).toEqual(byId(expected));
    expect(store.stats(KEY).deliveries).toBe(expected.length);
    expect((result.checkpoint as OrdersCheckpoint).phase).toBe("incremental");
  });
});

describe("rate limits Amazon announces (x-amzn-RateLimit-Limit)", () => {
  it("follows a higher createReport rate the simulator grants and announces, keeping the documented burst", async () => {
    const sim = await started({
      reportProcessingMs: MINUTE,
      grantedRateLimits: { createReport: { ratePerSecond: 1, burst: 30 } },
    });
    const windows = windowsOf(sim);
    const creates = watchCreateReport(sim);
    const sink = new MemorySink();
    const result = await sync(sim, sink);
    expect(result.error).toBeNull();
    expect(sink.records(KEY)).toEqual(byId(sim.expectedRecords("orders")));
    expect(creates).toHaveLength(windows);
    const burst = AMAZON_RATE_LIMITS.createReport.burst;
    const t0 = creates[0]!.at;
    // Amazon announces no burst: 15 at once (not the 30 granted), then one a second (announced).
    expect(creates.filter((request) => request.at === t0)).toHaveLength(burst);
    for (let index = burst; index < creates.length; index += 1) {
      const gap = (creates[index]?.at ?? 0) - (creates[index - 1]?.at ?? 0);
      expect(gap).toBeGreaterThanOrEqual(999);
      expect(gap).toBeLessThan(CREATE_INTERVAL_MS / 2);
    }
    expect(creates.at(-1)!.at - t0).toBeLessThan(20_000);
    expect(sim.server.rateLimitViolations).toBe(0);
    expect(result.http.throttled).toBe(0);
    // Every report requested within seconds: the backfill takes about one report's wait.
    expect(result.durationMs).toBeLessThan(3 * MINUTE);
  });

  it("the HTTP client paces at the announced rate only when told the header, and ignores nonsense", async () => {
    const announce = { value: "2" };
    const clock = new VirtualClock("2026-03-01T00:00:00.000Z");
    const server = new SimulatorServer({
      clock,
      routes: [
        {
          method: "GET",
          path: "/op",
          operation: "op",
          handle: () => ({ body: { ok: true }, headers: { "x-amzn-RateLimit-Limit": announce.value } }),
        },
      ],
    });
    await server.start();
    try {
      const gapsOf = async (header: string | undefined) => {
        const client = new HttpClient(
          { baseUrl: server.url, rateLimits: { op: { ratePerSecond: 0.1, burst: 1 } }, rateLimitHeader: header },
          { clock },
        );
        const at: number[] = [];
        for (let call = 0; call < 3; call += 1) {
          await client.request({ operation: "op", path: "/op" });
          at.push(clock.now());
        }
        return { gaps: [at[1]! - at[0]!, at[2]! - at[1]!], limit: client.rateLimit("op").limit };
      };
      // Announced 2/s: half a second between calls instead of the documented 10 s; burst unchanged.
      expect(await gapsOf("x-amzn-RateLimit-Limit")).toEqual({
        gaps: [500, 500],
        limit: { ratePerSecond: 2, burst: 1 },
      });
      // Not told which header announces the rate: the documented limit.
      expect((await gapsOf(undefined)).gaps).toEqual([10_000, 10_000]);
      // A lower announced rate is followed too.
      announce.value = "0.05";
      expect((await gapsOf("x-amzn-RateLimit-Limit")).gaps).toEqual([20_000, 20_000]);
      for (const nonsense of ["", "abc", "0", "-1", "Infinity", "1e9x"]) {
        announce.value = nonsense;
        expect((await gapsOf("x-amzn-RateLimit-Limit")).gaps, `header "${nonsense}"`).toEqual([10_000, 10_000]);
      }
    } finally {
      await server.close();
    }
  });
});
