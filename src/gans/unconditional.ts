import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { AdversarialLoss } from '../losses/types.js';
import { gradientPenalty, clipWeights } from '../losses/penalties.js';
import type { GanNetworks } from '../nets/types.js';
import type { GanVariant, IterationContext, IterationLogs } from './types.js';
import { STREAM } from './types.js';
import { applyTraining, latentBatch, realBatch, takeScalar, trainableVariables } from './common.js';

export interface UnconditionalGanOptions {
  networks: GanNetworks;
  loss: AdversarialLoss;
  optimizerG: tf.Optimizer;
  optimizerD: tf.Optimizer;
  /** k: discriminator updates per generator update (Algorithm 1). */
  criticSteps: number;
  /** WGAN: clamp D's weights to [−c, c] after each D update. */
  clipValue?: number;
  /** WGAN-GP: λ for the gradient penalty. */
  gradientPenaltyWeight?: number;
}

/**
 * The GAN of Goodfellow et al. (2014), Algorithm 1, with a pluggable objective:
 * for k steps, update D on a real minibatch and a fake one; then update G once.
 */
export function unconditionalGan(opts: UnconditionalGanOptions): GanVariant {
  const { generator: G, discriminator: D, latentDim, dataShape } = opts.networks;
  const gVars = trainableVariables(G);
  const dVars = trainableVariables(D);
  const critic = (x: tf.Tensor) => applyTraining(D, x);

  function discriminatorStep(ctx: IterationContext, k: number): IterationLogs {
    const logs: IterationLogs = {};
    const { x: real } = realBatch(ctx, dataShape, k);
    const z = latentBatch(ctx, latentDim, k);
    const fake = tf.tidy(() => applyTraining(G, z));
    let penalty: tf.Scalar | null = null;
    const cost = opts.optimizerD.minimize(
      () => {
        const adversarial = opts.loss.discriminator(critic(real), critic(fake));
        if (!opts.gradientPenaltyWeight) return adversarial;
        const eps = tf.tensor1d(ctx.rng(STREAM.penalty, k).uniforms(ctx.batchSize));
        penalty = tf.keep(gradientPenalty(critic, real, fake, eps));
        return tf.add(adversarial, tf.mul(penalty, opts.gradientPenaltyWeight)) as tf.Scalar;
      },
      true,
      dVars,
    );
    if (opts.clipValue !== undefined) clipWeights(dVars, opts.clipValue);
    logs.d_loss = takeScalar(cost as tf.Scalar);
    if (penalty) logs.gradient_penalty = takeScalar(penalty);
    tf.dispose([real, z, fake]);
    return logs;
  }

  function generatorStep(ctx: IterationContext): IterationLogs {
    const z = latentBatch(ctx, latentDim, opts.criticSteps);
    const cost = opts.optimizerG.minimize(() => opts.loss.generator(critic(applyTraining(G, z))), true, gVars);
    z.dispose();
    return { g_loss: takeScalar(cost as tf.Scalar) };
  }

  return {
    name: 'gan',
    latentDim,
    dataShape,
    models: () => ({ generator: G, discriminator: D }),
    optimizers: () => ({ generator: opts.optimizerG, discriminator: opts.optimizerD }),
    trainIteration(ctx) {
      let logs: IterationLogs = {};
      for (let k = 0; k < opts.criticSteps; k++) logs = { ...logs, ...discriminatorStep(ctx, k) };
      return { ...logs, ...generatorStep(ctx) };
    },
    generate: (z) => G.apply(z, { training: false }) as tf.Tensor,
    samplingGenerator: (): tfl.LayersModel => G,
    discriminate: (x) => D.apply(x, { training: false }) as tf.Tensor,
    dispose() {
      G.dispose();
      D.dispose();
      opts.optimizerG.dispose();
      opts.optimizerD.dispose();
    },
  };
}
