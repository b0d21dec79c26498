import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../core/errors.js';
import type { Dataset } from '../data/types.js';
import { sampleElementCount } from '../data/types.js';
import { runRng } from '../core/streams.js';
import { initializeWeights } from '../nets/init.js';
import { buildConditionalDiscriminator, buildConditionalGenerator } from '../nets/conditional.js';
import { objectiveFor } from '../losses/objectives.js';
import { accuracy, oneHotLabels, softmaxCrossEntropy } from '../nn/label-embedding.js';
import { seedNoise } from '../nn/seeded-noise.js';
import { applyTraining, generatorInputs, latentBatch, realBatch, trainableVariables } from './common.js';
import type { Critic } from './step.js';
import { composeVariant, createOptimizers, discriminatorSpectralNorm, readVariantOptions, stepSettings } from './variant.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant, type IterationContext, type IterationLogs } from './types.js';
import { requireClasses } from './variant-options.js';

export const SemiSupervisedOptionsSchema = z.object({
  /** How many labelled samples the classifier may see (balanced over classes); the rest are unlabelled. */
  labelled: z.number().int().positive().default(100),
  /** Labelled samples per iteration; defaults to the batch size (capped at `labelled`). */
  labelledBatchSize: z.number().int().positive().optional(),
  /** Weight of the unsupervised (real vs generated) term; 0 trains the classifier on the labels alone. */
  unsupervisedWeight: z.number().nonnegative().default(1),
  /** What G minimises: feature matching on D's body (Salimans et al. 2016 §3.1, their choice here) or the adversarial loss. */
  generatorObjective: z.enum(['feature-matching', 'adversarial']).default('feature-matching'),
  /** Log the classifier's accuracy on `accuracySamples` data samples every this many steps (0: never). */
  accuracyEvery: z.number().int().nonnegative().default(100),
  accuracySamples: z.number().int().positive().default(1000),
  /** Gaussian noise in D (mlp only), on the input and after each hidden layer, in training. */
  inputNoise: z.number().nonnegative().default(0.3),
  hiddenNoise: z.number().nonnegative().default(0.5),
});
export type SemiSupervisedOptions = z.output<typeof SemiSupervisedOptionsSchema>;


/** A fixed labelled subset: row-major samples and their labels. */
export interface LabelledSet {
  x: Float32Array;
  labels: Int32Array;
  count: number;
}

/**
 * Draws `count` labelled samples, as balanced over the classes as the count allows
 * (count/K each, the remainder to the first classes), deterministically from the seed.
 */
export function drawLabelledSet(data: Dataset, count: number, numClasses: number, seed: number): LabelledSet {
  const per = sampleElementCount(data.shape);
  const quota = Array.from({ length: numClasses }, (_, k) => Math.floor(count / numClasses) + (k < count % numClasses ? 1 : 0));
  const x = new Float32Array(count * per);
  const labels = new Int32Array(count);
  const rng = runRng(seed, STREAM.labelledSubset);
  let filled = 0;
  for (let attempt = 0; attempt < 100 && filled < count; attempt++) {
    const batch = data.sample(Math.max(256, 4 * count), rng);
    if (!batch.labels) throw new ConfigError(`--variant ssgan needs labelled data, but '${data.name}' returned samples without labels`);
    for (let i = 0; i < batch.labels.length && filled < count; i++) {
      const y = batch.labels[i];
      if (y < 0 || y >= numClasses || quota[y] === 0) continue;
      quota[y]--;
      x.set(batch.x.subarray(i * per, (i + 1) * per), filled * per);
      labels[filled++] = y;
    }
  }
  if (filled < count) throw new ConfigError(`could not draw ${count} labelled samples balanced over ${numClasses} classes from '${data.name}'; lower options.labelled`);
  return { x, labels, count };
}

