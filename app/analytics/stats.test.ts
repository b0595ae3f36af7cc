import { describe, expect, it } from "vitest";
import { mean, median, medianAbsoluteDeviation, normalQuantile, quantile, slope, standardDeviation } from "./stats.ts";

describe("stats", () => {
  it("computes order statistics by hand-checkable rules", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // Type 7: position 0.9 × 4 = 3.6 → 4 + 0.6 × (10 − 4).
    expect(quantile([1, 2, 3, 4, 10], 0.9)).toBeCloseTo(7.6, 12);
    // |x − 3| = 2, 1, 0, 1, 7 → median 1.
    expect(medianAbsoluteDeviation([1, 2, 3, 4, 10])).toBe(1);
    expect(mean([1, 2, 3, 4])).toBe(2.5);
    expect(standardDeviation([2, 4, 4, 4, 5, 5, 7, 9])).toBeCloseTo(Math.sqrt(32 / 7), 12);
    expect(slope([1, 3, 5, 7])).toBeCloseTo(2, 12);
    expect(slope([4])).toBe(0);
  });

  it("inverts the normal CDF to published z values", () => {
    expect(normalQuantile(0.5)).toBeCloseTo(0, 9);
    expect(normalQuantile(0.9)).toBeCloseTo(1.2815515655, 8);
    expect(normalQuantile(0.95)).toBeCloseTo(1.644853627, 8);
    expect(normalQuantile(0.975)).toBeCloseTo(1.9599639845, 8);
    expect(normalQuantile(0.99)).toBeCloseTo(2.326347874, 8);
    expect(normalQuantile(0.01)).toBeCloseTo(-2.326347874, 8);
    expect(normalQuantile(0.001)).toBeCloseTo(-3.0902323062, 7);
    expect(() => normalQuantile(1.5)).toThrow(RangeError);
  });
});
