import {
  backfillStart,
  ConnectorHttpError,
  runSync,
  type Clock,
  type HttpOverrides,
  type RecordSink,
  type StreamName,
  type SyncRunResult,
  type ValidatedSettings,
} from "@crosschannel/connector-sdk";
import type { ChannelConnection, Prisma, Shop } from "@prisma/client";
import pg from "pg";

import prisma from "#app/db.server.ts";
import { PostgresRecordSink } from "#app/ingest/sink.server.ts";
import type { ChannelAdapter } from "#app/services/channels.server.ts";
import { openCredentials } from "#app/services/crypto.server.ts";
import { withNetworkPolicy } from "#app/services/network-policy.server.ts";
import { refreshRollups } from "#app/services/rollups.server.ts";

export type SyncMode = "incremental" | "full";

/** How often a long run refreshes the rollups of the orders it committed so far. */
export const ROLLUP_REFRESH_MS = Number(process.env.SYNC_ROLLUP_REFRESH_MS ?? 15_000);

export interface StreamSyncSummary {
  stream: StreamName;
  status: "succeeded" | "failed" | "cancelled" | "skipped";
  /** Why it was skipped or failed, in words a merchant can act on. */
  message: string | null;
  records: number;
  quarantined: number;
  pages: number;
  apiCalls: number;
  throttled: number;
  retried: number;
  /** Orders whose rollup contributions were recomputed after the stream. */
  rollupOrders: number;
  syncRunId: string | null;
}

export interface SyncConnectionOptions {
  streams?: readonly StreamName[];
  /** Told after every committed page: what a terminal or a page shows as progress. */
  onPage?: (page: { stream: StreamName; records: number; quarantined: number; progress: number | null }) => void;
  mode?: SyncMode;
  signal?: AbortSignal;
  /** For simulators and tests: a virtual clock and shorter HTTP timeouts. */
  clock?: Clock;
  httpOverrides?: HttpOverrides;
}

/** One run of a connection: the connection, its channel, and its settings validated once. */
interface SyncRun {
  connection: ChannelConnection & { shop: Shop };
  channel: ChannelAdapter;
  settings: ValidatedSettings;
  options: SyncConnectionOptions;
}

/**
 * Runs every stream of one connection (or the ones asked for), one run per stream at a time.
 * The settings are validated once here; the engine and the channel's hooks use them as they are.
 */
export async function syncConnection(
  connection: ChannelConnection & { shop: Shop },
  channel: ChannelAdapter,
  options: SyncConnectionOptions = {},
): Promise<StreamSyncSummary[]> {
  const { connector } = channel;
  const streams = options.streams ?? connector.supportedStreams;
  const stored = openCredentials(connection);
  const settings = connector.validateSettings(
    connection.config,
    channel.credentialsFor ? await channel.credentialsFor(connection, stored) : stored,
  );
  const run: SyncRun = { connection, channel, settings, options };
  const summaries: StreamSyncSummary[] = [];
  for (const stream of streams) {
    if (options.signal?.aborted) break;
    summaries.push(await syncStream(run, stream));
  }
  return summaries;
}

async function syncStream(run: SyncRun, stream: StreamName): Promise<StreamSyncSummary> {
  const { connection } = run;
  const lockKey = `sync:${connection.id}:${stream}`;
  // One run per connection and stream, across every process: a session-level advisory lock,
  // held on a connection of its own. (Held on a pooled one, as many concurrent runs as the
  // pool has connections would leave none for their pages: every run would wait forever.)
  const lock = new pg.Client({ connectionString: process.env.DATABASE_URL });
  lock.on("error", () => undefined);
  await lock.connect();
  try {
    const acquired = await lock.query<{ locked: boolean }>(
      "select pg_try_advisory_lock(hashtextextended($1, 0)) as locked",
      [lockKey],
    );
    if (!acquired.rows[0]?.locked) {
      return skipped(stream, "Another sync of this stream is running; this one was skipped.");
    }
    // Ending the session (below) releases the lock, whatever happened in between.
    return await runLocked(run, stream);
  } finally {
    await lock.end().catch(() => undefined);
  }
}

