import { describe, expect, it } from "vitest";
import { ChannelListing, ChannelOrder, FeeEvent, InventoryLevel } from "../src/models.ts";
import { MAX_ORDER_EVENT_LAG_DAYS, MerchantDataset, dateOf, dayNumber } from "../src/simulator/dataset.ts";
import { Rng, hashKeys } from "../src/simulator/prng.ts";
import { moneyToMinor } from "../src/decimal.ts";

const merchant = new MerchantDataset({ seed: "northwind", start: "2026-01-01", days: 365, skus: 60, ordersPerDay: 50 });
const asOf = `${merchant.end}T00:00:00.000Z`;

describe("seeded PRNG", () => {
  it("is deterministic per key and differs across keys", () => {
    const a = Rng.for("seed", 1);
    const b = Rng.for("seed", 1);
    const sequence = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(sequence);
    expect(Rng.for("seed", 2).next()).not.toBe(sequence[0]);
    expect(hashKeys("a", "bc")).not.toBe(hashKeys("ab", "c"));
    const rng = Rng.for("poisson");
    const mean = Array.from({ length: 4_000 }, () => rng.poisson(4)).reduce((sum, value) => sum + value, 0) / 4_000;
    expect(mean).toBeGreaterThan(3.8);
    expect(mean).toBeLessThan(4.2);
  });
});

