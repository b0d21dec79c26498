/**
 * Adam and RMSProp whose whole update of one variable is a single native call when the
 * `native` backend runs (TF.js's own optimizers issue about ten elementwise ops per
 * variable). They subclass TF.js's optimizers, so weights, getWeights/setWeights,
 * serialization and checkpoints are exactly tf.train.adam's / tf.train.rmsprop's; on any
 * other backend they are those optimizers unchanged.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedTensorMap, Tensor, Variable } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import { loadAddon } from './load.js';
import { NATIVE_BACKEND, type NativeBackend } from './backend.js';

interface Slot {
  originalName: string;
  variable: Variable;
}

type NamedTensor = { name: string; tensor: Tensor };
type Gradients = NamedTensor[] | NamedTensorMap;

function gradientList(variableGradients: Gradients): Array<{ name: string; tensor: Tensor | undefined }> {
  return Array.isArray(variableGradients)
    ? variableGradients.map((g) => ({ name: g.name, tensor: g.tensor }))
    : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
}

/** The addon and the backend's raw storage when the native backend is active, else null. */
function nativeContext(): { addon: NativeAddon; backend: NativeBackend } | null {
  if (tf.getBackend() !== NATIVE_BACKEND) return null;
  const addon = loadAddon();
  if (addon === null) return null;
  return { addon, backend: tf.backend() as unknown as NativeBackend };
}

/**
 * The addon, backend and gradients when the native update applies (native backend active,
 * every gradient and variable float32 data); null when the TF.js optimizer must run.
 */
function nativePlan(variableGradients: Gradients): { addon: NativeAddon; backend: NativeBackend; grads: ReturnType<typeof gradientList> } | null {
  const ctx = nativeContext();
  if (ctx === null) return null;
  const grads = gradientList(variableGradients);
  const usable = grads.every(({ name, tensor }) =>
    tensor === undefined || (values(ctx.backend, tensor) !== null && values(ctx.backend, tf.engine().registeredVariables[name]) !== null));
  return usable ? { ...ctx, grads } : null;
}

function values(backend: NativeBackend, t: Tensor): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

/**
 * The variable's own buffer when it may be overwritten: its data is referenced by this
 * tensor alone (no clone, no pending tape entry) and the buffer is private to the backend
 * (never read out by dataSync, never a user's array). Updating in place saves allocating
 * and writing three fresh buffers per variable per step.
 */
function privateValues(backend: NativeBackend, t: Tensor): Float32Array | null {
  if (!backend.data.has(t.dataId)) return null;
  const entry = backend.data.get(t.dataId);
  return entry.refCount === 1 && backend.pool.isPrivate(entry.values) ? entry.values : null;
}

function zeroSlot(name: string, value: Variable): Slot {
  return { originalName: name, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
}

/** Replaces a variable's value with freshly computed data (no copy). */
function assign(variable: Variable, data: Float32Array): void {
  variable.assign(tf.tensor(data, variable.shape, 'float32'));
}

interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: Variable;
  accBeta2: Variable;
  accumulatedFirstMoment: Slot[];
  accumulatedSecondMoment: Slot[];
}

