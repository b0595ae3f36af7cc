import {
  runSync,
  type ChannelOrder,
  type JsonValue,
  type SinkPage,
  type StreamName,
} from "@crosschannel/connector-sdk";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { PostgresRecordSink } from "#app/ingest/sink.server.ts";

import { acmeConnector } from "../../connectors/sdk/example/acme-connector.ts";
import { AcmeSimulator } from "../../connectors/sdk/example/acme-simulator.ts";
import { createShop, insertConnection } from "../support/factories.ts";

const simulators: AcmeSimulator[] = [];

afterEach(async () => {
  await Promise.all(simulators.splice(0).map((simulator) => simulator.close()));
  await closeIngestPool();
});

async function setUp() {
  const simulator = new AcmeSimulator({ seed: 7 });
  simulators.push(simulator);
  await simulator.start();
  const shop = await createShop("ingest.myshopify.com", { timezone: "America/Toronto", currency: "USD" });
  const connection = await insertConnection({
    shopId: shop.id,
    channel: "amazon",
    accountId: "S-1001",
    displayName: "Acme as Amazon",
  });
  const scope = { shopId: shop.id, connectionId: connection.id, channel: "amazon" as const, timezone: shop.timezone };
  const sync = (stream: StreamName, sink = new PostgresRecordSink(scope)) =>
    runSync({
      connector: acmeConnector,
      stream,
      sink,
      connectionId: connection.id,
      config: simulator.config(),
      credentials: simulator.credentials(),
      clock: simulator.clock,
    });
  return { simulator, shop, connection, scope, sync };
}

/** What the database holds for the connection's orders, in the normalized shape. */
async function storedOrders(connectionId: string) {
  const orders = await prisma.order.findMany({
    where: { connectionId },
    include: { lines: true, refunds: true },
    orderBy: { externalId: "asc" },
  });
  return orders.map((order) => ({
    externalId: order.externalId,
    status: order.status,
    placedAt: order.placedAt.toISOString(),
    total: order.total?.toFixed(2) ?? null,
    lines: order.lines
      .map((line) => ({
        externalId: line.externalId,
        sku: line.sku,
        quantity: line.quantity,
        grossSales: line.grossSales?.toFixed(2) ?? null,
      }))
      .sort((a, b) => a.externalId.localeCompare(b.externalId)),
    refunds: order.refunds
      .map((refund) => ({ externalId: refund.externalId, amount: refund.amount.toFixed(2) }))
      .sort((a, b) => a.externalId.localeCompare(b.externalId)),
  }));
}

function expectedOrders(simulator: AcmeSimulator) {
  return (simulator.expectedRecords("orders") as ChannelOrder[])
    .map((order) => ({
      externalId: order.externalId,
      status: order.status,
      placedAt: order.placedAt,
      total: order.total === null ? null : Number(order.total).toFixed(2),
      lines: order.lines
        .map((line) => ({
          externalId: line.externalId,
          sku: line.sku,
          quantity: line.quantity,
          grossSales: line.grossSales === null ? null : Number(line.grossSales).toFixed(2),
        }))
        .sort((a, b) => a.externalId.localeCompare(b.externalId)),
      refunds: order.refunds
        .map((refund) => ({ externalId: refund.externalId, amount: Number(refund.amount).toFixed(2) }))
        .sort((a, b) => a.externalId.localeCompare(b.externalId)),
    }))
    .sort((a, b) => a.externalId.localeCompare(b.externalId));
}

