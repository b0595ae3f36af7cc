// The Products, product and Insights pages' services on data with known answers (docs/metrics.md).
import { afterEach, describe, expect, it } from "vitest";

import prisma from "#app/db.server.ts";
import { closeIngestPool } from "#app/db/pool.server.ts";
import { exportCsv, exportToken } from "#app/services/exports.server.ts";
import { alertList, anomalyCharts, changeAlert, latestInsight } from "#app/services/insights-page.server.ts";
import { ProductNotFoundError, productDetail } from "#app/services/product-detail.server.ts";
import { PRODUCTS_PAGE_SIZE, productCells, productsTable } from "#app/services/products-page.server.ts";
import { refreshRollups } from "#app/services/rollups.server.ts";

import { createConnection, createShop, pageCommitter, simpleOrder as order } from "../support/factories.ts";

afterEach(async () => {
  await closeIngestPool();
});

const NOW = new Date("2026-03-10T12:00:00.000Z");
const TODAY = "2026-03-10";
const RANGE = new URLSearchParams("from=2026-03-08&to=2026-03-10");

function forecastFrom(day: string, mean: number, days = 90) {
  return Array.from({ length: days }, (_, index) => {
    const date = new Date(Date.parse(`${day}T00:00:00Z`) + index * 86_400_000).toISOString().slice(0, 10);
    return { day: date, mean, lo80: mean - 1, hi80: mean + 1, lo95: Math.max(0, mean - 2), hi95: mean + 2 };
  });
}

// In the range (Mar 8–10): MUG 5 units, 50.00, cost 4.00 each; LAMP 1 unit, 20.00, cost 30.00;
// PEN 5 units, 10.00, no cost and not in the catalog. Before it (Mar 5–7): MUG 1 unit. CUP never sold.
async function seed(domain: string) {
  const shop = await createShop(domain, { timezone: "UTC", currency: "USD", leadTimeDays: 10 });
  await prisma.product.createMany({
    data: [
      { shopId: shop.id, sku: "MUG", title: "Mug", unitCost: "4.00", costCurrency: "USD" },
      { shopId: shop.id, sku: "LAMP", title: "Desk lamp", unitCost: "30.00", costCurrency: "USD" },
      { shopId: shop.id, sku: "CUP", title: "Cup" },
    ],
  });
  const amazon = await createConnection(shop.id, "amazon");
  const shopify = await createConnection(shop.id, "shopify");
  const commit = pageCommitter(shop, { amazon, shopify });
  await commit("amazon", "orders", [
    order("amazon", "A1", "2026-03-08T10:00:00.000Z", [["MUG", 2, "10.00"]]),
    order("amazon", "A2", "2026-03-09T10:00:00.000Z", [["LAMP", 1, "20.00"]]),
    order("amazon", "A3", "2026-03-05T10:00:00.000Z", [["MUG", 1, "10.00"]]),
  ]);
  await commit("shopify", "orders", [
    order("shopify", "S1", "2026-03-09T11:00:00.000Z", [
      ["MUG", 3, "10.00"],
      ["PEN", 5, "2.00"],
    ]),
  ]);
  await refreshRollups(shop.id);
  // MUG: 30 at FBA (2 a day forecast: 15 days of cover), 10 + 5 in two Shopify locations (no forecast).
  await prisma.inventoryLevel.createMany({
    data: [
      {
        shopId: shop.id,
        connectionId: amazon,
        channel: "amazon",
        sku: "MUG",
        locationId: "FBA-US",
        available: 30,
        observedAt: NOW,
      },
      {
        shopId: shop.id,
        connectionId: shopify,
        channel: "shopify",
        sku: "MUG",
        locationId: "loc-1",
        available: 10,
        observedAt: NOW,
      },
      {
        shopId: shop.id,
        connectionId: shopify,
        channel: "shopify",
        sku: "MUG",
        locationId: "loc-2",
        available: 5,
        observedAt: NOW,
      },
    ],
  });
  await prisma.forecast.create({
    data: {
      shopId: shop.id,
      sku: "MUG",
      channel: "amazon",
      method: "ets",
      horizonDays: 90,
      points: forecastFrom(TODAY, 2),
      accuracy: { status: "measured", days: 56, weeklyError: 0.18, coverage80: 0.81, coverage95: 0.96 },
    },
  });
  await prisma.channelListing.create({
    data: {
      shopId: shop.id,
      connectionId: amazon,
      channel: "amazon",
      externalId: "B00MUG",
      sku: "MUG",
      title: "Mug (Amazon)",
      price: "10.00",
      currency: "USD",
      status: "active",
      rawStatus: "BUYABLE",
    },
  });
  return { shop, amazon, shopify };
}

