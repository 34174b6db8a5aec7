/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/** A point estimate with its 95 % interval (`low`/`high` clipped to the metric's range). */
export interface Estimate {
  /** what is reported: the plain estimate (e.g. %promoters − %detractors) */
  value: number;
  /** the interval's centre; adjusted-Wald intervals are centred on the adjusted estimate, not on `value` */
  centre: number;
  margin: number;
  low: number;
  high: number;
}

/** The difference b − a of two independent estimates, with its interval and a plain verdict. */
export interface Difference {
  /** b − a of the reported values */
  value: number;
  centre: number;
  margin: number;
  low: number;
  high: number;
  /** the 95 % interval of the difference excludes 0 */
  significant: boolean;
  direction: 'up' | 'down' | 'none';
}

export const clip = (x: number, min: number, max: number) => Math.min(max, Math.max(min, x));

export function estimate(value: number, centre: number, margin: number, min: number, max: number): Estimate {
  return { value, centre, margin, low: clip(centre - margin, min, max), high: clip(centre + margin, min, max) };
}

/** Two independent estimates' difference from their centres and variances (of the estimates, not per answer). */
export function difference(value: number, centre: number, variance: number): Difference {
  const margin = Z95 * Math.sqrt(Math.max(0, variance));
  const low = centre - margin;
  const high = centre + margin;
  const significant = low > 0 || high < 0;
  return { value, centre, margin, low, high, significant, direction: !significant ? 'none' : centre > 0 ? 'up' : 'down' };
}

/**
 * A share x/n with the adjusted-Wald (Agresti–Coull) interval: add z²/2 successes and z²/2
 * failures. Percent (0–100). Null for n = 0.
 */
export function proportion(x: number, n: number): (Estimate & { n: number; count: number }) | null {
  if (n <= 0) return null;
  const z2 = Z95 * Z95;
  const nAdj = n + z2;
  const p = (x + z2 / 2) / nAdj;
  const margin = Z95 * Math.sqrt((p * (1 - p)) / nAdj);
  return { ...estimate((100 * x) / n, 100 * p, 100 * margin, 0, 100), n, count: x };
}

/**
 * The difference b − a of two shares, Agresti–Caffo: one success and one failure added to each
 * group, then the Wald interval of the difference of two independent proportions. Percent points.
 */
export function proportionDifference(a: { x: number; n: number }, b: { x: number; n: number }): Difference | null {
  if (a.n <= 0 || b.n <= 0) return null;
  const pa = (a.x + 1) / (a.n + 2);
  const pb = (b.x + 1) / (b.n + 2);
  const variance = (pa * (1 - pa)) / (a.n + 2) + (pb * (1 - pb)) / (b.n + 2);
  return difference(100 * (b.x / b.n - a.x / a.n), 100 * (pb - pa), 10_000 * variance);
}

/** Sufficient statistics of a mean, as the rollups keep them. */
export interface MeanStats {
  n: number;
  sum: number;
  sumSq: number;
}

/**
 * A mean with the normal-approximation 95 % interval (sample standard deviation from the sums).
 * Null for n = 0; for n = 1 the margin is 0 (nothing to estimate spread from).
 */
export function meanEstimate(s: MeanStats, min: number, max: number): (Estimate & { n: number }) | null {
  if (s.n <= 0) return null;
  const mean = s.sum / s.n;
  const variance = s.n > 1 ? Math.max(0, (s.sumSq - s.n * mean * mean) / (s.n - 1)) : 0;
  return { ...estimate(mean, mean, Z95 * Math.sqrt(variance / s.n), min, max), n: s.n };
}

/** b − a of two independent means (Welch's standard error, normal quantile). */
export function meanDifference(a: MeanStats, b: MeanStats): Difference | null {
  if (a.n <= 0 || b.n <= 0) return null;
  const v = (s: MeanStats) => {
    const m = s.sum / s.n;
    return s.n > 1 ? Math.max(0, (s.sumSq - s.n * m * m) / (s.n - 1)) / s.n : 0;
  };
  const d = b.sum / b.n - a.sum / a.n;
  return difference(d, d, v(a) + v(b));
}
