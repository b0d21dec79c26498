import { MetricError } from './errors.js';
import { Rng } from '../core/rng.js';

export interface KidResult {
  /** Mean over subsets of the unbiased MMD² estimate. Can be slightly negative when the sets match. */
  mean: number;
  /** Standard deviation over subsets; exactly 0 when the only subset is the whole set. */
  std: number;
  /** Subsets drawn: 1 when `subsetSize` takes all of both sets, as every draw would be the same. */
  subsets: number;
  subsetSize: number;
  nReal: number;
  nFake: number;
}

/** Above this many points per set the kernel matrices are not cached (n² doubles each). */
const CACHE_LIMIT = 2500;

function dot(a: Float32Array | Float64Array, i: number, b: Float32Array | Float64Array, j: number, d: number): number {
  let s = 0;
  const ai = i * d;
  const bj = j * d;
  for (let k = 0; k < d; k++) s += a[ai + k] * b[bj + k];
  return s;
}

/** Draws `size` distinct indices from [0, n) (partial Fisher–Yates). */
function subset(rng: Rng, n: number, size: number, scratch: Int32Array): Int32Array {
  for (let i = 0; i < n; i++) scratch[i] = i;
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    const t = scratch[i];
    scratch[i] = scratch[j];
    scratch[j] = t;
  }
  return scratch.slice(0, size);
}

/**
 * Kernel Inception Distance (Bińkowski et al. 2018) on any features: the unbiased
 * estimate of MMD² with the cubic polynomial kernel k(x, y) = (xᵀy / d + 1)³, averaged
 * over random subsets (drawn without replacement, seeded) of `subsetSize` points from
 * each set. Unbiased, so unlike the Fréchet distance its expectation does not depend on N.
 */
export function kernelInceptionDistance(
  real: Float32Array | Float64Array,
  fake: Float32Array | Float64Array,
  dim: number,
  opts: { subsets?: number; subsetSize?: number; seed?: number } = {},
): KidResult {
  if (real.length % dim !== 0 || fake.length % dim !== 0) throw new MetricError(`KID features must be row-major [N, ${dim}]`);
  const nReal = real.length / dim;
  const nFake = fake.length / dim;
  const subsetSize = Math.min(opts.subsetSize ?? 1000, nReal, nFake);
  if (subsetSize < 2) throw new MetricError(`KID needs at least 2 samples per set; got ${nReal} real and ${nFake} fake`);
  const requested = opts.subsets ?? 100;
  if (!Number.isInteger(requested) || requested < 1) throw new MetricError(`KID needs a positive whole number of subsets; got ${requested}`);
  // A subset that takes every point of both sets is the same set whatever the draw: repeating
  // it would only report the rounding of differently ordered sums as a spread.
  const subsets = subsetSize === nReal && subsetSize === nFake ? 1 : requested;
  const rng = new Rng(opts.seed ?? 0);
  const kernel = (a: Float32Array | Float64Array, i: number, b: Float32Array | Float64Array, j: number) => {
    const t = dot(a, i, b, j, dim) / dim + 1;
    return t * t * t;
  };

  // With small sets that the subsets revisit often, every kernel value is computed once
  // and looked up by every subset.
  const cache = Math.max(nReal, nFake) <= CACHE_LIMIT && subsets * subsetSize * subsetSize >= nReal * nFake;
  const full = (a: Float32Array | Float64Array, na: number, b: Float32Array | Float64Array, nb: number) => {
    const out = new Float64Array(na * nb);
    for (let i = 0; i < na; i++) for (let j = 0; j < nb; j++) out[i * nb + j] = kernel(a, i, b, j);
    return out;
  };
  const kxx = cache ? full(real, nReal, real, nReal) : null;
  const kyy = cache ? full(fake, nFake, fake, nFake) : null;
  const kxy = cache ? full(real, nReal, fake, nFake) : null;
  const kXX = (i: number, j: number) => (kxx ? kxx[i * nReal + j] : kernel(real, i, real, j));
  const kYY = (i: number, j: number) => (kyy ? kyy[i * nFake + j] : kernel(fake, i, fake, j));
  const kXY = (i: number, j: number) => (kxy ? kxy[i * nFake + j] : kernel(real, i, fake, j));

  const m = subsetSize;
  const scratchReal = new Int32Array(nReal);
  const scratchFake = new Int32Array(nFake);
  const values: number[] = [];
  for (let s = 0; s < subsets; s++) {
    const xi = subset(rng, nReal, m, scratchReal);
    const yi = subset(rng, nFake, m, scratchFake);
    let sxx = 0;
    let syy = 0;
    let sxy = 0;
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) {
        sxx += kXX(xi[a], xi[b]);
        syy += kYY(yi[a], yi[b]);
      }
      for (let b = 0; b < m; b++) sxy += kXY(xi[a], yi[b]);
    }
    // Off-diagonal sums were taken over a < b: double them for i ≠ j.
    values.push((2 * sxx) / (m * (m - 1)) + (2 * syy) / (m * (m - 1)) - (2 * sxy) / (m * m));
  }
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.length > 1 ? values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1) : 0;
  return { mean, std: Math.sqrt(variance), subsets, subsetSize, nReal, nFake };
}
