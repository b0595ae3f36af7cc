import { spawn } from "node:child_process";

import { QueueEvents } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import type { QueueBackendKind } from "#app/jobs/queues.server.ts";

import { startRedis } from "../support/redis.ts";

let redis: Awaited<ReturnType<typeof startRedis>>;

beforeAll(async () => {
  redis = await startRedis();
});

afterAll(async () => {
  await redis?.stop();
});

async function withBackend<T>(kind: QueueBackendKind, run: () => Promise<T>): Promise<T> {
  const saved = process.env.REDIS_URL;
  const savedPrefix = process.env.QUEUE_PREFIX;
  if (kind === "redis") process.env.REDIS_URL = redis.url;
  else delete process.env.REDIS_URL;
  process.env.QUEUE_PREFIX = `test-${kind}-${Date.now()}`;
  try {
    return await run();
  } finally {
    const { closeQueues } = await import("#app/jobs/queues.server.ts");
    await closeQueues();
    if (saved === undefined) delete process.env.REDIS_URL;
    else process.env.REDIS_URL = saved;
    if (savedPrefix === undefined) delete process.env.QUEUE_PREFIX;
    else process.env.QUEUE_PREFIX = savedPrefix;
  }
}

describe.each<QueueBackendKind>(["postgres", "redis"])("worker on %s", (kind) => {
  it("schedules housekeeping once however often it starts, and runs its jobs", async () => {
    await withBackend(kind, async () => {
      const shop = await prisma.shop.create({ data: { domain: "a.myshopify.com", timezone: "UTC", currency: "USD" } });
      await prisma.webhookDelivery.createMany({
        data: [
          {
            shopId: shop.id,
            webhookId: "old",
            topic: "orders/create",
            receivedAt: new Date(Date.now() - 40 * 86_400_000),
          },
          { shopId: shop.id, webhookId: "new", topic: "orders/create" },
        ],
      });
      const { startWorker } = await import("#app/jobs/worker.server.ts");
      const { getQueue, queueRuntime } = await import("#app/jobs/queues.server.ts");
      const log = () => undefined;
      const closeFirst = await startWorker({ log });
      await closeFirst();
      const close = await startWorker({ log });
      try {
        expect(queueRuntime().kind).toBe(kind);
        const queue = getQueue("housekeeping");
        expect((await queue.getJobSchedulers(0, -1)).map((scheduler) => scheduler.id ?? scheduler.key)).toEqual([
          "global:purge-webhook-deliveries",
        ]);
        const runtime = queueRuntime();
        const events = runtime.backend
          ? new QueueEvents("housekeeping", runtime.options, runtime.backend as never)
          : new QueueEvents("housekeeping", runtime.options);
        await events.waitUntilReady();
        const job = await queue.add("purge", { task: "purge-webhook-deliveries" });
        const result = await job.waitUntilFinished(events, 20_000);
        await events.close();
        expect(result).toEqual({ purged: 1 });
        expect((await prisma.webhookDelivery.findMany()).map((row) => row.webhookId)).toEqual(["new"]);
      } finally {
        await close();
      }
    });
  });
});

describe("npm run worker", () => {
  it("closes cleanly on SIGTERM", async () => {
    const child = spawn(process.execPath, ["--import", "tsx", "app/jobs/worker.server.ts"], {
      env: { ...process.env, QUEUE_PREFIX: `sigterm-${Date.now()}` },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`worker did not start:\n${output}`)), 30_000);
      child.stdout.on("data", () => {
        if (output.includes("processing")) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill("SIGTERM");
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(output).toContain("SIGTERM: finishing running jobs, then closing");
    expect(code).toBe(0);
  }, 60_000);
});
