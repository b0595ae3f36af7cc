// A worker process (queues on PostgreSQL, the ingest pool, Prisma) whose database connections
// are terminated under it by tests/integration/db-restart.test.ts: it must stay up, and its
// next queries must work. It prints "ready" once every pool holds an idle connection, waits
// for SIGUSR2 (the backends were terminated), then prints the result of new queries.
import prisma from "../../app/db.server.ts";
import { closeIngestPool, ingestPool } from "../../app/db/pool.server.ts";
import { getQueue } from "../../app/queue/queues.server.ts";
import { startWorker } from "../../app/jobs/worker.server.ts";

const close = await startWorker({ log: () => undefined });

async function queryAll() {
  const ingest = await ingestPool().query<{ one: number }>("select 1 as one");
  const shops = await prisma.shop.count();
  const counts = await getQueue("housekeeping").getJobCounts("waiting");
  return { ingest: ingest.rows[0]?.one, shops, waiting: counts.waiting ?? 0 };
}

await queryAll();
process.stdout.write("ready\n");
process.once("SIGUSR2", () => {
  void (async () => {
    // Let the terminated idle connections report their errors first.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const result = await queryAll();
    process.stdout.write(`after: ${JSON.stringify(result)}\n`);
    await close();
    await closeIngestPool();
    await prisma.$disconnect();
    process.exit(0);
  })();
});
