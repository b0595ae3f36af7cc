/**
 * The connector conformance suite. One line in a connector's test file:
 *
 *   connectorConformance(myConnector, () => new MySimulator({ seed: 7 }));
 *
 * registers vitest blocks proving the connector honours the SDK contract against
 * its simulator: settings validation, credential checks, exact full reads,
 * duplicate-free resumption from any page, rate limits, retries, quarantine and
 * cancellation.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { modelShape, type Connector } from "../connector.ts";
import { ConfigError, ConnectorHttpError } from "../errors.ts";
import type { StreamName } from "../models.ts";
import { secretValuesOf } from "../redact.ts";
import { runSync, checkConnection, type SyncOptions, type SyncRunResult } from "../sync/engine.ts";
import { MemorySink, primaryKeyOf, type RecordSink, type SinkPage, type StreamKey } from "../sync/sink.ts";
import type { ConnectorSimulator, SimulatorFactory } from "../simulator/harness.ts";
import { Rng } from "../simulator/prng.ts";

export interface ConformanceOptions {
  /** Client timeout imposed during the suite (real milliseconds); keeps the timeout test fast. */
  timeoutMs?: number;
  /** Retries imposed during the suite, so the bound can be asserted. */
  maxRetries?: number;
  /** Restrict the stream tests (defaults to every supported stream). */
  streams?: readonly StreamName[];
  /** Settings the connector must reject (default `{}`); give one when every field has a default. */
  invalidConfig?: unknown;
  invalidCredentials?: unknown;
}

/** Thrown by the crash-injecting sink; stands in for a process dying mid-run. */
export class InjectedCrash extends Error {
  override readonly name = "InjectedCrash";
}

/**
 * A sink that dies once at page `atPage`: before its transaction commits, or right
 * after (the commit is durable but the process never learns it).
 */
export class CrashingSink implements RecordSink {
  #crashed = false;

  constructor(
    readonly inner: RecordSink,
    readonly atPage: number,
    readonly when: "before-commit" | "after-commit",
  ) {}

  loadCheckpoint(key: StreamKey) {
    return this.inner.loadCheckpoint(key);
  }

  async commitPage(page: SinkPage): Promise<void> {
    const crashNow = !this.#crashed && page.pageNumber === this.atPage;
    if (crashNow && this.when === "before-commit") {
      this.#crashed = true;
      throw new InjectedCrash(`crash before committing page ${page.pageNumber}`);
    }
    await this.inner.commitPage(page);
    if (crashNow) {
      this.#crashed = true;
      throw new InjectedCrash(`crash after committing page ${page.pageNumber}`);
    }
  }
}

const YEAR_MS = 365 * 86_400_000;

