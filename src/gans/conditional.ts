import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../core/errors.js';
import type { Dataset } from '../data/types.js';
import { initializeWeights } from '../nets/init.js';
import { buildConditionalDiscriminator, buildConditionalGenerator } from '../nets/conditional.js';
import { oneHotLabels, randomLabels, roundRobinLabels, softmaxCrossEntropy } from '../nn/label-embedding.js';
import { applyTraining, latentBatch, realBatch, trainableVariables } from './common.js';
import type { Critic, CriticOutput } from './step.js';
import { composeVariant, createOptimizers, discriminatorSpectralNorm, labelled, readVariantOptions, stepSettings } from './variant.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant } from './types.js';
import { requireClasses } from './variant-options.js';

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

/** A variant that generates a chosen class: `generate(z, labels)`. */
export function isLabelConditioned(v: GanVariant): boolean {
  return v.capabilities.labels !== null;
}

/**
 * Per critic step: a labelled real batch (x, y) and fakes G(z, y) carrying the real batch's
 * labels (a draw from the same label prior, so a gradient penalty interpolates within one
 * class); D judges both against y. Per generator step: labels from the prior, G(z, y)
 * judged against them. ACGAN adds the class head's cross-entropy for both players.
 */
export function buildConditionalGan(mode: ConditioningMode, config: RunConfig, data: Dataset): GanVariant {
  const { own, stabilisers } = readVariantOptions(config, data, { variant: mode, own: ConditionalOptionsSchema, networkStabilisers: ['spectralNorm'] });
  const numClasses = requireClasses(data, mode, own.numClasses);
  const G = buildConditionalGenerator({ model: config.model, dataShape: data.shape, latentDim: config.latentDim, conditionDim: numClasses, hidden: config.hidden });
  const D = buildConditionalDiscriminator({
    model: config.model,
    dataShape: data.shape,
    hidden: config.hidden,
    condition: mode === 'acgan' ? undefined : { size: numClasses, mode: mode === 'cgan' ? 'concat' : 'projection', inputName: 'label' },
    heads: mode === 'acgan' ? [{ name: 'class_logits', units: numClasses }] : [],
    spectralNorm: discriminatorSpectralNorm(stabilisers, mode),
  });
  initializeWeights(G, config.seed, STREAM.init);
  initializeWeights(D, config.seed, STREAM.init + 1);
  const optimizers = createOptimizers(config, stabilisers);
  const gPlayer = [{ optimizer: optimizers.generator, variables: trainableVariables(G) }];
  const dPlayer = [{ optimizer: optimizers.discriminator, variables: trainableVariables(D) }];
  const latentDim = config.latentDim;
  const dataShape = data.shape;

  /** D judging x against the labels y: the adversarial score and, for ACGAN, the class logits. */
  const criticFor = (y: tf.Tensor2D): Critic => ({
    judge([x]) {
      if (mode !== 'acgan') return { score: applyTraining(D, [x, y]) };
      const [score, classLogits] = D.apply(x, { training: true }) as tf.Tensor[];
      return { score, heads: { classLogits } };
    },
  });
  const classTerm = (out: CriticOutput, y: tf.Tensor2D) => softmaxCrossEntropy(out.heads!.classLogits, y);

  function labelsFor(n: number, labels?: tf.Tensor1D): tf.Tensor2D {
    if (labels && labels.shape[0] !== n) throw new ConfigError(`got ${labels.shape[0]} labels for ${n} latent vectors; pass one label per sample`);
    return oneHotLabels(labels ?? roundRobinLabels(n, numClasses), numClasses);
  }

  return composeVariant(
    {
      name: mode,
      latentDim,
      dataShape,
      capabilities: labelled(numClasses),
      models: { generator: G, discriminator: D },
      optimizers,
      discriminators: { models: [D], optimizers: [optimizers.discriminator] },
      sampler: { model: G, twin: () => buildConditionalGenerator({ model: config.model, dataShape, latentDim, conditionDim: numClasses, hidden: config.hidden }) },
      criticRound(ctx, sub) {
        const batch = realBatch(ctx, dataShape, sub);
        if (!batch.labels) throw new ConfigError(`--variant ${mode} needs labelled samples, but the data set returned none`);
        const y = oneHotLabels(batch.labels, numClasses);
        const z = latentBatch(ctx, latentDim, sub);
        const fake = tf.tidy(() => applyTraining(G, [z, y]));
        return {
          players: dPlayer,
          duels: [{ critic: criticFor(y), real: [batch.x], fake: [fake] }],
          terms:
            mode === 'acgan'
              ? ([o]) => ({ d_class_loss: { value: tf.add(classTerm(o.real, y), classTerm(o.fake, y)) as tf.Scalar, weight: own.auxiliaryWeight } })
              : undefined,
          owned: [batch.x, y, z, fake],
        };
      },
      generatorRound(ctx, sub) {
        const z = latentBatch(ctx, latentDim, sub);
        const y = oneHotLabels(randomLabels(ctx.rng(STREAM.labels, sub), ctx.batchSize, numClasses), numClasses);
        const critic = criticFor(y);
        return {
          players: gPlayer,
          play: () => ({
            duels: [{ critic, fake: [applyTraining(G, [z, y])] }],
            terms: mode === 'acgan' ? ([out]) => ({ g_class_loss: { value: classTerm(out, y), weight: own.auxiliaryWeight } }) : undefined,
          }),
          owned: [z, y],
        };
      },
      /** Samples of the given classes; without labels, classes 0..K−1 round-robin. */
      generate(g, z, labels) {
        const y = labelsFor(z.shape[0], labels);
        const out = g.apply([z, y], { training: false }) as tf.Tensor;
        y.dispose();
        return out;
      },
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
    },
    stepSettings(config, stabilisers),
    {},
  );
}

registerVariant('cgan', (c, d) => buildConditionalGan('cgan', c, d), 'Mirza & Osindero 2014: label concatenated into G and D; sample --label K');
registerVariant('projection', (c, d) => buildConditionalGan('projection', c, d), 'Miyato & Koyama 2018: projection discriminator ψ(φ(x)) + ⟨embed(y), φ(x)⟩');
registerVariant('acgan', (c, d) => buildConditionalGan('acgan', c, d), 'Odena et al. 2017: D with an auxiliary classifier head');