/** A labelled set that fits the data: `count` samples of `per` numbers, every label a class. */
function checkLabelledSet(set: LabelledSet, per: number, numClasses: number): void {
  if (set.x.length !== set.count * per || set.labels.length !== set.count) {
    throw new ConfigError(`the labelled set holds ${set.labels.length} labels and ${set.x.length / per} samples of this data's shape; it says ${set.count}`);
  }
  if (set.labels.some((y) => y < 0 || y >= numClasses)) throw new ConfigError(`the labelled set has a label outside 0..${numClasses - 1}`);
}

/** A variant whose discriminator is also a classifier. */
export interface ClassifierVariant extends GanVariant {
  /** Class logits [n, K] for a batch of samples in model space. */
  classify(x: tf.Tensor): tf.Tensor2D;
}

export function hasClassifier(v: GanVariant): v is ClassifierVariant {
  return v.capabilities.classify;
}

/**
 * The semi-supervised GAN of Salimans et al. (2016, §5; also Odena 2016): D is a K-class
 * classifier whose K+1-th class, "generated", has its logit fixed at 0. Then
 * D(x) = Z(x) / (Z(x) + 1) with Z = Σₖ exp lₖ(x), so logsumexp(l) is the logit of "real".
 * Per critic step: cross-entropy on a few labelled samples plus the real-vs-generated loss
 * on unlabelled and generated ones. Per generator step: G matches D's mean features on real
 * data (feature matching, on by default) or plays the adversarial loss.
 */
