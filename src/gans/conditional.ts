import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../train/config.js';
import type { Dataset } from '../data/types.js';
import { createOptimizer } from '../train/optimizers.js';
import { initializeWeights } from '../nets/init.js';
import { buildConditionalDiscriminator, buildConditionalGenerator } from '../nets/conditional.js';
import { lossByName } from '../losses/index.js';
import type { AdversarialLoss } from '../losses/types.js';
import { clipWeights, gradientPenalty } from '../losses/penalties.js';
import { oneHotLabels, randomLabels, roundRobinLabels, softmaxCrossEntropy } from '../nn/label-embedding.js';
import { applyTraining, latentBatch, realBatch, takeScalar, trainableVariables } from './common.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant, type IterationContext, type IterationLogs } from './types.js';
import { parseVariantOptions, requireClasses } from './variant-options.js';

/**
 * Class-conditional GANs. All three draw x̃ = G(z, y) with the label one-hot beside the
 * noise; they differ in how D uses the label:
 * - `cgan` (Mirza & Osindero 2014): D(x, y), the label concatenated with x;
 * - `projection` (Miyato & Koyama 2018): D(x, y) = ψ(φ(x)) + ⟨embed(y), φ(x)⟩;
 * - `acgan` (Odena et al. 2017): D(x) → (score, class logits); both players also minimise
 *   the cross-entropy of the class head (real and fake for D, fake for G).
 */
export type ConditioningMode = 'cgan' | 'projection' | 'acgan';

export const ConditionalOptionsSchema = z.object({
  /** Classes to condition on; defaults to the data set's. */
  numClasses: z.number().int().min(2).optional(),
  /** ACGAN: weight of the auxiliary classification loss beside the adversarial one. */
  auxiliaryWeight: z.number().nonnegative().default(1),
});
export type ConditionalOptions = z.output<typeof ConditionalOptionsSchema>;

export interface ConditionalGanOptions {
  mode: ConditioningMode;
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  latentDim: number;
  dataShape: readonly number[];
  numClasses: number;
  loss: AdversarialLoss;
  optimizerG: tf.Optimizer;
  optimizerD: tf.Optimizer;
  criticSteps: number;
  auxiliaryWeight: number;
  clipValue?: number;
  gradientPenaltyWeight?: number;
}

/** A variant that generates a chosen class: `generate(z, labels)`. */
export interface LabelConditionedVariant extends GanVariant {
  readonly numClasses: number;
}

export function isLabelConditioned(v: GanVariant): v is LabelConditionedVariant {
  return typeof (v as Partial<LabelConditionedVariant>).numClasses === 'number';
}

