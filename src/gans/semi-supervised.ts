import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../train/config.js';
import type { Dataset } from '../data/types.js';
import { sampleElementCount } from '../data/types.js';
import { Rng } from '../train/rng.js';
import { createOptimizer } from '../train/optimizers.js';
import { initializeWeights } from '../nets/init.js';
import { buildConditionalDiscriminator, buildConditionalGenerator } from '../nets/conditional.js';
import { lossByName } from '../losses/index.js';
import type { AdversarialLoss } from '../losses/types.js';
import { accuracy, oneHotLabels, softmaxCrossEntropy } from '../nn/label-embedding.js';
import { seedNoise } from '../nn/seeded-noise.js';
import { applyTraining, latentBatch, realBatch, takeScalar, trainableVariables } from './common.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant, type IterationContext, type IterationLogs } from './types.js';
import { parseVariantOptions, requireClasses } from './variant-options.js';

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

/** The randomness stream the labelled subset is drawn from (once, from the run seed). */
const LABELLED_STREAM = 200;
const ACCURACY_STREAM = 201;
const NOISE_STREAM = 202;

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
  const rng = Rng.derive(seed, 0, LABELLED_STREAM);
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

/** A variant whose discriminator is also a classifier. */
export interface ClassifierVariant extends GanVariant {
  readonly numClasses: number;
  /** Class logits [n, K] for a batch of samples in model space. */
  classify(x: tf.Tensor): tf.Tensor2D;
}

export function hasClassifier(v: GanVariant): v is ClassifierVariant {
  return typeof (v as Partial<ClassifierVariant>).classify === 'function';
}

export interface SemiSupervisedParts {
  generator: tfl.LayersModel;
  /** Outputs [class logits (K), body features φ(x)]. */
  discriminator: tfl.LayersModel;
  latentDim: number;
  dataShape: readonly number[];
  numClasses: number;
  labelledSet: LabelledSet;
  labelledBatchSize: number;
  /** A probabilistic loss: D(x) = Z(x) / (Z(x) + 1) is a probability. */
  loss: AdversarialLoss;
  optimizerG: tf.Optimizer;
  optimizerD: tf.Optimizer;
  unsupervisedWeight: number;
  generatorObjective: 'feature-matching' | 'adversarial';
  accuracyEvery: number;
  accuracySamples: number;
}

/**
 * The semi-supervised GAN of Salimans et al. (2016, §5; also Odena 2016): D is a K-class
 * classifier whose K+1-th class, "generated", has its logit fixed at 0. Then
 * D(x) = Z(x) / (Z(x) + 1) with Z = Σₖ exp lₖ(x), so logsumexp(l) is the logit of "real".
 * D minimises cross-entropy on the few labelled samples plus the real-vs-generated loss on
 * unlabelled and generated ones; G matches D's mean features on real data.
 */