describe("products page", () => {
  it("lists every catalog product and every SKU sold, with range figures, ABC class, stock and cover", async () => {
    const { shop } = await seed("products.myshopify.com");
    const table = await productsTable(shop, RANGE, NOW);
    expect(table.range).toEqual({ from: "2026-03-08", to: "2026-03-10" });
    expect(table.previous).toEqual({ from: "2026-03-05", to: "2026-03-07" });
    expect(table.total).toBe(4);
    const rows = Object.fromEntries(table.rows.map((row) => [row.sku, row]));
    // Net sales, largest first; CUP (nothing sold) last.
    expect(table.rows.map((row) => row.sku)).toEqual(["MUG", "LAMP", "PEN", "CUP"]);
    expect(rows.MUG).toMatchObject({
      title: "Mug",
      units: 5,
      velocity: 1.67,
      abc: "A",
      available: 45,
      daysOfCover: 15,
    });
    expect(Number(rows.MUG!.netSales)).toBe(50);
    expect(Number(rows.MUG!.contributionProfit)).toBe(30); // 50 − 5 × 4.00
    expect(rows.MUG!.margin).toBeCloseTo(0.6, 10);
    expect(rows.MUG!.trend).toBeCloseTo(4, 10); // 5/3 a day against 1/3 a day
    expect(rows.MUG!.channels).toEqual([
      { channel: "amazon", units: 2, netSales: "20.00", available: 30, daysOfCover: 15 },
      { channel: "shopify", units: 3, netSales: "30.00", available: 15, daysOfCover: null },
    ]);
    expect(rows.LAMP).toMatchObject({ units: 1, abc: "A", trend: null, available: null, daysOfCover: null });
    expect(rows.LAMP!.margin).toBeCloseTo(-0.5, 10); // (20 − 30) ÷ 20
    // 50 + 20 of 80 come before PEN: 87.5% ≥ 80% → B.
    expect(rows.PEN).toMatchObject({ title: null, units: 5, abc: "B", margin: 1 });
    expect(rows.CUP).toMatchObject({ units: 0, abc: "C", margin: null, trend: null, channels: [] });
  });

  it("searches, filters and sorts from the URL; rows without a value sort last", async () => {
    const { shop } = await seed("filters.myshopify.com");
    const skus = async (query: string) =>
      (await productsTable(shop, new URLSearchParams(`${RANGE}&${query}`), NOW)).rows.map((row) => row.sku);
    expect(await skus("q=lamp")).toEqual(["LAMP"]); // the title "Desk lamp"
    expect(await skus("q=mu")).toEqual(["MUG"]);
    expect(await skus("channel=shopify")).toEqual(["MUG", "PEN"]);
    expect(await skus("abc=B")).toEqual(["PEN"]);
    expect(await skus("abc=C")).toEqual(["CUP"]);
    expect(await skus("sort=margin&dir=asc")).toEqual(["LAMP", "MUG", "PEN", "CUP"]);
    expect(await skus("sort=margin")).toEqual(["PEN", "MUG", "LAMP", "CUP"]);
    expect(await skus("sort=units&dir=asc")).toEqual(["CUP", "LAMP", "MUG", "PEN"]);
    expect(await skus("sort=sku")).toEqual(["CUP", "LAMP", "MUG", "PEN"]);
    expect(await skus("sort=cover")).toEqual(["MUG", "CUP", "LAMP", "PEN"]);
    expect(await skus("sort=bogus&channel=nowhere&abc=Z")).toEqual(["MUG", "LAMP", "PEN", "CUP"]);
  });

  it("pages by 50 and exports every filtered row, in the table's order and values", async () => {
    const { shop } = await seed("paging.myshopify.com");
    await prisma.product.createMany({
      data: Array.from({ length: 60 }, (_, i) => ({
        shopId: shop.id,
        sku: `Z-${String(i).padStart(3, "0")}`,
        title: `Zed ${i}`,
      })),
    });
    const first = await productsTable(shop, RANGE, NOW);
    expect(first).toMatchObject({ total: 64, page: 1, pages: 2 });
    expect(first.pageRows).toHaveLength(PRODUCTS_PAGE_SIZE);
    const second = await productsTable(shop, new URLSearchParams(`${RANGE}&page=2`), NOW);
    expect(second.pageRows.map((row) => row.sku)).toEqual(first.rows.slice(50).map((row) => row.sku));
    expect((await productsTable(shop, new URLSearchParams(`${RANGE}&page=99`), NOW)).page).toBe(2);

    const params = new URLSearchParams(`${RANGE}&q=z-0&sort=sku&dir=desc&page=2`);
    const table = await productsTable(shop, params, NOW);
    const { csv, rows } = await exportCsv(exportToken(shop.id, "products", params));
    expect(rows).toBe(table.matching);
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toContain("SKU,Product,Units,Net sales");
    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual(table.rows.map((row) => row.sku));
    expect(productCells(table.rows[0]!)[0]).toBe("Z-059");
  });
});