export class NativeAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    const plan = nativePlan(variableGradients);
    if (plan === null) {
      super.applyGradients(variableGradients as Parameters<tf.AdamOptimizer['applyGradients']>[0]);
      return;
    }
    const { addon, backend, grads } = plan;
    const s = this as unknown as AdamState;
    const accBeta1 = s.accBeta1.dataSync()[0], accBeta2 = s.accBeta2.dataSync()[0];
    // TF.js computes 1 - accBeta in float32; so do we.
    const c1 = Math.fround(1 - accBeta1), c2 = Math.fround(1 - accBeta2);
    tf.tidy(() => {
      grads.forEach(({ name, tensor }, i) => {
        const value = tf.engine().registeredVariables[name];
        s.accumulatedFirstMoment[i] ??= zeroSlot(`${name}/m`, value);
        s.accumulatedSecondMoment[i] ??= zeroSlot(`${name}/v`, value);
        if (tensor === undefined || tensor === null) return;
        const m = s.accumulatedFirstMoment[i].variable, v = s.accumulatedSecondMoment[i].variable;
        const inPlace = [value, m, v].map((t) => privateValues(backend, t));
        if (inPlace.every((a) => a !== null)) {
          const [wp, mp, vp] = inPlace as Float32Array[];
          addon.adam(wp, values(backend, tensor)!, mp, vp, wp, mp, vp, s.learningRate, s.beta1, s.beta2, s.epsilon, c1, c2);
          // m and v began as zerosLike outputs: no longer zeros
          for (const t of [value, m, v]) backend.forgetZero(t.dataId);
          return;
        }
        const n = value.size;
        const w2 = backend.pool.alloc(n), m2 = backend.pool.alloc(n), v2 = backend.pool.alloc(n);
        addon.adam(values(backend, value)!, values(backend, tensor)!, values(backend, m)!, values(backend, v)!,
          w2, m2, v2, s.learningRate, s.beta1, s.beta2, s.epsilon, c1, c2);
        assign(m, m2);
        assign(v, v2);
        assign(value, w2);
      });
      s.accBeta1.assign(tf.scalar(Math.fround(accBeta1 * s.beta1)));
      s.accBeta2.assign(tf.scalar(Math.fround(accBeta2 * s.beta2)));
    });
    this.incrementIterations();
  }
}

interface RmsState {
  learningRate: number;
  decay: number;
  momentum: number;
  epsilon: number;
  centered: boolean;
  accumulatedMeanSquares: Slot[];
  accumulatedMoments: Slot[];
  accumulatedMeanGrads: Slot[];
}

export class NativeRMSProp extends tf.RMSPropOptimizer {
  override applyGradients(variableGradients: Gradients): void {
    const plan = nativePlan(variableGradients);
    if (plan === null) {
      super.applyGradients(variableGradients as Parameters<tf.RMSPropOptimizer['applyGradients']>[0]);
      return;
    }
    const { addon, backend, grads } = plan;
    const s = this as unknown as RmsState;
    tf.tidy(() => {
      grads.forEach(({ name, tensor }, i) => {
        const value = tf.engine().registeredVariables[name];
        s.accumulatedMeanSquares[i] ??= zeroSlot(`${name}/rms`, value);
        s.accumulatedMoments[i] ??= zeroSlot(`${name}/momentum`, value);
        if (s.centered) s.accumulatedMeanGrads[i] ??= zeroSlot(`${name}/mg`, value);
        if (tensor === undefined || tensor === null) return;
        const ms = s.accumulatedMeanSquares[i].variable, mom = s.accumulatedMoments[i].variable;
        const mg = s.centered ? s.accumulatedMeanGrads[i].variable : null;
        const n = value.size;
        const w2 = backend.pool.alloc(n), ms2 = backend.pool.alloc(n), mom2 = backend.pool.alloc(n);
        const mg2 = mg ? backend.pool.alloc(n) : null;
        addon.rmsprop(values(backend, value)!, values(backend, tensor)!, values(backend, ms)!, mg ? values(backend, mg)! : null,
          values(backend, mom)!, w2, ms2, mg2, mom2, s.learningRate, s.decay, s.momentum, s.epsilon, s.centered);
        assign(ms, ms2);
        if (mg && mg2) assign(mg, mg2);
        assign(mom, mom2);
        assign(value, w2);
      });
    });
    this.incrementIterations();
  }
}

/** Drop-in for tf.train.adam. */
export function nativeAdam(learningRate = 0.001, beta1 = 0.9, beta2 = 0.999, epsilon?: number): NativeAdam {
  return new NativeAdam(learningRate, beta1, beta2, epsilon);
}

/** Drop-in for tf.train.rmsprop. */
export function nativeRmsprop(learningRate: number, decay = 0.9, momentum = 0, epsilon?: number, centered = false): NativeRMSProp {
  return new NativeRMSProp(learningRate, decay, momentum, epsilon, centered);
}
