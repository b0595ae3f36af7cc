/**
 * What every connector's tests need around its simulator: start one per test (closed after
 * it), run a stream or a check against it, and compare records in primary-key order.
 */
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach } from "vitest";
import type { Connector } from "../connector.ts";
import type { StreamName } from "../models.ts";
import { checkConnection, runSync, type CheckOutcome, type SyncOptions, type SyncRunResult } from "../sync/engine.ts";
import { primaryKeyOf, type RecordSink, type StreamKey } from "../sync/sink.ts";
import type { Clock } from "../time.ts";

/** The part of a simulator a run needs: settings pointing at it and its clock. */
export interface SimulatedAccount {
  readonly clock: Clock;
  config(): unknown;
  credentials(): unknown;
}

/**
 * Starts simulators for a test file, each closed after the test that started it:
 * `const started = startedSimulators((options) => new MySimulator(options));`
 */
export function startedSimulators<Options, S extends { start(): Promise<unknown>; close(): Promise<unknown> }>(
  create: (options: Options) => S,
): (options?: Options) => Promise<S> {
  const open: S[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((simulator) => simulator.close()));
  });
  return async (options = {} as Options) => {
    const simulator = create(options);
    open.push(simulator);
    await simulator.start();
    return simulator;
  };
}

/** Runs one stream of `connector` against the simulator's account; `extra` overrides any option. */
export function syncAgainst(
  connector: Connector,
  simulator: SimulatedAccount,
  stream: StreamName,
  sink: RecordSink,
  extra: Partial<SyncOptions> = {},
): Promise<SyncRunResult> {
  return runSync({
    connector,
    stream,
    sink,
    config: simulator.config(),
    credentials: simulator.credentials(),
    clock: simulator.clock,
    ...extra,
  });
}

/** Runs the connector's `check` against the simulator's account; `extra` overrides settings or options. */
export function checkAgainst(
  connector: Connector,
  simulator: SimulatedAccount,
  extra: Partial<Parameters<typeof checkConnection>[1]> = {},
): Promise<CheckOutcome> {
  return checkConnection(connector, {
    config: simulator.config(),
    credentials: simulator.credentials(),
    clock: simulator.clock,
    ...extra,
  });
}

/** The key of a stream of a single-connection test host (what `MemorySink` stores under). */
export function streamKey(connectorId: string, stream: StreamName): StreamKey {
  return { connectionId: null, connectorId, stream };
}

/** Records in primary-key order, to compare runs whatever order the channel returned them in. */
export function sortedByKey<R>(records: readonly R[], primaryKey: readonly string[]): R[] {
  return [...records].sort((a, b) => {
    const left = primaryKeyOf(a, primaryKey);
    const right = primaryKeyOf(b, primaryKey);
    return left < right ? -1 : left > right ? 1 : 0;
  });
}

/** A clock a test moves by hand (`clock.at = ...`); sleeping returns at once. */
export function manualClock(at: number): Clock & { at: number } {
  const clock = { at, now: () => clock.at, sleep: async () => {} };
  return clock;
}

/** What a recording server answers for one request path. */
export interface RecordedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
}

/**
 * Loopback HTTP servers for a test file that answer from a function and record every request
 * (path and headers: did a credential leak?), each closed after the test that started it:
 * `const serve = recordingServers(); const storage = await serve(() => ({ status: 200, body }));`
 */
export function recordingServers(): (
  answer: (path: string) => RecordedAnswer,
) => Promise<{ url: string; seen: Array<{ path: string; headers: IncomingHttpHeaders }> }> {
  const open: Server[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
  });
  return async (answer) => {
    const seen: Array<{ path: string; headers: IncomingHttpHeaders }> = [];
    const server = createServer((request, response) => {
      seen.push({ path: request.url ?? "", headers: request.headers });
      const { status, headers, body } = answer(request.url ?? "");
      response.writeHead(status, headers);
      response.end(body ?? "");
    });
    open.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
  };
}
