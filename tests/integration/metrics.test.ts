import { type ChannelOrder, FeeEvent } from "@crosschannel/connector-sdk";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { salesReport } from "#app/services/report.server.ts";
import { refreshRollups } from "#app/services/rollups.server.ts";

import { createConnection, createShop, pageCommitter, testOrder } from "../support/factories.ts";

afterEach(async () => {
  await closeIngestPool();
});

// A small merchant whose every number is worked out by hand below (docs/metrics.md).
const TZ = "America/Toronto"; // UTC-5 in January

function line(
  externalId: string,
  sku: string,
  quantity: number,
  unitPrice: string | null,
  extra: Partial<ChannelOrder["lines"][number]> = {},
) {
  const cancelled = extra.quantityCancelled ?? 0;
  return {
    externalId,
    sku,
    title: sku,
    quantity,
    quantityCancelled: cancelled,
    unitPrice,
    grossSales: unitPrice === null ? null : (Number(unitPrice) * (quantity - cancelled)).toFixed(2),
    discount: "0.00",
    tax: null,
    shipping: null,
    status: "fulfilled" as const,
    rawStatus: "Shipped",
    cancelled: false,
    ...extra,
  };
}

const A1 = testOrder({
  externalId: "A1",
  placedAt: "2026-01-10T04:30:00.000Z", // 23:30 on Jan 9 in Toronto
  lines: [line("A1-1", "MUG", 2, "10.00", { discount: "2.00" }), line("A1-2", "CAP", 1, "15.00")],
  shippingTotal: "5.00",
  taxTotal: "3.50",
  total: "41.50",
  refunds: [
    {
      externalId: "R1",
      orderExternalId: "A1",
      lineExternalId: "A1-1",
      sku: "MUG",
      quantity: 1,
      amount: "9.00",
      shipping: "0.00",
      tax: "0.90",
      currency: "USD",
      createdAt: "2026-01-12T15:00:00.000Z",
      rawStatus: "Refunded",
    },
  ],
});
const A2_PENDING = testOrder({
  externalId: "A2",
  placedAt: "2026-01-10T05:30:00.000Z", // 00:30 on Jan 10
  status: "pending",
  rawStatus: "Pending",
  pricesKnown: false,
  shippingTotal: null,
  taxTotal: null,
  total: null,
  lines: [line("A2-1", "MUG", 3, null, { status: "pending", rawStatus: "Pending" })],
});
const A3_CANCELLED = testOrder({
  externalId: "A3",
  placedAt: "2026-01-10T12:00:00.000Z",
  status: "cancelled",
  rawStatus: "Canceled",
  cancelledAt: "2026-01-10T13:00:00.000Z",
  lines: [line("A3-1", "MUG", 1, "10.00", { status: "cancelled", cancelled: true, quantityCancelled: 1 })],
});
const A4_ALL_LINES_CANCELLED = testOrder({
  externalId: "A4",
  placedAt: "2026-01-10T13:00:00.000Z",
  status: "open",
  lines: [line("A4-1", "CAP", 2, "15.00", { quantityCancelled: 2, cancelled: true, status: "cancelled" })],
});
const A5_PARTLY_CANCELLED = testOrder({
  externalId: "A5",
  placedAt: "2026-01-10T14:00:00.000Z",
  lines: [line("A5-1", "CAP", 3, "10.00", { quantityCancelled: 1 })],
  total: "20.00",
});
const B1 = testOrder({
  externalId: "B1-A",
  channel: "bestbuy",
  currency: "CAD",
  placedAt: "2026-01-10T20:00:00.000Z",
  lines: [line("B1-A-1", "MUG", 1, "14.00")],
  taxTotal: "1.82",
  total: "15.82",
  refunds: [
    {
      externalId: "BR1",
      orderExternalId: "B1-A",
      lineExternalId: "B1-A-1",
      sku: "MUG",
      quantity: 0, // an amount-only refund
      amount: "4.00",
      shipping: "0.00",
      tax: "0.52",
      currency: "CAD",
      createdAt: "2026-01-11T03:00:00.000Z", // 22:00 on Jan 10
      rawStatus: "REFUNDED",
    },
  ],
});
const B2_NO_RATE = testOrder({
  externalId: "B2-A",
  channel: "bestbuy",
  currency: "CAD",
  placedAt: "2026-02-01T17:00:00.000Z",
  lines: [line("B2-A-1", "CAP", 1, "20.00")],
  total: "20.00",
});

function fee(
  externalId: string,
  orderExternalId: string,
  amount: string,
  sku: string | null,
  channel = "amazon",
  currency = "USD",
) {
  return FeeEvent.parse({
    externalId,
    channel,
    type: "commission",
    rawType: "Commission",
    orderExternalId,
    lineExternalId: null,
    sku,
    amount,
    currency,
    occurredAt: "2026-01-15T10:00:00.000Z", // paid later: still the order's fee
  });
}

