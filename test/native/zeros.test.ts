/**
 * Known zeros (NativeBackend.zeroOutput / isZero): kernels given data known to be zero skip
 * their work, with the same results as computing it; the mark never outlives the zeros.
 */
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { loadAddon } from '../../src/native/load.js';
import { NativeAdam } from '../../src/native/index.js';
import type { NativeBackend } from '../../src/native/backend.js';
import { NATIVE_DISABLED, Rng, requireNative } from './helpers.js';

const rng = new Rng(4242);

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number, what: string): void {
  assert.equal(a.length, b.length, `${what}: lengths`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  assert.ok(worst <= tol, `${what}: worst relative difference ${worst}`);
}

/** Gradient of a WGAN-GP critic loss (ReLU MLP) wrt its weights, on `backend`. */
async function criticGradients(backend: string, weights: Float32Array[], shapes: number[][], real: Float32Array, fake: Float32Array, alpha: Float32Array): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const vars = weights.map((w, i) => tf.variable(tf.tensor(w, shapes[i])));
  const critic = (x: tf.Tensor) => {
    let h = x;
    for (let l = 0; l < vars.length; l += 2) {
      h = tf.add(tf.matMul(h, vars[l]), vars[l + 1]);
      if (l + 2 < vars.length) h = tf.relu(h);
    }
    return h;
  };
  const r = tf.tensor2d(real, [32, 2]), f = tf.tensor2d(fake, [32, 2]), a = tf.tensor2d(alpha, [32, 1]);
  const { grads } = tf.variableGrads(() => {
    const xhat = tf.add(tf.mul(a, r), tf.mul(tf.sub(1, a), f));
    const g = tf.grad((x: tf.Tensor) => tf.sum(critic(x)))(xhat);
    const gp = tf.mean(tf.square(tf.sub(tf.sqrt(tf.sum(tf.square(g), 1)), 1)));
    return tf.add(tf.sub(tf.mean(critic(f)), tf.mean(critic(r))), tf.mul(10, gp)) as tf.Scalar;
  }, vars);
  const out = vars.map((v) => grads[v.name].dataSync() as Float32Array);
  tf.dispose([...Object.values(grads), r, f, a, ...vars]);
  return out;
}

/**
 * Runs `f` counting the buffers the pool hands out zero-filled (known zeros are filled only
 * when their values are read); `fills()` gives the count so far.
 */
async function countingZeroFills<T>(backend: NativeBackend, f: (fills: () => number) => T | Promise<T>): Promise<T> {
  const alloc = backend.pool.alloc.bind(backend.pool);
  let zeroFills = 0;
  backend.pool.alloc = (n: number, zero = false) => {
    if (zero) zeroFills++;
    return alloc(n, zero);
  };
  try {
    return await f(() => zeroFills);
  } finally {
    backend.pool.alloc = alloc;
  }
}

