import type { Dataset } from '../data/types.js';
import type { RunConfig } from '../train/config.js';
import { ConfigError } from '../train/config.js';
import { createOptimizer } from '../train/optimizers.js';
import { buildNetworks, initializeWeights } from '../nets/index.js';
import { lossByName } from '../losses/index.js';
import { unconditionalGan } from './unconditional.js';
import type { GanVariant } from './types.js';
import { STREAM } from './types.js';

export * from './types.js';
export { unconditionalGan } from './unconditional.js';

/** A variant factory: builds the variant a config names, with seeded weights. */
export type VariantFactory = (config: RunConfig, data: Dataset) => GanVariant;

const registry = new Map<string, VariantFactory>();

/** Adds a variant under a name `--variant` accepts. */
export function registerVariant(name: string, factory: VariantFactory): void {
  registry.set(name, factory);
}

export function variantNames(): string[] {
  return [...registry.keys()];
}

registerVariant('gan', (config, data) => {
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
});

/** Builds the variant that `config.variant` names. */
export function createVariant(config: RunConfig, data: Dataset): GanVariant {
  const factory = registry.get(config.variant);
  if (!factory) throw new ConfigError(`unknown variant '${config.variant}'; choose one of: ${variantNames().join(', ')}`);
  return factory(config, data);
}
