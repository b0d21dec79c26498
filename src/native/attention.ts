/**
 * Self-attention's map, softmax(q kᵀ), and its gradient as native kernels, on queries and
 * keys side by side: qk [batch, m, 2d], q = qk[..., :d], k = qk[..., d:] (the layer's one
 * product of its two projections, read in place: no split, and no concat of the gradient).
 *
 * `GankitAttentionSoftmax(qk)` builds each image's scores in cache and passes them straight
 * to softmax (csrc/addon.cc), so the [batch, m, m] scores are never stored: a SAGAN step
 * builds five [64, 196, 196] maps. Its gradient is `GankitAttentionBackward(dy, y, qk)` →
 * dqk: the softmax gradient dS, image by image, taken at once to q (dS k) and k (dSᵀ q),
 * dS never stored either. That kernel's own gradient is composed from TF.js ops and
 * `GankitAttentionSoftmaxGrad(dy, y, qk)` (dS alone, as a tensor), whose gradient
 * recomputes the scores from qk: second order (a penalty on an attention critic) stays
 * exact, as for GankitSoftmaxGrad. Other backends have no such kernels:
 * src/nn/self-attention.ts composes the map there.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import type { NativeBackend } from './backend.js';
import { logitsGradient, softmaxGradValues } from './softmax-grad.js';

export const ATTENTION_SOFTMAX = 'GankitAttentionSoftmax';
export const ATTENTION_SOFTMAX_GRAD = 'GankitAttentionSoftmaxGrad';
export const ATTENTION_BACKWARD = 'GankitAttentionBackward';

/** [batch, m, d] of qk [batch, m, 2d]; throws on any other shape. */
function dims(kernel: string, qk: TensorInfo): [number, number, number] {
  const [batch, m, dd] = qk.shape;
  if (qk.shape.length !== 3 || dd % 2 !== 0 || dd === 0) throw new Error(`${kernel}: qk is [batch, m, 2d], got [${qk.shape}]`);
  return [batch, m, dd / 2];
}

function values(backend: NativeBackend, t: TensorInfo): Float32Array {
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
}

function attentionSoftmaxKernel(addon: NativeAddon): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as NativeBackend;
    const qk = args.inputs.qk as TensorInfo;
    const [batch, m, d] = dims(ATTENTION_SOFTMAX, qk);
    const shape = [batch, m, m];
    if (batch * m === 0) return backend.makeTensorInfo(shape, 'float32', new Float32Array(0));
    const out = backend.pool.alloc(batch * m * m);
    addon.attentionSoftmax(values(backend, qk), out, batch, m, d);
    return backend.makeTensorInfo(shape, 'float32', out);
  };
}

function attentionBackwardKernel(addon: NativeAddon): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as NativeBackend;
    const { dy, y, qk } = args.inputs as Record<string, TensorInfo>;
    const [batch, m, d] = dims(ATTENTION_BACKWARD, qk);
    if (backend.isZero(dy)) return backend.zeroOutput(qk.shape.slice());
    const out = backend.pool.alloc(batch * m * 2 * d);
    if (batch * m > 0) addon.attentionBackward(values(backend, dy), values(backend, y), values(backend, qk), out, batch, m, d);
    return backend.makeTensorInfo(qk.shape.slice(), 'float32', out);
  };
}

/** softmax(q kᵀ) over the last axis, qk [b, m, 2d] holding q then k → [b, m, m]. */
export function attentionSoftmax(qk: Tensor): Tensor {
  return tf.engine().runKernel(ATTENTION_SOFTMAX, { qk }, {} as NamedAttrMap) as Tensor;
}

/** The gradient of the scores q kᵀ given dy, the gradient of y = softmax(q kᵀ). */
function attentionSoftmaxGrad(dy: Tensor, y: Tensor, qk: Tensor): Tensor {
  return tf.engine().runKernel(ATTENTION_SOFTMAX_GRAD, { dy, y, qk }, {} as NamedAttrMap) as Tensor;
}

