import type { Dataset } from '../data/types.js';
import type { Samples } from './sampling.js';
import type { Evaluation } from './evaluate.js';
import { classifierFeatures, frechetDistance, imageMetrics, loadFeatureClassifier, stackedMnistModes, type ImageMetrics } from '../metrics/index.js';
import type { StoredDataset } from '../data/types.js';
import { Rng } from './rng.js';

/** The image metrics flattened into the rows `gankit eval` prints and eval.json stores. */
export function flattenImageMetrics(m: ImageMetrics, floor?: { value: number; n: number } | null): Evaluation {
  const e: Evaluation = {
    n_real: m.nReal,
    n_fake: m.nFake,
    features: m.features,
    frechet_distance: m.frechet ? m.frechet.value : 'skipped (see warnings)',
    ...(floor ? { frechet_floor: floor.value, frechet_floor_n: floor.n } : {}),
    kid_mean: m.kid.mean,
    kid_std: m.kid.std,
    kid_subsets: m.kid.subsets,
    precision: m.precisionRecall.precision,
    recall: m.precisionRecall.recall,
    density: m.densityCoverage.density,
    coverage: m.densityCoverage.coverage,
    classes_covered: `${m.fakeClasses.covered}/${m.fakeClasses.numClasses}`,
    class_kl_to_uniform: m.fakeClasses.klToUniform,
    real_class_kl_to_uniform: m.realClasses.klToUniform,
  };
  m.warnings.forEach((w, i) => (e[`warning_${i + 1}`] = w));
  return e;
}

/** Real images of the data set in [0, 1], drawn with a fixed seed (the same for every run). */
function realImages(data: Dataset, n: number): Float32Array {
  const real = data.sample(n, new Rng(12345)).x;
  return real.map((v) => (v + 1) / 2);
}

/**
 * The Fréchet distance between two disjoint sets of n real images of the data (seeded, the
 * same for every run): what a perfect generator would score at this sample size, so an FD is
 * read against it. Sets are smaller than n when the data holds fewer than 2n images.
 */
export async function realFrechetFloor(data: Dataset, n: number): Promise<{ value: number; n: number } | null> {
  const stored = data as Partial<StoredDataset>;
  if (!(stored.x instanceof Float32Array) || !Number.isFinite(data.size)) return null;
  const m = Math.min(n, Math.floor(data.size / 2));
  if (m < 10) return null;
  const per = stored.x.length / data.size;
  const order = Array.from({ length: data.size }, (_, i) => i);
  const rng = new Rng(54321);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const set = (from: number) => {
    const out = new Float32Array(m * per);
    for (let i = 0; i < m; i++) {
      const k = order[from + i];
      for (let j = 0; j < per; j++) out[i * per + j] = (stored.x![k * per + j] + 1) / 2;
    }
    return out;
  };
  const classifier = await loadFeatureClassifier();
  const value = frechetDistance(classifierFeatures(classifier, set(0)), classifierFeatures(classifier, set(m)), classifier.featureDim);
  return { value, n: m };
}

/**
 * Image scores for a run: on 28×28 grey images, every metric of src/metrics on the features
 * of gankit's own MNIST classifier; on other shapes (which that classifier cannot read),
 * pixel statistics only, said plainly.
 */
export async function evaluateImageSamples(samples: Samples, data: Dataset): Promise<Evaluation> {
  const [n, h, w, c] = samples.shape;
  const real = realImages(data, n);
  if (h === 28 && w === 28 && c === 1) {
    return flattenImageMetrics(await imageMetrics(real, samples.data), await realFrechetFloor(data, n));
  }
  if (h === 28 && w === 28 && c === 3) {
    // Stacked MNIST: each channel classified; a mode is a digit triple (VEEGAN / PacGAN protocol).
    const m = await stackedMnistModes(samples.data);
    const e: Evaluation = { n_fake: m.n, modes_covered: m.modesCovered, modes_total: m.numModes, kl_to_uniform: m.klToUniform };
    m.warnings.forEach((warning, i) => (e[`warning_${i + 1}`] = warning));
    return e;
  }
  if (c === 3 && data.name.startsWith('avatars')) {
    const { evaluateAvatarSamples } = await import('./evaluate-features.js');
    return evaluateAvatarSamples(samples.data, data, n);
  }
  const stats = (a: Float32Array) => {
    let s = 0;
    let s2 = 0;
    for (const v of a) { s += v; s2 += v * v; }
    const mean = s / a.length;
    return { mean, std: Math.sqrt(Math.max(0, s2 / a.length - mean * mean)) };
  };
  const f = stats(samples.data);
  const r = stats(real);
  return {
    n_fake: n,
    note: `gankit's feature classifier reads 28×28 grey images; these are ${h}×${w}×${c}, so only pixel statistics are reported`,
    fake_pixel_mean: f.mean,
    real_pixel_mean: r.mean,
    fake_pixel_std: f.std,
    real_pixel_std: r.std,
  };
}
