// Rollups are kept incrementally from each order's stored contribution. These tests hold the
// bookkeeping to one rule: whatever happened in between, the rollups after a refresh equal
// the rollups rebuilt from nothing. (What the numbers mean is tested by hand in metrics.test.)
import type { ChannelOrder } from "@crosschannel/connector-sdk";
import { MerchantDataset } from "@crosschannel/connector-sdk/simulator";
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool, ingestPool } from "#app/db/pool.server.ts";
import { markRollupsStale, refreshAllPendingRollups, refreshRollups } from "#app/services/rollups.server.ts";

import { createConnection, createShop, pageCommitter } from "../support/factories.ts";

afterEach(async () => {
  await closeIngestPool();
});

const TZ = "America/Toronto";
type ChannelId = "shopify" | "amazon" | "bestbuy";

async function setUp(domain = "rollups.myshopify.com") {
  const shop = await createShop(domain, { timezone: TZ, currency: "USD" });
  const commit = pageCommitter(shop, {
    shopify: await createConnection(shop.id, "shopify"),
    amazon: await createConnection(shop.id, "amazon"),
    bestbuy: await createConnection(shop.id, "bestbuy"),
  });
  return { shop, commit };
}

/** The shop's rollup rows as comparable text, keyed by day × channel × SKU × currency. */
async function rollupSnapshot(shopId: string) {
  const rows = await prisma.dailyRollup.findMany({ where: { shopId } });
  const snapshot: Record<string, string> = {};
  for (const row of rows) {
    const key = `${row.day.toISOString().slice(0, 10)} ${row.channel} ${row.sku || "(order)"} ${row.currency}`;
    snapshot[key] = [
      row.orders,
      row.units,
      row.grossSales.toFixed(2),
      row.discounts.toFixed(2),
      row.returns.toFixed(2),
      row.netSales.toFixed(2),
      row.shipping.toFixed(2),
      row.taxes.toFixed(2),
      row.fees.toFixed(2),
      row.cogs.toFixed(2),
      row.contributions,
    ].join(" ");
  }
  return snapshot;
}

async function totalsSnapshot(shopId: string) {
  const rows = await prisma.dailyChannelTotal.findMany({ where: { shopId }, orderBy: [{ day: "asc" }] });
  return rows
    .map(
      (row) =>
        `${row.day.toISOString().slice(0, 10)} ${row.channel} ${row.currency} ${row.orders} ${row.units} ${row.netSales.toFixed(2)} ${row.fees.toFixed(2)}`,
    )
    .sort();
}

/** Drops every rollup and contribution of the shop and builds them again from the orders. */
async function rebuiltFromNothing(shopId: string) {
  await ingestPool().query(`delete from "DailyRollup" where "shopId" = $1`, [shopId]);
  await ingestPool().query(`delete from "RollupContribution" where "shopId" = $1`, [shopId]);
  await markRollupsStale(shopId, { all: true });
  await refreshRollups(shopId);
  return { rollups: await rollupSnapshot(shopId), totals: await totalsSnapshot(shopId) };
}

