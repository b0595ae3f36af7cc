import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { connectChannel, ConnectionError } from "#app/services/connections.server.ts";
import { salesReport } from "#app/services/report.server.ts";
import { syncConnection } from "#app/services/sync.server.ts";

import { acmeAsAmazon, AcmeSimulator } from "../support/acme.ts";
import { createShop } from "../support/factories.ts";

const simulators: AcmeSimulator[] = [];
afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
  await closeIngestPool();
});

async function setUp() {
  const simulator = new AcmeSimulator({ seed: 11 });
  simulators.push(simulator);
  await simulator.start();
  const shop = await createShop("sync.myshopify.com", { timezone: "UTC", currency: "USD" });
  const settings = { ...simulator.config(), ...simulator.credentials() };
  const options = { clock: simulator.clock, httpOverrides: { timeoutMs: 500 } };
  return { simulator, shop, settings, options };
}

describe("connecting a channel", () => {
  it("refuses settings that do not validate, says which field, and stores nothing", async () => {
    const { shop, settings, options } = await setUp();
    await expect(connectChannel(shop, acmeAsAmazon, { ...settings, sellerId: "1001" }, options)).rejects.toThrow(
      /config\.sellerId: sellerId must look like S-1234/,
    );
    expect(await prisma.channelConnection.count()).toBe(0);
  });

  it("refuses revoked credentials after asking the channel, and stores nothing", async () => {
    const { simulator, shop, settings, options } = await setUp();
    simulator.server.revokeCredentials();
    const attempt = connectChannel(shop, acmeAsAmazon, settings, options);
    await expect(attempt).rejects.toBeInstanceOf(ConnectionError);
    await expect(attempt).rejects.toThrow(/refused the connection/);
    expect(await prisma.channelConnection.count()).toBe(0);
  });

  it("stores the secret part encrypted, and connecting again updates the same connection", async () => {
    const { shop, settings, options } = await setUp();
    const first = await connectChannel(shop, acmeAsAmazon, settings, options);
    const again = await connectChannel(shop, acmeAsAmazon, settings, options);
    expect(again.id).toBe(first.id);
    const stored = await prisma.channelConnection.findUniqueOrThrow({ where: { id: first.id } });
    expect(Buffer.from(stored.credentials).toString("latin1")).not.toContain(settings.apiKey);
    expect(JSON.stringify(stored.config)).not.toContain(settings.apiKey);
    expect(stored.config).toMatchObject({ sellerId: settings.sellerId });
  });
});

describe("syncing a connection", () => {
  it("runs every stream, records the runs, and the report shows the channel's numbers", async () => {
    const { shop, settings, options } = await setUp();
    const connection = await connectChannel(shop, acmeAsAmazon, settings, options);
    const summaries = await syncConnection({ ...connection, shop }, acmeAsAmazon, { ...options });
    expect(summaries.map((summary) => [summary.stream, summary.status])).toEqual([
      ["orders", "succeeded"],
      ["listings", "succeeded"],
      ["inventory", "succeeded"],
      ["fees", "succeeded"],
    ]);
    const runs = await prisma.syncRun.findMany({
      where: { connectionId: connection.id },
      orderBy: { startedAt: "asc" },
    });
    expect(runs.every((run) => run.status === "succeeded" && run.finishedAt && run.apiCalls > 0)).toBe(true);
    expect(runs.find((run) => run.stream === "orders")?.recordsWritten).toBe(await prisma.order.count());
    const report = await salesReport(shop, "2026-01-01", "2026-12-31");
    expect(report.channels.find((row) => row.channel === "amazon")?.orders).toBeGreaterThan(0);

    // Nothing new on the channel: the next incremental run writes nothing more.
    const before = await prisma.order.count();
    const again = await syncConnection({ ...connection, shop }, acmeAsAmazon, { streams: ["orders"], ...options });
    expect(again[0]).toMatchObject({ status: "succeeded" });
    expect(await prisma.order.count()).toBe(before);
  });

  it("runs more streams at once than the ingest pool has connections, without waiting on each other", async () => {
    const { shop, settings, options } = await setUp();
    const connection = await connectChannel(shop, acmeAsAmazon, settings, options);
    await closeIngestPool();
    const size = process.env.INGEST_POOL_SIZE;
    process.env.INGEST_POOL_SIZE = "2";
    try {
      // Four streams at once on a pool of two: each run's lock must not take a page's connection.
      const summaries = await Promise.all(
        (["orders", "listings", "inventory", "fees"] as const).map((stream) =>
          syncConnection({ ...connection, shop }, acmeAsAmazon, { streams: [stream], ...options }),
        ),
      );
      expect(summaries.flat().map((summary) => summary.status)).toEqual([
        "succeeded",
        "succeeded",
        "succeeded",
        "succeeded",
      ]);
    } finally {
      await closeIngestPool();
      if (size === undefined) delete process.env.INGEST_POOL_SIZE;
      else process.env.INGEST_POOL_SIZE = size;
    }
  });

  it("runs one sync per connection and stream at a time", async () => {
    const { shop, settings, options } = await setUp();
    const connection = await connectChannel(shop, acmeAsAmazon, settings, options);
    const [first, second] = await Promise.all([
      syncConnection({ ...connection, shop }, acmeAsAmazon, { streams: ["orders"], ...options }),
      syncConnection({ ...connection, shop }, acmeAsAmazon, { streams: ["orders"], ...options }),
    ]);
    const statuses = [first[0]?.status, second[0]?.status].sort();
    expect(statuses).toEqual(["skipped", "succeeded"]);
  });

  it("raises one alert when a stream fails and resolves it when it succeeds again", async () => {
    const { simulator, shop, settings, options } = await setUp();
    const connection = await connectChannel(shop, acmeAsAmazon, settings, options);
    // A channel error (refused credentials are another case: tests/integration/revoked-credentials.test.ts).
    simulator.server.inject({ kind: "status", status: 400, times: 10 });
    for (let attempt = 0; attempt < 2; attempt += 1) {
      const [summary] = await syncConnection({ ...connection, shop }, acmeAsAmazon, { streams: ["fees"], ...options });
      expect(summary?.status).toBe("failed");
    }
    const alerts = await prisma.alert.findMany({ where: { shopId: shop.id } });
    expect(alerts).toMatchObject([{ kind: "sync_failed", status: "open", severity: "critical" }]);
    expect((await prisma.channelConnection.findUniqueOrThrow({ where: { id: connection.id } })).status).toBe("error");

    simulator.server.clearFaults();
    const [summary] = await syncConnection({ ...connection, shop }, acmeAsAmazon, { streams: ["fees"], ...options });
    expect(summary?.status).toBe("succeeded");
    expect((await prisma.alert.findFirstOrThrow({ where: { shopId: shop.id } })).status).toBe("resolved");
    expect((await prisma.channelConnection.findUniqueOrThrow({ where: { id: connection.id } })).status).toBe("active");
  });
});
