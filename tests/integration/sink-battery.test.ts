import { recordSinkBattery } from "@crosschannel/connector-sdk/testing";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { PostgresRecordSink } from "#app/ingest/sink.server.ts";

import { createConnection, createShop } from "../support/factories.ts";

// The SDK's battery for every RecordSink, against the app's PostgreSQL sink.
recordSinkBattery("PostgresRecordSink", async () => {
  const shop = await createShop();
  const connectionId = await createConnection(shop.id, "amazon");
  const sink = new PostgresRecordSink({ shopId: shop.id, connectionId, channel: "amazon", timezone: shop.timezone });
  return {
    sink,
    key: { connectionId, connectorId: "amazon" },
    count: () => prisma.inventoryLevel.count({ where: { connectionId } }),
    dispose: () => closeIngestPool(),
  };
});
