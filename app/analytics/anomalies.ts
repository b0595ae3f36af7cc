/**
 * Anomalies on a daily series (revenue, orders, units of one channel): remove the
 * trend (centred 7-day rolling median) and the weekly pattern (median deviation per
 * weekday), then score each day's residual with a robust z-score.
 */
import { addDays, type DailySeries } from "./days.ts";
import { median, medianAbsoluteDeviation } from "./stats.ts";

export interface Anomaly {
  day: string;
  value: number;
  /** Trend + weekly pattern: what the day would have been without the anomaly. */
  expected: number;
  residual: number;
  zScore: number;
  direction: "up" | "down";
  /** low: |z| ≥ threshold; medium: ≥ 1.5 × threshold; high: ≥ 2 × threshold. */
  severity: "low" | "medium" | "high";
}

export interface AnomalyResult {
  anomalies: Anomaly[];
  /** Days scored (0 when skipped). */
  scored: number;
  threshold: number;
  /** Why nothing was scored, when nothing was. */
  skipped?: string;
}

export interface AnomalyOptions {
  /** |z| at or above which a day is flagged. Default 3.5 (Iglewicz–Hoaglin). */
  threshold?: number;
  /** Shortest series scored; shorter ones get `skipped`. Default 28 (four weeks, so every weekday has four samples). */
  minDays?: number;
}

const WINDOW = 7;
/** 1.4826 × MAD estimates σ for normal data. */
const MAD_TO_SIGMA = 1.4826;
/** When MAD is 0 (more than half the residuals equal), mean absolute deviation × √(π/2) estimates σ instead. */
const MEAN_AD_TO_SIGMA = 1.2533141373155001;

export function detectAnomalies(series: DailySeries, options: AnomalyOptions = {}): AnomalyResult {
  const threshold = options.threshold ?? 3.5;
  const minDays = options.minDays ?? 28;
  const values = series.values;
  const n = values.length;
  if (n < minDays) {
    return {
      anomalies: [],
      scored: 0,
      threshold,
      skipped: `Needs at least ${minDays} days of data to learn the weekly pattern; has ${n}.`,
    };
  }

  const { expected, residuals } = decompose(values);
  const center = median(residuals);
  let spread = MAD_TO_SIGMA * medianAbsoluteDeviation(residuals, center);
  if (spread === 0) {
    spread = (MEAN_AD_TO_SIGMA * residuals.reduce((total, r) => total + Math.abs(r - center), 0)) / n;
  }
  if (spread === 0)
    return { anomalies: [], scored: n, threshold, skipped: "Every day matches its expected value: nothing to flag." };

  const anomalies: Anomaly[] = [];
  residuals.forEach((residual, index) => {
    const zScore = (residual - center) / spread;
    const size = Math.abs(zScore);
    if (size < threshold) return;
    anomalies.push({
      day: addDays(series.start, index),
      value: values[index] as number,
      expected: expected[index] as number,
      residual,
      zScore,
      direction: zScore > 0 ? "up" : "down",
      severity: size >= 2 * threshold ? "high" : size >= 1.5 * threshold ? "medium" : "low",
    });
  });
  return { anomalies, scored: n, threshold };
}

/**
 * STL-like decomposition with robust pieces:
 * 1. rough trend = median of the 7 days around t (the window slides inward at the
 *    ends so it always holds one of each weekday);
 * 2. seasonal[weekday] = median of (value − rough trend) over that weekday's days;
 * 3. deseasonalised = value − seasonal, with outliers (more than 3 robust σ from the
 *    7-day rolling median) replaced by that median (Hampel filter);
 * 4. trend = 7-day rolling mean of the cleaned deseasonalised series.
 * expected = trend + seasonal, residual = value − expected.
 */
export function decompose(values: readonly number[]): {
  trend: number[];
  seasonal: number[];
  expected: number[];
  residuals: number[];
} {
  const roughTrend = rolling(values, median);
  const byPosition: number[][] = Array.from({ length: WINDOW }, () => []);
  values.forEach((value, index) => byPosition[index % WINDOW]?.push(value - (roughTrend[index] as number)));
  const pattern = byPosition.map((deviations) => (deviations.length === 0 ? 0 : median(deviations)));
  const seasonal = values.map((_, index) => pattern[index % WINDOW] as number);
  const deseasonalised = values.map((value, index) => value - (seasonal[index] as number));
  const local = rolling(deseasonalised, median);
  const deviations = deseasonalised.map((value, index) => value - (local[index] as number));
  const limit = 3 * MAD_TO_SIGMA * medianAbsoluteDeviation(deviations);
  // A spike must not drag the trend (and so the expected value of its neighbours) with it.
  const cleaned = deseasonalised.map((value, index) =>
    Math.abs(deviations[index] as number) > limit ? (local[index] as number) : value,
  );
  const trend = rolling(cleaned, average);
  const expected = values.map((_, index) => (trend[index] as number) + (seasonal[index] as number));
  const residuals = values.map((value, index) => value - (expected[index] as number));
  return { trend, seasonal, expected, residuals };
}

function average(values: readonly number[]): number {
  return values.reduce((total, value) => total + value, 0) / values.length;
}

/** Centred 7-day window statistic; at the ends the window slides inward to stay 7 days long. */
function rolling(values: readonly number[], statistic: (window: readonly number[]) => number): number[] {
  const n = values.length;
  return values.map((_, index) => {
    const from = Math.min(Math.max(0, index - (WINDOW - 1) / 2), Math.max(0, n - WINDOW));
    return statistic(values.slice(from, from + WINDOW));
  });
}
