import type { Job } from "bullmq";
import type { StreamName } from "@crosschannel/connector-sdk";
import type { ChannelConnection } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { getQueue, shopJobId, type JobPayloads } from "#app/queue/queues.server.ts";
import type { ChannelAdapter } from "#app/services/channels.server.ts";
import { SYNC_JOB_OPTIONS } from "#app/services/schedules.server.ts";
import { syncConnection, type SyncConnectionOptions } from "#app/services/sync.server.ts";

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
    const [summary] = await syncConnection(connection, adapter, {
      ...deps.syncOptions,
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
      const after = await prisma.channelConnection.findUnique({
        where: { id: connectionId },
        select: { status: true },
      });
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
