// Disconnect deletes exactly one connection's data (and none of another shop's), the rollups
// stay equal to a rebuild from nothing; cost CSVs import all rows or none; both leave audit entries.
import type { ChannelOrder } from "@crosschannel/connector-sdk";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool, ingestPool } from "#app/db/pool.server.ts";
import { closeQueues } from "#app/queue/queues.server.ts";
import {
  ConnectionNotFoundError,
  describeStatus,
  disconnectConnection,
  pauseConnection,
  redactSecrets,
  resumeConnection,
} from "#app/services/channel-management.server.ts";
import { markRollupsStale, refreshRollups } from "#app/services/rollups.server.ts";
import { auditLog, CostImportError, importCostCsv, previewCostCsv } from "#app/services/unit-costs.server.ts";

import { createConnection, pageCommitter, rowCounts } from "../support/factories.ts";

afterEach(async () => {
  await closeQueues();
  await closeIngestPool();
});

type ChannelId = "shopify" | "amazon" | "bestbuy";
const merchant = new MerchantDataset({ seed: "disconnect", start: "2026-02-01", days: 20, skus: 6, ordersPerDay: 5 });

async function shopWithOrders(domain: string) {
  const shop = await prisma.shop.create({ data: { domain, timezone: "America/Toronto", currency: "USD" } });
  const ids = {
    shopify: await createConnection(shop.id, "shopify"),
    amazon: await createConnection(shop.id, "amazon"),
    bestbuy: await createConnection(shop.id, "bestbuy"),
  };
  await prisma.product.createMany({
    data: merchant.products.map((product) => ({
      shopId: shop.id,
      sku: product.sku,
      title: product.title,
      unitCost: (product.unitCostMinor / 100).toFixed(2),
      costCurrency: "USD",
    })),
  });
  const commit = pageCommitter(shop, ids);
  for (const channel of merchant.channels) {
    const orders: ChannelOrder[] = [];
    for (const order of merchant.orders({ channel: channel.id })) {
      const view = merchant.orderAsOf(order, `${merchant.end}T12:00:00.000Z`);
      if (view) orders.push(view);
    }
    await commit(channel.id as ChannelId, "orders", orders);
  }
  await refreshRollups(shop.id);
  return { shop, ids };
}

async function rollups(shopId: string) {
  const rows = await prisma.dailyRollup.findMany({ where: { shopId } });
  return Object.fromEntries(
    rows.map((r) => [
      `${r.day.toISOString().slice(0, 10)} ${r.channel} ${r.sku} ${r.currency}`,
      `${r.orders} ${r.units} ${r.netSales.toFixed(2)} ${r.cogs.toFixed(2)} ${r.contributions}`,
    ]),
  );
}

describe("disconnect", () => {
  it("deletes that connection's orders and rollups only, in this shop only", async () => {
    const a = await shopWithOrders("disconnect-a.myshopify.com");
    const b = await shopWithOrders("disconnect-b.myshopify.com");
    const bBefore = await rowCounts(b.shop.id);
    const bRollups = await rollups(b.shop.id);
    const bestbuyOrders = await prisma.order.count({ where: { connectionId: a.ids.bestbuy } });
    expect(bestbuyOrders).toBeGreaterThan(0);
    const amazonOrders = await prisma.order.count({ where: { connectionId: a.ids.amazon } });

    // Another shop cannot disconnect it.
    await expect(disconnectConnection(b.shop.id, a.ids.bestbuy, "test")).rejects.toBeInstanceOf(
      ConnectionNotFoundError,
    );
    const result = await disconnectConnection(a.shop.id, a.ids.bestbuy, "test");
    expect(result.orders).toBe(bestbuyOrders);

    expect(await prisma.channelConnection.count({ where: { id: a.ids.bestbuy } })).toBe(0);
    expect(await prisma.order.count({ where: { shopId: a.shop.id, channel: "bestbuy" } })).toBe(0);
    expect(await prisma.dailyRollup.count({ where: { shopId: a.shop.id, channel: "bestbuy" } })).toBe(0);
    expect(await prisma.dailyChannelTotal.count({ where: { shopId: a.shop.id, channel: "bestbuy" } })).toBe(0);
    expect(await prisma.order.count({ where: { connectionId: a.ids.amazon } })).toBe(amazonOrders);
    // The rollups left equal the rollups rebuilt from the orders left.
    await refreshRollups(a.shop.id);
    const after = await rollups(a.shop.id);
    await ingestPool().query(`delete from "DailyRollup" where "shopId" = $1`, [a.shop.id]);
    await ingestPool().query(`delete from "RollupContribution" where "shopId" = $1`, [a.shop.id]);
    await markRollupsStale(a.shop.id, { all: true });
    await refreshRollups(a.shop.id);
    expect(after).toEqual(await rollups(a.shop.id));

    // The other shop is untouched, row for row.
    expect(await rowCounts(b.shop.id)).toEqual(bBefore);
    expect(await rollups(b.shop.id)).toEqual(bRollups);
    const log = await auditLog(a.shop.id);
    expect(log.entries[0]).toMatchObject({ action: "connection.disconnected", target: a.ids.bestbuy, actor: "test" });
    expect(JSON.parse(log.entries[0]!.data!)).toMatchObject({ channel: "bestbuy", orders: bestbuyOrders });
  });

  it("pause and resume change the status and are audited", async () => {
    const shop = await prisma.shop.create({
      data: { domain: "pause.myshopify.com", timezone: "UTC", currency: "USD" },
    });
    const id = await createConnection(shop.id, "bestbuy");
    await pauseConnection(shop.id, id, "user-1");
    expect((await prisma.channelConnection.findUniqueOrThrow({ where: { id } })).status).toBe("paused");
    await resumeConnection(shop.id, id, "user-1");
    expect((await prisma.channelConnection.findUniqueOrThrow({ where: { id } })).status).toBe("active");
    expect((await auditLog(shop.id)).entries.map((e) => e.action)).toEqual(["connection.resumed", "connection.paused"]);
  });
});

