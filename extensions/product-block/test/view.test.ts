import { describe, expect, it } from "vitest";

import {
  appLink,
  blockView,
  formatCover,
  formatMoney,
  formatPeriod,
  productNumber,
  type BlockData,
} from "../src/view.ts";

const data: BlockData = {
  shopifyProductId: "42",
  currency: "USD",
  period: { from: "2026-11-04", to: "2026-12-03" },
  variants: [{ sku: "MUG", title: "Mug", appPath: "/app/products/prod_1" }],
  channels: [
    { channel: "amazon", units: 6, netSales: "60.00", contributionProfit: "24.50" },
    { channel: "shopify", units: 1200, netSales: "12000.10", contributionProfit: "-3.00" },
  ],
  total: { units: 1206, netSales: "12060.10", contributionProfit: "21.50" },
  stock: [
    {
      sku: "MUG",
      channel: "amazon",
      available: 0,
      daysOfCover: 0,
      stockOutDate: "2026-12-03",
      status: "out_of_stock",
      forecasted: true,
    },
    {
      sku: "MUG",
      channel: "shopify",
      available: 50,
      daysOfCover: 9.99,
      stockOutDate: "2026-12-12",
      status: "low_stock",
      forecasted: true,
    },
  ],
};

describe("the block's figures as shown", () => {
  it("formats the channels' money exactly in the shop's currency, with a total row", () => {
    const view = blockView(data);
    expect(view.sales).toEqual([
      { key: "amazon", channel: "Amazon", units: "6", netSales: "$60.00", contributionProfit: "$24.50" },
      { key: "shopify", channel: "Shopify", units: "1,200", netSales: "$12,000.10", contributionProfit: "-$3.00" },
    ]);
    expect(view.total).toMatchObject({ channel: "All channels", units: "1,206", netSales: "$12,060.10" });
    expect(view.period).toBe("Nov 4 – Dec 3");
    expect(formatMoney("0.1", "JPY")).toBe("¥0");
    expect(formatMoney("19999999999999999.99", "EUR")).toBe("€19,999,999,999,999,999.99");
  });

  it("says days of cover in words, whole days rounded down, and marks low and out of stock", () => {
    const view = blockView(data);
    expect(view.stock.map((row) => [row.channel, row.stock, row.cover, row.tone, row.sku])).toEqual([
      ["Amazon", "0", "Out of stock", "critical", null],
      ["Shopify", "50", "9 days", "warning", null],
    ]);
    expect(formatCover({ status: "ok", daysOfCover: 1.5, forecasted: true })).toBe("1 day");
    expect(formatCover({ status: "low_stock", daysOfCover: 0.4, forecasted: true })).toBe("Less than 1 day");
    expect(formatCover({ status: "no_demand", daysOfCover: null, forecasted: false })).toBe("No forecast yet");
  });

  it("links each catalog product into the app inside the admin, naming variants when there are several", () => {
    expect(blockView(data).links).toEqual([
      { key: "MUG", label: "View in Crosschannel", href: "app:app/products/prod_1" },
    ]);
    const two = blockView({
      ...data,
      variants: [...data.variants, { sku: "MUG-L", title: "Mug - Large", appPath: "/app/products/prod_2" }],
    });
    expect(two.links.map((link) => link.label)).toEqual([
      "Mug (MUG) in Crosschannel",
      "Mug - Large (MUG-L) in Crosschannel",
    ]);
    expect(two.stock.map((row) => row.sku)).toEqual(["MUG", "MUG"]);
    expect(appLink("/app/products/x")).toBe("app:app/products/x");
  });

  it("reads the numeric id of the product's GID and refuses anything else", () => {
    expect(productNumber("gid://shopify/Product/8123456789")).toBe("8123456789");
    expect(() => productNumber("gid://shopify/Order/1")).toThrow(/Not a product id/);
    expect(formatPeriod({ from: "2026-12-03", to: "2026-12-03" })).toBe("Dec 3 – Dec 3");
  });
});
