import { type ChannelOrder } from "@crosschannel/connector-sdk";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { numbersDifferCounts, periodTiles, tilePeriods } from "#app/services/overview-periods.server.ts";
import { refreshRollups } from "#app/services/rollups.server.ts";

import { createConnection, createShop, pageCommitter, testOrder } from "../support/factories.ts";

afterEach(async () => {
  await closeIngestPool();
});

const TZ = "America/Toronto"; // UTC-5 in winter
const NOW = new Date("2026-01-20T17:00:00.000Z"); // noon on Jan 20 in Toronto

function order(
  partial: Partial<ChannelOrder> & Pick<ChannelOrder, "externalId" | "placedAt">,
  qty: number,
  price: string | null,
) {
  return testOrder({
    lines: [
      {
        externalId: `${partial.externalId}-1`,
        sku: "MUG",
        title: "Mug",
        quantity: qty,
        quantityCancelled: 0,
        unitPrice: price,
        grossSales: price === null ? null : (Number(price) * qty).toFixed(2),
        discount: "0.00",
        tax: null,
        shipping: null,
        status: "fulfilled" as const,
        rawStatus: "Shipped",
        cancelled: false,
      },
    ],
    ...partial,
  });
}

async function seed() {
  const shop = await createShop("tiles.myshopify.com", { timezone: TZ, currency: "USD" });
  await prisma.product.create({
    data: { shopId: shop.id, sku: "MUG", title: "Mug", unitCost: "4.00", costCurrency: "USD" },
  });
  const commit = pageCommitter(shop, { amazon: await createConnection(shop.id, "amazon") });
  await commit("amazon", "orders", [
    order({ externalId: "TODAY", placedAt: "2026-01-20T15:00:00.000Z" }, 2, "10.00"),
    order(
      {
        externalId: "YESTERDAY",
        placedAt: "2026-01-20T03:00:00.000Z", // 22:00 on Jan 19 in Toronto, Jan 20 in UTC
        refunds: [
          {
            externalId: "R1",
            orderExternalId: "YESTERDAY",
            lineExternalId: "YESTERDAY-1",
            sku: "MUG",
            quantity: 0,
            amount: "5.00",
            shipping: "0.00",
            tax: "0.00",
            currency: "USD",
            createdAt: "2026-01-20T16:00:00.000Z", // refunded today
            rawStatus: "Refunded",
          },
        ],
      },
      1,
      "10.00",
    ),
    order(
      {
        externalId: "PENDING",
        placedAt: "2026-01-15T14:00:00.000Z",
        status: "pending",
        rawStatus: "Pending",
        pricesKnown: false,
        total: null,
        shippingTotal: null,
        taxTotal: null,
      },
      1,
      null,
    ),
    order({ externalId: "DECEMBER", placedAt: "2025-12-05T17:00:00.000Z" }, 3, "10.00"),
  ]);
  await refreshRollups(shop.id);
  return shop;
}

describe("overview period tiles", () => {
  it("names each tile's days and the period it is compared with", () => {
    const byId = Object.fromEntries(tilePeriods("2026-03-31").map((tile) => [tile.id, tile]));
    expect(byId.today).toMatchObject({
      range: { from: "2026-03-31", to: "2026-03-31" },
      previous: { from: "2026-03-30" },
    });
    expect(byId.yesterday!.previous).toEqual({ from: "2026-03-23", to: "2026-03-23" });
    // 31 days of March against February, capped at its 28th.
    expect(byId.monthToDate!.previous).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(byId.monthProjected!.range).toEqual({ from: "2026-03-01", to: "2026-03-31" });
    expect(byId.lastMonth!.range).toEqual({ from: "2026-02-01", to: "2026-02-28" });
    expect(byId.lastMonth!.previous).toEqual({ from: "2026-01-01", to: "2026-01-31" });
  });

  it("computes each tile's figures and change on known orders", async () => {
    const shop = await seed();
    const { today, tiles } = await periodTiles(shop, NOW);
    expect(today).toBe("2026-01-20");
    const byId = Object.fromEntries(tiles.map((tile) => [tile.id, tile]));
    // Today: 2 × 10.00 sold, 5.00 refunded today on yesterday's order; COGS 2 × 4.00.
    expect(byId.today!.figures).toEqual({
      netSales: "15.00",
      orders: 1,
      units: 2,
      fees: "0.00",
      cogs: "8.00",
      contributionProfit: "7.00",
      margin: 7 / 15,
    });
    expect(byId.today!.netSalesChange).toBeCloseTo((15 - 10) / 10, 10);
    expect(byId.yesterday!.figures).toMatchObject({ netSales: "10.00", orders: 1, units: 1, cogs: "4.00" });
    expect(byId.yesterday!.netSalesChange).toBeNull(); // nothing on Jan 12
    expect(byId.monthToDate!.figures.netSales).toBe("25.00");
    expect(byId.lastMonth!.figures).toMatchObject({
      netSales: "30.00",
      orders: 1,
      units: 3,
      cogs: "12.00",
      contributionProfit: "18.00",
      margin: 0.6,
    });
    // Projected: 25.00 + 11 remaining days × (10.00 over the last 28 complete days ÷ 28) = 25.00 + 3.92.
    expect(byId.monthProjected!.figures.netSales).toBe("28.92");
    expect(byId.monthProjected!.netSalesChange).toBeCloseTo((28.92 - 30) / 30, 10);
  });

  it("counts this shop's causes of differences with other reports", async () => {
    const shop = await seed();
    const counts = await numbersDifferCounts(shop, { from: "2026-01-01", to: "2026-01-20" });
    expect(counts.refundsOnAnotherDay.refunds).toBe(1);
    expect(counts.refundsOnAnotherDay.amounts.map((entry) => [entry.currency, Number(entry.amount)])).toEqual([
      ["USD", 5],
    ]);
    expect(counts.ordersOnAnotherUtcDay).toBe(1);
    expect(counts.pendingAmazonOrders).toBe(1);
    expect(counts.marketplaceCopies).toEqual({ orders: 0, countedUnderMarketplace: 0 });
    expect(counts.missingExchangeRates).toEqual([]);
    const december = await numbersDifferCounts(shop, { from: "2025-12-01", to: "2025-12-31" });
    expect(december.pendingAmazonOrders).toBe(0);
    expect(december.refundsOnAnotherDay.refunds).toBe(0);
  });
});
