import "../support/mock-shopify.ts";

import type { LoaderFunctionArgs } from "@remix-run/node";
import {
  API_KEY,
  API_SECRET_KEY,
  RequestType,
  setUpValidRequest,
  TEST_SHOP,
  TEST_SHOP_NAME,
} from "@shopify/shopify-api/test-helpers";
import { afterEach, describe, expect, it } from "vitest";

import { addDays } from "#app/analytics/index.ts";
import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { localDay } from "#app/analytics/days.ts";
import { loader } from "#app/routes/api.extension.product.$productId.ts";
import { inventoryHealth, productPerformance } from "#app/services/performance.server.ts";
import { productBlock } from "#app/services/product-block.server.ts";

import { blockView } from "../../extensions/product-block/src/view.ts";
import { buildExtensionBundle, EXTENSION_LIMIT_BYTES } from "../support/extension-bundle.ts";
import { storeOfflineSession } from "../support/shopify.ts";
import { createShop, insertConnection } from "../support/factories.ts";

afterEach(async () => {
  await closeIngestPool();
});

const OTHER_SHOP_NAME = "other-shop";
const OTHER_SHOP = `${OTHER_SHOP_NAME}.myshopify.com`;
const ADMIN_ORIGIN = "https://extensions.shopifycdn.com";
const Z80 = 1.2815515655446004;

async function call(request: Request, productId: string): Promise<Response> {
  try {
    const result = await loader({ request, params: { productId }, context: {} } as LoaderFunctionArgs);
    return result instanceof Response ? result : Response.json(result);
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    throw thrown;
  }
}

/** What the extension's fetch sends: the session token as a bearer, from the admin's origin. */
function extensionFetch(productId: string, store = TEST_SHOP_NAME, secret = API_SECRET_KEY) {
  return setUpValidRequest(
    { type: RequestType.Bearer, store, apiKey: API_KEY, apiSecretKey: secret },
    new Request(`https://my-test-app.myshopify.io/api/extension/product/${productId}`, {
      headers: { Origin: ADMIN_ORIGIN },
    }),
  );
}

async function connection(shopId: string, channel: "amazon" | "shopify" | "bestbuy") {
  return insertConnection({ shopId, channel, accountId: `${channel}-${shopId}`, displayName: channel });
}

/**
 * Shop A sells product 1001 (SKUs MUG and MUG-L) and 1002 (CAP); shop B sells its own product
 * 2002 under the same SKU MUG. Known answers for A's product 1001 over the last 30 days:
 *   amazon  units 3 + 2 = 5,  net sales 30.00 + 25.00 = 55.00, contribution (30 − 4.50 − 9) + (25 − 8) = 33.50
 *   shopify units 5,          net sales 50.00,                 contribution 50 − 15 = 35.00
 * Left out: a day before the period, another currency, another product, another shop.
 */
