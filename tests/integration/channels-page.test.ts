// The Channels page's service: its cards (connected and not), what a disconnect deletes, the
// buttons' actions scoped to the shop, and the Best Buy form (field errors, nothing stored when
// the simulator refuses the key, the key stored encrypted when it accepts it).
import { BestBuySimulator } from "@crosschannel/connector-bestbuy/simulator";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { closeQueues, getQueue } from "#app/queue/queues.server.ts";
import { syncSchedulerId } from "#app/services/schedules.server.ts";
import { channelAction, channelsPage, connectBestBuy } from "#app/services/channels-page.server.ts";
import { openCredentials } from "#app/services/crypto.server.ts";

import { createShop, insertConnection } from "../support/factories.ts";

const open: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((simulator) => simulator.close()));
  await closeQueues();
  await closeIngestPool();
});

async function bestbuySimulator() {
  const simulator = new BestBuySimulator({ seed: "channels-page" });
  await simulator.start();
  open.push(simulator);
  return simulator;
}

describe("channelsPage", () => {
  it("shows the shop's connections with what a disconnect deletes, and the channels not connected", async () => {
    const shop = await createShop("page-a.myshopify.com", { source: "shopify" });
    const other = await createShop("page-b.myshopify.com");
    const shopify = await insertConnection({ shopId: shop.id, channel: "shopify", displayName: "Shopify (page-a)" });
    const bestbuy = await insertConnection({ shopId: shop.id, channel: "bestbuy", status: "paused" });
    await insertConnection({ shopId: other.id, channel: "amazon" });
    await prisma.channelListing.create({
      data: {
        shopId: shop.id,
        connectionId: bestbuy.id,
        channel: "bestbuy",
        externalId: "offer-1",
        sku: "SKU-1",
        status: "active",
      },
    });
    await prisma.syncRun.create({
      data: {
        shopId: shop.id,
        connectionId: shopify.id,
        stream: "orders",
        status: "running",
        progress: 0.4,
      },
    });

    const page = await channelsPage(shop);
    expect(page.cards.map((card) => card.channel)).toEqual(["shopify", "bestbuy"]);
    const [own, marketplace] = page.cards;
    expect(own).toMatchObject({ origin: "Connected by the install", canDisconnect: false, channelName: "Shopify" });
    expect(own?.words).toMatchObject({ kind: "syncing", label: "Syncing, 40%" });
    expect(own?.data.progress).toBeCloseTo(0.4);
    expect(marketplace).toMatchObject({ canDisconnect: true, origin: null, channelName: "Best Buy Marketplace" });
    expect(marketplace?.words.kind).toBe("paused");
    expect(marketplace?.data).toMatchObject({ orders: 0, listings: 1, inventoryLevels: 0, progress: null });
    // Another shop's Amazon connection is not this shop's: Amazon is offered to connect.
    expect(page.available).toEqual([
      expect.objectContaining({ channel: "amazon", name: "Amazon", connectUrl: "/app/channels/amazon" }),
    ]);

    const empty = await channelsPage(await createShop("page-c.myshopify.com"));
    expect(empty.cards).toEqual([]);
    expect(empty.available.map((channel) => [channel.channel, channel.connectUrl])).toEqual([
      ["amazon", "/app/channels/amazon"],
      ["bestbuy", "/app/channels/bestbuy"],
      ["shopify", null],
    ]);
  });
});

