import { MetricError } from './errors.js';
import { featureMetrics, imageMetrics, type FeatureMetrics, type ImageMetrics } from './images.js';
import { slicedWasserstein, wassersteinExact, EXACT_WASSERSTEIN_MAX_POINTS, type SlicedWassersteinResult } from './wasserstein.js';
import { evaluateOnGrid, gridAround, jsDivergenceOnGrid, kdeDensity, scottBandwidth } from './divergence.js';
import { stackedMnistModes, type StackedMnistModes } from './stacked-mnist.js';
import { Rng } from '../core/rng.js';

/** An array as `readNpy` returns it: a shape and row-major float data. */
export interface ShapedArray {
  shape: readonly number[];
  data: Float32Array;
}

export interface PointEvaluation {
  kind: 'points';
  dim: number;
  nReal: number;
  nFake: number;
  /** Exact W1 on equal-size random subsets of `n` points (the whole sets when they fit). */
  wasserstein: { value: number; n: number };
  slicedWasserstein: SlicedWassersteinResult;
  /** For 2D points: JS between Gaussian KDEs of the two sets on a grid, with the bandwidth used. */
  kdeJS: { value: number; max: number; bandwidth: number; cells: number } | null;
  /** Fréchet distance, KID, precision/recall, density/coverage on the raw coordinates. */
  features: FeatureMetrics;
  warnings: string[];
}

export interface MnistEvaluation extends ImageMetrics {
  kind: 'mnist';
}

export interface StackedMnistEvaluation {
  kind: 'stacked-mnist';
  nReal: number;
  nFake: number;
  fakeModes: StackedMnistModes;
  realModes: StackedMnistModes;
  warnings: string[];
}

export interface RawImageEvaluation {
  kind: 'images';
  nReal: number;
  nFake: number;
  /** Distance metrics on raw pixels: gankit's classifier only knows 28×28 grey (and 28×28×3 Stacked MNIST). */
  pixels: FeatureMetrics;
  slicedWasserstein: SlicedWassersteinResult;
  warnings: string[];
}

export type ArrayEvaluation = PointEvaluation | MnistEvaluation | StackedMnistEvaluation | RawImageEvaluation;

export interface EvaluateOptions {
  seed?: number;
  /** KID subsets (default 100). */
  kidSubsets?: number;
}