function skipped(stream: StreamName, message: string): StreamSyncSummary {
  return {
    stream,
    status: "skipped",
    message,
    records: 0,
    quarantined: 0,
    pages: 0,
    apiCalls: 0,
    throttled: 0,
    retried: 0,
    rollupOrders: 0,
    syncRunId: null,
  };
}

async function runLocked(
  { connection, channel, settings, options }: SyncRun,
  stream: StreamName,
): Promise<StreamSyncSummary> {
  const { shop } = connection;
  const mode = options.mode ?? "incremental";
  const run = await prisma.syncRun.create({
    data: { shopId: shop.id, connectionId: connection.id, stream, mode, status: "running" },
  });
  const sink = new PostgresRecordSink({
    shopId: shop.id,
    connectionId: connection.id,
    channel: connection.channel,
    timezone: shop.timezone,
    syncRunId: run.id,
    ignoreStoredCheckpoint: mode === "full",
    records: channel.records,
  });
  // A long run (a backfill) shows its days as it goes: its committed orders' rollups are
  // refreshed every ROLLUP_REFRESH_MS between pages, not only at the end.
  let refreshedAt = Date.now();
  const committing: RecordSink = {
    loadCheckpoint: (key) => sink.loadCheckpoint(key),
    commitPage: async (page) => {
      await sink.commitPage(page);
      options.onPage?.({
        stream,
        records: page.records.length,
        quarantined: page.quarantined.length,
        progress: page.progress ?? null,
      });
      if (Date.now() - refreshedAt >= ROLLUP_REFRESH_MS) {
        await refreshRollups(shop.id);
        refreshedAt = Date.now();
      }
    },
  };
  const now = options.clock?.now() ?? Date.now();
  let result: SyncRunResult;
  try {
    result = await runSync({
      connector: channel.connector,
      stream,
      sink: committing,
      connectionId: connection.id,
      settings,
      signal: options.signal,
      clock: options.clock,
      httpOverrides: withNetworkPolicy(options.httpOverrides),
      startDate: backfillStart(channel.connector, settings.config, now),
    });
  } catch (error) {
    // runSync reports failures in its result; reaching here means the host itself failed.
    await prisma.syncRun.update({
      where: { id: run.id },
      data: { status: "failed", finishedAt: new Date(), error: { message: (error as Error).message } },
    });
    throw error;
  }
  if (result.status === "succeeded" && channel.afterStream) {
    await channel.afterStream({
      shop,
      stream,
      settings,
      signal: options.signal,
      clock: options.clock,
      httpOverrides: withNetworkPolicy(options.httpOverrides),
    });
  }
  // Every order this run wrote (and any a crashed run left pending) gets its rollups now.
  const rollupOrders = (await refreshRollups(shop.id)).orders;
  const error: Prisma.InputJsonValue | undefined = result.error
    ? { message: result.error.message, name: result.error.name }
    : undefined;
  const finished = await prisma.syncRun.update({
    where: { id: run.id },
    data: {
      status: result.status,
      finishedAt: new Date(),
      apiCalls: result.http.calls,
      throttled: result.http.throttled,
      retried: result.http.retried,
      bytesRead: BigInt(result.http.bytes),
      error,
    },
  });
  await recordSyncOutcome(connection, stream, result);
  return {
    stream,
    status: result.status,
    message: result.error?.message ?? null,
    records: finished.recordsWritten,
    quarantined: finished.recordsQuarantined,
    pages: finished.pages,
    apiCalls: result.http.calls,
    throttled: result.http.throttled,
    retried: result.http.retried,
    rollupOrders,
    syncRunId: run.id,
  };
}

