import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { AdversarialLoss } from '../losses/types.js';
import { gradientPenalty, clipWeights, r1Penalty } from '../losses/penalties.js';
import type { GanNetworks } from '../nets/types.js';
import type { GanVariant, IterationContext, IterationLogs } from './types.js';
import { STREAM } from './types.js';
import { applyTraining, latentBatch, realBatch, takeScalar, trainableVariables } from './common.js';
import { diffAugment, type Augmentation } from './diffaugment.js';
import { updateEma } from './ema.js';
import { discriminatorFeatures, featureMatchingLoss, pack, snapshotTraining } from './stabilisers.js';

/**
 * The objective of one game: an AdversarialLoss of src/losses fits, and objectives whose
 * discriminator term also needs the samples (Loss-Sensitive GAN's margin Δ(x, G(z))) too.
 * `real` and `fake` are the batches D judged, after augmentation and packing.
 */
export interface GanObjective {
  discriminator(realOut: tf.Tensor, fakeOut: tf.Tensor, real: tf.Tensor, fake: tf.Tensor): tf.Scalar;
  generator(fakeOut: tf.Tensor): tf.Scalar;
}

export interface UnconditionalGanOptions {
  networks: GanNetworks;
  loss: GanObjective | AdversarialLoss;
  optimizerG: tf.Optimizer;
  optimizerD: tf.Optimizer;
  /** k: discriminator updates per generator update (Algorithm 1). */
  criticSteps: number;
  /** WGAN: clamp D's weights to [−c, c] after each D update. */
  clipValue?: number;
  /** WGAN-GP: λ for the gradient penalty. */
  gradientPenaltyWeight?: number;
  /** L2 weight decay on D's parameters: D's loss gets (decay/2)·Σθ² (Loss-Sensitive GAN's Lipschitz regulariser). */
  discriminatorWeightDecay?: number;
  /** R1 (Mescheder et al. 2018): D's loss gets (γ/2)·E_real‖∇_x D(x)‖². */
  r1Gamma?: number;
  /** Feature matching (Salimans et al. 2016): G minimises ‖E f(x) − E f(G(z))‖² instead of its adversarial loss. */
  featureMatching?: boolean;
  /** EMA of G: a second generator of the same architecture, updated after each G step. */
  ema?: { generator: tfl.LayersModel; decay: number };
  /** DiffAugment policy, applied to every real and fake batch before D (D and G steps). */
  augment?: readonly Augmentation[];
  /** Unrolled GAN: G's update goes through D after this many look-ahead D steps, then D is restored. */
  unrolledSteps?: number;
  /** PacGAN: D judges this many samples packed together. */
  packing?: number;
  /** The variant's name (default 'gan'). */
  name?: string;
}

/** [N, ...] → [N·m, ...], each sample m times in a row. */
function repeatEach(x: tf.Tensor, m: number): tf.Tensor {
  if (m === 1) return x;
  const [n, ...shape] = x.shape;
  return tf.reshape(tf.tile(tf.expandDims(x, 1), [1, m, ...shape.map(() => 1)]), [n * m, ...shape]);
}

/** Look-ahead D steps of the unrolled GAN draw their batches from sub-steps past the real ones. */
const UNROLL_SUBSTEP = 1000;

/**
 * The GAN of Goodfellow et al. (2014), Algorithm 1, with a pluggable objective:
 * for k steps, update D on a real minibatch and a fake one; then update G once.
 * The stabilisers of config.options (R1, weight decay, packing, DiffAugment, feature
 * matching, unrolling, EMA) each enter as a few lines of this loop; layer-level ones
 * (spectral norm, attention, minibatch layers) live in the networks.
 */
