import { describe, expect, it } from "vitest";
import { buildInsights, buildInsightsPrompt, type InsightsInput, type PeriodMetrics } from "./insights.ts";

const current: PeriodMetrics = {
  netSales: { amount: "8214.50" },
  orders: 120,
  units: 180,
  byChannel: [
    { channel: "shopify", name: "Shopify", netSales: { amount: "4000.00" } },
    { channel: "amazon", name: "Amazon", netSales: { amount: "3500.00" } },
    { channel: "bestbuy", name: "Best Buy", netSales: { amount: "714.50" } },
  ],
  byProduct: [
    { sku: "MUG-BLUE", netSales: { amount: "1000.00" } },
    { sku: "TEE-RED", netSales: { amount: "500.00" } },
  ],
};
const previous: PeriodMetrics = {
  netSales: { amount: "7308.63" },
  orders: 110,
  units: 180,
  byChannel: [
    { channel: "amazon", name: "Amazon", netSales: { amount: "2859.80" } },
    { channel: "bestbuy", name: "Best Buy", netSales: { amount: "777.50" } },
    { channel: "shopify", name: "Shopify", netSales: { amount: "3700.00" } },
  ],
  byProduct: [
    { sku: "TEE-RED", netSales: { amount: "600.00" } },
    { sku: "MUG-BLUE", netSales: { amount: "690.00" } },
  ],
};
const week: InsightsInput = { currency: "USD", period: "week", current, previous };

describe("buildInsights", () => {
  it("states the change and names the biggest drivers and the channel going the other way", () => {
    const insights = buildInsights(week);
    // (8214.50 − 7308.63) / 7308.63 = 12.39%; Amazon +640.20, Shopify +300.00; MUG-BLUE +310.00; Best Buy −63.00 = −8.10%.
    expect(insights.headline).toBe("Net sales rose 12.4% to $8,214.50 this week.");
    expect(insights.sentences).toEqual([
      "Net sales rose 12.4% to $8,214.50 this week, driven by Amazon (+$640.20) and SKU MUG-BLUE (+$310.00); Best Buy fell 8.1%.",
      "Orders rose 9.1% to 120; units held at 180.",
    ]);
    const total = insights.facts[0];
    expect(total).toMatchObject({
      subject: "total",
      metric: "netSales",
      current: "8214.50",
      previous: "7308.63",
      change: "905.87",
    });
    expect(total?.changeRatio).toBeCloseTo(905.87 / 7308.63, 10);
    expect(insights.facts.filter((fact) => fact.subject === "channel").map((fact) => [fact.key, fact.change])).toEqual([
      ["amazon", "640.20"],
      ["shopify", "300.00"],
      ["bestbuy", "-63.00"],
    ]);
  });

  it("is deterministic: input order doesn't change a word", () => {
    const reordered: InsightsInput = {
      ...week,
      current: { ...current, byChannel: [...current.byChannel].reverse(), byProduct: [...current.byProduct].reverse() },
    };
    expect(buildInsights(reordered)).toEqual(buildInsights(week));
  });

  it("names more drivers when asked and a fall with the channel that held up", () => {
    const falling = buildInsights({ ...week, current: previous, previous: current, drivers: 2 });
    expect(falling.headline).toBe("Net sales fell 11.0% to $7,308.63 this week.");
    // TEE-RED rose while the total fell, so it is no driver; Best Buy went 714.50 → 777.50 (+8.8%).
    expect(falling.sentences[0]).toBe(
      "Net sales fell 11.0% to $7,308.63 this week, driven by Amazon (−$640.20), Shopify (−$300.00) and SKU MUG-BLUE (−$310.00); Best Buy rose 8.8%.",
    );
  });

  it("handles a previous period with no sales", () => {
    const empty: PeriodMetrics = { netSales: { amount: "0" }, orders: 0, units: 0, byChannel: [], byProduct: [] };
    const insights = buildInsights({ ...week, previous: empty });
    expect(insights.headline).toBe("Net sales were $8,214.50 this week, up from $0.00 last week.");
    expect(insights.sentences[1]).toBe("Orders went from 0 to 120; units went from 0 to 180.");
    expect(insights.facts[0]?.changeRatio).toBeNull();
    expect(buildInsights({ ...week, current: empty, previous: empty }).headline).toBe(
      "No net sales this week or last week.",
    );
  });

  it("says honestly when a total can't be computed", () => {
    const unconvertible: PeriodMetrics = {
      ...current,
      netSales: { amount: null, missingRates: ["CAD"] },
      byChannel: [
        ...current.byChannel.slice(0, 2),
        { channel: "bestbuy", name: "Best Buy", netSales: { amount: null, missingRates: ["CAD"] } },
      ],
    };
    const insights = buildInsights({ ...week, current: unconvertible });
    expect(insights.headline).toBe("Net sales can't be totalled this week: CAD amounts have no exchange rate.");
    expect(insights.sentences).toContain("Best Buy can't be totalled this week: CAD amounts have no exchange rate.");
    expect(insights.facts[0]).toMatchObject({ current: null, change: null, changeRatio: null, missingRates: ["CAD"] });

    const before = buildInsights({
      ...week,
      previous: { ...previous, netSales: { amount: null, missingRates: ["MXN", "CAD"] } },
    });
    expect(before.sentences[0]).toBe(
      "Net sales were $8,214.50 this week; last week can't be totalled (CAD and MXN amounts have no exchange rate), so there is no comparison.",
    );
  });

  it("calls a change that rounds to 0.0% flat, and formats for the shop's locale and currency", () => {
    const flat = buildInsights({ ...week, previous: { ...current, netSales: { amount: "8214.49" } } });
    expect(flat.headline).toBe("Net sales were flat at $8,214.50 this week.");
    const euro = buildInsights({ ...week, currency: "EUR", locale: "de-DE", period: "month" });
    expect(euro.headline).toBe("Net sales rose 12,4\u00a0% to 8.214,50\u00a0€ this month.");
  });
});

describe("buildInsightsPrompt", () => {
  it("carries the draft and the facts and forbids changing numbers", () => {
    const insights = buildInsights(week);
    const prompt = buildInsightsPrompt(insights, { locale: "fr-CA" });
    expect(prompt.system).toMatch(/Do not add, remove, round or recompute any number/);
    expect(prompt.system).toMatch(/fr-CA/);
    expect(prompt.user).toContain(insights.sentences[0]);
    expect(JSON.parse(prompt.user.slice(prompt.user.indexOf("[")))).toEqual(insights.facts);
  });
});