describe("status in words and redaction", () => {
  it("names the state and what to do", () => {
    const base = { status: "active" as const, lastError: null, credentialsExpireAt: null };
    expect(describeStatus(base, []).kind).toBe("connected");
    expect(describeStatus({ ...base, status: "paused" }, []).label).toBe("Paused");
    expect(describeStatus(base, [{ status: "running", progress: 0.25, throttled: 0, error: null }]).label).toBe(
      "Syncing, 25%",
    );
    const failing = describeStatus(base, [
      { status: "failed", progress: null, throttled: 0, error: { message: "HTTP 500" } },
    ]);
    expect(failing).toMatchObject({ kind: "failing", detail: "HTTP 500" });
    expect(describeStatus(base, [{ status: "succeeded", progress: 1, throttled: 3, error: null }]).kind).toBe(
      "throttled",
    );
    const soon = new Date(Date.now() + 3 * 86_400_000);
    expect(describeStatus({ ...base, credentialsExpireAt: soon }, []).kind).toBe("expiring");
    expect(describeStatus({ ...base, status: "revoked" }, []).kind).toBe("revoked");
  });

  it("removes secrets from raw records", () => {
    expect(redactSecrets({ id: 1, buyer: { access_token: "t", name: "x" }, list: [{ apiKey: "k" }] })).toEqual({
      id: 1,
      buyer: { access_token: "[removed]", name: "x" },
      list: [{ apiKey: "[removed]" }],
    });
  });
});

describe("cost CSV", () => {
  async function shopWithProducts() {
    const shop = await prisma.shop.create({
      data: { domain: "costs.myshopify.com", timezone: "UTC", currency: "USD" },
    });
    await prisma.product.createMany({
      data: [
        { shopId: shop.id, sku: "A", title: "A", unitCost: "1.00", costCurrency: "USD" },
        { shopId: shop.id, sku: "B", title: "B" },
      ],
    });
    return shop;
  }

  it("imports nothing when one row is bad, and names its line and field", async () => {
    const shop = await shopWithProducts();
    const csv = "sku,cost,currency,effective_date\nA,2.50,USD,2026-01-01\nB,abc,USD,2026-01-01\n";
    const preview = await previewCostCsv(shop.id, csv);
    expect(preview.errors).toEqual([expect.objectContaining({ line: 3, field: "cost" })]);
    await expect(importCostCsv(shop.id, csv, "user")).rejects.toBeInstanceOf(CostImportError);
    const a = await prisma.product.findUniqueOrThrow({ where: { shopId_sku: { shopId: shop.id, sku: "A" } } });
    expect(a.unitCost?.toFixed(2)).toBe("1.00");
    expect((await auditLog(shop.id)).total).toBe(0);
  });

  it("reports unknown SKUs, duplicates, bad currencies and dates, and a missing header", async () => {
    const shop = await shopWithProducts();
    const preview = await previewCostCsv(
      shop.id,
      "SKU,Cost,Currency,Effective Date\nZ,1,USD,2026-01-01\nA,1,US,2026-02-30\nA,1,USD,2026-01-01\n",
    );
    expect(preview.errors.map((e) => `${e.line} ${e.field}`)).toEqual([
      "2 sku",
      "3 currency",
      "3 effective_date",
      "4 sku",
    ]);
    const noHeader = await previewCostCsv(shop.id, "A,1,USD,2026-01-01\n");
    expect(noHeader.errors[0]).toMatchObject({ line: 1, field: "header" });
  });

  it("imports every row of a good file, changes COGS, and audits it", async () => {
    const shop = await shopWithProducts();
    const result = await importCostCsv(
      shop.id,
      "sku,cost,currency,effective_date\nA,2.5,usd,2026-01-01\nB,3,EUR,2026-01-02\n",
      "user",
      "c.csv",
    );
    expect(result.imported).toBe(2);
    const b = await prisma.product.findUniqueOrThrow({ where: { shopId_sku: { shopId: shop.id, sku: "B" } } });
    expect([b.unitCost?.toFixed(2), b.costCurrency]).toEqual(["3.00", "EUR"]);
    const log = await auditLog(shop.id);
    expect(log.entries[0]).toMatchObject({ action: "costs.imported", actor: "user" });
  });
});
