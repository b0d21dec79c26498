import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../data/types.js';
import type { Rng } from '../core/rng.js';

export { STREAM } from '../core/streams.js';

/** What a variant needs to run one training iteration. */
export interface IterationContext {
  /** The iteration about to run, counted from 0. */
  step: number;
  data: Dataset;
  batchSize: number;
  /** The generator for (run seed, step, stream, sub-step): deterministic on resume. */
  rng(stream: number, subStep?: number): Rng;
}

/** Scalar numbers one iteration reports (losses, penalties, scores). */
export type IterationLogs = Record<string, number>;

/**
 * What a variant can do besides sampling from z, stated rather than guessed from optional
 * fields: the CLI, the sampler and the studio read these.
 */
export interface VariantCapabilities {
  /** generate(z, labels) draws chosen classes 0..labels−1; null when it takes no labels. */
  readonly labels: number | null;
  /** encode(x) → z (BiGAN). */
  readonly encode: boolean;
  /** classify(x) → class logits (semi-supervised GAN). */
  readonly classify: boolean;
  /** translate(x, direction) between two domains (CycleGAN). */
  readonly translate: boolean;
  /** generateWithCodes / inferCodes (InfoGAN). */
  readonly codes: boolean;
  /**
   * generate(z, undefined, tags) draws chosen tag sets: multi-hot rows over these names, in
   * this column order (Dataset.tagNames of the data it trained on); null when it takes none.
   */
  readonly tags: readonly string[] | null;
}

export const NO_CAPABILITIES: VariantCapabilities = { labels: null, encode: false, classify: false, translate: false, codes: false, tags: null };

/**
 * A GAN variant: its networks, its optimizers and how one training iteration goes.
 * The trainer owns the loop; the step layer (./step.ts) owns the iteration's order.
 */
export interface GanVariant {
  readonly name: string;
  readonly latentDim: number;
  readonly dataShape: readonly number[];
  readonly capabilities: VariantCapabilities;
  /** Every model to checkpoint, by file-safe name (`generator`, `discriminator`, ...). */
  models(): Record<string, tfl.LayersModel>;
  /** Every optimizer to checkpoint, by name. */
  optimizers(): Record<string, tf.Optimizer>;
  /** One iteration (for Algorithm 1: criticSteps D updates, then one G update). */
  trainIteration(ctx: IterationContext): IterationLogs;
  /**
   * Generator samples in model space for the given latent batch, and class ids [n] where
   * capabilities.labels allows, or multi-hot tag sets [n, tags] where capabilities.tags does.
   */
  generate(z: tf.Tensor2D, labels?: tf.Tensor1D, tags?: tf.Tensor2D): tf.Tensor;
  /** The model that samples: the EMA generator when there is one. */
  samplingGenerator(): tfl.LayersModel;
  /**
   * For variants whose samples do not come from z alone (CycleGAN translates images): n
   * samples in model space drawn with rng. When present, grids and `gankit sample` use it.
   */
  sampleGrid?(n: number, rng: Rng): tf.Tensor;
  /** Raw discriminator outputs (logits or critic scores) on a batch. */
  discriminate(x: tf.Tensor): tf.Tensor;
  dispose(): void;
}
