/**
 * Daily demand forecasts per SKU × channel. The history is trimmed to the product's life,
 * candidates are scored on several rolling origins, the prepared moving average anchors the
 * forecast and the candidates that beat it clearly are averaged in, and the
 * 80%/95% intervals come from a count distribution fitted to the combination's own
 * backtest errors (see intervals.ts), whose coverage is measured and reported.
 * Pure and synchronous: the WASM models (MSTL, AutoETS) are passed in already loaded
 * (see `augurs.ts`); without them only the pure methods compete.
 */
import { addDays, dayNumber, type DailySeries } from "../days.ts";
import { meanAbsoluteError, mase, seasonalNaiveScale, wape } from "./accuracy.ts";
import type { Augurs } from "./augurs.ts";
import {
  capSpikes,
  croston,
  historicMean,
  movingAverage,
  seasonalNaive,
  smoothedLevel,
  tsb,
  weekdayProfile,
} from "./baselines.ts";
import { type Dispersion, countInterval, covers, fitDispersion } from "./intervals.ts";

/** The candidates; "combination" is the average of the best candidates, "zero" the forecast of a product with no recent sales. */
export type ForecastMethod =
  "mstl" | "ets" | "ses" | "tsb" | "croston" | "movingAverage" | "seasonalNaive" | "mean" | "combination" | "zero";

/** Methods the caller may ask for in `options.methods`. */
export const CANDIDATE_METHODS = ["mstl", "ets", "ses", "tsb", "croston", "movingAverage"] as const;
export type CandidateMethod = (typeof CANDIDATE_METHODS)[number];

/** smooth: sells most days; intermittent: ADI ≥ threshold; none: no sales in the window; short: too little life to backtest. */
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
  /** Mean absolute error over every backtest day (all origins pooled); null when the method failed or was skipped. */
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
  /** Every candidate's errors; seasonal naive is scored as the benchmark but never chosen. */
  candidates: CandidateScore[];
  /** The candidates averaged into the forecast, best first. */
  members: ForecastMethod[];
  /** Backtest errors of the forecast (RMSE doubles as the daily forecast error σ for safety stock). */
  mae: number | null;
  rmse: number | null;
  /** Variance model of the intervals, fitted to the forecast's backtest errors. */
  dispersion: Dispersion | null;
  note?: string;
}

/** How far the forecast can be trusted, from its backtest, in figures and in words. */
export interface ForecastAccuracy {
  /** measured: backtested; not_enough_history: too little life to backtest; no_recent_sales: nothing sold in the window. */
  status: "measured" | "not_enough_history" | "no_recent_sales";
  /** Backtest days the figures below come from (0 when not measured). */
  days: number;
  /** Σ over backtest weeks of |actual − forecast| weekly units ÷ Σ actual weekly units. */
  weeklyError: number | null;
  /** Share of backtest days whose actual units fell inside the 80% / 95% interval. */
  coverage80: number | null;
  coverage95: number | null;
  /** The merchant-facing sentence ("Typically off by 18% of weekly units; …"). */
  summary: string;
}

/** The part of the series the models saw: the product's life within the fitting window. */
export interface HistoryUsed {
  /** First day used. */
  start: string;
  days: number;
  /** Why the window was cut before `start`: nothing sold before (first sale), or a long gap (relaunch). */
  trimmed: "first_sale" | "relaunch" | null;
}

export interface DemandForecast {
  method: ForecastMethod;
  demandClass: DemandClass;
  /** Average demand interval: days of life used / days with demand. */
  adi: number | null;
  points: ForecastPoint[];
  mase: number | null;
  wape: number | null;
  accuracy: ForecastAccuracy;
  history: HistoryUsed;
  backtest: BacktestSummary;
}

