import type { RunConfig } from '../train/config.js';
import type { Dataset } from '../data/types.js';
import { createOptimizer } from '../train/optimizers.js';
import { buildNetworks, initializeWeights, type GanNetworks, type NetworkSpec } from '../nets/index.js';
import { buildStabilisedNetworks } from '../nets/sn-nets.js';
import { lossByName } from '../losses/index.js';
import { unconditionalGan, type GanObjective } from './unconditional.js';
import { registerVariant } from './registry.js';
import { STREAM, type GanVariant } from './types.js';
import { needsStabilisedNets, netOptions, parseStabilisers, TTUR_OPTIMIZERS, type StabiliserOptions } from './stabilisers.js';

/** Builds G and D (with the stabilisers' layers when asked), seeded. */
function buildSeededNetworks(config: RunConfig, data: Dataset, o: StabiliserOptions): GanNetworks {
  const spec: NetworkSpec = { model: config.model, dataShape: data.shape, latentDim: config.latentDim, hidden: config.hidden };
  const networks = needsStabilisedNets(o) ? buildStabilisedNetworks(spec, netOptions(o)) : buildNetworks(spec);
  initializeWeights(networks.generator, config.seed, STREAM.init);
  initializeWeights(networks.discriminator, config.seed, STREAM.init + 1);
  return networks;
}

export interface FamilyDefaults {
  /** Options the variant starts from; the config's options override them. */
  defaults?: Record<string, unknown>;
  /** Options the variant is defined by; they override the config's. */
  forced?: Record<string, unknown>;
  /** Option keys the variant itself reads. */
  extraKeys?: readonly string[];
  /** The variant's own objective, in place of config.loss (and its clipping or penalty). */
  objective?: GanObjective;
  discriminatorWeightDecay?: number;
}

/**
 * The plain GAN with a config's stabilisers: the unconditional variant every member of
 * this family (sngan, sagan, unrolled, pacgan) builds on, differing only in options.
 */
export function buildStabilisedGan(config: RunConfig, data: Dataset, name = 'gan', family: FamilyDefaults = {}): GanVariant {
  const options = { ...family.defaults, ...config.options, ...family.forced };
  const o: StabiliserOptions = parseStabilisers({ ...config, options }, data.kind, family.extraKeys);
  const networks = buildSeededNetworks(config, data, o);
  let ema: { generator: ReturnType<typeof buildSeededNetworks>['generator']; decay: number } | undefined;
  if (o.emaDecay !== undefined) {
    const twin = buildSeededNetworks(config, data, o);
    twin.discriminator.dispose();
    twin.generator.setWeights(networks.generator.getWeights());
    ema = { generator: twin.generator, decay: o.emaDecay };
  }
  const loss = config.loss;
  const own = family.objective !== undefined;
  return unconditionalGan({
    name,
    networks,
    loss: family.objective ?? lossByName(loss.type, { realLabel: config.realLabel }),
    optimizerG: createOptimizer(o.ttur ? TTUR_OPTIMIZERS.optimizerG : config.optimizerG),
    optimizerD: createOptimizer(o.ttur ? TTUR_OPTIMIZERS.optimizerD : config.optimizerD),
    criticSteps: config.criticSteps,
    clipValue: !own && loss.type === 'wgan' ? loss.clipValue : undefined,
    gradientPenaltyWeight: !own && loss.type === 'wgan-gp' ? loss.gradientPenaltyWeight : undefined,
    discriminatorWeightDecay: family.discriminatorWeightDecay,
    r1Gamma: o.r1Gamma,
    featureMatching: o.featureMatching,
    ema,
    augment: o.diffAugment,
    unrolledSteps: o.unrolledSteps,
    packing: o.packing,
  });
}

/** The plain GAN with any of the objectives of src/losses (minimax, non-saturating, WGAN, ...) and any stabiliser of config.options. */
export function buildGan(config: RunConfig, data: Dataset): GanVariant {
  return buildStabilisedGan(config, data, 'gan');
}

registerVariant('gan', buildGan, 'Goodfellow et al. 2014, Algorithm 1, with any --loss and the stabilisers of config.options');
