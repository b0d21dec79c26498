import * as tfl from '@tensorflow/tfjs-layers';
import { NetworkError, type GanNetworks, type NetworkSpec } from './types.js';
import { dcganPlan } from './dcgan.js';
import { mlpWidths } from './mlp.js';
import { SpectralConv2D, SpectralDense } from '../nn/spectral-norm.js';
import { SelfAttention2D } from '../nn/self-attention.js';
import { MinibatchStddev } from '../nn/minibatch-stddev.js';
import { MinibatchDiscrimination } from '../nn/minibatch-discrimination.js';

/** Architectural stabilisers, applied to the mlp and dcgan nets of ./mlp.ts and ./dcgan.ts. */
export interface StabilisedNetOptions {
  /** Spectral normalisation (Miyato et al. 2018) of every dense/conv kernel in D, or in G too (SAGAN). */
  spectralNorm: 'none' | 'discriminator' | 'both';
  /** SAGAN self-attention blocks (dcgan only): after G's last hidden block, after D's first. */
  selfAttention: 'none' | 'generator' | 'discriminator' | 'both';
  /** Karras et al.'s minibatch-stddev feature before D's head; 0 = off, else the group size. */
  minibatchStddevGroup: number;
  /** Salimans et al.'s minibatch discrimination before D's last layer; null = off. */
  minibatchDiscrimination: { kernels: number; kernelDim: number } | null;
  /** PacGAN: D sees this many samples at once (channels, or features for points, times m). */
  packing: number;
}

export const PLAIN_NETS: StabilisedNetOptions = {
  spectralNorm: 'none',
  selfAttention: 'none',
  minibatchStddevGroup: 0,
  minibatchDiscrimination: null,
  packing: 1,
};

/** The shape D sees for one packed sample of m data samples: the last axis times m. */
export function packedShape(dataShape: readonly number[], packing: number): number[] {
  return [...dataShape.slice(0, -1), dataShape[dataShape.length - 1] * packing];
}

function act(kind: 'relu' | 'leaky-relu'): tfl.layers.Layer {
  return kind === 'relu' ? tfl.layers.reLU() : tfl.layers.leakyReLU({ alpha: 0.2 });
}

function batchNorm(): tfl.layers.Layer {
  return tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 });
}

function dense(sn: boolean, units: number, inputShape?: number[], activation: 'linear' | 'tanh' = 'linear'): tfl.layers.Layer {
  if (sn) return new SpectralDense({ units, activation, ...(inputShape ? { inputShape } : {}) });
  return tfl.layers.dense({ units, activation, ...(inputShape ? { inputShape } : {}) });
}

function conv(sn: boolean, filters: number, transpose: boolean, inputShape?: number[], activation: 'linear' | 'tanh' = 'linear'): tfl.layers.Layer {
  const common = { filters, kernelSize: 4, strides: 2, padding: 'same' as const, activation, ...(inputShape ? { inputShape } : {}) };
  if (sn) return new SpectralConv2D({ ...common, transpose });
  return transpose ? tfl.layers.conv2dTranspose(common) : tfl.layers.conv2d(common);
}

/** D's head: the batch-coupled stabilisers, then one raw score. */
function addHead(d: tfl.Sequential, sn: boolean, opts: StabilisedNetOptions, flattenFirst: boolean): void {
  if (opts.minibatchStddevGroup > 0) d.add(new MinibatchStddev({ groupSize: opts.minibatchStddevGroup }));
  if (flattenFirst) d.add(tfl.layers.flatten());
  if (opts.minibatchDiscrimination) d.add(new MinibatchDiscrimination(opts.minibatchDiscrimination));
  d.add(dense(sn, 1));
}

