import type { Job } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { closeQueues, getQueue, type JobPayloads } from "#app/queue/queues.server.ts";
import { abortRunningSyncs, processSyncJob } from "#app/jobs/sync-jobs.server.ts";
import { connectChannel } from "#app/services/connections.server.ts";

import { acmeAsAmazon as acme, AcmeSimulator } from "../support/acme.ts";
import { createShop } from "../support/factories.ts";

const simulators: AcmeSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
  await closeQueues();
  await closeIngestPool();
});

const job = (data: JobPayloads["sync"]) => ({ data }) as Job<JobPayloads["sync"]>;

async function setUp(domain: string) {
  const simulator = new AcmeSimulator({ seed: 3 });
  simulators.push(simulator);
  await simulator.start();
  const shop = await createShop(domain, { timezone: "UTC", currency: "USD" });
  const connection = await connectChannel(
    shop,
    acme,
    { ...simulator.config(), ...simulator.credentials() },
    {
      clock: simulator.clock,
    },
  );
  return { simulator, shop, connection };
}

describe("worker shutdown and restart", () => {
  it("SIGTERM stops a running sync after its current page; it is continued later", async () => {
    const { simulator, shop, connection } = await setUp("stop.myshopify.com");
    simulator.server.inject({ kind: "latency", ms: 150, times: 1_000 });
    const data = { shopId: shop.id, connectionId: connection.id, stream: "orders", mode: "incremental" as const };
    const started = Date.now();
    const running = processSyncJob(job(data), {
      adapterFor: () => acme,
      syncOptions: { clock: simulator.clock },
      sliceMs: 60_000,
    });
    while ((await prisma.syncRun.count({ where: { status: "running", pages: { gt: 0 } } })) === 0) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      if (Date.now() - started > 20_000) throw new Error("the sync never committed a page");
    }
    expect(abortRunningSyncs()).toBe(1);
    const summary = (await running) as { status: string };
    expect(summary.status).toBe("cancelled");
    const run = await prisma.syncRun.findFirstOrThrow({ where: { connectionId: connection.id } });
    expect(run.status).toBe("cancelled");
    expect(run.recordsWritten).toBeLessThan(simulator.expectedRecords("orders").length);
    expect((await getQueue("sync").getJobs(["waiting"])).map((queued) => queued?.data.stream)).toEqual(["orders"]);
  });

  it("at start, marks runs left running by a dead process as failed, and leaves live ones", async () => {
    const { shop, connection } = await setUp("crashed.myshopify.com");
    const run = (startedAt: Date) =>
      prisma.syncRun.create({
        data: { shopId: shop.id, connectionId: connection.id, stream: "orders", status: "running", startedAt },
      });
    const dead = await run(new Date(Date.now() - 60 * 60_000));
    const live = await run(new Date());
    const { startWorker } = await import("#app/jobs/worker.server.ts");
    const lines: string[] = [];
    const close = await startWorker({ log: (line) => lines.push(line) });
    await close();
    const after = await prisma.syncRun.findMany({ orderBy: { startedAt: "asc" } });
    expect(after.map((entry) => [entry.id, entry.status])).toEqual([
      [dead.id, "failed"],
      [live.id, "running"],
    ]);
    expect(after[0]?.finishedAt).not.toBeNull();
    expect(lines).toContain("marked 1 interrupted sync run(s) failed");
  });
});
