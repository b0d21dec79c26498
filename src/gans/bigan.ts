import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../train/config.js';
import type { Dataset } from '../data/types.js';
import { createOptimizer } from '../train/optimizers.js';
import { initializeWeights } from '../nets/init.js';
import { buildConditionalDiscriminator, buildConditionalGenerator } from '../nets/conditional.js';
import { lossByName } from '../losses/index.js';
import type { AdversarialLoss } from '../losses/types.js';
import { clipWeights } from '../losses/penalties.js';
import { applyTraining, latentBatch, realBatch, takeScalar, trainableVariables } from './common.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant, type IterationContext, type IterationLogs } from './types.js';

/** A variant with an inference network: x → z. */
export interface EncoderVariant extends GanVariant {
  /** E(x) for a batch [n, ...dataShape] in model space: latent codes [n, latentDim]. */
  encode(x: tf.Tensor): tf.Tensor2D;
}

export function hasEncoder(v: GanVariant): v is EncoderVariant {
  return typeof (v as Partial<EncoderVariant>).encode === 'function';
}

export interface BiGanParts {
  generator: tfl.LayersModel;
  encoder: tfl.LayersModel;
  /** D(x, z): inputs [x, z], one score. */
  discriminator: tfl.LayersModel;
  latentDim: number;
  dataShape: readonly number[];
  /** The discriminator's objective; the generator and encoder minimise it with the targets swapped. */
  loss: AdversarialLoss;
  /** One optimizer for G and E together: they are one player. */
  optimizerG: tf.Optimizer;
  optimizerD: tf.Optimizer;
  criticSteps: number;
  clipValue?: number;
}

/**
 * BiGAN (Donahue et al. 2017) / ALI (Dumoulin et al. 2017). An encoder E maps data to
 * latents; D sees joint pairs and tells (x, E(x)) from (G(z), z). At the optimum the two
 * joint distributions match, so E inverts G: G(E(x)) ≈ x. G and E are one player and
 * minimise D's objective with the targets swapped (the non-saturating form of the game).
 */
export function biGan(p: BiGanParts): EncoderVariant {
  const { generator: G, encoder: E, discriminator: D, latentDim, dataShape, loss } = p;
  const geVars = [...trainableVariables(G), ...trainableVariables(E)];
  const dVars = trainableVariables(D);
  const score = (x: tf.Tensor, z: tf.Tensor) => applyTraining(D, [x, z]);

  function discriminatorStep(ctx: IterationContext, k: number): IterationLogs {
    const { x } = realBatch(ctx, dataShape, k);
    const z = latentBatch(ctx, latentDim, k);
    const [encoded, generated] = tf.tidy(() => [applyTraining(E, x), applyTraining(G, z)]);
    const cost = p.optimizerD.minimize(() => loss.discriminator(score(x, encoded), score(generated, z)), true, dVars);
    if (p.clipValue !== undefined) clipWeights(dVars, p.clipValue);
    tf.dispose([x, z, encoded, generated]);
    return { d_loss: takeScalar(cost as tf.Scalar) };
  }

  function generatorEncoderStep(ctx: IterationContext): IterationLogs {
    const k = p.criticSteps;
    const { x } = realBatch(ctx, dataShape, k);
    const z = latentBatch(ctx, latentDim, k);
    // Swapped targets: G wants (G(z), z) called real, E wants (x, E(x)) called fake.
    const cost = p.optimizerG.minimize(() => loss.discriminator(score(applyTraining(G, z), z), score(x, applyTraining(E, x))), true, geVars);
    tf.dispose([x, z]);
    return { g_loss: takeScalar(cost as tf.Scalar) };
  }

  return {
    name: 'bigan',
    latentDim,
    dataShape,
    models: () => ({ generator: G, encoder: E, discriminator: D }),
    optimizers: () => ({ generator: p.optimizerG, discriminator: p.optimizerD }),
    trainIteration(ctx) {
      let logs: IterationLogs = {};
      for (let k = 0; k < p.criticSteps; k++) logs = { ...logs, ...discriminatorStep(ctx, k) };
      return { ...logs, ...generatorEncoderStep(ctx) };
    },
    generate: (z) => G.apply(z, { training: false }) as tf.Tensor,
    encode(x) {
      const want = [x.shape[0], ...dataShape];
      if (x.shape.length !== want.length || x.shape.some((d, i) => i > 0 && d !== want[i])) {
        throw new ConfigError(`encode needs samples of shape [n, ${dataShape.join(', ')}] (what this model was trained on); got [${x.shape.join(', ')}]`);
      }
      return E.apply(x, { training: false }) as tf.Tensor2D;
    },
    samplingGenerator: () => G,
    /** D's score of x paired with its own encoding, (x, E(x)). */
    discriminate(x) {
      return tf.tidy(() => D.apply([x, E.apply(x, { training: false }) as tf.Tensor], { training: false }) as tf.Tensor);
    },
    dispose() {
      G.dispose();
      E.dispose();
      D.dispose();
      p.optimizerG.dispose();
      p.optimizerD.dispose();
    },
  };
}

export function buildBiGan(config: RunConfig, data: Dataset): EncoderVariant {
  if (config.loss.type === 'wgan-gp') throw new ConfigError('bigan does not implement the gradient penalty on (x, z) pairs; use --loss non-saturating, hinge, least-squares or wgan');
  const latentDim = config.latentDim;
  const generator = buildConditionalGenerator({ model: config.model, dataShape: data.shape, latentDim, conditionDim: 0, hidden: config.hidden });
  const encoder = buildConditionalDiscriminator({ model: config.model, dataShape: data.shape, hidden: config.hidden, adversarial: false, heads: [{ name: 'z', units: latentDim }], name: 'encoder' });
  const discriminator = buildConditionalDiscriminator({ model: config.model, dataShape: data.shape, hidden: config.hidden, condition: { size: latentDim, mode: 'concat', inputName: 'z' } });
  initializeWeights(generator, config.seed, STREAM.init);
  initializeWeights(discriminator, config.seed, STREAM.init + 1);
  initializeWeights(encoder, config.seed, STREAM.init + 2);
  return biGan({
    generator,
    encoder,
    discriminator,
    latentDim,
    dataShape: data.shape,
    loss: lossByName(config.loss.type, { realLabel: config.realLabel }),
    optimizerG: createOptimizer(config.optimizerG),
    optimizerD: createOptimizer(config.optimizerD),
    criticSteps: config.criticSteps,
    clipValue: config.loss.type === 'wgan' ? config.loss.clipValue : undefined,
  });
}

registerVariant('bigan', buildBiGan, 'Donahue et al. 2017 / ALI: encoder E and D on (x, z) pairs; gankit encode');
