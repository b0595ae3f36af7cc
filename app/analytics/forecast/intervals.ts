/**
 * Prediction intervals for daily unit counts: a predictive distribution around the point
 * forecast whose spread is fitted to the rolling-origin backtest errors, so that the
 * intervals are calibrated by construction and can put mass on zero.
 *
 * Variance model (quasi-likelihood): Var(y | μ) = d·μ + φ·μ².
 * - Over-dispersed or Poisson errors (Σ(y − μ)² ≥ Σμ): d = 1 and φ ≥ 0 from the moments, and
 *   y ~ negative binomial (Poisson when φ = 0), whose P(0) is what makes the lower bound 0
 *   on slow movers.
 * - Under-dispersed errors (steady sellers forecast better than Poisson noise): φ = 0,
 *   d = Σ(y − μ)² ÷ Σμ < 1, and y ~ a normal discretised to whole units (d = 0: no spread).
 */
import { normalQuantile } from "../stats.ts";

export interface Dispersion {
  /** Variance per unit of mean (1 for count noise, < 1 when under-dispersed). */
  d: number;
  /** Extra variance per squared unit of mean (negative-binomial 1/size); 0 for Poisson. */
  phi: number;
}

/** Past this mean (or when the NB's P(0) underflows) quantiles use the normal approximation. */
const NORMAL_ABOVE_MEAN = 150;

/**
 * Method-of-moments fit of the variance model to backtest errors (actual vs forecast mean).
 * `prior` is added as that many pseudo-observations' worth of φ to steady the estimate on
 * short backtests; errors on days forecast at 0 count with mean 0.
 */
export function fitDispersion(
  actual: readonly number[],
  mean: readonly number[],
  prior: { phi: number; weight: number } = { phi: 0.1, weight: 0 },
): Dispersion {
  let squares = 0;
  let means = 0;
  let meanSquares = 0;
  actual.forEach((value, index) => {
    const mu = Math.max(0, mean[index] ?? 0);
    squares += (value - mu) ** 2;
    means += mu;
    meanSquares += mu * mu;
  });
  if (means === 0) return squares === 0 ? { d: 0, phi: 0 } : { d: 1, phi: Math.max(prior.phi, 1) };
  if (squares < means && prior.weight === 0) return { d: squares / means, phi: 0 };
  const weight = prior.weight * (meanSquares / actual.length);
  const phi = (squares - means + prior.phi * weight) / (meanSquares + weight);
  if (phi <= 0) return { d: Math.min(1, squares / means), phi: 0 };
  return { d: 1, phi };
}

/** Mass below `lo` and CDF up to each count, for a count distribution of mean μ. */
function negativeBinomialCdf(mu: number, phi: number): (k: number) => number {
  // P(0) and the ratio P(k+1)/P(k); Poisson when φ = 0.
  const size = phi > 0 ? 1 / phi : Number.POSITIVE_INFINITY;
  const p0 = phi > 0 ? Math.exp(-size * Math.log1p(mu / size)) : Math.exp(-mu);
  const cache: number[] = [p0];
  let pmf = p0;
  return (k: number) => {
    if (k < 0) return 0;
    while (cache.length <= k) {
      const j = cache.length - 1;
      pmf *= phi > 0 ? ((j + size) / (j + 1)) * (mu / (size + mu)) : mu / (j + 1);
      cache.push(Math.min(1, (cache[j] as number) + pmf));
    }
    return cache[k] as number;
  };
}

export interface CountInterval {
  lo: number;
  hi: number;
}

/**
 * Central interval of whole units with coverage as close as possible to `level`: the lower
 * bound leaves at most (1 − level)/2 below it (so it is 0 whenever P(0) is that large), and
 * the upper bound is the count at which the covered mass comes nearest to `level` (ties to
 * the wider). With discrete counts no interval covers exactly `level`; choosing the nearest
 * rather than "at least" keeps the average coverage over many days at the nominal level.
 */
export function countInterval(mu: number, dispersion: Dispersion, level: number): CountInterval {
  if (!(mu > 0)) return { lo: 0, hi: 0 };
  const tail = (1 - level) / 2;
  const variance = dispersion.d * mu + dispersion.phi * mu * mu;
  if (variance === 0) return { lo: mu, hi: mu };
  if (dispersion.d < 1 || mu > NORMAL_ABOVE_MEAN) {
    // Normal approximation on whole units (continuity-corrected), never below 0.
    const spread = normalQuantile(1 - tail) * Math.sqrt(variance);
    return { lo: Math.max(0, Math.ceil(mu - spread - 0.5)), hi: Math.max(0, Math.floor(mu + spread + 0.5)) };
  }
  const cdf = negativeBinomialCdf(mu, dispersion.phi);
  let lo = 0;
  while (cdf(lo) <= tail) lo += 1;
  const below = cdf(lo - 1);
  let hi = lo;
  while (cdf(hi) - below < level) hi += 1;
  // hi is the first count reaching the level; one fewer may come closer to it.
  if (hi > lo && level - (cdf(hi - 1) - below) < cdf(hi) - below - level) hi -= 1;
  return { lo, hi };
}

/** Whether an actual count falls inside an interval. */
export function covers(interval: CountInterval, actual: number): boolean {
  return actual >= interval.lo && actual <= interval.hi;
}
