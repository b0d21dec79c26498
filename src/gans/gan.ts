import type { RunConfig } from '../train/config.js';
import type { Dataset } from '../data/types.js';
import { createOptimizer } from '../train/optimizers.js';
import { buildNetworks, initializeWeights } from '../nets/index.js';
import { lossByName } from '../losses/index.js';
import { unconditionalGan } from './unconditional.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant } from './types.js';

/** The plain GAN with any of the objectives of src/losses (minimax, non-saturating, WGAN, ...). */
export function buildGan(config: RunConfig, data: Dataset): GanVariant {
  const networks = buildNetworks({ model: config.model, dataShape: data.shape, latentDim: config.latentDim, hidden: config.hidden });
  initializeWeights(networks.generator, config.seed, STREAM.init);
  initializeWeights(networks.discriminator, config.seed, STREAM.init + 1);
  const loss = config.loss;
  return unconditionalGan({
    networks,
    loss: lossByName(loss.type, { realLabel: config.realLabel }),
    optimizerG: createOptimizer(config.optimizerG),
    optimizerD: createOptimizer(config.optimizerD),
    criticSteps: config.criticSteps,
    clipValue: loss.type === 'wgan' ? loss.clipValue : undefined,
    gradientPenaltyWeight: loss.type === 'wgan-gp' ? loss.gradientPenaltyWeight : undefined,
  });
}

registerVariant('gan', buildGan, 'Goodfellow et al. 2014, Algorithm 1, with any --loss');