export function buildSemiSupervisedGan(config: RunConfig, data: Dataset, given: { labelledSet?: LabelledSet } = {}): ClassifierVariant {
  const own = readVariantOptions(config, data, { variant: 'ssgan', own: SemiSupervisedOptionsSchema, featureMatching: true, networkStabilisers: ['spectralNorm'] });
  // A caller's own labelled set (gankit augment compares arms on one subset) stands for options.labelled.
  const options = given.labelledSet ? { ...own.own, labelled: given.labelledSet.count } : own.own;
  const numClasses = requireClasses(data, 'ssgan');
  if (objectiveFor(config.loss).loss.probability === null) {
    throw new ConfigError(`ssgan reads D(x) = Z/(Z+1) as a probability, so it needs --loss non-saturating or minimax (got ${config.loss.type})`);
  }
  if (options.labelled < numClasses) throw new ConfigError(`options.labelled = ${options.labelled} leaves some of the ${numClasses} classes without a label; use at least ${numClasses}`);
  const latentDim = config.latentDim;
  const dataShape = data.shape;
  const per = sampleElementCount(dataShape);
  const buildG = () => buildConditionalGenerator({ model: config.model, dataShape, latentDim, conditionDim: 0, hidden: config.hidden });
  const G = buildG();
  const D = buildConditionalDiscriminator({
    model: config.model,
    dataShape,
    hidden: config.hidden,
    adversarial: false,
    heads: [{ name: 'class_logits', units: numClasses }],
    featuresOutput: true,
    gaussianNoise: { input: options.inputNoise, hidden: options.hiddenNoise },
    spectralNorm: discriminatorSpectralNorm(own.stabilisers, 'ssgan'),
  });
  initializeWeights(G, config.seed, STREAM.init);
  initializeWeights(D, config.seed, STREAM.init + 1);
  const labelledSet = given.labelledSet ?? drawLabelledSet(data, options.labelled, numClasses, config.seed);
  checkLabelledSet(labelledSet, per, numClasses);
  const labelledBatchSize = Math.min(options.labelledBatchSize ?? config.batchSize, options.labelled);
  const stabilisers = { ...own.stabilisers, featureMatching: own.stabilisers.featureMatching || options.generatorObjective === 'feature-matching' };
  const optimizers = createOptimizers(config, stabilisers);
  const gPlayer = [{ optimizer: optimizers.generator, variables: trainableVariables(G) }];
  const dPlayer = [{ optimizer: optimizers.discriminator, variables: trainableVariables(D) }];
  const unsupervised = options.unsupervisedWeight > 0;

  function classifierOutputs(x: tf.Tensor, training: boolean): { logits: tf.Tensor; features: tf.Tensor } {
    const [logits, features] = D.apply(x, { training }) as tf.Tensor[];
    return { logits, features };
  }
  /** The logit of "real" when the generated class has logit 0. */
  const realLogit = (logits: tf.Tensor) => tf.logSumExp(logits, -1, true);
  const critic: Critic = {
    judge: ([x]) => ({ score: realLogit(classifierOutputs(x, true).logits) }),
    features: ([x]) => classifierOutputs(x, true).features,
  };

  function labelledBatch(ctx: IterationContext, sub: number): { x: tf.Tensor; y: tf.Tensor2D } {
    const n = labelledBatchSize;
    const rng = ctx.rng(STREAM.labels, sub);
    const x = new Float32Array(n * per);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const j = rng.int(labelledSet.count);
      x.set(labelledSet.x.subarray(j * per, (j + 1) * per), i * per);
      labels[i] = labelledSet.labels[j];
    }
    return { x: tf.tensor(x, [n, ...dataShape]), y: oneHotLabels(labels, numClasses) };
  }

  function classify(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => classifierOutputs(x, false).logits as tf.Tensor2D);
  }

  /** Accuracy on fresh data samples: their labels are read here only, never trained on. */
  function heldOutAccuracy(ctx: IterationContext): number {
    const batch = ctx.data.sample(options.accuracySamples, ctx.rng(STREAM.heldOutAccuracy, 0));
    if (!batch.labels) return NaN;
    const x = tf.tensor(batch.x, [options.accuracySamples, ...dataShape]);
    const logits = classify(x);
    const acc = accuracy(logits, batch.labels);
    tf.dispose([x, logits]);
    return acc;
  }

  return composeVariant<Pick<ClassifierVariant, 'classify'>>(
    {
      name: 'ssgan',
      latentDim,
      dataShape,
      capabilities: { classify: true },
      models: { generator: G, discriminator: D },
      optimizers,
      discriminators: { models: [D], optimizers: [optimizers.discriminator] },
      sampler: { model: G, twin: buildG },
      // D's Gaussian noise layers draw from this step's stream, so the run is reproducible.
      beforeIteration: (ctx) => seedNoise(ctx.rng(STREAM.layerNoise, 0).int(0x7fffffff)),
      criticRound(ctx, sub) {
        const lab = labelledBatch(ctx, sub);
        const real = unsupervised ? realBatch(ctx, dataShape, sub).x : null;
        const z = unsupervised ? latentBatch(ctx, latentDim, sub) : null;
        const fake = z ? tf.tidy(() => applyTraining(G, z)) : null;
        return {
          players: dPlayer,
          duels: real && fake ? [{ critic, real: [real], fake: [fake], weight: options.unsupervisedWeight }] : [],
          terms: () => ({ supervised_loss: { value: softmaxCrossEntropy(classifierOutputs(lab.x, true).logits, lab.y), weight: 1 } }),
          owned: [lab.x, lab.y, real, z, fake].filter((t): t is tf.Tensor => t !== null),
        };
      },
      generatorRound(ctx, sub, want) {
        // With no unsupervised term G cannot influence the classifier: no G update.
        if (!unsupervised) return null;
        const { z, matchingReal, owned } = generatorInputs(ctx, latentDim, dataShape, sub, want);
        return { players: gPlayer, play: () => ({ duels: [{ critic, fake: [applyTraining(G, z)] }] }), matchingReal, owned };
      },
      afterIteration: (ctx): IterationLogs => (options.accuracyEvery > 0 && (ctx.step + 1) % options.accuracyEvery === 0 ? { class_accuracy: heldOutAccuracy(ctx) } : {}),
      generate: (g, z) => g.apply(z, { training: false }) as tf.Tensor,
      /** The logit of "real", logsumexp of the class logits. */
      discriminate: (x) => tf.tidy(() => realLogit(classifierOutputs(x, false).logits)),
    },
    stepSettings(config, stabilisers),
    { classify },
  );
}

registerVariant('ssgan', buildSemiSupervisedGan, 'Salimans et al. 2016: K+1-class discriminator trained on few labels; classify()');
