import * as tf from '@tensorflow/tfjs-core';
import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../core/errors.js';
import type { Dataset } from '../data/types.js';
import { initializeWeights } from '../nets/init.js';
import { buildConditionalDiscriminator, buildConditionalGenerator } from '../nets/conditional.js';
import { applyTraining, latentBatch, realBatch, trainableVariables } from './common.js';
import type { Critic } from './step.js';
import { composeVariant, createOptimizers, discriminatorSpectralNorm, readVariantOptions, stepSettings } from './variant.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant } from './types.js';

/** A variant with an inference network: x → z. */
export interface EncoderVariant extends GanVariant {
  /** E(x) for a batch [n, ...dataShape] in model space: latent codes [n, latentDim]. */
  encode(x: tf.Tensor): tf.Tensor2D;
}

export function hasEncoder(v: GanVariant): v is EncoderVariant {
  return v.capabilities.encode;
}

/**
 * BiGAN (Donahue et al. 2017) / ALI (Dumoulin et al. 2017). An encoder E maps data to
 * latents; D sees joint pairs and tells (x, E(x)) from (G(z), z). At the optimum the two
 * joint distributions match, so E inverts G: G(E(x)) ≈ x. G and E are one player and
 * minimise D's objective with the sides swapped (the non-saturating form of the game).
 * A gradient penalty or R1 differentiates D in x and z together.
 */
export function buildBiGan(config: RunConfig, data: Dataset): EncoderVariant {
  const { stabilisers } = readVariantOptions(config, data, { variant: 'bigan', networkStabilisers: ['spectralNorm'] });
  const latentDim = config.latentDim;
  const dataShape = data.shape;
  const buildG = () => buildConditionalGenerator({ model: config.model, dataShape, latentDim, conditionDim: 0, hidden: config.hidden });
  const G = buildG();
  const E = buildConditionalDiscriminator({ model: config.model, dataShape, hidden: config.hidden, adversarial: false, heads: [{ name: 'z', units: latentDim }], name: 'encoder' });
  const D = buildConditionalDiscriminator({ model: config.model, dataShape, hidden: config.hidden, condition: { size: latentDim, mode: 'concat', inputName: 'z' }, spectralNorm: discriminatorSpectralNorm(stabilisers, 'bigan') });
  initializeWeights(G, config.seed, STREAM.init);
  initializeWeights(D, config.seed, STREAM.init + 1);
  initializeWeights(E, config.seed, STREAM.init + 2);
  const optimizers = createOptimizers(config, stabilisers);
  // G and E are one player with one optimizer.
  const gePlayer = [{ optimizer: optimizers.generator, variables: [...trainableVariables(G), ...trainableVariables(E)] }];
  const dPlayer = [{ optimizer: optimizers.discriminator, variables: trainableVariables(D) }];
  const critic: Critic = { judge: ([x, z]) => ({ score: applyTraining(D, [x, z]) }) };

  return composeVariant<Pick<EncoderVariant, 'encode'>>(
    {
      name: 'bigan',
      latentDim,
      dataShape,
      capabilities: { encode: true },
      models: { generator: G, encoder: E, discriminator: D },
      optimizers,
      discriminators: { models: [D], optimizers: [optimizers.discriminator] },
      sampler: { model: G, twin: buildG },
      criticRound(ctx, sub) {
        const { x } = realBatch(ctx, dataShape, sub);
        const z = latentBatch(ctx, latentDim, sub);
        const [encoded, generated] = tf.tidy(() => [applyTraining(E, x), applyTraining(G, z)]);
        return { players: dPlayer, duels: [{ critic, real: [x, encoded], fake: [generated, z] }], owned: [x, z, encoded, generated] };
      },
      generatorRound(ctx, sub) {
        const { x } = realBatch(ctx, dataShape, sub);
        const z = latentBatch(ctx, latentDim, sub);
        return {
          players: gePlayer,
          // Swapped targets: G wants (G(z), z) called real, E wants (x, E(x)) called fake.
          play: () => ({ duels: [{ critic, fake: [applyTraining(G, z), z], real: [x, applyTraining(E, x)], swapped: true }] }),
          owned: [x, z],
        };
      },
      generate: (g, z) => g.apply(z, { training: false }) as tf.Tensor,
      /** D's score of x paired with its own encoding, (x, E(x)). */
      discriminate: (x) => tf.tidy(() => D.apply([x, E.apply(x, { training: false }) as tf.Tensor], { training: false }) as tf.Tensor),
    },
    stepSettings(config, stabilisers),
    {
      encode(x: tf.Tensor): tf.Tensor2D {
        const want = [x.shape[0], ...dataShape];
        if (x.shape.length !== want.length || x.shape.some((d, i) => i > 0 && d !== want[i])) {
          throw new ConfigError(`encode needs samples of shape [n, ${dataShape.join(', ')}] (what this model was trained on); got [${x.shape.join(', ')}]`);
        }
        return E.apply(x, { training: false }) as tf.Tensor2D;
      },
    },
  );
}

registerVariant('bigan', buildBiGan, 'Donahue et al. 2017 / ALI: encoder E and D on (x, z) pairs; gankit encode');