describe("product page", () => {
  it("shows the product's figures, daily trend per channel, forecast with ranges and accuracy, stock and listings", async () => {
    const { shop } = await seed("detail.myshopify.com");
    const detail = await productDetail(shop, "MUG", RANGE, NOW);
    expect(detail).toMatchObject({ sku: "MUG", title: "Mug", inCatalog: true });
    expect(detail.figures).toMatchObject({ units: 5, previousUnits: 1, abc: "A" });
    expect(detail.trend.map((series) => [series.channel, series.points.map((point) => point.units)])).toEqual([
      ["amazon", [2, 0, 0]],
      ["shopify", [0, 3, 0]],
    ]);
    expect(detail.forecasts).toHaveLength(1);
    const [forecast] = detail.forecasts;
    expect(forecast!.points).toHaveLength(28);
    expect(forecast!.points[0]).toEqual({ day: TODAY, mean: 2, lo80: 1, hi80: 3, lo95: 0, hi95: 4 });
    expect(forecast!.next28).toEqual({ mean: 56, lo80: 28, hi80: 84 });
    expect(forecast!.accuracy).toMatch(/18%/);
    expect(forecast!.accuracyStatus).toBe("measured");
    const stock = Object.fromEntries(detail.stock.map((row) => [row.channel, row]));
    expect(stock.amazon).toMatchObject({ available: 30, daysOfCover: 15, stockOutDate: "2026-03-24" });
    expect(stock.shopify).toMatchObject({ available: 15, daysOfCover: null, stockOutDate: null });
    expect(stock.shopify!.locations.map((entry) => [entry.locationId, entry.available])).toEqual([
      ["loc-1", 10],
      ["loc-2", 5],
    ]);
    expect(detail.listings).toEqual([
      {
        channel: "amazon",
        externalId: "B00MUG",
        title: "Mug (Amazon)",
        price: "10",
        currency: "USD",
        status: "active",
        rawStatus: "BUYABLE",
        active: true,
      },
    ]);

    const pen = await productDetail(shop, "PEN", RANGE, NOW);
    expect(pen).toMatchObject({ inCatalog: false, title: null, forecasts: [] });
    expect(pen.figures).toMatchObject({ units: 5 });
  });

  it("refuses a SKU the shop does not have, even one another shop has", async () => {
    const { shop } = await seed("one.myshopify.com");
    const other = await createShop("two.myshopify.com");
    await expect(productDetail(shop, "NOPE", RANGE, NOW)).rejects.toBeInstanceOf(ProductNotFoundError);
    await expect(productDetail(other, "MUG", RANGE, NOW)).rejects.toThrow(/no product with that SKU/);
  });
});

