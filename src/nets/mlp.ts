import * as tfl from '@tensorflow/tfjs-layers';
import type { GanNetworks, NetworkSpec } from './types.js';

function act(kind: 'relu' | 'leaky-relu'): tfl.layers.Layer {
  return kind === 'relu' ? tfl.layers.reLU() : tfl.layers.leakyReLU({ alpha: 0.2 });
}

/** Hidden widths of G and D: the reference workloads' unless the spec gives its own. */
export function mlpWidths(spec: NetworkSpec): { gHidden: number[]; dHidden: number[] } {
  const isPoints = spec.dataShape.length === 1;
  const gHidden = spec.hidden ?? (isPoints ? [512, 512, 512] : [256, 512, 1024]);
  const dHidden = spec.discriminatorHidden ?? (spec.hidden ? [...spec.hidden].reverse() : isPoints ? [512, 512, 512] : [512, 256]);
  return { gHidden, dHidden };
}

/**
 * Fully connected G and D. Defaults follow the reference workloads (WORKLOADS.md):
 * points: 2→512→512→512→2 with ReLU (wgangp-toy); images: 100→256→512→1024→784 with
 * LeakyReLU(0.2) and tanh out, D 784→512→256→1 (mlp-mnist). D outputs one raw score.
 */
export function buildMlp(spec: NetworkSpec): GanNetworks {
  const dataShape = [...spec.dataShape];
  const isPoints = dataShape.length === 1;
  const dataSize = dataShape.reduce((a, b) => a * b, 1);
  const activation = spec.activation ?? (isPoints ? 'relu' : 'leaky-relu');
  const { gHidden, dHidden } = mlpWidths(spec);

  const generator = tfl.sequential({ name: 'generator' });
  gHidden.forEach((units, i) => {
    generator.add(tfl.layers.dense(i === 0 ? { units, inputShape: [spec.latentDim] } : { units }));
    generator.add(act(activation));
  });
  generator.add(tfl.layers.dense({ units: dataSize, activation: isPoints ? 'linear' : 'tanh' }));
  if (!isPoints) generator.add(tfl.layers.reshape({ targetShape: dataShape }));

  const discriminator = tfl.sequential({ name: 'discriminator' });
  if (!isPoints) discriminator.add(tfl.layers.flatten({ inputShape: dataShape }));
  dHidden.forEach((units, i) => {
    discriminator.add(tfl.layers.dense(i === 0 && isPoints ? { units, inputShape: dataShape } : { units }));
    discriminator.add(act(activation));
  });
  discriminator.add(tfl.layers.dense({ units: 1 }));
  return { generator, discriminator, latentDim: spec.latentDim, dataShape };
}
