import * as tf from '@tensorflow/tfjs-core';
import type { z } from 'zod';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { RunConfig } from '../train/config.js';
import type { Dataset } from '../data/types.js';
import { buildNetworks, initializeWeights, type GanNetworks, type NetworkSpec } from '../nets/index.js';
import { buildStabilisedNetworks } from '../nets/sn-nets.js';
import type { Regulariser } from '../losses/regularisers.js';
import type { GanObjective } from '../losses/types.js';
import { applyTraining, generatorInputs, latentBatch, realBatch, trainableVariables } from './common.js';
import { registerVariant } from './registry.js';
import { NETWORK_STABILISERS, discriminatorFeatures, needsStabilisedNets, netOptions, pack, stabiliserIsOn, type StabiliserOptions } from './stabilisers.js';
import { ConfigError } from '../core/errors.js';
import type { Critic } from './step.js';
import { STREAM, type GanVariant } from './types.js';
import { composeVariant, createOptimizers, readVariantOptions, stepSettings, type VariantSetup } from './variant.js';

/** Builds G and D (with the stabilisers' layers when asked), seeded. */
function buildSeededNetworks(config: RunConfig, data: Dataset, o: StabiliserOptions): GanNetworks {
  const spec: NetworkSpec = { model: config.model, dataShape: data.shape, latentDim: config.latentDim, hidden: config.hidden };
  const stabilised = needsStabilisedNets(o);
  if (stabilised && config.model !== 'mlp' && config.model !== 'dcgan') {
    const on = NETWORK_STABILISERS.filter((k) => stabiliserIsOn(o, k)).map((k) => `options.${k}`).join(', ');
    throw new ConfigError(`${on} is built into the mlp and dcgan networks only; --model ${config.model} has no such layers: use --model mlp or dcgan, or drop it`);
  }
  const networks = stabilised ? buildStabilisedNetworks(spec, netOptions(o)) : buildNetworks(spec);
  initializeWeights(networks.generator, config.seed, STREAM.init);
  initializeWeights(networks.discriminator, config.seed, STREAM.init + 1);
  return networks;
}

/** [N, ...] → [N·m, ...], each sample m times in a row. */
function repeatEach(x: tf.Tensor, m: number): tf.Tensor {
  if (m === 1) return x;
  const [n, ...shape] = x.shape;
  return tf.reshape(tf.tile(tf.expandDims(x, 1), [1, m, ...shape.map(() => 1)]), [n * m, ...shape]);
}

/** D as the step sees it: packed inputs (PacGAN), hidden features for feature matching. */
export function plainCritic(D: tfl.LayersModel, packing: number): Critic {
  return {
    judge: ([x]) => ({ score: applyTraining(D, pack(x, packing)) }),
    features: ([x]) => discriminatorFeatures(D, pack(x, packing), true),
    view: ([x]) => pack(x, packing),
  };
}

export interface FamilyDefaults<S extends z.AnyZodObject> {
  /** Options the variant starts from; the config's options override them. */
  defaults?: Record<string, unknown>;
  /** The variant's own options, beside the stabilisers. */
  own?: S;
  /** The variant's own objective, in place of config.loss (and its clipping or penalty). */
  objective?: (own: z.output<S>) => GanObjective;
  /** Regularisers the variant adds to every critic step. */
  regularisers?: (own: z.output<S>) => Regulariser[];
}

/**
 * The plain GAN of Goodfellow et al. (2014), with a config's stabilisers: the unconditional
 * variant every member of this family (sngan, sagan, unrolled, pacgan, lsgan-qi) builds on.
 * Per critic step: a real batch, a fake batch G(z), D judges both. Per generator step:
 * G(z) judged by D.
 */
export function buildStabilisedGan<S extends z.AnyZodObject>(config: RunConfig, data: Dataset, name = 'gan', family: FamilyDefaults<S> = {}): GanVariant {
  const { own, stabilisers: o } = readVariantOptions(config, data, {
    variant: name,
    own: family.own,
    networkStabilisers: NETWORK_STABILISERS,
    featureMatching: true,
    defaults: family.defaults,
  });
  const networks = buildSeededNetworks(config, data, o);
  const twin = () => {
    const other = buildSeededNetworks(config, data, o);
    other.discriminator.dispose();
    return other.generator;
  };
  return plainGan(name, networks, config, o, stepSettings(config, o, { objective: family.objective?.(own), regularisers: family.regularisers?.(own) }), twin);
}

/**
 * The plain GAN around networks the caller built (the studio keeps its networks across
 * loss switches). `twin` builds another generator for EMA.
 */
export function plainGan(
  name: string,
  networks: GanNetworks,
  config: RunConfig,
  o: StabiliserOptions,
  setup: VariantSetup = stepSettings(config, o),
  twin?: () => tfl.LayersModel,
): GanVariant {
  const { generator: G, discriminator: D, latentDim, dataShape } = networks;
  const optimizers = createOptimizers(config, o);
  const critic = plainCritic(D, o.packing);
  const generatorPlayer = [{ optimizer: optimizers.generator, variables: trainableVariables(G) }];
  const discriminatorPlayer = [{ optimizer: optimizers.discriminator, variables: trainableVariables(D) }];
  return composeVariant(
    {
      name,
      latentDim,
      dataShape,
      models: { generator: G, discriminator: D },
      optimizers,
      discriminators: { models: [D], optimizers: [optimizers.discriminator] },
      sampler: { model: G, twin },
      criticRound(ctx, sub) {
        const { x: real } = realBatch(ctx, dataShape, sub);
        const z = latentBatch(ctx, latentDim, sub);
        const fake = tf.tidy(() => applyTraining(G, z));
        return { players: discriminatorPlayer, duels: [{ critic, real: [real], fake: [fake] }], owned: [real, z, fake] };
      },
      generatorRound(ctx, sub, want) {
        const { z, matchingReal, owned } = generatorInputs(ctx, latentDim, dataShape, sub, want);
        return { players: generatorPlayer, play: () => ({ duels: [{ critic, fake: [applyTraining(G, z)] }] }), matchingReal, owned };
      },
      generate: (g, z) => g.apply(z, { training: false }) as tf.Tensor,
      // One score per sample: with packing, D judges a pack of m copies of the sample.
      discriminate: (x) => tf.tidy(() => D.apply(pack(repeatEach(x, o.packing), o.packing), { training: false }) as tf.Tensor),
    },
    setup,
    {},
  );
}

/** The plain GAN with any of the objectives of src/losses (minimax, non-saturating, WGAN, ...) and any stabiliser of config.options. */
export function buildGan(config: RunConfig, data: Dataset): GanVariant {
  return buildStabilisedGan(config, data, 'gan');
}

registerVariant('gan', buildGan, 'Goodfellow et al. 2014, Algorithm 1, with any --loss and the stabilisers of config.options');