export interface ForecastOptions {
  /** Days to forecast after the last history day (1..1,096). Default 90. */
  horizon?: number;
  /** Rolling origins of the backtest (at most; fewer when the product's life is short). Default 4. */
  origins?: number;
  /** Days forecast from each origin (1..364). Default 28. */
  backtestHorizon?: number;
  /** Models are fitted on at most this many most recent days (≥ 28). Default 364. */
  maxHistoryDays?: number;
  /** ADI at or above which a series counts as intermittent (Syntetos–Boylan cut-off, > 1). Default 1.32. */
  intermittentAdi?: number;
  /** Restricts the candidates (still filtered by demand class and availability of augurs). */
  methods?: readonly CandidateMethod[];
  /** At most this many best candidates are averaged. Default 2. */
  combine?: number;
  /** Time MSTL or AutoETS may spend fitting one series' backtest before it is dropped (the pure methods are linear in the history). Default 400 ms. */
  candidateBudgetMs?: number;
  /**
   * Daily units of a larger whole the series belongs to (the shop's or the category's total),
   * reaching at least a year before the fitting window: its shape a year earlier is the
   * yearly seasonality the models forecast through (see `yearlyFactors`). Without it the
   * forecast has no yearly seasonality.
   */
  yearly?: DailySeries | null;
  /** Loaded WASM models; null/undefined leaves MSTL and ETS out. */
  augurs?: Augurs | null;
}

const SEASON = 7;
const MIN_TRAINING_DAYS = 4 * SEASON;
/** A run of zero days this long (and much longer than the usual gap) before a sale is a relaunch. */
const RELAUNCH_GAP_DAYS = 84;
const RELAUNCH_GAP_ADI_MULTIPLE = 6;
/** Only candidates whose backtest squared error is within this factor of the best are averaged in. */
const COMBINE_WITHIN = 1.5;
/** The candidate every forecast starts from, and by how much (share of its backtest squared error) another must beat it to join. */
const ANCHOR: CandidateMethod = "movingAverage";
const ANCHOR_MARGIN = 0.1;
const MAX_HORIZON = 1096;

interface Settings {
  horizon: number;
  origins: number;
  backtestHorizon: number;
  maxHistory: number;
  intermittentAdi: number;
  methods: readonly CandidateMethod[] | null;
  combine: number;
  budgetMs: number;
  yearly: DailySeries | null;
  augurs: Augurs | null;
}

