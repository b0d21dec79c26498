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
 * exact, as for GankitSoftmaxGrad.
 *
 * `GankitAttentionApply(y, v, qk)` = y v, the map applied to the values; qk is an input it
 * does not read, so that its gradient, `GankitAttentionApplyBackward(dO, y, v, qk)` →
 * [dqk, dv], can go from dO through the map to qk in one kernel (dv = yᵀ dO, then each
 * image's dA = dO vᵀ turned into dS and taken to q and k in cache: dA never stored). The
 * map y itself then gets a zero gradient: its whole derivative is already in dqk.
 * Other backends have no such kernels: src/nn/self-attention.ts composes the map there.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import type { KernelBackend } from './kernel-backend.js';
import { logitsGradient, softmaxGradValues } from './softmax-grad.js';

export const ATTENTION_SOFTMAX = 'GankitAttentionSoftmax';
export const ATTENTION_SOFTMAX_GRAD = 'GankitAttentionSoftmaxGrad';
export const ATTENTION_BACKWARD = 'GankitAttentionBackward';
export const ATTENTION_APPLY = 'GankitAttentionApply';
export const ATTENTION_APPLY_BACKWARD = 'GankitAttentionApplyBackward';

/** [batch, m, d] of qk [batch, m, 2d]; throws on any other shape. */
function dims(kernel: string, qk: TensorInfo): [number, number, number] {
  const [batch, m, dd] = qk.shape;
  if (qk.shape.length !== 3 || dd % 2 !== 0 || dd === 0) throw new Error(`${kernel}: qk is [batch, m, 2d], got [${qk.shape}]`);
  return [batch, m, dd / 2];
}

function values(backend: KernelBackend, t: TensorInfo): Float32Array {
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : Float32Array.from(v as ArrayLike<number>);
}

function attentionSoftmaxKernel(addon: NativeAddon): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as KernelBackend;
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
    const backend = args.backend as unknown as KernelBackend;
    const { dy, y, qk } = args.inputs as Record<string, TensorInfo>;
    const [batch, m, d] = dims(ATTENTION_BACKWARD, qk);
    if (backend.isZero(dy)) return backend.zeroOutput(qk.shape.slice());
    const out = backend.pool.alloc(batch * m * 2 * d);
    if (batch * m > 0) addon.attentionBackward(values(backend, dy), values(backend, y), values(backend, qk), out, batch, m, d);
    return backend.makeTensorInfo(qk.shape.slice(), 'float32', out);
  };
}

function attentionApplyKernel(addon: NativeAddon): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as KernelBackend;
    const { y, v, qk } = args.inputs as Record<string, TensorInfo>;
    const [batch, m] = dims(ATTENTION_APPLY, qk);
    const c = v.shape[2];
    if (v.shape.length !== 3 || v.shape[0] !== batch || v.shape[1] !== m) throw new Error(`${ATTENTION_APPLY}: v is [${batch}, ${m}, c], got [${v.shape}]`);
    const out = backend.pool.alloc(batch * m * c);
    if (out.length > 0) addon.matmul(values(backend, y), values(backend, v), out, batch, m, c, m, false, false, m * m, m * c, null, -1, 0);
    return backend.makeTensorInfo(v.shape.slice(), 'float32', out);
  };
}

function attentionApplyBackwardKernel(addon: NativeAddon): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as KernelBackend;
    const { dO, y, v, qk } = args.inputs as Record<string, TensorInfo>;
    const [batch, m, d] = dims(ATTENTION_APPLY_BACKWARD, qk);
    const c = v.shape[2];
    if (backend.isZero(dO)) return [backend.zeroOutput(qk.shape.slice()), backend.zeroOutput(v.shape.slice())];
    const dqk = backend.pool.alloc(batch * m * 2 * d), dv = backend.pool.alloc(batch * m * c);
    if (batch * m * c > 0) {
      addon.attentionApplyBackward(values(backend, dO), values(backend, y), values(backend, v), values(backend, qk), dqk, dv, batch, m, d, c);
    } else {
      dqk.fill(0);
    }
    return [backend.makeTensorInfo(qk.shape.slice(), 'float32', dqk), backend.makeTensorInfo(v.shape.slice(), 'float32', dv)];
  };
}