describe("channelAction", () => {
  it("pauses, refuses Sync now while paused, resumes, queues a sync, and acts on this shop's connections only", async () => {
    const shop = await createShop("actions-a.myshopify.com");
    const other = await createShop("actions-b.myshopify.com");
    const connection = await insertConnection({ shopId: shop.id, channel: "bestbuy", displayName: "Best Buy (x)" });
    const theirs = await insertConnection({ shopId: other.id, channel: "bestbuy" });

    expect(await channelAction(shop.id, { intent: "pause", connectionId: connection.id }, "u")).toEqual({
      ok: true,
      message: "Best Buy (x) paused: no scheduled syncs until you resume it.",
    });
    expect((await prisma.channelConnection.findUniqueOrThrow({ where: { id: connection.id } })).status).toBe("paused");
    const refused = await channelAction(shop.id, { intent: "sync", connectionId: connection.id }, "u");
    expect(refused).toEqual({ ok: false, message: "Best Buy (x) is paused: resume it first, then Sync now." });

    expect(await channelAction(shop.id, { intent: "resume", connectionId: connection.id }, "u")).toMatchObject({
      ok: true,
    });
    const schedulers = await getQueue("sync").getJobSchedulers(0, -1);
    expect(schedulers.map((scheduler) => scheduler.id ?? scheduler.key)).toContain(
      syncSchedulerId(connection, "orders"),
    );

    const queued = await channelAction(shop.id, { intent: "sync", connectionId: connection.id }, "u");
    expect(queued).toEqual({ ok: true, message: "Best Buy (x): sync of 4 streams queued." });
    const jobs = await getQueue("sync").getJobs(["waiting", "delayed", "prioritized"]);
    expect(jobs.filter((job) => job.data.connectionId === connection.id && job.id?.includes("now"))).toHaveLength(4);

    // Another shop's connection is "not found", and stays as it was.
    const foreign = await channelAction(shop.id, { intent: "disconnect", connectionId: theirs.id }, "u");
    expect(foreign).toEqual({ ok: false, message: `This shop has no connection ${theirs.id}.` });
    expect(await prisma.channelConnection.count({ where: { id: theirs.id } })).toBe(1);
    // A form that is not one of the buttons.
    expect(await channelAction(shop.id, { intent: "drop-tables" }, "u")).toMatchObject({ ok: false });
    expect(await channelAction(shop.id, { intent: "pause" }, "u")).toMatchObject({ ok: false });

    const actions = await prisma.auditLog.findMany({ where: { shopId: shop.id }, orderBy: { createdAt: "asc" } });
    expect(actions.map((entry) => entry.action)).toEqual([
      "connection.paused",
      "connection.resumed",
      "connection.sync_requested",
    ]);
  });

  it("disconnects and says what it deleted; the install's own Shopify connection is refused", async () => {
    const shop = await createShop("disconnect-page.myshopify.com", { source: "shopify" });
    const shopify = await insertConnection({ shopId: shop.id, channel: "shopify" });
    const bestbuy = await insertConnection({ shopId: shop.id, channel: "bestbuy", displayName: "Best Buy (y)" });
    await prisma.channelListing.create({
      data: { shopId: shop.id, connectionId: bestbuy.id, channel: "bestbuy", externalId: "o", sku: "S", status: "x" },
    });
    const own = await channelAction(shop.id, { intent: "disconnect", connectionId: shopify.id }, "u");
    expect(own.ok).toBe(false);
    expect(own.message).toMatch(/uninstall the app/);
    expect(await prisma.channelConnection.count({ where: { id: shopify.id } })).toBe(1);

    const gone = await channelAction(shop.id, { intent: "disconnect", connectionId: bestbuy.id }, "u");
    expect(gone).toEqual({
      ok: true,
      message: "Best Buy (y) disconnected: 0 orders, 1 listing, 0 inventory levels and its schedules deleted.",
    });
    expect(await prisma.channelConnection.count({ where: { id: bestbuy.id } })).toBe(0);
    expect(await prisma.channelListing.count({ where: { shopId: shop.id } })).toBe(0);
  });

  it("retries a quarantined record: removed, and a full sync of its stream queued", async () => {
    const shop = await createShop("retry-page.myshopify.com");
    const other = await createShop("retry-other.myshopify.com");
    const connection = await insertConnection({ shopId: shop.id, channel: "bestbuy" });
    const record = await prisma.quarantinedRecord.create({
      data: {
        shopId: shop.id,
        connectionId: connection.id,
        stream: "orders",
        externalId: "ORDER-9-A",
        reason: "total_price is not a number",
        payload: { order_id: "ORDER-9-A", total_price: "n/a", authorization: "secret-value" },
      },
    });
    const page = await channelsPage(shop);
    const shown = page.cards[0]?.quarantined[0];
    expect(shown?.reason).toBe("total_price is not a number");
    expect(shown?.payload).toContain('"total_price": "n/a"');
    expect(shown?.payload).not.toContain("secret-value");

    expect(await channelAction(other.id, { intent: "retry", recordId: record.id }, "u")).toMatchObject({ ok: false });
    expect(await channelAction(shop.id, { intent: "retry", recordId: record.id }, "u")).toEqual({
      ok: true,
      message: "ORDER-9-A will be read again by a full orders sync, queued now.",
    });
    expect(await prisma.quarantinedRecord.count({ where: { id: record.id } })).toBe(0);
    const jobs = await getQueue("sync").getJobs(["waiting", "delayed", "prioritized"]);
    expect(jobs.map((job) => job.data)).toContainEqual({
      shopId: shop.id,
      connectionId: connection.id,
      stream: "orders",
      mode: "full",
    });
  });
});

