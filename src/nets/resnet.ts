import * as tfl from '@tensorflow/tfjs-layers';
import { NetworkError, type GanNetworks, type NetworkSpec } from './types.js';
import { SpectralConv2D, SpectralDense } from '../nn/spectral-norm.js';
import { SelfAttention2D } from '../nn/self-attention.js';

type T = tfl.SymbolicTensor;

/**
 * ResNet G and D in the style of SNGAN (Miyato et al. 2018, appendix B) and BigGAN:
 * G: z → dense 4×4×w₀ → up-blocks (BN, ReLU, nearest ×2, conv3, BN, ReLU, conv3; shortcut
 * ×2 then conv1) → BN, ReLU, conv3 → tanh. D, spectrally normalised throughout: an
 * optimised first block, down-blocks (ReLU, conv3, ReLU, conv3, avg-pool; shortcut conv1
 * then avg-pool), one block at 4×4 without pooling, ReLU, global average pooling, a dense
 * score. Optional SAGAN self-attention after the block that reaches `attentionAt`.
 */
export interface ResnetOptions {
  /** Feature-map side after which a self-attention block sits (in G and D); null = none. */
  attentionAt?: number | null;
  /** Spectral norm in D (default true, as SNGAN); G never has it here. */
  spectralNorm?: boolean;
}

/** Channel widths of G's feature maps from 4×4 up (D uses them reversed). */
export function resnetWidths(side: number): number[] {
  switch (side) {
    case 32:
      return [256, 256, 256];
    case 64:
      return [256, 256, 128, 64];
    case 128:
      return [256, 256, 128, 64, 32];
    default:
      throw new NetworkError(`--model resnet supports 32×32, 64×64 and 128×128 images; got ${side}×${side} (give --resolution 64, or use --model dcgan)`);
  }
}

const apply = (layer: tfl.layers.Layer, x: T | T[]): T => layer.apply(x) as T;
const relu = (x: T) => apply(tfl.layers.reLU(), x);
const bn = (x: T) => apply(tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-5 }), x);

function conv(x: T, filters: number, k: number, sn: boolean): T {
  const args = { filters, kernelSize: k, strides: 1, padding: 'same' as const };
  return apply(sn ? new SpectralConv2D(args) : tfl.layers.conv2d(args), x);
}

function upBlock(x: T, filters: number): T {
  const up = (t: T) => apply(tfl.layers.upSampling2d({ size: [2, 2] }), t);
  let h = up(relu(bn(x)));
  h = conv(h, filters, 3, false);
  h = conv(relu(bn(h)), filters, 3, false);
  const shortcut = conv(up(x), filters, 1, false);
  return apply(tfl.layers.add(), [h, shortcut]);
}

function downBlock(x: T, filters: number, sn: boolean, opts: { first: boolean; pool: boolean }): T {
  const pool = (t: T) => (opts.pool ? apply(tfl.layers.averagePooling2d({ poolSize: 2, strides: 2 }), t) : t);
  let h = conv(opts.first ? x : relu(x), filters, 3, sn);
  h = pool(conv(relu(h), filters, 3, sn));
  // The optimised first block pools before its shortcut conv, as SNGAN's does.
  const shortcut = opts.first ? conv(pool(x), filters, 1, sn) : pool(conv(x, filters, 1, sn));
  return apply(tfl.layers.add(), [h, shortcut]);
}

export function buildResnet(spec: NetworkSpec, opts: ResnetOptions = {}): GanNetworks {
  if (spec.dataShape.length !== 3) throw new NetworkError(`--model resnet needs image data; got samples of shape [${spec.dataShape}]`);
  const [h, w, c] = spec.dataShape;
  if (h !== w) throw new NetworkError(`--model resnet needs square images; got ${h}×${w}`);
  const widths = resnetWidths(h);
  const attentionAt = opts.attentionAt ?? null;
  if (attentionAt !== null && (attentionAt < 8 || attentionAt > h / 2 || !Number.isInteger(Math.log2(attentionAt)))) {
    throw new NetworkError(`self-attention at ${attentionAt}×${attentionAt} is not a feature-map size of this net; choose a power of two from 8 to ${h / 2}`);
  }
  const sn = opts.spectralNorm ?? true;

  const z = tfl.input({ shape: [spec.latentDim], name: 'z' });
  let g = apply(tfl.layers.dense({ units: 4 * 4 * widths[0] }), z);
  g = apply(tfl.layers.reshape({ targetShape: [4, 4, widths[0]] }), g);
  let side = 4;
  for (let i = 0; i < widths.length; i++) {
    g = upBlock(g, widths[Math.min(i + 1, widths.length - 1)]);
    side *= 2;
    if (side === attentionAt) g = apply(new SelfAttention2D(), g);
  }
  g = apply(tfl.layers.conv2d({ filters: c, kernelSize: 3, padding: 'same', activation: 'tanh' }), relu(bn(g)));
  const generator = tfl.model({ inputs: z, outputs: g, name: 'generator' });

  const x = tfl.input({ shape: [h, w, c], name: 'x' });
  const dWidths = [...widths].reverse();
  let d: T = x;
  side = h;
  dWidths.forEach((filters, i) => {
    d = downBlock(d, filters, sn, { first: i === 0, pool: true });
    side /= 2;
    if (side === attentionAt) d = apply(new SelfAttention2D(), d);
  });
  d = downBlock(d, dWidths[dWidths.length - 1], sn, { first: false, pool: false });
  d = apply(tfl.layers.globalAveragePooling2d({}), relu(d));
  d = apply(sn ? new SpectralDense({ units: 1 }) : tfl.layers.dense({ units: 1 }), d);
  const discriminator = tfl.model({ inputs: x, outputs: d, name: 'discriminator' });
  return { generator, discriminator, latentDim: spec.latentDim, dataShape: [h, w, c] };
}
