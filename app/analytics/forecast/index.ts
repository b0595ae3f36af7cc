/**
 * Daily demand forecasts per SKU × channel with model choice by rolling-origin
 * backtest. Pure and synchronous: the WASM models (MSTL, AutoETS) are passed in
 * already loaded (see `augurs.ts`); without them only the pure methods compete.
 */
import { addDays, type DailySeries } from "../days.ts";
import { quantile } from "../stats.ts";
import { meanAbsoluteError, mase, seasonalNaiveScale, wape } from "./accuracy.ts";
import type { Augurs } from "./augurs.ts";
import { croston, historicMean, seasonalNaive, tsb } from "./baselines.ts";

export type ForecastMethod = "mstl" | "ets" | "tsb" | "croston" | "seasonalNaive" | "mean";

/** smooth: sells most days; intermittent: ADI ≥ threshold; none: no demand in the window; short: too little history to backtest. */
export type DemandClass = "smooth" | "intermittent" | "none" | "short";

export interface ForecastPoint {
  day: string;
  mean: number;
  lo80: number;
  hi80: number;
  lo95: number;
  hi95: number;
}

export interface CandidateScore {
  method: ForecastMethod;
  /** Mean absolute error over every backtest day (all origins pooled); null when the method failed. */
  mae: number | null;
  rmse: number | null;
  mase: number | null;
  wape: number | null;
  error?: string;
}

export interface BacktestSummary {
  /** First forecast day of each origin. */
  origins: string[];
  horizon: number;
  /** MASE denominator: in-sample seasonal-naive (period 7) MAE of the history before the first origin. */
  scale: number;
  candidates: CandidateScore[];
  /** Backtest errors of the chosen method (RMSE doubles as the daily forecast error σ for safety stock). */
  mae: number | null;
  rmse: number | null;
  note?: string;
}

export interface DemandForecast {
  method: ForecastMethod;
  demandClass: DemandClass;
  /** Average demand interval: days in the fitting window / days with demand. */
  adi: number | null;
  points: ForecastPoint[];
  mase: number | null;
  wape: number | null;
  backtest: BacktestSummary;
}

export interface ForecastOptions {
  /** Days to forecast after the last history day. Default 90. */
  horizon?: number;
  /** Rolling origins of the backtest. Default 3. */
  origins?: number;
  /** Days forecast from each origin. Default 28. */
  backtestHorizon?: number;
  /** Models are fitted on at most this many most recent days (weekly seasonality needs far less; it bounds cost). Default 364. */
  maxHistoryDays?: number;
  /** ADI at or above which a series counts as intermittent (Syntetos–Boylan cut-off). Default 1.32. */
  intermittentAdi?: number;
  /** Restricts the candidates (still filtered by demand class and availability of augurs). */
  methods?: readonly ForecastMethod[];
  /** Loaded WASM models; null/undefined leaves MSTL and ETS out. */
  augurs?: Augurs | null;
}

const SEASON = 7;
const MIN_TRAINING_DAYS = 4 * SEASON;
const Z80 = 1.2815515655446004;
const Z95 = 1.959963984540054;

interface ModelOutput {
  mean: number[];
  /** Model-based intervals, when the model has them. */
  intervals?: { lo80: number[]; hi80: number[]; lo95: number[]; hi95: number[] };
}

