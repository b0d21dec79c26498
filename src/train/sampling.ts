import * as tf from '@tensorflow/tfjs-core';
import type { GanVariant } from '../gans/types.js';
import { STREAM } from '../gans/types.js';
import type { DataKind, Dataset } from '../data/types.js';
import { decodeBatch, type TextDataset } from '../data/text.js';
import { drawTagSets, tagDrawRng, tagPool, type TagSource } from '../data/tag-sets.js';
import { Rng } from './rng.js';

/** Samples as plain arrays: points in data coordinates, NHWC images in [0, 1], or text as [n, length, vocab] scores. */
export interface Samples {
  kind: DataKind;
  shape: number[];
  data: Float32Array;
  labels?: Int32Array;
  /** Tag runs: the multi-hot tag set each sample was drawn with, [n × tags]. */
  tags?: Uint8Array;
  /** Tag runs: how many of the data's tag sets carried every asked tag (0: the rows are exactly those tags). */
  tagMatches?: number;
}

/**
 * The truncation trick (Brock et al. 2019, BigGAN): z ~ N(0, I) with every component of
 * magnitude above ψ drawn again, trading variety for fidelity as ψ falls.
 */
export function truncatedNormals(rng: Rng, n: number, psi: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let v = rng.normal();
    while (Math.abs(v) > psi) v = rng.normal();
    out[i] = v;
  }
  return out;
}

/**
 * Draws n samples from the variant's sampling generator. The latent draws come from
 * (seed, stream) so the same call gives the same samples: the fixed-noise grids of a run
 * are comparable across steps. Labels, for variants that take them, cycle 0..K−1. Tag sets,
 * for variants that take them, are drawn from the data's own, among those that carry every
 * tag in `tags` (column indices; none: all of them), from (seed, stream) too.
 */
export function drawSamples(
  variant: GanVariant,
  data: Pick<Dataset, 'kind'> & Partial<TagSource>,
  n: number,
  opts: { seed: number; stream?: number; label?: number; tags?: readonly number[]; batch?: number; truncation?: number },
): Samples {
  const stream = opts.stream ?? STREAM.fixedNoise;
  const rng = Rng.derive(opts.seed, 0, stream);
  const batch = opts.batch ?? 256;
  const per = variant.dataShape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n * per);
  if (variant.sampleGrid) {
    const values = tf.tidy(() => {
      let x = (variant.sampleGrid as (n: number, rng: Rng) => tf.Tensor)(n, rng);
      if (data.kind === 'images') x = tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1);
      return x.dataSync() as Float32Array;
    });
    return { kind: data.kind, shape: [n, ...variant.dataShape], data: values };
  }
  const numClasses = variant.capabilities.labels;
  const labels = numClasses ? new Int32Array(n) : undefined;
  const tagNames = variant.capabilities.tags;
  let tagSets: { rows: Uint8Array; matching: number } | undefined;
  if (tagNames) {
    if (!data.sample || !data.name) throw new Error(`drawSamples needs the data set of a tag-conditioned ${variant.name} run to draw its tag sets`);
    tagSets = drawTagSets(tagPool(data as TagSource), tagNames.length, n, tagDrawRng(opts.seed, stream), opts.tags ?? []);
  }
  for (let start = 0; start < n; start += batch) {
    const m = Math.min(batch, n - start);
    const z = opts.truncation === undefined ? rng.normals(m * variant.latentDim) : truncatedNormals(rng, m * variant.latentDim, opts.truncation);
    let lab: Int32Array | undefined;
    if (labels && numClasses) {
      lab = new Int32Array(m);
      for (let i = 0; i < m; i++) lab[i] = opts.label ?? (start + i) % numClasses;
      labels.set(lab, start);
    }
    const values = tf.tidy(() => {
      const zt = tf.tensor2d(z, [m, variant.latentDim]);
      const lt = lab ? tf.tensor1d(lab, 'int32') : undefined;
      const width = tagNames?.length ?? 0;
      const tt = tagSets ? tf.tensor2d(Float32Array.from(tagSets.rows.subarray(start * width, (start + m) * width)), [m, width]) : undefined;
      let x = variant.generate(zt, lt, tt);
      if (data.kind === 'images') x = tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1);
      return x.dataSync() as Float32Array;
    });
    out.set(values, start * per);
  }
  return { kind: data.kind, shape: [n, ...variant.dataShape], data: out, labels, ...(tagSets ? { tags: tagSets.rows, tagMatches: tagSets.matching } : {}) };
}

/** n generated sequences of a text run, decoded (most likely symbol per position, cut at padding). */
export function drawTexts(variant: GanVariant, data: TextDataset, n: number, opts: { seed: number; stream?: number }): string[] {
  return decodeBatch(data.codec, drawSamples(variant, data, n, opts).data, n);
}