export function semiSupervisedGan(p: SemiSupervisedParts): ClassifierVariant {
  const { generator: G, discriminator: D, latentDim, dataShape, numClasses, labelledSet, loss } = p;
  const gVars = trainableVariables(G);
  const dVars = trainableVariables(D);
  const per = sampleElementCount(dataShape);

  function classifierOutputs(x: tf.Tensor, training: boolean): { logits: tf.Tensor; features: tf.Tensor } {
    const [logits, features] = D.apply(x, { training }) as tf.Tensor[];
    return { logits, features };
  }
  /** The logit of "real" when the generated class has logit 0. */
  const realLogit = (logits: tf.Tensor) => tf.logSumExp(logits, -1, true);

  function labelledBatch(ctx: IterationContext): { x: tf.Tensor; y: tf.Tensor2D } {
    const n = p.labelledBatchSize;
    const rng = ctx.rng(STREAM.labels, 0);
    const x = new Float32Array(n * per);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const j = rng.int(labelledSet.count);
      x.set(labelledSet.x.subarray(j * per, (j + 1) * per), i * per);
      labels[i] = labelledSet.labels[j];
    }
    return { x: tf.tensor(x, [n, ...dataShape]), y: oneHotLabels(labels, numClasses) };
  }

  function discriminatorStep(ctx: IterationContext): IterationLogs {
    const lab = labelledBatch(ctx);
    const unsupervised = p.unsupervisedWeight > 0;
    const real = unsupervised ? realBatch(ctx, dataShape, 0).x : null;
    const z = unsupervised ? latentBatch(ctx, latentDim, 0) : null;
    const fake = z ? tf.tidy(() => applyTraining(G, z)) : null;
    let supervisedLoss: tf.Scalar | null = null;
    const cost = p.optimizerD.minimize(
      () => {
        const supervised = softmaxCrossEntropy(classifierOutputs(lab.x, true).logits, lab.y);
        supervisedLoss = tf.keep(tf.clone(supervised));
        if (!real || !fake) return supervised;
        const adversarial = loss.discriminator(realLogit(classifierOutputs(real, true).logits), realLogit(classifierOutputs(fake, true).logits));
        return tf.add(supervisedLoss, tf.mul(adversarial, p.unsupervisedWeight)) as tf.Scalar;
      },
      true,
      dVars,
    );
    const logs: IterationLogs = { d_loss: takeScalar(cost as tf.Scalar) };
    if (supervisedLoss) logs.supervised_loss = takeScalar(supervisedLoss);
    tf.dispose([lab.x, lab.y, real, z, fake].filter((t): t is tf.Tensor => t !== null));
    return logs;
  }

  function generatorStep(ctx: IterationContext): IterationLogs {
    const z = latentBatch(ctx, latentDim, 1);
    const real = p.generatorObjective === 'feature-matching' ? realBatch(ctx, dataShape, 1).x : null;
    const realFeatures = real ? tf.tidy(() => tf.mean(classifierOutputs(real, true).features, 0)) : null;
    const cost = p.optimizerG.minimize(
      () => {
        const fake = classifierOutputs(applyTraining(G, z), true);
        if (realFeatures) return tf.mean(tf.square(tf.sub(realFeatures, tf.mean(fake.features, 0)))) as tf.Scalar;
        return loss.generator(realLogit(fake.logits));
      },
      true,
      gVars,
    );
    tf.dispose([z, real, realFeatures].filter((t): t is tf.Tensor => t !== null));
    return { g_loss: takeScalar(cost as tf.Scalar) };
  }

  function classify(x: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => classifierOutputs(x, false).logits as tf.Tensor2D);
  }

  /** Accuracy on fresh data samples: their labels are read here only, never trained on. */
  function heldOutAccuracy(ctx: IterationContext): number {
    const batch = ctx.data.sample(p.accuracySamples, ctx.rng(ACCURACY_STREAM, 0));
    if (!batch.labels) return NaN;
    const x = tf.tensor(batch.x, [p.accuracySamples, ...dataShape]);
    const logits = classify(x);
    const acc = accuracy(logits, batch.labels);
    tf.dispose([x, logits]);
    return acc;
  }

  return {
    name: 'ssgan',
    latentDim,
    dataShape,
    numClasses,
    models: () => ({ generator: G, discriminator: D }),
    optimizers: () => ({ generator: p.optimizerG, discriminator: p.optimizerD }),
    trainIteration(ctx) {
      // D's Gaussian noise layers draw from this step's stream, so the run is reproducible.
      seedNoise(ctx.rng(NOISE_STREAM, 0).int(0x7fffffff));
      const logs = discriminatorStep(ctx);
      // With no unsupervised term G cannot influence the classifier: skip its update.
      if (p.unsupervisedWeight > 0) Object.assign(logs, generatorStep(ctx));
      if (p.accuracyEvery > 0 && (ctx.step + 1) % p.accuracyEvery === 0) logs.class_accuracy = heldOutAccuracy(ctx);
      return logs;
    },
    generate: (z) => G.apply(z, { training: false }) as tf.Tensor,
    samplingGenerator: () => G,
    /** The logit of "real", logsumexp of the class logits. */
    discriminate: (x) => tf.tidy(() => realLogit(classifierOutputs(x, false).logits)),
    classify,
    dispose() {
      G.dispose();
      D.dispose();
      p.optimizerG.dispose();
      p.optimizerD.dispose();
    },
  };
}

export function buildSemiSupervisedGan(config: RunConfig, data: Dataset): ClassifierVariant {
  const options = parseVariantOptions(SemiSupervisedOptionsSchema, config.options, 'ssgan');
  const numClasses = requireClasses(data, 'ssgan');
  const loss = lossByName(config.loss.type, { realLabel: config.realLabel });
  if (!loss.probability) {
    throw new ConfigError(`ssgan reads D(x) = Z/(Z+1) as a probability, so it needs --loss non-saturating or minimax (got ${config.loss.type})`);
  }
  if (options.labelled < numClasses) throw new ConfigError(`options.labelled = ${options.labelled} leaves some of the ${numClasses} classes without a label; use at least ${numClasses}`);
  const generator = buildConditionalGenerator({ model: config.model, dataShape: data.shape, latentDim: config.latentDim, conditionDim: 0, hidden: config.hidden });
  const discriminator = buildConditionalDiscriminator({
    model: config.model,
    dataShape: data.shape,
    hidden: config.hidden,
    adversarial: false,
    heads: [{ name: 'class_logits', units: numClasses }],
    featuresOutput: true,
    gaussianNoise: { input: options.inputNoise, hidden: options.hiddenNoise },
  });
  initializeWeights(generator, config.seed, STREAM.init);
  initializeWeights(discriminator, config.seed, STREAM.init + 1);
  return semiSupervisedGan({
    generator,
    discriminator,
    latentDim: config.latentDim,
    dataShape: data.shape,
    numClasses,
    labelledSet: drawLabelledSet(data, options.labelled, numClasses, config.seed),
    labelledBatchSize: Math.min(options.labelledBatchSize ?? config.batchSize, options.labelled),
    loss,
    optimizerG: createOptimizer(config.optimizerG),
    optimizerD: createOptimizer(config.optimizerD),
    unsupervisedWeight: options.unsupervisedWeight,
    generatorObjective: options.generatorObjective,
    accuracyEvery: options.accuracyEvery,
    accuracySamples: options.accuracySamples,
  });
}

registerVariant('ssgan', buildSemiSupervisedGan, 'Salimans et al. 2016: K+1-class discriminator trained on few labels; classify()');
