import "../support/mock-shopify.ts";

import { ShopifySimulator } from "@crosschannel/connector-shopify/simulator";
import { API_SECRET_KEY, TEST_SHOP } from "@shopify/shopify-api/test-helpers";
import { Worker } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { closeQueues, getQueue, QUEUE_NAMES, queueRuntime, shopJobId } from "#app/queue/queues.server.ts";
import { scheduleConnection, scheduleShopEngine } from "#app/services/schedules.server.ts";
import { PostgresRecordSink } from "#app/ingest/sink.server.ts";
import { action as complianceAction } from "#app/routes/webhooks.compliance.tsx";
import { action as webhookAction } from "#app/routes/webhooks.shopify.tsx";
import { adapterFor } from "#app/services/channels.server.ts";

import { createConnection, createShopWithData, insertConnection } from "../support/factories.ts";
import { callAction, webhookRequest } from "../support/shopify.ts";

afterEach(async () => {
  await closeQueues();
  await closeIngestPool();
});

const simulator = new ShopifySimulator({ seed: 5, shopDomain: TEST_SHOP });
const BUYER = {
  email: "buyer@example.com",
  phone: "+15555550100",
  customer: { id: 77, email: "buyer@example.com", first_name: "Ada", last_name: "Lovelace" },
  billing_address: { name: "Ada Lovelace", address1: "1 Main St", city: "Toronto", zip: "M5V 2T6" },
  shipping_address: { name: "Ada Lovelace", address1: "1 Main St", city: "Toronto", zip: "M5V 2T6" },
  browser_ip: "203.0.113.5",
};
const PERSONAL = ["buyer@example.com", "Lovelace", "Main St", "M5V 2T6", "203.0.113.5", "+15555550100"];

function delivery(topic: string, payload: unknown, webhookId: string) {
  const { body, headers } = simulator.signWebhook(topic, payload, { webhookId, secret: API_SECRET_KEY });
  return new Request("https://my-test-app.myshopify.io/webhooks/shopify", { method: "POST", body, headers });
}

async function shopifyShop() {
  const { shop } = await createShopWithData(TEST_SHOP);
  await insertConnection({ shopId: shop.id, channel: "shopify", accountId: TEST_SHOP, displayName: "Shopify" });
  return shop;
}

/** Runs one worker on a queue until `count` jobs finished (completed or failed). */
async function finishJobs(name: "webhooks", count: number, processor: (data: { webhookId: string }) => unknown) {
  const runtime = queueRuntime();
  let finished = 0;
  let done!: () => void;
  const all = new Promise<void>((resolve) => (done = resolve));
  const opts = { ...runtime.options, concurrency: 1 };
  const run = async (job: { data: { webhookId: string } }) => processor(job.data);
  const worker = runtime.backend ? new Worker(name, run, opts, runtime.backend as never) : new Worker(name, run, opts);
  const onFinished = () => {
    finished += 1;
    if (finished === count) done();
  };
  worker.on("completed", onFinished);
  worker.on("failed", onFinished);
  worker.on("error", () => undefined);
  await all;
  await worker.close();
}

