/**
 * Self-attention's map, softmax(q kᵀ), as one kernel on the `native` backend.
 *
 * `GankitAttentionSoftmax(q, k)` computes each image's scores in cache and passes them
 * straight to softmax (csrc/addon.cc), so the [batch, m, n] scores are never stored: a
 * SAGAN step builds five [64, 196, 196] maps. Its gradient is
 * `GankitAttentionSoftmaxGrad(dy, y, q, k)`, the softmax gradient from dy and the map y,
 * followed by the two products that take it to q and k. That kernel reads only dy and y;
 * q and k are there for its own gradient, which recomputes the scores from them, so
 * second order (a penalty on an attention critic) stays exact, as for GankitSoftmaxGrad.
 * Other backends have no such kernel: src/nn/self-attention.ts composes the map there.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import type { NativeBackend } from './backend.js';
import { logitsGradient, softmaxGradValues } from './softmax-grad.js';

export const ATTENTION_SOFTMAX = 'GankitAttentionSoftmax';
export const ATTENTION_SOFTMAX_GRAD = 'GankitAttentionSoftmaxGrad';

function attentionSoftmaxKernel(addon: NativeAddon): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as NativeBackend;
    const q = args.inputs.q as TensorInfo, k = args.inputs.k as TensorInfo;
    if (q.shape.length !== 3 || k.shape.length !== 3 || q.shape[0] !== k.shape[0] || q.shape[2] !== k.shape[2]) {
      throw new Error(`${ATTENTION_SOFTMAX}: q [b, m, d] and k [b, n, d], got [${q.shape}] and [${k.shape}]`);
    }
    const [batch, m, d] = q.shape, n = k.shape[1];
    const shape = [batch, m, n];
    const size = batch * m * n;
    if (n === 0 || size === 0) return backend.makeTensorInfo(shape, 'float32', new Float32Array(size));
    const raw = (t: TensorInfo) => {
      const v = backend.data.get(t.dataId).values;
      return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
    };
    const out = backend.pool.alloc(size);
    addon.attentionSoftmax(raw(q), raw(k), out, batch, m, n, d);
    return backend.makeTensorInfo(shape, 'float32', out);
  };
}

/** softmax(q kᵀ) over the last axis: q [b, m, d], k [b, n, d] → [b, m, n]. */
export function attentionSoftmax(q: Tensor, k: Tensor): Tensor {
  return tf.engine().runKernel(ATTENTION_SOFTMAX, { q, k }, {} as NamedAttrMap) as Tensor;
}

/** The gradient of the scores q kᵀ given dy, the gradient of y = softmax(q kᵀ). */
function attentionSoftmaxGrad(dy: Tensor, y: Tensor, q: Tensor, k: Tensor): Tensor {
  return tf.engine().runKernel(ATTENTION_SOFTMAX_GRAD, { dy, y, q, k }, {} as NamedAttrMap) as Tensor;
}

const attentionGradient: GradConfig = {
  kernelName: ATTENTION_SOFTMAX,
  inputsToSave: ['q', 'k'],
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [q, k, y] = saved;
    const dScores = attentionSoftmaxGrad(dy as Tensor, y, q, k);
    return {
      q: () => tf.matMul(dScores, k),
      k: () => tf.matMul(dScores, q, true, false),
    };
  },
};

/**
 * Gradient of dS(dy, y, q, k) = the softmax gradient at the scores x = q kᵀ, given g: linear
 * in dy (the kernel again); y is a constant here; q and k through x, as GankitSoftmaxGrad's
 * logits (scores recomputed).
 */
const attentionGradGradient: GradConfig = {
  kernelName: ATTENTION_SOFTMAX_GRAD,
  inputsToSave: ['dy', 'y', 'q', 'k'],
  gradFunc: (ddx, saved) => {
    const g = ddx as Tensor;
    const [dy, y, q, k] = saved;
    // shared by q's and k's closures, which the engine runs in separate scopes
    const dScores = logitsGradient(g, dy, tf.matMul(q, k, false, true));
    return {
      dy: () => attentionSoftmaxGrad(g, y, q, k),
      y: () => tf.zerosLike(y),
      q: () => tf.matMul(dScores, k),
      k: () => tf.matMul(dScores, q, true, false),
    };
  },
};

export function attentionKernelConfigs(addon: NativeAddon, backendName: string): tf.KernelConfig[] {
  return [
    { kernelName: ATTENTION_SOFTMAX, backendName, kernelFunc: attentionSoftmaxKernel(addon) },
    { kernelName: ATTENTION_SOFTMAX_GRAD, backendName, kernelFunc: softmaxGradValues(addon) },
  ];
}

let registered = false;

/** Registers the two kernels' gradients (idempotent). */
export function registerNativeAttentionGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient(attentionGradient);
  tf.registerGradient(attentionGradGradient);
}
