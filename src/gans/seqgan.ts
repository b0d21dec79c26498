import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import { Rng } from '../core/rng.js';
import type { Dataset } from '../data/types.js';
import { lossByName } from '../losses/objectives.js';
import { buildTextCritic, textShape } from '../nets/text.js';
import { initializeWeights } from '../nets/init.js';
import type { RunConfig } from '../train/config.js';
import { applyTraining, realBatch, trainableVariables } from './common.js';
import { plainCritic } from './gan.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant } from './types.js';
import { composeVariant, createOptimizers, readVariantOptions, stepSettings } from './variant.js';
import { requireTextModel } from './variant-options.js';

/**
 * SeqGAN (Yu et al. 2017): a recurrent generator G_θ(x_t | x_<t) samples sequences token by
 * token; D (a convolutional classifier of one-hot sequences) is trained as in any GAN on
 * real against sampled sequences. Sampling is not differentiable, so G follows the policy
 * gradient (REINFORCE) with D's belief as the reward: the reward of token t is the mean of D
 * over M Monte-Carlo roll-outs that complete x_≤t with G itself (D of the whole sequence at
 * the last token). The first `pretrainSteps` iterations train G by maximum likelihood
 * (teacher forcing) while D already learns to tell G's samples from real ones.
 */

const SeqganOptions = z
  .object({
    /** Iterations of maximum-likelihood training of G before the policy gradient. */
    pretrainSteps: z.number().int().nonnegative().default(200),
    /** M: roll-outs per token for its reward. */
    rollouts: z.number().int().positive().default(4),
    /** Width of G's token embedding and of its GRU. */
    embedding: z.number().int().positive().default(32),
    units: z.number().int().positive().default(64),
  })
  .strict();

/**
 * G: [batch, length, vocab + 1] one-hot input tokens (a start symbol, then the sequence
 * shifted right) → [batch, length, vocab] logits of the next token. The start symbol is
 * index `vocab`. The embedding is a dense layer on one-hot tokens: the same map, and its
 * gradient is a matrix product every backend has (an embedding's gather gradient is not
 * on wasm).
 */
export function buildSequenceGenerator(length: number, vocab: number, o: { embedding: number; units: number }): tfl.LayersModel {
  const input = tfl.input({ shape: [length, vocab + 1], name: 'tokens' });
  let h = tfl.layers.dense({ units: o.embedding, useBias: false, name: 'g_embed' }).apply(input) as tfl.SymbolicTensor;
  // glorotUniform: the default orthogonal initializer needs TF.js's chained ops, which gankit does not load; initializeWeights replaces it anyway.
  h = tfl.layers.gru({ units: o.units, returnSequences: true, recurrentInitializer: 'glorotUniform', name: 'g_gru' }).apply(h) as tfl.SymbolicTensor;
  const logits = tfl.layers.dense({ units: vocab, name: 'g_logits' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: input, outputs: logits, name: 'generator' });
}

/** G's input for token rows: one-hot of the start symbol, then tokens[0..L−2]. */
export function teacherInputs(tokens: Int32Array, length: number, vocab: number): tf.Tensor3D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor2d(shiftRight(tokens, length, vocab), [tokens.length / length, length], 'int32'), vocab + 1), 'float32') as tf.Tensor3D);
}

/** Teacher-forcing inputs: the start symbol, then tokens[0..L−2]. */
export function shiftRight(tokens: Int32Array, length: number, start: number): Int32Array {
  const n = tokens.length / length;
  const out = new Int32Array(tokens.length);
  for (let i = 0; i < n; i++) {
    out[i * length] = start;
    for (let t = 1; t < length; t++) out[i * length + t] = tokens[i * length + t - 1];
  }
  return out;
}

/**
 * Completes sequences token by token: row i keeps its first prefix[i] tokens and draws the
 * rest from G. One pass of G per position (G is causal, so later inputs do not matter).
 */