describe("insights page", () => {
  it("shows the newest insight, marks anomalies on their channel's chart, and lists alerts by status", async () => {
    const { shop } = await seed("insights.myshopify.com");
    expect(await latestInsight(shop.id)).toBeNull();
    await prisma.insight.create({
      data: {
        shopId: shop.id,
        period: "weekly",
        fromDay: new Date("2026-03-02T00:00:00Z"),
        toDay: new Date("2026-03-08T00:00:00Z"),
        text: "Net sales rose 10%.",
        facts: { headline: "A good week", facts: [] },
      },
    });
    expect(await latestInsight(shop.id)).toMatchObject({
      from: "2026-03-02",
      to: "2026-03-08",
      headline: "A good week",
      text: "Net sales rose 10%.",
      rewritten: false,
    });
    const anomaly = await prisma.alert.create({
      data: {
        shopId: shop.id,
        kind: "anomaly",
        severity: "warning",
        dedupeKey: "anomaly:amazon:netSales:USD:2026-03-08",
        title: "Amazon net sales unusually high on 2026-03-08",
        body: "…",
        data: { channel: "amazon", metric: "netSales", currency: "USD", day: "2026-03-08" },
      },
    });
    await prisma.alert.create({
      data: {
        shopId: shop.id,
        kind: "low_stock",
        severity: "critical",
        dedupeKey: "low:MUG",
        title: "MUG low",
        body: "…",
      },
    });
    const charts = await anomalyCharts(shop, NOW);
    const amazon = charts.find((chart) => chart.channel === "amazon")!;
    const shopify = charts.find((chart) => chart.channel === "shopify")!;
    expect(amazon.points).toHaveLength(90); // Dec 10 to Mar 9
    expect(amazon.points.at(-1)).toEqual({ day: "2026-03-09", value: 20 });
    expect(amazon.points.find((point) => point.day === "2026-03-08")!.value).toBe(20);
    expect(amazon.marks.map((mark) => mark.day)).toEqual(["2026-03-08"]);
    expect(shopify.marks).toEqual([]);

    expect((await alertList(shop.id, new URLSearchParams())).counts).toEqual({ open: 2, dismissed: 0, resolved: 0 });
    await expect(changeAlert(shop.id, anomaly.id, "dismiss", NOW)).resolves.toEqual({
      id: anomaly.id,
      status: "dismissed",
    });
    const dismissed = await alertList(shop.id, new URLSearchParams("status=dismissed"));
    expect(dismissed).toMatchObject({ status: "dismissed", counts: { open: 1, dismissed: 1, resolved: 0 } });
    expect(dismissed.alerts.map((alert) => alert.id)).toEqual([anomaly.id]);
    await changeAlert(shop.id, anomaly.id, "reopen");
    await changeAlert(shop.id, anomaly.id, "resolve");
    expect((await alertList(shop.id, new URLSearchParams("status=resolved"))).alerts).toHaveLength(1);
  });

  it("changes only the shop's own alerts, and names a wrong action", async () => {
    const { shop } = await seed("mine.myshopify.com");
    const other = await createShop("theirs.myshopify.com");
    const alert = await prisma.alert.create({
      data: { shopId: shop.id, kind: "low_stock", severity: "info", dedupeKey: "k", title: "t", body: "b" },
    });
    await expect(changeAlert(other.id, alert.id, "dismiss")).rejects.toThrow(/no alert/);
    await expect(changeAlert(shop.id, alert.id, "delete")).rejects.toThrow(/use dismiss, resolve or reopen/);
    expect((await prisma.alert.findUniqueOrThrow({ where: { id: alert.id } })).status).toBe("open");
  });
});

