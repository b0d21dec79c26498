import { MetricError } from './errors.js';
import { frechetDistance } from './frechet.js';
import { kernelInceptionDistance, type KidResult } from './kid.js';
import { densityCoverage, precisionRecall, type DensityCoverage, type PrecisionRecall } from './manifold.js';
import { argmaxRows, classifierFeatures, classifierProbs, loadFeatureClassifier, NUM_CLASSES, type FeatureClassifier } from './classifier.js';

export interface ClassHistogram {
  /** Samples per class. */
  counts: number[];
  /** Classes with at least one sample. */
  covered: number;
  numClasses: number;
  /** KL(histogram ‖ uniform) in nats: 0 for perfectly balanced classes, log(numClasses) for one class. */
  klToUniform: number;
  n: number;
}

/** Histogram of predicted classes, how many classes appear, and its KL to the uniform distribution. */
export function classHistogram(labels: Int32Array, numClasses: number): ClassHistogram {
  const counts = new Array<number>(numClasses).fill(0);
  for (const c of labels) {
    if (c < 0 || c >= numClasses) throw new MetricError(`class ${c} outside 0..${numClasses - 1}`);
    counts[c]++;
  }
  const n = labels.length;
  let covered = 0;
  let kl = 0;
  for (const count of counts) {
    if (count === 0) continue;
    covered++;
    const p = count / n;
    kl += p * Math.log(p * numClasses);
  }
  return { counts, covered, numClasses, klToUniform: kl, n };
}

export interface FeatureMetricOptions {
  /** KID subsets (default 100) and their size (default min(1000, N)). */
  kidSubsets?: number;
  kidSubsetSize?: number;
  /** Neighbours for precision/recall (default 3) and for density/coverage (default 5). */
  precisionRecallK?: number;
  densityCoverageK?: number;
  seed?: number;
}

export interface FeatureMetrics {
  nReal: number;
  nFake: number;
  featureDim: number;
  /** Fréchet distance between Gaussian fits of the two feature sets; biased upward at small N, so always read with N. */
  frechet: { value: number; nReal: number; nFake: number } | null;
  kid: KidResult;
  precisionRecall: PrecisionRecall;
  densityCoverage: DensityCoverage;
  /** Everything that limits how far the numbers can be trusted, and anything skipped (with why). */
  warnings: string[];
}

/** Above this feature size the Fréchet distance's d×d eigen-decompositions take too long in JS, and it is skipped with a warning. */
export const MAX_FRECHET_DIM = 512;

/**
 * Fréchet distance, KID, precision/recall and density/coverage of two row-major feature
 * sets, with the sample sizes and the warnings that small samples call for.
 */