export function completeSequences(G: tfl.LayersModel, tokens: Int32Array, prefix: Int32Array, length: number, vocab: number, rng: Rng): Int32Array {
  const n = prefix.length;
  const out = Int32Array.from(tokens);
  const from = Math.min(...prefix);
  for (let t = from; t < length; t++) {
    const probs = tf.tidy(() => {
      const x = teacherInputs(out, length, vocab);
      const logits = tf.slice(G.apply(x, { training: false }) as tf.Tensor3D, [0, t, 0], [n, 1, vocab]);
      return tf.softmax(tf.reshape(logits, [n, vocab])).dataSync();
    });
    for (let i = 0; i < n; i++) {
      if (t < prefix[i]) continue;
      let u = rng.uniform();
      let k = 0;
      while (k < vocab - 1 && u >= probs[i * vocab + k]) u -= probs[i * vocab + k++];
      out[i * length + t] = k;
    }
  }
  return out;
}

export function oneHotTokens(tokens: Int32Array, length: number, vocab: number): tf.Tensor3D {
  return tf.tidy(() => tf.cast(tf.oneHot(tf.tensor2d(tokens, [tokens.length / length, length], 'int32'), vocab), 'float32') as tf.Tensor3D);
}

/** Token indices of one-hot rows [n, length, vocab]. */
function argmaxTokens(x: tf.Tensor): Int32Array {
  return tf.tidy(() => Int32Array.from(tf.argMax(x, -1).dataSync()));
}

/**
 * The policy-gradient surrogate −(1/B) Σ_b Σ_t Q_bt · log G(x_bt | x_b,<t): its gradient is
 * the REINFORCE estimate of −∇_θ E[reward] (Yu et al. 2017, eq. 6).
 */
export function policyGradientLoss(logits: tf.Tensor3D, tokens: tf.Tensor2D, rewards: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const vocab = logits.shape[2];
    const logProbs = tf.logSoftmax(logits);
    const chosen = tf.sum(tf.mul(logProbs, tf.oneHot(tokens, vocab)), -1);
    return tf.neg(tf.mean(tf.sum(tf.mul(chosen, rewards), -1))) as tf.Scalar;
  });
}

/** Teacher-forcing negative log-likelihood per token. */
export function sequenceNll(logits: tf.Tensor3D, tokens: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => {
    const chosen = tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(tokens, logits.shape[2])), -1);
    return tf.neg(tf.mean(chosen)) as tf.Scalar;
  });
}

