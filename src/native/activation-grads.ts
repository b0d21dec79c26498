/**
 * One-kernel gradients for ReLU, LeakyReLU, tanh and sigmoid on the `native` backend.
 *
 * TF.js composes each of these gradients from two to four kernels (LeakyReLU: Greater,
 * Multiply, Select, plus a scalar), each a full pass over the activations and a round
 * through the engine. Here the gradient of each is the kernel `GankitActivationGrad`, which
 * has a gradient of its own, so second-order gradients (WGAN-GP, R1) still work. On any
 * other backend TF.js's own gradients run unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
// Registers TF.js's own gradients (tfjs-core's Node bundle has none), which these override.
import '@tensorflow/tfjs-layers';
import type { GradConfig, KernelFunc, NamedAttrMap, Tensor, TensorInfo } from '@tensorflow/tfjs-core';
import { ActGrad, type NativeAddon } from './addon.js';
import type { NativeBackend } from './backend.js';
import { overrideGradient } from './gradient-override.js';

export const ACTIVATION_GRAD = 'GankitActivationGrad';

interface Attrs {
  op: ActGrad;
  alpha: number;
}

/** The same formulas in JavaScript, for inputs the addon does not take (not float32). */
function jsActivationGrad(op: ActGrad, dy: ArrayLike<number>, x: ArrayLike<number>, alpha: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (op === ActGrad.Relu) out[i] = dy[i] * (Number.isNaN(v) ? v : v > 0 ? 1 : 0);
    else if (op === ActGrad.LeakyRelu) out[i] = v > 0 ? dy[i] : dy[i] * alpha;
    else if (op === ActGrad.Tanh) out[i] = (1 - v * v) * dy[i];
    else out[i] = dy[i] * (v * (1 - v));
  }
  return out;
}

function activationGradKernel(addon: NativeAddon): KernelFunc {
  return (args) => {
    const backend = args.backend as unknown as NativeBackend;
    const dy = args.inputs.dy as TensorInfo, x = args.inputs.x as TensorInfo;
    const { op, alpha } = args.attrs as unknown as Attrs;
    if (backend.isZero(dy)) return backend.zeroOutput(x.shape);
    const dyv = backend.data.get(dy.dataId).values, xv = backend.data.get(x.dataId).values;
    let out: Float32Array;
    if (dyv instanceof Float32Array && xv instanceof Float32Array && dyv.length === xv.length) {
      out = backend.pool.alloc(xv.length);
      addon.activationGrad(op, dyv, xv, out, alpha);
    } else {
      out = jsActivationGrad(op, dyv as ArrayLike<number>, xv as ArrayLike<number>, alpha);
    }
    return backend.makeTensorInfo(x.shape.slice(), 'float32', out);
  };
}

export function activationGrad(dy: Tensor, x: Tensor, op: ActGrad, alpha = 0): Tensor {
  return tf.engine().runKernel(ACTIVATION_GRAD, { dy, x }, { op, alpha } as unknown as NamedAttrMap) as Tensor;
}

/** Gradient of GankitActivationGrad(dy, x) given ddy, the gradient of its output. */
const activationGradGradient: GradConfig = {
  kernelName: ACTIVATION_GRAD,
  inputsToSave: ['dy', 'x'],
  gradFunc: (ddy, saved, attrs) => {
    const g = ddy as Tensor;
    const [dy, x] = saved;
    const { op, alpha } = attrs as unknown as Attrs;
    return {
      // the output is linear in dy with the same factor
      dy: () => activationGrad(g, x, op, alpha),
      x: () => {
        // relu and leaky: the factor is piecewise constant in x
        if (op === ActGrad.Relu || op === ActGrad.LeakyRelu) return tf.zerosLike(x);
        // tanh: d/dy [(1 - y^2) dy] = -2 y dy; sigmoid: d/dy [y (1 - y) dy] = (1 - 2y) dy
        const factor = op === ActGrad.Tanh ? tf.mul(-2, x) : tf.sub(1, tf.mul(2, x));
        return tf.mul(tf.mul(g, dy), factor);
      },
    };
  },
};

export function activationGradKernelConfig(addon: NativeAddon, backendName: string): tf.KernelConfig {
  return { kernelName: ACTIVATION_GRAD, backendName, kernelFunc: activationGradKernel(addon) };
}

let registered = false;

/** Registers the gradient overrides (idempotent). TF.js's gradients must be registered first. */
export function registerNativeActivationGradients(backendName: string): void {
  if (registered) return;
  registered = true;
  tf.registerGradient(activationGradGradient);
  // The four activations' gradients through the native kernel while `backendName` runs.
  const route = (kernelName: string, gradient: (dy: Tensor, saved: Tensor[], attrs: NamedAttrMap) => Tensor) =>
    overrideGradient(kernelName, (dy, saved, attrs) =>
      tf.getBackend() === backendName ? { x: () => gradient(dy, saved, attrs) } : null);
  route(tf.Relu, (dy, [x]) => activationGrad(dy, x, ActGrad.Relu));
  route(tf.LeakyRelu, (dy, [x], attrs) => activationGrad(dy, x, ActGrad.LeakyRelu, attrs.alpha as number));
  // Tanh and Sigmoid save their input (src/backend/gradients.ts: a saved output breaks
  // second order); y is recomputed from it, the same values the forward pass gave.
  route(tf.Tanh, (dy, [x]) => activationGrad(dy, tf.tanh(x), ActGrad.Tanh));
  route(tf.Sigmoid, (dy, [x]) => activationGrad(dy, tf.sigmoid(x), ActGrad.Sigmoid));
}
