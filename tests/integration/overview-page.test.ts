// The overview's charts, products, "needs attention" and freshness on data with known answers.
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { channelFreshness, needsAttention } from "#app/services/overview-attention.server.ts";
import {
  comparisonRange,
  parseCompare,
  rangePresets,
  rangeProducts,
  salesTrend,
} from "#app/services/overview.server.ts";
import { refreshRollups } from "#app/services/rollups.server.ts";

import { createConnection, createShop, pageCommitter, simpleOrder as order } from "../support/factories.ts";

afterEach(async () => {
  await closeIngestPool();
});

const TZ = "UTC";
const NOW = new Date("2026-03-10T12:00:00.000Z");

// MUG: 10.00 each, cost 4.00. LAMP: 20.00 each, cost 30.00 (sold at a loss). PEN: 2.00, no cost, no product.
async function seed(domain: string) {
  const shop = await createShop(domain, { timezone: TZ, currency: "USD", leadTimeDays: 10 });
  await prisma.product.createMany({
    data: [
      { shopId: shop.id, sku: "MUG", title: "Mug", unitCost: "4.00", costCurrency: "USD" },
      { shopId: shop.id, sku: "LAMP", title: "Lamp", unitCost: "30.00", costCurrency: "USD" },
    ],
  });
  const amazon = await createConnection(shop.id, "amazon");
  const shopify = await createConnection(shop.id, "shopify");
  const commit = pageCommitter(shop, { amazon, shopify });
  await commit("amazon", "orders", [
    order("amazon", "A1", "2026-03-08T10:00:00.000Z", [["MUG", 2, "10.00"]]),
    order("amazon", "A2", "2026-03-09T10:00:00.000Z", [["LAMP", 1, "20.00"]]),
    order("amazon", "A3", "2026-03-05T10:00:00.000Z", [["MUG", 1, "10.00"]]), // the previous 3 days
  ]);
  await commit("shopify", "orders", [
    order("shopify", "S1", "2026-03-09T11:00:00.000Z", [
      ["MUG", 3, "10.00"],
      ["PEN", 5, "2.00"],
    ]),
    order("shopify", "S2", "2025-03-10T11:00:00.000Z", [["MUG", 4, "10.00"]]), // 364 days before 2026-03-09
  ]);
  await refreshRollups(shop.id);
  return { shop, amazon, shopify };
}

const RANGE = { from: "2026-03-08", to: "2026-03-10" };

describe("overview charts", () => {
  it("compares a range with the days before it or with the same weekdays a year earlier", () => {
    expect(comparisonRange(RANGE, "previous")).toEqual({ from: "2026-03-05", to: "2026-03-07" });
    expect(comparisonRange(RANGE, "year")).toEqual({ from: "2025-03-09", to: "2025-03-11" });
    expect(comparisonRange(RANGE, "none")).toBeNull();
    expect(parseCompare("bogus")).toBe("previous");
    const presets = Object.fromEntries(rangePresets("2026-03-10").map((preset) => [preset.id, preset]));
    expect(presets.last7).toMatchObject({ from: "2026-03-04", to: "2026-03-10" });
    expect(presets.lastMonth).toMatchObject({ from: "2026-02-01", to: "2026-02-28" });
    expect(presets.mtd).toMatchObject({ from: "2026-03-01", to: "2026-03-10" });
  });

  it("gives daily net sales per channel and the comparison period's totals, aligned by day", async () => {
    const { shop } = await seed("trend.myshopify.com");
    const trend = await salesTrend(shop, RANGE, { compare: "previous" });
    expect(trend.days).toEqual(["2026-03-08", "2026-03-09", "2026-03-10"]);
    const byChannel = Object.fromEntries(trend.channels.map((series) => [series.channel, series.netSales.map(Number)]));
    expect(byChannel).toEqual({ amazon: [20, 20, 0], shopify: [0, 40, 0] });
    expect(trend.comparison?.netSales.map(Number)).toEqual([10, 0, 0]);

    const year = await salesTrend(shop, RANGE, { compare: "year", channel: "shopify" });
    expect(year.channels.map((series) => series.channel)).toEqual(["shopify"]);
    expect(year.comparison?.netSales.map(Number)).toEqual([0, 40, 0]);
    expect((await salesTrend(shop, RANGE, { compare: "none" })).comparison).toBeNull();
  });

  it("ranks top products by net sales and bottom products by contribution profit", async () => {
    const { shop } = await seed("ranked.myshopify.com");
    const { top, bottom } = await rangeProducts(shop, RANGE);
    // MUG 5 × 10 = 50 (profit 50 − 20 = 30), LAMP 20 (profit −10), PEN 10 (profit 10: no cost known).
    expect(top.map((row) => [row.sku, Number(row.netSales), row.units])).toEqual([
      ["MUG", 50, 5],
      ["LAMP", 20, 1],
      ["PEN", 10, 5],
    ]);
    expect(bottom.map((row) => [row.sku, Number(row.contributionProfit)])).toEqual([
      ["LAMP", -10],
      ["PEN", 10],
      ["MUG", 30],
    ]);
    // On Amazon alone MUG and LAMP tie at 20.00: ties go by SKU.
    // COGS coverage: MUG 50 + LAMP 20 have a cost, PEN 10 has none: 70 ÷ 80.
    expect((await rangeProducts(shop, RANGE)).cogsCoverage).toEqual({
      costedNetSales: "70.0000",
      netSales: "80.0000",
      share: 0.875,
    });
    const amazonOnly = await rangeProducts(shop, RANGE, { channel: "amazon", limit: 2 });
    expect(amazonOnly.top.map((row) => [row.sku, Number(row.netSales)])).toEqual([
      ["LAMP", 20],
      ["MUG", 20],
    ]);
    expect((await rangeProducts(shop, RANGE, { channel: "amazon", limit: 1 })).bottom.map((row) => row.sku)).toEqual([
      "LAMP",
    ]);
  });
});

