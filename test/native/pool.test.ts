/** The native backend's buffer pool reuses memory only where nothing can still see it. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import { BufferPool } from '../../src/native/pool.js';
import type { NativeBackend } from '../../src/native/backend.js';
import { NATIVE_DISABLED, requireNative } from './helpers.js';

const N = 4096;

describe('BufferPool', () => {
  it('reuses a released buffer of the same length', () => {
    const pool = new BufferPool();
    const a = pool.alloc(N);
    pool.adopt(a);
    pool.release(a);
    assert.equal(pool.alloc(N), a);
    assert.equal(pool.hits, 1);
  });

  it('never reuses an escaped buffer, a buffer a view aliases, or one it did not hand out', () => {
    const pool = new BufferPool();
    const read = pool.alloc(N);
    pool.adopt(read);
    pool.escape(read);
    pool.release(read);
    const viewed = pool.alloc(N);
    pool.adopt(viewed);
    pool.adopt(viewed.subarray(10, 20)); // a Slice-like view stored as other tensor data
    pool.release(viewed);
    const foreign = new Float32Array(N);
    pool.adopt(foreign);
    pool.release(foreign);
    const next = pool.alloc(N);
    assert.ok(next !== read && next !== viewed && next !== foreign);
    assert.equal(pool.hits, 0);
  });

  it('a small view of a pooled buffer still keeps that buffer from reuse; small arrays are never private', () => {
    const pool = new BufferPool();
    const parent = pool.alloc(N);
    pool.adopt(parent);
    pool.adopt(parent.subarray(0, 4)); // what the cpu Slice kernel stores: a 4-float view
    pool.release(parent);
    assert.notEqual(pool.alloc(N), parent, 'a buffer a small view aliases was reused');
    const small = pool.alloc(8);
    pool.adopt(small);
    assert.equal(pool.isPrivate(small), false, 'an on-heap-sized array must not be updated in place');
  });

  it('zeroes a reused buffer on request and respects its byte budget', () => {
    const pool = new BufferPool(N * 4);
    const a = pool.alloc(N);
    a.fill(7);
    pool.adopt(a);
    pool.release(a);
    assert.ok(pool.alloc(N, true).every((v) => v === 0));
    const b = pool.alloc(N), c = pool.alloc(N);
    pool.adopt(b);
    pool.adopt(c);
    pool.release(b);
    pool.release(c); // over budget: b gives way
    assert.equal(pool.pooledBytes, N * 4);
  });
});

describe('BufferPool eviction', () => {
  it('buffers of sizes not released lately give way to the current sizes', () => {
    const pool = new BufferPool(4 * N * 4);
    const stale = [pool.alloc(N), pool.alloc(N), pool.alloc(N)];
    stale.forEach((a) => pool.adopt(a));
    stale.forEach((a) => pool.release(a)); // an earlier model's buffers fill 3/4 of the budget
    const fresh = [pool.alloc(2 * N), pool.alloc(2 * N)];
    fresh.forEach((a) => pool.adopt(a));
    fresh.forEach((a) => pool.release(a)); // the current model's need 4/4
    assert.equal(pool.alloc(2 * N), fresh[1]);
    assert.equal(pool.alloc(2 * N), fresh[0]);
    assert.ok(pool.pooledBytes <= 4 * N * 4);
  });
});

describe('native backend with the pool', { skip: NATIVE_DISABLED }, () => {
  it('arrays read out with dataSync() and slices of disposed tensors keep their values', async () => {
    requireNative();
    await tf.setBackend('native');
    const backend = tf.backend() as unknown as NativeBackend;
    const x = tf.range(0, N, 1, 'float32');
    const y = tf.mul(x, 2);
    const seen = y.dataSync() as Float32Array;
    const expected = Float32Array.from(seen);
    const big = tf.add(x, 1);
    const slice = tf.slice(big, [100], [50]); // cpu's Slice returns a view of big's array
    const sliceExpected = Float32Array.from(slice.dataSync());
    y.dispose();
    big.dispose();
    const hitsBefore = backend.pool.hits;
    // churn: many outputs of the same length, which would land in freed buffers
    for (let i = 0; i < 20; i++) tf.tidy(() => tf.mul(tf.add(x, i), 3));
    assert.ok(backend.pool.hits > hitsBefore, 'the pool reused nothing');
    assert.deepEqual(seen, expected);
    assert.deepEqual(slice.dataSync(), sliceExpected);
    tf.dispose([x, slice]);
  });
});
