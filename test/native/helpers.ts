/** Shared by the native tests: run one computation on `cpu` and on `native`, compare. */
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { nativeInfo, registerNativeBackend } from '../../src/native/index.js';

export { Rng } from '../../bench/workloads.js';

/**
 * The native tests must not pass by skipping: on a machine with a compiler the addon is
 * built at install, so its absence fails here, unless GANKIT_NO_NATIVE=1 says deliberately.
 */
export const NATIVE_DISABLED = process.env.GANKIT_NO_NATIVE === '1';

export function requireNative(): void {
  if (NATIVE_DISABLED) return;
  const ok = registerNativeBackend();
  assert.ok(ok, `native addon not available: ${nativeInfo().reason}`);
}

export type Input = { shape: number[]; values: Float32Array | Int32Array | Uint8Array; dtype?: 'float32' | 'int32' | 'bool' };

export function input(shape: number[], values: Float32Array | Int32Array | Uint8Array, dtype?: Input['dtype']): Input {
  return { shape, values, dtype };
}

/** Runs f on `backend` with fresh tensors made from the inputs; returns the outputs' data. */
export async function runOn(backend: string, inputs: Input[], f: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[]): Promise<{ shape: number[]; dtype: string; data: Float32Array | Int32Array | Uint8Array }[]> {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const ts = inputs.map((i) => tf.tensor(i.values, i.shape, i.dtype ?? 'float32'));
  const out = tf.tidy(() => f(...ts));
  const list = Array.isArray(out) ? out : [out];
  const res = list.map((t) => ({ shape: t.shape, dtype: t.dtype, data: t.dataSync() as Float32Array | Int32Array | Uint8Array }));
  tf.dispose(list);
  tf.dispose(ts);
  assert.equal(tf.memory().numTensors, before, `${backend}: tensors leaked`);
  return res;
}

/** |a - b| <= atol + rtol * |b| elementwise, with NaN matching NaN. */
export function assertClose(actual: ArrayLike<number>, expected: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  let worst = 0, at = -1;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i], e = expected[i];
    if (Number.isNaN(e) || Number.isNaN(a)) {
      assert.ok(Number.isNaN(a) && Number.isNaN(e), `${what}: NaN mismatch at ${i}: ${a} vs ${e}`);
      continue;
    }
    if (a === e) continue;
    const excess = Math.abs(a - e) - (atol + rtol * Math.abs(e));
    if (excess > worst) {
      worst = excess;
      at = i;
    }
  }
  assert.ok(at < 0, `${what}: element ${at} is ${actual[at]}, expected ${expected[at]}`);
}

/** Runs f on cpu and native, asserts equal shapes, dtypes and close values. */
export async function compare(what: string, inputs: Input[], f: (...t: tf.Tensor[]) => tf.Tensor | tf.Tensor[], rtol = 1e-4, atol = 1e-5): Promise<void> {
  const want = await runOn('cpu', inputs, f);
  const got = await runOn('native', inputs, f);
  assert.equal(got.length, want.length);
  for (let i = 0; i < want.length; i++) {
    assert.deepEqual(got[i].shape, want[i].shape, `${what}: shape`);
    assert.equal(got[i].dtype, want[i].dtype, `${what}: dtype`);
    // scale the absolute tolerance by the output's magnitude (sums of many terms)
    let scale = 0;
    for (const v of want[i].data) if (Number.isFinite(v)) scale = Math.max(scale, Math.abs(v));
    assertClose(got[i].data, want[i].data, rtol, atol * Math.max(1, scale), `${what} [output ${i}]`);
  }
}
