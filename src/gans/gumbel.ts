import * as tf from '@tensorflow/tfjs-core';
import { z } from 'zod';
import { Rng } from '../core/rng.js';
import type { Dataset } from '../data/types.js';
import { textShape, buildTextCritic, buildTextGenerator } from '../nets/text.js';
import { initializeWeights } from '../nets/init.js';
import type { RunConfig } from '../train/config.js';
import { applyTraining, generatorInputs, latentBatch, realBatch, trainableVariables } from './common.js';
import { plainCritic } from './gan.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant, type IterationContext } from './types.js';
import { composeVariant, createOptimizers, readVariantOptions, stepSettings } from './variant.js';
import { requireTextModel } from './variant-options.js';

/**
 * The Gumbel-softmax GAN (Kusner & Hernández-Lobato 2016) with Jang et al.'s (2017)
 * relaxation: G outputs logits over the vocabulary at every position; a fake sequence is
 * softmax((logits + g) / τ) with Gumbel noise g, a differentiable stand-in for a categorical
 * sample that tends to a one-hot draw as τ falls. D judges one-hot reals against these
 * relaxed fakes. τ follows Jang et al.'s schedule τ = max(τ_min, τ₀·exp(−r·step)).
 */

const GumbelOptions = z
  .object({
    /** τ₀, the temperature at step 0. */
    temperature: z.number().positive().default(1),
    /** τ_min, where the schedule stops falling. */
    minTemperature: z.number().positive().default(0.1),
    /** r: how fast τ falls per iteration. */
    annealRate: z.number().nonnegative().default(1e-3),
  })
  .strict();
export type GumbelOptions = z.output<typeof GumbelOptions>;

/** τ at an iteration. */
export function temperatureAt(o: GumbelOptions, step: number): number {
  return Math.max(o.minTemperature, o.temperature * Math.exp(-o.annealRate * step));
}

/** Gumbel(0, 1) noise −log(−log u), u kept off 0 and 1 so the logs stay finite. */
export function gumbelNoise(rng: Rng, shape: readonly number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const u = rng.uniforms(n, 1e-10, 1 - 1e-7);
  const g = new Float32Array(n);
  for (let i = 0; i < n; i++) g[i] = -Math.log(-Math.log(u[i]));
  return tf.tensor(g, [...shape]);
}

/** softmax((logits + g) / τ) over the last axis: the relaxed categorical sample. */
export function gumbelSoftmax(logits: tf.Tensor, noise: tf.Tensor, temperature: number): tf.Tensor {
  return tf.tidy(() => tf.softmax(tf.div(tf.add(logits, noise), temperature)));
}

/** A seed from a latent batch, so the same z gives the same sampled words. */
function seedOf(z: Float32Array | Int32Array | Uint8Array): number {
  const bytes = new Uint8Array(z.buffer, z.byteOffset, z.byteLength);
  let h = 0x811c9dc5;
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

export function buildGumbel(config: RunConfig, data: Dataset): GanVariant {
  const { own, stabilisers: o } = readVariantOptions(config, data, { variant: 'gumbel', own: GumbelOptions });
  const dataShape = textShape(data.shape);
  requireTextModel(config, 'gumbel', 'a text-resnet generator of logits and a text-resnet critic');
  const spec = { model: config.model, dataShape, latentDim: config.latentDim, hidden: config.hidden };
  const G = buildTextGenerator(spec, 'logits');
  const D = buildTextCritic(spec);
  initializeWeights(G, config.seed, STREAM.init);
  initializeWeights(D, config.seed, STREAM.init + 1);
  const latentDim = config.latentDim;
  const optimizers = createOptimizers(config, o);
  const critic = plainCritic(D, 1);
  const generatorPlayer = [{ optimizer: optimizers.generator, variables: trainableVariables(G) }];
  const discriminatorPlayer = [{ optimizer: optimizers.discriminator, variables: trainableVariables(D) }];
  const noiseFor = (ctx: IterationContext, sub: number) => gumbelNoise(ctx.rng(STREAM.gumbel, sub), [ctx.batchSize, ...dataShape]);
  return composeVariant(
    {
      name: 'gumbel',
      latentDim,
      dataShape,
      models: { generator: G, discriminator: D },
      optimizers,
      discriminators: { models: [D], optimizers: [optimizers.discriminator] },
      sampler: { model: G, twin: () => buildTextGenerator(spec, 'logits') },
      criticRound(ctx, sub) {
        const { x: real } = realBatch(ctx, dataShape, sub);
        const zb = latentBatch(ctx, latentDim, sub);
        const g = noiseFor(ctx, sub);
        const fake = tf.tidy(() => gumbelSoftmax(applyTraining(G, zb), g, temperatureAt(own, ctx.step)));
        return { players: discriminatorPlayer, duels: [{ critic, real: [real], fake: [fake] }], owned: [real, zb, g, fake] };
      },
      generatorRound(ctx, sub, want) {
        const { z: zb, matchingReal, owned } = generatorInputs(ctx, latentDim, dataShape, sub, want);
        const g = noiseFor(ctx, sub);
        const tau = temperatureAt(own, ctx.step);
        return { players: generatorPlayer, play: () => ({ duels: [{ critic, fake: [gumbelSoftmax(applyTraining(G, zb), g, tau)] }] }), matchingReal, owned: [...owned, g] };
      },
      // A sample is the Gumbel-max draw argmax(logits + g): one-hot, the noise seeded by z.
      generate: (gen, zb) =>
        tf.tidy(() => {
          const logits = gen.apply(zb, { training: false }) as tf.Tensor;
          const g = gumbelNoise(new Rng(seedOf(zb.dataSync())), logits.shape);
          return tf.cast(tf.oneHot(tf.argMax(tf.add(logits, g), -1), dataShape[1]), 'float32');
        }),
      discriminate: (x) => tf.tidy(() => D.apply(x, { training: false }) as tf.Tensor),
      afterIteration: (ctx) => ({ temperature: temperatureAt(own, ctx.step) }),
    },
    stepSettings(config, o),
    {},
  );
}

registerVariant('gumbel', buildGumbel, 'Kusner & Hernández-Lobato 2016: text GAN on Gumbel-softmax samples, temperature annealed as Jang et al. 2017');