export function connectorConformance<Config, Credentials>(
  connector: Connector<Config, Credentials>,
  createSimulator: SimulatorFactory<Config, Credentials>,
  options: ConformanceOptions = {},
): void {
  const timeoutMs = options.timeoutMs ?? 300;
  const maxRetries = options.maxRetries ?? 3;
  const streams = options.streams ?? connector.supportedStreams;

  describe(`connector conformance: ${connector.displayName} (${connector.id})`, () => {
    let sim: ConnectorSimulator<Config, Credentials>;

    beforeEach(async () => {
      sim = createSimulator();
      await sim.start();
    });

    afterEach(async () => {
      await sim.close();
    });

    const run = (stream: StreamName, sink: RecordSink, extra: Partial<SyncOptions> = {}): Promise<SyncRunResult> =>
      runSync({
        connector,
        stream,
        sink,
        config: sim.config(),
        credentials: sim.credentials(),
        clock: sim.clock,
        random: seededRandom(stream),
        httpOverrides: { timeoutMs, maxRetries, backoff: { initialMs: 200, maxMs: 5_000 } },
        ...extra,
      });

    const key = (stream: StreamName): StreamKey => ({ connectionId: null, connectorId: connector.id, stream });

    const sortedExpected = (stream: StreamName): unknown[] => {
      const primaryKey = connector.stream(stream).primaryKey;
      return sim
        .expectedRecords(stream)
        .map((record) => [primaryKeyOf(record, primaryKey), record] as const)
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([, record]) => record);
    };

    const expectSucceeded = (result: SyncRunResult) => {
      expect(result.error, result.error?.message).toBeNull();
      expect(result.status).toBe("succeeded");
    };

    describe("contract", () => {
      it("declares each of the four streams as supported or not supported with a reason", () => {
        expect(connector.supportedStreams.length).toBeGreaterThan(0);
        for (const [name, stream] of Object.entries(connector.streams)) {
          if (stream.supported === false) expect(stream.reason.trim(), `${name} reason`).not.toBe("");
        }
      });

      it("declares a primary key, a cursor field, a schedule and a JSON checkpoint for every stream", () => {
        for (const name of connector.supportedStreams) {
          const stream = connector.stream(name);
          const fields = Object.keys(modelShape(stream.model));
          expect(stream.primaryKey.length, `${name}.primaryKey`).toBeGreaterThan(0);
          for (const field of stream.primaryKey) expect(fields, `${name}.primaryKey`).toContain(field);
          expect(fields, `${name}.cursorField`).toContain(stream.cursorField);
          expect(stream.defaultSchedule.everyMinutes).toBeGreaterThan(0);
          const start = stream.startCheckpoint("2024-01-01T00:00:00.000Z");
          expect(stream.checkpointSchema.parse(JSON.parse(JSON.stringify(start)))).toEqual(start);
        }
      });

      it("rejects bad config and credentials with a message naming each field", async () => {
        const cases = [
          ["config", options.invalidConfig ?? {}, (input: unknown) => connector.parseConfig(input)],
          ["credentials", options.invalidCredentials ?? {}, (input: unknown) => connector.parseCredentials(input)],
        ] as const;
        for (const [section, invalid, parse] of cases) {
          let caught: unknown;
          try {
            parse(invalid);
          } catch (error) {
            caught = error;
          }
          expect(caught, `${section}: ${JSON.stringify(invalid)} must be rejected`).toBeInstanceOf(ConfigError);
          const error = caught as ConfigError;
          expect(error.issues.length).toBeGreaterThan(0);
          for (const issue of error.issues) {
            expect(issue.path.startsWith(`${section}.`)).toBe(true);
            expect(error.message).toContain(issue.path);
          }
        }
        const result = await run(connector.supportedStreams[0] as StreamName, new MemorySink(), {
          config: options.invalidConfig ?? {},
        });
        expect(result.status).toBe("failed");
        expect(result.error).toBeInstanceOf(ConfigError);
        expect(result.http.calls).toBe(0);
      });
    });

    describe("check", () => {
      it("passes with valid credentials", async () => {
        const outcome = await checkConnection(connector, {
          config: sim.config(),
          credentials: sim.credentials(),
          clock: sim.clock,
        });
        expect(outcome.ok, outcome.ok ? "" : outcome.message).toBe(true);
      });

      it("fails on revoked credentials with an auth error that leaks no secret", async () => {
        sim.server.revokeCredentials();
        const outcome = await checkConnection(connector, {
          config: sim.config(),
          credentials: sim.credentials(),
          clock: sim.clock,
          httpOverrides: { timeoutMs, maxRetries },
        });
        expect(outcome.ok).toBe(false);
        if (outcome.ok) return;
        expect(outcome.error).toBeInstanceOf(ConnectorHttpError);
        const error = outcome.error as ConnectorHttpError;
        expect(error.kind).toBe("auth");
        const exposed = JSON.stringify({ message: error.message, details: error.toJSON() });
        for (const secret of secretValuesOf(sim.credentials())) expect(exposed).not.toContain(secret);
      });
    });

    for (const name of streams) {
      describe(`stream "${name}"`, () => {
        it("a full read yields exactly the simulator's expected records", async () => {
          const sink = new MemorySink();
          const result = await run(name, sink);
          expectSucceeded(result);
          const expected = sortedExpected(name);
          expect(expected.length, "the simulator must serve records for this stream").toBeGreaterThan(0);
          expect(sink.records(key(name))).toEqual(expected);
          expect(sink.quarantined(key(name))).toEqual([]);
          expect(sink.stats(key(name)).deliveries, "each record delivered exactly once").toBe(expected.length);
          expect(result.recordsCommitted).toBe(expected.length);
          expect(result.pages).toBe(sink.stats(key(name)).commits);
        });

        it("re-reading from the saved checkpoint yields no duplicates", async () => {
          const sink = new MemorySink();
          expectSucceeded(await run(name, sink));
          const again = await run(name, sink);
          expectSucceeded(again);
          expect(again.recordsCommitted).toBe(0);
          expect(sink.stats(key(name)).duplicates).toBe(0);
        });

        it("a checkpoint in the future yields nothing", async () => {
          const sink = new MemorySink();
          const future = new Date(sim.clock.now() + YEAR_MS).toISOString();
          const result = await run(name, sink, { startDate: future });
          expectSucceeded(result);
          expect(result.recordsCommitted).toBe(0);
          expect(sink.records(key(name))).toEqual([]);
        });

        it("resumes exactly after a crash injected before or after any page commit", async () => {
          const probe = await run(name, new MemorySink());
          expectSucceeded(probe);
          const expected = sortedExpected(name);
          for (let page = 1; page <= probe.pages; page += 1) {
            for (const when of ["before-commit", "after-commit"] as const) {
              const store = new MemorySink();
              const crashed = await run(name, new CrashingSink(store, page, when));
              expect(crashed.status, `crash ${when} page ${page}`).toBe("failed");
              expect(crashed.error).toBeInstanceOf(InjectedCrash);
              const resumed = await run(name, store);
              expectSucceeded(resumed);
              expect(store.records(key(name)), `records after crash ${when} page ${page}`).toEqual(expected);
              expect(store.stats(key(name)).deliveries, `no loss, no duplicate after crash ${when} page ${page}`).toBe(
                expected.length,
              );
            }
          }
        });

        it("honours 429 Retry-After and never exceeds the documented rate limit", async () => {
          const retryAfterSeconds = 7;
          sim.server.inject({ kind: "rate_limit", retryAfterSeconds, times: 2 });
          const sink = new MemorySink();
          const result = await run(name, sink);
          expectSucceeded(result);
          expect(sink.records(key(name))).toEqual(sortedExpected(name));
          expect(result.http.throttled).toBe(2);
          const log = sim.server.log;
          log.forEach((entry, index) => {
            if (entry.outcome !== "injected" || entry.status !== 429) return;
            const next = log.slice(index + 1).find((candidate) => candidate.operation === entry.operation);
            expect(next, "the client retried after the 429").toBeDefined();
            expect((next?.at ?? 0) - entry.at).toBeGreaterThanOrEqual(retryAfterSeconds * 1000);
          });
          expect(sim.server.rateLimitViolations, "requests the simulator's limiter had to reject").toBe(0);
          // Pacing is only observable when a read needs more calls than the burst allows.
          const served = new Map<string, number>();
          for (const entry of log)
            if (entry.outcome === "ok") served.set(entry.operation, (served.get(entry.operation) ?? 0) + 1);
          const paced = [...served].filter(
            ([operation, calls]) => calls > (sim.rateLimits[operation]?.burst ?? Infinity),
          );
          expect(paced.length, `serve more pages than the burst of ${[...served.keys()].join(", ")}`).toBeGreaterThan(
            0,
          );
        });

        it("retries 5xx and timeouts, and gives up after the retry bound", async () => {
          sim.server.inject({ kind: "status", status: 503 });
          sim.server.inject({ kind: "timeout", holdMs: timeoutMs * 20 });
          sim.server.inject({ kind: "status", status: 500 });
          const sink = new MemorySink();
          const result = await run(name, sink);
          expectSucceeded(result);
          expect(sink.records(key(name))).toEqual(sortedExpected(name));
          expect(result.http.retried).toBeGreaterThanOrEqual(3);
          expect(result.http.timeouts).toBe(1);

          sim.server.inject({ kind: "status", status: 502, times: 1_000 });
          const before = sim.server.log.length;
          const failed = await run(name, new MemorySink());
          sim.server.clearFaults();
          expect(failed.status).toBe("failed");
          expect(failed.error).toBeInstanceOf(ConnectorHttpError);
          const error = failed.error as ConnectorHttpError;
          expect(error.kind).toBe("server");
          expect(error.status).toBe(502);
          expect(error.attempts).toBe(maxRetries + 1);
          expect(sim.server.log.length - before).toBe(maxRetries + 1);
        });

        it("quarantines malformed records with their raw payload and keeps going", async () => {
          sim.server.inject({ kind: "malformed", records: 2 });
          const sink = new MemorySink();
          const result = await run(name, sink);
          expectSucceeded(result);
          expect(sim.server.malformedIds).toHaveLength(2);
          const quarantined = sink.quarantined(key(name));
          expect(quarantined).toHaveLength(2);
          for (const entry of quarantined) {
            expect(entry.raw).not.toBeNull();
            expect(entry.reason.length).toBeGreaterThan(0);
          }
          const expected = sortedExpected(name);
          const committed = sink.records(key(name));
          expect(committed).toHaveLength(expected.length - 2);
          for (const record of committed) expect(expected).toContainEqual(record);
          expect(result.recordsQuarantined).toBe(2);
        });

        it("stops cleanly on cancellation and the next run completes exactly", async () => {
          const controller = new AbortController();
          const store = new MemorySink();
          const cancelling: RecordSink = {
            loadCheckpoint: (streamKey) => store.loadCheckpoint(streamKey),
            commitPage: async (page) => {
              await store.commitPage(page);
              controller.abort(new Error("cancelled by test"));
            },
          };
          const cancelled = await run(name, cancelling, { signal: controller.signal });
          expect(cancelled.status).toBe("cancelled");
          expect(cancelled.error).toBeNull();
          expect(cancelled.pages).toBe(1);
          const resumed = await run(name, store);
          expectSucceeded(resumed);
          const expected = sortedExpected(name);
          expect(store.records(key(name))).toEqual(expected);
          expect(store.stats(key(name)).deliveries).toBe(expected.length);
        });
      });
    }
  });
}

function seededRandom(label: string): () => number {
  const rng = Rng.for("conformance", label);
  return () => rng.next();
}

export { MemorySink } from "../sync/sink.ts";
export {
  checkAgainst,
  manualClock,
  recordingServers,
  type RecordedAnswer,
  sortedByKey,
  startedSimulators,
  streamKey,
  syncAgainst,
  type SimulatedAccount,
} from "./helpers.ts";
export { recordSinkBattery, type SinkUnderTest } from "./sink-battery.ts";
