/**
 * Wall clock mode: the shop follows a clock (a test clock moved by hand here), shows live
 * orders as they are placed and their lifecycle as time passes, listens on a fixed port
 * with given credentials, and delivers signed webhooks with retries.
 */
import { manualClock } from "@crosschannel/connector-sdk/testing";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { ChannelOrder, InventoryLevel } from "@crosschannel/connector-sdk";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { afterEach, describe, expect, it } from "vitest";
import { ShopifySimulator } from "../src/simulator/index.ts";
import { mapOrderWebhook, parseWebhookHeaders, verifyWebhookHmac } from "../src/webhooks.ts";
import type { RestOrder, RestRefund } from "../src/wire.ts";

const HOUR = 3_600_000;
const start = Date.parse("2026-03-20T10:00:00.000Z");
const merchantOptions = {
  seed: "live-shop",
  start: "2026-03-01",
  days: 40,
  skus: 30,
  ordersPerDay: 30,
  live: { everyMs: 60_000, windows: [{ from: "2026-03-20T09:00:00.000Z", to: null }] },
};

const testClock = manualClock;

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const thing of opened.splice(0)) await thing.close();
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const graphql = (sim: ShopifySimulator, token: string, query: string, variables: unknown = {}) =>
  fetch(`${sim.server.url}/admin/api/2025-07/graphql.json`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-shopify-access-token": token },
    body: JSON.stringify({ query, variables }),
  });

describe("ShopifySimulator on the wall clock", () => {
  it("shows live orders as they are placed and their lifecycle as time passes, rebuilding lazily", async () => {
    const clock = testClock(start);
    const merchant = new MerchantDataset(merchantOptions);
    const sim = new ShopifySimulator({ merchant, clock, accessToken: "shpat_test_token" });
    opened.push(sim);
    await sim.start();
    expect(sim.wallClock).toBe(true);
    expect(sim.asOf).toBe(new Date(start).toISOString());
    const first = sim.expectedRecords("orders") as ChannelOrder[];
    const stock = (levels: InventoryLevel[]) => levels.reduce((sum, level) => sum + level.available, 0);
    const firstStock = stock(sim.expectedRecords("inventory") as InventoryLevel[]);

    // Within the refresh interval a request does not rebuild.
    clock.at += 1_000;
    expect((await graphql(sim, "shpat_test_token", "query ShopInfo { shop { name } }")).status).toBe(200);
    expect(sim.asOf).toBe(new Date(start).toISOString());

    // An hour later the next request sees the orders placed since (live ones among them).
    clock.at = start + HOUR;
    const answer = await graphql(sim, "shpat_test_token", "query ShopInfo { shop { name } }");
    expect(answer.status).toBe(200);
    expect(sim.asOf).toBe(new Date(start + HOUR).toISOString());
    const later = sim.expectedRecords("orders") as ChannelOrder[];
    const known = new Set(first.map((order) => order.externalId));
    const fresh = later.filter((order) => !known.has(order.externalId));
    const liveShopify = merchant
      .liveOrdersOn("2026-03-20", "shopify")
      .filter((order) => order.placedAt > new Date(start).toISOString() && order.placedAt <= sim.asOf);
    expect(liveShopify.length).toBeGreaterThan(10);
    expect(fresh.length).toBeGreaterThanOrEqual(liveShopify.length);
    for (const order of fresh) expect(order.placedAt > new Date(start).toISOString()).toBe(true);
    // Live order ids: channel digit 1, then 0 (never a date), then the slot.
    expect(fresh.filter((order) => /^gid:\/\/shopify\/Order\/10\d{11}$/.test(order.externalId)).length).toBe(
      liveShopify.length,
    );
    expect(new Set(later.map((order) => order.externalId)).size).toBe(later.length);
    // Stock went down with the live orders of the day.
    expect(stock(sim.expectedRecords("inventory") as InventoryLevel[])).toBeLessThan(firstStock);

    // Three days on, pending/open orders have been fulfilled and refunds created.
    const open = later.filter((order) => order.status === "open" || order.status === "pending");
    expect(open.length).toBeGreaterThan(0);
    clock.at = start + 72 * HOUR;
    sim.refresh();
    const after = new Map((sim.expectedRecords("orders") as ChannelOrder[]).map((order) => [order.externalId, order]));
    const moved = open.filter((order) => after.get(order.externalId)?.status !== order.status);
    expect(moved.length).toBeGreaterThan(open.length / 2);
    const refunds = (orders: Iterable<ChannelOrder>) =>
      [...orders].reduce((sum, order) => sum + order.refunds.length, 0);
    expect(refunds(after.values())).toBeGreaterThan(refunds(later));

    // The incremental view equals a fresh virtual-clock shop frozen at the same moment.
    const frozen = new ShopifySimulator({ merchant, asOf: sim.asOf });
    const byId = (orders: ChannelOrder[]) => [...orders].sort((a, b) => (a.externalId < b.externalId ? -1 : 1));
    expect(byId(sim.expectedRecords("orders") as ChannelOrder[])).toEqual(
      byId(frozen.expectedRecords("orders") as ChannelOrder[]),
    );
    expect(sim.expectedRecords("inventory")).toEqual(frozen.expectedRecords("inventory"));
    // Rebuilds stay cheap (the settled past is reused).
    expect(sim.rebuildStats!.lastRebuildMs).toBeLessThan(1_000);
  });

  it("listens on the given port with the given credentials", async () => {
    const port = await freePort();
    const sim = new ShopifySimulator({
      merchant: new MerchantDataset(merchantOptions),
      clock: testClock(start),
      port,
      accessToken: "shpat_fixed",
      apiSecret: "fixed_secret",
    });
    opened.push(sim);
    await sim.start();
    expect(sim.server.url).toBe(`http://127.0.0.1:${port}`);
    expect(sim.config().adminApiBaseUrl).toBe(`http://127.0.0.1:${port}`);
    expect(sim.credentials()).toEqual({ accessToken: "shpat_fixed" });
    expect(sim.apiSecret).toBe("fixed_secret");
    expect((await graphql(sim, "shpat_fixed", "query ShopInfo { shop { name } }")).status).toBe(200);
    expect((await graphql(sim, "shpat_other", "query ShopInfo { shop { name } }")).status).toBe(401);
  });
});