function buildMlpStabilised(spec: NetworkSpec, opts: StabilisedNetOptions): GanNetworks {
  if (opts.selfAttention !== 'none') throw new NetworkError('self-attention needs image feature maps: use --model dcgan (the mlp has none)');
  const dataShape = [...spec.dataShape];
  const isPoints = dataShape.length === 1;
  const dataSize = dataShape.reduce((a, b) => a * b, 1);
  const activation = spec.activation ?? (isPoints ? 'relu' : 'leaky-relu');
  const { gHidden, dHidden } = mlpWidths(spec);
  const snG = opts.spectralNorm === 'both';
  const snD = opts.spectralNorm !== 'none';

  const generator = tfl.sequential({ name: 'generator' });
  gHidden.forEach((units, i) => {
    generator.add(dense(snG, units, i === 0 ? [spec.latentDim] : undefined));
    generator.add(act(activation));
  });
  generator.add(dense(snG, dataSize, gHidden.length === 0 ? [spec.latentDim] : undefined, isPoints ? 'linear' : 'tanh'));
  if (!isPoints) generator.add(tfl.layers.reshape({ targetShape: dataShape }));

  const dInput = packedShape(dataShape, opts.packing);
  const discriminator = tfl.sequential({ name: 'discriminator' });
  if (!isPoints) discriminator.add(tfl.layers.flatten({ inputShape: dInput }));
  dHidden.forEach((units, i) => {
    discriminator.add(dense(snD, units, i === 0 && isPoints ? dInput : undefined));
    discriminator.add(act(activation));
  });
  addHead(discriminator, snD, opts, false);
  return { generator, discriminator, latentDim: spec.latentDim, dataShape };
}

function buildDcganStabilised(spec: NetworkSpec, opts: StabilisedNetOptions): GanNetworks {
  const { dataShape, start, gChannels } = dcganPlan(spec.dataShape, spec.hidden);
  const c = dataShape[2];
  const snG = opts.spectralNorm === 'both';
  const snD = opts.spectralNorm !== 'none';
  const attnG = opts.selfAttention === 'generator' || opts.selfAttention === 'both';
  const attnD = opts.selfAttention === 'discriminator' || opts.selfAttention === 'both';
  const useBn = spec.batchNorm ?? true;

  const generator = tfl.sequential({ name: 'generator' });
  generator.add(dense(snG, start * start * gChannels[0], [spec.latentDim]));
  if (useBn) generator.add(batchNorm());
  generator.add(tfl.layers.reLU());
  generator.add(tfl.layers.reshape({ targetShape: [start, start, gChannels[0]] }));
  for (let i = 1; i < gChannels.length; i++) {
    generator.add(conv(snG, gChannels[i], true));
    if (useBn) generator.add(batchNorm());
    generator.add(tfl.layers.reLU());
  }
  if (attnG) generator.add(new SelfAttention2D());
  generator.add(conv(snG, c, true, undefined, 'tanh'));

  // With spectral normalisation D has no batch norm, as in Miyato et al.'s nets.
  const dChannels = [...gChannels].reverse();
  const discriminator = tfl.sequential({ name: 'discriminator' });
  dChannels.forEach((filters, i) => {
    discriminator.add(conv(snD, filters, false, i === 0 ? packedShape(dataShape, opts.packing) : undefined));
    if (i > 0 && !snD) discriminator.add(batchNorm());
    discriminator.add(tfl.layers.leakyReLU({ alpha: 0.2 }));
    if (i === 0 && attnD) discriminator.add(new SelfAttention2D());
  });
  addHead(discriminator, snD, opts, true);
  return { generator, discriminator, latentDim: spec.latentDim, dataShape };
}

/**
 * The mlp or dcgan networks with stabilisers built in. With PLAIN_NETS the layer stack
 * equals ./mlp.ts and ./dcgan.ts (same layers in the same order).
 */
export function buildStabilisedNetworks(spec: NetworkSpec, opts: StabilisedNetOptions): GanNetworks {
  if (spec.model === 'mlp') return buildMlpStabilised(spec, opts);
  if (spec.model === 'dcgan') return buildDcganStabilised(spec, opts);
  throw new NetworkError(`stabilisers support the mlp and dcgan models; got '${String(spec.model)}'`);
}
