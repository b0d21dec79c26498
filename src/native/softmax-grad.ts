/**
 * The gradient of Softmax as one kernel on the `native` backend.
 *
 * gankit's Softmax gradient (src/backend/gradients.ts) saves the logits and recomputes
 * softmax from them (it cannot use the saved output: that breaks second order), then
 * composes dy·y − Σ(dy·y)·y from four more kernels: six full passes over the map. A SAGAN
 * step differentiates four [64, 196, 196] attention maps, and that chain took a fifth of
 * the step. Here it is `GankitSoftmaxGrad(dy, y, logits)`: one pass over dy and the
 * forward pass's own output y. Its gradient treats y as a constant input (zero gradient)
 * and puts the whole derivative, through softmax(logits), on the logits, so second order
 * (a penalty on an attention critic) stays exact wherever the engine recorded y. On any
 * other backend the composed gradient runs unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
// Registers TF.js's own gradients (tfjs-core's Node bundle has none), which these override.
import '@tensorflow/tfjs-layers';
import type { GradConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import type { KernelBackend } from './kernel-backend.js';

export const SOFTMAX_GRAD = 'GankitSoftmaxGrad';

/** The same formula in JavaScript, for values the addon does not take (not float32). */
function jsSoftmaxGrad(y: ArrayLike<number>, dy: ArrayLike<number>, cols: number): Float32Array {
  const out = new Float32Array(y.length);
  for (let r = 0; r < y.length; r += cols) {
    let t = 0;
    for (let c = r; c < r + cols; c++) t += dy[c] * y[c];
    for (let c = r; c < r + cols; c++) out[c] = dy[c] * y[c] - t * y[c];
  }
  return out;
}

/** The kernel: reads dy and y only (of whatever other inputs a caller's gradient needs). */
export function softmaxGradValues(addon: NativeAddon): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as KernelBackend;
    const dy = args.inputs.dy as TensorInfo, y = args.inputs.y as TensorInfo;
    if (backend.isZero(dy)) return backend.zeroOutput(y.shape);
    const n = tf.util.sizeFromShape(y.shape);
    const cols = y.shape[y.shape.length - 1];
    if (n === 0) return backend.makeTensorInfo(y.shape.slice(), 'float32', new Float32Array(0));
    const dyv = backend.data.get(dy.dataId).values, yv = backend.data.get(y.dataId).values;
    let out: Float32Array;
    if (dyv instanceof Float32Array && yv instanceof Float32Array && dyv.length === n && yv.length === n) {
      out = backend.pool.alloc(n);
      addon.softmaxGrad(yv, dyv, out, n / cols, cols);
    } else {
      out = jsSoftmaxGrad(yv as ArrayLike<number>, dyv as ArrayLike<number>, cols);
    }
    return backend.makeTensorInfo(y.shape.slice(), 'float32', out);
  };
}

/**
 * The gradient of y = softmax(logits) over the last axis, given dy; y's values are used,
 * the derivative of the result flows to the logits alone.
 */
export function softmaxGrad(dy: Tensor, y: Tensor, logits: Tensor): Tensor {
  return tf.engine().runKernel(SOFTMAX_GRAD, { dy, y, logits }, {} as NamedAttrMap) as Tensor;
}

/**
 * The derivative through the logits x of dx = y⊙(dy − s), s = Σ dy⊙y, y = softmax(x),
 * given g (the gradient of dx): ∂s/∂x = y⊙u with u = dy − s, which gives
 * y⊙(g⊙u − Σ g⊙y⊙u − u·Σ g⊙y). Softmax is recomputed from x, so that a derivative of
 * this one reaches x too.
 */
export function logitsGradient(g: Tensor, dy: Tensor, x: Tensor): Tensor {
  const last = x.rank - 1;
  const y = tf.softmax(x);
  const u = tf.sub(dy, tf.sum(tf.mul(dy, y), last, true));
  const gy = tf.mul(g, y);
  const a = tf.sum(tf.mul(gy, u), last, true), b = tf.sum(gy, last, true);
  return tf.mul(y, tf.sub(tf.sub(tf.mul(g, u), a), tf.mul(u, b)));
}

/**
 * dx is linear in dy through the symmetric Jacobian diag(y) − y yᵀ, so the dy part is this
 * kernel applied to g; y is a constant input (zero gradient); the logits take the rest.
 */
const softmaxGradGradient: GradConfig = {
  kernelName: SOFTMAX_GRAD,
  inputsToSave: ['dy', 'y', 'logits'],
  gradFunc: (ddx, saved) => {
    const g = ddx as Tensor;
    const [dy, y, x] = saved;
    return {
      dy: () => softmaxGrad(g, y, x),
      y: () => tf.zerosLike(y),
      logits: () => logitsGradient(g, dy, x),
    };
  },
};

export function softmaxGradKernelConfig(addon: NativeAddon, backendName: string): tf.KernelConfig {
  return { kernelName: SOFTMAX_GRAD, backendName, kernelFunc: softmaxGradValues(addon) };
}

let registered = false;

/**
 * Registers the kernel's gradient and routes Softmax's gradient through it while
 * `backendName` runs (idempotent; after gankit's own Softmax gradient, which it wraps and
 * which runs everywhere else). The Softmax gradient now also saves the output y; gankit's
 * own reads only the logits, saved first.
 */
export function registerNativeSoftmaxGradient(backendName: string): void {
  if (registered) return;
  registered = true;
  tf.registerGradient(softmaxGradGradient);
  const original = tf.getGradient(tf.Softmax);
  if (!original || original.inputsToSave?.[0] !== 'logits') throw new Error('gankit native: Softmax must save its logits (src/backend/gradients.ts)');
  tf.registerGradient({
    ...original,
    outputsToSave: [true],
    gradFunc: (dy, saved, attrs) => {
      const [logits, y] = saved;
      if (tf.getBackend() !== backendName || logits.rank === 0 || y === undefined) return original.gradFunc(dy, saved, attrs);
      const dim = tf.util.parseAxisParam(attrs.dim as number, logits.shape)[0];
      if (dim !== logits.rank - 1) return original.gradFunc(dy, saved, attrs);
      return { logits: () => softmaxGrad(dy as Tensor, y, logits) };
    },
  });
}