export function featureMetrics(real: Float32Array, fake: Float32Array, dim: number, opts: FeatureMetricOptions = {}): FeatureMetrics {
  if (real.length % dim !== 0 || fake.length % dim !== 0) throw new MetricError(`features must be row-major [N, ${dim}]`);
  const nReal = real.length / dim;
  const nFake = fake.length / dim;
  const prK = opts.precisionRecallK ?? 3;
  const dcK = opts.densityCoverageK ?? 5;
  const minimum = Math.max(prK, dcK) + 1;
  if (nReal < minimum || nFake < minimum) {
    throw new MetricError(`the feature metrics need at least ${minimum} real and ${minimum} fake samples; got ${nReal} and ${nFake}`);
  }
  const warnings: string[] = [];
  const n = Math.min(nReal, nFake);
  let frechet: FeatureMetrics['frechet'] = null;
  if (dim > MAX_FRECHET_DIM) {
    warnings.push(`Fréchet distance skipped: feature size ${dim} is above ${MAX_FRECHET_DIM}, too large for its d×d eigen-decompositions here`);
  } else {
    frechet = { value: frechetDistance(real, fake, dim), nReal, nFake };
    if (n < 2 * dim) {
      warnings.push(`Fréchet distance with N = ${n} < 2 × feature size (${2 * dim}): the covariances are rank-deficient and the value is mostly small-sample bias`);
    } else if (n < 10 * dim) {
      warnings.push(`Fréchet distance with N = ${n} < 10 × feature size (${10 * dim}): noticeably biased upward; compare only values computed at the same N`);
    }
  }
  if (nReal !== nFake) warnings.push(`unequal sample sizes (${nReal} real, ${nFake} fake): the Fréchet distance's bias depends on both`);
  const kid = kernelInceptionDistance(real, fake, dim, { subsets: opts.kidSubsets, subsetSize: opts.kidSubsetSize, seed: opts.seed });
  if (kid.subsets === 1 && (opts.kidSubsets ?? 100) > 1) {
    warnings.push(`KID from the whole set of ${kid.subsetSize} samples (one subset): no spread over subsets, std 0; evaluate more samples than the subset size for one`);
  }
  if (kid.subsetSize < 100) warnings.push(`KID subsets of only ${kid.subsetSize} samples: its standard deviation (${kid.std.toPrecision(3)}) is large against small differences`);
  if (n < 1000) warnings.push(`precision/recall and density/coverage from N = ${n} < 1000: the k-NN manifolds are coarse, expect a few percent of noise`);
  return {
    nReal,
    nFake,
    featureDim: dim,
    frechet,
    kid,
    precisionRecall: precisionRecall(real, fake, dim, { k: prK }),
    densityCoverage: densityCoverage(real, fake, dim, { k: dcK }),
    warnings,
  };
}

export interface ImageMetrics extends FeatureMetrics {
  /** Which features the numbers are computed on. */
  features: string;
  /** Predicted-class histogram of the fake images. */
  fakeClasses: ClassHistogram;
  /** The same for the real images: the floor that fakeClasses can be read against. */
  realClasses: ClassHistogram;
}

function pixelRangeWarnings(images: Float32Array, what: string): string[] {
  let min = Infinity;
  let max = -Infinity;
  for (const v of images) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (!Number.isFinite(min) || !Number.isFinite(max)) throw new MetricError(`the ${what} images contain NaN or infinite pixels`);
  if (min < -0.01) return [`the ${what} images have pixels down to ${min.toFixed(2)}: they look like the generator's [-1, 1] range; the classifier expects [0, 1] (convert with modelToUnit)`];
  if (max > 1.01) return [`the ${what} images have pixels up to ${max.toFixed(2)}: the classifier expects [0, 1]`];
  return [];
}

/**
 * Every image metric for NHWC [N, 28, 28, 1] grey images in [0, 1], on the features of
 * gankit's own MNIST classifier: Fréchet distance, KID, precision/recall, density/coverage
 * and the predicted-class histograms. Numbers on these features are comparable with each
 * other, not with FID/KID values computed on Inception features.
 */
export async function imageMetrics(
  real: Float32Array,
  fake: Float32Array,
  opts: FeatureMetricOptions & { classifier?: FeatureClassifier } = {},
): Promise<ImageMetrics> {
  const classifier = opts.classifier ?? (await loadFeatureClassifier());
  const warnings = [...pixelRangeWarnings(real, 'real'), ...pixelRangeWarnings(fake, 'fake')];
  const realFeatures = classifierFeatures(classifier, real);
  const fakeFeatures = classifierFeatures(classifier, fake);
  const base = featureMetrics(realFeatures, fakeFeatures, classifier.featureDim, opts);
  const fakeClasses = classHistogram(argmaxRows(classifierProbs(classifier, fake)), NUM_CLASSES);
  const realClasses = classHistogram(argmaxRows(classifierProbs(classifier, real)), NUM_CLASSES);
  return {
    ...base,
    features: `gankit MNIST classifier, ${classifier.featureDim} features (held-out accuracy ${classifier.record.heldOutAccuracy})`,
    fakeClasses,
    realClasses,
    warnings: [...warnings, ...base.warnings],
  };
}
