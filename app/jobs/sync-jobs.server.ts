import type { Job } from "bullmq";
import type { StreamName } from "@crosschannel/connector-sdk";
import type { ChannelConnection } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { getQueue, JOB_RETENTION, shopJobId, shopJobPrefix, type JobPayloads } from "#app/jobs/queues.server.ts";
import type { ChannelAdapter } from "#app/services/connections.server.ts";
import { syncConnection, type SyncConnectionOptions } from "#app/services/sync.server.ts";

/** Scheduler id of a connection's stream: starts with the shop, so uninstalling finds it. */
export function syncSchedulerId(connection: Pick<ChannelConnection, "id" | "shopId">, stream: string): string {
  return `${shopJobPrefix(connection.shopId)}sync:${connection.id}:${stream}`;
}

/** Retries with exponential backoff, for every sync job. */
export const SYNC_JOB_OPTIONS = {
  attempts: 3,
  backoff: { type: "exponential", delay: 30_000 },
  ...JOB_RETENTION,
} as const;

/**
 * One scheduler per connection and stream at the stream's default frequency. Upserting
 * (not adding) means a redeploy or a reconnect never duplicates a schedule.
 */
export async function scheduleConnection(
  connection: ChannelConnection,
  adapter: ChannelAdapter,
  options: { everyMinutesAtMost?: number } = {},
): Promise<string[]> {
  const queue = getQueue("sync");
  const ids: string[] = [];
  for (const stream of adapter.connector.supportedStreams) {
    const everyMinutes = Math.min(
      adapter.connector.stream(stream).defaultSchedule.everyMinutes,
      options.everyMinutesAtMost ?? Number.POSITIVE_INFINITY,
    );
    const id = syncSchedulerId(connection, stream);
    await queue.upsertJobScheduler(
      id,
      { every: everyMinutes * 60_000 },
      {
        name: "sync",
        data: { shopId: connection.shopId, connectionId: connection.id, stream, mode: "incremental" },
        opts: SYNC_JOB_OPTIONS,
      },
    );
    ids.push(id);
  }
  return ids;
}

/** The syncs this process is running, so that a shutdown can stop them at once. */
const runningSyncs = new Set<AbortController>();

/**
 * SIGTERM: every running sync stops after its current page (its checkpoint is committed
 * with each page), records its run as cancelled, and is continued by a new job later.
 */
export function abortRunningSyncs(reason = "the worker is shutting down"): number {
  const count = runningSyncs.size;
  for (const controller of runningSyncs) controller.abort(new Error(reason));
  return count;
}

/** Queues one sync of every stream of a connection now (the first import, or "sync now"). */
export async function requestSync(
  connection: Pick<ChannelConnection, "id" | "shopId">,
  adapter: ChannelAdapter,
  mode: "incremental" | "full" = "incremental",
): Promise<number> {
  const queue = getQueue("sync");
  const at = String(Date.now());
  for (const stream of adapter.connector.supportedStreams) {
    await queue.add(
      "sync",
      { shopId: connection.shopId, connectionId: connection.id, stream, mode },
      { ...SYNC_JOB_OPTIONS, jobId: shopJobId(connection.shopId, "sync", connection.id, stream, "now", at) },
    );
  }
  return adapter.connector.supportedStreams.length;
}

/** How long one job may sync before it yields the worker to other shops' jobs. */
export const SYNC_SLICE_MS = Number(process.env.SYNC_SLICE_MS ?? 120_000);

export interface SyncJobDependencies {
  adapterFor(channel: ChannelConnection["channel"]): ChannelAdapter;
  syncOptions?: Partial<SyncConnectionOptions>;
  sliceMs?: number;
}

/**
 * Runs one stream of one connection for at most a time slice. A stream with more to read
 * than a slice allows is continued by a new job at the back of the queue, so a shop with a
 * huge backlog takes turns with the others instead of holding a worker for hours.
 */
export async function processSyncJob(job: Job<JobPayloads["sync"]>, deps: SyncJobDependencies) {
  const { shopId, connectionId, stream, mode } = job.data;
  const connection = await prisma.channelConnection.findFirst({
    where: { id: connectionId, shopId },
    include: { shop: true },
  });
  if (
    !connection ||
    connection.shop.status !== "installed" ||
    connection.status === "paused" ||
    connection.status === "revoked"
  ) {
    return { skipped: true, reason: "connection gone, paused or shop uninstalled" };
  }
  const adapter = deps.adapterFor(connection.channel);
  const slice = new AbortController();
  const timer = setTimeout(() => slice.abort(new Error("time slice used up")), deps.sliceMs ?? SYNC_SLICE_MS);
  runningSyncs.add(slice);
  try {
    const [summary] = await syncConnection(connection, {
      ...deps.syncOptions,
      connector: adapter.connector,
      originOf: adapter.originOf,
      afterStream: adapter.afterStream,
      credentialsFor: adapter.credentialsFor,
      feeRefunds: adapter.feeRefunds,
      streams: [stream as StreamName],
      mode,
      signal: slice.signal,
    });
    if (summary?.status === "cancelled" && slice.signal.aborted) {
      // The checkpoint of the last committed page is stored: the continuation resumes there.
      await getQueue("sync").add(
        "sync",
        { ...job.data, mode: "incremental" },
        { ...SYNC_JOB_OPTIONS, jobId: shopJobId(shopId, "sync", connectionId, stream, "continue", String(Date.now())) },
      );
    }
    if (summary?.status === "failed") {
      // Refused credentials (marked revoked): retrying cannot help until the merchant reconnects.
      const after = await prisma.channelConnection.findUnique({ where: { id: connectionId }, select: { status: true } });
      if (after?.status === "revoked") return { ...summary, revoked: true };
      // BullMQ retries with backoff; the run and its error are already recorded.
      throw new Error(summary.message ?? `${stream} sync failed`);
    }
    return summary;
  } finally {
    clearTimeout(timer);
    runningSyncs.delete(slice);
  }
}
