import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { z } from 'zod';
import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../core/errors.js';
import type { Dataset } from '../data/types.js';
import type { Rng } from '../core/rng.js';
import { initializeWeights } from '../nets/init.js';
import { buildConditionalDiscriminator, buildConditionalGenerator } from '../nets/conditional.js';
import { checkLabels, roundRobinLabels, softmaxCrossEntropy } from '../nn/label-embedding.js';
import { applyTraining, latentBatch, realBatch, trainableVariables } from './common.js';
import type { Critic, CriticOutput, WeightedTerm } from './step.js';
import { composeVariant, createOptimizers, discriminatorSpectralNorm, readVariantOptions, stepSettings } from './variant.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant, type IterationContext } from './types.js';

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
  /** G(z, c) for chosen codes (latentDim is the noise z alone, without the codes). */
  generateWithCodes(z: tf.Tensor2D, codes: CodeValues): tf.Tensor;
  /** Q's outputs on x: categorical code logits, then continuous code means. */
  inferCodes(x: tf.Tensor): tf.Tensor;
}

export function isInfoGan(v: GanVariant): v is InfoGanVariant {
  return v.capabilities.codes;
}

/**
 * InfoGAN (Chen et al. 2016): G(z, c) with structured codes c, and a head Q(c | x) on D's
 * body. Besides the adversarial game, G and Q both minimise λ·L_I, the variational bound
 * on −I(c; G(z, c)), so each code value must stay recognisable in what G draws from it.
 * Per critic step: real x, fakes G(z, c); D's loss + λ·L_I(Q(G(z, c)), c). Per generator
 * step: G's loss + λ·L_I on fresh codes.
 */
export function buildInfoGan(config: RunConfig, data: Dataset): InfoGanVariant {
  const { own, stabilisers } = readVariantOptions(config, data, { variant: 'infogan', own: InfoGanOptionsSchema, networkStabilisers: ['spectralNorm'] });
  const codes: CodeLayout = { categorical: own.categoricalCodes ?? [data.numClasses ?? 10], continuous: own.continuousCodes };
  const width = codeWidth(codes);
  if (width === 0) throw new ConfigError('infogan needs at least one code: set options.categoricalCodes or options.continuousCodes');
  const latentDim = config.latentDim;
  const dataShape = data.shape;
  const buildG = () => buildConditionalGenerator({ model: config.model, dataShape, latentDim, conditionDim: width, hidden: config.hidden });
  const G = buildG();
  const D = buildConditionalDiscriminator({ model: config.model, dataShape, hidden: config.hidden, heads: [{ name: 'q', units: width }], spectralNorm: discriminatorSpectralNorm(stabilisers, 'infogan') });
  initializeWeights(G, config.seed, STREAM.init);
  initializeWeights(D, config.seed, STREAM.init + 1);
  const optimizers = createOptimizers(config, stabilisers);
  const gPlayer = [{ optimizer: optimizers.generator, variables: trainableVariables(G) }];
  const dPlayer = [{ optimizer: optimizers.discriminator, variables: trainableVariables(D) }];

  const critic: Critic = {
    judge([x]) {
      const [score, q] = D.apply(x, { training: true }) as [tf.Tensor, tf.Tensor];
      return { score, heads: { q } };
    },
  };
  /** λ·L_I for Q's reading of G(z, c); logged as its categorical part, as before. */
  function infoTerms(out: CriticOutput, c: tf.Tensor): Record<string, WeightedTerm> {
    const parts = infoLoss(codes, out.heads!.q, c);
    return { info_loss: { value: parts.categorical, weight: own.infoWeight }, info_continuous_loss: { value: parts.continuous, weight: own.continuousInfoWeight } };
  }
  const drawCodes = (ctx: IterationContext, sub: number) => codeTensor(codes, sampleCodes(codes, ctx.batchSize, ctx.rng(STREAM.codes, sub)), ctx.batchSize);

  function generateWithCodes(z: tf.Tensor2D, values: CodeValues, g: tfl.LayersModel = sampler()): tf.Tensor {
    const c = codeTensor(codes, values, z.shape[0]);
    const out = g.apply([z, c], { training: false }) as tf.Tensor;
    c.dispose();
    return out;
  }
  const sampler = () => variant.samplingGenerator();

  const variant: InfoGanVariant = composeVariant<Pick<InfoGanVariant, 'codes' | 'generateWithCodes' | 'inferCodes'>>(
    {
      name: 'infogan',
      latentDim,
      dataShape,
      capabilities: { labels: codes.categorical.length > 0 ? codes.categorical[0] : null, codes: true },
      models: { generator: G, discriminator: D },
      optimizers,
      discriminators: { models: [D], optimizers: [optimizers.discriminator] },
      sampler: { model: G, twin: buildG },
      criticRound(ctx, sub) {
        const { x: real } = realBatch(ctx, dataShape, sub);
        const z = latentBatch(ctx, latentDim, sub);
        const c = drawCodes(ctx, sub);
        const fake = tf.tidy(() => applyTraining(G, [z, c]));
        return { players: dPlayer, duels: [{ critic, real: [real], fake: [fake] }], terms: ([o]) => infoTerms(o.fake, c), owned: [real, z, c, fake] };
      },
      generatorRound(ctx, sub) {
        const z = latentBatch(ctx, latentDim, sub);
        const c = drawCodes(ctx, sub);
        return {
          players: gPlayer,
          play: () => ({ duels: [{ critic, fake: [applyTraining(G, [z, c])] }], terms: ([out]) => infoTerms(out, c) }),
          owned: [z, c],
        };
      },
      /**
       * Labels set the first categorical code (so `sample --label K` draws code value K); the
       * other categorical codes go round-robin and the continuous codes sit at 0. Labels past
       * the code's size wrap around, so a grid drawn with the data's classes still works when
       * the code has another size.
       */
      generate(g, z, labels) {
        const n = z.shape[0];
        if (labels && labels.shape[0] !== n) throw new ConfigError(`got ${labels.shape[0]} labels for ${n} latent vectors; pass one label per sample`);
        if (labels && codes.categorical.length === 0) throw new ConfigError('this InfoGAN has no categorical code for --label to set; train it with options.categoricalCodes');
        const categorical = codes.categorical.map((size, j) =>
          j === 0 && labels ? Int32Array.from(labels.dataSync(), (y) => ((y % size) + size) % size) : roundRobinLabels(n, size),
        );
        return generateWithCodes(z, { categorical, continuous: new Float32Array(n * codes.continuous) }, g);
      },
      discriminate(x) {
        const [score, q] = D.apply(x, { training: false }) as tf.Tensor[];
        q.dispose();
        return score;
      },
    },
    stepSettings(config, stabilisers),
    {
      codes,
      generateWithCodes: (z: tf.Tensor2D, values: CodeValues) => generateWithCodes(z, values),
      inferCodes(x: tf.Tensor) {
        const [score, q] = D.apply(x, { training: false }) as tf.Tensor[];
        score.dispose();
        return q;
      },
    },
  );
  return variant;
}

registerVariant('infogan', buildInfoGan, 'Chen et al. 2016: categorical and continuous codes, mutual information through a Q head on D');
