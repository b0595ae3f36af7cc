import { spawn } from "node:child_process";

import { runSync, type ChannelOrder } from "@crosschannel/connector-sdk";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { PostgresRecordSink } from "#app/ingest/sink.server.ts";

import { acmeConnector } from "../../connectors/sdk/example/acme-connector.ts";
import { AcmeSimulator } from "../../connectors/sdk/example/acme-simulator.ts";
import { createShop, insertConnection } from "../support/factories.ts";

afterEach(async () => {
  await closeIngestPool();
});

function runDyingSync(shopId: string, connectionId: string, killAfter: number) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }>((resolve) => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "tests/support/crash-sync.ts", shopId, connectionId, String(killAfter)],
      {
        env: process.env,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.once("exit", (code, signal) => resolve({ code, signal, output }));
  });
}

describe("a sync process killed mid-run", () => {
  it("resumes on the next run with nothing lost or doubled", async () => {
    const shop = await createShop("crash.myshopify.com", { timezone: "UTC", currency: "USD" });
    const connection = await insertConnection({
      shopId: shop.id,
      channel: "amazon",
      accountId: "S-1001",
      displayName: "Acme",
    });

    const killed = await runDyingSync(shop.id, connection.id, 3);
    expect(killed.signal, killed.output).toBe("SIGKILL");
    expect(killed.output).toContain("killed after page 3");
    const afterCrash = await prisma.order.count({ where: { connectionId: connection.id } });
    const checkpoint = await prisma.syncCheckpoint.findUniqueOrThrow({
      where: { connectionId_stream: { connectionId: connection.id, stream: "orders" } },
    });
    expect(afterCrash).toBeGreaterThan(0);

    // The next run (here, in this process) starts from the checkpoint committed with page 3.
    const simulator = new AcmeSimulator({ seed: 21 });
    await simulator.start();
    try {
      const expected = simulator.expectedRecords("orders") as ChannelOrder[];
      expect(afterCrash).toBeLessThan(expected.length);
      const resumed = await runSync({
        connector: acmeConnector,
        stream: "orders",
        sink: new PostgresRecordSink({
          shopId: shop.id,
          connectionId: connection.id,
          channel: "amazon",
          timezone: "UTC",
        }),
        connectionId: connection.id,
        config: simulator.config(),
        credentials: simulator.credentials(),
        clock: simulator.clock,
      });
      expect(resumed.status).toBe("succeeded");
      expect(resumed.startCheckpoint).toEqual(checkpoint.checkpoint);
      const stored = await prisma.order.findMany({ where: { connectionId: connection.id }, include: { lines: true } });
      expect(stored.map((order) => order.externalId).sort()).toEqual(expected.map((order) => order.externalId).sort());
      expect(stored.reduce((sum, order) => sum + order.lines.length, 0)).toBe(
        expected.reduce((sum, order) => sum + order.lines.length, 0),
      );
    } finally {
      await simulator.close();
    }
  }, 60_000);
});
