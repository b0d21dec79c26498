import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { ConfigError } from '../core/errors.js';
import { iterationRng, runRng, STREAM } from '../core/streams.js';
import { modelToUnit, storedDataset } from '../data/stored.js';
import { sampleElementCount, type Dataset, type StoredDataset } from '../data/types.js';
import { createVariant } from '../gans/index.js';
import { buildSemiSupervisedGan } from '../gans/semi-supervised.js';
import type { GanVariant } from '../gans/types.js';
import { argmaxRows, buildClassifierNet, classifierProbs, CLASSIFIER_IMAGE_SHAPE, loadFeatureClassifier, stratifiedSplit } from '../metrics/classifier.js';
import type { ModelName } from '../nets/types.js';
import { resolveConfig } from './config.js';
import { drawSamples } from './sampling.js';
import { runTraining } from './trainer.js';

/**
 * GAN data augmentation, measured (issue 19, part 3): a conditional GAN learns a small
 * labelled subset, generates N labelled samples, and the same classifier is trained on the
 * real subset alone and on real + generated; held-out accuracy says whether the generated
 * data helped. Beside them, optionally: classic augmentation (random shifts of the real
 * images, the non-GAN baseline) and the semi-supervised GAN's classifier, which also sees the
 * unlabelled rest of the training split. Every arm starts from the same classifier weights
 * and draws its batches from the same streams, so only the training data differ.
 */

export const AUGMENT_ARMS = ['real', 'generated', 'shifted', 'ssgan'] as const;
export type AugmentArm = (typeof AUGMENT_ARMS)[number];
/** The variants whose generator takes the class it draws. */
export const AUGMENT_VARIANTS = ['cgan', 'acgan', 'projection'] as const;
export type AugmentVariant = (typeof AUGMENT_VARIANTS)[number];

export const ARM_TITLES: Record<AugmentArm, string> = {
  real: 'real only',
  generated: 'real + generated',
  shifted: 'real, shifted ±2 px',
  ssgan: 'ssgan classifier',
};

/** The held-out digits: the same 10% of every class that gankit's feature classifier holds out. */
export const HELD_OUT_SHARE = 0.1;
export const HELD_OUT_SEED = 1;

export interface AugmentSettings {
  /** Real labels to train with: one experiment per count (balanced over the classes). */
  labels: readonly number[];
  variant: AugmentVariant;
  model: ModelName;
  ganSteps: number;
  ganBatch: number;
  /** N: generated labelled samples (classes in turn, so balanced). */
  generated: number;
  classifierSteps: number;
  classifierBatch: number;
  /** Share of each real + generated classifier batch drawn from the real images. */
  realShare: number;
  /** Largest shift of the `shifted` arm, in pixels. */
  maxShift: number;
  arms: readonly AugmentArm[];
  seed: number;
  /** The conditional GAN's options (`--option`: diffAugment, auxiliaryWeight, ...). */
  ganOptions: Record<string, unknown>;
}

export const AUGMENT_DEFAULTS: AugmentSettings = {
  labels: [100],
  // Projection, not cgan: measured on 100 labels, cgan's samples ignored the label they were
  // drawn for (the feature classifier agreed with 9–10%, chance) after 600 and 1,500 steps,
  // where projection's agreed with 74% and 92% (docs/tools.md, "Data augmentation").
  variant: 'projection',
  model: 'dcgan',
  ganSteps: 1500,
  ganBatch: 32,
  generated: 2000,
  classifierSteps: 400,
  classifierBatch: 64,
  realShare: 0.5,
  maxShift: 2,
  arms: ['real', 'generated'],
  seed: 1,
  ganOptions: {},
};

/** Images in [0, 1], NHWC, with their class labels. */
export interface LabelledImages {
  x: Float32Array;
  labels: Int32Array;
  count: number;
}

export interface ArmResult {
  arm: AugmentArm;
  /** Share of the held-out images classified right. */
  accuracy: number;
  /** Seconds to train this arm (the ssgan arm: its GAN training, which is its classifier's). */
  seconds: number;
}

