import type { Rng } from '../core/rng.js';

/** What a training step draws from a data set. */
export interface Batch {
  /** Row-major samples in model space: points in data coordinates, images NHWC in [-1, 1]. */
  x: Float32Array;
  /** Class labels when the data set has them. */
  labels?: Int32Array;
  /** Multi-hot tags when the data set has them: [batch × tagNames.length], 1 where a sample has the tag. */
  tags?: Uint8Array;
}

/** Points in the plane, NHWC images in [-1, 1], or one-hot text sequences (src/data/text.ts). */
export type DataKind = 'points' | 'images' | 'text';

export interface Dataset {
  /** The name a user types (`ring8`, `mnist`, `idx:/path`). */
  readonly name: string;
  readonly kind: DataKind;
  /** Shape of one sample: [2] for points, [height, width, channels] for images, [length, vocab] for text. */
  readonly shape: readonly number[];
  /** Number of stored samples; Infinity for a sampler such as a toy mixture. */
  readonly size: number;
  /** Number of classes when labels exist. */
  readonly numClasses?: number;
  /** Class names in label order (image folders: the sub-folder names). */
  readonly classNames?: readonly string[];
  /** Tag names in the order of Batch.tags' columns, when the data set has tags. */
  readonly tagNames?: readonly string[];
  /** Every stored sample's tags, row-major [size × tagNames.length], where the data set holds them in memory. */
  readonly tags?: Uint8Array;
  /** Draws a batch; the same rng state gives the same batch. */
  sample(batchSize: number, rng: Rng): Batch;
}

/** A data set whose samples all live in memory (images, or a finite point set). */
export interface StoredDataset extends Dataset {
  /** All samples in model space, row-major. */
  readonly x: Float32Array;
  readonly labels?: Int32Array;
}

/** A 2D mixture of isotropic Gaussians: the toy data sets the mode metrics know. */
export interface MixtureDataset extends Dataset {
  readonly kind: 'points';
  /** Mode centres, [numModes][2]. */
  readonly modes: ReadonlyArray<readonly [number, number]>;
  /** Standard deviation of every mode. */
  readonly std: number;
}

export class DataError extends Error {
  override name = 'DataError';
}

export function sampleElementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