function integerOption(name: string, value: number | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`${name} must be a whole number from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

/** Validated options with their defaults; a RangeError names the first bad one. */
export function forecastSettings(options: ForecastOptions = {}): Settings {
  const intermittentAdi = options.intermittentAdi ?? 1.32;
  if (!(Number.isFinite(intermittentAdi) && intermittentAdi > 1)) {
    throw new RangeError(`intermittentAdi must be a number above 1, got ${String(options.intermittentAdi)}`);
  }
  const budgetMs = options.candidateBudgetMs ?? 400;
  if (!(budgetMs >= 0)) throw new RangeError(`candidateBudgetMs must be ≥ 0, got ${String(budgetMs)}`);
  if (options.methods !== undefined) {
    if (options.methods.length === 0) throw new RangeError("methods must name at least one method");
    const unknown = options.methods.filter((method) => !(CANDIDATE_METHODS as readonly string[]).includes(method));
    if (unknown.length > 0) {
      throw new RangeError(`Unknown forecasting method ${unknown.join(", ")} (have ${CANDIDATE_METHODS.join(", ")})`);
    }
  }
  return {
    horizon: integerOption("horizon", options.horizon, 90, 1, MAX_HORIZON),
    origins: integerOption("origins", options.origins, 4, 1, 52),
    backtestHorizon: integerOption("backtestHorizon", options.backtestHorizon, 28, 1, 364),
    maxHistory: integerOption("maxHistoryDays", options.maxHistoryDays, 364, MIN_TRAINING_DAYS, 10_000),
    intermittentAdi,
    methods: options.methods ?? null,
    combine: integerOption("combine", options.combine, 2, 1, CANDIDATE_METHODS.length),
    budgetMs,
    yearly: options.yearly ?? null,
    augurs: options.augurs ?? null,
  };
}

interface ModelOutput {
  mean: number[];
}

/** Forecasts `horizon` days after the series (see the module comment and docs/metrics.md). */
export function forecastDemand(series: DailySeries, options: ForecastOptions = {}): DemandForecast {
  const settings = forecastSettings(options);
  dayNumber(series.start);
  if (!series.values.every(Number.isFinite)) throw new RangeError("Demand series values must be finite numbers");
  const { horizon, backtestHorizon } = settings;
  const firstForecastDay = addDays(series.start, series.values.length);
  const window = series.values.slice(-settings.maxHistory).map((value) => Math.max(0, value));
  const windowStart = addDays(series.start, series.values.length - window.length);

  const life = productLife(window);
  if (life === null) return noRecentSales(window.length, windowStart, firstForecastDay, horizon);
  const history = window.slice(life.offset);
  const used: HistoryUsed = { start: addDays(windowStart, life.offset), days: history.length, trimmed: life.trimmed };
  const demandDays = history.filter((value) => value > 0).length;
  const adi = history.length / demandDays;

  const origins = Math.min(settings.origins, Math.floor((history.length - MIN_TRAINING_DAYS) / backtestHorizon));
  if (origins < 1)
    return shortSeries(history, used, firstForecastDay, horizon, adi, MIN_TRAINING_DAYS + backtestHorizon);

  const demandClass: DemandClass = adi >= settings.intermittentAdi ? "intermittent" : "smooth";
  const skipped = new Map<ForecastMethod, string>();
  const allowed = candidatesFor(demandClass, settings.augurs !== null).filter(
    (method) => settings.methods === null || settings.methods.includes(method),
  );
  if (allowed.length === 0) throw new RangeError("No forecasting method left to try for this series");
  // AutoETS spends seconds failing to converge on a history without variance, and MSTL has nothing to decompose.
  const constant = history.every((value) => value === history[0]);
  const methods = allowed.filter((method) => {
    if (constant && (method === "ets" || method === "mstl")) {
      skipped.set(method, "skipped: constant history");
      return false;
    }
    return true;
  });
  const scored: ForecastMethod[] = [...methods, "seasonalNaive"];

  // Models see the history with spikes capped, and their forecasts are scaled back up by the
  // share of units the caps removed (so the mean still counts promotions, on average).
  const yearly = yearlyFactors(settings.yearly, used.start, history.length + horizon);
  const capped = capSpikes(history).map((value, index) => value / (yearly[index] as number));
  const firstOrigin = history.length - origins * backtestHorizon;
  const scale = seasonalNaiveScale(history.slice(0, firstOrigin), SEASON);
  const originDays: string[] = [];
  const actual: number[] = [];
  const predicted = new Map<ForecastMethod, number[]>(scored.map((method) => [method, []]));
  const spent = new Map<ForecastMethod, number>();
  for (let origin = 0; origin < origins; origin += 1) {
    const cut = firstOrigin + origin * backtestHorizon;
    originDays.push(addDays(used.start, cut));
    actual.push(...history.slice(cut, cut + backtestHorizon));
    const training = history.slice(0, cut);
    for (const method of scored) {
      if (skipped.has(method)) continue;
      const started = performance.now();
      try {
        predicted
          .get(method)
          ?.push(
            ...forecastWith(method, training, capped.slice(0, cut), backtestHorizon, settings.augurs).map(
              (value, step) => (method === "seasonalNaive" ? value : value * (yearly[cut + step] as number)),
            ),
          );
      } catch (error) {
        skipped.set(method, error instanceof Error ? error.message : String(error));
      }
      const total = (spent.get(method) ?? 0) + performance.now() - started;
      spent.set(method, total);
      // Only the WASM models can take long (the pure methods are linear in the history).
      if ((method === "ets" || method === "mstl") && total > settings.budgetMs && !skipped.has(method)) {
        skipped.set(method, `skipped: over the time budget (${Math.round(total)} ms > ${settings.budgetMs} ms)`);
      }
    }
  }

  const squaredError = new Map<ForecastMethod, number>();
  const candidates: CandidateScore[] = [...allowed, "seasonalNaive" as const].map((method) => {
    const error = skipped.get(method);
    if (error !== undefined) return { method, mae: null, rmse: null, mase: null, wape: null, error };
    const forecast = predicted.get(method) as number[];
    const mae = meanAbsoluteError(actual, forecast);
    const rmse = rootMeanSquaredError(actual, forecast);
    squaredError.set(method, rmse * rmse);
    return { method, mae, rmse, mase: mase(mae, scale), wape: wape(actual, forecast) };
  });
  // Ranked by backtest squared error (its minimiser is the mean, which stock decisions need; absolute
  // error would reward forecasting the zero days of slow movers). Seasonal naive is only the benchmark.
  const ranked = candidates
    .filter((candidate) => candidate.method !== "seasonalNaive" && squaredError.has(candidate.method))
    .sort((a, b) => (squaredError.get(a.method) as number) - (squaredError.get(b.method) as number));
  if (ranked.length === 0) {
    throw new Error(`Every forecasting method failed: ${candidates.map((c) => `${c.method}: ${c.error}`).join("; ")}`);
  }

  // The anchor (the prepared moving average: the benchmark merchants compare with, and the
  // hardest to beat after level shifts) is always a member when it was scored; another
  // candidate joins only if it beat the anchor's backtest squared error by ANCHOR_MARGIN over
  // every origin pooled (a model must earn its place), and then the best ones, up to
  // `combine` members in all, are averaged. Without the anchor the best candidates within
  // COMBINE_WITHIN of the best are averaged.
  const anchorError = squaredError.get(ANCHOR);
  const best = squaredError.get((ranked[0] as CandidateScore).method) as number;
  const eligible =
    anchorError === undefined
      ? ranked.filter((candidate) => (squaredError.get(candidate.method) as number) <= COMBINE_WITHIN * best)
      : [
          ...ranked.filter((candidate) => candidate.method === ANCHOR),
          ...ranked.filter(
            (candidate) =>
              candidate.method !== ANCHOR &&
              (squaredError.get(candidate.method) as number) < (1 - ANCHOR_MARGIN) * anchorError,
          ),
        ];
  const members: ForecastMethod[] = [];
  const finals: number[][] = [];
  for (const candidate of eligible) {
    if (members.length >= settings.combine) break;
    try {
      finals.push(
        forecastWith(candidate.method, history, capped, horizon, settings.augurs).map(
          (value, step) => value * (yearly[history.length + step] as number),
        ),
      );
      members.push(candidate.method);
    } catch (error) {
      candidate.error = `final fit failed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (members.length === 0) {
    throw new Error(`Every forecasting method failed: ${candidates.map((c) => `${c.method}: ${c.error}`).join("; ")}`);
  }
  const mean = average(finals, horizon);
  const backtestMean = average(
    members.map((method) => predicted.get(method) as number[]),
    actual.length,
  );
  const dispersion = fitDispersion(actual, backtestMean);
  const backtestMae = meanAbsoluteError(actual, backtestMean);
  const coverage80 = coverage(actual, backtestMean, dispersion, 0.8);
  const coverage95 = coverage(actual, backtestMean, dispersion, 0.95);
  const weeklyError = weeklyWape(actual, backtestMean, backtestHorizon);
  const method: ForecastMethod = members.length === 1 ? (members[0] as ForecastMethod) : "combination";
  const notes = [...skipped].filter(([name]) => name !== "seasonalNaive").map(([name, why]) => `${name} ${why}`);
  return {
    method,
    demandClass,
    adi,
    points: toPoints(firstForecastDay, mean, dispersion),
    mase: mase(backtestMae, scale),
    wape: wape(actual, backtestMean),
    accuracy: {
      status: "measured",
      days: actual.length,
      weeklyError,
      coverage80,
      coverage95,
      summary: accuracySummary(weeklyError, coverage80, actual.length),
    },
    history: used,
    backtest: {
      origins: originDays,
      horizon: backtestHorizon,
      scale,
      candidates,
      members,
      mae: backtestMae,
      rmse: rootMeanSquaredError(actual, backtestMean),
      dispersion,
      ...(notes.length > 0 ? { note: notes.join("; ") } : {}),
    },
  };
}

