import { createPostgresBackend, Queue, type ConnectionOptions, type QueueOptions } from "bullmq";
import { Redis } from "ioredis";

import { ResilientClient } from "#app/db/pg-client.server.ts";

/**
 * Queues and their typed payloads. BullMQ runs on Redis when REDIS_URL is set, and on its
 * PostgreSQL backend (schema `bullmq` in the app's database) otherwise: the same code.
 */
export interface JobPayloads {
  sync: { shopId: string; connectionId: string; stream: string; mode: "incremental" | "full" };
  /** Refreshes the rollups of the shop's pending orders; shopId "" = every shop that has some. */
  rollup: { shopId: string };
  forecast: { shopId: string };
  alerts: { shopId: string };
  /** Job "deliver": sends one AlertDelivery; job "digest": queues the day's digests (day: the shop's previous day when absent). */
  deliveries: { shopId: string; deliveryId?: string; day?: string };
  housekeeping: { task: "purge-webhook-deliveries" };
  /** A verified Shopify webhook with its payload, applied by the worker. */
  webhooks: { shopId: string; topic: string; webhookId: string; payload: unknown };
}

export type QueueName = keyof JobPayloads;

/**
 * How long finished jobs stay in the queue store (seconds / counts per queue): long enough to
 * look at a failure, bounded so that job data does not pile up. Every queue's default, and
 * spread into the options of every scheduler and add (schedulers do not inherit defaults).
 */
export const JOB_RETENTION = {
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5_000 },
} as const;
export const QUEUE_NAMES: readonly QueueName[] = [
  "sync",
  "rollup",
  "forecast",
  "alerts",
  "deliveries",
  "housekeeping",
  "webhooks",
];

/** Scheduler and job ids start with the shop, so a shop's work can be found and stopped. */
export function shopJobPrefix(shopId: string): string {
  return `shop:${shopId}:`;
}

/** A job id for a shop's job: BullMQ job ids may not contain ':' (scheduler ids may). */
export function shopJobId(shopId: string, ...parts: string[]): string {
  return [`shop.${shopId}`, ...parts].join(".").replaceAll(":", "_");
}

export type QueueBackendKind = "redis" | "postgres";

export interface QueueRuntime {
  kind: QueueBackendKind;
  /** Options and backend to pass to Queue / Worker / QueueEvents constructors. */
  options: Pick<QueueOptions, "connection" | "prefix">;
  backend: typeof createPostgresBackend | undefined;
  close(): Promise<void>;
}

export function queueBackendKind(env: NodeJS.ProcessEnv = process.env): QueueBackendKind {
  return env.REDIS_URL ? "redis" : "postgres";
}

export function createQueueRuntime(env: NodeJS.ProcessEnv = process.env): QueueRuntime {
  const prefix = env.QUEUE_PREFIX ?? "crosschannel";
  if (env.REDIS_URL) {
    // BullMQ workers block on Redis: maxRetriesPerRequest must be null.
    const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: null });
    return {
      kind: "redis",
      options: { connection: redis, prefix },
      backend: undefined,
      close: async () => {
        await redis.quit().catch(() => redis.disconnect());
      },
    };
  }
  const connectionString = env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("Set REDIS_URL for Redis queues, or DATABASE_URL for queues in PostgreSQL.");
  }
  // ResilientClient: a restarted database must not crash the process (app/db/pg-client.server.ts).
  const connection = {
    connectionString,
    migrate: true,
    schema: "bullmq",
    Client: ResilientClient,
  } as unknown as ConnectionOptions;
  return {
    kind: "postgres",
    options: { connection, prefix },
    backend: createPostgresBackend,
    close: async () => undefined,
  };
}

declare global {
  var __crosschannelQueuesOpen: boolean | undefined;
}

let runtime: QueueRuntime | undefined;
const queues = new Map<QueueName, Queue>();

export function queueRuntime(): QueueRuntime {
  runtime ??= createQueueRuntime();
  globalThis.__crosschannelQueuesOpen = true;
  return runtime;
}

export function getQueue<N extends QueueName>(name: N): Queue<JobPayloads[N]> {
  let queue = queues.get(name);
  if (!queue) {
    const { options, backend } = queueRuntime();
    const queueOptions = { ...options, defaultJobOptions: { ...JOB_RETENTION } };
    queue = backend ? new Queue(name, queueOptions, backend as never) : new Queue(name, queueOptions);
    // A lost connection (database restart, Redis failover) is emitted as 'error', which would
    // crash the web server or the worker without a listener; the next call reconnects.
    queue.on("error", (error) => process.stderr.write(`[queue] ${name}: ${error.message}\n`));
    queues.set(name, queue);
    // BullMQ keeps a queue's first connection attempt: one that failed (database down) would
    // fail every later call. Such a queue is dropped; the next getQueue connects again.
    const created = queue;
    created.waitUntilReady().catch(() => {
      if (queues.get(name) === created) queues.delete(name);
      void created.close().catch(() => undefined);
    });
  }
  return queue as unknown as Queue<JobPayloads[N]>;
}

/** Removes a shop's recurring schedules and the jobs still waiting for it, on every queue. */
export async function stopShopJobs(shopId: string): Promise<{ schedulers: number; jobs: number }> {
  const prefix = shopJobPrefix(shopId);
  let schedulers = 0;
  let jobs = 0;
  for (const name of QUEUE_NAMES) {
    const queue = getQueue(name);
    const all = await queue.getJobSchedulers(0, -1);
    for (const scheduler of all) {
      const id = scheduler.id ?? scheduler.key;
      if (id.startsWith(prefix) && (await queue.removeJobScheduler(id))) schedulers += 1;
    }
    const pending = await queue.getJobs(["waiting", "delayed", "prioritized", "waiting-children"]);
    for (const job of pending) {
      const data = job?.data as { shopId?: string } | undefined;
      if (job && (data?.shopId === shopId || job.id?.startsWith(shopJobId(shopId)))) {
        await job.remove().catch(() => undefined);
        jobs += 1;
      }
    }
  }
  return { schedulers, jobs };
}

/**
 * shop/redact: the shop's finished jobs (completed and failed, which keep their data until
 * retention removes them) go too, on every queue. Run after stopShopJobs.
 */
export async function purgeShopFinishedJobs(shopId: string): Promise<number> {
  let purged = 0;
  for (const name of QUEUE_NAMES) {
    const queue = getQueue(name);
    const finished = await queue.getJobs(["completed", "failed"]);
    for (const job of finished) {
      const data = job?.data as { shopId?: string } | undefined;
      if (
        job &&
        (data?.shopId === shopId || job.id?.startsWith(shopJobId(shopId)) || job.id?.startsWith(shopJobPrefix(shopId)))
      ) {
        await job.remove().catch(() => undefined);
        purged += 1;
      }
    }
  }
  return purged;
}

export async function closeQueues(): Promise<void> {
  const open = [...queues.values()];
  queues.clear();
  await Promise.all(open.map((queue) => queue.close()));
  const current = runtime;
  runtime = undefined;
  globalThis.__crosschannelQueuesOpen = false;
  await current?.close();
}
