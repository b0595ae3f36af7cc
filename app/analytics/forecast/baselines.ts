/**
 * Pure point forecasters: seasonal naive (the baseline every model must beat) and
 * the intermittent-demand methods Croston and TSB for slow movers.
 */

/** Seasonal naive: each future day repeats the same weekday of the last observed season. */
export function seasonalNaive(history: readonly number[], horizon: number, period = 7): number[] {
  const n = history.length;
  if (n === 0) return new Array<number>(horizon).fill(0);
  const season = Math.min(period, n);
  return Array.from({ length: horizon }, (_, step) => history[n - season + (step % season)] as number);
}

/** Flat mean of the history, for series too short to have a season. */
export function historicMean(history: readonly number[], horizon: number): number[] {
  const average = history.length === 0 ? 0 : history.reduce((total, value) => total + value, 0) / history.length;
  return new Array<number>(horizon).fill(average);
}

/**
 * Croston's method: exponential smoothing of the non-zero demand sizes (z) and of
 * the intervals between them (p), updated only on demand days; forecast = z / p per day.
 * Initialised with the first demand size and the periods up to it (index + 1).
 */
export function croston(history: readonly number[], horizon: number, alpha = 0.1): number[] {
  let size: number | null = null;
  let interval = 0;
  let sinceLast = 1;
  for (const value of history) {
    if (value > 0) {
      if (size === null) {
        size = value;
        interval = sinceLast;
      } else {
        size += alpha * (value - size);
        interval += alpha * (sinceLast - interval);
      }
      sinceLast = 1;
    } else {
      sinceLast += 1;
    }
  }
  const rate = size === null ? 0 : size / interval;
  return new Array<number>(horizon).fill(rate);
}

/**
 * Teunter–Syntetos–Babai: smooths the demand probability (d) every day and the
 * demand size (z) on demand days; forecast = d × z. Unlike Croston it decays towards
 * zero while a product stops selling, which suits slow movers being phased out.
 * Initialised with z = first demand size, d = 1 / (index of first demand + 1).
 */
export function tsb(history: readonly number[], horizon: number, alpha = 0.1, beta = 0.1): number[] {
  let size: number | null = null;
  let probability = 0;
  history.forEach((value, index) => {
    if (size === null) {
      if (value > 0) {
        size = value;
        probability = 1 / (index + 1);
      }
      return;
    }
    probability += beta * ((value > 0 ? 1 : 0) - probability);
    if (value > 0) size += alpha * (value - size);
  });
  const rate = size === null ? 0 : probability * size;
  return new Array<number>(horizon).fill(rate);
}
