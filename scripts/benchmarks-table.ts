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

/**
 * The line above which scripts/benchmarks.ts writes and below which BENCHMARKS.md holds
 * sections measured by hand (with their commands), which the script keeps as they are.
 */
export const HAND_MEASURED_MARKER = '<!-- Hand-measured sections below: scripts/benchmarks.ts keeps everything after this line as it is. -->';

/** The generated text followed by the hand-measured tail of the file it replaces (none when that has no marker). */
export function keepHandMeasured(generated: string, previous: string | null): string {
  const at = previous?.indexOf(HAND_MEASURED_MARKER) ?? -1;
  if (previous === null || at < 0) return generated;
  return `${generated.replace(/\n*$/, '\n')}\n${previous.slice(at)}`;
}
