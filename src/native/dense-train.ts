/**
 * tfjs-layers' Dense layer on rank-2 input as one kernel forward and three backward on the
 * `native` backend, without the engine round trips around them.
 *
 * tfjs-layers calls `tf.fused.matMul`, which reshapes both operands to rank 3 and the
 * result back (three Reshape kernels, each taped, each with a saved clone), saves four
 * tensors, and in the gradient reshapes again on the way back: about fifteen kernel calls
 * per layer and training step where four do the arithmetic. mlp-mnist made 456 kernel calls
 * per iteration, 245 of them Reshape or Identity; each costs the engine bookkeeping that
 * adds up over an iteration (docs/speed.md has the measurements).
 *
 * The layer's `call` is wrapped (class, config and saved weights stay tfjs-layers' own):
 * when the native backend runs on float32 rank-2 input, the layer computes the same
 * `_FusedMatMul` (bias and, where the kernel fuses it, activation included) under a custom
 * gradient of rank-2 kernels: the activation's gradient, dY Wᵀ, Xᵀ dY and the bias sum.
 * Those are the kernels TF.js's own gradient runs, so the numbers are the same. Every
 * kernel used has a registered gradient, so second order (a gradient penalty) stays exact;
 * the deferral of gradient kernels (deferred.ts) applies as before. Other cases (other
 * backends, other ranks, other dtypes) take the original call.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { GradSaveFunc, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';
import { ActGrad } from './addon.js';
import { activationGrad } from './activation-grads.js';
import type { NativeBackend } from './backend.js';

/** What the wrapped call reads of a tfjs-layers Dense layer. */
interface DenseLayer {
  activation: { getClassName(): string; apply(t: Tensor): Tensor };
  kernel: { read(): Tensor };
  bias: { read(): Tensor } | null;
  invokeCallHook(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): void;
}

type Call = (this: DenseLayer, inputs: Tensor | Tensor[], kwargs: Record<string, unknown>) => Tensor | Tensor[];

/** The activations `_FusedMatMul` applies itself, with their one-kernel gradient (of the output). */
const FUSED: Record<string, ActGrad | null> = { linear: null, relu: ActGrad.Relu };

function matMul(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor {
  return tf.engine().runKernel(tf.BatchMatMul, { a, b }, { transposeA, transposeB } as unknown as NamedAttrMap) as Tensor;
}

/** y = activation(x W + b) for rank-2 x, as one `_FusedMatMul` with a rank-2 gradient. */
function denseForward(x: Tensor, kernel: Tensor, bias: Tensor | null, activation: string): Tensor {
  const actGrad = FUSED[activation];
  const attrs = { transposeA: false, transposeB: false, activation, leakyreluAlpha: 0 } as unknown as NamedAttrMap;
  const gradient = (dy: Tensor, saved: Tensor[]): Tensor[] => {
    const [sx, sw, sy] = saved;
    // relu's gradient from the output, as tf.fused.matMul takes it (dy * step(y))
    const dyAct = actGrad === null ? dy : activationGrad(dy, sy, actGrad);
    const grads = [matMul(dyAct, sw, false, true), matMul(sx, dyAct, true, false)];
    if (bias !== null) grads.push(tf.engine().runKernel(tf.Sum, { x: dyAct }, { axis: [0], keepDims: false } as unknown as NamedAttrMap) as Tensor);
    return grads;
  };
  // customGrad passes the inputs, then `save`: (a, w[, b], save)
  const f = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as GradSaveFunc;
    const [a, w, b] = args as Tensor[];
    const y = tf.engine().runKernel(tf._FusedMatMul, b === undefined ? { a, b: w } : { a, b: w, bias: b }, attrs) as Tensor;
    save(actGrad === null ? [a, w] : [a, w, y]);
    return { value: y, gradFunc: gradient };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return bias === null ? f(x, kernel) : f(x, kernel, bias);
}

function applies(layer: DenseLayer, input: Tensor, backendName: string): boolean {
  if (tf.getBackend() !== backendName || !(tf.backend() as NativeBackend).fusedDense) return false;
  const kernel = layer.kernel.read();
  return input.dtype === 'float32' && input.rank === 2 && kernel.rank === 2 && kernel.dtype === 'float32' &&
    input.shape[1] === kernel.shape[0] && (layer.bias === null || layer.bias.read().rank === 1);
}

let patched = false;

/** Wraps tfjs-layers' Dense.call (once) to take the rank-2 path where it applies. */
export function patchDenseLayer(backendName: string): void {
  if (patched) return;
  patched = true;
  const proto = Object.getPrototypeOf(tfl.layers.dense({ units: 1 })) as { call: Call };
  const original = proto.call;
  proto.call = function (this: DenseLayer, inputs, kwargs) {
    const input = Array.isArray(inputs) ? (inputs.length === 1 ? inputs[0] : null) : inputs;
    if (input === null || !applies(this, input, backendName)) return original.call(this, inputs, kwargs);
    return tf.tidy(() => {
      this.invokeCallHook(inputs, kwargs);
      const name = this.activation.getClassName().toLowerCase();
      // tfjs-layers fuses linear, relu and elu; relu and linear here (elu takes the layer's own)
      const fused = name in FUSED ? name : 'linear';
      const out = denseForward(input, this.kernel.read(), this.bias ? this.bias.read() : null, fused);
      return fused === name ? out : this.activation.apply(out);
    });
  };
}