/** y v, y = attentionSoftmax(qk) [b, m, m], v [b, m, c]; the gradient reaches qk directly. */
export function attentionApply(y: Tensor, v: Tensor, qk: Tensor): Tensor {
  return tf.engine().runKernel(ATTENTION_APPLY, { y, v, qk }, {} as NamedAttrMap) as Tensor;
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
    // known zeros where GankitAttentionApply took the map's derivative on to qk itself
    if ((tf.backend() as Partial<KernelBackend>).isZero?.(dy as Tensor)) return { qk: () => tf.zerosLike(qk) };
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

const attentionApplyGradient: GradConfig = {
  kernelName: ATTENTION_APPLY,
  inputsToSave: ['y', 'v', 'qk'],
  gradFunc: (dO, saved) => {
    const [y, v, qk] = saved;
    const [dqk, dv] = tf.engine().runKernel(ATTENTION_APPLY_BACKWARD, { dO: dO as Tensor, y, v, qk }, {} as NamedAttrMap) as Tensor[];
    return { y: () => tf.zerosLike(y), v: () => dv, qk: () => dqk };
  },
};

/**
 * Gradient of [dqk, dv] = [GankitAttentionBackward(dA, y, qk), yᵀ dO], dA = dO vᵀ, given
 * [gqk, gv]: GankitAttentionBackward's own gradient at (dA, y, qk), then the two products;
 * y's part (dO gvᵀ from dv) goes on through the softmax to qk, as y is softmax(q kᵀ).
 */
const attentionApplyBackwardGradient: GradConfig = {
  kernelName: ATTENTION_APPLY_BACKWARD,
  inputsToSave: ['dO', 'y', 'v', 'qk'],
  gradFunc: (dys, saved, attrs) => {
    const [gqk, gv] = dys as Tensor[];
    const [dO, y, v, qk] = saved;
    const dA = tf.matMul(dO, v, false, true);
    const inner = attentionBackwardGradient.gradFunc(gqk, [dA, y, qk], attrs);
    const gdA = inner.dy(), viaMap = inner.qk();
    // y's gradient dO gvᵀ, through the softmax and the scores q kᵀ to qk
    const { q, k } = split(qk);
    const gScores = attentionSoftmaxGrad(tf.matMul(dO, gv, false, true), y, qk);
    const viaValues = tf.concat([tf.matMul(gScores, k), tf.matMul(gScores, q, true, false)], 2);
    return {
      dO: () => tf.add(tf.matMul(gdA, v), tf.matMul(y, gv)),
      y: () => tf.zerosLike(y),
      v: () => tf.matMul(gdA, dO, true, false),
      qk: () => tf.add(viaMap, viaValues),
    };
  },
};

export function attentionKernelConfigs(addon: NativeAddon, backendName: string): tf.KernelConfig[] {
  return [
    { kernelName: ATTENTION_SOFTMAX, backendName, kernelFunc: attentionSoftmaxKernel(addon) },
    { kernelName: ATTENTION_SOFTMAX_GRAD, backendName, kernelFunc: softmaxGradValues(addon) },
    { kernelName: ATTENTION_BACKWARD, backendName, kernelFunc: attentionBackwardKernel(addon) },
    { kernelName: ATTENTION_APPLY, backendName, kernelFunc: attentionApplyKernel(addon) },
    { kernelName: ATTENTION_APPLY_BACKWARD, backendName, kernelFunc: attentionApplyBackwardKernel(addon) },
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
  tf.registerGradient(attentionApplyGradient);
  tf.registerGradient(attentionApplyBackwardGradient);
}