async function seed() {
  const today = localDay(new Date(), "UTC");
  const a = await createShop(TEST_SHOP, { timezone: "UTC", currency: "USD", leadTimeDays: 10 });
  const b = await createShop(OTHER_SHOP, { timezone: "UTC", currency: "USD" });
  await storeOfflineSession(TEST_SHOP);
  await storeOfflineSession(OTHER_SHOP);
  const product = (shopId: string, sku: string, gid: number, title: string) =>
    prisma.product.create({
      data: { shopId, sku, title, shopifyProductId: `gid://shopify/Product/${gid}` },
    });
  const mug = await product(a.id, "MUG", 1001, "Mug");
  const mugLarge = await product(a.id, "MUG-L", 1001, "Mug - Large");
  await product(a.id, "CAP", 1002, "Cap");
  await product(b.id, "MUG", 2002, "Other shop's mug");

  const rollup = (
    shopId: string,
    offset: number,
    channel: "amazon" | "shopify" | "bestbuy",
    sku: string,
    units: number,
    netSales: string,
    fees: string,
    cogs: string,
    currency = "USD",
  ) => ({
    shopId,
    day: new Date(`${addDays(today, offset)}T00:00:00Z`),
    channel,
    sku,
    currency,
    units,
    grossSales: netSales,
    netSales,
    fees,
    cogs,
  });
  await prisma.dailyRollup.createMany({
    data: [
      rollup(a.id, -1, "amazon", "MUG", 3, "30.00", "4.50", "9.00"),
      rollup(a.id, -29, "amazon", "MUG-L", 2, "25.00", "0", "8.00"),
      rollup(a.id, 0, "shopify", "MUG", 5, "50.00", "0", "15.00"),
      rollup(a.id, -30, "shopify", "MUG", 100, "1000.00", "0", "0"),
      rollup(a.id, -2, "bestbuy", "MUG", 9, "99.00", "0", "0", "CAD"),
      rollup(a.id, 0, "amazon", "CAP", 7, "70.00", "0", "0"),
      rollup(b.id, 0, "amazon", "MUG", 40, "4000.00", "0", "0"),
    ],
  });

  const amazonA = await connection(a.id, "amazon");
  const shopifyA = await connection(a.id, "shopify");
  const amazonB = await connection(b.id, "amazon");
  const level = (
    shopId: string,
    connectionId: string,
    channel: "amazon" | "shopify",
    sku: string,
    locationId: string,
    available: number,
  ) => ({ shopId, connectionId, channel, sku, locationId, available, observedAt: new Date() });
  await prisma.inventoryLevel.createMany({
    data: [
      level(a.id, amazonA.id, "amazon", "MUG", "FBA-US", 30),
      level(a.id, amazonA.id, "amazon", "MUG", "FBA-CA", 20),
      level(a.id, shopifyA.id, "shopify", "MUG", "gid://shopify/Location/1", 0),
      level(a.id, amazonA.id, "amazon", "MUG-L", "FBA-US", 8),
      level(a.id, amazonA.id, "amazon", "CAP", "FBA-US", 3),
      level(b.id, amazonB.id, "amazon", "MUG", "FBA-US", 999),
    ],
  });
  // 5 a day from today: 50 units last exactly 10 days (the 10th forecast day is the last).
  const points = Array.from({ length: 90 }, (_, index) => ({
    day: addDays(today, index),
    mean: 5,
    lo80: 5 - Z80,
    hi80: 5 + Z80,
    lo95: 5 - 1.96,
    hi95: 5 + 1.96,
  }));
  await prisma.forecast.create({
    data: { shopId: a.id, sku: "MUG", channel: "amazon", method: "ets", horizonDays: 90, points },
  });
  await prisma.forecast.create({
    data: {
      shopId: b.id,
      sku: "MUG",
      channel: "amazon",
      method: "ets",
      horizonDays: 90,
      points: points.map((point) => ({ ...point, mean: 999 })),
    },
  });
  return { a, b, today, mug, mugLarge };
}