describe('native known zeros', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  before(() => requireNative());

  it('a gradient penalty through ReLUs skips the zero GEMMs and gives the cpu backend\'s gradients', async () => {
    const shapes = [[2, 64], [64], [64, 64], [64], [64, 64], [64], [64, 1], [1]];
    const weights = shapes.map((s) => rng.uniforms(s.reduce((p, q) => p * q, 1), -0.3, 0.3));
    const real = rng.uniforms(64, -1, 1), fake = rng.uniforms(64, -1, 1), alpha = rng.uniforms(32);
    const cpu = await criticGradients('cpu', weights, shapes, real, fake, alpha);
    await tf.setBackend('native');
    const backend = tf.backend() as NativeBackend;
    backend.zeroSkips = 0;
    // known zeros are filled only when read, and none is here
    const { native, zeroFills } = await countingZeroFills(backend, async (fills) => ({
      native: await criticGradients('native', weights, shapes, real, fake, alpha),
      zeroFills: fills(),
    }));
    // the ReLU masks' second derivative is zero: two 64x64 layers' GEMMs (dX and dW) at least
    assert.ok(backend.zeroSkips >= 4, `only ${backend.zeroSkips} kernel calls skipped`);
    assert.equal(zeroFills, 0, 'a known-zero buffer was filled though no kernel read it');
    native.forEach((g, i) => close(g, cpu[i], 1e-4, `gradient ${i}`));
  });

  it('zeros stay known through deferred gradient kernels: a layers critic computes only the GEMMs a penalty needs', async () => {
    await tf.setBackend('native');
    const init = (seed: number) => tfl.initializers.glorotUniform({ seed });
    // 2 -> 32 -> 32 -> 32 -> 1 with ReLU layers between: tfjs-layers' dense layers train as
    // _FusedMatMul with a customGrad gradient, whose kernels are deferred (deferred.ts)
    const critic = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 32, inputShape: [2], kernelInitializer: init(1) }), tfl.layers.reLU(),
        tfl.layers.dense({ units: 32, kernelInitializer: init(2) }), tfl.layers.reLU(),
        tfl.layers.dense({ units: 32, kernelInitializer: init(3) }), tfl.layers.reLU(),
        tfl.layers.dense({ units: 1, kernelInitializer: init(4) }),
      ],
    });
    const d = (x: tf.Tensor) => critic.apply(x, { training: true }) as tf.Tensor;
    const r = tf.tensor2d(rng.uniforms(32, -1, 1), [16, 2]), f = tf.tensor2d(rng.uniforms(32, -1, 1), [16, 2]);
    const a = tf.tensor2d(rng.uniforms(16), [16, 1]);
    const vars = critic.trainableWeights.map((w) => w.read() as tf.Variable);
    const loss = () => {
      const xhat = tf.add(tf.mul(a, r), tf.mul(tf.sub(1, a), f));
      const g = tf.grad((x: tf.Tensor) => tf.sum(d(x)))(xhat);
      const gp = tf.mean(tf.square(tf.sub(tf.sqrt(tf.sum(tf.square(g), 1)), 1)));
      return tf.add(tf.sub(tf.mean(d(f)), tf.mean(d(r))), tf.mul(10, gp)) as tf.Scalar;
    };
    const addon = loadAddon()!;
    const matmul = addon.matmul;
    let hidden = 0; // GEMMs with the 32x32 weights of layers 2 and 3 (M, N, K all >= 16)
    addon.matmul = ((...args: Parameters<typeof matmul>) => {
      const [, , , , m, n, k] = args;
      if (m >= 16 && n >= 16 && k >= 16) hidden++;
      return matmul(...args);
    }) as typeof matmul;
    try {
      const { grads } = tf.variableGrads(loss, vars);
      const got = vars.map((v) => grads[v.name].dataSync().slice());
      tf.dispose(Object.values(grads));
      // Per hidden layer: 3 forwards (x_hat, fake, real); the penalty's inner gradient
      // dX; for fake and real dX and dW; back through the inner dX = dY W^T both dY and W:
      // 3 + 1 + 4 + 2 = 10, 20 for the two. Deferring hid the zero mark of the ReLU masks'
      // second derivative from the next kernel, which then ran 2 more GEMMs on zeros.
      assert.equal(hidden, 20, 'hidden-layer GEMMs computed');
      // the same gradients as the cpu backend
      const weights = vars.map((v) => v.dataSync().slice());
      await tf.setBackend('cpu');
      const cpuVars = weights.map((w, i) => tf.variable(tf.tensor(w, vars[i].shape)));
      vars.forEach((v, i) => v.assign(cpuVars[i]));
      const cpu = tf.variableGrads(loss, vars);
      vars.forEach((v, i) => close(got[i], cpu.grads[v.name].dataSync(), 1e-4, `gradient ${i}`));
      tf.dispose([...Object.values(cpu.grads), cpu.value, ...cpuVars]);
    } finally {
      addon.matmul = matmul;
      await tf.setBackend('native');
      tf.dispose([r, f, a]);
      critic.dispose();
    }
  });

  it('known zeros read out are zeros, filled once on the first read', async () => {
    await tf.setBackend('native');
    const backend = tf.backend() as NativeBackend;
    await countingZeroFills(backend, (fills) => {
      // reuse a pooled buffer of garbage, so a fill that did not happen would show
      tf.dispose(tf.fill([40, 50], 7));
      const z = tf.engine().makeTensorFromTensorInfo(backend.makeZeros([40, 50]));
      assert.equal(fills(), 0, 'filled before it was read');
      const y = tf.add(z, tf.ones([40, 50])); // a known zero as an operand: answered without reading it
      assert.equal(fills(), 0, 'read by a kernel that knows it is zero');
      assert.ok((z.dataSync() as Float32Array).every((v) => v === 0), 'not zeros');
      assert.equal(fills(), 1);
      assert.ok((tf.relu(z).dataSync() as Float32Array).every((v) => v === 0));
      assert.equal(fills(), 1, 'filled twice');
      assert.ok((y.dataSync() as Float32Array).every((v) => v === 1));
      tf.dispose([z, y]);
    });
  });

  it('shortcuts give the shapes and values of the full kernels', async () => {
    await tf.setBackend('native');
    const x = tf.tensor2d(rng.uniforms(12, -1, 1), [3, 4]);
    const z = tf.zerosLike(x), zcol = tf.zerosLike(tf.zeros([3, 1])), w = tf.tensor2d(rng.uniforms(20), [4, 5]);
    const img = tf.tensor4d(rng.uniforms(150, -1, 1), [2, 5, 5, 3]), zimg = tf.zerosLike(img);
    const filter = tf.tensor4d(rng.uniforms(54, -1, 1), [3, 3, 3, 2]), zfilter = tf.zerosLike(filter);
    const zdy = tf.zerosLike(tf.zeros([2, 3, 3, 2]));
    const backend = tf.backend() as NativeBackend;
    const cases: Array<[string, tf.Tensor, number[], ArrayLike<number>]> = [
      ['matMul(0, w)', tf.matMul(z, w), [3, 5], new Float32Array(15)],
      ['add(0, x)', tf.add(z, x), [3, 4], x.dataSync()],
      ['sub(x, 0)', tf.sub(x, z), [3, 4], x.dataSync()],
      ['mul(0[3,1], x) broadcast', tf.mul(zcol, x), [3, 4], new Float32Array(12)],
      ['addN(0, x, 0)', tf.addN([z, x, z]), [3, 4], x.dataSync()],
      ['sum(0, axis 0, keepDims)', tf.sum(z, 0, true), [1, 4], new Float32Array(4)],
      ['sub(0, x)', tf.sub(z, x), [3, 4], Array.from(x.dataSync(), (v) => -v)],
    ];
    backend.zeroSkips = 0;
    const convCases: typeof cases = [
      ['conv2d(0, w)', tf.conv2d(zimg, filter, 2, 'same'), [2, 3, 3, 2], new Float32Array(36)],
      ['conv2d(x, 0)', tf.conv2d(img, zfilter, 1, 'valid'), [2, 3, 3, 2], new Float32Array(36)],
      ['conv2dTranspose(0, w)', tf.conv2dTranspose(zdy, filter, [2, 5, 5, 3], 2, 'same'), [2, 5, 5, 3], new Float32Array(150)],
      ['Conv2DBackpropFilter(x, 0)', tf.engine().runKernel('Conv2DBackpropFilter', { x: img, dy: zdy },
        { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [3, 3, 3, 2] }) as tf.Tensor, [3, 3, 3, 2], new Float32Array(54)],
    ];
    assert.equal(backend.zeroSkips, convCases.length, 'every convolution answered from the zero mark');
    for (const [name, t, shape, want] of [...cases, ...convCases]) {
      assert.deepEqual(t.shape, shape, `${name}: shape`);
      close(t.dataSync(), want, 0, name);
    }
    tf.dispose([x, z, zcol, w, img, zimg, filter, zfilter, zdy, ...[...cases, ...convCases].map((c) => c[1])]);
  });

  it('the mark is dropped when an optimizer updates the zeros in place', async () => {
    await tf.setBackend('native');
    const backend = tf.backend() as NativeBackend;
    // a variable that starts as a zerosLike output, trained in place by the fused Adam
    // (made in a tidy so that the variable holds the only reference: the in-place path)
    const v = tf.tidy(() => tf.variable(tf.zerosLike(tf.ones([8, 8]))));
    assert.ok(backend.isZero(v), 'a zerosLike output is marked');
    const target = tf.tensor2d(rng.uniforms(64, 1, 2), [8, 8]);
    const opt = new NativeAdam(0.1, 0.9, 0.999, 1e-8);
    for (let i = 0; i < 3; i++) tf.tidy(() => { opt.minimize(() => tf.sum(tf.square(tf.sub(v, target))) as tf.Scalar, false, [v]); });
    const eye = tf.eye(8);
    const product = tf.matMul(v, eye);
    close(product.dataSync(), v.dataSync(), 0, 'v · I after training');
    assert.ok(Math.abs(product.dataSync()[0]) > 0.1, 'v was trained away from zero');
    tf.dispose([v, target, eye, product]);
    opt.dispose();
  });
});
