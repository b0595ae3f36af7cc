/**
 * The sync engine: runs one stream of one connection from its stored checkpoint.
 *
 * For every page the connector yields, records are normalized and validated one by
 * one (bad ones are quarantined with their raw payload and the reason), then the
 * page's records, quarantine and checkpoint are handed to the sink in one call. The
 * engine never stores a checkpoint by itself, so a crash before or after any commit
 * resumes from the last committed page with no loss and no duplicates. Memory is
 * bounded by one page: nothing is accumulated across pages but counters.
 */
import { randomUUID } from "node:crypto";
import { isDeepStrictEqual } from "node:util";
import type { z } from "zod";
import {
  silentLogger,
  type Connector,
  type ConnectorContext,
  type JsonValue,
  type Logger,
  type ResolvedStream,
  type ValidatedSettings,
} from "../connector.ts";
import { CheckpointError } from "../errors.ts";
import { CallBudget, HttpClient, HttpStats, type HttpClientOptions, type HttpStatsSnapshot } from "../http/client.ts";
import type { StreamName } from "../models.ts";
import { redactValue, secretValuesOf } from "../redact.ts";
import { systemClock, type Clock } from "../time.ts";
import { primaryKeyOf, type QuarantinedRecord, type RecordSink, type StreamKey } from "./sink.ts";

/** HTTP settings the host may impose on every client a connector creates (tests shorten timeouts). */
export type HttpOverrides = Partial<
  Pick<HttpClientOptions, "timeoutMs" | "maxRetries" | "backoff" | "maxRetryAfterMs" | "network" | "maxResponseBytes">
>;

export interface RunContextOptions {
  /** Settings as stored, validated here; or `connector.validateSettings(...)`'s result, used as it is. */
  config?: unknown;
  credentials?: unknown;
  settings?: ValidatedSettings;
  signal?: AbortSignal;
  clock?: Clock;
  logger?: Logger;
  /** Maximum HTTP attempts for the whole run, retries included. */
  callBudget?: number;
  httpOverrides?: HttpOverrides;
  /** Jitter source; inject a seeded one for reproducible runs. */
  random?: () => number;
}

export interface SyncOptions extends RunContextOptions {
  connector: Connector;
  stream: StreamName;
  sink: RecordSink;
  connectionId?: string | null;
  /** Where a first run (no stored checkpoint) starts, UTC ISO. Defaults to the epoch. */
  startDate?: string;
}

export type SyncStatus = "succeeded" | "cancelled" | "failed";

export interface SyncRunResult {
  runId: string;
  connectorId: string;
  stream: StreamName;
  connectionId: string | null;
  status: SyncStatus;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** Pages committed by the sink. */
  pages: number;
  recordsCommitted: number;
  recordsQuarantined: number;
  /** Checkpoint the run started from and the last one committed. */
  startCheckpoint: JsonValue | null;
  checkpoint: JsonValue | null;
  http: HttpStatsSnapshot;
  /** Why the run failed; null when it succeeded or was cancelled. */
  error: Error | null;
}

/** A connector context wired to one run: validated settings, shared budget and counters. */
export function createRunContext<Config, Credentials>(
  connector: Connector<Config, Credentials>,
  options: RunContextOptions,
  stats: HttpStats = new HttpStats(),
): ConnectorContext<Config, Credentials> {
  const { config, credentials } = connector.isValidated(options.settings)
    ? options.settings
    : connector.validateSettings(options.config, options.credentials);
  const clock = options.clock ?? systemClock;
  const signal = options.signal ?? new AbortController().signal;
  const budget = new CallBudget(options.callBudget);
  const secrets = secretValuesOf(credentials);
  return {
    connectorId: connector.id,
    config,
    credentials,
    signal,
    clock,
    log: options.logger ?? silentLogger,
    http: (httpOptions) =>
      new HttpClient(
        { ...httpOptions, ...options.httpOverrides, secrets: [...(httpOptions.secrets ?? []), ...secrets] },
        { clock, signal, budget, stats, random: options.random },
      ),
  };
}

export type CheckOutcome = { ok: true; accountName: string | null } | { ok: false; error: Error; message: string };

/** Runs the connector's `check`; never throws, so a settings screen can show the message. */
export async function checkConnection(connector: Connector, options: RunContextOptions): Promise<CheckOutcome> {
  try {
    const ctx = createRunContext(connector, options);
    const result = await connector.check(ctx);
    return { ok: true, accountName: result?.accountName ?? null };
  } catch (caught) {
    const error = caught instanceof Error ? caught : new Error(String(caught));
    return { ok: false, error, message: error.message };
  }
}

