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

/** Flat mean of the last `window` days (the moving-average benchmark). */
export function movingAverage(history: readonly number[], horizon: number, window = 28): number[] {
  return historicMean(history.slice(-window), horizon);
}

/**
 * Multiplicative day-of-week profile over the last `weeks` weeks, indexed by position in
 * the period counted from the start of `history` (index i % period). Each factor is the
 * weekday's units against the units expected at the overall mean, both plus `pseudoUnits`,
 * so a profile built on few sales shrinks towards flat. Factors average 1.
 */
export function weekdayProfile(history: readonly number[], period = 7, weeks = 16, pseudoUnits = 20): number[] {
  const flat = new Array<number>(period).fill(1);
  const span = Math.min(history.length - (history.length % period), weeks * period);
  if (span < 2 * period) return flat;
  const from = history.length - span;
  const totals = new Array<number>(period).fill(0);
  let total = 0;
  for (let index = from; index < history.length; index += 1) {
    totals[index % period] = (totals[index % period] as number) + (history[index] as number);
    total += history[index] as number;
  }
  if (total === 0) return flat;
  const expected = total / period;
  const raw = totals.map((units) => (units + pseudoUnits) / (expected + pseudoUnits));
  const average = raw.reduce((sum, value) => sum + value, 0) / period;
  return raw.map((value) => value / average);
}

/**
 * Simple exponential smoothing of the level of the seasonally adjusted series (history
 * divided by the weekday profile), α picked from a grid by the in-sample one-step squared
 * error; the forecast is the last level times the weekday profile (ETS(A,N,M)-like, pure).
 */
export function smoothedLevel(
  history: readonly number[],
  horizon: number,
  period = 7,
  alphas: readonly number[] = [0.1, 0.2, 0.35],
): number[] {
  const n = history.length;
  if (n === 0) return new Array<number>(horizon).fill(0);
  const profile = weekdayProfile(history, period);
  const adjusted = history.map((value, index) => value / (profile[index % period] as number));
  const warmUp = Math.min(n, 28);
  const initial = adjusted.slice(0, warmUp).reduce((sum, value) => sum + value, 0) / warmUp;
  let bestLevel = initial;
  let bestError = Number.POSITIVE_INFINITY;
  for (const alpha of alphas) {
    let level = initial;
    let error = 0;
    for (let index = 0; index < n; index += 1) {
      const value = adjusted[index] as number;
      if (index >= warmUp) error += (value - level) ** 2;
      level += alpha * (value - level);
    }
    if (error < bestError) {
      bestError = error;
      bestLevel = level;
    }
  }
  return Array.from({ length: horizon }, (_, step) => bestLevel * (profile[(n + step) % period] as number));
}

/**
 * Caps demand spikes (promotions, one-off bulk orders) so they don't lift the level of the
 * days after them: a day above its trailing `window`-day median by more than `k` robust
 * standard deviations (1.4826 × MAD, at least √median and 1 unit) is cut to that bound.
 * Only past days set a day's bound, so a backtest never sees the future through it.
 */
export function capSpikes(history: readonly number[], window = 28, k = 3): number[] {
  const capped = [...history];
  const recent: number[] = [];
  for (let index = 0; index < history.length; index += 1) {
    const value = history[index] as number;
    if (recent.length >= SPIKE_MIN_DAYS) {
      const sorted = [...recent].sort((a, b) => a - b);
      const median = middle(sorted);
      const deviations = sorted.map((item) => Math.abs(item - median)).sort((a, b) => a - b);
      const spread = Math.max(1.4826 * middle(deviations), Math.sqrt(median), 1);
      capped[index] = Math.min(value, median + k * spread);
    }
    recent.push(value);
    if (recent.length > window) recent.shift();
  }
  return capped;
}

const SPIKE_MIN_DAYS = 14;

function middle(sorted: readonly number[]): number {
  const half = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[half] as number)
    : ((sorted[half - 1] as number) + (sorted[half] as number)) / 2;
}