/**
 * Where the product's life in the window starts: its first sale, or the first sale after
 * the last long gap (a relaunch: at least RELAUNCH_GAP_DAYS and RELAUNCH_GAP_ADI_MULTIPLE
 * times its usual interval between sales). Trailing zeros stay: a product that stopped
 * selling should be forecast to sell less. Null when nothing sold in the window.
 */
export function productLife(window: readonly number[]): { offset: number; trimmed: HistoryUsed["trimmed"] } | null {
  const first = window.findIndex((value) => value > 0);
  if (first < 0) return null;
  let offset = first;
  let trimmed: HistoryUsed["trimmed"] = first > 0 ? "first_sale" : null;
  let sales = 0;
  let lastSale = first;
  for (let index = first; index < window.length; index += 1) {
    if ((window[index] as number) <= 0) continue;
    const gap = index - lastSale - 1;
    const usual = sales === 0 ? 1 : (lastSale - offset + 1) / sales;
    if (gap >= RELAUNCH_GAP_DAYS && gap >= RELAUNCH_GAP_ADI_MULTIPLE * usual) {
      offset = index;
      trimmed = "relaunch";
      sales = 0;
    }
    sales += 1;
    lastSale = index;
  }
  return { offset, trimmed };
}

/**
 * A method's forecast: seasonal naive on the raw history, the models on the capped one. The
 * forecast is baseline demand: spikes (promotions, one-off bulk orders) are not projected
 * forward as a lift on every day (a merchant knows when a promotion runs); their spread is in
 * the intervals, which are fitted to backtest days that include them.
 */