describe("PostgreSQL record sink", () => {
  it("stores a full read of every stream exactly as the channel's records say", async () => {
    const { simulator, connection, sync } = await setUp();
    for (const stream of ["orders", "listings", "inventory", "fees"] as const) {
      const result = await sync(stream);
      expect(result.status, `${stream}: ${result.error?.message}`).toBe("succeeded");
    }
    expect(await storedOrders(connection.id)).toEqual(expectedOrders(simulator));
    expect(await prisma.channelListing.count({ where: { connectionId: connection.id } })).toBe(
      simulator.expectedRecords("listings").length,
    );
    expect(await prisma.inventoryLevel.count({ where: { connectionId: connection.id } })).toBe(
      simulator.expectedRecords("inventory").length,
    );
    expect(await prisma.feeEvent.count({ where: { connectionId: connection.id } })).toBe(
      simulator.expectedRecords("fees").length,
    );
    const checkpoints = await prisma.syncCheckpoint.findMany({ where: { connectionId: connection.id } });
    expect(checkpoints.map((row) => row.stream).sort()).toEqual(["fees", "inventory", "listings", "orders"]);
  });

  it("changes nothing when the same pages are ingested again", async () => {
    const { connection, sync, scope } = await setUp();
    await sync("orders");
    const before = await storedOrders(connection.id);
    const stamps = await prisma.order.findMany({ where: { connectionId: connection.id }, select: { id: true } });
    await prisma.syncCheckpoint.deleteMany({ where: { connectionId: connection.id } });
    const again = await sync("orders", new PostgresRecordSink(scope));
    expect(again.status).toBe("succeeded");
    expect(await storedOrders(connection.id)).toEqual(before);
    expect(
      (await prisma.order.findMany({ where: { connectionId: connection.id }, select: { id: true } }))
        .map((row) => row.id)
        .sort(),
    ).toEqual(stamps.map((row) => row.id).sort());
  });

  it.each([1, 2, 3])("resumes after a crash right after page %i with nothing lost or doubled", async (crashAfter) => {
    const { simulator, connection, sync, scope } = await setUp();
    class CrashingSink extends PostgresRecordSink {
      override async commitPage(page: SinkPage) {
        await super.commitPage(page);
        if (page.pageNumber === crashAfter) throw new Error("process killed");
      }
    }
    const crashed = await sync("orders", new CrashingSink(scope));
    expect(crashed.status).toBe("failed");
    expect(await prisma.order.count({ where: { connectionId: connection.id } })).toBeLessThan(
      expectedOrders(simulator).length,
    );
    const resumed = await sync("orders");
    expect(resumed.status).toBe("succeeded");
    expect(await storedOrders(connection.id)).toEqual(expectedOrders(simulator));
  });

  it("rolls back a page whose transaction fails half way: records and checkpoint together", async () => {
    const { connection, scope } = await setUp();
    const sink = new PostgresRecordSink(scope);
    const key = { connectionId: connection.id, connectorId: "acme", stream: "fees" as const };
    const fee = {
      externalId: "T-1",
      channel: "amazon",
      type: "commission" as const,
      rawType: "COMMISSION",
      orderExternalId: null,
      lineExternalId: null,
      sku: null,
      amount: "-1.50",
      currency: "USD",
      occurredAt: "2026-03-02T10:00:00.000Z",
    };
    await expect(
      sink.commitPage({
        ...key,
        runId: "r",
        pageNumber: 1,
        primaryKey: ["externalId"],
        records: [fee, { ...fee, externalId: "T-2", amount: "not a number" }],
        quarantined: [],
        checkpoint: { cursor: "x" } as JsonValue,
      }),
    ).rejects.toThrow();
    expect(await prisma.feeEvent.count()).toBe(0);
    expect(await sink.loadCheckpoint(key)).toBeNull();
  });

  it("keeps the newer version of an order when an older one arrives late", async () => {
    const { simulator, connection, scope } = await setUp();
    const order = (simulator.expectedRecords("orders") as ChannelOrder[])[0]!;
    const sink = new PostgresRecordSink(scope);
    const page = (records: ChannelOrder[], pageNumber: number): SinkPage => ({
      connectionId: connection.id,
      connectorId: "acme",
      stream: "orders",
      runId: "r",
      pageNumber,
      primaryKey: ["externalId"],
      records,
      quarantined: [],
      checkpoint: { n: pageNumber },
    });
    const newer = {
      ...order,
      status: "cancelled" as const,
      rawStatus: "CANCELLED",
      updatedAt: "2030-01-01T00:00:00.000Z",
    };
    await sink.commitPage(page([newer], 1));
    await sink.commitPage(page([{ ...order, updatedAt: "2029-01-01T00:00:00.000Z" }], 2));
    const stored = await prisma.order.findUniqueOrThrow({
      where: { connectionId_externalId: { connectionId: connection.id, externalId: order.externalId } },
    });
    expect(stored.status).toBe("cancelled");
  });

  it("records quarantined records with their payload and reason, and counts the run", async () => {
    const { connection, scope, shop } = await setUp();
    const run = await prisma.syncRun.create({
      data: { shopId: shop.id, connectionId: connection.id, stream: "fees", status: "running" },
    });
    const sink = new PostgresRecordSink({ ...scope, syncRunId: run.id });
    await sink.commitPage({
      connectionId: connection.id,
      connectorId: "acme",
      stream: "fees",
      runId: "r",
      pageNumber: 1,
      primaryKey: ["externalId"],
      records: [],
      quarantined: [
        {
          raw: { id: "T-9", amount: "abc" },
          reason: "amount is not a decimal",
          issues: [{ path: "amount", message: "bad" }],
          externalId: "T-9",
        },
      ],
      checkpoint: { n: 1 },
    });
    const quarantined = await prisma.quarantinedRecord.findMany({ where: { connectionId: connection.id } });
    expect(quarantined).toMatchObject([
      { externalId: "T-9", reason: "amount is not a decimal", syncRunId: run.id, stream: "fees" },
    ]);
    expect((await prisma.syncRun.findUniqueOrThrow({ where: { id: run.id } })).recordsQuarantined).toBe(1);
  });
});
