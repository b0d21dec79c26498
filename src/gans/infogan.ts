import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../train/config.js';
import type { Dataset } from '../data/types.js';
import type { Rng } from '../train/rng.js';
import { createOptimizer } from '../train/optimizers.js';
import { initializeWeights } from '../nets/init.js';
import { buildConditionalDiscriminator, buildConditionalGenerator } from '../nets/conditional.js';
import { lossByName } from '../losses/index.js';
import type { AdversarialLoss } from '../losses/types.js';
import { clipWeights } from '../losses/penalties.js';
import { checkLabels, roundRobinLabels, softmaxCrossEntropy } from '../nn/label-embedding.js';
import { applyTraining, latentBatch, realBatch, takeScalar, trainableVariables } from './common.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant, type IterationContext, type IterationLogs } from './types.js';
import { parseVariantOptions } from './variant-options.js';

export const InfoGanOptionsSchema = z.object({
  /** Sizes of the categorical codes, e.g. [10] for MNIST's digit code; default [classes of the data, else 10]. */
  categoricalCodes: z.array(z.number().int().min(2)).optional(),
  /** Number of continuous codes, each Uniform(−1, 1). */
  continuousCodes: z.number().int().nonnegative().default(2),
  /** λ: weight of the mutual-information term for the categorical codes (Chen et al. use 1). */
  infoWeight: z.number().nonnegative().default(1),
  /** Weight of the continuous codes' term (a fixed-variance Gaussian log-likelihood); smaller, as in the paper. */
  continuousInfoWeight: z.number().nonnegative().default(0.1),
});
export type InfoGanOptions = z.output<typeof InfoGanOptionsSchema>;

/** The layout of the code vector c = [one-hot(c₁), …, one-hot(c_m), u₁, …, u_n]. */
export interface CodeLayout {
  categorical: number[];
  continuous: number;
}

export function codeWidth(layout: CodeLayout): number {
  return layout.categorical.reduce((a, b) => a + b, 0) + layout.continuous;
}

/** Codes as they are drawn: a class per categorical code and a value per continuous one. */
export interface CodeValues {
  /** categorical[j][i]: the value of categorical code j for sample i. */
  categorical: Int32Array[];
  /** [n × continuous], row-major, in [−1, 1]. */
  continuous: Float32Array;
}

/** Draws n codes from the prior: categorical codes uniform, continuous codes Uniform(−1, 1). */
export function sampleCodes(layout: CodeLayout, n: number, rng: Rng): CodeValues {
  return {
    categorical: layout.categorical.map((size) => Int32Array.from({ length: n }, () => rng.int(size))),
    continuous: rng.uniforms(n * layout.continuous, -1, 1),
  };
}

/** The code vector c [n, width] the generator takes. */
export function codeTensor(layout: CodeLayout, codes: CodeValues, n: number): tf.Tensor2D {
  return tf.tidy(() => {
    const parts: tf.Tensor[] = layout.categorical.map((size, j) => {
      checkLabels(codes.categorical[j], size);
      return tf.cast(tf.oneHot(tf.tensor1d(codes.categorical[j], 'int32'), size), 'float32');
    });
    if (layout.continuous > 0) parts.push(tf.tensor2d(codes.continuous, [n, layout.continuous]));
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 1)) as tf.Tensor2D;
  });
}

/**
 * The variational lower bound's loss L_I (Chen et al. 2016, eq. 5) for Q's outputs on G(z, c):
 * cross-entropy per categorical code, and for continuous codes the negative log-likelihood
 * of a unit-variance Gaussian centred on Q's prediction, ½(c − μ)² (constant dropped).
 * Returns the two parts, unweighted.
 */
export function infoLoss(layout: CodeLayout, q: tf.Tensor, c: tf.Tensor): { categorical: tf.Scalar; continuous: tf.Scalar } {
  return tf.tidy(() => {
    let offset = 0;
    let categorical: tf.Scalar = tf.scalar(0);
    for (const size of layout.categorical) {
      const logits = tf.slice(q, [0, offset], [-1, size]);
      const target = tf.slice(c, [0, offset], [-1, size]);
      categorical = tf.add(categorical, softmaxCrossEntropy(logits, target)) as tf.Scalar;
      offset += size;
    }
    let continuous: tf.Scalar = tf.scalar(0);
    if (layout.continuous > 0) {
      const mu = tf.slice(q, [0, offset], [-1, layout.continuous]);
      const target = tf.slice(c, [0, offset], [-1, layout.continuous]);
      continuous = tf.mul(0.5, tf.mean(tf.sum(tf.square(tf.sub(target, mu)), -1))) as tf.Scalar;
    }
    return { categorical, continuous };
  });
}

