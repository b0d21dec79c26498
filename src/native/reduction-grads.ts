/**
 * Gradients of Sum and Mean on the `native` backend without the full-size tensor of ones.
 *
 * TF.js writes the gradient of a reduction as mul(reshape(dy), ones(x.shape)), divided by
 * the count for Mean: it fills the ones in a JavaScript loop and makes two more full
 * passes. Batch norm's statistics are means over almost the whole activation, so in
 * dcgan-mnist this alone took 7% of a training step. Here it is one kernel,
 * `GankitBroadcastDiv`: dy broadcast to x's shape, divided by the count (1 for Sum). It
 * has a gradient of its own (a sum over the broadcast axes), so second order still works.
 */
import * as tf from '@tensorflow/tfjs-core';
// Registers TF.js's own gradients (tfjs-core's Node bundle has none), which these override.
import '@tensorflow/tfjs-layers';
import type { KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { Binary, type NativeAddon } from './addon.js';
import type { NativeBackend } from './backend.js';
import { broadcast } from './broadcast.js';
import { overrideGradient } from './gradient-override.js';

export const BROADCAST_DIV = 'GankitBroadcastDiv';

interface Attrs {
  shape: number[];
  divisor: number;
}

function broadcastDivKernel(addon: NativeAddon): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as NativeBackend;
    const x = args.inputs.x as TensorInfo;
    const { shape, divisor } = args.attrs as unknown as Attrs;
    if (backend.isZero(x)) return backend.zeroOutput(shape);
    const raw = backend.data.get(x.dataId).values;
    const xv = raw instanceof Float32Array ? raw : Float32Array.from(raw as ArrayLike<number>);
    const bc = broadcast(x.shape, [1], shape);
    const out = backend.pool.alloc(tf.util.sizeFromShape(shape));
    addon.binary(Binary.Div, xv, Float32Array.of(divisor), out, bc.shape, bc.aStrides, bc.bStrides);
    return backend.makeTensorInfo(shape.slice(), 'float32', out);
  };
}

function broadcastDiv(x: Tensor, shape: number[], divisor: number): Tensor {
  return tf.engine().runKernel(BROADCAST_DIV, { x }, { shape, divisor } as unknown as NamedAttrMap) as Tensor;
}

export function broadcastDivKernelConfig(addon: NativeAddon, backendName: string): tf.KernelConfig {
  return { kernelName: BROADCAST_DIV, backendName, kernelFunc: broadcastDivKernel(addon) };
}

/** dy of a reduction over `axis` of x, broadcast back to x's shape and divided by `divisor`. */
function reductionGrad(dy: Tensor, x: Tensor, axis: number | number[], divisor: (reduced: number) => number): Tensor {
  const axes = tf.util.parseAxisParam(axis, x.shape);
  const expanded = x.shape.slice();
  for (const a of axes) expanded[a] = 1;
  const reduced = axes.reduce((p, a) => p * x.shape[a], 1);
  return broadcastDiv(tf.reshape(dy, expanded), x.shape, divisor(reduced));
}

let registered = false;

/** Registers the kernel's gradient and the Sum/Mean overrides (idempotent). */
export function registerNativeReductionGradients(backendName: string): void {
  if (registered) return;
  registered = true;
  tf.registerGradient({
    kernelName: BROADCAST_DIV,
    inputsToSave: ['x'],
    gradFunc: (ddy, saved, attrs) => {
      const [x] = saved;
      const { shape, divisor } = attrs as unknown as Attrs;
      const axes = shape.map((d, i) => (x.shape[i] === 1 && d !== 1 ? i : -1)).filter((i) => i >= 0);
      return { x: () => tf.div(tf.reshape(tf.sum(ddy as Tensor, axes, true), x.shape), divisor) };
    },
  });
  for (const [kernelName, divisor] of [[tf.Sum, () => 1], [tf.Mean, (n: number) => n]] as const) {
    overrideGradient(kernelName, (dy, [x], attrs) =>
      tf.getBackend() === backendName ? { x: () => reductionGrad(dy, x, attrs.axis as number | number[], divisor) } : null);
  }
}