async function seed() {
  const shop = await createShop("metrics.myshopify.com", { timezone: TZ, currency: "USD" });
  await prisma.product.createMany({
    data: [
      { shopId: shop.id, sku: "MUG", title: "Mug", unitCost: "4.25", costCurrency: "USD" },
      { shopId: shop.id, sku: "CAP", title: "Cap", unitCost: "6.00", costCurrency: "USD" },
    ],
  });
  await prisma.fxRate.create({
    data: {
      shopId: shop.id,
      day: new Date("2026-01-09"),
      base: "CAD",
      quote: "USD",
      rate: "0.7300000000",
      source: "reference",
    },
  });
  const commit = pageCommitter(shop, {
    amazon: await createConnection(shop.id, "amazon"),
    bestbuy: await createConnection(shop.id, "bestbuy"),
  });
  await commit("amazon", "orders", [A1, A2_PENDING, A3_CANCELLED, A4_ALL_LINES_CANCELLED, A5_PARTLY_CANCELLED]);
  await commit("amazon", "fees", [
    fee("F1", "A1", "-3.00", "MUG"),
    fee("F2", "A1", "-2.50", null),
    fee("F3", "A3", "-1.00", "MUG"),
  ]);
  await commit("bestbuy", "orders", [B1, B2_NO_RATE]);
  await commit("bestbuy", "fees", [fee("F4", "B1-A", "-1.68", "MUG", "bestbuy", "CAD")]);
  await refreshRollups(shop.id);
  return { shop, commit };
}

describe("sales metrics, computed by hand", () => {
  it("by channel and in total, across time zones, cancellations, pending prices, later refunds and currencies", async () => {
    const { shop } = await seed();
    const report = await salesReport(shop, "2026-01-09", "2026-01-12");

    expect(report.channels).toEqual([
      {
        channel: "amazon",
        currency: "USD",
        orders: 3, // A1, A2 (pending), A5; A3 canceled and A4 all lines canceled count nowhere
        units: 8, // A1 2+1, A2 3, A5 3-1
        grossSales: "55.00", // A1 20+15, A2 no prices yet, A5 10×2
        discounts: "2.00",
        returns: "9.00", // R1 on Jan 12
        netSales: "44.00",
        shipping: "5.00",
        taxes: "3.50",
        fees: "5.50", // F1 + F2; F3 belongs to canceled A3
        cogs: "39.25", // MUG 5 × 4.25 + CAP 3 × 6.00
        contributionProfit: "-0.75",
      },
      {
        channel: "bestbuy",
        currency: "CAD",
        orders: 1,
        units: 1,
        grossSales: "14.00",
        discounts: "0.00",
        returns: "4.00", // BR1: 22:00 on Jan 10 in Toronto, an amount-only refund
        netSales: "10.00",
        shipping: "0.00",
        taxes: "1.82",
        fees: "1.68",
        cogs: "0.00",
        contributionProfit: "8.32",
      },
      {
        channel: "bestbuy",
        currency: "USD", // the unit cost's currency
        orders: 0,
        units: 0,
        grossSales: "0.00",
        discounts: "0.00",
        returns: "0.00",
        netSales: "0.00",
        shipping: "0.00",
        taxes: "0.00",
        fees: "0.00",
        cogs: "4.25",
        contributionProfit: "-4.25",
      },
    ]);
    // CAD converts at 0.73 (Jan 9's rate, the latest within 7 days of Jan 10).
    expect(report.total).toEqual({
      currency: "USD",
      orders: 4,
      units: 9,
      grossSales: "65.22", // 55 + 14 × 0.73
      discounts: "2.00",
      returns: "11.92", // 9 + 4 × 0.73
      netSales: "51.30",
      shipping: "5.00",
      taxes: "4.83", // 3.50 + 1.82 × 0.73 = 4.8286
      fees: "6.73", // 5.50 + 1.68 × 0.73 = 6.7264
      cogs: "43.50",
      contributionProfit: "1.07", // 51.30 - 6.7264 - 43.50
      unconverted: [],
    });
  });

  it("puts an order on the shop's local day, not UTC's", async () => {
    const { shop } = await seed();
    const jan10 = await salesReport(shop, "2026-01-10", "2026-01-10");
    const amazon = jan10.channels.find((row) => row.channel === "amazon");
    expect(amazon).toMatchObject({ orders: 2, units: 5, grossSales: "20.00", returns: "0.00" });
  });

  it("adds a pending order's sales once its prices are known", async () => {
    const { shop, commit } = await seed();
    await commit("amazon", "orders", [
      {
        ...A2_PENDING,
        status: "fulfilled",
        rawStatus: "Shipped",
        pricesKnown: true,
        total: "30.00",
        updatedAt: "2026-01-11T00:00:00.000Z",
        lines: [line("A2-1", "MUG", 3, "10.00")],
      },
    ]);
    await refreshRollups(shop.id);
    const report = await salesReport(shop, "2026-01-09", "2026-01-12");
    expect(report.channels[0]).toMatchObject({
      channel: "amazon",
      orders: 3,
      units: 8,
      grossSales: "85.00",
      netSales: "74.00",
    });
  });

  it("says which amounts could not be converted instead of guessing a rate", async () => {
    const { shop } = await seed();
    const report = await salesReport(shop, "2026-02-01", "2026-02-01");
    expect(report.channels).toMatchObject([
      { channel: "bestbuy", currency: "CAD", grossSales: "20.00" },
      { channel: "bestbuy", currency: "USD", cogs: "6.00" },
    ]);
    expect(report.total).toMatchObject({
      grossSales: "0.00",
      cogs: "6.00",
      unconverted: [{ channel: "bestbuy", currency: "CAD", missingRateDays: ["2026-02-01"], netSales: "20.00" }],
    });
  });

  it("shows another shop nothing", async () => {
    await seed();
    const other = await createShop("other.myshopify.com", { timezone: "UTC", currency: "USD" });
    const report = await salesReport(other, "2026-01-01", "2026-12-31");
    expect(report.channels).toEqual([]);
    expect(report.total.orders).toBe(0);
  });
});
