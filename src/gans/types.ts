import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { Dataset } from '../data/types.js';
import type { Rng } from '../train/rng.js';

/** Which stream of randomness a draw belongs to, so draws never overlap. */
export const STREAM = {
  data: 1,
  latent: 2,
  penalty: 3,
  fixedNoise: 4,
  labels: 5,
  augment: 6,
  codes: 7,
  init: 100,
} as const;

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
 * A GAN variant: its networks, its optimizers and how one training iteration goes.
 * The trainer owns the loop; a variant owns the maths of one iteration.
 */
export interface GanVariant {
  readonly name: string;
  readonly latentDim: number;
  readonly dataShape: readonly number[];
  /** How many classes (or categorical code values) generate() accepts as labels; absent when it takes none. */
  readonly numClasses?: number;
  /** Every model to checkpoint, by file-safe name (`generator`, `discriminator`, ...). */
  models(): Record<string, tfl.LayersModel>;
  /** Every optimizer to checkpoint, by name. */
  optimizers(): Record<string, tf.Optimizer>;
  /** One iteration (for Algorithm 1: criticSteps D updates, then one G update). */
  trainIteration(ctx: IterationContext): IterationLogs;
  /** Generator samples in model space for the given latent batch (optionally labels). */
  generate(z: tf.Tensor2D, labels?: tf.Tensor1D): tf.Tensor;
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
