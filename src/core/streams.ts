import { ConfigError } from './errors.js';
import { Rng } from './rng.js';

/**
 * The one table of random streams. Every draw of a run comes from (seed, step, stream,
 * sub-step), so draws never overlap and a resumed run draws exactly what an uninterrupted
 * one would. The trainer, the studio and the tests all derive their generators here.
 */
export const STREAM = {
  data: 1,
  latent: 2,
  penalty: 3,
  fixedNoise: 4,
  labels: 5,
  augment: 6,
  codes: 7,
  replay: 8,
  /** `gankit sample`'s own noise, apart from the fixed grid noise. */
  sampleNoise: 9,
  /** Gumbel noise of the Gumbel-softmax GAN's relaxed samples (src/gans/gumbel.ts). */
  gumbel: 10,
  /** SeqGAN: the generator's token draws, and its Monte-Carlo roll-outs (src/gans/seqgan.ts). */
  tokens: 11,
  rollout: 12,
  /** The tag sets `gankit sample` and the grids draw from a data set's own (src/data/tag-sets.ts). */
  sampleTags: 13,
  /** The noise batch that re-estimates an EMA generator's batch-norm statistics (src/gans/ema.ts). */
  emaStatistics: 14,
  /** Weight initialisation: network i of a variant uses init + i (step 0, sub-step 0). */
  init: 100,
  /**
   * The fixed labelled subset of the semi-supervised GAN, and of `gankit augment` (which hands
   * the same subset to its ssgan arm); then ssgan's held-out accuracy draws and D's noise layers.
   */
  labelledSubset: 200,
  heldOutAccuracy: 201,
  layerNoise: 202,
  /** pix2pix: the masks of the U-Net's seeded dropout, per round. */
  dropout: 203,
  /** `gankit augment` (src/train/augment.ts): the noise of its generated labelled samples, its classifiers' batches and shifts. */
  augmentSamples: 204,
  classifierBatches: 205,
  /** InfoGAN's code purity at evaluation (src/train/evaluate-conditional.ts): noise and the other codes. */
  evalCodes: 206,
} as const;
export type StreamName = keyof typeof STREAM;

/** Sub-steps per stream in one iteration; a draw's stream id is stream · SUBSTEPS + sub-step. */
export const SUBSTEPS = 4096;

/**
 * How one iteration's sub-steps are shared out. Critic step k of Algorithm 1 draws from
 * sub-step k and the generator step from sub-step criticSteps, so both live in `rounds`;
 * the unrolled GAN's look-ahead critic steps take `lookAhead`.
 */
export const SUBSTEP_RANGES = {
  rounds: { start: 0, size: 1000 },
  lookAhead: { start: 1000, size: SUBSTEPS - 1000 },
} as const;

/** The most critic steps per generator step: the generator's round must stay in `rounds`. */
export const MAX_CRITIC_STEPS = SUBSTEP_RANGES.rounds.size - 1;
/** The most look-ahead steps the unrolled GAN can take without running into the next stream. */
export const MAX_LOOKAHEAD_STEPS = SUBSTEP_RANGES.lookAhead.size;

export function streamId(stream: number, subStep: number): number {
  if (!Number.isInteger(subStep) || subStep < 0 || subStep >= SUBSTEPS) {
    throw new ConfigError(`random sub-step ${subStep} is outside 0..${SUBSTEPS - 1}: it would reuse another stream's numbers`);
  }
  return stream * SUBSTEPS + subStep;
}

/** The generator for one draw of one iteration. */
export function iterationRng(seed: number, step: number, stream: number, subStep = 0): Rng {
  return Rng.derive(seed, step, streamId(stream, subStep));
}

/** The generator for one-off draws of a run (weight initialisation, fixed subsets): step 0, sub-step 0. */
export function runRng(seed: number, stream: number): Rng {
  return Rng.derive(seed, 0, stream);
}
