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

/** The tag accuracy of one asked tag: how often samples drawn with it show it. */
export interface TagAccuracy {
  tag: string;
  /** Share of `--tags <tag>` samples the avatar classifier gives the tag. */
  conditioned: number;
  /** The same share for samples drawn with the data's own tag sets (no tag asked). */
  unconditioned: number;
  /** The classifier's share on real images that carry the tag: its own ceiling. */
  realWithTag: number;
  n: number;
}

/**
 * Tag accuracy of a tag-conditioned avatar run (issue 18): n samples drawn with `tag` asked
 * (the other tags as the data's sets that carry it), scored by the avatar attribute
 * classifier; beside it the unconditioned share and the classifier's share on real images
 * with the tag, so a number reads against chance and against the classifier's own errors.
 */
export async function avatarTagAccuracy(variant: GanVariant, data: Dataset, tag: string, opts: { seed: number; n?: number; truncation?: number }): Promise<TagAccuracy> {
  const { loadAvatarClassifier, avatarAttributes, attributeShare } = await import('../metrics/avatar-classifier.js');
  const { parseTagList, tagPool } = await import('../data/tag-sets.js');
  const names = variant.capabilities.tags;
  if (!names) throw new MetricError(`tag accuracy needs a run conditioned on tags; '${variant.name}' takes none`);
  const n = opts.n ?? 500;
  const c = await loadAvatarClassifier();
  const shape = data.shape as [number, number, number];
  const column = parseTagList(tag, names);
  const conditioned = drawSamples(variant, data, n, { seed: opts.seed, stream: EVAL_STREAM, tags: column, truncation: opts.truncation }).data;
  const free = drawSamples(variant, data, n, { seed: opts.seed, stream: EVAL_STREAM, truncation: opts.truncation }).data;
  // Real images with the tag: the first n of the data that carry it.
  const pool = tagPool(data);
  const width = names.length;
  const per = shape[0] * shape[1] * shape[2];
  const stored = (data as { pixels?: Uint8Array }).pixels;
  if (!stored) throw new MetricError(`tag accuracy reads real images from a stored image set; '${data.name}' is not one`);
  const picked: number[] = [];
  for (let i = 0; i < pool.length / width && picked.length < n; i++) if (column.every((t) => pool[i * width + t] === 1)) picked.push(i);
  const real = new Float32Array(picked.length * per);
  picked.forEach((j, k) => {
    for (let p = 0; p < per; p++) real[k * per + p] = stored[j * per + p] / 255;
  });
  return {
    tag,
    n,
    conditioned: attributeShare(avatarAttributes(c, conditioned, shape), tag),
    unconditioned: attributeShare(avatarAttributes(c, free, shape), tag),
    realWithTag: attributeShare(avatarAttributes(c, real, shape), tag),
  };
}
