/**
 * Mean and sample standard deviation as Python's statistics.mean and
 * statistics.stdev give them (n - 1; no deviation of a single value), and as
 * `tmt sweep --summary` folds repeats (src/sweep/summary.ts).
 */

export interface Spread {
  mean: number;
  /** Undefined below two values. */
  std?: number;
  n: number;
}

/** Undefined for no values. */
export function spread(values: readonly number[]): Spread | undefined {
  const n = values.length;
  if (n === 0) return undefined;
  const mean = values.reduce((a, v) => a + v, 0) / n;
  if (n < 2) return { mean, n };
  // Corrected two-pass: the second sum takes back the rounding error of the mean.
  let squares = 0;
  let drift = 0;
  for (const v of values) {
    squares += (v - mean) ** 2;
    drift += v - mean;
  }
  return { mean, std: Math.sqrt(Math.max(0, (squares - (drift * drift) / n) / (n - 1))), n };
}
