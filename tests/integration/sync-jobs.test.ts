import type { Job } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { getQueue, type JobPayloads } from "#app/queue/queues.server.ts";
import { processSyncJob } from "#app/jobs/sync-jobs.server.ts";
import { connectChannel } from "#app/services/connections.server.ts";
import { scheduleConnection, syncSchedulerId } from "#app/services/schedules.server.ts";

import { acmeAsAmazon as acme, acmeConnector, AcmeSimulator } from "../support/acme.ts";
import { QUEUE_BACKENDS, useQueueBackends } from "../support/queue-backends.ts";
import { createShop } from "../support/factories.ts";

const simulators: AcmeSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
  await closeIngestPool();
});

async function setUp(domain: string) {
  const simulator = new AcmeSimulator({ seed: 3 });
  simulators.push(simulator);
  await simulator.start();
  const shop = await createShop(domain, { timezone: "UTC", currency: "USD" });
  const connection = await connectChannel(
    shop,
    acme,
    { ...simulator.config(), ...simulator.credentials() },
    { clock: simulator.clock },
  );
  return { simulator, shop, connection };
}

const job = (data: JobPayloads["sync"]) => ({ data }) as Job<JobPayloads["sync"]>;

const withBackend = useQueueBackends();

describe.each(QUEUE_BACKENDS)("sync jobs on %s", (kind) => {
  it("schedule each stream once, however often a connection is scheduled", () =>
    withBackend(kind, async () => {
      const { connection } = await setUp("a.myshopify.com");
      await scheduleConnection(connection, acme);
      await scheduleConnection(connection, acme);
      const ids = (await getQueue("sync").getJobSchedulers(0, -1))
        .map((scheduler) => scheduler.id ?? scheduler.key)
        .sort();
      expect(ids).toEqual(acmeConnector.supportedStreams.map((stream) => syncSchedulerId(connection, stream)).sort());
    }));

  it("yield the worker when their time slice is used up, and the continuations finish the stream", () =>
    withBackend(kind, async () => {
      const { simulator, shop, connection } = await setUp("big.myshopify.com");
      const deps = { adapterFor: () => acme, syncOptions: { clock: simulator.clock }, sliceMs: 1 };
      const data = { shopId: shop.id, connectionId: connection.id, stream: "orders", mode: "incremental" as const };

      await processSyncJob(job(data), deps);
      const expected = simulator.expectedRecords("orders").length;
      expect(await prisma.order.count()).toBeLessThan(expected);
      let continuations = await getQueue("sync").getJobs(["waiting"]);
      expect(continuations).toHaveLength(1);

      // Each continuation goes to the back of the queue; draining them completes the stream.
      let rounds = 0;
      while (continuations.length > 0 && rounds < 500) {
        const next = continuations[0]!;
        await next.remove();
        await processSyncJob(job(next.data), { ...deps, sliceMs: 50 });
        continuations = await getQueue("sync").getJobs(["waiting"]);
        rounds += 1;
      }
      expect(rounds).toBeGreaterThan(0);
      expect(await prisma.order.count()).toBe(expected);
      const runs = await prisma.syncRun.findMany({ where: { connectionId: connection.id } });
      expect(runs.filter((run) => run.status === "cancelled").length).toBeGreaterThan(0);
      expect(runs.at(-1)?.status).toBe("succeeded");
    }));

  it("do nothing for an uninstalled shop", () =>
    withBackend(kind, async () => {
      const { simulator, shop, connection } = await setUp("gone.myshopify.com");
      await prisma.shop.update({ where: { id: shop.id }, data: { status: "uninstalled" } });
      const result = await processSyncJob(
        job({ shopId: shop.id, connectionId: connection.id, stream: "orders", mode: "incremental" }),
        {
          adapterFor: () => acme,
          syncOptions: { clock: simulator.clock },
        },
      );
      expect(result).toMatchObject({ skipped: true });
      expect(await prisma.syncRun.count()).toBe(0);
    }));
});
