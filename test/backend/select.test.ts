import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, BackendError } from '../../src/backend/index.js';

test('an unknown backend is a clear error naming the choices', async () => {
  await assert.rejects(() => initBackend('gpu' as never), (e: Error) => e instanceof BackendError && /unknown backend 'gpu'.*auto/.test(e.message));
});

test('tensorflow cannot be forced when tfjs-node is not installed, and the message says how', async () => {
  await assert.rejects(() => initBackend('tensorflow'), (e: Error) => e instanceof BackendError && /tfjs-node/.test(e.message));
});

test('cpu and wasm can be forced and report themselves', async () => {
  assert.equal((await initBackend('cpu')).name, 'cpu');
  assert.equal(tf.getBackend(), 'cpu');
  const w = await initBackend('wasm');
  assert.equal(w.name, 'wasm');
  assert.equal(tf.getBackend(), 'wasm');
});

test('auto picks a working backend and says why', async () => {
  const c = await initBackend('auto');
  assert.ok(['native', 'wasm', 'cpu', 'tensorflow'].includes(c.name));
  assert.match(c.reason, /fastest available/);
  assert.equal(tf.getBackend(), c.name);
});