export interface InfoGanVariant extends GanVariant {
  readonly codes: CodeLayout;
  /** Values of the first categorical code (what `--label` picks); 0 when there is none. */
  readonly numClasses: number;
  /** G(z, c) for chosen codes (latentDim is the noise z alone, without the codes). */
  generateWithCodes(z: tf.Tensor2D, codes: CodeValues): tf.Tensor;
  /** Q's outputs on x: categorical code logits, then continuous code means. */
  inferCodes(x: tf.Tensor): tf.Tensor;
}

export function isInfoGan(v: GanVariant): v is InfoGanVariant {
  return typeof (v as Partial<InfoGanVariant>).generateWithCodes === 'function';
}

export interface InfoGanParts {
  generator: tfl.LayersModel;
  /** Outputs [score, q]: the adversarial score and Q's head, on one shared body. */
  discriminator: tfl.LayersModel;
  latentDim: number;
  dataShape: readonly number[];
  codes: CodeLayout;
  loss: AdversarialLoss;
  optimizerG: tf.Optimizer;
  optimizerD: tf.Optimizer;
  criticSteps: number;
  infoWeight: number;
  continuousInfoWeight: number;
  clipValue?: number;
}

/**
 * InfoGAN (Chen et al. 2016): G(z, c) with structured codes c, and a head Q(c | x) on D's
 * body. Besides the adversarial game, G and Q both minimise λ·L_I, the variational bound
 * on −I(c; G(z, c)), so each code value must stay recognisable in what G draws from it.
 */
