import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { ReplayBuffer } from '../../src/nn/replay-buffer.js';
import { Rng } from '../../src/train/rng.js';

/** A batch of 1×1×1 "images" whose single pixel is an id, so we can track them. */
const ids = (values: number[]) => tf.tensor4d(values, [values.length, 1, 1, 1]);

test('until full, the buffer stores every image and returns the batch unchanged', async () => {
  await initBackend('cpu');
  const buffer = new ReplayBuffer(5, [1, 1, 1]);
  const rng = new Rng(1);
  const first = ids([1, 2, 3]);
  const out = buffer.query(first, rng);
  assert.deepEqual(Array.from(out.dataSync()), [1, 2, 3]);
  assert.equal(buffer.size, 3);
  const second = ids([4, 5]);
  const out2 = buffer.query(second, rng);
  assert.deepEqual(Array.from(out2.dataSync()), [4, 5]);
  const c = buffer.contents();
  assert.deepEqual(Array.from(c.dataSync()), [1, 2, 3, 4, 5]);
  tf.dispose([first, out, second, out2, c]);
  buffer.dispose();
});

test('once full, each image is swapped for a stored one with probability ½, and the new one is kept', async () => {
  await initBackend('cpu');
  const capacity = 50;
  const buffer = new ReplayBuffer(capacity, [1, 1, 1]);
  const rng = new Rng(7);
  const fill = ids(Array.from({ length: capacity }, (_, i) => i));
  tf.dispose([fill, buffer.query(fill, rng)]);
  let next = 1000;
  let swapped = 0;
  let total = 0;
  // One image per query, so each query's outcome can be checked on its own.
  for (let round = 0; round < 400; round++) {
    const before = new Set(Array.from(buffer.contents().dataSync()));
    const batchIds = [next++];
    const batch = ids(batchIds);
    const out = Array.from(buffer.query(batch, rng).dataSync());
    const after = Array.from(buffer.contents().dataSync());
    assert.equal(after.length, capacity, 'the buffer never grows beyond its capacity');
    out.forEach((v, i) => {
      total++;
      if (v === batchIds[i]) {
        return; // passed through unchanged
      }
      swapped++;
      // A returned image that is not the new one is an old one from the buffer...
      assert.ok(before.has(v), `returned ${v}, which was never stored`);
      // ...and the new image took its place.
      assert.ok(after.includes(batchIds[i]), `new image ${batchIds[i]} was not stored`);
      assert.ok(!after.includes(v), `returned ${v} but kept it too`);
    });
    // Images passed through are not stored.
    out.forEach((v, i) => {
      if (v === batchIds[i]) assert.ok(!after.includes(v));
    });
    tf.dispose([batch]);
  }
  const share = swapped / total;
  assert.ok(Math.abs(share - 0.5) < 0.07, `old images returned for ${(share * 100).toFixed(1)}% of queries`);
  // A whole batch at once: nothing is lost or duplicated; what went in is either returned or stored.
  const before = Array.from(buffer.contents().dataSync());
  const batchIds = Array.from({ length: 20 }, () => next++);
  const batch = ids(batchIds);
  const out = Array.from(buffer.query(batch, rng).dataSync());
  const after = Array.from(buffer.contents().dataSync());
  const sorted = (a: number[]) => [...a].sort((x, y) => x - y);
  assert.deepEqual(sorted([...out, ...after]), sorted([...before, ...batchIds]));
  tf.dispose(batch);
  buffer.dispose();
});

test('the buffer state lives in model weights, so a checkpoint restores it', async () => {
  await initBackend('cpu');
  const a = new ReplayBuffer(4, [1, 1, 1], 'replay_a');
  const batch = ids([9, 8, 7]);
  tf.dispose(a.query(batch, new Rng(1)));
  const b = new ReplayBuffer(4, [1, 1, 1], 'replay_a');
  const weights = a.model.getWeights();
  b.model.setWeights(weights);
  assert.equal(b.size, 3);
  assert.deepEqual(Array.from(b.contents().dataSync()), [9, 8, 7]);
  // The same rng after restore gives the same answer as the original would.
  const q = ids([1, 2, 3]);
  assert.deepEqual(Array.from(a.query(q, new Rng(5)).dataSync()), Array.from(b.query(q, new Rng(5)).dataSync()));
  const json = a.model.toJSON(null, false) as object;
  const restored = await tfl.models.modelFromJSON({ modelTopology: json } as never);
  assert.equal(restored.getWeights().length, 2);
  tf.dispose([batch, q]);
  a.dispose();
  b.dispose();
});