function forecastWith(
  method: ForecastMethod,
  raw: readonly number[],
  capped: readonly number[],
  horizon: number,
  augurs: Augurs | null,
): number[] {
  return runMethod(method, method === "seasonalNaive" ? raw : capped, horizon, augurs).mean;
}

const YEAR = 364;
const YEARLY_SMOOTHING_DAYS = 28;

/**
 * Yearly seasonal factors for `days` days from `start`: the whole's smoothed units 364 days
 * (52 weeks) earlier, relative to their mean over the same span, so a day's factor says how
 * busy that time of year was last year. The span's factors average 1. All 1 when the whole
 * does not reach back far enough (or sold nothing then).
 */
export function yearlyFactors(whole: DailySeries | null, start: string, days: number): number[] {
  const flat = new Array<number>(days).fill(1);
  if (whole === null) return flat;
  const offset = dayNumber(start) - YEAR - dayNumber(whole.start);
  const half = YEARLY_SMOOTHING_DAYS / 2;
  // Days a year before the span's first days may be missing (then the first smoothed value
  // stands in); the whole must cover the rest of the span a year earlier.
  if (offset + days + half > whole.values.length || offset + days - half <= 0) return flat;
  const prefix = [0];
  for (const value of whole.values) prefix.push((prefix.at(-1) as number) + Math.max(0, value));
  const smoothed = Array.from({ length: days }, (_, index) => {
    const from = Math.max(0, offset + index - half);
    const to = Math.min(whole.values.length, offset + index + half);
    return to - from < half ? Number.NaN : ((prefix[to] as number) - (prefix[from] as number)) / (to - from);
  });
  const firstKnown = smoothed.find(Number.isFinite) ?? Number.NaN;
  const filled = smoothed.map((value) => (Number.isFinite(value) ? value : firstKnown));
  const level = filled.reduce((total, value) => total + value, 0) / days;
  if (!(level > 0) || filled.some((value) => !(value > 0))) return flat;
  return filled.map((value) => value / level);
}

