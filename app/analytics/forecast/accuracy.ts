/** Forecast accuracy measures shared by the backtest and the benchmark. */

/**
 * MASE denominator: in-sample mean absolute error of the seasonal naive forecast
 * (y[t] − y[t − period]) over the training history; 0 when the history repeats exactly.
 */
export function seasonalNaiveScale(history: readonly number[], period = 7): number {
  let total = 0;
  let count = 0;
  for (let index = period; index < history.length; index += 1) {
    total += Math.abs((history[index] as number) - (history[index - period] as number));
    count += 1;
  }
  return count === 0 ? 0 : total / count;
}

export function meanAbsoluteError(actual: readonly number[], forecast: readonly number[]): number {
  if (actual.length === 0) return Number.NaN;
  let total = 0;
  actual.forEach((value, index) => (total += Math.abs(value - (forecast[index] as number))));
  return total / actual.length;
}

/**
 * MASE = MAE / scale. When the scale is 0 (perfectly repeating history) the ratio is
 * 0 for a perfect forecast and undefined (null) otherwise, rather than infinite.
 */
export function mase(mae: number, scale: number): number | null {
  if (scale > 0) return mae / scale;
  return mae === 0 ? 0 : null;
}

/** WAPE = Σ|actual − forecast| / Σ|actual|; 0 when both are 0, null when only the actuals are. */
export function wape(actual: readonly number[], forecast: readonly number[]): number | null {
  let errors = 0;
  let volume = 0;
  actual.forEach((value, index) => {
    errors += Math.abs(value - (forecast[index] as number));
    volume += Math.abs(value);
  });
  if (volume > 0) return errors / volume;
  return errors === 0 ? 0 : null;
}