describe("needs attention and freshness", () => {
  it("counts what the merchant can fix, each with the page that fixes it, for this shop only", async () => {
    const { shop, amazon } = await seed("attention.myshopify.com");
    const other = await seed("other-attention.myshopify.com");
    await prisma.inventoryLevel.createMany({
      data: ["MUG", "LAMP"].map((sku, index) => ({
        shopId: shop.id,
        connectionId: amazon,
        channel: "amazon" as const,
        sku,
        locationId: "FBA-US",
        available: index === 0 ? 0 : 3,
        observedAt: NOW,
      })),
    });
    const points = Array.from({ length: 90 }, (_, index) => ({
      day: new Date(Date.parse("2026-03-10T00:00:00Z") + index * 86_400_000).toISOString().slice(0, 10),
      mean: 1,
      lo80: 0,
      hi80: 2,
      lo95: 0,
      hi95: 3,
    }));
    await prisma.forecast.createMany({
      data: ["MUG", "LAMP"].map((sku) => ({
        shopId: shop.id,
        sku,
        channel: "amazon" as const,
        method: "ets",
        horizonDays: 90,
        points,
      })),
    });
    await prisma.alert.create({
      data: { shopId: shop.id, kind: "anomaly", severity: "warning", dedupeKey: "a", title: "t", body: "b" },
    });
    await prisma.alert.create({
      data: { shopId: other.shop.id, kind: "anomaly", severity: "warning", dedupeKey: "a", title: "t", body: "b" },
    });
    await prisma.quarantinedRecord.create({
      data: { shopId: shop.id, connectionId: amazon, stream: "orders", reason: "bad", payload: {}, createdAt: NOW },
    });
    await prisma.channelConnection.update({ where: { id: amazon }, data: { status: "error" } });

    const items = await needsAttention(shop, NOW);
    expect(items.map((item) => [item.id, item.count, item.url])).toEqual([
      ["sync-errors", 1, "/app/channels"],
      ["stockouts", 1, "/app/inventory?bucket=out"],
      ["critical-stock", 1, "/app/inventory?bucket=critical"],
      ["alerts", 1, "/app/insights"],
      ["missing-costs", 1, "/app/settings?section=costs"],
      ["unmatched-skus", 1, "/app/settings?section=skus"],
      ["quarantined", 1, "/app/channels"],
    ]);
    expect(items[0]!.text).toBe("Amazon is failing to sync.");
    expect(items.find((item) => item.id === "missing-costs")!.text).toMatch(/^1 product sold in the last 30 days/);

    // The other shop has the same orders but no stock, no quarantine and healthy connections.
    const otherItems = await needsAttention(other.shop, NOW);
    expect(otherItems.map((item) => [item.id, item.count])).toEqual([
      ["alerts", 1],
      ["missing-costs", 1],
      ["unmatched-skus", 1],
    ]);
  });

  it("badges each channel by the age of its last successful sync", async () => {
    const { shop, amazon, shopify } = await seed("fresh.myshopify.com");
    const bestbuy = await createConnection(shop.id, "bestbuy");
    const run = (connectionId: string, status: "succeeded" | "running" | "failed", minutesAgo: number) =>
      prisma.syncRun.create({
        data: {
          shopId: shop.id,
          connectionId,
          stream: "orders",
          status,
          startedAt: new Date(NOW.getTime() - (minutesAgo + 1) * 60_000),
          finishedAt: status === "running" ? null : new Date(NOW.getTime() - minutesAgo * 60_000),
        },
      });
    await run(amazon, "succeeded", 30);
    await run(amazon, "running", 0);
    await run(shopify, "succeeded", 5 * 60);
    await run(shopify, "failed", 1); // a failure after it does not make the data newer
    await run(bestbuy, "succeeded", 3 * 24 * 60);
    const byChannel = Object.fromEntries(
      (await channelFreshness(shop.id, NOW)).map((row) => [row.channel, [row.badge, row.syncing, row.lastSyncAt]]),
    );
    expect(byChannel).toEqual({
      amazon: ["fresh", true, "2026-03-10T11:30:00.000Z"],
      shopify: ["delayed", false, "2026-03-10T07:00:00.000Z"],
      bestbuy: ["stale", false, "2026-03-07T12:00:00.000Z"],
    });
    await prisma.channelConnection.update({ where: { id: shopify }, data: { status: "paused" } });
    const paused = await channelFreshness(shop.id, NOW);
    expect(paused.find((row) => row.channel === "shopify")?.badge).toBe("paused");
  });
});
