import * as tfl from '@tensorflow/tfjs-layers';
import { NetworkError, type GanNetworks, type NetworkSpec } from './types.js';

/** Batch norm with PyTorch's defaults (momentum 0.1 there is 0.9 here; eps 1e-5). */
function batchNorm(): tfl.layers.Layer {
  return tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
}

/**
 * DCGAN (Radford et al. 2016) as the reference workloads define it: 28×28 images
 * (dcgan-mnist: 7×7×128 → 14×14×64 → 28×28×c) and 32×32 images (dcgan-cifar:
 * 4×4×512 → 8×8×256 → 16×16×128 → 32×32×c); other powers of two from 16 to 256 follow
 * the PyTorch DCGAN example (at 64: 4×4×512 → 8×8×256 → 16×16×128 → 32×32×64 → 64×64×c,
 * widths doubling from 64 towards the 4×4 map, at most 512). Every conv is k4 s2 p1
 * ('same' in NHWC), with bias, BN after each hidden layer of G and after every D conv but
 * the first.
 */
/** The layer plan both DCGAN builders share: G's first spatial size and channel widths. */
export interface DcganPlan {
  dataShape: [number, number, number];
  /** Side of G's first feature map (7 for 28×28, 4 for 32×32). */
  start: number;
  /** G's channels from the first feature map down (D uses them reversed). */
  gChannels: number[];
}

/**
 * Checks the data shape and returns the DCGAN plan for it. `channels` (the config's
 * `hidden`, e.g. --hidden 256,128 at 28×28) replaces G's widths, one per feature map from
 * the first down; D mirrors them.
 */
export function dcganPlan(shape: readonly number[], channels?: readonly number[]): DcganPlan {
  const plan = defaultDcganPlan(shape);
  if (!channels) return plan;
  if (channels.length !== plan.gChannels.length) {
    throw new NetworkError(`--hidden for dcgan gives G's channels per feature map, ${plan.gChannels.length} at ${shape[0]}×${shape[1]} (default ${plan.gChannels.join(',')}); got ${channels.length} (${channels.join(',')})`);
  }
  return { ...plan, gChannels: [...channels] };
}

function defaultDcganPlan(shape: readonly number[]): DcganPlan {
  if (shape.length !== 3) throw new NetworkError(`dcgan needs image data; got samples of shape [${shape}] (use --model mlp for points)`);
  const [h, w, c] = shape;
  if (h === 28 && w === 28) return { dataShape: [h, w, c], start: 7, gChannels: [128, 64] };
  if (h === 32 && w === 32) return { dataShape: [h, w, c], start: 4, gChannels: [512, 256, 128] };
  const upsamplings = Math.log2(h / 4);
  if (h !== w || !Number.isInteger(upsamplings) || h < 16 || h > 256) {
    throw new NetworkError(`dcgan supports 28×28 and square powers of two from 16×16 to 256×256; got ${h}×${w} (give --resolution 64, say, or use --model mlp)`);
  }
  // The example's ngf = 64 at 64×64 and above; at 16×16, 32×32's widest-first pattern.
  const base = h >= 64 ? 64 : 128;
  const gChannels = Array.from({ length: upsamplings }, (_, i) => Math.min(512, base * 2 ** (upsamplings - 1 - i)));
  return { dataShape: [h, w, c], start: 4, gChannels };
}

export function buildDcgan(spec: NetworkSpec): GanNetworks {
  const { dataShape, start, gChannels } = dcganPlan(spec.dataShape, spec.hidden);
  const c = dataShape[2];
  const useBn = spec.batchNorm ?? true;

  const generator = tfl.sequential({ name: 'generator' });
  generator.add(tfl.layers.dense({ units: start * start * gChannels[0], inputShape: [spec.latentDim] }));
  if (useBn) generator.add(batchNorm());
  generator.add(tfl.layers.reLU());
  generator.add(tfl.layers.reshape({ targetShape: [start, start, gChannels[0]] }));
  for (let i = 1; i < gChannels.length; i++) {
    generator.add(tfl.layers.conv2dTranspose({ filters: gChannels[i], kernelSize: 4, strides: 2, padding: 'same' }));
    if (useBn) generator.add(batchNorm());
    generator.add(tfl.layers.reLU());
  }
  generator.add(tfl.layers.conv2dTranspose({ filters: c, kernelSize: 4, strides: 2, padding: 'same', activation: 'tanh' }));

  const dChannels = [...gChannels].reverse();
  const discriminator = tfl.sequential({ name: 'discriminator' });
  dChannels.forEach((filters, i) => {
    discriminator.add(
      tfl.layers.conv2d(i === 0 ? { filters, kernelSize: 4, strides: 2, padding: 'same', inputShape: dataShape } : { filters, kernelSize: 4, strides: 2, padding: 'same' }),
    );
    if (i > 0) discriminator.add(batchNorm());
    discriminator.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
  });
  discriminator.add(tfl.layers.flatten());
  discriminator.add(tfl.layers.dense({ units: 1 }));
  return { generator, discriminator, latentDim: spec.latentDim, dataShape };
}
