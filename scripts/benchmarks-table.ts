/** Aggregation and formatting of benchmark numbers over seeds (kept apart for a unit test). */

export interface Aggregate {
  mean: number;
  /** Sample standard deviation (n − 1); 0 for a single value. */
  std: number;
  n: number;
}

/** Mean and sample std of finite values; throws on an empty list (nothing to report). */
export function aggregate(values: readonly number[]): Aggregate {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) throw new Error('aggregate needs at least one finite value');
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const ss = xs.reduce((a, b) => a + (b - mean) ** 2, 0);
  return { mean, std: xs.length > 1 ? Math.sqrt(ss / (xs.length - 1)) : 0, n: xs.length };
}

/** "m ± s" with `digits` decimals after scaling (e.g. 100 for percentages); a lone seed shows no ±. */
export function formatMeanStd(a: Aggregate, digits: number, scale = 1): string {
  const m = (a.mean * scale).toFixed(digits);
  return a.n > 1 ? `${m} ± ${(a.std * scale).toFixed(digits)}` : m;
}