export function infoGan(p: InfoGanParts): InfoGanVariant {
  const { generator: G, discriminator: D, latentDim, dataShape, codes, loss } = p;
  const gVars = trainableVariables(G);
  const dVars = trainableVariables(D);

  function scoreAndQ(x: tf.Tensor): [tf.Tensor, tf.Tensor] {
    return D.apply(x, { training: true }) as [tf.Tensor, tf.Tensor];
  }

  /** λ·L_I for Q's reading of G(z, c), and the categorical part for the logs. */
  function weightedInfo(q: tf.Tensor, c: tf.Tensor): { total: tf.Scalar; categorical: tf.Scalar } {
    const parts = infoLoss(codes, q, c);
    const total = tf.add(tf.mul(parts.categorical, p.infoWeight), tf.mul(parts.continuous, p.continuousInfoWeight)) as tf.Scalar;
    return { total, categorical: parts.categorical };
  }

  function drawCodes(ctx: IterationContext, subStep: number): tf.Tensor2D {
    return codeTensor(codes, sampleCodes(codes, ctx.batchSize, ctx.rng(STREAM.codes, subStep)), ctx.batchSize);
  }

  function discriminatorStep(ctx: IterationContext, k: number): IterationLogs {
    const { x: real } = realBatch(ctx, dataShape, k);
    const z = latentBatch(ctx, latentDim, k);
    const c = drawCodes(ctx, k);
    const fake = tf.tidy(() => applyTraining(G, [z, c]));
    let info: tf.Scalar | null = null;
    const cost = p.optimizerD.minimize(
      () => {
        const [realScore] = scoreAndQ(real);
        const [fakeScore, q] = scoreAndQ(fake);
        const mi = weightedInfo(q, c);
        info = tf.keep(mi.categorical);
        return tf.add(loss.discriminator(realScore, fakeScore), mi.total) as tf.Scalar;
      },
      true,
      dVars,
    );
    if (p.clipValue !== undefined) clipWeights(dVars, p.clipValue);
    const logs: IterationLogs = { d_loss: takeScalar(cost as tf.Scalar) };
    if (info) logs.info_loss = takeScalar(info);
    tf.dispose([real, z, c, fake]);
    return logs;
  }

  function generatorStep(ctx: IterationContext): IterationLogs {
    const k = p.criticSteps;
    const z = latentBatch(ctx, latentDim, k);
    const c = drawCodes(ctx, k);
    const cost = p.optimizerG.minimize(
      () => {
        const [fakeScore, q] = scoreAndQ(applyTraining(G, [z, c]));
        return tf.add(loss.generator(fakeScore), weightedInfo(q, c).total) as tf.Scalar;
      },
      true,
      gVars,
    );
    tf.dispose([z, c]);
    return { g_loss: takeScalar(cost as tf.Scalar) };
  }

  function generateWithCodes(z: tf.Tensor2D, values: CodeValues): tf.Tensor {
    const c = codeTensor(codes, values, z.shape[0]);
    const out = G.apply([z, c], { training: false }) as tf.Tensor;
    c.dispose();
    return out;
  }

  return {
    name: 'infogan',
    latentDim,
    dataShape,
    codes,
    numClasses: codes.categorical[0] ?? 0,
    models: () => ({ generator: G, discriminator: D }),
    optimizers: () => ({ generator: p.optimizerG, discriminator: p.optimizerD }),
    trainIteration(ctx) {
      let logs: IterationLogs = {};
      for (let k = 0; k < p.criticSteps; k++) logs = { ...logs, ...discriminatorStep(ctx, k) };
      return { ...logs, ...generatorStep(ctx) };
    },
    /**
     * Labels set the first categorical code (so `sample --label K` draws code value K); the
     * other categorical codes go round-robin and the continuous codes sit at 0. Labels past
     * the code's size wrap around, so a grid drawn with the data's classes still works when
     * the code has another size.
     */
    generate(z, labels) {
      const n = z.shape[0];
      if (labels && labels.shape[0] !== n) throw new ConfigError(`got ${labels.shape[0]} labels for ${n} latent vectors; pass one label per sample`);
      if (labels && codes.categorical.length === 0) throw new ConfigError('this InfoGAN has no categorical code for --label to set; train it with options.categoricalCodes');
      const categorical = codes.categorical.map((size, j) =>
        j === 0 && labels ? Int32Array.from(labels.dataSync(), (y) => ((y % size) + size) % size) : roundRobinLabels(n, size),
      );
      return generateWithCodes(z, { categorical, continuous: new Float32Array(n * codes.continuous) });
    },
    generateWithCodes,
    inferCodes(x) {
      const [score, q] = D.apply(x, { training: false }) as tf.Tensor[];
      score.dispose();
      return q;
    },
    samplingGenerator: () => G,
    discriminate(x) {
      const [score, q] = D.apply(x, { training: false }) as tf.Tensor[];
      q.dispose();
      return score;
    },
    dispose() {
      G.dispose();
      D.dispose();
      p.optimizerG.dispose();
      p.optimizerD.dispose();
    },
  };
}

export function buildInfoGan(config: RunConfig, data: Dataset): InfoGanVariant {
  const options = parseVariantOptions(InfoGanOptionsSchema, config.options, 'infogan');
  const codes: CodeLayout = { categorical: options.categoricalCodes ?? [data.numClasses ?? 10], continuous: options.continuousCodes };
  const width = codeWidth(codes);
  if (width === 0) throw new ConfigError('infogan needs at least one code: set options.categoricalCodes or options.continuousCodes');
  if (config.loss.type === 'wgan-gp') throw new ConfigError('infogan does not implement the gradient penalty; use --loss non-saturating, hinge, least-squares or wgan');
  const generator = buildConditionalGenerator({ model: config.model, dataShape: data.shape, latentDim: config.latentDim, conditionDim: width, hidden: config.hidden });
  const discriminator = buildConditionalDiscriminator({ model: config.model, dataShape: data.shape, hidden: config.hidden, heads: [{ name: 'q', units: width }] });
  initializeWeights(generator, config.seed, STREAM.init);
  initializeWeights(discriminator, config.seed, STREAM.init + 1);
  return infoGan({
    generator,
    discriminator,
    latentDim: config.latentDim,
    dataShape: data.shape,
    codes,
    loss: lossByName(config.loss.type, { realLabel: config.realLabel }),
    optimizerG: createOptimizer(config.optimizerG),
    optimizerD: createOptimizer(config.optimizerD),
    criticSteps: config.criticSteps,
    infoWeight: options.infoWeight,
    continuousInfoWeight: options.continuousInfoWeight,
    clipValue: config.loss.type === 'wgan' ? config.loss.clipValue : undefined,
  });
}

registerVariant('infogan', buildInfoGan, 'Chen et al. 2016: categorical and continuous codes, mutual information through a Q head on D');
