import { describe, expect, it } from "vitest";
import { meanAbsoluteError, mase, seasonalNaiveScale, wape } from "./accuracy.ts";
import { croston, historicMean, seasonalNaive, tsb } from "./baselines.ts";

const intermittent = [0, 0, 3, 0, 0, 0, 2, 0, 4];

describe("seasonal naive", () => {
  it("repeats the last week, weekday for weekday", () => {
    const history = [9, 9, 1, 2, 3, 4, 5, 6, 7];
    expect(seasonalNaive(history, 10)).toEqual([1, 2, 3, 4, 5, 6, 7, 1, 2, 3]);
  });
  it("forecasts zero without history and repeats what there is when shorter than a week", () => {
    expect(seasonalNaive([], 3)).toEqual([0, 0, 0]);
    expect(seasonalNaive([4, 6], 3)).toEqual([4, 6, 4]);
    expect(historicMean([4, 6], 2)).toEqual([5, 5]);
  });
});

describe("Croston", () => {
  it("matches a hand computation with α = 0.1", () => {
    // First demand on day 3: z = 3, p = 3. Day 7 (4 days later): z = 3 + 0.1(2 − 3) = 2.9, p = 3 + 0.1(4 − 3) = 3.1.
    // Day 9 (2 days later): z = 2.9 + 0.1(4 − 2.9) = 3.01, p = 3.1 + 0.1(2 − 3.1) = 2.99.
    const forecast = croston(intermittent, 3);
    expect(forecast).toHaveLength(3);
    for (const value of forecast) expect(value).toBeCloseTo(3.01 / 2.99, 12);
  });
  it("forecasts zero when nothing ever sold and the size when demand is every day", () => {
    expect(croston([0, 0, 0], 2)).toEqual([0, 0]);
    expect(croston([5, 5, 5, 5], 1)[0]).toBeCloseTo(5, 12);
  });
});

describe("TSB", () => {
  it("matches a hand computation with α = β = 0.1", () => {
    // z = 3 and d = 1/3 at the first demand (day 3); d decays on each zero day and rises on demand days.
    let d = 1 / 3;
    d = d * 0.9; // day 4
    d = d * 0.9; // day 5
    d = d * 0.9; // day 6
    d = d + 0.1 * (1 - d); // day 7, demand 2: z = 2.9
    d = d * 0.9; // day 8
    d = d + 0.1 * (1 - d); // day 9, demand 4: z = 3.01
    expect(d).toBeCloseTo(0.3581469, 6);
    expect(tsb(intermittent, 2)).toEqual([d * 3.01, d * 3.01].map((value) => expect.closeTo(value, 12)));
  });
  it("decays towards zero after a product stops selling, unlike Croston", () => {
    const stopped = [2, 2, 2, 2, ...new Array<number>(60).fill(0)];
    expect(tsb(stopped, 1)[0]).toBeLessThan(0.01);
    expect(croston(stopped, 1)[0]).toBeCloseTo(2, 12);
  });
});

describe("accuracy", () => {
  it("scales MASE by the in-sample seasonal naive MAE", () => {
    const history = [1, 2, 3, 4, 5, 6, 7, 3, 2, 3, 4, 5, 6, 9];
    // |3−1| + 0 + 0 + 0 + 0 + 0 + |9−7| = 4 over 7 pairs.
    expect(seasonalNaiveScale(history)).toBeCloseTo(4 / 7, 12);
    expect(mase(2, 4 / 7)).toBeCloseTo(3.5, 12);
    expect(mase(0, 0)).toBe(0);
    expect(mase(1, 0)).toBeNull();
  });
  it("computes MAE and WAPE", () => {
    expect(meanAbsoluteError([1, 2, 3], [2, 2, 1])).toBeCloseTo(1, 12);
    expect(wape([1, 2, 3], [2, 2, 1])).toBeCloseTo(3 / 6, 12);
    expect(wape([0, 0], [0, 0])).toBe(0);
    expect(wape([0, 0], [1, 0])).toBeNull();
  });
});
