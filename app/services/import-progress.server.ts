import type { Channel, SyncRunStatus } from "@prisma/client";

import prisma from "#app/db.server.ts";
import { adapterFor } from "#app/services/channels.server.ts";

export interface StreamImport {
  connectionId: string;
  channel: Channel;
  displayName: string;
  stream: string;
  /** The stream's history is in: one of its runs read to the end. */
  done: boolean;
  /** Share of the history read so far (0..1), when the connector or the cursor can tell. */
  progress: number | null;
  /** Records stored by the stream's runs so far (until its history was in). */
  records: number;
  /** When the first run of the stream started. */
  startedAt: Date | null;
  /** Status of the latest run, and its error when it failed. */
  lastStatus: SyncRunStatus | null;
  lastError: string | null;
}

export interface ImportProgress {
  streams: StreamImport[];
  /** True while any stream of any connection has not read its history to the end. */
  importing: boolean;
  /** Overall share done (mean over streams; unknown progress counts as 0 until done). */
  progress: number;
}

/**
 * How far each connection's first import (the backfill) has come, from the shop's sync runs:
 * a backfill may span several time-sliced runs, each resuming from the last checkpoint.
 */
export async function importProgress(shopId: string): Promise<ImportProgress> {
  const connections = await prisma.channelConnection.findMany({
    where: { shopId },
    select: { id: true, channel: true, displayName: true },
    orderBy: { createdAt: "asc" },
  });
  const runs = await prisma.syncRun.findMany({
    where: { shopId },
    select: {
      connectionId: true,
      stream: true,
      status: true,
      startedAt: true,
      recordsWritten: true,
      progress: true,
      error: true,
    },
    orderBy: { startedAt: "asc" },
  });
  const streams: StreamImport[] = [];
  for (const connection of connections) {
    for (const stream of adapterFor(connection.channel).connector.supportedStreams) {
      const own = runs.filter((run) => run.connectionId === connection.id && run.stream === stream);
      const firstSuccess = own.findIndex((run) => run.status === "succeeded");
      const backfill = firstSuccess === -1 ? own : own.slice(0, firstSuccess + 1);
      const last = own.at(-1);
      const latestProgress = [...backfill].reverse().find((run) => run.progress !== null)?.progress ?? null;
      streams.push({
        connectionId: connection.id,
        channel: connection.channel,
        displayName: connection.displayName,
        stream,
        done: firstSuccess !== -1,
        progress: firstSuccess !== -1 ? 1 : latestProgress,
        records: backfill.reduce((sum, run) => sum + run.recordsWritten, 0),
        startedAt: own[0]?.startedAt ?? null,
        lastStatus: last?.status ?? null,
        lastError: last?.status === "failed" ? errorMessage(last.error) : null,
      });
    }
  }
  const importing = streams.some((stream) => !stream.done);
  const progress =
    streams.length === 0
      ? 0
      : streams.reduce((sum, stream) => sum + (stream.done ? 1 : (stream.progress ?? 0)), 0) / streams.length;
  return { streams, importing, progress };
}

function errorMessage(error: unknown): string | null {
  if (error && typeof error === "object" && "message" in error && typeof error.message === "string") {
    return error.message;
  }
  return null;
}