export function conditionalGan(opts: ConditionalGanOptions): LabelConditionedVariant {
  const { generator: G, discriminator: D, latentDim, dataShape, numClasses, loss, mode } = opts;
  const gVars = trainableVariables(G);
  const dVars = trainableVariables(D);

  /** D's outputs: the adversarial score and, for ACGAN, the class logits. */
  function discriminatorOutputs(x: tf.Tensor, y: tf.Tensor2D, training: boolean): { score: tf.Tensor; classLogits: tf.Tensor | null } {
    if (mode === 'acgan') {
      const [score, classLogits] = D.apply(x, { training }) as tf.Tensor[];
      return { score, classLogits };
    }
    return { score: D.apply([x, y], { training }) as tf.Tensor, classLogits: null };
  }

  function labelsOf(batch: { labels?: Int32Array }): Int32Array {
    if (!batch.labels) throw new ConfigError(`--variant ${mode} needs labelled samples, but the data set returned none`);
    return batch.labels;
  }

  function discriminatorStep(ctx: IterationContext, k: number): IterationLogs {
    const batch = realBatch(ctx, dataShape, k);
    const y = oneHotLabels(labelsOf(batch), numClasses);
    const z = latentBatch(ctx, latentDim, k);
    // Fakes carry the real batch's labels (a draw from the same label prior), so a
    // gradient penalty interpolates between samples of one class.
    const fake = tf.tidy(() => applyTraining(G, [z, y]));
    let auxiliary: tf.Scalar | null = null;
    let penalty: tf.Scalar | null = null;
    const cost = opts.optimizerD.minimize(
      () => {
        const real = discriminatorOutputs(batch.x, y, true);
        const fakeOut = discriminatorOutputs(fake, y, true);
        let total = loss.discriminator(real.score, fakeOut.score);
        if (real.classLogits && fakeOut.classLogits) {
          auxiliary = tf.keep(tf.add(softmaxCrossEntropy(real.classLogits, y), softmaxCrossEntropy(fakeOut.classLogits, y)) as tf.Scalar);
          total = tf.add(total, tf.mul(auxiliary, opts.auxiliaryWeight)) as tf.Scalar;
        }
        if (opts.gradientPenaltyWeight) {
          const eps = tf.tensor1d(ctx.rng(STREAM.penalty, k).uniforms(ctx.batchSize));
          const critic = (x: tf.Tensor) => discriminatorOutputs(x, y, true).score;
          penalty = tf.keep(gradientPenalty(critic, batch.x, fake, eps));
          total = tf.add(total, tf.mul(penalty, opts.gradientPenaltyWeight)) as tf.Scalar;
        }
        return total;
      },
      true,
      dVars,
    );
    if (opts.clipValue !== undefined) clipWeights(dVars, opts.clipValue);
    const logs: IterationLogs = { d_loss: takeScalar(cost as tf.Scalar) };
    if (auxiliary) logs.d_class_loss = takeScalar(auxiliary);
    if (penalty) logs.gradient_penalty = takeScalar(penalty);
    tf.dispose([batch.x, y, z, fake]);
    return logs;
  }

  function generatorStep(ctx: IterationContext): IterationLogs {
    const k = opts.criticSteps;
    const z = latentBatch(ctx, latentDim, k);
    const y = oneHotLabels(randomLabels(ctx.rng(STREAM.labels, k), ctx.batchSize, numClasses), numClasses);
    let auxiliary: tf.Scalar | null = null;
    const cost = opts.optimizerG.minimize(
      () => {
        const out = discriminatorOutputs(applyTraining(G, [z, y]), y, true);
        let total = loss.generator(out.score);
        if (out.classLogits) {
          auxiliary = tf.keep(softmaxCrossEntropy(out.classLogits, y));
          total = tf.add(total, tf.mul(auxiliary, opts.auxiliaryWeight)) as tf.Scalar;
        }
        return total;
      },
      true,
      gVars,
    );
    tf.dispose([z, y]);
    const logs: IterationLogs = { g_loss: takeScalar(cost as tf.Scalar) };
    if (auxiliary) logs.g_class_loss = takeScalar(auxiliary);
    return logs;
  }

  function labelsFor(n: number, labels?: tf.Tensor1D): tf.Tensor2D {
    if (labels && labels.shape[0] !== n) throw new ConfigError(`got ${labels.shape[0]} labels for ${n} latent vectors; pass one label per sample`);
    return oneHotLabels(labels ?? roundRobinLabels(n, numClasses), numClasses);
  }

  return {
    name: mode,
    latentDim,
    dataShape,
    numClasses,
    models: () => ({ generator: G, discriminator: D }),
    optimizers: () => ({ generator: opts.optimizerG, discriminator: opts.optimizerD }),
    trainIteration(ctx) {
      let logs: IterationLogs = {};
      for (let k = 0; k < opts.criticSteps; k++) logs = { ...logs, ...discriminatorStep(ctx, k) };
      return { ...logs, ...generatorStep(ctx) };
    },
    /** Samples of the given classes; without labels, classes 0..K−1 round-robin. */
    generate(z, labels) {
      const y = labelsFor(z.shape[0], labels);
      const out = G.apply([z, y], { training: false }) as tf.Tensor;
      y.dispose();
      return out;
    },
    samplingGenerator: () => G,
    /** The adversarial score; CGAN and projection score x against round-robin labels. */
    discriminate(x) {
      if (mode === 'acgan') {
        const [score, classLogits] = D.apply(x, { training: false }) as tf.Tensor[];
        classLogits.dispose();
        return score;
      }
      const y = labelsFor(x.shape[0]);
      const out = D.apply([x, y], { training: false }) as tf.Tensor;
      y.dispose();
      return out;
    },
    dispose() {
      G.dispose();
      D.dispose();
      opts.optimizerG.dispose();
      opts.optimizerD.dispose();
    },
  };
}

/** Builds cgan, projection or acgan from a run config, with seeded weights. */
export function buildConditionalGan(mode: ConditioningMode, config: RunConfig, data: Dataset): LabelConditionedVariant {
  const options = parseVariantOptions(ConditionalOptionsSchema, config.options, mode);
  const numClasses = requireClasses(data, mode, options.numClasses);
  const generator = buildConditionalGenerator({ model: config.model, dataShape: data.shape, latentDim: config.latentDim, conditionDim: numClasses, hidden: config.hidden });
  const discriminator = buildConditionalDiscriminator({
    model: config.model,
    dataShape: data.shape,
    hidden: config.hidden,
    condition: mode === 'acgan' ? undefined : { size: numClasses, mode: mode === 'cgan' ? 'concat' : 'projection', inputName: 'label' },
    heads: mode === 'acgan' ? [{ name: 'class_logits', units: numClasses }] : [],
  });
  initializeWeights(generator, config.seed, STREAM.init);
  initializeWeights(discriminator, config.seed, STREAM.init + 1);
  const lossCfg = config.loss;
  return conditionalGan({
    mode,
    generator,
    discriminator,
    latentDim: config.latentDim,
    dataShape: data.shape,
    numClasses,
    loss: lossByName(lossCfg.type, { realLabel: config.realLabel }),
    optimizerG: createOptimizer(config.optimizerG),
    optimizerD: createOptimizer(config.optimizerD),
    criticSteps: config.criticSteps,
    auxiliaryWeight: options.auxiliaryWeight,
    clipValue: lossCfg.type === 'wgan' ? lossCfg.clipValue : undefined,
    gradientPenaltyWeight: lossCfg.type === 'wgan-gp' ? lossCfg.gradientPenaltyWeight : undefined,
  });
}

registerVariant('cgan', (c, d) => buildConditionalGan('cgan', c, d), 'Mirza & Osindero 2014: label concatenated into G and D; sample --label K');
registerVariant('projection', (c, d) => buildConditionalGan('projection', c, d), 'Miyato & Koyama 2018: projection discriminator ψ(φ(x)) + ⟨embed(y), φ(x)⟩');
registerVariant('acgan', (c, d) => buildConditionalGan('acgan', c, d), 'Odena et al. 2017: D with an auxiliary classifier head');
