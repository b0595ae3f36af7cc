// `npm run worker`: runs every queue this build has processors for, until SIGTERM/SIGINT, then
// lets running jobs finish and closes. Queues live in Redis (REDIS_URL) or PostgreSQL.
import { Worker } from "bullmq";

import { resolveDatabase, type LocalPostgres } from "#app/db/local-postgres.server.ts";
import { migrateIfNeeded } from "#app/db/migrations.server.ts";

export async function startWorker(options: { concurrency?: number; log?: (line: string) => void } = {}) {
  const log = options.log ?? ((line: string) => process.stdout.write(`[worker] ${line}\n`));
  const { closeQueues, getQueue, JOB_RETENTION, queueRuntime } = await import("#app/queue/queues.server.ts");
  const { globalSchedules, processors } = await import("#app/jobs/processors.server.ts");
  const runtime = queueRuntime();
  const [{ abortRunningSyncs, SYNC_SLICE_MS }, { markInterruptedSyncRuns }] = await Promise.all([
    import("#app/jobs/sync-jobs.server.ts"),
    import("#app/services/sync.server.ts"),
  ]);
  // Runs left "running" by a process that died: no live sync runs longer than two slices.
  const interrupted = await markInterruptedSyncRuns({ maxAgeMs: 2 * SYNC_SLICE_MS + 60_000 });
  if (interrupted > 0) log(`marked ${interrupted} interrupted sync run(s) failed`);

  for (const schedule of globalSchedules) {
    await getQueue(schedule.queue).upsertJobScheduler(
      schedule.id,
      { pattern: schedule.pattern, tz: "UTC" },
      { name: schedule.id, data: schedule.data as never, opts: JOB_RETENTION },
    );
  }

  const workers = Object.entries(processors).map(([name, processor]) => {
    const opts = { ...runtime.options, concurrency: options.concurrency ?? 4 };
    const worker = runtime.backend
      ? new Worker(name, processor as never, opts, runtime.backend as never)
      : new Worker(name, processor as never, opts);
    worker.on("failed", (job, error) => log(`${name} job ${job?.id ?? "?"} failed: ${error.message}`));
    // A lost connection (database restart, Redis failover) is emitted as 'error': without a
    // listener it would crash the process. BullMQ reconnects; running jobs fail and retry.
    worker.on("error", (error) => log(`${name} worker: ${error.message}`));
    return worker;
  });
  // BullMQ keeps a worker's first connection attempt: one that failed (the database restarted
  // while the worker started) would fail every later call at once, in a tight loop. Start only
  // once every worker is connected; otherwise fail, and the supervisor starts the worker again.
  try {
    await Promise.all(workers.map((worker) => worker.waitUntilReady()));
  } catch (error) {
    await Promise.all(workers.map((worker) => worker.close(true).catch(() => undefined)));
    await closeQueues();
    throw error;
  }
  log(`processing ${workers.map((worker) => worker.name).join(", ")} on ${runtime.kind}`);

  return async function close() {
    // Running syncs stop after their current page (checkpointed), then the workers close.
    abortRunningSyncs();
    await Promise.all(workers.map((worker) => worker.close()));
    await closeQueues();
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  let close: (() => Promise<void>) | undefined;
  let database: LocalPostgres | undefined;
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    process.stdout.write(`[worker] ${signal}: finishing running jobs, then closing\n`);
    await close?.();
    await globalThis.__crosschannelPrisma?.$disconnect();
    await database?.stop();
    process.exit(0);
  };
  // Installed first, so a signal during start-up is handled the same way.
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
  database = await resolveDatabase();
  await migrateIfNeeded(database.url, { quiet: true });
  close = await startWorker();
  if (closing) await close();
}