export interface AugmentRow {
  labels: number;
  arms: ArmResult[];
  /** The conditional GAN, when an arm used its samples. */
  gan?: {
    variant: AugmentVariant;
    steps: number;
    seconds: number;
    generated: number;
    /**
     * Share of generated samples that gankit's MNIST feature classifier puts in the class they
     * were generated as (null for data that is not 28×28 digits): does G draw what it is asked?
     */
    labelAgreement: number | null;
  };
}

export interface AugmentResult {
  data: string;
  settings: AugmentSettings;
  heldOut: { count: number; split: string };
  rows: AugmentRow[];
  backend: string;
  wallSeconds: number;
}

const seconds = (since: number) => Math.round((Date.now() - since) / 100) / 10;

/** The arrays of a data set held in memory, in model space, or an error that says what fits. */
export function labelledImageSet(data: Dataset): { x: Float32Array; labels: Int32Array; numClasses: number } {
  if (data.kind !== 'images') throw new ConfigError(`gankit augment trains an image classifier; '${data.name}' holds ${data.kind} (use --data mnist)`);
  const stored = data as Partial<StoredDataset>;
  if (!(stored.x instanceof Float32Array) || !stored.labels || !data.numClasses) throw new ConfigError(`gankit augment needs class labels held in memory; '${data.name}' has none (use --data mnist)`);
  return { x: stored.x, labels: stored.labels, numClasses: data.numClasses };
}

/**
 * `count` indices from `pool`, `count/K` of each class (the remainder to the first classes),
 * by a seeded shuffle of each class. The shuffle does not depend on `count`, so for one seed
 * the 100-label subset lies inside the 500 and the 1,000.
 */
export function balancedSubset(labels: Int32Array, pool: Int32Array, count: number, numClasses: number, seed: number): Int32Array {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  for (const i of pool) byClass[labels[i]].push(i);
  const rng = runRng(seed, STREAM.labelledSubset);
  const out: number[] = [];
  byClass.forEach((members, k) => {
    for (let i = members.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [members[i], members[j]] = [members[j], members[i]];
    }
    const quota = Math.floor(count / numClasses) + (k < count % numClasses ? 1 : 0);
    if (quota > members.length) throw new ConfigError(`class ${k} has ${members.length} training samples, fewer than the ${quota} that ${count} balanced labels need; use fewer --labels`);
    out.push(...members.slice(0, quota));
  });
  return Int32Array.from(out.sort((a, b) => a - b));
}

/** Rows `idx` of row-major samples of `per` numbers each. */
export function gatherRows(x: Float32Array, idx: Int32Array, per: number): Float32Array {
  const out = new Float32Array(idx.length * per);
  idx.forEach((k, i) => out.set(x.subarray(k * per, (k + 1) * per), i * per));
  return out;
}

/**
 * N samples of a label-conditioned generator with the labels they were drawn as: classes
 * in turn (0, 1, …, K−1, 0, …), so balanced; images in [0, 1]. The labels returned are the
 * ones handed to G, never a classifier's guess.
 */
export function generateLabelled(variant: GanVariant, n: number, seed: number): LabelledImages {
  if (variant.capabilities.labels === null) throw new ConfigError(`--variant ${variant.name} does not draw chosen classes; use one of: ${AUGMENT_VARIANTS.join(', ')}`);
  const s = drawSamples(variant, { kind: 'images' }, n, { seed, stream: STREAM.augmentSamples });
  return { x: s.data, labels: s.labels!, count: n };
}

/** Copies an h×w×c image into `out` at `at`, moved by (dx, dy) pixels, zeros where it left. */
function shiftInto(src: Float32Array, out: Float32Array, at: number, shape: readonly number[], dx: number, dy: number): void {
  const [h, w, c] = shape;
  for (let y = 0; y < h; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= h) continue;
    for (let x = 0; x < w; x++) {
      const sx = x - dx;
      if (sx < 0 || sx >= w) continue;
      for (let k = 0; k < c; k++) out[at + (y * w + x) * c + k] = src[(sy * w + sx) * c + k];
    }
  }
}

export interface ClassifierTraining {
  steps: number;
  batchSize: number;
  seed: number;
  /** Random shifts of up to this many pixels (0: none). */
  maxShift?: number;
  learningRate?: number;
}

/**
 * Trains gankit's classifier net (src/metrics/classifier.ts) from fresh weights of `seed`:
 * each batch takes round(share · batch) samples from each source but the last, which takes
 * the rest; samples are drawn with replacement from (seed, step). Adam, its rate divided by
 * 5 for the last third (as scripts/train-classifier.ts trains the feature classifier).
 */
