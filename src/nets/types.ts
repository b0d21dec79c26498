import type * as tfl from '@tensorflow/tfjs-layers';

/** A generator and a discriminator built for one data shape. */
export interface GanNetworks {
  generator: tfl.LayersModel;
  discriminator: tfl.LayersModel;
  latentDim: number;
  /** Shape of one sample: [2] for points, [h, w, c] for images, [length, vocab] for text. */
  dataShape: number[];
}

export const MODEL_NAMES = ['mlp', 'dcgan', 'resnet', 'text-resnet'] as const;
export type ModelName = (typeof MODEL_NAMES)[number];

export interface NetworkSpec {
  model: ModelName;
  dataShape: readonly number[];
  latentDim: number;
  /** Hidden widths for mlp (G's; D mirrors it unless discriminatorHidden is given); for dcgan, G's channels per feature map (D mirrors them). */
  hidden?: number[];
  discriminatorHidden?: number[];
  /** Activation between MLP layers. */
  activation?: 'relu' | 'leaky-relu';
  /** Batch norm in G (dcgan default true). */
  batchNorm?: boolean;
}

export class NetworkError extends Error {
  override name = 'NetworkError';
}