describe("connectBestBuy", () => {
  it("puts each problem on its field and stores nothing; a good key is checked and stored encrypted", async () => {
    const simulator = await bestbuySimulator();
    const shop = await createShop("bestbuy-form.myshopify.com");
    const instanceUrl = simulator.config().baseUrl;
    const goodKey = simulator.credentials().apiKey;

    const blank = await connectBestBuy(shop, { instanceUrl: "", apiKey: "" }, { actor: "u" });
    expect(blank).toEqual({
      ok: false,
      formError: null,
      fieldErrors: {
        instanceUrl: expect.stringMatching(/^Enter your Best Buy Marketplace URL/),
        apiKey: expect.stringMatching(/^Enter the shop API key/),
      },
    });
    const malformed = await connectBestBuy(shop, { instanceUrl: "marketplace", apiKey: "short" }, { actor: "u" });
    expect(malformed.ok).toBe(false);
    if (malformed.ok) return;
    expect(malformed.fieldErrors.instanceUrl).toMatch(/https:\/\//);
    expect(malformed.fieldErrors.apiKey).toMatch(/too short/);

    // Well formed, but not the shop's key: the simulator answers 401.
    const wrong = await connectBestBuy(
      shop,
      { instanceUrl, apiKey: "0000000000-not-the-key-0000000000" },
      { actor: "u" },
    );
    expect(wrong.ok).toBe(false);
    if (wrong.ok) return;
    expect(wrong.fieldErrors).toEqual({ apiKey: expect.stringMatching(/Best Buy rejected the API key \(HTTP 401\)/) });
    expect(wrong.formError).toBeNull();
    expect(await prisma.channelConnection.count({ where: { shopId: shop.id } })).toBe(0);
    expect(await prisma.auditLog.count({ where: { shopId: shop.id } })).toBe(0);

    // Not an http(s) URL: about the URL, nothing stored.
    const closed = await connectBestBuy(shop, { instanceUrl: "ftp://example.com", apiKey: goodKey }, { actor: "u" });
    expect(closed.ok).toBe(false);
    if (closed.ok) return;
    expect(Object.keys(closed.fieldErrors)).toEqual(["instanceUrl"]);

    const connected = await connectBestBuy(shop, { instanceUrl: ` ${instanceUrl}/ `, apiKey: goodKey }, { actor: "u" });
    expect(connected.ok).toBe(true);
    if (!connected.ok) return;
    const stored = await prisma.channelConnection.findUniqueOrThrow({ where: { id: connected.connection.id } });
    expect(stored).toMatchObject({ shopId: shop.id, channel: "bestbuy", status: "active" });
    expect((stored.config as { baseUrl: string }).baseUrl).toBe(instanceUrl);
    expect(Buffer.from(stored.credentials).toString("latin1")).not.toContain(goodKey);
    expect(JSON.stringify(stored.config)).not.toContain(goodKey);
    expect(openCredentials(stored)).toEqual({ apiKey: goodKey });
    const schedulers = await getQueue("sync").getJobSchedulers(0, -1);
    expect(schedulers.map((scheduler) => scheduler.id ?? scheduler.key)).toContain(syncSchedulerId(stored, "orders"));
    expect(connected.message).toMatch(/connected: its history is importing/);
  });
});