/** Candidates by demand class: the WASM models only where most days sell (they assume continuous demand). */
function candidatesFor(demandClass: DemandClass, haveAugurs: boolean): CandidateMethod[] {
  if (demandClass === "intermittent") return ["movingAverage", "ses", "tsb", "croston"];
  return [...(haveAugurs ? (["mstl", "ets"] as const) : []), "movingAverage", "ses", "tsb"];
}

/** Flat forecasts of the pure methods carry the (shrunk) weekday profile of their history. */
function withProfile(history: readonly number[], flat: number[]): number[] {
  const profile = weekdayProfile(history, SEASON);
  return flat.map((value, step) => value * (profile[(history.length + step) % SEASON] as number));
}

function runMethod(
  method: ForecastMethod,
  history: readonly number[],
  horizon: number,
  augurs: Augurs | null,
): ModelOutput {
  switch (method) {
    case "seasonalNaive":
      return { mean: seasonalNaive(history, horizon, SEASON) };
    case "ses":
      return { mean: smoothedLevel(history, horizon, SEASON) };
    case "croston":
      return { mean: withProfile(history, croston(history, horizon)) };
    case "tsb":
      return { mean: withProfile(history, tsb(history, horizon)) };
    case "movingAverage":
      return { mean: withProfile(history, movingAverage(history, horizon)) };
    case "mean":
      return { mean: historicMean(history, horizon) };
    case "mstl":
    case "ets":
      if (augurs === null) throw new Error(`${method} needs augurs`);
      return fitAugurs(method, history, horizon, augurs);
    case "combination":
    case "zero":
      throw new Error(`${method} is not a model`);
  }
}

function fitAugurs(method: "mstl" | "ets", history: readonly number[], horizon: number, augurs: Augurs): ModelOutput {
  const model = method === "mstl" ? augurs.MSTL.ets([SEASON]) : new augurs.AutoETS(1, "ZZN");
  try {
    model.fit(Float64Array.from(history));
    return { mean: finite(model.predict(horizon).point).map((value) => Math.max(0, value)) };
  } finally {
    model.free();
  }
}

function finite(values: readonly number[]): number[] {
  if (!values.every(Number.isFinite)) throw new Error("model returned non-finite values");
  return [...values];
}

function average(forecasts: readonly number[][], length: number): number[] {
  return Array.from(
    { length },
    (_, index) =>
      forecasts.reduce((total, forecast) => total + Math.max(0, forecast[index] as number), 0) / forecasts.length,
  );
}

function rootMeanSquaredError(actual: readonly number[], forecast: readonly number[]): number {
  let total = 0;
  actual.forEach((value, index) => (total += (value - (forecast[index] as number)) ** 2));
  return Math.sqrt(total / actual.length);
}

function coverage(actual: readonly number[], mean: readonly number[], dispersion: Dispersion, level: number): number {
  let inside = 0;
  actual.forEach((value, index) => {
    if (covers(countInterval(mean[index] as number, dispersion, level), value)) inside += 1;
  });
  return inside / actual.length;
}

/** WAPE of weekly totals: each origin's days in blocks of 7 (a last partial block counts as is). */
function weeklyWape(actual: readonly number[], forecast: readonly number[], backtestHorizon: number): number | null {
  let errors = 0;
  let volume = 0;
  for (let start = 0; start < actual.length; start += backtestHorizon) {
    for (let week = start; week < Math.min(start + backtestHorizon, actual.length); week += SEASON) {
      const end = Math.min(week + SEASON, start + backtestHorizon, actual.length);
      let units = 0;
      let forecastUnits = 0;
      for (let index = week; index < end; index += 1) {
        units += actual[index] as number;
        forecastUnits += forecast[index] as number;
      }
      errors += Math.abs(units - forecastUnits);
      volume += units;
    }
  }
  return volume > 0 ? errors / volume : null;
}