describe("incremental rollups", () => {
  it("equal a rebuild from nothing after orders change state, get refunds, cancellations and fees", async () => {
    const { shop, commit } = await setUp();
    const merchant = new MerchantDataset({ seed: "rollups", start: "2026-02-01", days: 40, skus: 12, ordersPerDay: 6 });
    await prisma.product.createMany({
      data: merchant.products.slice(0, 9).map((product) => ({
        shopId: shop.id,
        sku: product.sku,
        title: product.title,
        unitCost: (product.unitCostMinor / 100).toFixed(2),
        costCurrency: "USD",
      })),
    });
    const asOf = (day: string) => `${day}T12:00:00.000Z`;
    const ordersAsOf = (channel: string, day: string) => {
      const shown: ChannelOrder[] = [];
      for (const order of merchant.orders({ channel, to: day })) {
        const view = merchant.orderAsOf(order, asOf(day));
        if (view) shown.push(view);
      }
      return shown;
    };

    // First sync: what the channels showed on day 20 (many orders still open, few refunds).
    for (const channel of merchant.channels)
      await commit(channel.id as ChannelId, "orders", ordersAsOf(channel.id, "2026-02-20"));
    const first = await refreshRollups(shop.id);
    expect(first.orders).toBeGreaterThan(50);

    // Second sync at the end: later states, refunds and cancellations; then the marketplaces' fees.
    let written = 0;
    for (const channel of merchant.channels) {
      const orders = ordersAsOf(channel.id, merchant.end);
      written += orders.length;
      await commit(channel.id as ChannelId, "orders", orders);
      if (channel.id !== "shopify") {
        const fees = [...merchant.fees({ channel: channel.id })].map((fee) => merchant.feeEvent(fee));
        await commit(channel.id as ChannelId, "fees", fees);
      }
    }
    const second = await refreshRollups(shop.id);
    // Each order written again is recomputed once; a fee adds no order beyond those.
    expect(second.orders).toBe(written);
    expect(await refreshRollups(shop.id)).toEqual({ orders: 0, rows: 0 });

    const incremental = { rollups: await rollupSnapshot(shop.id), totals: await totalsSnapshot(shop.id) };
    expect(Object.keys(incremental.rollups).length).toBeGreaterThan(100);
    expect(incremental).toEqual(await rebuiltFromNothing(shop.id));
  });

  it("leave no row behind when an order is canceled or moves to another day", async () => {
    const { shop, commit } = await setUp();
    const base: ChannelOrder = {
      externalId: "A-1",
      channel: "amazon",
      marketplaceId: null,
      status: "open",
      rawStatus: "Unshipped",
      placedAt: "2026-03-02T15:00:00.000Z",
      updatedAt: "2026-03-02T15:00:00.000Z",
      currency: "USD",
      pricesKnown: true,
      subtotal: "20.00",
      discountTotal: "0.00",
      shippingTotal: "4.00",
      taxTotal: "1.00",
      total: "25.00",
      salesChannel: null,
      cancelledAt: null,
      lines: [
        {
          externalId: "A-1-1",
          sku: "MUG",
          title: "Mug",
          quantity: 2,
          quantityCancelled: 0,
          unitPrice: "10.00",
          grossSales: "20.00",
          discount: "0.00",
          tax: "1.00",
          shipping: "0.00",
          status: "open",
          rawStatus: "Unshipped",
          cancelled: false,
        },
      ],
      refunds: [],
    };
    await commit("amazon", "orders", [base]);
    await refreshRollups(shop.id);
    expect(Object.keys(await rollupSnapshot(shop.id))).toEqual([
      "2026-03-02 amazon (order) USD",
      "2026-03-02 amazon MUG USD",
    ]);

    // The channel corrects the purchase date: the order's rows move to the new day.
    await commit("amazon", "orders", [
      { ...base, placedAt: "2026-03-04T15:00:00.000Z", updatedAt: "2026-03-05T00:00:00.000Z" },
    ]);
    await refreshRollups(shop.id);
    expect(await rollupSnapshot(shop.id)).toEqual({
      "2026-03-04 amazon (order) USD": "1 0 0.00 0.00 0.00 0.00 4.00 1.00 0.00 0.00 1",
      "2026-03-04 amazon MUG USD": "1 2 20.00 0.00 0.00 20.00 0.00 0.00 0.00 0.00 1",
    });

    // Then it is canceled: nothing is left, neither rollup rows nor daily totals.
    await commit("amazon", "orders", [
      {
        ...base,
        placedAt: "2026-03-04T15:00:00.000Z",
        status: "cancelled",
        rawStatus: "Canceled",
        updatedAt: "2026-03-06T00:00:00.000Z",
        cancelledAt: "2026-03-06T00:00:00.000Z",
      },
    ]);
    await refreshRollups(shop.id);
    expect(await rollupSnapshot(shop.id)).toEqual({});
    expect(await totalsSnapshot(shop.id)).toEqual([]);
  });

  it("pick up the orders a sync wrote but never refreshed (it died first)", async () => {
    const { shop, commit } = await setUp();
    const merchant = new MerchantDataset({ seed: "crash", start: "2026-02-01", days: 10, skus: 5, ordersPerDay: 4 });
    const orders: ChannelOrder[] = [];
    for (const order of merchant.orders({ channel: "shopify" })) {
      const view = merchant.orderAsOf(order, `${merchant.end}T00:00:00.000Z`);
      if (view) orders.push(view);
    }
    await commit("shopify", "orders", orders);
    // No refresh here: the process is gone. The marks were committed with the page.
    const pending = await prisma.order.count({ where: { shopId: shop.id, rollupPending: true } });
    expect(pending).toBe(orders.length);
    const refreshed = await refreshRollups(shop.id);
    expect(refreshed.orders).toBe(orders.length);
    expect(await prisma.order.count({ where: { shopId: shop.id, rollupPending: true } })).toBe(0);
    const incremental = { rollups: await rollupSnapshot(shop.id), totals: await totalsSnapshot(shop.id) };
    expect(incremental).toEqual(await rebuiltFromNothing(shop.id));
  });

  it("follow a unit cost change through the orders of that SKU, and stay within the shop", async () => {
    const { shop, commit } = await setUp();
    const other = await setUp("other-rollups.myshopify.com");
    const merchant = new MerchantDataset({ seed: "cost", start: "2026-02-01", days: 15, skus: 4, ordersPerDay: 5 });
    for (const target of [shop, other.shop]) {
      await prisma.product.createMany({
        data: merchant.products.map((product) => ({
          shopId: target.id,
          sku: product.sku,
          title: product.title,
          unitCost: "2.00",
          costCurrency: "USD",
        })),
      });
    }
    const orders: ChannelOrder[] = [];
    for (const order of merchant.orders({ channel: "shopify" })) {
      const view = merchant.orderAsOf(order, `${merchant.end}T00:00:00.000Z`);
      if (view) orders.push(view);
    }
    await commit("shopify", "orders", orders);
    await other.commit("shopify", "orders", orders);
    await refreshRollups(shop.id);
    await refreshRollups(other.shop.id);
    const otherBefore = await rollupSnapshot(other.shop.id);

    const sku = merchant.products[0]?.sku as string;
    await prisma.product.update({ where: { shopId_sku: { shopId: shop.id, sku } }, data: { unitCost: "3.50" } });
    const marked = await markRollupsStale(shop.id, { skus: [sku] });
    const withSku = await prisma.order.count({ where: { shopId: shop.id, lines: { some: { sku } } } });
    expect(marked).toBe(withSku);
    expect((await refreshRollups(shop.id)).orders).toBe(withSku);

    const units = await prisma.dailyRollup.aggregate({
      where: { shopId: shop.id, sku },
      _sum: { units: true, cogs: true },
    });
    expect(units._sum.cogs?.toFixed(2)).toBe(((units._sum.units ?? 0) * 3.5).toFixed(2));
    expect(await rollupSnapshot(other.shop.id)).toEqual(otherBefore);
    const incremental = { rollups: await rollupSnapshot(shop.id), totals: await totalsSnapshot(shop.id) };
    expect(incremental).toEqual(await rebuiltFromNothing(shop.id));
  });
});

