import { afterAll, beforeAll } from "vitest";

import { closeQueues, type QueueBackendKind } from "#app/queue/queues.server.ts";

import { startRedis } from "./redis.ts";

export const QUEUE_BACKENDS: QueueBackendKind[] = ["postgres", "redis"];

/**
 * Runs a file's job tests on either queue backend: Redis (a throwaway redis-server) or
 * BullMQ's PostgreSQL backend, with a fresh key prefix per test.
 */
export function useQueueBackends() {
  let redis: Awaited<ReturnType<typeof startRedis>> | undefined;
  beforeAll(async () => {
    redis = await startRedis();
  });
  afterAll(async () => {
    await redis?.stop();
  });
  return async function withBackend<T>(kind: QueueBackendKind, run: () => Promise<T>): Promise<T> {
    const saved = { redis: process.env.REDIS_URL, prefix: process.env.QUEUE_PREFIX };
    if (kind === "redis") process.env.REDIS_URL = redis!.url;
    else delete process.env.REDIS_URL;
    process.env.QUEUE_PREFIX = `test-${kind}-${Date.now()}-${Math.random().toString(36).slice(2)}`;
    try {
      return await run();
    } finally {
      await closeQueues();
      if (saved.redis === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved.redis;
      if (saved.prefix === undefined) delete process.env.QUEUE_PREFIX;
      else process.env.QUEUE_PREFIX = saved.prefix;
    }
  };
}