describe("exports of the overview's and the Insights page's tables", () => {
  it("sales by channel holds each channel's figures and the total, for the page's range", async () => {
    const { shop } = await seed("sales-export.myshopify.com");
    const { csv } = await exportCsv(exportToken(shop.id, "sales-by-channel", RANGE));
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toBe("Channel,Orders,Units,Net sales (USD),Fees,COGS,Contribution profit");
    // Amazon: A1 (2 mugs, 20.00, COGS 8.00) and A2 (a lamp, 20.00, COGS 30.00); Shopify: S1.
    expect(lines.slice(1).map((line) => line.split(",").slice(0, 4))).toEqual([
      ["Amazon", "2", "3", "40.00"],
      ["Shopify", "1", "8", "40.00"],
      ["Total", "3", "11", "80.00"],
    ]);
    expect(lines[1]!.split(",").slice(5)).toEqual(["38.00", "2.00"]);
  });

  it("alerts holds the chosen status's alerts of the shop only, newest first", async () => {
    const { shop } = await seed("alerts-export.myshopify.com");
    const other = await createShop("alerts-other.myshopify.com");
    const make = (shopId: string, key: string, status: "open" | "dismissed", createdAt: string) =>
      prisma.alert.create({
        data: {
          shopId,
          kind: "low_stock",
          severity: "warning",
          dedupeKey: key,
          title: `T ${key}`,
          body: "b",
          status,
          createdAt: new Date(createdAt),
        },
      });
    await make(shop.id, "a", "open", "2026-03-01T00:00:00Z");
    await make(shop.id, "b", "open", "2026-03-02T00:00:00Z");
    await make(shop.id, "c", "dismissed", "2026-03-03T00:00:00Z");
    await make(other.id, "d", "open", "2026-03-04T00:00:00Z");
    const open = await exportCsv(exportToken(shop.id, "alerts", new URLSearchParams()));
    expect(
      open.csv
        .trim()
        .split("\r\n")
        .slice(1)
        .map((line) => line.split(",")[3]),
    ).toEqual(["T b", "T a"]);
    const dismissed = await exportCsv(exportToken(shop.id, "alerts", new URLSearchParams("status=dismissed")));
    expect(dismissed.rows).toBe(1);
  });

  it("top and bottom products, the profit bridge, and a product's stock and listings export as shown", async () => {
    const { shop } = await seed("more-exports.myshopify.com");
    const rows = async (table: string, params: URLSearchParams) =>
      (await exportCsv(exportToken(shop.id, table, params))).csv
        .trim()
        .split("\r\n")
        .map((line) => line.split(","));
    const top = await rows("top-products", RANGE);
    expect(top.slice(1).map((row) => [row[0], row[2], row[3]])).toEqual([
      ["MUG", "5", "50.0000"],
      ["LAMP", "1", "20.0000"],
      ["PEN", "5", "10.0000"],
    ]);
    const bottom = await rows("bottom-products", RANGE);
    expect(bottom[1]!.slice(0, 4)).toEqual(["LAMP", "Desk lamp", "1", "-10.0000"]);
    // Amazon only: gross 40.00 → COGS −38.00 → contribution 2.00.
    const bridge = await rows("profit-bridge", new URLSearchParams(`${RANGE}&channel=amazon`));
    expect(bridge[0]).toEqual(["Step (USD)", "Amazon"]);
    expect(Object.fromEntries(bridge.slice(1).map(([step, value]) => [step, value]))).toMatchObject({
      "Gross sales": "40.00",
      "Net sales": "40.00",
      COGS: "-38.00",
      "Contribution profit": "2.00",
    });
    const stock = await rows("product-stock", new URLSearchParams(`${RANGE}&sku=MUG`));
    expect(stock.slice(1).map((row) => [row[0], row[1], row[2]])).toEqual([
      ["Shopify", "loc-1: 10; loc-2: 5", "15"],
      ["Amazon", "FBA-US: 30", "30"],
    ]);
    const listings = await rows("product-listings", new URLSearchParams("sku=MUG"));
    expect(listings[1]).toEqual(["Amazon", "Mug (Amazon)", "B00MUG", "10", "USD", "active", "BUYABLE"]);
    await expect(
      exportCsv(exportToken(shop.id, "product-stock", new URLSearchParams("sku=NOPE"))),
    ).rejects.toMatchObject({
      status: 404,
    });
  });
});