describe("the product-page block's endpoint", () => {
  it("GIVEN the extension's fetch with the shop's session token THEN it serves the product's last 30 days and stock, with CORS", async () => {
    const { a, today, mug, mugLarge } = await seed();

    const response = await call(await extensionFetch("1001"), "1001");

    expect(response.status).toBe(200);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/);
    const body = await response.json();
    expect(body).toMatchObject({
      shopifyProductId: "1001",
      currency: "USD",
      period: { from: addDays(today, -29), to: today },
      channels: [
        { channel: "amazon", units: 5, netSales: "55.00", contributionProfit: "33.50" },
        { channel: "shopify", units: 5, netSales: "50.00", contributionProfit: "35.00" },
      ],
      total: { units: 10, netSales: "105.00", contributionProfit: "68.50" },
      variants: [
        { sku: "MUG", title: "Mug", appPath: `/app/products/${mug.id}` },
        { sku: "MUG-L", title: "Mug - Large", appPath: `/app/products/${mugLarge.id}` },
      ],
    });
    expect(body.stock).toHaveLength(3);
    const [mugAmazon, mugShopify, largeAmazon] = body.stock;
    expect(mugAmazon).toMatchObject({ sku: "MUG", channel: "amazon", available: 50, status: "low_stock" });
    expect(mugAmazon.daysOfCover).toBeCloseTo(10, 9);
    expect(mugAmazon.stockOutDate).toBe(addDays(today, 9));
    // Nothing sellable is out of stock; with no forecast the service's cover is ∞ (null), as on every page.
    expect(mugShopify).toMatchObject({ sku: "MUG", channel: "shopify", available: 0, daysOfCover: null });
    expect(mugShopify.status).toBe("out_of_stock");
    expect(largeAmazon).toMatchObject({
      sku: "MUG-L",
      channel: "amazon",
      available: 8,
      daysOfCover: null,
      status: "no_demand",
      forecasted: false,
    });

    // The extension shows this answer as it is.
    expect(blockView(body).sales.map((row) => [row.channel, row.units, row.netSales, row.contributionProfit])).toEqual([
      ["Amazon", "5", "$55.00", "$33.50"],
      ["Shopify", "5", "$50.00", "$35.00"],
    ]);

    // The same figures as the products and inventory services give for the whole shop.
    const period = { from: addDays(today, -29), to: today };
    const report = await productPerformance(a, period, { from: addDays(today, -59), to: addDays(today, -30) });
    const mine = report.products.filter((product) => product.sku === "MUG" || product.sku === "MUG-L");
    const sums = new Map<string, number[]>();
    for (const entry of mine.flatMap((product) => product.byChannel)) {
      const [units, net, profit] = sums.get(entry.channel) ?? [0, 0, 0];
      sums.set(entry.channel, [
        units! + entry.units,
        net! + Number(entry.netSales) * 100,
        profit! + Number(entry.contributionProfit) * 100,
      ]);
    }
    expect(
      body.channels.map((row: { channel: string; units: number; netSales: string; contributionProfit: string }) => [
        row.channel,
        row.units,
        Math.round(Number(row.netSales) * 100),
        Math.round(Number(row.contributionProfit) * 100),
      ]),
    ).toEqual([...sums.entries()].sort().map(([channel, [u, n, p]]) => [channel, u, Math.round(n!), Math.round(p!)]));
    const health = (await inventoryHealth(a, today)).filter((row) => row.sku !== "CAP");
    const key = (row: { sku: string; channel: string }) => `${row.sku} ${row.channel}`;
    expect(Object.fromEntries(body.stock.map((row: typeof mugAmazon) => [key(row), row]))).toEqual(
      Object.fromEntries(
        health.map((row) => [
          key(row),
          {
            sku: row.sku,
            channel: row.channel,
            available: row.available,
            daysOfCover: Number.isFinite(row.daysOfCover) ? row.daysOfCover : null,
            stockOutDate: row.stockOutDate,
            status: row.status,
            forecasted: row.forecasted,
          },
        ]),
      ),
    );
  });

  it("GIVEN a token for shop A asking for shop B's product THEN 404 and none of B's data; B sees only its own", async () => {
    await seed();

    const crossed = await call(await extensionFetch("2002"), "2002");
    expect(crossed.status).toBe(404);
    const text = await crossed.text();
    expect(text).not.toMatch(/4000|999|Other shop/);
    expect(crossed.headers.get("Access-Control-Allow-Origin")).toBe("*");

    const own = await call(await extensionFetch("2002", OTHER_SHOP_NAME), "2002");
    expect(own.status).toBe(200);
    const body = await own.json();
    expect(body.channels).toEqual([
      { channel: "amazon", units: 40, netSales: "4000.00", contributionProfit: "4000.00" },
    ]);
    expect(body.stock).toMatchObject([{ sku: "MUG", available: 999 }]);
    expect((await call(await extensionFetch("1001", OTHER_SHOP_NAME), "1001")).status).toBe(404);
  });

  it("GIVEN no token or a forged one THEN nothing is served", async () => {
    await seed();
    const forged = await call(await extensionFetch("1001", TEST_SHOP_NAME, "someone-elses-secret"), "1001");
    expect(forged.status).toBe(401);
    expect(await forged.text()).not.toMatch(/55\.00/);
    // The library's CORS headers on the refusal, so the extension can read it.
    expect(forged.headers.get("Access-Control-Allow-Origin")).toBe("*");

    const bare = await call(
      new Request("https://my-test-app.myshopify.io/api/extension/product/1001", { headers: { Origin: ADMIN_ORIGIN } }),
      "1001",
    );
    expect(bare.status).not.toBe(200);
    expect([302, 401]).toContain(bare.status);
    expect(await bare.text()).not.toMatch(/55\.00/);
  });

  it("GIVEN the browser's preflight THEN the library answers it with CORS headers", async () => {
    const preflight = await call(
      new Request("https://my-test-app.myshopify.io/api/extension/product/1001", {
        method: "OPTIONS",
        headers: { Origin: ADMIN_ORIGIN, "Access-Control-Request-Headers": "authorization" },
      }),
      "1001",
    );
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("Access-Control-Allow-Headers")).toMatch(/Authorization/);
  });

  it("GIVEN a product id that is not one THEN 400 with what to pass", async () => {
    await seed();
    const response = await call(await extensionFetch("abc"), "abc");
    expect(response.status).toBe(400);
    expect((await response.json()).error).toMatch(/not a Shopify product id/);
    await expect(productBlock({ ...(await prisma.shop.findFirstOrThrow()) }, "gid://shopify/Order/1")).rejects.toThrow(
      /not a Shopify product id/,
    );
  });
});

describe("the product-page block's bundle", () => {
  it("builds with npm run build:extension (shopify app build, offline) under Shopify's 64 KB", async () => {
    const { build, compressedBytes, source } = await buildExtensionBundle();
    expect(build.code).toBe(0);
    expect(compressedBytes).toBeGreaterThan(1000);
    expect(compressedBytes).toBeLessThan(EXTENSION_LIMIT_BYTES);
    // The block itself, not an empty shell: its endpoint and its headings are in the bundle.
    expect(source).toContain("/api/extension/product/");
    expect(source).toContain("Contribution profit");
    expect(source).toContain("s-admin-block");
  });
});