/** A seed from a latent batch, so the same z gives the same sampled words. */
function seedOf(values: Float32Array | Int32Array | Uint8Array): number {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

export function buildSeqgan(config: RunConfig, data: Dataset): GanVariant {
  const { own, stabilisers: o } = readVariantOptions(config, data, { variant: 'seqgan', own: SeqganOptions, ema: false });
  const [length, vocab] = textShape(data.shape);
  requireTextModel(config, 'seqgan', 'a GRU generator and a text-resnet critic');
  const G = buildSequenceGenerator(length, vocab, own);
  const D = buildTextCritic({ model: config.model, dataShape: [length, vocab], latentDim: 1, hidden: config.hidden });
  initializeWeights(G, config.seed, STREAM.init);
  initializeWeights(D, config.seed, STREAM.init + 1);
  const optimizers = createOptimizers(config, o);
  const critic = plainCritic(D, 1);
  const belief = lossByName(config.loss.type).probability;
  // D's belief that x is real where the loss has one (σ of the logit); a critic's raw score otherwise.
  const reward = (x: tf.Tensor) => tf.tidy(() => {
    const score = tf.reshape(D.apply(x, { training: false }) as tf.Tensor, [-1]);
    return belief ? belief(score) : score;
  });
  const generatorPlayer = [{ optimizer: optimizers.generator, variables: trainableVariables(G) }];
  const discriminatorPlayer = [{ optimizer: optimizers.discriminator, variables: trainableVariables(D) }];
  const sample = (n: number, rng: Rng) => completeSequences(G, new Int32Array(n * length), new Int32Array(n), length, vocab, rng);

  /** Q[b, t]: D's mean over M roll-outs completing x_≤t; D(x) at the last token. */
  function tokenRewards(tokens: Int32Array, n: number, rng: Rng): Float32Array {
    const m = own.rollouts;
    const rows = n * m * (length - 1);
    const repeated = new Int32Array(rows * length);
    const prefix = new Int32Array(rows);
    let r = 0;
    for (let t = 0; t < length - 1; t++)
      for (let j = 0; j < m; j++)
        for (let b = 0; b < n; b++, r++) {
          repeated.set(tokens.subarray(b * length, (b + 1) * length), r * length);
          prefix[r] = t + 1;
        }
    const completed = completeSequences(G, repeated, prefix, length, vocab, rng);
    const both = new Int32Array(completed.length + tokens.length);
    both.set(completed);
    both.set(tokens, completed.length);
    const scores = tf.tidy(() => reward(oneHotTokens(both, length, vocab)).dataSync());
    const q = new Float32Array(n * length);
    r = 0;
    for (let t = 0; t < length - 1; t++) for (let j = 0; j < m; j++) for (let b = 0; b < n; b++, r++) q[b * length + t] += scores[r] / m;
    for (let b = 0; b < n; b++) q[b * length + length - 1] = scores[rows + b];
    return q;
  }

  return composeVariant(
    {
      name: 'seqgan',
      latentDim: 1,
      dataShape: [length, vocab],
      models: { generator: G, discriminator: D },
      optimizers,
      discriminators: { models: [D], optimizers: [optimizers.discriminator] },
      sampler: { model: G },
      criticRound(ctx, sub) {
        const { x: real } = realBatch(ctx, [length, vocab], sub);
        const fake = oneHotTokens(sample(ctx.batchSize, ctx.rng(STREAM.tokens, sub)), length, vocab);
        return { players: discriminatorPlayer, duels: [{ critic, real: [real], fake: [fake] }], owned: [real, fake] };
      },
      generatorRound(ctx, sub) {
        const n = ctx.batchSize;
        if (ctx.step < own.pretrainSteps) {
          const { x: real } = realBatch(ctx, [length, vocab], sub);
          const tokens = argmaxTokens(real);
          const inputs = teacherInputs(tokens, length, vocab);
          const targets = tf.tensor2d(tokens, [n, length], 'int32');
          const play = () => ({ duels: [], terms: () => ({ g_nll: { value: sequenceNll(applyTraining(G, inputs) as tf.Tensor3D, targets), weight: 1 } }) });
          return { players: generatorPlayer, play, owned: [real, inputs, targets] };
        }
        const tokens = sample(n, ctx.rng(STREAM.tokens, sub));
        const q = tokenRewards(tokens, n, ctx.rng(STREAM.rollout, sub));
        const inputs = teacherInputs(tokens, length, vocab);
        const targets = tf.tensor2d(tokens, [n, length], 'int32');
        const rewards = tf.tensor2d(q, [n, length]);
        const play = () => ({
          duels: [],
          terms: () => ({ g_policy: { value: policyGradientLoss(applyTraining(G, inputs) as tf.Tensor3D, targets, rewards), weight: 1 } }),
        });
        return { players: generatorPlayer, play, owned: [inputs, targets, rewards] };
      },
      generate: (gen, zb) => tf.tidy(() => oneHotTokens(completeSequences(gen, new Int32Array(zb.shape[0] * length), new Int32Array(zb.shape[0]), length, vocab, new Rng(seedOf(zb.dataSync()))), length, vocab)),
      discriminate: (x) => tf.tidy(() => D.apply(x, { training: false }) as tf.Tensor),
      afterIteration: (ctx) => ({ pretraining: ctx.step < own.pretrainSteps ? 1 : 0 }),
    },
    stepSettings(config, o),
    {},
  );
}

registerVariant('seqgan', buildSeqgan, 'Yu et al. 2017: recurrent G by policy gradient, D\'s belief as reward over Monte-Carlo roll-outs, after MLE pre-training');
