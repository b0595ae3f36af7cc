import { describe, expect, it } from "vitest";
import { addDays } from "./days.ts";
import { abcClasses, type ProductDay, productReport } from "./products.ts";

const row = (
  day: string,
  sku: string,
  channel: string,
  units: number,
  netSales: string,
  contributionProfit = "0",
): ProductDay => ({
  day,
  sku,
  channel,
  units,
  netSales,
  contributionProfit,
});

// Current week 2025-03-08..14, previous week 2025-03-01..07.
const rows: ProductDay[] = [
  // SKU-A on Shopify: 0, 1, ..., 6 units a day (slope 1), $50 and $20 profit each day.
  ...Array.from({ length: 7 }, (_, index) =>
    row(addDays("2025-03-08", index), "SKU-A", "shopify", index, "50.00", "20.00"),
  ),
  // On Amazon: 9 units on the middle day (doesn't change the slope).
  row("2025-03-11", "SKU-A", "amazon", 9, "150.00", "15.00"),
  row("2025-03-03", "SKU-A", "shopify", 15, "400.00", "100.00"),
  row("2025-03-12", "SKU-B", "amazon", 3, "300.00", "30.00"),
  row("2025-03-02", "SKU-B", "amazon", 1, "100.00", "10.00"),
  row("2025-03-09", "SKU-C", "bestbuy", 2, "100.00", "25.00"),
  row("2025-03-05", "SKU-C", "bestbuy", 5, "250.00", "60.00"),
  row("2025-03-10", "SKU-D", "shopify", 1, "60.00"),
  row("2025-03-04", "SKU-D", "shopify", 1, "60.00"),
  // Cents that would drift as floats: 39.70 + 0.10 + 0.20 = 40.00 exactly.
  row("2025-03-08", "SKU-E", "shopify", 1, "39.70"),
  row("2025-03-09", "SKU-E", "shopify", 0, "0.10"),
  row("2025-03-10", "SKU-E", "shopify", 0, "0.20"),
  row("2025-03-06", "SKU-F", "amazon", 2, "80.00"),
  row("2025-03-13", "SKU-G", "shopify", 0, "-10.00", "-12.00"),
  // Outside both periods: ignored.
  row("2025-02-01", "SKU-A", "shopify", 99, "9999.00"),
];

describe("productReport", () => {
  const report = productReport(rows, { currency: "USD", current: { from: "2025-03-08", to: "2025-03-14" }, movers: 2 });

  it("defaults the previous period to the same length right before", () => {
    expect(report.previous).toEqual({ from: "2025-03-01", to: "2025-03-07" });
  });

  it("orders products by net sales and classes them A/B/C on cumulative share", () => {
    expect(report.products.map((product) => [product.sku, product.netSales, product.abc])).toEqual([
      ["SKU-A", "500.00", "A"], // share before 0%
      ["SKU-B", "300.00", "A"], // 50%
      ["SKU-C", "100.00", "B"], // 80%: not below 80%
      ["SKU-D", "60.00", "B"], // 90%
      ["SKU-E", "40.00", "C"], // 96%
      ["SKU-F", "0.00", "C"],
      ["SKU-G", "-10.00", "C"],
    ]);
    expect(report.products[0]?.netSalesShare).toBeCloseTo(0.5, 12);
  });

  it("computes velocity, trend, channel shares and margins for a SKU", () => {
    const a = report.products.find((product) => product.sku === "SKU-A");
    expect(a?.units).toBe(30);
    expect(a?.velocity).toBeCloseTo(30 / 7, 12);
    expect(a?.previousVelocity).toBeCloseTo(15 / 7, 12);
    expect(a?.velocityChange).toBeCloseTo(1, 12);
    expect(a?.trendSlope).toBeCloseTo(1, 12);
    expect(a?.netSalesChange).toBe("100.00");
    expect(a?.contributionProfit).toBe("155.00");
    expect(a?.margin).toBeCloseTo(155 / 500, 12);
    expect(a?.byChannel).toEqual([
      {
        channel: "amazon",
        units: 9,
        netSales: "150.00",
        contributionProfit: "15.00",
        unitShare: 0.3,
        netSalesShare: 0.3,
        margin: 0.1,
      },
      {
        channel: "shopify",
        units: 21,
        netSales: "350.00",
        contributionProfit: "140.00",
        unitShare: 0.7,
        netSalesShare: 0.7,
        margin: 0.4,
      },
    ]);
    const g = report.products.find((product) => product.sku === "SKU-G");
    expect(g?.velocityChange).toBeNull();
    expect(g?.margin).toBeCloseTo(1.2, 12);
  });

  it("lists top and bottom movers by change in net sales", () => {
    expect(report.topMovers.map((product) => [product.sku, product.netSalesChange])).toEqual([
      ["SKU-B", "200.00"],
      ["SKU-A", "100.00"],
    ]);
    expect(report.bottomMovers.map((product) => [product.sku, product.netSalesChange])).toEqual([
      ["SKU-C", "-150.00"],
      ["SKU-F", "-80.00"],
    ]);
  });

  it("gives the same answer whatever the input order", () => {
    const shuffled = [...rows].reverse();
    expect(
      productReport(shuffled, { currency: "USD", current: { from: "2025-03-08", to: "2025-03-14" }, movers: 2 }),
    ).toEqual(report);
  });
});

describe("abcClasses", () => {
  it("breaks ties by key so a tie across the 80% line is deterministic", () => {
    const items = [
      { key: "z", amount: "10" },
      { key: "y", amount: "10" },
      { key: "w", amount: "70" },
      { key: "v", amount: "10" },
      { key: "u", amount: "0" },
    ];
    // w: 0% before → A; v: 70% → A; y: 80% → B; z: 90% → B; u has no sales → C.
    expect(Object.fromEntries(abcClasses(items))).toEqual({ w: "A", v: "A", y: "B", z: "B", u: "C" });
    expect(Object.fromEntries(abcClasses([...items].reverse()))).toEqual({ w: "A", v: "A", y: "B", z: "B", u: "C" });
  });
});