function randomSubset(x: Float32Array, dim: number, size: number, rng: Rng): Float32Array {
  const n = x.length / dim;
  if (size >= n) return x;
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < size; i++) {
    const j = i + rng.int(n - i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const out = new Float32Array(size * dim);
  for (let i = 0; i < size; i++) out.set(x.subarray(order[i] * dim, (order[i] + 1) * dim), i * dim);
  return out;
}

function checkShapes(real: ShapedArray, fake: ShapedArray): number {
  const describe = (a: ShapedArray) => `[${a.shape.join(', ')}]`;
  if (real.shape.length !== fake.shape.length || real.shape.slice(1).some((s, i) => s !== fake.shape[i + 1])) {
    throw new MetricError(`real ${describe(real)} and fake ${describe(fake)} samples must have the same shape apart from N`);
  }
  if (real.shape.length !== 2 && real.shape.length !== 4) {
    throw new MetricError(`samples must be points [N, D] or NHWC images [N, H, W, C]; got ${describe(real)}`);
  }
  for (const a of [real, fake]) {
    const count = a.shape.reduce((p, s) => p * s, 1);
    if (count !== a.data.length) throw new MetricError(`shape ${describe(a)} needs ${count} numbers; the data has ${a.data.length}`);
  }
  return real.shape.slice(1).reduce((p, s) => p * s, 1);
}

/**
 * Scores a user's own samples (`gankit eval --real A.npy --fake B.npy`), choosing the
 * metrics by shape:
 * - [N, D] points: exact W1 (on random subsets of at most 1,000), sliced W1, the feature
 *   metrics on raw coordinates, and for D = 2 the JS divergence between KDEs;
 * - [N, 28, 28, 1] images in [0, 1]: every image metric on gankit's classifier features;
 * - [N, 28, 28, 3]: the Stacked-MNIST modes of both sets;
 * - other images: distance metrics on raw pixels, with a warning that the classifier only
 *   knows 28×28 grey digits.
 * Every result carries its sample sizes and its warnings; nothing is skipped silently.
 */
export async function evaluateArrays(real: ShapedArray, fake: ShapedArray, opts: EvaluateOptions = {}): Promise<ArrayEvaluation> {
  const dim = checkShapes(real, fake);
  const nReal = real.shape[0];
  const nFake = fake.shape[0];
  const seed = opts.seed ?? 0;
  const metricOpts = { seed, kidSubsets: opts.kidSubsets };
  if (real.shape.length === 2) {
    const warnings: string[] = [];
    const rng = new Rng(seed);
    const n = Math.min(nReal, nFake, EXACT_WASSERSTEIN_MAX_POINTS);
    if (n < Math.max(nReal, nFake)) {
      warnings.push(`exact Wasserstein-1 computed on random subsets of ${n} points per set (the O(n³) assignment is limited to ${EXACT_WASSERSTEIN_MAX_POINTS} and needs equal sizes)`);
    }
    const w = wassersteinExact(randomSubset(real.data, dim, n, rng), randomSubset(fake.data, dim, n, rng), dim);
    let kdeJS: PointEvaluation['kdeJS'] = null;
    if (dim === 2) {
      const bandwidth = scottBandwidth(real.data);
      const both = new Float32Array(real.data.length + fake.data.length);
      both.set(real.data);
      both.set(fake.data, real.data.length);
      const grid = gridAround(both, 3 * bandwidth, 100);
      // Cap the KDE's points: the grid sum costs cells × points.
      const kdeReal = kdeDensity(randomSubset(real.data, 2, 5000, rng), bandwidth);
      const kdeFake = kdeDensity(randomSubset(fake.data, 2, 5000, rng), bandwidth);
      const js = jsDivergenceOnGrid(evaluateOnGrid(kdeReal, grid), evaluateOnGrid(kdeFake, grid), grid);
      kdeJS = { value: js.js, max: js.max, bandwidth, cells: js.cells };
      warnings.push(`JS divergence between Gaussian KDEs with bandwidth ${bandwidth.toPrecision(3)} (Scott's rule on the real set): it depends on that bandwidth`);
    }
    const features = featureMetrics(real.data, fake.data, dim, metricOpts);
    return {
      kind: 'points',
      dim,
      nReal,
      nFake,
      wasserstein: { value: w.value, n },
      slicedWasserstein: slicedWasserstein(real.data, fake.data, dim, { seed }),
      kdeJS,
      features,
      warnings: [...warnings, ...features.warnings],
    };
  }
  const [, h, w, c] = real.shape;
  if (h === 28 && w === 28 && c === 1) {
    return { kind: 'mnist', ...(await imageMetrics(real.data, fake.data, metricOpts)) };
  }
  if (h === 28 && w === 28 && c === 3) {
    const fakeModes = await stackedMnistModes(fake.data);
    const realModes = await stackedMnistModes(real.data);
    return {
      kind: 'stacked-mnist',
      nReal,
      nFake,
      fakeModes,
      realModes,
      warnings: [
        '28×28×3 images are scored as Stacked MNIST (each channel one digit); the real set\'s numbers are the floor at its N',
        ...fakeModes.warnings,
      ],
    };
  }
  const pixels = featureMetrics(real.data, fake.data, dim, metricOpts);
  return {
    kind: 'images',
    nReal,
    nFake,
    pixels,
    slicedWasserstein: slicedWasserstein(real.data, fake.data, dim, { seed }),
    warnings: [
      `gankit's feature classifier only knows 28×28 grey digits; these ${h}×${w}×${c} images are compared on raw pixels (${dim} values each), which measures pixel closeness, not perceptual quality`,
      ...pixels.warnings,
    ],
  };
}
