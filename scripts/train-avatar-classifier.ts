/**
 * Trains the avatar attribute classifier (src/metrics/avatar-classifier.ts) on the bundled
 * avatars and their tags, and writes it to assets/avatar-classifier/ (TF.js Layers format +
 * record.json with the held-out accuracy of each attribute group).
 *
 *   npx tsx scripts/train-avatar-classifier.ts [--count 10000] [--epochs 20] [--seed 1] [--backend native]
 *
 * Split: avatars 0..count−1001 train, the last 1,000 are held out and only scored. Training
 * images are mirrored at random (the tags do not depend on the side). Inputs are the 64×64
 * avatars resized to 32×32 the way extractFeatures resizes samples.
 */
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend, type BackendRequest } from '../src/backend/index.js';
import { prepareDataset, loadDataset } from '../src/data/index.js';
import type { ByteImageDataset } from '../src/data/byte-images.js';
import { Rng } from '../src/train/rng.js';
import { AVATAR_ATTRIBUTES, AVATAR_CLASSIFIER_INPUT, AVATAR_FEATURE_DIM, attributeAccuracy, attributeTargets, buildAvatarClassifierNet } from '../src/metrics/avatar-classifier.js';

function flag(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const count = Number(flag('count', '10000'));
const epochs = Number(flag('epochs', '20'));
const seed = Number(flag('seed', '1'));
const backend = flag('backend', 'native');
const outDir = flag('out', 'assets/avatar-classifier');
const batchSize = 64;
const learningRate = 1e-3;
const heldOut = 1000;
const [S] = AVATAR_CLASSIFIER_INPUT;

async function main(): Promise<void> {
  await initBackend(backend as BackendRequest);
  const spec = count === 10000 ? 'avatars' : `avatars:${count}`;
  await prepareDataset(spec, { resolution: 64 });
  const data = loadDataset(spec, { resolution: 64 }) as ByteImageDataset;
  const tagNames = data.tagNames as readonly string[];
  const w = AVATAR_ATTRIBUTES.length;
  // All images at 32×32 in [0, 1], and their attribute targets.
  const per = S * S * 3;
  const x = new Float32Array(count * per);
  const y = new Float32Array(count * w);
  for (let s = 0; s < count; s += 500) {
    const m = Math.min(500, count - s);
    const small = tf.tidy(() => {
      const big = tf.div(tf.tensor4d(data.pixels.subarray(s * 64 * 64 * 3, (s + m) * 64 * 64 * 3), [m, 64, 64, 3], 'float32'), 255) as tf.Tensor4D;
      return tf.image.resizeBilinear(big, [S, S], true).dataSync() as Float32Array;
    });
    x.set(small, s * per);
  }
  for (let i = 0; i < count; i++) {
    const row = data.tags!.subarray(i * tagNames.length, (i + 1) * tagNames.length);
    y.set(attributeTargets(tagNames.filter((_, j) => row[j] === 1)), i * w);
  }
  const trainCount = count - heldOut;
  const predict = (model: tfl.LayersModel, from: number, to: number) => {
    const out = new Float32Array((to - from) * w);
    for (let s = from; s < to; s += 500) {
      const e = Math.min(to, s + 500);
      const p = tf.tidy(() => (model.predict(tf.tensor4d(x.subarray(s * per, e * per), [e - s, S, S, 3])) as tf.Tensor).dataSync() as Float32Array);
      out.set(p, (s - from) * w);
    }
    return out;
  };

  const model = buildAvatarClassifierNet(seed);
  model.compile({ optimizer: tf.train.adam(learningRate), loss: 'binaryCrossentropy' });
  const rng = new Rng(seed);
  const order = Array.from({ length: trainCount }, (_, i) => i);
  const started = Date.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let i = trainCount - 1; i > 0; i--) {
      const j = rng.int(i + 1);
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    let batches = 0;
    for (let s = 0; s + batchSize <= trainCount; s += batchSize) {
      const xb = new Float32Array(batchSize * per);
      const yb = new Float32Array(batchSize * w);
      for (let b = 0; b < batchSize; b++) {
        const k = order[s + b];
        const flip = rng.uniform() < 0.5;
        for (let r = 0; r < S; r++) {
          for (let c = 0; c < S; c++) {
            const from = k * per + (r * S + (flip ? S - 1 - c : c)) * 3;
            xb.set(x.subarray(from, from + 3), b * per + (r * S + c) * 3);
          }
        }
        yb.set(y.subarray(k * w, (k + 1) * w), b * w);
      }
      const xt = tf.tensor4d(xb, [batchSize, S, S, 3]);
      const yt = tf.tensor2d(yb, [batchSize, w]);
      const result = await model.trainOnBatch(xt, yt);
      tf.dispose([xt, yt]);
      lossSum += Array.isArray(result) ? result[0] : result;
      batches++;
    }
    const acc = attributeAccuracy(predict(model, trainCount, count), y.subarray(trainCount * w));
    console.log(`epoch ${epoch + 1}/${epochs}: loss ${(lossSum / batches).toFixed(4)}, held out: ${Object.entries(acc).map(([k, v]) => `${k} ${v.toFixed(3)}`).join(', ')} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
  }
  const heldOutAccuracy = attributeAccuracy(predict(model, trainCount, count), y.subarray(trainCount * w));
  const trainAccuracy = attributeAccuracy(predict(model, 0, trainCount), y.subarray(0, trainCount * w));

  mkdirSync(outDir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      if (!weightData || !artifacts.weightSpecs || !artifacts.modelTopology) throw new Error('the model produced no weights to save');
      const bytes = Array.isArray(weightData) ? weightData.map((b) => new Uint8Array(b)) : [new Uint8Array(weightData)];
      const modelJson = {
        format: 'layers-model',
        generatedBy: `gankit scripts/train-avatar-classifier.ts (TF.js ${tf.version_core})`,
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
  const record = {
    heldOutAccuracy,
    heldOutCount: heldOut,
    trainCount,
    trainAccuracy,
    attributes: AVATAR_ATTRIBUTES,
    featureDim: AVATAR_FEATURE_DIM,
    seed,
    epochs,
    batchSize,
    learningRate,
    trainingSeconds: Math.round((Date.now() - started) / 1000),
    backend: tf.getBackend(),
    command: `npx tsx scripts/train-avatar-classifier.ts --count ${count} --epochs ${epochs} --seed ${seed} --backend ${backend}`,
    architecture: 'conv3x3 s2 32, 64, 128 (ReLU), flatten, dense128-relu (features), dense16-sigmoid (attributes); 32×32 RGB input in [0, 1]; random mirroring',
  };
  writeFileSync(join(outDir, 'record.json'), JSON.stringify(record, null, 2) + '\n');
  console.log(`held-out accuracy ${JSON.stringify(heldOutAccuracy)} on ${heldOut} avatars; wrote ${outDir}`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
