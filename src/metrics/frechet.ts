import { MetricError } from './errors.js';
import { columnMeans, covariance, matmul, symmetricEigen, symmetricSqrt } from './linalg.js';

/** Mean and covariance of a feature set: what the Fréchet distance compares. */
export interface GaussianStats {
  mean: Float64Array;
  cov: Float64Array;
  dim: number;
  /** Number of samples the statistics came from. */
  n: number;
}

/** Mean and unbiased covariance of row-major [n, dim] features. */
export function gaussianStats(features: Float32Array | Float64Array, dim: number): GaussianStats {
  if (dim < 1 || features.length % dim !== 0) {
    throw new MetricError(`features must be row-major [N, ${dim}]; got ${features.length} numbers`);
  }
  const n = features.length / dim;
  if (n < 2) throw new MetricError(`a covariance needs at least 2 samples; got ${n}`);
  const mean = columnMeans(features, n, dim);
  return { mean, cov: covariance(features, n, dim, mean), dim, n };
}

/**
 * The Fréchet (2-Wasserstein) distance between two Gaussians:
 *   ‖μ1 − μ2‖² + Tr(Σ1 + Σ2 − 2 (Σ1 Σ2)^{1/2}).
 * Tr((Σ1 Σ2)^{1/2}) is computed as Σ sqrt(λ_i) over the eigenvalues of the symmetric
 * PSD matrix Σ1^{1/2} Σ2 Σ1^{1/2}, which has the same spectrum as Σ1 Σ2 but, unlike a
 * general matrix square root, stays real and stable when the covariances are singular.
 */
export function frechetFromStats(a: GaussianStats, b: GaussianStats): number {
  if (a.dim !== b.dim) throw new MetricError(`Fréchet distance between feature sizes ${a.dim} and ${b.dim}`);
  const d = a.dim;
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2;
  let traceSum = 0;
  for (let i = 0; i < d; i++) traceSum += a.cov[i * d + i] + b.cov[i * d + i];
  const rootA = symmetricSqrt(a.cov, d);
  const middle = matmul(matmul(rootA, b.cov, d), rootA, d);
  const { values } = symmetricEigen(middle, d);
  let traceRoot = 0;
  for (const v of values) traceRoot += Math.sqrt(Math.max(0, v));
  // Clamp tiny negative results of rounding: the distance is ≥ 0 by construction.
  return Math.max(0, meanTerm + traceSum - 2 * traceRoot);
}

/** Fréchet distance between two row-major [N, dim] feature sets (FID when the features are Inception's). */
export function frechetDistance(real: Float32Array | Float64Array, fake: Float32Array | Float64Array, dim: number): number {
  return frechetFromStats(gaussianStats(real, dim), gaussianStats(fake, dim));
}