describe("orders marked stale outside a sync", () => {
  async function shopifyOrders(seed: string) {
    const merchant = new MerchantDataset({ seed, start: "2026-02-01", days: 12, skus: 4, ordersPerDay: 5 });
    const orders: ChannelOrder[] = [];
    for (const order of merchant.orders({ channel: "shopify" })) {
      const view = merchant.orderAsOf(order, `${merchant.end}T00:00:00.000Z`);
      if (view) orders.push(view);
    }
    return orders;
  }

  it("Marketplace Connect copies leave Shopify's numbers once their marketplace's orders count", async () => {
    const { shop, commit } = await setUp();
    const orders = await shopifyOrders("copies");
    await commit("shopify", "orders", orders);
    await refreshRollups(shop.id);
    const before = await prisma.dailyRollup.aggregate({
      where: { shopId: shop.id, channel: "shopify", sku: "" },
      _sum: { orders: true },
    });

    // Three counted orders turn out to be copies of Amazon orders (the tag arrived later).
    const counted = await prisma.rollupContribution.findMany({
      where: { shopId: shop.id, sku: "", orders: 1 },
      select: { orderId: true },
      take: 3,
    });
    await prisma.order.updateMany({
      where: { id: { in: counted.map((row) => row.orderId) } },
      data: { importedFrom: "amazon", rollupPending: false },
    });
    expect(await markRollupsStale(shop.id, { importedFrom: "amazon" })).toBe(3);
    expect((await refreshRollups(shop.id)).orders).toBe(3);

    const after = await prisma.dailyRollup.aggregate({
      where: { shopId: shop.id, channel: "shopify", sku: "" },
      _sum: { orders: true },
    });
    expect(after._sum.orders).toBe((before._sum.orders ?? 0) - 3);
    const incremental = { rollups: await rollupSnapshot(shop.id), totals: await totalsSnapshot(shop.id) };
    expect(incremental).toEqual(await rebuiltFromNothing(shop.id));
  });

  it("a new time zone moves every order to its new local day", async () => {
    const { shop, commit } = await setUp();
    await commit("shopify", "orders", await shopifyOrders("zone"));
    await refreshRollups(shop.id);
    const { addLocalShop } = await import("#app/services/shops.server.ts");
    await addLocalShop({ shop: shop.domain, timezone: "Asia/Tokyo", currency: "USD" });
    expect(await prisma.order.count({ where: { shopId: shop.id, rollupPending: false } })).toBe(0);
    await refreshRollups(shop.id);
    const incremental = { rollups: await rollupSnapshot(shop.id), totals: await totalsSnapshot(shop.id) };
    expect(incremental).toEqual(await rebuiltFromNothing(shop.id));
    // An order placed at 15:00 UTC on Feb 1 is on Feb 2 in Tokyo: no Toronto-only day survives.
    const days = await prisma.dailyRollup.findMany({
      where: { shopId: shop.id },
      select: { day: true },
      distinct: ["day"],
    });
    expect(days.length).toBeGreaterThan(0);
  });

  it("are swept for every shop by the rollup queue's periodic job", async () => {
    const first = await setUp("sweep-one.myshopify.com");
    const second = await setUp("sweep-two.myshopify.com");
    const orders = await shopifyOrders("sweep");
    await first.commit("shopify", "orders", orders);
    await second.commit("shopify", "orders", orders.slice(0, 10));
    const swept = await refreshAllPendingRollups();
    expect(swept).toMatchObject({ shops: 2, orders: orders.length + 10 });
    expect(await prisma.order.count({ where: { rollupPending: true } })).toBe(0);
    expect(await refreshAllPendingRollups()).toEqual({ shops: 0, orders: 0, rows: 0 });
  });
});
