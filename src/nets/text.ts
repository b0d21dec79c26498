import * as tfl from '@tensorflow/tfjs-layers';
import { NetworkError, type GanNetworks, type NetworkSpec } from './types.js';

/**
 * The WGAN-GP language model of Gulrajani et al. (2017, section 5 and appendix): G maps z
 * through a dense layer to a [length, channels] sequence, residual blocks of two width-5 1-D
 * convolutions, then a width-1 convolution and a softmax over the vocabulary at every
 * position (no sampling, so G's output is differentiable). D reads a [length, vocab]
 * sequence (one-hot when real, softmax when fake) through a width-1 convolution, the same
 * blocks, and a dense score. The paper uses 5 blocks of 512 channels; the defaults here are
 * 2 of 64 so a CPU run is minutes (`--hidden C,B` sets channels and blocks).
 */

/** [length, vocab] of text data, or an error that says which model fits. */
export function textShape(shape: readonly number[]): [number, number] {
  if (shape.length !== 2) throw new NetworkError(`text-resnet needs text data ([length, vocab]); got samples of shape [${shape}] (use --data words or text:FILE)`);
  return [shape[0], shape[1]];
}

/** relu → conv → relu → conv, added to the input. */
function residualBlock(x: tfl.SymbolicTensor, channels: number, name: string): tfl.SymbolicTensor {
  let h = tfl.layers.reLU({ name: `${name}_relu1` }).apply(x) as tfl.SymbolicTensor;
  h = tfl.layers.conv1d({ filters: channels, kernelSize: 5, padding: 'same', name: `${name}_conv1` }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.reLU({ name: `${name}_relu2` }).apply(h) as tfl.SymbolicTensor;
  h = tfl.layers.conv1d({ filters: channels, kernelSize: 5, padding: 'same', name: `${name}_conv2` }).apply(h) as tfl.SymbolicTensor;
  return tfl.layers.add({ name: `${name}_add` }).apply([x, h]) as tfl.SymbolicTensor;
}

export interface TextResnetSize {
  channels: number;
  blocks: number;
}

export function textResnetSize(spec: Pick<NetworkSpec, 'hidden'>): TextResnetSize {
  const [channels = 64, blocks = 2] = spec.hidden ?? [];
  return { channels, blocks };
}

/** G: z → softmax over the vocabulary at each position, [batch, length, vocab]. */
export function buildTextGenerator(spec: NetworkSpec, output: 'softmax' | 'logits' = 'softmax'): tfl.LayersModel {
  const [length, vocab] = textShape(spec.dataShape);
  const { channels, blocks } = textResnetSize(spec);
  const z = tfl.input({ shape: [spec.latentDim], name: 'z' });
  let h = tfl.layers.dense({ units: length * channels, name: 'g_dense' }).apply(z) as tfl.SymbolicTensor;
  h = tfl.layers.reshape({ targetShape: [length, channels], name: 'g_reshape' }).apply(h) as tfl.SymbolicTensor;
  for (let b = 0; b < blocks; b++) h = residualBlock(h, channels, `g_block${b}`);
  const out = tfl.layers.conv1d({ filters: vocab, kernelSize: 1, activation: output === 'softmax' ? 'softmax' : 'linear', name: 'g_out' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: z, outputs: out, name: 'generator' });
}

/** D: [batch, length, vocab] → one raw score per sequence. */
export function buildTextCritic(spec: NetworkSpec): tfl.LayersModel {
  const [length, vocab] = textShape(spec.dataShape);
  const { channels, blocks } = textResnetSize(spec);
  const x = tfl.input({ shape: [length, vocab], name: 'x' });
  let h = tfl.layers.conv1d({ filters: channels, kernelSize: 1, name: 'd_in' }).apply(x) as tfl.SymbolicTensor;
  for (let b = 0; b < blocks; b++) h = residualBlock(h, channels, `d_block${b}`);
  h = tfl.layers.flatten({ name: 'd_flatten' }).apply(h) as tfl.SymbolicTensor;
  const score = tfl.layers.dense({ units: 1, name: 'd_score' }).apply(h) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: score, name: 'discriminator' });
}

export function buildTextResnet(spec: NetworkSpec): GanNetworks {
  const dataShape = textShape(spec.dataShape);
  return { generator: buildTextGenerator(spec), discriminator: buildTextCritic(spec), latentDim: spec.latentDim, dataShape };
}
