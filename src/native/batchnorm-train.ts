/**
 * Batch normalization in training as two kernels on the `native` backend: the batch
 * statistics in one (`GankitMoments`), and the whole gradient, through those statistics
 * too, in one (`GankitBatchNormGrad` with `batchStats`).
 *
 * tfjs-layers' BatchNormalization computes the statistics with tf.moments (Mean, Sub,
 * Square, Mean) and normalizes with FusedBatchNorm; the tape then sends the gradient back
 * through every one of those ops, about fifteen full-size passes in all. Measured on
 * dcgan-mnist, replacing training-mode batch norm by its inference form (no statistics to
 * differentiate) made an iteration markedly faster (docs/speed.md): that gap is what this closes.
 *
 * The layer's `call` is wrapped (the class, its config and saved weights stay tfjs-layers'
 * own): when the native backend runs, in training, on float32 data normalized over its last
 * axis with both scale and offset, the layer computes the same thing (normalized output,
 * moving averages updated by the same formula) with these kernels; otherwise the original
 * call runs. While an outer tape records the backward pass (a gradient penalty through
 * batch norm), the gradient is written in differentiable TF.js ops instead, statistics
 * recomputed from x, so second order stays exact.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { GradSaveFunc, KernelConfig, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import type { NativeBackend } from './backend.js';
import { BATCH_NORM_GRAD } from './batchnorm-grad.js';

export const MOMENTS = 'GankitMoments';

export function momentsKernelConfig(addon: NativeAddon, backendName: string): KernelConfig {
  return {
    kernelName: MOMENTS,
    backendName,
    kernelFunc: (args) => {
      const backend = args.backend as unknown as NativeBackend;
      const x = args.inputs.x as TensorInfo;
      const ch = x.shape[x.shape.length - 1];
      const mean = new Float32Array(ch), variance = new Float32Array(ch);
      addon.moments(backend.data.get(x.dataId).values as Float32Array, ch, mean, variance);
      return [backend.makeTensorInfo([ch], 'float32', mean), backend.makeTensorInfo([ch], 'float32', variance)];
    },
  };
}

/** What the wrapped call reads of a tfjs-layers BatchNormalization layer. */
interface BatchNormLayer {
  axis: number;
  momentum: number;
  epsilon: number;
  center: boolean;
  scale: boolean;
  gamma: { read(): Tensor } | null;
  beta: { read(): Tensor } | null;
  movingMean: { read(): Tensor; write(t: Tensor): void };
  movingVariance: { read(): Tensor; write(t: Tensor): void };
}

type Call = (this: BatchNormLayer, inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

/** The gradient of batch norm with batch statistics, in differentiable ops (for second order). */
function compositeGrad(dy: Tensor, x: Tensor, gamma: Tensor, eps: number): Tensor[] {
  const axes = x.shape.slice(0, -1).map((_, i) => i);
  const n = x.size / x.shape[x.rank - 1];
  const { mean, variance } = tf.moments(x, axes);
  const invstd = tf.rsqrt(tf.add(variance, eps));
  const xhat = tf.mul(tf.sub(x, mean), invstd);
  const dxhat = tf.mul(dy, gamma);
  const dx = tf.mul(tf.div(invstd, n),
    tf.sub(tf.sub(tf.mul(dxhat, n), tf.sum(dxhat, axes)), tf.mul(xhat, tf.sum(tf.mul(dxhat, xhat), axes))));
  return [dx, tf.sum(tf.mul(dy, xhat), axes), tf.sum(dy, axes)];
}

function trainingForward(layer: BatchNormLayer, input: Tensor, backendName: string): Tensor {
  const eps = layer.epsilon;
  const [mean, variance] = tf.engine().runKernel(MOMENTS, { x: input }) as Tensor[];
  const normalize = tf.customGrad(((x: Tensor, gamma: Tensor, beta: Tensor, save: GradSaveFunc) => {
    save([x, gamma, mean, variance]);
    return {
      value: tf.batchNorm(x, mean, variance, beta, gamma, eps),
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, sgamma, smean, svariance] = saved;
        if (tf.engine().isTapeOn() || tf.getBackend() !== backendName) {
          return compositeGrad(dy, sx, sgamma, eps);
        }
        const [dx, , , dscale, doffset] = tf.engine().runKernel(BATCH_NORM_GRAD,
          { dy, x: sx, mean: smean, variance: svariance, scale: sgamma },
          { varianceEpsilon: eps, batchStats: true } as unknown as NamedAttrMap) as Tensor[];
        return [dx, dscale, doffset];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  const normed = normalize(input, layer.gamma!.read(), layer.beta!.read());
  // tfjs-layers' moving averages, the same formula: v - (v - batch value) * (1 - momentum)
  for (const [variable, value] of [[layer.movingMean, mean], [layer.movingVariance, variance]] as const) {
    tf.tidy(() => {
      const orig = variable.read();
      variable.write(tf.sub(orig, tf.mul(tf.sub(orig, value), 1 - layer.momentum)));
    });
  }
  return normed;
}

function fusable(layer: BatchNormLayer, input: Tensor, backendName: string): boolean {
  const axis = layer.axis >= 0 ? layer.axis : layer.axis + input.rank;
  return tf.getBackend() === backendName && (tf.backend() as NativeBackend).fusedBatchNorm && input.dtype === 'float32' && input.rank >= 2 && axis === input.rank - 1 &&
    layer.center && layer.scale && layer.gamma !== null && layer.beta !== null;
}

let patched = false;

/** Wraps tfjs-layers' BatchNormalization.call (once) to take the fused path where it applies. */
export function patchBatchNormalizationLayer(backendName: string): void {
  if (patched) return;
  patched = true;
  const proto = Object.getPrototypeOf(tfl.layers.batchNormalization({})) as { call: Call };
  const original = proto.call;
  proto.call = function (this: BatchNormLayer, inputs, kwargs) {
    const input = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : null) : inputs;
    if (kwargs?.training !== true || input === null || !fusable(this, input, backendName)) return original.call(this, inputs, kwargs);
    return tf.tidy(() => trainingForward(this, input, backendName));
  };
}