/** q and k of qk, and the scores q kᵀ: for the composed second-order gradients only. */
function split(qk: Tensor): { q: Tensor; k: Tensor; scores: Tensor } {
  const [q, k] = tf.split(qk, 2, 2);
  return { q, k, scores: tf.matMul(q, k, false, true) };
}

const attentionGradient: GradConfig = {
  kernelName: ATTENTION_SOFTMAX,
  inputsToSave: ['qk'],
  outputsToSave: [true],
  gradFunc: (dy, saved) => {
    const [qk, y] = saved;
    return { qk: () => tf.engine().runKernel(ATTENTION_BACKWARD, { dy: dy as Tensor, y, qk }, {} as NamedAttrMap) as Tensor };
  },
};

/**
 * Gradient of dqk = [dS k, dSᵀ q], dS = the softmax gradient at the scores, given
 * g = [gq, gk]: directly dS gk for q and dSᵀ gq for k; through dS, whose gradient is
 * gq kᵀ + q gkᵀ, as GankitAttentionSoftmaxGrad's gradient takes it on.
 */
const attentionBackwardGradient: GradConfig = {
  kernelName: ATTENTION_BACKWARD,
  inputsToSave: ['dy', 'y', 'qk'],
  gradFunc: (ddqk, saved) => {
    const [dy, y, qk] = saved;
    const [gq, gk] = tf.split(ddqk as Tensor, 2, 2);
    const { q, k, scores } = split(qk);
    const dS = attentionSoftmaxGrad(dy, y, qk);
    const gS = tf.add(tf.matMul(gq, k, false, true), tf.matMul(q, gk, false, true));
    const gScores = logitsGradient(gS, dy, scores);
    return {
      dy: () => attentionSoftmaxGrad(gS, y, qk),
      y: () => tf.zerosLike(y),
      qk: () => tf.concat([
        tf.add(tf.matMul(dS, gk), tf.matMul(gScores, k)),
        tf.add(tf.matMul(dS, gq, true, false), tf.matMul(gScores, q, true, false)),
      ], 2),
    };
  },
};

/**
 * Gradient of dS(dy, y, qk) = the softmax gradient at the scores x = q kᵀ, given g: linear
 * in dy (the kernel again); y is a constant here; q and k through x, as GankitSoftmaxGrad's
 * logits (scores recomputed).
 */
const attentionGradGradient: GradConfig = {
  kernelName: ATTENTION_SOFTMAX_GRAD,
  inputsToSave: ['dy', 'y', 'qk'],
  gradFunc: (ddx, saved) => {
    const g = ddx as Tensor;
    const [dy, y, qk] = saved;
    const { q, k, scores } = split(qk);
    const gScores = logitsGradient(g, dy, scores);
    return {
      dy: () => attentionSoftmaxGrad(g, y, qk),
      y: () => tf.zerosLike(y),
      qk: () => tf.concat([tf.matMul(gScores, k), tf.matMul(gScores, q, true, false)], 2),
    };
  },
};

export function attentionKernelConfigs(addon: NativeAddon, backendName: string): tf.KernelConfig[] {
  return [
    { kernelName: ATTENTION_SOFTMAX, backendName, kernelFunc: attentionSoftmaxKernel(addon) },
    { kernelName: ATTENTION_SOFTMAX_GRAD, backendName, kernelFunc: softmaxGradValues(addon) },
    { kernelName: ATTENTION_BACKWARD, backendName, kernelFunc: attentionBackwardKernel(addon) },
  ];
}

let registered = false;

/** Registers the kernels' gradients (idempotent). */
export function registerNativeAttentionGradients(): void {
  if (registered) return;
  registered = true;
  tf.registerGradient(attentionGradient);
  tf.registerGradient(attentionBackwardGradient);
  tf.registerGradient(attentionGradGradient);
}
