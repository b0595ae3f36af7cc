import { beforeAll, describe, expect, it } from "vitest";
import { type Augurs, loadAugurs } from "./augurs.ts";
import { capSpikes, weekdayProfile } from "./baselines.ts";
import { type DemandForecast, accuracySummary, forecastDemand, productLife, yearlyFactors } from "./index.ts";
import { countInterval, fitDispersion } from "./intervals.ts";

let augurs: Augurs;
beforeAll(async () => {
  augurs = await loadAugurs();
});

const WEEK = [2, 1, 1, 2, 4, 6, 5];
/** Deterministic pseudo-random in [0, 1) so tests never flake. */
function noise(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function poisson(random: () => number, mean: number): number {
  const limit = Math.exp(-mean);
  let count = 0;
  let product = random();
  while (product > limit) {
    count += 1;
    product *= random();
  }
  return count;
}

/** Negative binomial as a gamma–Poisson mixture (gamma by the sum of `shape` exponentials, shape a whole number). */
function negativeBinomial(random: () => number, mean: number, shape: number): number {
  let gamma = 0;
  for (let index = 0; index < shape; index += 1) gamma -= Math.log(1 - random());
  return poisson(random, (mean * gamma) / shape);
}

/** Holdout coverage of the 80% / 95% intervals over many series drawn by `draw`. */
function holdoutCoverage(draw: (random: () => number) => number, seeds: number, days = 364, holdout = 56) {
  let inside80 = 0;
  let inside95 = 0;
  let total = 0;
  let zeroLowerBounds = 0;
  let forecast: DemandForecast | null = null;
  for (let seed = 1; seed <= seeds; seed += 1) {
    const random = noise(seed * 7919);
    const values = Array.from({ length: days + holdout }, () => draw(random));
    forecast = forecastDemand(
      { start: "2025-01-06", values: values.slice(0, days) },
      { augurs: null, horizon: holdout },
    );
    forecast.points.forEach((point, step) => {
      const actual = values[days + step] as number;
      if (actual >= point.lo80 && actual <= point.hi80) inside80 += 1;
      if (actual >= point.lo95 && actual <= point.hi95) inside95 += 1;
      if (point.lo80 === 0 && point.lo95 === 0) zeroLowerBounds += 1;
      total += 1;
    });
  }
  return { coverage80: inside80 / total, coverage95: inside95 / total, zeroLower: zeroLowerBounds / total, forecast };
}

describe("forecast intervals are calibrated on count data", () => {
  it("covers ~80% and ~95% of held-out days of slow Poisson sellers, with a zero lower bound", () => {
    const result = holdoutCoverage((random) => poisson(random, 0.4), 30);
    expect(result.forecast?.demandClass).toBe("intermittent");
    expect(result.coverage80).toBeGreaterThan(0.72);
    expect(result.coverage80).toBeLessThan(0.9);
    expect(result.coverage95).toBeGreaterThan(0.92);
    expect(result.coverage95).toBeLessThan(0.995);
    // Zeros are most days: every interval must reach down to 0.
    expect(result.zeroLower).toBe(1);
  });

  it("covers ~80% and ~95% of held-out days of over-dispersed (negative binomial) sellers", () => {
    const result = holdoutCoverage((random) => negativeBinomial(random, 6, 2), 30);
    expect(result.forecast?.demandClass).toBe("smooth");
    expect(result.coverage80).toBeGreaterThan(0.74);
    expect(result.coverage80).toBeLessThan(0.87);
    expect(result.coverage95).toBeGreaterThan(0.92);
    expect(result.coverage95).toBeLessThan(0.985);
  });

  it("covers a faster Poisson seller, and reports the backtest coverage with the forecast", () => {
    const result = holdoutCoverage((random) => poisson(random, 12), 20);
    expect(result.coverage80).toBeGreaterThan(0.74);
    expect(result.coverage80).toBeLessThan(0.88);
    expect(result.coverage95).toBeGreaterThan(0.92);
    const accuracy = result.forecast?.accuracy;
    expect(accuracy?.status).toBe("measured");
    expect(accuracy?.days).toBe(4 * 28);
    expect(accuracy?.coverage80).toBeGreaterThan(0.65);
    expect(accuracy?.coverage95).toBeGreaterThan(0.85);
    expect(accuracy?.summary).toMatch(
      /^Typically off by \d+% of weekly units; the 80% range held on \d+% of past days/,
    );
  });

  it("builds count intervals that start at 0 when zeros are likely and widen with the mean", () => {
    expect(countInterval(0.3, { d: 1, phi: 0 }, 0.8)).toEqual({ lo: 0, hi: 0 });
    expect(countInterval(0.3, { d: 1, phi: 0 }, 0.95)).toEqual({ lo: 0, hi: 1 });
    expect(countInterval(0.3, { d: 1, phi: 2 }, 0.95).lo).toBe(0);
    const fast = countInterval(400, { d: 1, phi: 0.01 }, 0.95);
    // Var = 400 + 0.01 × 400² = 2000: ±1.96 × 44.7.
    expect(fast.lo).toBeCloseTo(312, -1);
    expect(fast.hi).toBeCloseTo(488, -1);
    expect(countInterval(5, { d: 0, phi: 0 }, 0.95)).toEqual({ lo: 5, hi: 5 });
    expect(countInterval(0, { d: 1, phi: 1 }, 0.95)).toEqual({ lo: 0, hi: 0 });
    expect(fitDispersion([0, 0, 0], [0, 0, 0])).toEqual({ d: 0, phi: 0 });
    expect(fitDispersion([5, 5, 5], [5, 5, 5])).toEqual({ d: 0, phi: 0 });
    expect(fitDispersion([0, 10, 0, 10], [5, 5, 5, 5]).phi).toBeCloseTo((100 - 20) / 100, 12);
  });
});

describe("forecastDemand", () => {
  it("forecasts a constant series as that constant without fitting AutoETS or MSTL", () => {
    const result = forecastDemand({ start: "2025-01-01", values: new Array<number>(200).fill(5) }, { augurs });
    expect(result.points).toHaveLength(90);
    expect(result.points[0]?.day).toBe("2025-07-20");
    expect(result.points[89]?.day).toBe("2025-10-17");
    for (const point of result.points) {
      expect(point.mean).toBeCloseTo(5, 6);
      expect(point.lo95).toBeCloseTo(5, 6);
      expect(point.hi95).toBeCloseTo(5, 6);
    }
    const skipped = result.backtest.candidates.filter((candidate) => candidate.error === "skipped: constant history");
    expect(skipped.map((candidate) => candidate.method).sort()).toEqual(["ets", "mstl"]);
    expect(result.backtest.members).not.toContain("ets");
    expect(result.mase).toBeCloseTo(0, 6);
    expect(result.demandClass).toBe("smooth");
  });

  it("drops a candidate that overruns its time budget and still forecasts", () => {
    const random = noise(5);
    const values = Array.from({ length: 300 }, (_, day) => poisson(random, 4 * (WEEK[day % 7] as number)));
    const result = forecastDemand({ start: "2025-01-01", values }, { augurs, candidateBudgetMs: 0 });
    for (const method of ["mstl", "ets"]) {
      expect(result.backtest.candidates.find((candidate) => candidate.method === method)?.error).toMatch(
        /over the time budget/,
      );
    }
    expect(result.backtest.members.length).toBeGreaterThan(0);
    expect(result.backtest.members).not.toContain("mstl");
    expect(result.points).toHaveLength(90);
  });

  it("follows a weekly pattern, keeps seasonal naive as a benchmark only, and averages the best candidates", () => {
    const random = noise(11);
    const values = Array.from({ length: 400 }, (_, day) => poisson(random, 2 + 3 * (WEEK[day % 7] as number)));
    const result = forecastDemand({ start: "2024-03-04", values }, { augurs });
    const naive = result.backtest.candidates.find((candidate) => candidate.method === "seasonalNaive");
    expect(naive?.mae).not.toBeNull();
    expect(result.backtest.members).not.toContain("seasonalNaive");
    expect(result.backtest.members.length).toBeGreaterThanOrEqual(1);
    expect(result.backtest.members.length).toBeLessThanOrEqual(2);
    if (result.backtest.members.length === 2) expect(result.method).toBe("combination");
    // The forecast beats the benchmark on its own backtest.
    expect(result.backtest.mae as number).toBeLessThan(naive?.mae as number);
    // Fitting window = last 364 days (from 2024-04-09); 4 origins 28 days apart, the last 28 days before the first forecast day.
    expect(result.backtest.origins).toEqual(["2024-12-17", "2025-01-14", "2025-02-11", "2025-03-11"]);
    // Weekend peak (days 5, 6 of the week: the history starts on a Monday and has 400 days, so day 0 is a Friday).
    const byWeekday = (weekday: number) =>
      result.points.filter((_, step) => (400 + step) % 7 === weekday).reduce((sum, point) => sum + point.mean, 0);
    expect(byWeekday(5)).toBeGreaterThan(1.5 * byWeekday(1));
  });

  it("starts from the moving average, and lets a model in only when it beats it on the backtest by 10%", () => {
    const random = noise(23);
    const steady = Array.from({ length: 400 }, (_, day) => poisson(random, 3 * (WEEK[day % 7] as number)));
    const plain = forecastDemand({ start: "2024-03-04", values: steady }, { augurs });
    expect(plain.backtest.members[0]).toBe("movingAverage");
    const error = (method: string) => plain.backtest.candidates.find((c) => c.method === method)?.rmse ?? Infinity;
    for (const member of plain.backtest.members.slice(1)) {
      expect(error(member) ** 2).toBeLessThan(0.9 * error("movingAverage") ** 2);
    }
    // A steep trend: the 28-day mean lags by two weeks of growth, the models follow it and join.
    const rising = Array.from({ length: 400 }, (_, day) => poisson(random, 5 + 0.5 * day));
    const trend = forecastDemand({ start: "2024-03-04", values: rising }, { augurs });
    expect(trend.backtest.members).toContain("movingAverage");
    expect(trend.backtest.members.length).toBe(2);
    expect(trend.method).toBe("combination");
    expect(["mstl", "ets", "ses"]).toContain(trend.backtest.members[1]);
  });

  it("clips a declining model forecast at zero and keeps intervals ordered", () => {
    const values = Array.from({ length: 232 }, (_, day) => 60 - 0.25 * day + (WEEK[day % 7] as number) / 10);
    const result = forecastDemand({ start: "2025-01-01", values }, { augurs, methods: ["mstl"] });
    expect(result.method).toBe("mstl");
    expect(result.points[0]?.mean).toBeGreaterThan(0);
    expect(result.points.slice(30).every((point) => point.mean === 0 && point.lo95 === 0)).toBe(true);
    for (const point of result.points) {
      expect(point.lo95).toBeLessThanOrEqual(point.lo80);
      expect(point.lo80).toBeLessThanOrEqual(point.mean);
      expect(point.mean).toBeLessThanOrEqual(point.hi80);
      expect(point.hi80).toBeLessThanOrEqual(point.hi95);
    }
  });

  it("trims the zeros before a new product's first sale, so a daily seller is smooth and gets the models", () => {
    const random = noise(17);
    const values = [...new Array<number>(200).fill(0), ...Array.from({ length: 150 }, () => poisson(random, 6))];
    const result = forecastDemand({ start: "2025-01-01", values }, { augurs });
    expect(result.history).toEqual({ start: "2025-07-20", days: 150, trimmed: "first_sale" });
    expect(result.demandClass).toBe("smooth");
    expect(result.backtest.candidates.map((candidate) => candidate.method)).toContain("ets");
    expect(result.backtest.origins).toHaveLength(4);
    expect(result.points[0]?.mean).toBeGreaterThan(4);
  });

  it("starts again after a relaunch (a long gap), but keeps the zeros of a product that stopped selling", () => {
    const early = [3, 0, 2, 4, 0, 1, 5, 2, 0, 3];
    expect(productLife([0, 0, ...early, ...new Array<number>(120).fill(0), 4, 0, 2])).toEqual({
      offset: 132,
      trimmed: "relaunch",
    });
    expect(productLife([...early, ...new Array<number>(120).fill(0)])).toEqual({ offset: 0, trimmed: null });
    expect(productLife([0, 0, 0])).toBeNull();
    // A slow seller's ordinary gaps are no relaunch.
    const slow = Array.from({ length: 360 }, (_, day) => (day % 60 === 59 ? 1 : 0));
    expect(productLife(slow)).toEqual({ offset: 59, trimmed: "first_sale" });
  });

  it("says 'not enough history' instead of claiming an accuracy for a product that just launched", () => {
    const values = [...new Array<number>(300).fill(0), 3, 4, 2, 5, 3, 4, 6, 2, 3, 4, 5, 3, 2, 4, 3, 5, 4, 3, 2, 4];
    const result = forecastDemand({ start: "2025-01-01", values }, { augurs });
    expect(result.demandClass).toBe("short");
    expect(result.mase).toBeNull();
    expect(result.wape).toBeNull();
    expect(result.accuracy).toMatchObject({ status: "not_enough_history", coverage80: null, weeklyError: null });
    expect(result.accuracy.summary).toBe(
      "Not enough history to measure accuracy yet: 20 days since the first sale, 56 needed.",
    );
    expect(result.points[0]?.mean).toBeGreaterThan(2);
    expect(result.points[0]?.lo95).toBeLessThan(result.points[0]?.mean as number);
    expect(result.points[0]?.hi95).toBeGreaterThan(result.points[0]?.mean as number);
  });

  it("forecasts zero with no accuracy claimed when nothing sold in the last year", () => {
    const values = [2, 1, 3, ...new Array<number>(400).fill(0)];
    const none = forecastDemand({ start: "2024-01-01", values }, { augurs });
    expect(none.demandClass).toBe("none");
    expect(none.method).toBe("zero");
    expect(none.mase).toBeNull();
    expect(none.accuracy.status).toBe("no_recent_sales");
    expect(none.accuracy.summary).toMatch(/No sales in the last 364 days/);
    expect(none.points.every((point) => point.mean === 0 && point.hi95 === 0)).toBe(true);
  });

  it("validates its options with clear errors", () => {
    const series = { start: "2025-01-01", values: new Array<number>(100).fill(1) };
    expect(() => forecastDemand(series, { horizon: -1 })).toThrow(/horizon must be a whole number from 1/);
    expect(() => forecastDemand(series, { horizon: 0 })).toThrow(RangeError);
    expect(() => forecastDemand(series, { horizon: 2.5 })).toThrow(RangeError);
    expect(() => forecastDemand(series, { backtestHorizon: 0 })).toThrow(/backtestHorizon must be a whole number/);
    expect(() => forecastDemand(series, { maxHistoryDays: 0 })).toThrow(
      /maxHistoryDays must be a whole number from 28/,
    );
    expect(() => forecastDemand(series, { origins: 0 })).toThrow(/origins/);
    expect(() => forecastDemand(series, { intermittentAdi: 0.5 })).toThrow(/intermittentAdi/);
    expect(() => forecastDemand(series, { methods: [] })).toThrow(/at least one method/);
    expect(() => forecastDemand(series, { methods: ["arima" as "ets"] })).toThrow(/Unknown forecasting method arima/);
    expect(() => forecastDemand(series, { candidateBudgetMs: -1 })).toThrow(/candidateBudgetMs/);
    expect(() => forecastDemand({ start: "2025-01-01", values: [1, Number.NaN] })).toThrow(RangeError);
    expect(() => forecastDemand({ start: "yesterday", values: [1] })).toThrow(RangeError);
  });

  it("forecasts through the whole's yearly seasonality a year earlier", () => {
    // The whole sells twice as much in its second half-year; the SKU follows it.
    const season = (day: number) => (day % 364 < 182 ? 1 : 2);
    const whole = { start: "2024-01-01", values: Array.from({ length: 728 }, (_, day) => 100 * season(day)) };
    const factors = yearlyFactors(whole, "2024-12-30", 364 + 90);
    // Factor i is the whole's (smoothed) day i a year before the span: days 100 and 200 of 2024.
    expect((factors[200] as number) / (factors[100] as number)).toBeCloseTo(2, 6);
    expect(factors.reduce((sum, value) => sum + value, 0) / factors.length).toBeCloseTo(1, 6);
    // A product selling 5 a day in the quiet half and 10 in the busy half, ending in the busy half: forecast
    // well below the last level once the quiet half has begun (the factors are smoothed over 28 days, so the
    // turn is blurred), and at that level without the whole.
    const values = Array.from({ length: 364 }, (_, day) => 5 * season(day + 364));
    const result = forecastDemand({ start: "2024-12-30", values }, { augurs: null, yearly: whole });
    expect(result.points[30]?.mean).toBeGreaterThan(4);
    expect(result.points[30]?.mean).toBeLessThan(7.5);
    const without = forecastDemand({ start: "2024-12-30", values }, { augurs: null });
    expect(without.points[30]?.mean).toBeCloseTo(10, 0);
    expect(yearlyFactors(null, "2024-12-30", 3)).toEqual([1, 1, 1]);
    expect(yearlyFactors({ start: "2024-12-01", values: [1, 2] }, "2024-12-30", 3)).toEqual([1, 1, 1]);
  });

  it("keeps spikes from lifting the level, and shrinks a weekday profile built on few sales", () => {
    const steady = Array.from({ length: 60 }, () => 10);
    steady[40] = 80;
    const capped = capSpikes(steady);
    expect(capped[40]).toBeLessThan(25);
    expect(capped[39]).toBe(10);
    for (const factor of weekdayProfile([...new Array<number>(27).fill(0), 1])) expect(factor).toBeCloseTo(1, 1);
    const strong = weekdayProfile(Array.from({ length: 112 }, (_, day) => 10 * (WEEK[day % 7] as number)));
    expect(strong[5] as number).toBeGreaterThan(2 * (strong[1] as number));
  });

  it("puts the accuracy in words", () => {
    expect(accuracySummary(0.184, 0.81, 112)).toBe(
      "Typically off by 18% of weekly units; the 80% range held on 81% of past days (112 days checked).",
    );
  });
});
