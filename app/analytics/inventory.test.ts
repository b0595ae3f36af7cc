import { describe, expect, it } from "vitest";
import { addDays } from "./days.ts";
import { assessInventory, coverOf, safetyStockFor } from "./inventory.ts";

const flat = (perDay: number, days = 90, start = "2025-06-01") =>
  Array.from({ length: days }, (_, index) => ({ day: addDays(start, index), mean: perDay }));
const stock = { sku: "MUG-BLUE", channel: "amazon", locationId: "FBA-US" };

describe("assessInventory", () => {
  it("computes cover, reorder point, safety stock and order quantity on known numbers", () => {
    const health = assessInventory(
      { ...stock, available: 35, reserved: 4, inbound: 50 },
      { points: flat(10), dailyErrorSd: 3 },
      { leadTimeDays: 9, serviceLevel: 0.95 },
    );
    // 35 units at 10/day: three full days, then half of the fourth.
    expect(health.daysOfCover).toBeCloseTo(3.5, 12);
    expect(health.stockOutDate).toBe("2025-06-04");
    expect(health.leadTimeDemand).toBeCloseTo(90, 12);
    // z(0.95) = 1.6448536; σ × √9 = 9.
    expect(health.safetyStock).toBeCloseTo(1.644853627 * 9, 6);
    expect(health.reorderPoint).toBeCloseTo(90 + 1.644853627 * 9, 6);
    expect(health.inventoryPosition).toBe(85);
    // Order up to reorder point + 30 days × 10 = 404.80; 404.80 − 85 → 320 units.
    expect(health.suggestedOrderQuantity).toBe(320);
    expect(health.lowStock).toBe(true);
    expect(health.stockedOut).toBe(false);
    expect(health.status).toBe("low_stock");
  });

  it("orders nothing above the reorder point and calls the stock ok", () => {
    const health = assessInventory(
      { ...stock, available: 400, reserved: 0, inbound: 0 },
      { points: flat(10), dailyErrorSd: 3 },
      { leadTimeDays: 9, lowStockDays: 14 },
    );
    expect(health.daysOfCover).toBeCloseTo(40, 12);
    // The 40th day (index 39) sells the last 10 units.
    expect(health.stockOutDate).toBe("2025-07-10");
    expect(health.suggestedOrderQuantity).toBe(0);
    expect(health.status).toBe("ok");
  });

  it("reports a stock-out and counts oversold units against the position", () => {
    const health = assessInventory(
      { ...stock, available: -3, reserved: 0, inbound: 10 },
      { points: flat(2), dailyErrorSd: 0 },
      { leadTimeDays: 5, orderCoverDays: 10 },
    );
    expect(health.daysOfCover).toBe(0);
    expect(health.stockOutDate).toBe("2025-06-01");
    expect(health.stockedOut).toBe(true);
    expect(health.lowStock).toBe(false);
    expect(health.status).toBe("out_of_stock");
    // Reorder point 10 (no safety stock at σ = 0); position 7; order up to 10 + 20 = 30 → 23.
    expect(health.inventoryPosition).toBe(7);
    expect(health.suggestedOrderQuantity).toBe(23);
  });

  it("treats a zero forecast as no demand: infinite cover, no stock-out date", () => {
    const health = assessInventory(
      { ...stock, available: 12, reserved: 1, inbound: 0 },
      { points: flat(0), dailyErrorSd: 0 },
      { leadTimeDays: 7 },
    );
    expect(health.daysOfCover).toBe(Infinity);
    expect(health.stockOutDate).toBeNull();
    expect(health.status).toBe("no_demand");
    expect(health.suggestedOrderQuantity).toBe(0);
  });

  it("rejects impossible settings", () => {
    const demand = { points: flat(1), dailyErrorSd: 1 };
    expect(() =>
      assessInventory({ ...stock, available: 1, reserved: 0, inbound: 0 }, demand, { leadTimeDays: -1 }),
    ).toThrow(RangeError);
    expect(() =>
      assessInventory({ ...stock, available: 1, reserved: 0, inbound: 0 }, demand, {
        leadTimeDays: 1,
        serviceLevel: 1,
      }),
    ).toThrow(RangeError);
  });
});

describe("coverOf", () => {
  it("walks an uneven forecast day by day", () => {
    const points = [5, 0, 20, 1].map((mean, index) => ({ day: addDays("2025-01-01", index), mean }));
    // 12 units: 5 on day 0, none on day 1, the remaining 7 are 7/20 of day 2.
    expect(coverOf(12, points)).toEqual({ daysOfCover: 2.35, stockOutDate: "2025-01-03" });
  });

  it("extrapolates past the horizon at the last 28 days' average", () => {
    const points = flat(1);
    // 90 units over the horizon, then 10 more days at 1/day.
    expect(coverOf(100, points)).toEqual({ daysOfCover: 100, stockOutDate: "2025-09-08" });
  });

  it("computes safety stock from z, σ and √lead time", () => {
    expect(safetyStockFor(0.5, 10, 4)).toBeCloseTo(0, 9);
    expect(safetyStockFor(0.975, 2, 16)).toBeCloseTo(1.9599639845 * 2 * 4, 6);
  });
});
