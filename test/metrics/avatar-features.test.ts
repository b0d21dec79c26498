import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../../src/backend/index.js';
import { loadFeatureExtractor, extractFeatures } from '../../src/metrics/feature-model.js';
import { loadAvatarClassifier, avatarAttributes, attributeAccuracy, attributeTargets, attributeShare, AVATAR_ATTRIBUTES, avatarClassifierDir } from '../../src/metrics/avatar-classifier.js';
import { featureEvaluation } from '../../src/train/evaluate-features.js';
import { avatarOptions, avatarTags, renderAvatarRgb } from '../../src/data/avatars.js';
import { prepareDataset, loadDataset } from '../../src/data/index.js';
import { Rng } from '../../src/train/rng.js';
import { MetricError } from '../../src/metrics/errors.js';

await initBackend('native');
process.env.GANKIT_CACHE = mkdtempSync(join(tmpdir(), 'gankit-avatar-cache-'));

/** Avatars the classifier never saw (it trained on 0..8999), as NHWC floats in [0, 1]. */
function freshAvatars(from: number, n: number, size: number): { images: Float32Array; tags: string[][] } {
  const images = new Float32Array(n * size * size * 3);
  const tags: string[][] = [];
  for (let i = 0; i < n; i++) {
    const o = avatarOptions(from + i);
    images.set(Array.from(renderAvatarRgb(o, size), (v) => v / 255), i * size * size * 3);
    tags.push(avatarTags(o));
  }
  return { images, tags };
}

test('avatars: the data set is deterministic, tagged, and its first avatars do not depend on the count', async () => {
  await prepareDataset('avatars:6', { resolution: 32 }, { quiet: true });
  await prepareDataset('avatars:3', { resolution: 32 }, { quiet: true });
  const six = loadDataset('avatars:6', { resolution: 32 });
  const three = loadDataset('avatars:3', { resolution: 32 });
  assert.deepEqual(six.shape, [32, 32, 3]);
  const px = (d: typeof six) => (d as unknown as { pixels: Uint8Array }).pixels;
  assert.deepEqual(px(three), px(six).subarray(0, 3 * 32 * 32 * 3));
  const b = six.sample(4, new Rng(2));
  const names = six.tagNames as string[];
  assert.ok(names.includes('red hair') && names.includes('glasses') && names.includes('long hair'));
  for (let i = 0; i < 4; i++) {
    const row = names.filter((_, j) => b.tags![i * names.length + j] === 1);
    assert.equal(row.filter((t) => / hair$/.test(t) && !/long|short/.test(t)).length, 1, `one hair colour: ${row}`);
    assert.equal(row.filter((t) => / skin$/.test(t)).length, 1);
  }
  assert.deepEqual(avatarTags(avatarOptions(5)), avatarTags(avatarOptions(5)));
});

test('avatar classifier: held-out avatars at 64×64 are read right (hair colour, skin, glasses, length)', async () => {
  const c = await loadAvatarClassifier();
  const { images, tags } = freshAvatars(20000, 40, 64);
  const probs = avatarAttributes(c, images, [64, 64, 3]);
  const targets = new Float32Array(40 * AVATAR_ATTRIBUTES.length);
  tags.forEach((t, i) => targets.set(attributeTargets(t), i * AVATAR_ATTRIBUTES.length));
  const acc = attributeAccuracy(probs, targets);
  assert.ok(acc['hair colour'] >= 0.9, JSON.stringify(acc));
  assert.ok(acc['skin tone'] >= 0.9 && acc.glasses >= 0.9 && acc['hair length'] >= 0.9, JSON.stringify(acc));
  const share = attributeShare(probs, 'long hair');
  assert.ok(Math.abs(share - tags.filter((t) => t.includes('long hair')).length / 40) <= 0.1);
  assert.throws(() => attributeShare(probs, 'hat'), MetricError);
});

test('eval --features: any Layers model.json, an inner layer, resizing and channel matching, no leak', async () => {
  const path = join(avatarClassifierDir(), 'model.json');
  const whole = await loadFeatureExtractor(path);
  assert.equal(whole.featureDim, AVATAR_ATTRIBUTES.length);
  const inner = await loadFeatureExtractor(path, { layer: 'features' });
  assert.equal(inner.featureDim, 128);
  const grey = new Float32Array(3 * 16 * 16).fill(0.5);
  const before = tf.memory().numTensors;
  const f = extractFeatures(inner, grey, [16, 16, 1]);
  assert.equal(tf.memory().numTensors, before);
  assert.equal(f.length, 3 * 128);
  const { images: real } = freshAvatars(30000, 12, 32);
  const { images: other } = freshAvatars(31000, 12, 32);
  const noise = Float32Array.from(other, (_, i) => new Rng(i).uniform());
  const same = featureEvaluation(inner, real, other, [32, 32, 3]);
  const far = featureEvaluation(inner, real, noise, [32, 32, 3]);
  // KID is unbiased, so it separates the sets at this small N where the Fréchet distance is mostly bias.
  assert.ok((far.kid_mean as number) > 1.5 * (same.kid_mean as number), `KID ${far.kid_mean} (noise) vs ${same.kid_mean} (avatars)`);
  await assert.rejects(loadFeatureExtractor('/nope/model.json'), /feature model not found/);
});