/** Forecasts `horizon` days after the series; picks the method with the lowest backtest MAE. */
export function forecastDemand(series: DailySeries, options: ForecastOptions = {}): DemandForecast {
  const horizon = options.horizon ?? 90;
  const origins = options.origins ?? 3;
  const backtestHorizon = options.backtestHorizon ?? 28;
  const maxHistory = options.maxHistoryDays ?? 364;
  const augurs = options.augurs ?? null;
  if (!series.values.every(Number.isFinite)) throw new RangeError("Demand series values must be finite numbers");
  const firstForecastDay = addDays(series.start, series.values.length);
  const history = series.values.slice(-maxHistory).map((value) => Math.max(0, value));
  const historyStart = addDays(series.start, series.values.length - history.length);
  const demandDays = history.filter((value) => value > 0).length;
  const adi = demandDays === 0 ? null : history.length / demandDays;

  const firstOrigin = history.length - origins * backtestHorizon;
  if (firstOrigin < MIN_TRAINING_DAYS || origins < 1) {
    return shortSeries(history, firstForecastDay, horizon, adi);
  }
  if (demandDays === 0) {
    const zeros = new Array<number>(horizon).fill(0);
    return {
      method: "seasonalNaive",
      demandClass: "none",
      adi,
      points: toPoints(firstForecastDay, {
        mean: zeros,
        intervals: { lo80: zeros, hi80: zeros, lo95: zeros, hi95: zeros },
      }),
      mase: 0,
      wape: null,
      backtest: {
        origins: [],
        horizon: backtestHorizon,
        scale: 0,
        candidates: [],
        mae: 0,
        rmse: 0,
        note: `No demand in the last ${history.length} days: the forecast is zero.`,
      },
    };
  }

  const demandClass: DemandClass = (adi as number) >= (options.intermittentAdi ?? 1.32) ? "intermittent" : "smooth";
  const allowed = candidatesFor(demandClass, augurs !== null);
  const methods = options.methods ? allowed.filter((method) => options.methods?.includes(method)) : allowed;
  if (methods.length === 0) throw new RangeError("No forecasting method left to try for this series");

  const scale = seasonalNaiveScale(history.slice(0, firstOrigin), SEASON);
  const originDays: string[] = [];
  const actual: number[] = [];
  const predicted = new Map<ForecastMethod, number[]>(methods.map((method) => [method, []]));
  const failed = new Map<ForecastMethod, string>();
  for (let origin = 0; origin < origins; origin += 1) {
    const cut = firstOrigin + origin * backtestHorizon;
    originDays.push(addDays(historyStart, cut));
    actual.push(...history.slice(cut, cut + backtestHorizon));
    const training = history.slice(0, cut);
    for (const method of methods) {
      if (failed.has(method)) continue;
      try {
        predicted.get(method)?.push(...runMethod(method, training, backtestHorizon, augurs, false).mean);
      } catch (error) {
        failed.set(method, error instanceof Error ? error.message : String(error));
      }
    }
  }

  const candidates: CandidateScore[] = methods.map((method) => {
    const error = failed.get(method);
    if (error !== undefined) return { method, mae: null, rmse: null, mase: null, wape: null, error };
    const forecast = predicted.get(method) as number[];
    const mae = meanAbsoluteError(actual, forecast);
    return {
      method,
      mae,
      rmse: rootMeanSquaredError(actual, forecast),
      mase: mase(mae, scale),
      wape: wape(actual, forecast),
    };
  });
  // Lowest backtest MAE wins (same order as MASE: one scale per series); ties keep the candidate order.
  const ranked = candidates
    .filter((candidate) => candidate.mae !== null)
    .sort((a, b) => (a.mae as number) - (b.mae as number));

  for (const choice of ranked) {
    let output: ModelOutput;
    try {
      output = runMethod(choice.method, history, horizon, augurs, true);
    } catch (error) {
      const entry = candidates.find((candidate) => candidate.method === choice.method) as CandidateScore;
      entry.error = `final fit failed: ${error instanceof Error ? error.message : String(error)}`;
      continue;
    }
    const residuals = actual.map(
      (value, index) => value - ((predicted.get(choice.method) as number[])[index] as number),
    );
    return {
      method: choice.method,
      demandClass,
      adi,
      points: toPoints(firstForecastDay, output.intervals ? output : withEmpiricalIntervals(output.mean, residuals)),
      mase: choice.mase,
      wape: choice.wape,
      backtest: {
        origins: originDays,
        horizon: backtestHorizon,
        scale,
        candidates,
        mae: choice.mae,
        rmse: choice.rmse,
      },
    };
  }
  throw new Error(`Every forecasting method failed: ${candidates.map((c) => `${c.method}: ${c.error}`).join("; ")}`);
}

/** Candidates by demand class: the WASM models only where most days sell (they assume continuous demand). */
function candidatesFor(demandClass: DemandClass, haveAugurs: boolean): ForecastMethod[] {
  if (demandClass === "intermittent") return ["tsb", "croston", "seasonalNaive"];
  return [...(haveAugurs ? (["mstl", "ets"] as const) : []), "tsb", "croston", "seasonalNaive"];
}

function runMethod(
  method: ForecastMethod,
  history: readonly number[],
  horizon: number,
  augurs: Augurs | null,
  withIntervals: boolean,
): ModelOutput {
  switch (method) {
    case "seasonalNaive":
      return { mean: seasonalNaive(history, horizon, SEASON) };
    case "croston":
      return { mean: croston(history, horizon) };
    case "tsb":
      return { mean: tsb(history, horizon) };
    case "mean":
      return { mean: historicMean(history, horizon) };
    case "mstl":
    case "ets":
      if (augurs === null) throw new Error(`${method} needs augurs`);
      return fitAugurs(method, history, horizon, augurs, withIntervals);
  }
}