function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** "Typically off by 18% of weekly units; the 80% range held on 81% of past days (112 checked)." */
export function accuracySummary(weeklyError: number | null, coverage80: number | null, days: number): string {
  const error =
    weeklyError === null
      ? "No units sold in the checked weeks"
      : `Typically off by ${percent(weeklyError)} of weekly units`;
  const range = coverage80 === null ? "" : `; the 80% range held on ${percent(coverage80)} of past days`;
  return `${error}${range} (${days} days checked).`;
}

function toPoints(firstDay: string, mean: readonly number[], dispersion: Dispersion): ForecastPoint[] {
  return mean.map((raw, index) => {
    const value = Math.max(0, raw);
    const at80 = countInterval(value, dispersion, 0.8);
    const at95 = countInterval(value, dispersion, 0.95);
    return {
      day: addDays(firstDay, index),
      mean: value,
      lo80: Math.min(at80.lo, value),
      hi80: Math.max(at80.hi, value),
      lo95: Math.min(at95.lo, at80.lo, value),
      hi95: Math.max(at95.hi, at80.hi, value),
    };
  });
}

/** Nothing sold in the window: a zero forecast, and no accuracy claimed. */
function noRecentSales(windowDays: number, windowStart: string, firstDay: string, horizon: number): DemandForecast {
  const zero = new Array<number>(horizon).fill(0);
  const summary = `No sales in the last ${windowDays} days: forecast to sell none; accuracy not measured.`;
  return {
    method: "zero",
    demandClass: "none",
    adi: null,
    points: toPoints(firstDay, zero, { d: 0, phi: 0 }),
    mase: null,
    wape: null,
    accuracy: { status: "no_recent_sales", days: 0, weeklyError: null, coverage80: null, coverage95: null, summary },
    history: { start: windowStart, days: windowDays, trimmed: null },
    backtest: {
      origins: [],
      horizon: 0,
      scale: 0,
      candidates: [],
      members: [],
      mae: null,
      rmse: null,
      dispersion: null,
      note: summary,
    },
  };
}

/**
 * Too little life to backtest: the mean of the last (up to) 28 days with the weekday
 * profile, intervals from a negative binomial whose dispersion is the in-sample one (at
 * least 0.25, since the level itself is uncertain). No accuracy is claimed.
 */
function shortSeries(
  history: readonly number[],
  used: HistoryUsed,
  firstDay: string,
  horizon: number,
  adi: number,
  needed: number,
): DemandForecast {
  const mean = withProfile(history, movingAverage(history, horizon));
  const level = historicMean(history.slice(-28), 1)[0] as number;
  const fitted = fitDispersion(history.slice(-28), new Array<number>(Math.min(28, history.length)).fill(level));
  const dispersion: Dispersion = { d: 1, phi: Math.max(0.25, fitted.phi) };
  const summary = `Not enough history to measure accuracy yet: ${history.length} days since the first sale, ${needed} needed.`;
  return {
    method: "movingAverage",
    demandClass: "short",
    adi,
    points: toPoints(firstDay, mean, dispersion),
    mase: null,
    wape: null,
    accuracy: { status: "not_enough_history", days: 0, weeklyError: null, coverage80: null, coverage95: null, summary },
    history: used,
    backtest: {
      origins: [],
      horizon: 0,
      scale: seasonalNaiveScale(history, SEASON),
      candidates: [],
      members: ["movingAverage"],
      mae: null,
      rmse: Math.sqrt(dispersion.d * level + dispersion.phi * level * level),
      dispersion,
      note: summary,
    },
  };
}
