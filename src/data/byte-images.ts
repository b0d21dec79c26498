import type { Batch, Dataset } from './types.js';
import type { Rng } from '../core/rng.js';

/**
 * Images kept as bytes (a quarter of float32's memory), turned into model-space floats in
 * [-1, 1] one batch at a time.
 */
export interface ByteImageSet {
  name: string;
  /** [size, size, channels] */
  shape: [number, number, number];
  /** n × size × size × channels bytes, NHWC. */
  pixels: Uint8Array;
  labels?: Int32Array;
  classNames?: string[];
  /** n × tagNames.length, 1 where an image has the tag. */
  tags?: Uint8Array;
  tagNames?: string[];
  /** Random horizontal flips, one coin per drawn sample from the batch's rng. */
  mirror: boolean;
}

export interface ByteImageDataset extends Dataset {
  readonly kind: 'images';
  readonly pixels: Uint8Array;
  readonly labels?: Int32Array;
  readonly tags?: Uint8Array;
}

export function byteImageDataset(set: ByteImageSet): ByteImageDataset {
  const [h, w, c] = set.shape;
  const per = h * w * c;
  const size = Math.floor(set.pixels.length / per);
  const numTags = set.tagNames?.length ?? 0;
  const { pixels, labels, tags, mirror } = set;
  return {
    name: set.name,
    kind: 'images',
    shape: set.shape,
    size,
    pixels,
    ...(labels ? { labels, numClasses: set.classNames?.length, classNames: set.classNames } : {}),
    ...(tags && numTags > 0 ? { tags, tagNames: set.tagNames } : {}),
    sample(batchSize: number, rng: Rng): Batch {
      const x = new Float32Array(batchSize * per);
      const lab = labels ? new Int32Array(batchSize) : undefined;
      const tg = tags && numTags > 0 ? new Uint8Array(batchSize * numTags) : undefined;
      for (let i = 0; i < batchSize; i++) {
        const j = rng.int(size);
        const flip = mirror && rng.uniform() < 0.5;
        const src = j * per;
        const dst = i * per;
        if (!flip) {
          for (let k = 0; k < per; k++) x[dst + k] = pixels[src + k] / 127.5 - 1;
        } else {
          for (let y = 0; y < h; y++) {
            for (let xx = 0; xx < w; xx++) {
              const from = src + (y * w + (w - 1 - xx)) * c;
              const to = dst + (y * w + xx) * c;
              for (let k = 0; k < c; k++) x[to + k] = pixels[from + k] / 127.5 - 1;
            }
          }
        }
        if (lab && labels) lab[i] = labels[j];
        if (tg && tags) tg.set(tags.subarray(j * numTags, (j + 1) * numTags), i * numTags);
      }
      const b: Batch = { x };
      if (lab) b.labels = lab;
      if (tg) b.tags = tg;
      return b;
    },
  };
}
