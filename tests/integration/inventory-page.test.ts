import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { inventoryCells, inventoryTable } from "#app/services/inventory-page.server.ts";

afterEach(async () => {
  await closeIngestPool();
});

const TODAY = "2026-04-01";
const Z80 = 1.2815515655446004;

function constantForecast(mean: number, days = 90) {
  return Array.from({ length: days }, (_, index) => {
    const day = new Date(Date.parse(`${TODAY}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10);
    return { day, mean, lo80: mean - Z80, hi80: mean + Z80, lo95: mean - 1.96, hi95: mean + 1.96 };
  });
}

describe("inventory page table", () => {
  it("buckets by days of cover against lead time, low-stock days and 90 days; filters, sorts and pages", async () => {
    const shop = await prisma.shop.create({
      data: { domain: "inv.myshopify.com", timezone: "UTC", currency: "USD", leadTimeDays: 10, lowStockDays: 14 },
    });
    const connection = await prisma.channelConnection.create({
      data: {
        shopId: shop.id,
        channel: "amazon",
        accountId: "A",
        displayName: "Amazon",
        config: {},
        credentials: Buffer.from("x"),
        credentialsKeyId: "k",
      },
    });
    // 5 units a day: 0 → out, 30 → 6 days (critical), 60 → 12 (low), 200 → 40 (ok), 1000 → 200 (overstock).
    const stock: [string, number, boolean][] = [
      ["A-OUT", 0, true],
      ["B-CRIT", 30, true],
      ["C-LOW", 60, true],
      ["D-OK", 200, true],
      ["E-OVER", 1000, true],
      ["F-NOFC", 40, false],
      ["G-ZERO", 25, false],
    ];
    await prisma.inventoryLevel.createMany({
      data: stock.map(([sku, available]) => ({
        shopId: shop.id,
        connectionId: connection.id,
        channel: "amazon" as const,
        sku,
        locationId: "FBA-US",
        available,
        observedAt: new Date(),
      })),
    });
    await prisma.forecast.createMany({
      data: stock
        .filter(([, , forecasted]) => forecasted)
        .map(([sku]) => ({
          shopId: shop.id,
          sku,
          channel: "amazon" as const,
          method: "ets",
          horizonDays: 90,
          points: constantForecast(5),
        })),
    });

    // A forecast that expects no sales at all: the stock lasts forever (overstock, not OK).
    await prisma.forecast.create({
      data: {
        shopId: shop.id,
        sku: "G-ZERO",
        channel: "amazon",
        method: "zero",
        horizonDays: 90,
        points: constantForecast(0),
      },
    });

    const table = await inventoryTable(shop, new URLSearchParams("sort=sku"), TODAY);
    expect(table.rows.map((row) => [row.sku, row.bucket])).toEqual([
      ["A-OUT", "out"],
      ["B-CRIT", "critical"],
      ["C-LOW", "low"],
      ["D-OK", "ok"],
      ["E-OVER", "overstock"],
      ["F-NOFC", "ok"],
      ["G-ZERO", "overstock"],
    ]);
    expect(table.counts).toEqual({ out: 1, critical: 1, low: 1, ok: 2, overstock: 2 });
    // 30 units at 5 a day: 6.0 days of cover, the last unit sells on the 6th forecast day.
    expect(inventoryCells(table.rows[1]!).slice(0, 8)).toEqual([
      "B-CRIT",
      "amazon",
      "Critical",
      30,
      0,
      0,
      6,
      "2026-04-06",
    ]);
    expect(table.rows[1]!.reorderPoint).toBeGreaterThan(50); // 10 days × 5 + safety stock

    const ok = await inventoryTable(shop, new URLSearchParams("bucket=ok"), TODAY);
    expect(ok.rows.map((row) => row.sku)).toEqual(["D-OK", "F-NOFC"]); // by days of cover: 40, then ∞
    const searched = await inventoryTable(shop, new URLSearchParams("q=low"), TODAY);
    expect(searched.rows.map((row) => row.sku)).toEqual(["C-LOW"]);
    const desc = await inventoryTable(shop, new URLSearchParams("sort=available&dir=desc"), TODAY);
    expect(desc.rows[0]!.sku).toBe("E-OVER");
    const paged = await inventoryTable(shop, new URLSearchParams("page=9"), TODAY);
    expect(paged).toMatchObject({ page: 1, pages: 1 });
    expect(paged.pageRows).toHaveLength(7);
  });
});
