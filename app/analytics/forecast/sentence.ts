/**
 * The forecast's accuracy in words for a merchant, with its numbers (docs/metrics.md,
 * "Accuracy shown to the merchant"). Pure: it reads the figures a forecast measured on its
 * own backtest (or the same figures stored in `Forecast.accuracy`) and never invents one:
 * without enough history it says so instead of showing an error of 0.
 */

/** The figures the sentence is made from (a `ForecastAccuracy` or its stored JSON). */
export interface AccuracyFigures {
  status: "measured" | "not_enough_history" | "no_recent_sales";
  /** Backtest days checked. */
  days: number;
  /** Σ |actual − forecast| weekly units ÷ Σ actual weekly units over the backtest weeks. */
  weeklyError: number | null;
  /** Share of backtest days whose units fell inside the 80% interval. */
  coverage80: number | null;
}

/** Fewer backtest days than this are not enough to state an accuracy (two weeks). */
export const MIN_ACCURACY_DAYS = 14;

export const NOT_ENOUGH_HISTORY = "Not enough history to measure accuracy yet.";

function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

function isShare(value: unknown): value is number {
  return typeof value === "number" && Number.isFinite(value) && value >= 0;
}

/**
 * "Typically off by 18% of weekly units; the 80% range held on 81% of past days." when the
 * accuracy was measured on at least MIN_ACCURACY_DAYS backtest days; "Not enough history to
 * measure accuracy yet." otherwise (short life, no recent sales, missing or malformed figures);
 * "No units sold in the checked weeks" stands in for the error when the backtest weeks sold
 * nothing (an error relative to zero units has no meaning).
 */
export function describeForecastAccuracy(accuracy: Partial<AccuracyFigures> | null | undefined): string {
  if (
    accuracy === null ||
    accuracy === undefined ||
    accuracy.status !== "measured" ||
    !(typeof accuracy.days === "number" && accuracy.days >= MIN_ACCURACY_DAYS)
  ) {
    return NOT_ENOUGH_HISTORY;
  }
  const error = isShare(accuracy.weeklyError)
    ? `Typically off by ${percent(accuracy.weeklyError)} of weekly units`
    : "No units sold in the checked weeks";
  const range = isShare(accuracy.coverage80)
    ? `; the 80% range held on ${percent(accuracy.coverage80)} of past days`
    : "";
  return `${error}${range}.`;
}