describe("buyer data in the queue store", () => {
  it("queues a Shopify order webhook without the buyer's personal data", async () => {
    await shopifyShop();
    const order = simulator.expectedRecords("orders")[0] as { externalId: string };
    const payload = { ...simulator.orderWebhookPayload(order.externalId), ...BUYER };
    const response = await callAction(webhookAction, delivery("orders/create", payload, "d-1"));
    expect(response.status).toBe(200);
    const [job] = await getQueue("webhooks").getJobs(["waiting"]);
    expect(job?.data.topic).toBe("orders/create");
    expect((job?.data.payload as { line_items: unknown[] }).line_items.length).toBeGreaterThan(0);
    const stored = JSON.stringify(job?.data);
    for (const personal of PERSONAL) expect(stored).not.toContain(personal);
  });

  it("bounds the retention of finished jobs on every queue, scheduled sync and engine jobs too", async () => {
    const { shop } = await createShopWithData(TEST_SHOP);
    for (const name of QUEUE_NAMES) {
      expect(getQueue(name).defaultJobOptions, name).toMatchObject({
        removeOnComplete: expect.anything(),
        removeOnFail: expect.anything(),
      });
    }
    const connection = await prisma.channelConnection.findUniqueOrThrow({
      where: { id: await createConnection(shop.id, "amazon") },
    });
    await scheduleConnection(connection, adapterFor("amazon"));
    await scheduleShopEngine(shop);
    const scheduled = [
      ...(await getQueue("sync").getJobs(["delayed", "waiting"])),
      ...(await getQueue("forecast").getJobs(["delayed", "waiting"])),
    ].filter((job) => job !== undefined);
    expect(scheduled.length).toBeGreaterThan(0);
    for (const job of scheduled) {
      expect(job.opts.removeOnComplete, job.name).toBeTruthy();
      expect(job.opts.removeOnFail, job.name).toBeTruthy();
    }
  });

  it("shop/redact removes the shop's completed and failed jobs, not the other shop's", async () => {
    const { shop } = await createShopWithData(TEST_SHOP);
    const other = await createShopWithData("other-shop.myshopify.com");
    const queue = getQueue("webhooks");
    for (const [owner, webhookId] of [
      [shop.id, "ok"],
      [shop.id, "bad"],
      [other.shop.id, "kept"],
    ] as const) {
      await queue.add(
        "orders/create",
        { shopId: owner, topic: "orders/create", webhookId, payload: {} },
        { jobId: shopJobId(owner, "webhook", webhookId) },
      );
    }
    await finishJobs("webhooks", 3, (data) => {
      if (data.webhookId === "bad") throw new Error("failed on purpose");
      return { applied: true };
    });
    expect((await queue.getJobs(["completed", "failed"])).length).toBe(3);

    const response = await callAction(
      complianceAction,
      webhookRequest("/webhooks/compliance", "shop/redact", TEST_SHOP, { shop_id: 1, shop_domain: TEST_SHOP }),
    );
    expect(response.status).toBe(200);
    const left = (await queue.getJobs(["completed", "failed"])).filter((job) => job !== undefined);
    expect(left.map((job) => job.data.webhookId)).toEqual(["kept"]);
  });

  it("quarantines records without personal data, and customers/redact deletes the customer's", async () => {
    const { shop } = await createShopWithData(TEST_SHOP);
    const connectionId = await createConnection(shop.id, "bestbuy");
    const sink = new PostgresRecordSink({ shopId: shop.id, connectionId, channel: "bestbuy", timezone: "UTC" });
    await sink.commitPage({
      connectionId,
      connectorId: "bestbuy",
      stream: "orders",
      runId: "test",
      pageNumber: 1,
      primaryKey: ["externalId"],
      records: [],
      quarantined: [
        {
          externalId: "4242",
          reason: "invalid",
          issues: [{ path: "order_lines", message: "missing" }],
          raw: { order_id: "4242", ...BUYER, customer: { firstname: "Ada", lastname: "Lovelace" } },
        },
      ],
      checkpoint: { page: 1 },
    } as never);
    const [record] = await prisma.quarantinedRecord.findMany({ where: { shopId: shop.id } });
    expect((record?.payload as { raw: { order_id: string } }).raw.order_id).toBe("4242");
    for (const personal of PERSONAL) expect(JSON.stringify(record?.payload)).not.toContain(personal);

    const response = await callAction(
      complianceAction,
      webhookRequest("/webhooks/compliance", "customers/redact", TEST_SHOP, {
        shop_id: 1,
        shop_domain: TEST_SHOP,
        customer: { id: 77 },
        orders_to_redact: [4242],
      }),
    );
    expect(response.status).toBe(200);
    expect(await prisma.quarantinedRecord.count({ where: { shopId: shop.id } })).toBe(0);
  });
});
