import { beforeAll, describe, expect, it } from "vitest";
import { type Augurs, loadAugurs } from "./augurs.ts";
import { croston } from "./baselines.ts";
import { forecastDemand } from "./index.ts";

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

describe("forecastDemand", () => {
  it("forecasts a constant series as that constant, with MASE and WAPE 0", () => {
    const result = forecastDemand({ start: "2025-01-01", values: new Array<number>(200).fill(5) }, { augurs });
    expect(result.points).toHaveLength(90);
    expect(result.points[0]?.day).toBe("2025-07-20");
    expect(result.points[89]?.day).toBe("2025-10-17");
    for (const point of result.points) {
      expect(point.mean).toBeCloseTo(5, 4);
      expect(point.lo95).toBeGreaterThanOrEqual(4.99);
      expect(point.hi95).toBeLessThanOrEqual(5.01);
    }
    expect(result.mase).toBeCloseTo(0, 6);
    expect(result.wape).toBeCloseTo(0, 6);
    expect(result.demandClass).toBe("smooth");
  });

  it("recovers a pure weekly pattern exactly with seasonal naive (MASE 0)", () => {
    const values = Array.from({ length: 140 }, (_, day) => WEEK[day % 7] as number);
    const result = forecastDemand({ start: "2025-01-06", values }, { augurs: null });
    expect(result.mase).toBe(0);
    expect(result.wape).toBe(0);
    expect(result.points.slice(0, 14).map((point) => point.mean)).toEqual([...WEEK, ...WEEK]);
    for (const point of result.points) expect(point.hi95 - point.lo95).toBe(0);
  });

  it("recovers a weekly pattern on a trend with MSTL (MASE ≈ 0) where seasonal naive lags", () => {
    const truth = (day: number) => 20 + 0.05 * day + 3 * (WEEK[day % 7] as number);
    const values = Array.from({ length: 364 }, (_, day) => truth(day));
    const result = forecastDemand({ start: "2025-01-06", values }, { augurs, methods: ["mstl", "seasonalNaive"] });
    expect(result.method).toBe("mstl");
    expect(result.mase).toBeLessThan(0.05);
    const naive = result.backtest.candidates.find((candidate) => candidate.method === "seasonalNaive");
    expect(naive?.mase).toBeGreaterThan(1);
    result.points.slice(0, 28).forEach((point, step) => expect(point.mean).toBeCloseTo(truth(364 + step), 0));
  });

  it("uses the intermittent methods for slow movers and keeps everything non-negative", () => {
    const random = noise(7);
    const values = Array.from({ length: 300 }, () => (random() < 0.15 ? 1 + Math.floor(random() * 3) : 0));
    const result = forecastDemand({ start: "2025-01-01", values }, { augurs });
    expect(result.demandClass).toBe("intermittent");
    expect(["tsb", "croston", "seasonalNaive"]).toContain(result.method);
    expect(result.backtest.candidates.map((candidate) => candidate.method)).toEqual([
      "tsb",
      "croston",
      "seasonalNaive",
    ]);
    expect(result.adi).toBeGreaterThan(1.32);
    for (const point of result.points) {
      expect(point.lo95).toBeGreaterThanOrEqual(0);
      expect(point.lo95).toBeLessThanOrEqual(point.lo80);
      expect(point.lo80).toBeLessThanOrEqual(point.mean);
      expect(point.mean).toBeLessThanOrEqual(point.hi80);
      expect(point.hi80).toBeLessThanOrEqual(point.hi95);
    }
  });

  it("picks the candidate with the lowest backtest MAE and reports its errors", () => {
    const random = noise(11);
    const values = Array.from({ length: 400 }, (_, day) =>
      Math.round(8 + 4 * (WEEK[day % 7] as number) + 3 * random()),
    );
    const result = forecastDemand({ start: "2024-03-01", values }, { augurs });
    const scored = result.backtest.candidates.filter((candidate) => candidate.mae !== null);
    const best = Math.min(...scored.map((candidate) => candidate.mae as number));
    expect(result.backtest.mae).toBe(best);
    expect(result.method).toBe(scored.find((candidate) => candidate.mae === best)?.method);
    // Fitting window = last 364 days (from 2024-04-06); the last origin is 28 days before the first forecast day 2025-04-05.
    expect(result.backtest.origins).toEqual(["2025-01-11", "2025-02-08", "2025-03-08"]);
    expect(result.backtest.horizon).toBe(28);
    expect(result.mase).toBeCloseTo(best / result.backtest.scale, 12);
    expect(result.method).not.toBe("seasonalNaive");
  });

  it("sets empirical intervals from backtest residual quantiles for the pure methods", () => {
    const random = noise(3);
    const values = Array.from({ length: 200 }, () => (random() < 0.3 ? 2 : 0));
    const result = forecastDemand({ start: "2025-01-01", values }, { augurs: null, methods: ["croston"] });
    // Origins at days 116, 144, 172; residual = actual − Croston forecast from the days before the origin.
    const residuals = [116, 144, 172].flatMap((cut) => {
      const forecast = croston(values.slice(0, cut), 28)[0] as number;
      return values.slice(cut, cut + 28).map((actual) => actual - forecast);
    });
    const sorted = [...residuals].sort((a, b) => a - b);
    // Type-7 quantile: position (n − 1) × p between order statistics.
    const at = (probability: number) => {
      const position = (sorted.length - 1) * probability;
      const low = sorted[Math.floor(position)] as number;
      const high = sorted[Math.ceil(position)] as number;
      return low + (high - low) * (position - Math.floor(position));
    };
    const mean = croston(values, 1)[0] as number;
    const point = result.points[0];
    expect(point?.mean).toBeCloseTo(mean, 12);
    expect(point?.hi80).toBeCloseTo(mean + at(0.9), 12);
    expect(point?.hi95).toBeCloseTo(mean + at(0.975), 12);
    expect(point?.lo80).toBeCloseTo(Math.max(0, mean + at(0.1)), 12);
    expect(point?.lo95).toBe(0);
    expect(result.points[89]?.hi95).toBeCloseTo(point?.hi95 as number, 12);
  });

  it("clips a declining model forecast at zero and keeps intervals ordered", () => {
    // Falls 0.25 units a day from 60: the trend crosses zero 8 days after the history ends.
    const values = Array.from({ length: 232 }, (_, day) => 60 - 0.25 * day + (WEEK[day % 7] as number) / 10);
    const result = forecastDemand({ start: "2025-01-01", values }, { augurs, methods: ["mstl"] });
    expect(result.method).toBe("mstl");
    expect(result.points[0]?.mean).toBeGreaterThan(0);
    expect(result.points.slice(30).every((point) => point.mean === 0 && point.lo95 === 0)).toBe(true);
    for (const point of result.points) {
      expect(point.lo95).toBeLessThanOrEqual(point.lo80);
      expect(point.lo80).toBeLessThanOrEqual(point.mean);
      expect(point.hi80).toBeLessThanOrEqual(point.hi95);
    }
  });

  it("says why when history is too short to backtest, and forecasts zero for no demand", () => {
    const short = forecastDemand({ start: "2025-01-01", values: [1, 2, 3, 4, 5, 6, 7, 1, 2, 3] }, { augurs });
    expect(short.demandClass).toBe("short");
    expect(short.method).toBe("seasonalNaive");
    expect(short.mase).toBeNull();
    expect(short.backtest.note).toMatch(/Only 10 days of history/);
    expect(short.points.slice(0, 3).map((point) => point.mean)).toEqual([4, 5, 6]);

    expect(() => forecastDemand({ start: "2025-01-01", values: [1, Number.NaN] })).toThrow(RangeError);

    const none = forecastDemand({ start: "2025-01-01", values: new Array<number>(120).fill(0) }, { augurs });
    expect(none.demandClass).toBe("none");
    expect(none.points.every((point) => point.mean === 0 && point.hi95 === 0)).toBe(true);
  });
});
