import * as tfl from '@tensorflow/tfjs-layers';
import { initializeWeights, type GanNetworks } from '../src/nets/index.js';
import { plainGan } from '../src/gans/gan.js';
import { StabiliserOptionsSchema } from '../src/gans/stabilisers.js';
import { STREAM, type GanVariant } from '../src/gans/types.js';
import type { RunConfig } from '../src/train/config.js';

/** The image lab's network sizes: the reference DCGAN of the CLI, or a quarter of its work. */
export type ImageNetSize = 'reference' | 'small';

/**
 * A DCGAN for 28×28 digits with half the reference's channels (G 7×7×64 → 14×14×32 →
 * 28×28×1, D 32 → 64 mirrored). Its middle convolutions, where the reference spends most
 * of a step, do a quarter of the arithmetic, so a CPU-only browser gets several steps a
 * second. The layer plan is the reference's (k4 s2 'same', BN + ReLU in G, LeakyReLU 0.2
 * in D, tanh out), with batch norm after D's second convolution as in Radford et al.:
 * measured in Node over 800 steps at batch 32 (docs/studio.md), FD on the classifier's
 * features without it: 158 at Adam 5e-4, 110 at 1e-3, 94 at 2e-3; with it: 88 at 1e-3 and
 * 72 at 2e-3.
 */
export function buildSmallDcgan(latentDim: number): GanNetworks {
  const generator = tfl.sequential({ name: 'generator' });
  generator.add(tfl.layers.dense({ units: 7 * 7 * 64, inputShape: [latentDim] }));
  generator.add(tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
  generator.add(tfl.layers.reLU());
  generator.add(tfl.layers.reshape({ targetShape: [7, 7, 64] }));
  generator.add(tfl.layers.conv2dTranspose({ filters: 32, kernelSize: 4, strides: 2, padding: 'same' }));
  generator.add(tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
  generator.add(tfl.layers.reLU());
  generator.add(tfl.layers.conv2dTranspose({ filters: 1, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }));

  const discriminator = tfl.sequential({ name: 'discriminator' });
  discriminator.add(tfl.layers.conv2d({ filters: 32, kernelSize: 4, strides: 2, padding: 'same', inputShape: [28, 28, 1] }));
  discriminator.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
  discriminator.add(tfl.layers.conv2d({ filters: 64, kernelSize: 4, strides: 2, padding: 'same' }));
  discriminator.add(tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }));
  discriminator.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
  discriminator.add(tfl.layers.flatten());
  discriminator.add(tfl.layers.dense({ units: 1 }));
  return { generator, discriminator, latentDim, dataShape: [28, 28, 1] };
}

/** The plain GAN of a config around the small DCGAN, seeded as the library seeds its own. */
export function smallDcganVariant(config: RunConfig): GanVariant {
  const networks = buildSmallDcgan(config.latentDim);
  initializeWeights(networks.generator, config.seed, STREAM.init);
  initializeWeights(networks.discriminator, config.seed, STREAM.init + 1);
  // The library's plain GAN: the loss maps to its clipping or penalty in the objective table.
  return plainGan('gan', networks, config, StabiliserOptionsSchema.parse({}));
}
