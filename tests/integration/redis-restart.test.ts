// Redis restarted while a sync runs through the queue (Redis backend, append-only file as in
// production): the worker stays up, the sync resumes from its checkpoint after the restart, and
// every record arrives exactly once.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { Worker, type Job } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { processSyncJob } from "#app/jobs/sync-jobs.server.ts";
import { closeQueues, getQueue, queueRuntime, type JobPayloads } from "#app/queue/queues.server.ts";
import { connectChannel } from "#app/services/connections.server.ts";

import { acmeAsAmazon as acme, AcmeSimulator } from "../support/acme.ts";
import { createShop } from "../support/factories.ts";
import { startRedis } from "../support/redis.ts";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  await closeIngestPool();
});

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe("a Redis restart during a sync", () => {
  it("loses no job and no record: the sync goes on from its checkpoint, each order stored once", async () => {
    const dir = await mkdtemp(join(tmpdir(), "crosschannel-redis-"));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    let redis = await startRedis({ dir });
    const port = redis.port;
    cleanups.push(() => redis.stop());
    const saved = { url: process.env.REDIS_URL, prefix: process.env.QUEUE_PREFIX };
    process.env.REDIS_URL = redis.url;
    process.env.QUEUE_PREFIX = `restart-${Date.now()}`;
    cleanups.push(async () => {
      await closeQueues();
      if (saved.url === undefined) delete process.env.REDIS_URL;
      else process.env.REDIS_URL = saved.url;
      if (saved.prefix === undefined) delete process.env.QUEUE_PREFIX;
      else process.env.QUEUE_PREFIX = saved.prefix;
    });

    const simulator = new AcmeSimulator({ seed: 5 });
    await simulator.start();
    cleanups.push(() => simulator.close());
    const shop = await createShop("redis-restart.myshopify.com", { timezone: "UTC", currency: "USD" });
    const connection = await connectChannel(
      shop,
      acme,
      { ...simulator.config(), ...simulator.credentials() },
      { clock: simulator.clock },
    );
    const expected = simulator.expectedRecords("orders").length;

    const errors: string[] = [];
    // Short slices: the sync hands itself to the queue again and again (continuations).
    const worker = new Worker(
      "sync",
      (job: Job<JobPayloads["sync"]>) =>
        processSyncJob(job, { adapterFor: () => acme, syncOptions: { clock: simulator.clock }, sliceMs: 25 }),
      { ...queueRuntime().options, concurrency: 1 },
    );
    worker.on("error", (error) => errors.push(error.message));
    cleanups.push(() => worker.close(true));
    await worker.waitUntilReady();

    await getQueue("sync").add("sync", {
      shopId: shop.id,
      connectionId: connection.id,
      stream: "orders",
      mode: "incremental",
    });
    await until("the first orders", async () => (await prisma.order.count()) > 0);
    const before = await prisma.order.count();
    expect(before).toBeLessThan(expected);

    // Redis goes away for a second and comes back from its append-only file.
    await redis.stop();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    redis = await startRedis({ dir, port });

    await until("every order", async () => (await prisma.order.count()) >= expected, 90_000);
    await until(
      "the queue to drain",
      async () => (await getQueue("sync").getJobCounts("waiting", "active", "delayed")).waiting === 0,
    );
    const orders = await prisma.order.findMany({ where: { shopId: shop.id }, select: { externalId: true } });
    expect(orders).toHaveLength(expected);
    expect(new Set(orders.map((order) => order.externalId)).size).toBe(expected);
    await until("the last run to succeed", async () => {
      const last = await prisma.syncRun.findFirst({
        where: { connectionId: connection.id },
        orderBy: { startedAt: "desc" },
      });
      return last?.status === "succeeded";
    });
    const checkpoint = await prisma.syncCheckpoint.findFirst({
      where: { connectionId: connection.id, stream: "orders" },
    });
    expect(checkpoint).not.toBeNull();
    // The worker saw the connection drop and carried on.
    expect(errors.length).toBeGreaterThan(0);
  }, 120_000);
});
