/**
 * The gradient of FusedBatchNorm on the `native` backend as one kernel,
 * `GankitBatchNormGrad`: the gradients for x, mean, variance, scale and offset from two
 * passes over the data (per-channel sums, then dx). TF.js's own gradient makes about ten
 * full-size passes (Sub, Mul, Tile, Sum, ...): in dcgan-mnist, batch norm's backward was
 * about a tenth of a training step.
 *
 * The kernel has no gradient of its own, so it is used only while no outer tape records
 * the backward pass (isTapeOn is false during a plain backward pass; a gradient penalty
 * through batch norm, which differentiates the gradient, keeps TF.js's composite form).
 */
import * as tf from '@tensorflow/tfjs-core';
// Registers TF.js's own gradients (tfjs-core's Node bundle has none), which this overrides.
import '@tensorflow/tfjs-layers';
import type { KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import type { NativeBackend } from './backend.js';
import { overrideGradient } from './gradient-override.js';

export const BATCH_NORM_GRAD = 'GankitBatchNormGrad';

function batchNormGradKernel(addon: NativeAddon): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as NativeBackend;
    const { dy, x, mean, variance, scale } = args.inputs as Record<string, TensorInfo | undefined>;
    const { varianceEpsilon: eps, batchStats } = args.attrs as { varianceEpsilon: number; batchStats?: boolean };
    const values = (t: TensorInfo) => backend.data.get(t.dataId).values as Float32Array;
    const ch = mean!.shape[0];
    const dx = backend.pool.alloc(tf.util.sizeFromShape(x!.shape));
    const [dmean, dvariance, dscale, doffset] = [0, 1, 2, 3].map(() => new Float32Array(ch));
    addon.batchNormGrad(values(dy!), values(x!), values(mean!), values(variance!), scale ? values(scale) : null,
      eps, ch, dx, dmean, dvariance, dscale, doffset, batchStats === true);
    return [
      backend.makeTensorInfo(x!.shape.slice(), 'float32', dx),
      ...[dmean, dvariance, dscale, doffset].map((v) => backend.makeTensorInfo([ch], 'float32', v)),
    ];
  };
}

export function batchNormGradKernelConfig(addon: NativeAddon, backendName: string): tf.KernelConfig {
  return { kernelName: BATCH_NORM_GRAD, backendName, kernelFunc: batchNormGradKernel(addon) };
}

/** True when the fused kernel computes exactly what TF.js's gradient would for these tensors. */
function fusable(dy: Tensor, x: Tensor, mean: Tensor, variance: Tensor, scale: Tensor | null): boolean {
  const ch = x.shape[x.rank - 1];
  const perChannel = (t: Tensor | null) => t === null || (t.rank === 1 && t.shape[0] === ch && t.dtype === 'float32');
  return x.dtype === 'float32' && dy.dtype === 'float32' && x.rank >= 2 && tf.util.arraysEqual(dy.shape, x.shape) &&
    perChannel(mean) && perChannel(variance) && perChannel(scale) && mean !== null && variance !== null;
}

let registered = false;

/** Routes FusedBatchNorm's gradient through the kernel while `backendName` runs (idempotent). */
export function registerNativeBatchNormGradient(backendName: string): void {
  if (registered) return;
  registered = true;
  overrideGradient(tf.FusedBatchNorm, (dy, saved, attrs) => {
    const [x, mean, variance, scale] = saved as Array<Tensor | null>;
    if (tf.getBackend() !== backendName || tf.engine().isTapeOn() || x === null || mean === null || variance === null ||
        !fusable(dy, x, mean, variance, scale ?? null)) {
      return null;
    }
    const inputs: Record<string, Tensor> = { dy, x, mean, variance };
    if (scale) inputs.scale = scale;
    const [dx, dmean, dvariance, dscale, doffset] = tf.engine().runKernel(BATCH_NORM_GRAD, inputs,
      { varianceEpsilon: attrs.varianceEpsilon } as unknown as NamedAttrMap) as Tensor[];
    const ch = x.shape[x.rank - 1];
    return {
      x: () => dx,
      mean: () => tf.reshape(dmean, mean.shape),
      variance: () => tf.reshape(dvariance, variance.shape),
      scale: () => tf.reshape(dscale, [ch]),
      offset: () => tf.reshape(doffset, [ch]),
    };
  });
}