export async function trainClassifier(
  sources: ReadonlyArray<{ set: LabelledImages; share: number }>,
  shape: readonly number[],
  numClasses: number,
  t: ClassifierTraining,
): Promise<tfl.LayersModel> {
  const per = sampleElementCount(shape);
  const rate = t.learningRate ?? 1e-3;
  const shift = t.maxShift ?? 0;
  const counts = sources.map((s) => Math.round(s.share * t.batchSize));
  counts[counts.length - 1] = t.batchSize - counts.slice(0, -1).reduce((a, b) => a + b, 0);
  sources.forEach((s, i) => {
    if (counts[i] > 0 && s.set.count === 0) throw new ConfigError('a classifier batch draws from an empty set of images');
  });
  const model = buildClassifierNet(t.seed, shape, numClasses);
  const optimizer = tf.train.adam(rate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy' });
  const xb = new Float32Array(t.batchSize * per);
  const yb = new Float32Array(t.batchSize * numClasses);
  for (let step = 0; step < t.steps; step++) {
    // TF.js's Adam reads its rate from this field at every step; assigning it keeps the moments.
    if (step === Math.floor((2 * t.steps) / 3)) (optimizer as unknown as { learningRate: number }).learningRate = rate / 5;
    const rng = iterationRng(t.seed, step, STREAM.classifierBatches);
    xb.fill(0);
    yb.fill(0);
    let b = 0;
    sources.forEach(({ set }, i) => {
      for (let j = 0; j < counts[i]; j++, b++) {
        const k = rng.int(set.count);
        const src = set.x.subarray(k * per, (k + 1) * per);
        if (shift > 0) shiftInto(src, xb, b * per, shape, rng.int(2 * shift + 1) - shift, rng.int(2 * shift + 1) - shift);
        else xb.set(src, b * per);
        yb[b * numClasses + set.labels[k]] = 1;
      }
    });
    const x = tf.tensor4d(xb, [t.batchSize, ...shape] as [number, number, number, number]);
    const y = tf.tensor2d(yb, [t.batchSize, numClasses]);
    const loss = await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
    if (!Number.isFinite(Array.isArray(loss) ? loss[0] : loss)) {
      model.dispose();
      optimizer.dispose();
      throw new ConfigError(`the classifier's loss turned ${loss} at step ${step}; lower its learning rate`);
    }
  }
  // The model was compiled with an optimizer object, which model.dispose() leaves alone.
  optimizer.dispose();
  return model;
}

/** The most probable class of each image, in batches. */
export function predictClasses(classify: (x: tf.Tensor4D) => tf.Tensor, images: Float32Array, shape: readonly number[], numClasses: number): Int32Array {
  const per = sampleElementCount(shape);
  const n = images.length / per;
  const out = new Int32Array(n);
  for (let s = 0; s < n; s += 500) {
    const e = Math.min(n, s + 500);
    const scores = tf.tidy(() => classify(tf.tensor4d(images.subarray(s * per, e * per), [e - s, ...shape] as [number, number, number, number])).dataSync() as Float32Array);
    out.set(argmaxRows(scores, numClasses), s);
  }
  return out;
}

export function accuracyOf(predicted: Int32Array, labels: Int32Array): number {
  let right = 0;
  predicted.forEach((p, i) => (right += p === labels[i] ? 1 : 0));
  return right / labels.length;
}

export interface AugmentHooks {
  /** A line of progress (phase started, phase done). */
  onProgress?(line: string): void;
  /** The conditional GAN's samples of each experiment, for a picture. */
  onGenerated?(labels: number, real: LabelledImages, generated: LabelledImages): void;
}

const ganConfig = (s: AugmentSettings, data: string) =>
  resolveConfig({ variant: s.variant, data, model: s.model, steps: s.ganSteps, batchSize: s.ganBatch, seed: s.seed, options: s.ganOptions }, 'images');

/** The conditional GAN of one experiment, trained on the labelled subset alone. */
async function trainConditionalGan(s: AugmentSettings, subset: StoredDataset, hooks: AugmentHooks): Promise<GanVariant> {
  const config = ganConfig(s, subset.name);
  const variant = createVariant(config, subset);
  try {
    const every = Math.max(1, Math.round(s.ganSteps / 4));
    await runTraining({
      variant,
      data: subset,
      config,
      startStep: 0,
      callbacks: { onIteration: (step, logs) => void (step % every === 0 && hooks.onProgress?.(`  ${s.variant} step ${step}/${s.ganSteps}: d_loss ${logs.d_loss?.toFixed(3)}, g_loss ${logs.g_loss?.toFixed(3)}`)) },
    });
  } catch (e) {
    variant.dispose();
    throw e;
  }
  return variant;
}

/** The share of 28×28 digit samples the bundled feature classifier puts in their own class; null for other shapes. */
async function labelAgreement(set: LabelledImages, shape: readonly number[], numClasses: number): Promise<number | null> {
  if (shape.join('x') !== CLASSIFIER_IMAGE_SHAPE.join('x') || numClasses !== 10) return null;
  const classifier = await loadFeatureClassifier();
  return accuracyOf(argmaxRows(classifierProbs(classifier, set.x)), set.labels);
}

/**
 * Everything about a settings object that can be refused, refused now: the data, the label
 * counts, the arms, and the conditional GAN's config (built once on a one-image set), so no
 * mistake surfaces minutes into training.
 */
export function checkAugmentSettings(data: Dataset, s: AugmentSettings): void {
  const { x, labels, numClasses } = labelledImageSet(data);
  for (const n of s.labels) if (n < numClasses) throw new ConfigError(`--labels ${n} leaves some of the ${numClasses} classes without a label; use at least ${numClasses}`);
  const split = stratifiedSplit(labels, HELD_OUT_SHARE, HELD_OUT_SEED, numClasses);
  for (const n of s.labels) balancedSubset(labels, split.train, n, numClasses, s.seed);
  if (s.arms.length === 0) throw new ConfigError(`choose at least one arm of: ${AUGMENT_ARMS.join(', ')}`);
  if (!(s.realShare > 0 && s.realShare < 1)) throw new ConfigError(`the real share of a real + generated batch must lie between 0 and 1; got ${s.realShare}`);
  if (s.arms.includes('generated')) {
    const probe = storedDataset({ name: data.name, kind: 'images', shape: data.shape, x: x.slice(0, sampleElementCount(data.shape)), labels: labels.slice(0, 1), numClasses });
    createVariant(ganConfig(s, probe.name), probe).dispose();
  }
}

/** Runs every experiment of `s` on `data` (a labelled image set in memory). */
export async function runAugment(data: Dataset, s: AugmentSettings, hooks: AugmentHooks = {}): Promise<AugmentResult> {
  const started = Date.now();
  checkAugmentSettings(data, s);
  const { x, labels, numClasses } = labelledImageSet(data);
  const shape = data.shape;
  const per = sampleElementCount(shape);
  const split = stratifiedSplit(labels, HELD_OUT_SHARE, HELD_OUT_SEED, numClasses);
  const heldOutModel = gatherRows(x, split.heldOut, per);
  const heldOutUnit = modelToUnit(heldOutModel);
  const truth = Int32Array.from(split.heldOut, (i) => labels[i]);
  const classifier = { batchSize: s.classifierBatch, steps: s.classifierSteps, seed: s.seed };
  const scoreModel = (m: tfl.LayersModel) => accuracyOf(predictClasses((b) => m.predict(b) as tf.Tensor, heldOutUnit, shape, numClasses), truth);
  const rows: AugmentRow[] = [];
  for (const count of s.labels) {
    const idx = balancedSubset(labels, split.train, count, numClasses, s.seed);
    const realModel = gatherRows(x, idx, per);
    const real: LabelledImages = { x: modelToUnit(realModel), labels: Int32Array.from(idx, (i) => labels[i]), count };
    const row: AugmentRow = { labels: count, arms: [] };
    hooks.onProgress?.(`${count} real labels:`);
    const arm = async (name: AugmentArm, train: () => Promise<number>) => {
      const t0 = Date.now();
      const accuracy = await train();
      row.arms.push({ arm: name, accuracy, seconds: seconds(t0) });
      hooks.onProgress?.(`  ${ARM_TITLES[name]}: held-out accuracy ${(100 * accuracy).toFixed(1)}% (${seconds(t0)} s)`);
    };
    const withModel = async (sources: Parameters<typeof trainClassifier>[0], maxShift = 0) => {
      const m = await trainClassifier(sources, shape, numClasses, { ...classifier, maxShift });
      try {
        return scoreModel(m);
      } finally {
        m.dispose();
      }
    };
    for (const name of s.arms) {
      if (name === 'real') await arm('real', () => withModel([{ set: real, share: 1 }]));
      else if (name === 'shifted') await arm('shifted', () => withModel([{ set: real, share: 1 }], s.maxShift));
      else if (name === 'generated') {
        const t0 = Date.now();
        const subset = storedDataset({ name: `${data.name} (${count} labelled)`, kind: 'images', shape, x: realModel, labels: real.labels, numClasses });
        hooks.onProgress?.(`  training ${s.variant} on the ${count} labelled images, ${s.ganSteps} steps`);
        const gan = await trainConditionalGan(s, subset, hooks);
        let generated: LabelledImages;
        try {
          generated = generateLabelled(gan, s.generated, s.seed);
        } finally {
          gan.dispose();
        }
        const ganSeconds = seconds(t0);
        row.gan = { variant: s.variant, steps: s.ganSteps, seconds: ganSeconds, generated: s.generated, labelAgreement: await labelAgreement(generated, shape, numClasses) };
        hooks.onGenerated?.(count, real, generated);
        hooks.onProgress?.(`  ${s.variant}: ${s.generated} samples in ${ganSeconds} s${row.gan.labelAgreement === null ? '' : `; the feature classifier agrees with ${(100 * row.gan.labelAgreement).toFixed(1)}% of their labels`}`);
        await arm('generated', () => withModel([{ set: real, share: s.realShare }, { set: generated, share: 1 - s.realShare }]));
      } else {
        await arm('ssgan', async () => {
          // The same labelled subset; the rest of the training split without its labels.
          const unlabelled = storedDataset({ name: `${data.name} (training split)`, kind: 'images', shape, x: gatherRows(x, split.train, per), numClasses });
          const config = resolveConfig({ variant: 'ssgan', data: unlabelled.name, model: s.model, steps: s.ganSteps, batchSize: s.ganBatch, seed: s.seed, options: { accuracyEvery: 0 } }, 'images');
          const v = buildSemiSupervisedGan(config, unlabelled, { labelledSet: { x: realModel, labels: real.labels, count } });
          try {
            hooks.onProgress?.(`  training ssgan: the ${count} labelled images + the ${split.train.length} training images unlabelled, ${s.ganSteps} steps`);
            await runTraining({ variant: v, data: unlabelled, config, startStep: 0 });
            return accuracyOf(predictClasses((b) => v.classify(b), heldOutModel, shape, numClasses), truth);
          } finally {
            v.dispose();
          }
        });
      }
    }
    rows.push(row);
  }
  return {
    data: data.name,
    settings: s,
    heldOut: { count: split.heldOut.length, split: `stratifiedSplit(labels, ${HELD_OUT_SHARE}, ${HELD_OUT_SEED}): ${100 * HELD_OUT_SHARE}% of every class, never trained on` },
    rows,
    backend: tf.getBackend(),
    wallSeconds: seconds(started),
  };
}

/** The result as a markdown table: one row per label count, one column per arm. */
export function augmentTable(r: AugmentResult): string {
  const arms = r.settings.arms;
  const head = `| real labels | ${arms.map((a) => ARM_TITLES[a]).join(' | ')} |${arms.includes('generated') ? ' G label agreement |' : ''}`;
  const lines = [head, `| --- |${' --- |'.repeat(arms.length + (arms.includes('generated') ? 1 : 0))}`];
  for (const row of r.rows) {
    const cells = arms.map((a) => {
      const got = row.arms.find((x) => x.arm === a);
      return got ? `${(100 * got.accuracy).toFixed(1)}%` : '–';
    });
    const agreement = arms.includes('generated') ? ` ${row.gan?.labelAgreement == null ? '–' : `${(100 * row.gan.labelAgreement).toFixed(1)}%`} |` : '';
    lines.push(`| ${row.labels} | ${cells.join(' | ')} |${agreement}`);
  }
  return lines.join('\n');
}