export function unconditionalGan(opts: UnconditionalGanOptions): GanVariant {
  const { generator: G, discriminator: D, latentDim, dataShape } = opts.networks;
  const gVars = trainableVariables(G);
  const dVars = trainableVariables(D);
  const packing = opts.packing ?? 1;
  const policy = opts.augment ?? [];
  const unrolledSteps = opts.unrolledSteps ?? 0;
  const critic = (x: tf.Tensor) => applyTraining(D, pack(x, packing));

  // DiffAugment draws come from their own stream, numbered in call order within the step.
  let augmentCalls = 0;
  const augmented = (ctx: IterationContext, x: tf.Tensor): tf.Tensor =>
    policy.length === 0 ? x : diffAugment(x as tf.Tensor4D, policy, ctx.rng(STREAM.augment, augmentCalls++));

  function discriminatorStep(ctx: IterationContext, k: number): IterationLogs {
    const logs: IterationLogs = {};
    const { x: rawReal } = realBatch(ctx, dataShape, k);
    const z = latentBatch(ctx, latentDim, k);
    const rawFake = tf.tidy(() => applyTraining(G, z));
    const real = augmented(ctx, rawReal);
    const fake = augmented(ctx, rawFake);
    let penalty: tf.Scalar | null = null;
    let r1: tf.Scalar | null = null;
    const cost = opts.optimizerD.minimize(
      () => {
        let total = opts.loss.discriminator(critic(real), critic(fake), pack(real, packing), pack(fake, packing));
        if (opts.discriminatorWeightDecay) {
          const sumSquares = tf.addN(dVars.map((v) => tf.sum(tf.square(v))));
          total = tf.add(total, tf.mul(sumSquares, opts.discriminatorWeightDecay / 2));
        }
        if (opts.gradientPenaltyWeight) {
          const eps = tf.tensor1d(ctx.rng(STREAM.penalty, k).uniforms(ctx.batchSize));
          penalty = tf.keep(gradientPenalty(critic, real, fake, eps));
          total = tf.add(total, tf.mul(penalty, opts.gradientPenaltyWeight));
        }
        if (opts.r1Gamma) {
          r1 = tf.keep(r1Penalty(critic, real));
          total = tf.add(total, tf.mul(r1, opts.r1Gamma / 2));
        }
        return total;
      },
      true,
      dVars,
    );
    if (opts.clipValue !== undefined) clipWeights(dVars, opts.clipValue);
    logs.d_loss = takeScalar(cost as tf.Scalar);
    if (penalty) logs.gradient_penalty = takeScalar(penalty);
    if (r1) logs.r1_penalty = takeScalar(r1);
    tf.dispose([rawReal, z, rawFake, real, fake]);
    return logs;
  }

  /** What G minimises on a latent batch (and, for feature matching, a real batch). */
  function generatorObjective(ctx: IterationContext, z: tf.Tensor2D, real: tf.Tensor | null): tf.Scalar {
    const fake = augmented(ctx, applyTraining(G, z));
    if (!real) return opts.loss.generator(critic(fake));
    const realFeatures = tf.tidy(() => discriminatorFeatures(D, pack(real, packing), true));
    const loss = featureMatchingLoss(realFeatures, discriminatorFeatures(D, pack(fake, packing), true));
    realFeatures.dispose();
    return loss;
  }

  function generatorStep(ctx: IterationContext): IterationLogs {
    const sub = opts.criticSteps;
    const z = latentBatch(ctx, latentDim, sub);
    let real: tf.Tensor | null = null;
    if (opts.featureMatching) {
      const { x } = realBatch(ctx, dataShape, sub);
      real = augmented(ctx, x);
      if (real !== x) x.dispose();
    }
    // Unrolled GAN: let D look k steps ahead, take G's step against that D, then put D back.
    const restore = unrolledSteps > 0 ? snapshotTraining(D, opts.optimizerD) : null;
    for (let i = 0; i < unrolledSteps; i++) discriminatorStep(ctx, UNROLL_SUBSTEP + i);
    const cost = opts.optimizerG.minimize(() => generatorObjective(ctx, z, real), true, gVars);
    restore?.();
    tf.dispose([z, ...(real ? [real] : [])]);
    if (opts.ema) updateEma(opts.ema.generator, G, opts.ema.decay);
    return { g_loss: takeScalar(cost as tf.Scalar) };
  }

  const sampler = opts.ema?.generator ?? G;
  return {
    name: opts.name ?? 'gan',
    latentDim,
    dataShape,
    models: () => ({ generator: G, discriminator: D, ...(opts.ema ? { generator_ema: opts.ema.generator } : {}) }),
    optimizers: () => ({ generator: opts.optimizerG, discriminator: opts.optimizerD }),
    trainIteration(ctx) {
      augmentCalls = 0;
      let logs: IterationLogs = {};
      for (let k = 0; k < opts.criticSteps; k++) logs = { ...logs, ...discriminatorStep(ctx, k) };
      return { ...logs, ...generatorStep(ctx) };
    },
    generate: (z) => sampler.apply(z, { training: false }) as tf.Tensor,
    samplingGenerator: (): tfl.LayersModel => sampler,
    // One score per sample: with packing, D judges a pack of m copies of the sample.
    discriminate: (x) => tf.tidy(() => D.apply(pack(repeatEach(x, packing), packing), { training: false }) as tf.Tensor),
    dispose() {
      G.dispose();
      D.dispose();
      opts.ema?.generator.dispose();
      opts.optimizerG.dispose();
      opts.optimizerD.dispose();
    },
  };
}
