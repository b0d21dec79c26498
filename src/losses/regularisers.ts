import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '../core/rng.js';
import { clipWeights, jointGradientPenalty, jointR1Penalty, type JointCritic } from './penalties.js';

/** What a regulariser sees of one duel of a critic step: the critic, both sides, its scores. */
export interface JudgedDuel {
  /** The critic's score, differentiable in every input (what the penalties differentiate). */
  readonly score: JointCritic;
  readonly real: readonly tf.Tensor[];
  readonly fake: readonly tf.Tensor[];
  readonly realScore: tf.Tensor;
  readonly fakeScore: tf.Tensor;
}

/**
 * Something the discriminator's step adds to its loss or does to its weights, on every
 * critic step of every variant: a penalty of each duel, a penalty of the parameters, or a
 * projection after the update. Its unweighted value is logged under `name`.
 */
export interface Regulariser {
  readonly name: string;
  readonly weight: number;
  duelPenalty?(duel: JudgedDuel, rng: Rng): tf.Scalar;
  parameterPenalty?(variables: readonly tf.Variable[]): tf.Scalar;
  /** Applied after each critic update. */
  project?(variables: readonly tf.Variable[]): void;
}

/** WGAN-GP (Gulrajani et al. 2017): λ·E(‖∇D(x̂)‖ − 1)², ε per sample from the step's penalty stream. */
export function gradientPenaltyRegulariser(lambda: number): Regulariser {
  return {
    name: 'gradient_penalty',
    weight: lambda,
    duelPenalty: (d, rng) => jointGradientPenalty(d.score, d.real, d.fake, tf.tensor1d(rng.uniforms(d.real[0].shape[0]))),
  };
}

/** R1 (Mescheder et al. 2018): (γ/2)·E_real‖∇D(x)‖². */
export function r1Regulariser(gamma: number): Regulariser {
  return { name: 'r1_penalty', weight: gamma / 2, duelPenalty: (d) => jointR1Penalty(d.score, d.real) };
}

/** L2 weight decay: (decay/2)·Σθ² over D's parameters (Loss-Sensitive GAN's Lipschitz regulariser). */
export function weightDecayRegulariser(decay: number): Regulariser {
  return {
    name: 'weight_decay',
    weight: decay / 2,
    parameterPenalty: (vars) => tf.addN(vars.map((v) => tf.sum(tf.square(v)))) as tf.Scalar,
  };
}

/** Karras et al. 2018's drift term ε·E[D(x)²], keeping a Wasserstein critic's scores near 0. */
export function driftRegulariser(epsilon: number): Regulariser {
  return { name: 'drift_penalty', weight: epsilon, duelPenalty: (d) => tf.mean(tf.square(d.realScore)) as tf.Scalar };
}

/** WGAN (Arjovsky et al. 2017): every critic weight clamped to [−c, c] after each update. */
export function weightClippingRegulariser(clipValue: number): Regulariser {
  return { name: 'weight_clipping', weight: 0, project: (vars) => clipWeights(vars, clipValue) };
}
