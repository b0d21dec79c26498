import * as tfl from '@tensorflow/tfjs-layers';
import { NetworkError } from './types.js';

export interface CycleGanSpec {
  /** Shape of one image, [h, w, c]. */
  imageShape: readonly number[];
  /** Feature maps of the first conv; the later layers use twice as many. */
  filters: number;
}

/**
 * A small image-to-image generator for 28×28 digits, in the spirit of CycleGAN's
 * (Zhu et al. 2017) but at full resolution throughout: two 3×3 convs with LeakyReLU(0.2)
 * (a 5×5 receptive field, enough to thicken or thin a stroke), then a skip connection
 * that hands the input image to the last 3×3 conv, whose tanh gives the output. The skip
 * makes "change little" easy to learn, which the cycle and identity losses ask for.
 */
export function buildTranslator(spec: CycleGanSpec, name: string): tfl.LayersModel {
  const [h, w, c] = spec.imageShape;
  if (spec.imageShape.length !== 3) throw new NetworkError(`cyclegan needs [h, w, c] images; got [${spec.imageShape}]`);
  const f = spec.filters;
  const x = tfl.input({ shape: [h, w, c], name: `${name}_image` });
  const conv = (filters: number, activation: 'linear' | 'tanh' = 'linear') => tfl.layers.conv2d({ filters, kernelSize: 3, padding: 'same', activation });
  const lrelu = () => tfl.layers.leakyReLU({ alpha: 0.2 });
  const h1 = lrelu().apply(conv(f).apply(x)) as tfl.SymbolicTensor;
  const h2 = lrelu().apply(conv(f).apply(h1)) as tfl.SymbolicTensor;
  const skip = tfl.layers.concatenate().apply([h2, x]) as tfl.SymbolicTensor;
  const out = conv(c, 'tanh').apply(skip) as tfl.SymbolicTensor;
  return tfl.model({ inputs: x, outputs: out, name });
}

/**
 * A PatchGAN discriminator (Isola et al. 2017) for small images: two stride-2 convs with
 * LeakyReLU(0.2), then a 3×3 conv to one score per patch ([h/4, w/4, 1] scores).
 */
export function buildPatchDiscriminator(spec: CycleGanSpec, name: string): tfl.LayersModel {
  const f = spec.filters;
  return tfl.sequential({
    name,
    layers: [
      tfl.layers.conv2d({ filters: f, kernelSize: 4, strides: 2, padding: 'same', inputShape: [...spec.imageShape] }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.conv2d({ filters: 2 * f, kernelSize: 4, strides: 2, padding: 'same' }),
      tfl.layers.leakyReLU({ alpha: 0.2 }),
      tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: 'same' }),
    ],
  });
}