describe("ShopifySimulator webhooks", () => {
  interface Delivery {
    topic: string;
    webhookId: string;
    eventId: string | null;
    triggeredAt: string | null;
    hmacValid: boolean;
    status: number;
    body: unknown;
  }

  async function receiver(secret: string, failFirst: number) {
    const deliveries: Delivery[] = [];
    let toFail = failFirst;
    const server: Server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => {
        const raw = Buffer.concat(chunks);
        const headers = parseWebhookHeaders(request.headers);
        const status = toFail > 0 ? 500 : 200;
        if (toFail > 0) toFail -= 1;
        deliveries.push({
          topic: headers?.topic ?? "",
          webhookId: headers?.webhookId ?? "",
          eventId: headers?.eventId ?? null,
          triggeredAt: headers?.triggeredAt ?? null,
          hmacValid: verifyWebhookHmac(raw, headers?.hmac, secret),
          status,
          body: JSON.parse(raw.toString("utf8")),
        });
        expect(request.headers["content-type"]).toBe("application/json");
        expect(headers?.shopDomain).toBe("northwind-goods.myshopify.com");
        expect(headers?.apiVersion).toMatch(/^\d{4}-\d{2}$/);
        response.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const close = () => new Promise<void>((resolve) => server.close(() => resolve()));
    return { deliveries, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks`, close };
  }

  it("delivers signed orders/create, orders/updated and refunds/create, retries after a 500, never twice", async () => {
    const secret = "whsec_test_secret";
    const target = await receiver(secret, 1);
    opened.push(target);
    const clock = testClock(start);
    const merchant = new MerchantDataset({ ...merchantOptions, live: { ...merchantOptions.live, everyMs: 180_000 } });
    const sim = new ShopifySimulator({
      merchant,
      clock,
      webhooks: { url: target.url, secret, retryDelayMs: 20 },
    });
    opened.push(sim);
    await sim.start();
    const before = new Set((sim.expectedRecords("orders") as ChannelOrder[]).map((order) => order.externalId));

    // Nothing is sent for the world as it stood at start.
    sim.refresh();
    await sim.webhooksIdle();
    expect(target.deliveries).toEqual([]);

    clock.at = start + HOUR;
    sim.refresh();
    await sim.webhooksIdle();
    const created = (sim.expectedRecords("orders") as ChannelOrder[]).filter((order) => !before.has(order.externalId));
    expect(created.length).toBeGreaterThan(3);
    const ok = target.deliveries.filter((delivery) => delivery.status === 200);
    const creates = ok.filter((delivery) => delivery.topic === "orders/create");
    expect(creates.map((delivery) => (delivery.body as RestOrder).admin_graphql_api_id).sort()).toEqual(
      created.map((order) => order.externalId).sort(),
    );
    for (const delivery of target.deliveries) expect(delivery.hmacValid).toBe(true);
    // The first delivery failed with 500 and was retried with the same webhook id.
    const failed = target.deliveries.find((delivery) => delivery.status === 500)!;
    expect(ok.filter((delivery) => delivery.webhookId === failed.webhookId)).toHaveLength(1);
    expect(new Set(ok.map((delivery) => delivery.webhookId)).size).toBe(ok.length);
    expect(sim.webhookCounters).toMatchObject({ sent: ok.length, failed: 0, retries: 1, pending: 0 });
    // The payload maps to the record the streams produce.
    const sample = creates[0]!.body as RestOrder;
    const expected = created.find((order) => order.externalId === sample.admin_graphql_api_id)!;
    expect(mapOrderWebhook(sample)).toEqual(expected);
    expect(creates[0]!.triggeredAt).toBe(new Date(expected.placedAt).toISOString());

    // Refreshing again at the same moment sends nothing more.
    const count = target.deliveries.length;
    clock.at += 3_000;
    sim.refresh();
    await sim.webhooksIdle();
    expect(target.deliveries.length).toBe(count);

    // A day later: updates (fulfilment) and refunds.
    clock.at = start + 36 * HOUR;
    sim.refresh();
    await sim.webhooksIdle();
    const topics = new Set(target.deliveries.map((delivery) => delivery.topic));
    expect(topics).toEqual(new Set(["orders/create", "orders/updated", "refunds/create"]));
    const refund = target.deliveries.find((delivery) => delivery.topic === "refunds/create")!.body as RestRefund;
    const order = sim.orderWebhookPayload(`gid://shopify/Order/${refund.order_id}`);
    expect((order.refunds ?? []).map((candidate) => candidate.id)).toContain(refund.id);
    const ids = target.deliveries.filter((delivery) => delivery.status === 200).map((delivery) => delivery.webhookId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(sim.webhookCounters.sent).toBe(ids.length);
  });

  it("gives up after maxAttempts and counts the failure; close stops delivery", async () => {
    const target = await receiver("s", 1_000);
    opened.push(target);
    const clock = testClock(start);
    const sim = new ShopifySimulator({
      merchant: new MerchantDataset(merchantOptions),
      clock,
      webhooks: { url: target.url, secret: "s", retryDelayMs: 5, maxAttempts: 3, topics: ["orders/create"] },
    });
    opened.push(sim);
    await sim.start();
    clock.at = start + 5 * 60_000;
    sim.refresh();
    await sim.webhooksIdle();
    const ids = new Set(target.deliveries.map((delivery) => delivery.webhookId));
    expect(ids.size).toBeGreaterThan(0);
    expect(target.deliveries.length).toBe(ids.size * 3);
    expect(sim.webhookCounters).toMatchObject({ sent: 0, failed: ids.size, retries: ids.size * 2, pending: 0 });
    await sim.close();
    const seen = target.deliveries.length;
    clock.at += HOUR;
    sim.refresh();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(target.deliveries.length).toBe(seen);
  });
});
