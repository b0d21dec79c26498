/**
 * The arithmetic a training step asks for: floating-point operations (2 per multiply-add)
 * of every GEMM and convolution kernel it calls, its gradients included, counted from the
 * kernels' shapes as TF.js hands them to the backend. Elementwise kernels are left out
 * (a few operations per element, bound by memory, not arithmetic).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';

const prod = (xs: readonly number[]) => xs.reduce((a, b) => a * b, 1);

/** FLOPs of one kernel call; 0 for kernels that are not products. */
export function kernelFlops(name: string, inputs: NamedTensorInfoMap, attrs: NamedAttrMap | undefined): number {
  const shape = (k: string) => (inputs[k] as TensorInfo | undefined)?.shape ?? [];
  if (name === tf.BatchMatMul || name === tf._FusedMatMul) {
    const a = shape('a'), b = shape('b');
    if (a.length < 2 || b.length < 2) return 0;
    const ta = Boolean(attrs?.transposeA), tb = Boolean(attrs?.transposeB);
    const m = ta ? a[a.length - 1] : a[a.length - 2], k = ta ? a[a.length - 2] : a[a.length - 1];
    const n = tb ? b[b.length - 2] : b[b.length - 1];
    return 2 * Math.max(prod(a.slice(0, -2)), prod(b.slice(0, -2))) * m * n * k;
  }
  // self-attention's fused kernels (src/native/attention.ts) count the products they
  // replace (qk [b, m, 2d], v [b, m, c]): the scores q kᵀ; the map applied, y v; in the
  // gradient dS k and dSᵀ q, and with the map's application also dO vᵀ and yᵀ dO
  if (name === 'GankitAttentionSoftmax' || name === 'GankitAttentionBackward' || name === 'GankitAttentionApply' || name === 'GankitAttentionApplyBackward') {
    const qk = shape('qk');
    if (qk.length !== 3) return 0;
    const [b, m] = qk, d = qk[2] / 2, c = shape('v')[2] ?? 0;
    if (name === 'GankitAttentionSoftmax') return 2 * b * m * m * d;
    if (name === 'GankitAttentionBackward') return 4 * b * m * m * d;
    if (name === 'GankitAttentionApply') return 2 * b * m * m * c;
    return 4 * b * m * m * d + 4 * b * m * m * c;
  }
  if (name === tf.Conv2D || name === tf.FusedConv2D) {
    const x = shape('x'), f = shape('filter');
    if (x.length !== 4 || f.length !== 4) return 0;
    const info = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], f as [number, number, number, number],
      attrs!.strides as number, (attrs!.dilations as number | undefined) ?? 1, attrs!.pad as 'same', attrs!.dimRoundingMode as 'floor' | undefined);
    return 2 * info.batchSize * info.outHeight * info.outWidth * info.outChannels * prod(f.slice(0, 3));
  }
  if (name === tf.Conv2DBackpropInput) {
    const dy = shape('dy'), f = shape('filter');
    return dy.length === 4 && f.length === 4 ? 2 * prod(dy) * prod(f.slice(0, 3)) : 0;
  }
  if (name === tf.Conv2DBackpropFilter) {
    const dy = shape('dy'), f = attrs?.filterShape as number[] | undefined;
    return dy.length === 4 && f ? 2 * prod(dy) * prod(f.slice(0, 3)) : 0;
  }
  return 0;
}

let installed: string | null = null;
let total = 0;

/**
 * Wraps every kernel of `backend` once with the FLOP counter (the engine looks kernels up
 * on every call, so wrapping the registered config is enough).
 */
function install(backend: string): void {
  if (installed === backend) return;
  if (installed !== null) throw new Error(`FLOP counting already installed on ${installed}`);
  for (const k of tf.getKernelsForBackend(backend)) {
    const f = k.kernelFunc;
    (k as { kernelFunc: typeof f }).kernelFunc = (args) => {
      total += kernelFlops(k.kernelName, args.inputs, args.attrs);
      return f(args);
    };
  }
  installed = backend;
}

/** FLOPs the kernels called by `f` ask for, on the current backend. */
export function countFlops(f: () => void): number {
  install(tf.getBackend());
  const start = total;
  f();
  return total - start;
}