function fitAugurs(
  method: "mstl" | "ets",
  history: readonly number[],
  horizon: number,
  augurs: Augurs,
  withIntervals: boolean,
): ModelOutput {
  const model = method === "mstl" ? augurs.MSTL.ets([SEASON]) : new augurs.AutoETS(1, "ZZN");
  try {
    model.fit(Float64Array.from(history));
    if (!withIntervals) return { mean: finite(model.predict(horizon).point) };
    const at80 = model.predict(horizon, 0.8);
    const at95 = model.predict(horizon, 0.95);
    if (!at80.intervals || !at95.intervals) throw new Error(`${method} returned no intervals`);
    return {
      mean: finite(at80.point),
      intervals: {
        lo80: finite(at80.intervals.lower),
        hi80: finite(at80.intervals.upper),
        lo95: finite(at95.intervals.lower),
        hi95: finite(at95.intervals.upper),
      },
    };
  } finally {
    model.free();
  }
}

function finite(values: readonly number[]): number[] {
  if (!values.every(Number.isFinite)) throw new Error("model returned non-finite values");
  return [...values];
}

function rootMeanSquaredError(actual: readonly number[], forecast: readonly number[]): number {
  let total = 0;
  actual.forEach((value, index) => (total += (value - (forecast[index] as number)) ** 2));
  return Math.sqrt(total / actual.length);
}

/**
 * Intervals for methods without a likelihood: the mean plus the 2.5/10/90/97.5%
 * quantiles of the pooled backtest residuals (actual − forecast, horizons 1..28),
 * held constant over the horizon.
 */
function withEmpiricalIntervals(mean: number[], residuals: readonly number[]): ModelOutput {
  const offsets = [0.025, 0.1, 0.9, 0.975].map((probability) =>
    residuals.length === 0 ? 0 : quantile(residuals, probability),
  );
  const [q025, q10, q90, q975] = offsets as [number, number, number, number];
  return {
    mean,
    intervals: {
      lo95: mean.map((value) => value + q025),
      lo80: mean.map((value) => value + q10),
      hi80: mean.map((value) => value + q90),
      hi95: mean.map((value) => value + q975),
    },
  };
}

/** Non-negative, ordered points: demand can't go below zero and an interval always contains its mean. */
function toPoints(firstDay: string, output: ModelOutput): ForecastPoint[] {
  const intervals = output.intervals;
  return output.mean.map((raw, index) => {
    const mean = Math.max(0, raw);
    const at = (values: number[] | undefined) => Math.max(0, values?.[index] ?? raw);
    return {
      day: addDays(firstDay, index),
      mean,
      lo80: Math.min(mean, at(intervals?.lo80)),
      hi80: Math.max(mean, at(intervals?.hi80)),
      lo95: Math.min(mean, at(intervals?.lo95), at(intervals?.lo80)),
      hi95: Math.max(mean, at(intervals?.hi95), at(intervals?.hi80)),
    };
  });
}

/**
 * Too little history to backtest: seasonal naive with at least one season, the mean
 * otherwise; intervals from the in-sample residuals under a normal approximation.
 */
function shortSeries(
  history: readonly number[],
  firstDay: string,
  horizon: number,
  adi: number | null,
): DemandForecast {
  const method: ForecastMethod = history.length >= SEASON ? "seasonalNaive" : "mean";
  const mean = method === "seasonalNaive" ? seasonalNaive(history, horizon, SEASON) : historicMean(history, horizon);
  const residuals =
    method === "seasonalNaive"
      ? history.slice(SEASON).map((value, index) => value - (history[index] as number))
      : history.map((value) => value - (mean[0] as number));
  const sigma =
    residuals.length < 2 ? 0 : Math.sqrt(residuals.reduce((total, r) => total + r * r, 0) / residuals.length);
  return {
    method,
    demandClass: "short",
    adi,
    points: toPoints(firstDay, {
      mean,
      intervals: {
        lo80: mean.map((value) => value - Z80 * sigma),
        hi80: mean.map((value) => value + Z80 * sigma),
        lo95: mean.map((value) => value - Z95 * sigma),
        hi95: mean.map((value) => value + Z95 * sigma),
      },
    }),
    mase: null,
    wape: null,
    backtest: {
      origins: [],
      horizon: 0,
      scale: seasonalNaiveScale(history, SEASON),
      candidates: [],
      mae: null,
      rmse: sigma,
      note: `Only ${history.length} days of history: not enough to backtest, so the error is unknown.`,
    },
  };
}
