import * as tfl from '@tensorflow/tfjs-layers';
import { NetworkError } from './types.js';

export interface PatchGanSpec {
  /** Shape of the condition image (pix2pix's input), [h, w, c]. */
  conditionShape: readonly number[];
  /** Channels of the judged image; it has the condition's height and width. */
  imageChannels: number;
  /** Feature maps of the first conv; each stride-2 level doubles them. */
  filters: number;
  /** Stride-2 convs; the patch a score sees grows with them (see patchReceptiveField). */
  downsamplings: number;
}

/**
 * The receptive field of one PatchGAN score: `downsamplings` 4×4 stride-2 convs, then two
 * 4×4 stride-1 convs. With 3, as the paper's C64-C128-C256-C512-1 at 256×256, it is 70.
 */
export function patchReceptiveField(downsamplings: number): number {
  let field = 4 + 3; // the two stride-1 convs
  for (let i = 0; i < downsamplings; i++) field = (field - 1) * 2 + 4;
  return field;
}

/**
 * Stride-2 levels for an image side, keeping the patch at most 0.6 of the side
 * (the paper's 70 of 256 is 0.27): 1 at 28 (16-pixel patches), 2 at 64 (34), 3 at 256 (70).
 */
export function defaultDownsamplings(side: number): number {
  let n = 1;
  while (n < 3 && patchReceptiveField(n + 1) <= side * 0.6) n++;
  return n;
}

/**
 * The PatchGAN discriminator of pix2pix (Isola et al. 2017): it judges an (input, image)
 * pair, concatenated on channels, with one score per overlapping patch rather than one per
 * image, so it models high-frequency structure and leaves the low frequencies to L1. Layers:
 * 4×4 stride-2 convs (LeakyReLU 0.2, batch norm after the first), a 4×4 stride-1 conv with
 * batch norm, and a 4×4 stride-1 conv to one raw score per patch: [h/2^n, w/2^n, 1].
 */
export function buildPatchGan(spec: PatchGanSpec, name = 'discriminator'): tfl.LayersModel {
  if (spec.conditionShape.length !== 3) throw new NetworkError(`the PatchGAN needs [h, w, c] images; got [${spec.conditionShape}]`);
  const [h, w, c] = spec.conditionShape;
  const condition = tfl.input({ shape: [h, w, c], name: `${name}_condition` });
  const image = tfl.input({ shape: [h, w, spec.imageChannels], name: `${name}_image` });
  let x = tfl.layers.concatenate({ name: `${name}_pair` }).apply([condition, image]) as tfl.SymbolicTensor;
  const conv = (filters: number, strides: number, label: string) =>
    tfl.layers.conv2d({ filters, kernelSize: 4, strides, padding: 'same', name: `${name}_${label}` }).apply(x) as tfl.SymbolicTensor;
  for (let level = 0; level < spec.downsamplings; level++) {
    x = conv(spec.filters * 2 ** level, 2, `down${level}`);
    if (level > 0) x = tfl.layers.batchNormalization({ name: `${name}_down${level}_bn` }).apply(x) as tfl.SymbolicTensor;
    x = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tfl.SymbolicTensor;
  }
  x = conv(spec.filters * 2 ** spec.downsamplings, 1, 'flat');
  x = tfl.layers.batchNormalization({ name: `${name}_flat_bn` }).apply(x) as tfl.SymbolicTensor;
  x = tfl.layers.leakyReLU({ alpha: 0.2 }).apply(x) as tfl.SymbolicTensor;
  const score = conv(1, 1, 'score');
  return tfl.model({ inputs: [condition, image], outputs: score, name });
}
