import type { Dataset } from '../data/types.js';
import type { GanVariant } from '../gans/types.js';
import { featureMetrics } from '../metrics/images.js';
import { extractFeatures, type FeatureExtractor } from '../metrics/feature-model.js';
import { MetricError } from '../metrics/errors.js';
import { drawSamples } from './sampling.js';
import { EVAL_STREAM, type Evaluation } from './evaluate.js';
import { Rng } from './rng.js';

/** Fréchet distance, KID, precision/recall and density/coverage on a user's feature model. */
export function featureEvaluation(ext: FeatureExtractor, real: Float32Array, fake: Float32Array, shape: readonly [number, number, number]): Evaluation {
  const m = featureMetrics(extractFeatures(ext, real, shape), extractFeatures(ext, fake, shape), ext.featureDim);
  const e: Evaluation = {
    n_real: m.nReal,
    n_fake: m.nFake,
    features: `${ext.name} (${ext.featureDim} features)`,
    frechet_distance: m.frechet ? m.frechet.value : 'skipped (see warnings)',
    kid_mean: m.kid.mean,
    kid_std: m.kid.std,
    kid_subsets: m.kid.subsets,
    precision: m.precisionRecall.precision,
    recall: m.precisionRecall.recall,
    density: m.densityCoverage.density,
    coverage: m.densityCoverage.coverage,
  };
  m.warnings.forEach((w, i) => (e[`warning_${i + 1}`] = w));
  return e;
}

/** A run's samples against its data set's real images (a fixed draw), on a feature model. */
export function evaluateVariantWithFeatures(variant: GanVariant, data: Dataset, ext: FeatureExtractor, opts: { seed: number; n?: number }): Evaluation {
  if (data.kind !== 'images' || data.shape.length !== 3) throw new MetricError(`--features scores images; ${data.name} is ${data.kind}`);
  const n = opts.n ?? 1000;
  const fake = drawSamples(variant, data, n, { seed: opts.seed, stream: EVAL_STREAM }).data;
  const real = data.sample(n, new Rng(12345)).x.map((v) => (v + 1) / 2);
  return { data: data.name, ...featureEvaluation(ext, real, fake, data.shape as [number, number, number]) };
}

/**
 * Avatar runs: the feature metrics on gankit's avatar attribute classifier, and per
 * attribute the share of fake and of real images the classifier gives it (hair colours,
 * skin tones, glasses, long hair), so a collapse onto one look shows as shares far apart.
 */
export async function evaluateAvatarSamples(fake: Float32Array, data: Dataset, n: number): Promise<Evaluation> {
  const { loadAvatarClassifier, avatarAttributes, attributeShare, AVATAR_ATTRIBUTES } = await import('../metrics/avatar-classifier.js');
  const c = await loadAvatarClassifier();
  const shape = data.shape as [number, number, number];
  const real = data.sample(n, new Rng(12345)).x.map((v) => (v + 1) / 2);
  const e = featureEvaluation(c.features, real, fake, shape);
  const pf = avatarAttributes(c, fake, shape);
  const pr = avatarAttributes(c, real, shape);
  for (const a of AVATAR_ATTRIBUTES) e[`share_${a.replace(/ /g, '_')}`] = `${attributeShare(pf, a).toFixed(3)} (real ${attributeShare(pr, a).toFixed(3)})`;
  return e;
}