describe("MerchantDataset", () => {
  it("is deterministic, and any day can be generated on its own", () => {
    const again = new MerchantDataset({
      seed: "northwind",
      start: "2026-01-01",
      days: 365,
      skus: 60,
      ordersPerDay: 50,
    });
    expect(again.products).toEqual(merchant.products);
    expect(again.ordersOn("2026-07-14")).toEqual(merchant.ordersOn("2026-07-14"));
    const sequential = [...merchant.orders({ from: "2026-03-01", to: "2026-03-04" })];
    const randomAccess = ["2026-03-03", "2026-03-01", "2026-03-02"].map((date) => merchant.ordersOn(date));
    expect(sequential).toEqual([...randomAccess[1]!, ...randomAccess[2]!, ...randomAccess[0]!]);
    const other = new MerchantDataset({ seed: "contoso", start: "2026-01-01", days: 365, skus: 60, ordersPerDay: 50 });
    expect(other.ordersOn("2026-07-14")).not.toEqual(merchant.ordersOn("2026-07-14"));
  });

  it("has a catalog with unique SKUs, unit costs below prices and per-channel prices and currencies", () => {
    const skus = new Set(merchant.products.map((product) => product.sku));
    expect(skus.size).toBe(60);
    for (const product of merchant.products) {
      expect(product.unitCostMinor).toBeLessThan(product.basePriceMinor);
      expect(product.title.length).toBeGreaterThan(3);
    }
    const sku = merchant.products[0]!.sku;
    expect(merchant.priceMinor(sku, "bestbuy")).toBeGreaterThan(merchant.priceMinor(sku, "shopify"));
    expect(merchant.priceMinor(sku, "shopify") % 100).toBe(99);
    expect(merchant.channels.map((channel) => channel.currency)).toEqual(["USD", "USD", "CAD"]);
  });

  it("serves orders that are valid normalized records on every channel", () => {
    let checked = 0;
    for (const order of merchant.orders({ from: "2026-05-01", to: "2026-05-15" })) {
      const view = merchant.orderAsOf(order, asOf);
      const parsed = ChannelOrder.safeParse(view);
      expect(parsed.success, parsed.success ? "" : JSON.stringify(parsed.error.issues)).toBe(true);
      if (view?.pricesKnown && view.total !== null) {
        const lines = view.lines.reduce(
          (sum, line) =>
            sum + moneyToMinor(line.grossSales!, view.currency) - moneyToMinor(line.discount!, view.currency),
          0n,
        );
        expect(moneyToMinor(view.subtotal!, view.currency) - moneyToMinor(view.discountTotal!, view.currency)).toBe(
          lines,
        );
      }
      checked += 1;
    }
    expect(checked).toBeGreaterThan(500);
  });

  it("shows an order's life: pending without prices, then open, fulfilled, refunded later", () => {
    const pendingAmazon = [...merchant.orders({ channel: "amazon", from: "2026-02-01", to: "2026-03-01" })].find(
      (order) =>
        order.cancelledAt === null &&
        order.refunds.some((refund) => refund.createdAt.slice(0, 10) > order.placedAt.slice(0, 10)),
    );
    expect(pendingAmazon).toBeDefined();
    const order = pendingAmazon!;
    const atPlacement = merchant.orderAsOf(order, order.placedAt)!;
    expect(atPlacement).toMatchObject({ status: "pending", pricesKnown: false, total: null, refunds: [] });
    expect(atPlacement.lines[0]?.unitPrice).toBeNull();
    expect(merchant.orderAsOf(order, order.acceptedAt)).toMatchObject({ status: "open", pricesKnown: true });
    expect(merchant.orderAsOf(order, order.fulfilledAt!)).toMatchObject({ status: "fulfilled", refunds: [] });
    const refunded = merchant.orderAsOf(order, asOf)!;
    expect(refunded.refunds).toHaveLength(1);
    expect(refunded.updatedAt).toBe(order.refunds[0]!.createdAt);
    expect(merchant.orderAsOf(order, new Date(Date.parse(order.placedAt) - 1000).toISOString())).toBeNull();
  });

  it("includes cancellations, partial cancellations, promotions and full, partial-unit and amount-only refunds", () => {
    const views = [...merchant.orders({ from: "2026-01-01", to: "2026-07-01" })].map((order) =>
      merchant.orderAsOf(order, asOf)!,
    );
    const refunds = views.flatMap((view) => view.refunds);
    expect(views.filter((view) => view.status === "cancelled").length).toBeGreaterThan(50);
    expect(views.some((view) => view.lines.some((line) => line.quantityCancelled > 0 && !line.cancelled))).toBe(true);
    expect(views.some((view) => view.lines.some((line) => line.discount !== null && line.discount !== "0.00"))).toBe(
      true,
    );
    expect(refunds.some((refund) => refund.quantity === 0)).toBe(true);
    const partialUnits = views.some((view) =>
      view.refunds.some((refund) => {
        const line = view.lines.find((candidate) => candidate.externalId === refund.lineExternalId);
        return refund.quantity > 0 && line !== undefined && refund.quantity < line.quantity - line.quantityCancelled;
      }),
    );
    expect(partialUnits).toBe(true);
    const refundRate = refunds.length / views.length;
    expect(refundRate).toBeGreaterThan(0.03);
    expect(refundRate).toBeLessThan(0.1);
  });

  it("has weekly and yearly seasonality", () => {
    const byWeekday = Array.from({ length: 7 }, () => 0);
    const byMonth = new Map<string, number>();
    for (const date of merchant.dates()) {
      const count = merchant.ordersOn(date).length;
      byWeekday[(new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7]! += count;
      byMonth.set(date.slice(5, 7), (byMonth.get(date.slice(5, 7)) ?? 0) + count);
    }
    const weekend = byWeekday[5]!;
    const tuesday = byWeekday[1]!;
    expect(weekend / tuesday).toBeGreaterThan(1.15);
    expect(byMonth.get("12")! / byMonth.get("06")!).toBeGreaterThan(1.3);
    expect(merchant.seasonality("2026-11-27")).toBeGreaterThan(merchant.seasonality("2026-11-20") * 1.4);
  });

  it("runs SKUs out of stock, and nothing sells while they are out", () => {
    let stockOutDays = 0;
    let lostUnits = 0;
    for (const date of merchant.dates()) {
      if (date > "2026-04-30") break;
      const soldSkus = new Set(
        merchant.ordersOn(date, "amazon").flatMap((order) => order.lines.map((line) => line.sku)),
      );
      for (const product of merchant.products) {
        if (!merchant.isListed(product.sku, "amazon")) continue;
        const stock = merchant.inventory(product.sku, "amazon", date);
        if (stock.stockedOut) {
          stockOutDays += 1;
          expect(stock.available).toBe(0);
          expect(soldSkus.has(product.sku)).toBe(false);
        }
      }
      lostUnits += merchant.demand(date).reduce((sum, row) => sum + (row.channel === "amazon" ? row.unitsLost : 0), 0);
    }
    expect(stockOutDays).toBeGreaterThan(20);
    expect(lostUnits).toBeGreaterThan(0);
  });

  it("produces valid listings and per-channel inventory", () => {
    for (const product of merchant.products) {
      for (const channel of merchant.channels) {
        const listing = merchant.listingAsOf(product.sku, channel.id, asOf);
        if (listing) expect(ChannelListing.parse(listing).currency).toBe(channel.currency);
        expect(InventoryLevel.parse(merchant.inventoryLevel(product.sku, channel.id, "2026-06-01")).locationId).toBe(
          channel.locationId,
        );
      }
    }
    const listedOnBestBuy = merchant.products.filter((product) => merchant.isListed(product.sku, "bestbuy")).length;
    expect(listedOnBestBuy).toBeGreaterThan(20);
    expect(listedOnBestBuy).toBeLessThan(60);
  });

  it("streams fee events in time order, including refund credits and subscriptions", () => {
    const fees = [...merchant.fees({ channel: "amazon", from: "2026-03-01", to: "2026-04-01" })];
    expect(fees.length).toBeGreaterThan(500);
    for (let index = 1; index < fees.length; index += 1)
      expect(fees[index]!.occurredAt >= fees[index - 1]!.occurredAt).toBe(true);
    expect(fees.every((fee) => fee.occurredAt >= "2026-03-01" && fee.occurredAt < "2026-04-01")).toBe(true);
    expect(new Set(fees.map((fee) => fee.id)).size).toBe(fees.length);
    const types = new Set(fees.map((fee) => fee.type));
    expect([...types].sort()).toEqual(["commission", "fulfillment_fee", "refund_commission", "subscription"]);
    expect(fees.filter((fee) => fee.type === "refund_commission").every((fee) => fee.amountMinor > 0)).toBe(true);
    expect(fees.filter((fee) => fee.type === "commission").every((fee) => fee.amountMinor < 0)).toBe(true);
    for (const fee of fees.slice(0, 50)) FeeEvent.parse(merchant.feeEvent(fee));
    // Fees of an order placed up to the lag window earlier are included (late refunds).
    const late = fees.filter((fee) => fee.orderId !== null && fee.orderId.includes("-202602"));
    expect(late.length).toBeGreaterThan(0);
    expect(MAX_ORDER_EVENT_LAG_DAYS).toBeGreaterThanOrEqual(25);
  });

  it("generates large ranges lazily and fast (a year of a 50-orders-a-day seller)", () => {
    const started = performance.now();
    let orders = 0;
    let lines = 0;
    for (const order of merchant.orders()) {
      orders += 1;
      lines += order.lines.length;
    }
    expect(orders).toBeGreaterThan(365 * 45);
    expect(lines).toBeGreaterThan(orders);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(dateOf(dayNumber("2026-12-31"))).toBe("2026-12-31");
  });

  it("gives daily demand per SKU for forecasting over 1,000 SKUs", () => {
    const large = new MerchantDataset({ seed: 9, skus: 1_000, ordersPerDay: 400, start: "2025-01-01", days: 730 });
    const demand = large.demand("2025-06-02");
    expect(new Set(demand.map((row) => row.sku)).size).toBeGreaterThan(100);
    expect(demand.reduce((sum, row) => sum + row.unitsSold, 0)).toBeGreaterThan(300);
    expect(large.demand("2025-06-02")).toEqual(demand);
  });
});

describe('MerchantDataset profile "retail"', () => {
  const retail = new MerchantDataset({
    seed: "retail-1",
    start: "2024-01-01",
    days: 400,
    skus: 40,
    ordersPerDay: 80,
    profile: "retail",
  });
  const series = new Map<string, number[]>();
  [...retail.dates()].forEach((date, day) => {
    for (const row of retail.demand(date)) {
      const key = `${row.channel}|${row.sku}`;
      if (!series.has(key)) series.set(key, new Array<number>(retail.days).fill(0));
      (series.get(key) as number[])[day] = row.unitsSold + row.unitsLost;
    }
  });

  it("leaves the default data untouched", () => {
    const steady = new MerchantDataset({ seed: "retail-1", start: "2024-01-01", days: 30, skus: 40, ordersPerDay: 80 });
    const explicit = new MerchantDataset({
      seed: "retail-1",
      start: "2024-01-01",
      days: 30,
      skus: 40,
      ordersPerDay: 80,
      profile: "steady",
    });
    expect(explicit.products).toEqual(steady.products);
    expect(explicit.ordersOn("2024-01-15")).toEqual(steady.ordersOn("2024-01-15"));
    expect(steady.products.every((product) => product.launchedOn === undefined)).toBe(true);
  });

  it("has a long tail of slow movers: many series sell on fewer than half the days", () => {
    const mostlyZero = [...series.values()].filter(
      (values) => values.filter((value) => value === 0).length > values.length / 2,
    ).length;
    expect(mostlyZero / series.size).toBeGreaterThan(0.4);
    expect(mostlyZero / series.size).toBeLessThan(0.95);
  });

  it("launches and discontinues products inside the window, and shifts levels", () => {
    const launched = retail.products.filter((product) => product.launchedOn);
    const discontinued = retail.products.filter((product) => product.discontinuedOn);
    expect(launched.length).toBeGreaterThan(0);
    expect(discontinued.length).toBeGreaterThan(0);
    expect(retail.products.some((product) => (product.levelShifts ?? []).length > 0)).toBe(true);
    const dates = [...retail.dates()];
    for (const product of launched) {
      for (const [key, values] of series) {
        if (!key.endsWith(`|${product.sku}`)) continue;
        values.forEach((value, day) => {
          if ((dates[day] as string) < (product.launchedOn as string)) expect(value).toBe(0);
        });
      }
    }
    for (const product of discontinued) {
      for (const [key, values] of series) {
        if (!key.endsWith(`|${product.sku}`)) continue;
        values.forEach((value, day) => {
          if ((dates[day] as string) >= (product.discontinuedOn as string)) expect(value).toBe(0);
        });
      }
    }
  });

  it("spikes demand in deep promotions", () => {
    let promoted = 0;
    let promotedDays = 0;
    let regular = 0;
    let regularDays = 0;
    const dates = [...retail.dates()];
    for (const [key, values] of series) {
      const [channel, sku] = key.split("|") as [string, string];
      values.forEach((value, day) => {
        if (retail.promotion(sku, channel, dates[day] as string)) {
          promoted += value;
          promotedDays += 1;
        } else {
          regular += value;
          regularDays += 1;
        }
      });
    }
    expect(promoted / promotedDays).toBeGreaterThan((2 * regular) / regularDays);
  });
});
