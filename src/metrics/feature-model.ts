import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { MetricError } from './errors.js';
import { folderLoadHandler } from './classifier.js';

/** Any TF.js Layers model used as a feature extractor: images in, one feature row per image out. */
export interface FeatureExtractor {
  name: string;
  model: tfl.LayersModel;
  /** [h, w, c] the model takes. */
  inputShape: [number, number, number];
  featureDim: number;
  /** The pixel range the model expects. */
  range: [number, number];
}

/**
 * Loads model.json (and its weight files beside it) as a feature extractor. With `layer`,
 * the features are that layer's output (e.g. a pooling layer before a classifier head).
 */
export async function loadFeatureExtractor(path: string, opts: { layer?: string; range?: [number, number] } = {}): Promise<FeatureExtractor> {
  if (!existsSync(path)) throw new MetricError(`feature model not found: ${path} (give the model.json of a TF.js Layers model)`);
  if (!path.endsWith('.json')) throw new MetricError(`--features takes a TF.js Layers model.json; got ${path}`);
  let model: tfl.LayersModel;
  try {
    const full = await tfl.loadLayersModel(folderLoadHandler(dirname(path), path));
    model = opts.layer ? tfl.model({ inputs: full.inputs, outputs: full.getLayer(opts.layer).output as tfl.SymbolicTensor }) : full;
  } catch (e) {
    throw new MetricError(`${path} did not load as a TF.js Layers model: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
  const shape = model.inputs[0].shape;
  if (shape.length !== 4 || shape.slice(1).some((d) => d === null)) throw new MetricError(`${path}: the feature model must take images [N, H, W, C] of a fixed size; its input is [${shape.join(', ')}]`);
  const out = model.outputs[0].shape;
  const featureDim = out.slice(1).reduce<number>((a, d) => a * (d ?? 1), 1);
  return { name: path, model, inputShape: shape.slice(1) as [number, number, number], featureDim, range: opts.range ?? [0, 1] };
}

/**
 * Features of NHWC images in [0, 1]: resized (bilinear) to the model's input, grey repeated
 * to three channels or colour averaged to one as the model needs, mapped to its range.
 */
export function extractFeatures(ext: FeatureExtractor, images: Float32Array, shape: readonly [number, number, number], batchSize = 128): Float32Array {
  const [h, w, c] = shape;
  const [mh, mw, mc] = ext.inputShape;
  if (mc !== 1 && mc !== 3) throw new MetricError(`${ext.name} takes ${mc} channels; gankit's images have 1 or 3`);
  const per = h * w * c;
  const n = images.length / per;
  const out = new Float32Array(n * ext.featureDim);
  const [lo, hi] = ext.range;
  for (let s = 0; s < n; s += batchSize) {
    const m = Math.min(batchSize, n - s);
    const values = tf.tidy(() => {
      let x: tf.Tensor4D = tf.tensor4d(images.subarray(s * per, (s + m) * per), [m, h, w, c]);
      if (c === 1 && mc === 3) x = tf.tile(x, [1, 1, 1, 3]);
      if (c === 3 && mc === 1) x = tf.mean(x, 3, true);
      if (h !== mh || w !== mw) x = tf.image.resizeBilinear(x, [mh, mw], true);
      if (lo !== 0 || hi !== 1) x = tf.add(tf.mul(x, hi - lo), lo);
      return tf.reshape(ext.model.predict(x) as tf.Tensor, [m, ext.featureDim]).dataSync() as Float32Array;
    });
    out.set(values, s * ext.featureDim);
  }
  return out;
}
