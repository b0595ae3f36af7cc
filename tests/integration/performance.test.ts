import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { inventoryHealth, productPerformance } from "#app/services/performance.server.ts";
import { createShop, insertConnection } from "../support/factories.ts";

afterEach(async () => {
  await closeIngestPool();
});

const TODAY = "2026-04-01";
const Z80 = 1.2815515655446004;
const Z95 = 1.6448536269514722;

function constantForecast(mean: number, sd: number, days = 90) {
  return Array.from({ length: days }, (_, index) => {
    const day = new Date(Date.parse(`${TODAY}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10);
    return { day, mean, lo80: mean - Z80 * sd, hi80: mean + Z80 * sd, lo95: mean - 1.96 * sd, hi95: mean + 1.96 * sd };
  });
}

async function shopWithConnection() {
  const shop = await createShop("perf.myshopify.com", {
    timezone: "UTC",
    currency: "USD",
    leadTimeDays: 10,
    lowStockDays: 14,
    serviceLevel: "0.95",
  });
  const connection = await insertConnection({
    shopId: shop.id,
    channel: "amazon",
    accountId: "A",
    displayName: "Amazon",
  });
  return { shop, connection };
}

describe("inventory across channels", () => {
  it("sums locations, and computes cover, stock-out day, reorder point and order quantity from the forecast", async () => {
    const { shop, connection } = await shopWithConnection();
    const level = (sku: string, locationId: string, available: number, inbound = 0) => ({
      shopId: shop.id,
      connectionId: connection.id,
      channel: "amazon" as const,
      sku,
      locationId,
      available,
      inbound,
      observedAt: new Date(),
    });
    await prisma.inventoryLevel.createMany({
      data: [level("MUG", "FBA-US", 30, 10), level("MUG", "FBA-CA", 20), level("CAP", "FBA-US", 7)],
    });
    await prisma.forecast.create({
      data: {
        shopId: shop.id,
        sku: "MUG",
        channel: "amazon",
        method: "ets",
        horizonDays: 90,
        points: constantForecast(5, 2),
        accuracy: {
          status: "measured",
          summary: "Typically off by 12% of weekly units; the 80% range held on 80% of past days (112 days checked).",
        },
      },
    });

    const health = await inventoryHealth(shop, TODAY);
    const mug = health.find((row) => row.sku === "MUG")!;
    expect(mug).toMatchObject({ available: 50, inbound: 10, inventoryPosition: 60, forecasted: true });
    expect(mug.forecastAccuracy).toMatch(/^Typically off by 12% of weekly units/);
    expect(health.find((row) => row.sku === "CAP")?.forecastAccuracy).toBeNull();
    expect(mug.daysOfCover).toBeCloseTo(10, 9); // 50 units at 5 a day
    expect(mug.stockOutDate).toBe("2026-04-10");
    expect(mug.leadTimeDemand).toBeCloseTo(50, 9);
    const safetyStock = Z95 * 2 * Math.sqrt(10);
    expect(mug.safetyStock).toBeCloseTo(safetyStock, 6);
    expect(mug.reorderPoint).toBeCloseTo(50 + safetyStock, 6);
    // Position 60 ≤ reorder point 60.4: order up to the reorder point plus 30 more days (150).
    expect(mug.suggestedOrderQuantity).toBe(Math.ceil(50 + safetyStock + 150 - 60));
    expect(mug.lowStock).toBe(true);

    const cap = health.find((row) => row.sku === "CAP")!;
    expect(cap).toMatchObject({ forecasted: false, daysOfCover: Infinity, suggestedOrderQuantity: 0 });
  });
});

describe("product performance across channels", () => {
  it("from the rollups: velocity, share and margin by channel, ABC and movers", async () => {
    const { shop } = await shopWithConnection();
    const row = (
      day: string,
      channel: "amazon" | "bestbuy" | "shopify",
      sku: string,
      units: number,
      netSales: string,
      cogs: string,
    ) => ({
      shopId: shop.id,
      day: new Date(day),
      channel,
      sku,
      currency: "USD",
      units,
      grossSales: netSales,
      netSales,
      cogs,
    });
    await prisma.dailyRollup.createMany({
      data: [
        // Current period: Mar 25-31 (7 days). Previous: Mar 18-24.
        row("2026-03-25", "amazon", "MUG", 6, "60.00", "24.00"),
        row("2026-03-26", "shopify", "MUG", 8, "80.00", "32.00"),
        row("2026-03-27", "amazon", "CAP", 1, "15.00", "6.00"),
        row("2026-03-20", "amazon", "MUG", 7, "70.00", "28.00"),
        row("2026-03-20", "amazon", "CAP", 4, "60.00", "24.00"),
        // Another currency is not mixed in.
        { ...row("2026-03-26", "bestbuy", "MUG", 100, "999.00", "0.00"), currency: "CAD" },
      ],
    });
    const report = await productPerformance(
      shop,
      { from: "2026-03-25", to: "2026-03-31" },
      { from: "2026-03-18", to: "2026-03-24" },
    );
    const mug = report.products.find((product) => product.sku === "MUG")!;
    expect(mug).toMatchObject({
      units: 14,
      previousUnits: 7,
      netSales: "140.00",
      previousNetSales: "70.00",
      netSalesChange: "70.00",
      abc: "A",
    });
    expect(mug.velocity).toBeCloseTo(2, 9); // 14 units over 7 days
    expect(mug.margin).toBeCloseTo(0.6, 9); // (140 - 56) / 140
    const byChannel = Object.fromEntries(mug.byChannel.map((entry) => [entry.channel, entry]));
    expect(byChannel.amazon?.netSalesShare).toBeCloseTo(60 / 140, 9);
    expect(byChannel.shopify?.unitShare).toBeCloseTo(8 / 14, 9);
    expect(report.topMovers.map((product) => product.sku)).toEqual(["MUG"]);
    expect(report.bottomMovers.map((product) => product.sku)).toEqual(["CAP"]);
    expect(report.products.find((product) => product.sku === "CAP")?.abc).toBe("B");
  });
});