export async function runSync(options: SyncOptions): Promise<SyncRunResult> {
  const { connector, sink } = options;
  const clock = options.clock ?? systemClock;
  const signal = options.signal ?? new AbortController().signal;
  const log = options.logger ?? silentLogger;
  const stats = new HttpStats();
  const startedAtMs = clock.now();
  const key: StreamKey = {
    connectionId: options.connectionId ?? null,
    connectorId: connector.id,
    stream: options.stream,
  };
  const run = {
    runId: randomUUID(),
    pages: 0,
    recordsCommitted: 0,
    recordsQuarantined: 0,
    startCheckpoint: null as JsonValue | null,
    checkpoint: null as JsonValue | null,
  };

  const finish = (status: SyncStatus, error: Error | null): SyncRunResult => {
    const finishedAtMs = clock.now();
    const result: SyncRunResult = {
      ...run,
      connectorId: connector.id,
      stream: options.stream,
      connectionId: key.connectionId,
      status,
      startedAt: new Date(startedAtMs).toISOString(),
      finishedAt: new Date(finishedAtMs).toISOString(),
      durationMs: finishedAtMs - startedAtMs,
      http: stats.snapshot(),
      error,
    };
    log[status === "failed" ? "error" : "info"](`sync ${status}`, {
      connector: connector.id,
      stream: options.stream,
      pages: run.pages,
      records: run.recordsCommitted,
      quarantined: run.recordsQuarantined,
      error: error?.message,
    });
    return result;
  };

  try {
    const stream = connector.stream(options.stream);
    const ctx = createRunContext(connector, { ...options, clock, signal, logger: log }, stats);
    const secrets = secretValuesOf(ctx.credentials);
    const stored = await sink.loadCheckpoint(key);
    const start = stored === null ? stream.startCheckpoint(options.startDate ?? "1970-01-01T00:00:00.000Z") : stored;
    const checkpoint = parseCheckpoint(stream, start, stored === null ? "startCheckpoint()" : "the stored checkpoint");
    run.startCheckpoint = checkpoint;
    run.checkpoint = stored;
    let previous: JsonValue = checkpoint;

    for await (const page of stream.read(ctx, checkpoint)) {
      signal.throwIfAborted();
      const records: unknown[] = [];
      const quarantined: QuarantinedRecord[] = [];
      for (const raw of page.records) {
        const outcome = normalizeRecord(stream, ctx, raw);
        if (outcome.ok) records.push(outcome.record);
        else quarantined.push({ ...outcome.quarantined, raw: redactValue(raw, secrets) });
      }
      const next = parseCheckpoint(stream, page.checkpoint, `the checkpoint of page ${run.pages + 1}`);
      if (page.records.length > 0 && isDeepStrictEqual(next, previous)) {
        // Resuming from an unchanged checkpoint would read the same records forever.
        throw new CheckpointError(stream.name, `page ${run.pages + 1} has records but did not advance the checkpoint`);
      }
      previous = next;
      await sink.commitPage({
        ...key,
        runId: run.runId,
        pageNumber: run.pages + 1,
        records,
        primaryKey: stream.primaryKey,
        quarantined,
        checkpoint: next,
        ...progressOf(page.progress, records, stream.cursorField, options.startDate, clock.now()),
      });
      run.pages += 1;
      run.recordsCommitted += records.length;
      run.recordsQuarantined += quarantined.length;
      run.checkpoint = next;
      // Cancellation is honoured between pages: the committed page is never lost.
      if (signal.aborted) return finish("cancelled", null);
    }
    return finish("succeeded", null);
  } catch (caught) {
    if (signal.aborted) return finish("cancelled", null);
    const error = caught instanceof Error ? caught : new Error(String(caught));
    return finish("failed", error);
  }
}

function parseCheckpoint(stream: ResolvedStream, value: unknown, what: string): JsonValue {
  const result = (stream.checkpointSchema as z.ZodType<JsonValue>).safeParse(value);
  if (!result.success) {
    const detail = result.error.issues
      .map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`)
      .join("; ");
    throw new CheckpointError(stream.name, `${what} does not match the stream's checkpointSchema (${detail})`, {
      cause: result.error,
    });
  }
  return result.data;
}

type NormalizeOutcome = { ok: true; record: unknown } | { ok: false; quarantined: Omit<QuarantinedRecord, "raw"> };

function normalizeRecord(stream: ResolvedStream, ctx: ConnectorContext, raw: unknown): NormalizeOutcome {
  let candidate: unknown;
  try {
    candidate = stream.normalize(raw, ctx);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      ok: false,
      quarantined: { reason: `normalize failed: ${message}`, issues: [{ path: "", message }], externalId: null },
    };
  }
  const parsed = stream.model.safeParse(candidate);
  if (parsed.success) return { ok: true, record: parsed.data };
  const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join("."), message: issue.message }));
  const first = issues[0];
  const more = issues.length > 1 ? ` (+${issues.length - 1} more)` : "";
  return {
    ok: false,
    quarantined: {
      reason: `invalid ${stream.name} record: ${first ? `${first.path || "(root)"}: ${first.message}` : "unknown"}${more}`,
      issues,
      externalId: safePrimaryKey(candidate, stream.primaryKey),
    },
  };
}

function safePrimaryKey(candidate: unknown, primaryKey: readonly string[]): string | null {
  if (candidate === null || typeof candidate !== "object") return null;
  const record = candidate as Record<string, unknown>;
  if (primaryKey.some((field) => record[field] === undefined || record[field] === null)) return null;
  return primaryKeyOf(record, primaryKey);
}

/**
 * The page's progress: the connector's own estimate when it gives one; otherwise, for a stream
 * read in cursor order from a known start, how far the page's newest cursor time has come
 * between that start and now.
 */
function progressOf(
  declared: number | undefined,
  records: readonly unknown[],
  cursorField: string,
  startDate: string | undefined,
  now: number,
): { progress?: number } {
  const clamp = (value: number) => Math.min(1, Math.max(0, value));
  if (typeof declared === "number" && Number.isFinite(declared)) return { progress: clamp(declared) };
  const start = startDate === undefined ? Number.NaN : Date.parse(startDate);
  if (!Number.isFinite(start) || now <= start || records.length === 0) return {};
  let newest = Number.NEGATIVE_INFINITY;
  for (const record of records) {
    const value = (record as Record<string, unknown>)[cursorField];
    const time = typeof value === "string" ? Date.parse(value) : Number.NaN;
    if (Number.isFinite(time) && time > newest) newest = time;
  }
  return Number.isFinite(newest) ? { progress: clamp((newest - start) / (now - start)) } : {};
}