/** Whether a run failed because the channel refused the credentials (401/403: revoked, expired). */
export function isAuthFailure(error: unknown): boolean {
  for (let current = error, depth = 0; current && depth < 6; depth += 1) {
    if (current instanceof ConnectorHttpError) return current.kind === "auth";
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/**
 * A failed stream raises one (deduplicated) alert; the next success resolves it. Refused
 * credentials mark the connection revoked, expired as of now: its schedules skip it (no
 * endless retries) and the credentials alert tells the merchant to reconnect it.
 */
async function recordSyncOutcome(connection: ChannelConnection, stream: StreamName, result: SyncRunResult) {
  const dedupeKey = `sync_failed:${connection.id}:${stream}`;
  if (result.status === "failed" && isAuthFailure(result.error)) {
    const now = new Date();
    const expired =
      connection.credentialsExpireAt && connection.credentialsExpireAt < now ? connection.credentialsExpireAt : now;
    await prisma.channelConnection.update({
      where: { id: connection.id },
      data: {
        status: "revoked",
        credentialsExpireAt: expired,
        lastError: `The channel refused the credentials: reconnect ${connection.displayName}. (${result.error?.message ?? ""})`,
      },
    });
    // The credentials alert now (the alerts job would raise it at its next run).
    const { credentialAlerts } = await import("#app/services/alerts.server.ts");
    const alert = (await credentialAlerts(connection.shopId, now)).find(
      (candidate) => candidate.dedupeKey === `credentials_expiring:${connection.id}`,
    );
    if (alert) {
      const fields = { severity: alert.severity, title: alert.title, body: alert.body, data: alert.data };
      await prisma.alert.upsert({
        where: { shopId_dedupeKey: { shopId: connection.shopId, dedupeKey: alert.dedupeKey } },
        create: { shopId: connection.shopId, kind: alert.kind, dedupeKey: alert.dedupeKey, ...fields },
        update: { ...fields, status: "open", dismissedAt: null },
      });
    }
    return;
  }
  if (result.status === "failed") {
    const body = `The last ${stream} sync of ${connection.displayName} failed: ${result.error?.message ?? "unknown error"}`;
    await prisma.alert.upsert({
      where: { shopId_dedupeKey: { shopId: connection.shopId, dedupeKey } },
      create: {
        shopId: connection.shopId,
        kind: "sync_failed",
        severity: "critical",
        dedupeKey,
        title: `${connection.displayName}: ${stream} sync failed`,
        body,
        data: { connectionId: connection.id, stream },
      },
      update: { body, status: "open", dismissedAt: null },
    });
    await prisma.channelConnection.update({
      where: { id: connection.id },
      data: { status: "error", lastError: result.error?.message ?? null },
    });
  } else if (result.status === "succeeded") {
    await prisma.alert.updateMany({
      where: { shopId: connection.shopId, dedupeKey, status: "open" },
      data: { status: "resolved" },
    });
    await prisma.channelConnection.updateMany({
      where: { id: connection.id, status: "error" },
      data: { status: "active", lastError: null },
    });
  }
}

/**
 * At worker start: runs still marked running whose process is gone (killed, crashed, the
 * machine lost) are marked failed. A sync job yields after its time slice (SYNC_SLICE_MS),
 * so a run older than `maxAgeMs` cannot belong to a live process. The next run resumes from
 * the checkpoint of its last committed page.
 */
export async function markInterruptedSyncRuns(options: { now?: Date; maxAgeMs: number }): Promise<number> {
  const now = options.now ?? new Date();
  const { count } = await prisma.syncRun.updateMany({
    where: { status: "running", startedAt: { lt: new Date(now.getTime() - options.maxAgeMs) } },
    data: {
      status: "failed",
      finishedAt: now,
      error: { message: "interrupted: the process running this sync stopped before it finished", name: "Interrupted" },
    },
  });
  return count;
}
