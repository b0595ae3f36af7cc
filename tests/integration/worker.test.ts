import { spawn } from "node:child_process";

import { QueueEvents } from "bullmq";
import { describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import type { QueueBackendKind } from "#app/queue/queues.server.ts";

import { useQueueBackends } from "../support/queue-backends.ts";
import { createShop } from "../support/factories.ts";

const withBackend = useQueueBackends();

describe.each<QueueBackendKind>(["postgres", "redis"])("worker on %s", (kind) => {
  it("schedules housekeeping once however often it starts, and runs its jobs", async () => {
    await withBackend(kind, async () => {
      const shop = await createShop("a.myshopify.com", { timezone: "UTC", currency: "USD" });
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
      const { getQueue, queueRuntime } = await import("#app/queue/queues.server.ts");
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
