/**
 * Registers the `native` backend: a MathBackendCPU whose hot kernels call the C++ addon.
 * Each native kernel handles the cases it can (float32, NHWC, the common broadcasts) and
 * hands anything else to the `cpu` kernel of the same name, so outputs always follow
 * TF.js's semantics and gradients (defined per kernel name) stay valid, second order too.
 */
import * as tf from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { KernelConfig, KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import { Binary, NO_ACTIVATION, Reduce, Unary, type NativeAddon } from './addon.js';
import { loadAddon } from './load.js';
import { BufferPool } from './pool.js';
import { cpuKernel, cpuOnlyKernel } from './fallback.js';
import { layoutKernels } from './layout.js';
import { broadcast } from './broadcast.js';
import { registerMissingGradients } from '../backend/gradients.js';
import { activationGradKernelConfig, registerNativeActivationGradients } from './activation-grads.js';
import { broadcastDivKernelConfig, registerNativeReductionGradients } from './reduction-grads.js';
import { batchNormGradKernelConfig, registerNativeBatchNormGradient } from './batchnorm-grad.js';
import { momentsKernelConfig } from './batchnorm-train.js';
import { registerNativeSoftmaxGradient, softmaxGradKernelConfig } from './softmax-grad.js';
import { attentionKernelConfigs, registerNativeAttentionGradients } from './attention.js';
import { applyTfjsPatches } from './tfjs-patches.js';
import {
  backpropFilterShape, backpropInputShape, deferrable, freeze, matmulShape, matmulTerm,
  productDims, reduceShape, type DeferringBackend, type GemmSum,
} from './deferred.js';

export const NATIVE_BACKEND = 'native';

type DataId = object;
type BackendValues = Float32Array | Int32Array | Uint8Array | Uint8Array[];

/** A deferred kernel call (see deferred.ts): what computes it and the data it holds. */
interface Pending {
  run: () => TensorInfo;
  inputs: DataId[];
  counted: boolean;
  /** What `run` computes, when it is a sum of products. */
  sum?: GemmSum;
}

/**
 * The cpu backend with a pool of output buffers (see pool.ts): arrays stored as tensor
 * data are adopted by the pool, arrays read out escape it, deleted data returns to it.
 */
export class NativeBackend extends MathBackendCPU implements DeferringBackend {
  readonly pool = new BufferPool();
  /**
   * Whether kernels inside custom gradients are deferred (deferred.ts). GANKIT_DEFER=0 turns
   * it off, to compare.
   */
  deferGradients = process.env.GANKIT_DEFER !== '0';
  /**
   * Whether tfjs-layers' batch norm trains with the two fused kernels (batchnorm-train.ts).
   * GANKIT_FUSED_BN=0 turns it off, to compare.
   */
  fusedBatchNorm = process.env.GANKIT_FUSED_BN !== '0';
  /**
   * Whether tfjs-layers' dense layers on rank-2 input skip tf.fused.matMul's reshapes
   * (dense-train.ts). GANKIT_FUSED_DENSE=0 turns it off, to compare.
   */
  fusedDense = process.env.GANKIT_FUSED_DENSE !== '0';
  /**
   * Whether an Add of deferred products stays deferred as one sum (deferred.ts, GemmSum).
   * GANKIT_DEFER_SUMS=0 turns it off, to compare.
   */
  deferSums = process.env.GANKIT_DEFER_SUMS !== '0';
  deferDepth = 0;
  private readonly pending = new Map<DataId, Pending>();
  /**
   * Deferred kernel calls computed, and dropped unread, since the last reset; `sums`: Add
   * kernels deferred as a sum of products.
   */
  readonly deferred = { run: 0, dropped: 0, sums: 0 };
  /**
   * Data known to hold only zeros, so kernels may skip work on it: a product with it is
   * zero, a sum with it is the other operand. Gradients bring such data in bulk: the
   * gradient of a ReLU mask is zero, and under a gradient penalty TF.js (like PyTorch)
   * would push those zeros back through every layer's GEMMs. Set only on fresh outputs
   * filled with zeros; the values are always real zeros, so the mark only saves work.
   * Forgotten when data is written again (move, or an optimizer's in-place update).
   */
  private readonly zeros = new WeakSet<DataId>();
  /** Kernel calls answered from known zeros since the last reset. */
  zeroSkips = 0;

  /**
   * A float32 tensor of `shape` filled with zeros, marked as such. The buffer is filled when
   * its values are first read: kernels that take the mark never read them. (A WGAN-GP step
   * makes 70 such tensors per iteration, 29 MB, almost all of them never read.)
   */
  makeZeros(shape: number[]): TensorInfo {
    const n = util.sizeFromShape(shape);
    const t = this.defer(shape, [], () => this.makeTensorInfo(shape, 'float32', this.pool.alloc(n, true)), false);
    this.zeros.add(t.dataId);
    return t;
  }

  /** makeZeros, as the answer of a kernel that skipped its work (counted). */
  zeroOutput(shape: number[]): TensorInfo {
    this.zeroSkips++;
    return this.makeZeros(shape);
  }

  isZero(t: TensorInfo | undefined | null): boolean {
    return t !== undefined && t !== null && t.dtype === 'float32' && this.zeros.has(t.dataId);
  }

  /** Called after data was updated in place. */
  forgetZero(dataId: DataId): void {
    this.zeros.delete(dataId);
  }

  /** `t` again, as a new reference to the same data (what the cpu Identity kernel returns). */
  alias(t: TensorInfo): TensorInfo {
    this.zeroSkips++;
    this.incRef(t.dataId);
    return freeze(t);
  }

  /** `counted`: whether the call shows in `deferred` (not for lazily filled zeros). */
  defer(shape: number[], inputs: TensorInfo[], run: () => TensorInfo, counted = true, sum?: GemmSum): TensorInfo {
    const dataId = super.write(new Float32Array(0), shape, 'float32');
    const held = inputs.map((t) => t.dataId);
    for (const id of held) this.incRef(id);
    this.pending.set(dataId, { run, inputs: held, counted, sum });
    const entry = this.data.get(dataId);
    Object.defineProperty(entry, 'values', {
      configurable: true,
      enumerable: true,
      get: () => this.settle(dataId, entry),
      set: (v: BackendValues) => this.settle(dataId, entry, v),
    });
    return { dataId, shape, dtype: 'float32' };
  }

  /** The sum of products `t` will be, while it is deferred as one. */
  pendingSum(t: TensorInfo): GemmSum | null {
    return this.pending.get(t.dataId)?.sum ?? null;
  }

  /**
   * The first read of a deferred output runs its kernel (a write replaces it unrun); either
   * way the values become plain data and the held inputs are let go.
   */
  private settle(dataId: DataId, entry: { values?: BackendValues }, given?: BackendValues): BackendValues {
    const p = this.pending.get(dataId)!;
    this.pending.delete(dataId);
    let values: BackendValues;
    if (given !== undefined) {
      values = given;
      this.pool.adopt(values);
      if (p.counted) this.deferred.dropped++;
    } else {
      const r = p.run();
      const out = this.data.get(r.dataId);
      if (this.zeros.has(r.dataId)) this.zeros.add(dataId);
      if (out.refCount === 1 && !p.inputs.includes(r.dataId)) {
        values = out.values as BackendValues; // a fresh output: its buffer (already the pool's) moves here
        this.data.delete(r.dataId);
      } else {
        const copy = this.pool.alloc((out.values as Float32Array).length); // the kernel answered with existing data
        copy.set(out.values as Float32Array);
        this.pool.adopt(copy);
        values = copy;
        this.disposeData(r.dataId);
      }
      if (p.counted) this.deferred.run++;
    }
    Object.defineProperty(entry, 'values', { value: values, writable: true, configurable: true, enumerable: true });
    for (const id of p.inputs) this.release(id);
    return values;
  }

  /** Drops one reference this backend took; tells the engine when that freed the data. */
  private release(dataId: DataId): void {
    if (this.disposeData(dataId)) tf.engine().removeDataId(dataId, this);
  }

  override write(values: BackendValues, shape: number[], dtype: tf.DataType): DataId {
    this.pool.adopt(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: tf.DataType, refCount: number): void {
    this.zeros.delete(dataId);
    if (this.pending.has(dataId)) this.drop(dataId);
    this.pool.adopt(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override readSync(dataId: DataId): BackendValues {
    if (this.data.has(dataId)) this.pool.escape(this.data.get(dataId).values);
    return super.readSync(dataId);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const deferred = this.pending.has(dataId);
    // (never read a deferred output's values here: that would compute it)
    const values = !deferred && this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const disposed = super.disposeData(dataId, force);
    if (disposed && !this.data.has(dataId)) {
      if (deferred) this.drop(dataId);
      else if (values !== undefined) this.pool.release(values);
    }
    return disposed;
  }

  /** Forgets a deferred call whose output will never be read. */
  private drop(dataId: DataId): void {
    const p = this.pending.get(dataId)!;
    this.pending.delete(dataId);
    if (p.counted) this.deferred.dropped++;
    for (const id of p.inputs) this.release(id);
  }
}

type Backend = NativeBackend;
interface Args {
  inputs: NamedTensorInfoMap;
  backend: Backend;
  attrs?: NamedAttrMap;
}

const { backend_util, util } = tf;

function f32(backend: Backend, t: TensorInfo | undefined | null): Float32Array | null {
  if (!t || t.dtype !== 'float32') return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

function u8(backend: Backend, t: TensorInfo): Uint8Array | null {
  if (t.dtype !== 'bool') return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Uint8Array ? v : null;
}

function output(backend: Backend, shape: number[], values: Float32Array | Uint8Array, dtype: 'float32' | 'bool' = 'float32'): TensorInfo {
  return backend.makeTensorInfo(shape, dtype, values);
}

const ACTIVATIONS: Record<string, number> = {
  linear: NO_ACTIVATION,
  relu: Unary.Relu,
  relu6: Unary.Relu6,
  leakyrelu: Unary.LeakyRelu,
  sigmoid: Unary.Sigmoid,
  elu: Unary.Elu,
};

/** Activations with f(0) = 0: a fused matMul of zeros without bias stays zero through them. */
const ZERO_PRESERVING = new Set<number | null>([NO_ACTIVATION, Unary.Relu, Unary.Relu6, Unary.LeakyRelu, Unary.Elu]);

function activationCode(activation: unknown): number | null {
  if (activation === undefined || activation === null) return NO_ACTIVATION;
  const code = ACTIVATIONS[activation as string];
  return code === undefined ? null : code;
}

// ---------------------------------------------------------------- matmul

function matmulKernel(addon: NativeAddon, fused: boolean): KernelFunc {
  const fallback = cpuKernel(fused ? tf._FusedMatMul : tf.BatchMatMul);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const a = inputs.a as TensorInfo, b = inputs.b as TensorInfo;
    const transposeA = Boolean(attrs?.transposeA), transposeB = Boolean(attrs?.transposeB);
    let act: number | null = NO_ACTIVATION;
    let alpha = 0;
    let biasv: Float32Array | null = null;
    if (fused) {
      act = activationCode(attrs?.activation);
      alpha = (attrs?.leakyreluAlpha as number | undefined) ?? 0.2;
      const bias = inputs.bias as TensorInfo | undefined;
      if (bias) biasv = f32(backend, bias);
      if (bias && (biasv === null || bias.shape.length !== 1)) act = null;
    }
    const ra = a.shape.length, rb = b.shape.length;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || act === null || ra < 2 || rb < 2) return fallback(args);
    const { m, k, kb, n } = productDims(a, b, transposeA, transposeB);
    const outerA = a.shape.slice(0, -2), outerB = b.shape.slice(0, -2);
    const batchA = util.sizeFromShape(outerA), batchB = util.sizeFromShape(outerB);
    if (k !== kb || (batchA !== batchB && batchA !== 1 && batchB !== 1)) return fallback(args);
    if (biasv !== null && biasv.length !== n) return fallback(args);
    const outer = backend_util.assertAndGetBroadcastShape(outerA, outerB);
    const batch = Math.max(batchA, batchB);
    if (util.sizeFromShape(outer) !== batch) return fallback(args);
    if ((backend.isZero(a) || backend.isZero(b)) && biasv === null && ZERO_PRESERVING.has(act)) {
      return backend.zeroOutput([...outer, m, n]);
    }
    // (values read only now: known zeros are filled on first read, see makeZeros)
    const av = f32(backend, a), bv = f32(backend, b);
    if (av === null || bv === null) return fallback(args);
    const out = backend.pool.alloc(batch * m * n);
    addon.matmul(av, bv, out, batch, m, n, k, transposeA, transposeB,
      batchA === 1 ? 0 : m * k, batchB === 1 ? 0 : k * n, biasv, act, alpha);
    return output(backend, [...outer, m, n], out);
  };
}

// ---------------------------------------------------------------- convolutions

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;
type Rounding = 'floor' | 'round' | 'ceil' | undefined;

function convDims(info: tf.backend_util.Conv2DInfo): Int32Array {
  return Int32Array.from([
    info.batchSize, info.inHeight, info.inWidth, info.inChannels,
    info.filterHeight, info.filterWidth, info.outChannels, info.outHeight, info.outWidth,
    info.strideHeight, info.strideWidth, info.dilationHeight, info.dilationWidth,
    info.padInfo.top, info.padInfo.left,
  ]);
}

function isNHWC(attrs: NamedAttrMap | undefined): boolean {
  const f = attrs?.dataFormat;
  return f === undefined || f === 'NHWC' || f === 'channelsLast';
}

function conv2dKernel(addon: NativeAddon, fused: boolean): KernelFunc {
  const fallback = cpuKernel(fused ? tf.FusedConv2D : tf.Conv2D);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const x = inputs.x as TensorInfo, filter = inputs.filter as TensorInfo;
    if (x.dtype !== 'float32' || filter.dtype !== 'float32' || x.shape.length !== 4 || !isNHWC(attrs)) return fallback(args);
    let act: number | null = NO_ACTIVATION;
    let alpha = 0;
    let biasv: Float32Array | null = null;
    if (fused) {
      act = activationCode(attrs?.activation);
      alpha = (attrs?.leakyreluAlpha as number | undefined) ?? 0.2;
      const bias = inputs.bias as TensorInfo | undefined;
      if (bias) {
        biasv = f32(backend, bias);
        if (biasv === null || biasv.length !== filter.shape[3]) act = null;
      }
      if (act === null) return fallback(args);
    }
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number],
      attrs!.strides as number | [number, number], (attrs!.dilations as number | [number, number] | undefined) ?? 1,
      attrs!.pad as Pad, attrs!.dimRoundingMode as Rounding, false, 'channelsLast');
    const outShape = [info.batchSize, info.outHeight, info.outWidth, info.outChannels];
    if ((backend.isZero(x) || backend.isZero(filter)) && biasv === null && ZERO_PRESERVING.has(act)) {
      return backend.zeroOutput(outShape);
    }
    const xv = f32(backend, x), wv = f32(backend, filter);
    if (xv === null || wv === null) return fallback(args);
    const out = backend.pool.alloc(util.sizeFromShape(outShape));
    addon.conv2d(xv, wv, out, convDims(info), biasv, act, alpha);
    return output(backend, outShape, out);
  };
}

function conv2dBackpropInputKernel(addon: NativeAddon): KernelFunc {
  const fallback = cpuKernel(tf.Conv2DBackpropInput);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const dy = inputs.dy as TensorInfo, filter = inputs.filter as TensorInfo;
    if (dy.dtype !== 'float32' || filter.dtype !== 'float32' || dy.shape.length !== 4 || !isNHWC(attrs)) return fallback(args);
    const inputShape = attrs!.inputShape as [number, number, number, number];
    const info = backend_util.computeConv2DInfo(
      inputShape, filter.shape as [number, number, number, number], attrs!.strides as number | [number, number], 1,
      attrs!.pad as Pad, attrs!.dimRoundingMode as Rounding, false, 'channelsLast');
    if (info.outHeight !== dy.shape[1] || info.outWidth !== dy.shape[2]) return fallback(args);
    if (backend.isZero(dy) || backend.isZero(filter)) return backend.zeroOutput([...inputShape]);
    const dyv = f32(backend, dy), wv = f32(backend, filter);
    if (dyv === null || wv === null) return fallback(args);
    const out = backend.pool.alloc(util.sizeFromShape(inputShape));
    addon.conv2dBackpropInput(dyv, wv, out, convDims(info));
    return output(backend, [...inputShape], out);
  };
}

function conv2dBackpropFilterKernel(addon: NativeAddon): KernelFunc {
  const fallback = cpuKernel(tf.Conv2DBackpropFilter);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const x = inputs.x as TensorInfo, dy = inputs.dy as TensorInfo;
    if (x.dtype !== 'float32' || dy.dtype !== 'float32' || x.shape.length !== 4 || !isNHWC(attrs)) return fallback(args);
    const filterShape = attrs!.filterShape as [number, number, number, number];
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filterShape, attrs!.strides as number | [number, number], 1,
      attrs!.pad as Pad, attrs!.dimRoundingMode as Rounding, false, 'channelsLast');
    if (info.outHeight !== dy.shape[1] || info.outWidth !== dy.shape[2]) return fallback(args);
    if (backend.isZero(x) || backend.isZero(dy)) return backend.zeroOutput([...filterShape]);
    const xv = f32(backend, x), dyv = f32(backend, dy);
    if (xv === null || dyv === null) return fallback(args);
    const out = backend.pool.alloc(util.sizeFromShape(filterShape));
    addon.conv2dBackpropFilter(xv, dyv, out, convDims(info));
    return output(backend, [...filterShape], out);
  };
}

// ---------------------------------------------------------------- elementwise

function unaryKernel(addon: NativeAddon, name: string, op: Unary, alphaAttr?: string): KernelFunc {
  const fallback = cpuKernel(name);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const x = inputs.x as TensorInfo;
    const xv = f32(backend, x);
    if (xv === null) return fallback(args);
    const alpha = alphaAttr ? Number(attrs?.[alphaAttr] ?? (op === Unary.Step ? 0 : 0.2)) : 0;
    const out = backend.pool.alloc(xv.length);
    addon.unary(op, xv, out, alpha);
    return output(backend, x.shape.slice(), out);
  };
}

function binaryKernel(addon: NativeAddon, name: string, op: Binary): KernelFunc {
  const fallback = cpuKernel(name);
  const compare = op >= Binary.Greater;
  return (args) => {
    const { inputs, backend } = args as unknown as Args;
    const a = (inputs.a ?? inputs.x) as TensorInfo, b = (inputs.b ?? inputs.alpha) as TensorInfo;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || util.sizeFromShape(a.shape) === 0 ||
        util.sizeFromShape(b.shape) === 0 || a.shape.length > 8 || b.shape.length > 8) {
      return fallback(args);
    }
    const bc = broadcast(a.shape, b.shape);
    if (bc.shape.length > 8) return fallback(args);
    const za = backend.isZero(a), zb = backend.isZero(b);
    if (za || zb) {
      const sameAsOut = (t: TensorInfo) => util.arraysEqual(t.shape, bc.outShape);
      if (op === Binary.Mul) return backend.zeroOutput(bc.outShape.slice());
      if (op === Binary.Add && za && sameAsOut(b)) return backend.alias(b);
      if ((op === Binary.Add || op === Binary.Sub) && zb && sameAsOut(a)) return backend.alias(a);
    }
    if (op === Binary.Add && backend.deferSums && util.arraysEqual(a.shape, b.shape)) {
      const sum = deferredSum(addon, backend, a, b);
      if (sum !== null) return sum;
    }
    const av = f32(backend, a), bv = f32(backend, b);
    if (av === null || bv === null) return fallback(args);
    const size = util.sizeFromShape(bc.outShape);
    const out = compare ? new Uint8Array(size) : backend.pool.alloc(size);
    addon.binary(op, av, bv, out, bc.shape, bc.aStrides, bc.bStrides);
    return output(backend, bc.outShape.slice(), out, compare ? 'bool' : 'float32');
  };
}

/**
 * a + b as one deferred sum of products (see GemmSum) when one of them is such a sum and
 * the other is too or is a plain tensor (at most one plain tensor per sum), else null.
 * The products are computed in order, each after the first accumulating into the output
 * (so two products of depth at most 256 round exactly as their Add would), then the plain
 * tensor is added.
 */
function deferredSum(addon: NativeAddon, backend: Backend, a: TensorInfo, b: TensorInfo): TensorInfo | null {
  const sa = backend.pendingSum(a), sb = backend.pendingSum(b);
  let sum: GemmSum;
  if (sa !== null && sb !== null) {
    if (sa.base !== null && sb.base !== null) return null;
    sum = { terms: [...sa.terms, ...sb.terms], base: sa.base ?? sb.base };
  } else if (sa !== null) {
    if (sa.base !== null) return null;
    sum = { terms: sa.terms, base: freeze(b) };
  } else if (sb !== null) {
    if (sb.base !== null) return null;
    sum = { terms: sb.terms, base: freeze(a) };
  } else {
    return null;
  }
  const shape = a.shape.slice();
  const held = sum.terms.flatMap((t) => [t.a, t.b]);
  if (sum.base !== null) held.push(sum.base);
  // float32 data is a Float32Array but for data a user wrote as a plain array
  const values = (t: TensorInfo) => f32(backend, t) ?? Float32Array.from(backend.data.get(t.dataId).values as ArrayLike<number>);
  backend.deferred.sums++;
  return backend.defer(shape, held, () => {
    const out = backend.pool.alloc(util.sizeFromShape(shape));
    sum.terms.forEach((t, i) => {
      addon.matmul(values(t.a), values(t.b), out, 1, t.m, t.n, t.k, t.transposeA, t.transposeB, 0, 0,
        null, NO_ACTIVATION, 0, i > 0);
    });
    if (sum.base !== null) {
      const bc = broadcast(shape, shape);
      addon.binary(Binary.Add, out, values(sum.base), out, bc.shape, bc.aStrides, bc.bStrides);
    }
    return output(backend, shape, out);
  }, true, sum);
}

function selectKernel(addon: NativeAddon): KernelFunc {
  const fallback = cpuKernel(tf.Select);
  return (args) => {
    const { inputs, backend } = args as unknown as Args;
    const c = inputs.condition as TensorInfo, t = inputs.t as TensorInfo, e = inputs.e as TensorInfo;
    const cv = u8(backend, c), tv = f32(backend, t), ev = f32(backend, e);
    if (cv === null || tv === null || ev === null || tv.length !== ev.length || cv.length === 0) return fallback(args);
    const sameShape = util.arraysEqual(c.shape, t.shape);
    const rowSelect = c.shape.length === 1 && t.shape.length > 1 && c.shape[0] === t.shape[0];
    if (!sameShape && !rowSelect) return fallback(args);
    const out = backend.pool.alloc(tv.length);
    addon.select(cv, tv, ev, out, sameShape ? 1 : tv.length / cv.length);
    return output(backend, t.shape.slice(), out);
  };
}

function addNKernel(addon: NativeAddon): KernelFunc {
  const fallback = cpuKernel(tf.AddN);
  return (args) => {
    const { inputs, backend } = args as unknown as Args;
    const tensors = Object.keys(inputs).map((k) => inputs[k] as TensorInfo);
    if (tensors.length === 0 || tensors.some((t) => t.dtype !== 'float32') ||
        tensors.some((t) => !util.arraysEqual(t.shape, tensors[0].shape))) {
      return fallback(args);
    }
    const nonZero = tensors.filter((t) => !backend.isZero(t));
    if (nonZero.length === 0) return backend.zeroOutput(tensors[0].shape);
    if (nonZero.length === 1) return backend.alias(nonZero[0]);
    const values = nonZero.map((t) => f32(backend, t));
    if (values.some((v) => v === null)) return fallback(args);
    const out = backend.pool.alloc(util.sizeFromShape(tensors[0].shape));
    addon.addN(values as Float32Array[], out);
    return output(backend, tensors[0].shape.slice(), out);
  };
}

/**
 * Tile with block copies, one axis at a time from the last (the cpu kernel computes an
 * index per element). Plain JavaScript: the copies are memcpy inside TypedArray.set.
 */
function tileKernel(): KernelFunc {
  const fallback = cpuKernel(tf.Tile);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const x = inputs.x as TensorInfo;
    const reps = attrs!.reps as number[];
    const v = backend.data.get(x.dataId).values;
    if (!(v instanceof Float32Array || v instanceof Int32Array || v instanceof Uint8Array) || reps.length !== x.shape.length) {
      return fallback(args);
    }
    type Arr = Float32Array | Int32Array | Uint8Array;
    let cur: Arr = v;
    const shape = x.shape.slice();
    for (let d = shape.length - 1; d >= 0; d--) {
      const r = reps[d];
      if (r === 1) continue;
      const block = util.sizeFromShape(shape.slice(d));
      const outer = util.sizeFromShape(shape.slice(0, d));
      const next: Arr = new (cur.constructor as { new (n: number): Arr })(outer * block * r);
      for (let o = 0; o < outer; o++) {
        const src = cur.subarray(o * block, (o + 1) * block);
        for (let k = 0; k < r; k++) {
          const at = (o * r + k) * block;
          if (block >= 16) next.set(src, at);
          else for (let i = 0; i < block; i++) next[at + i] = src[i];
        }
      }
      cur = next;
      shape[d] *= r;
    }
    if (cur === v) cur = v.slice();
    return backend.makeTensorInfo(shape, x.dtype, cur);
  };
}

/** ZerosLike, OnesLike and Fill from the buffer pool (the cpu kernels allocate afresh). */
function constantKernel(name: string): KernelFunc {
  const fallback = cpuKernel(name);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const x = inputs.x as TensorInfo | undefined;
    const shape = name === tf.Fill ? (attrs!.shape as number[]) : x!.shape;
    const dtype = name === tf.Fill ? ((attrs!.dtype as string | undefined) ?? 'float32') : x!.dtype;
    if (dtype !== 'float32') return fallback(args);
    const value = name === tf.ZerosLike ? 0 : name === tf.OnesLike ? 1 : Number(attrs!.value);
    if (value === 0 && !Object.is(value, -0)) return backend.makeZeros(shape.slice());
    const out = backend.pool.alloc(util.sizeFromShape(shape));
    out.fill(value);
    return output(backend, shape.slice(), out);
  };
}

// ---------------------------------------------------------------- reductions

function reduceKernel(addon: NativeAddon, name: string, op: Reduce): KernelFunc {
  const fallback = cpuKernel(name);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const x = inputs.x as TensorInfo;
    if (x.dtype !== 'float32' || util.sizeFromShape(x.shape) === 0) return fallback(args);
    const axes = util.parseAxisParam((attrs!.axis ?? attrs!.reductionIndices) as number | number[], x.shape).sort((p, q) => p - q);
    if (axes.length === 0) return fallback(args);
    for (let i = 1; i < axes.length; i++) if (axes[i] !== axes[i - 1] + 1) return fallback(args);
    const first = axes[0], last = axes[axes.length - 1];
    const outer = util.sizeFromShape(x.shape.slice(0, first));
    const red = util.sizeFromShape(x.shape.slice(first, last + 1));
    const inner = util.sizeFromShape(x.shape.slice(last + 1));
    const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
    const shape = attrs!.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
    if ((op === Reduce.Sum || op === Reduce.Mean) && backend.isZero(x)) return backend.zeroOutput(shape);
    const xv = f32(backend, x);
    if (xv === null) return fallback(args);
    const out = backend.pool.alloc(outer * inner);
    addon.reduce(op, xv, out, outer, red, inner);
    return output(backend, shape, out);
  };
}

function batchNormKernel(addon: NativeAddon): KernelFunc {
  const fallback = cpuKernel(tf.FusedBatchNorm);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const x = inputs.x as TensorInfo;
    const xv = f32(backend, x);
    const mean = f32(backend, inputs.mean as TensorInfo), variance = f32(backend, inputs.variance as TensorInfo);
    const offsetT = inputs.offset as TensorInfo | undefined, scaleT = inputs.scale as TensorInfo | undefined;
    const offset = offsetT ? f32(backend, offsetT) : null, scale = scaleT ? f32(backend, scaleT) : null;
    const ch = x.shape[x.shape.length - 1];
    const fits = (v: Float32Array | null, present: boolean) => (present ? v !== null && v.length === ch : true);
    if (xv === null || xv.length === 0 || !fits(mean, true) || !fits(variance, true) ||
        !fits(offset, offsetT !== undefined) || !fits(scale, scaleT !== undefined)) {
      return fallback(args);
    }
    const eps = (attrs?.varianceEpsilon as number | undefined) ?? 0.001;
    const out = backend.pool.alloc(xv.length);
    addon.batchNorm(xv, out, ch, mean!, variance!, offset, scale, eps);
    return output(backend, x.shape.slice(), out);
  };
}

// ---------------------------------------------------------------- registration

function nativeKernels(addon: NativeAddon): KernelConfig[] {
  const k = (kernelName: string, kernelFunc: KernelFunc): KernelConfig => ({ kernelName, backendName: NATIVE_BACKEND, kernelFunc });
  return [
    k(tf.BatchMatMul, deferrable(matmulKernel(addon, false), matmulShape, matmulTerm)),
    k(tf._FusedMatMul, matmulKernel(addon, true)),
    k(tf.Conv2D, conv2dKernel(addon, false)),
    k(tf.FusedConv2D, conv2dKernel(addon, true)),
    k(tf.Conv2DBackpropInput, deferrable(conv2dBackpropInputKernel(addon), backpropInputShape)),
    k(tf.Conv2DBackpropFilter, deferrable(conv2dBackpropFilterKernel(addon), backpropFilterShape)),
    k(tf.Relu, unaryKernel(addon, tf.Relu, Unary.Relu)),
    k(tf.Relu6, unaryKernel(addon, tf.Relu6, Unary.Relu6)),
    k(tf.LeakyRelu, unaryKernel(addon, tf.LeakyRelu, Unary.LeakyRelu, 'alpha')),
    k(tf.Sigmoid, unaryKernel(addon, tf.Sigmoid, Unary.Sigmoid)),
    k(tf.Tanh, unaryKernel(addon, tf.Tanh, Unary.Tanh)),
    k(tf.Exp, unaryKernel(addon, tf.Exp, Unary.Exp)),
    k(tf.Log, unaryKernel(addon, tf.Log, Unary.Log)),
    k(tf.Log1p, unaryKernel(addon, tf.Log1p, Unary.Log1p)),
    k(tf.Neg, unaryKernel(addon, tf.Neg, Unary.Neg)),
    k(tf.Square, unaryKernel(addon, tf.Square, Unary.Square)),
    k(tf.Sqrt, unaryKernel(addon, tf.Sqrt, Unary.Sqrt)),
    k(tf.Rsqrt, unaryKernel(addon, tf.Rsqrt, Unary.Rsqrt)),
    k(tf.Abs, unaryKernel(addon, tf.Abs, Unary.Abs)),
    k(tf.Softplus, unaryKernel(addon, tf.Softplus, Unary.Softplus)),
    k(tf.Elu, unaryKernel(addon, tf.Elu, Unary.Elu)),
    k(tf.Reciprocal, unaryKernel(addon, tf.Reciprocal, Unary.Reciprocal)),
    k(tf.Step, unaryKernel(addon, tf.Step, Unary.Step, 'alpha')),
    k(tf.Selu, unaryKernel(addon, tf.Selu, Unary.Selu)),
    k(tf.Add, binaryKernel(addon, tf.Add, Binary.Add)),
    k(tf.Sub, binaryKernel(addon, tf.Sub, Binary.Sub)),
    k(tf.Multiply, binaryKernel(addon, tf.Multiply, Binary.Mul)),
    k(tf.RealDiv, binaryKernel(addon, tf.RealDiv, Binary.Div)),
    k(tf.Maximum, binaryKernel(addon, tf.Maximum, Binary.Max)),
    k(tf.Minimum, binaryKernel(addon, tf.Minimum, Binary.Min)),
    k(tf.SquaredDifference, binaryKernel(addon, tf.SquaredDifference, Binary.SquaredDifference)),
    k(tf.Prelu, binaryKernel(addon, tf.Prelu, Binary.Prelu)),
    k(tf.Greater, binaryKernel(addon, tf.Greater, Binary.Greater)),
    k(tf.GreaterEqual, binaryKernel(addon, tf.GreaterEqual, Binary.GreaterEqual)),
    k(tf.Less, binaryKernel(addon, tf.Less, Binary.Less)),
    k(tf.LessEqual, binaryKernel(addon, tf.LessEqual, Binary.LessEqual)),
    k(tf.Equal, binaryKernel(addon, tf.Equal, Binary.Equal)),
    k(tf.NotEqual, binaryKernel(addon, tf.NotEqual, Binary.NotEqual)),
    k(tf.Select, selectKernel(addon)),
    k(tf.Tile, tileKernel()),
    k(tf.ZerosLike, constantKernel(tf.ZerosLike)),
    k(tf.OnesLike, constantKernel(tf.OnesLike)),
    k(tf.Fill, constantKernel(tf.Fill)),
    k(tf.AddN, addNKernel(addon)),
    k(tf.Sum, deferrable(reduceKernel(addon, tf.Sum, Reduce.Sum), reduceShape)),
    k(tf.Mean, reduceKernel(addon, tf.Mean, Reduce.Mean)),
    k(tf.Max, reduceKernel(addon, tf.Max, Reduce.Max)),
    k(tf.Min, reduceKernel(addon, tf.Min, Reduce.Min)),
    k(tf.FusedBatchNorm, batchNormKernel(addon)),
    activationGradKernelConfig(addon, NATIVE_BACKEND),
    broadcastDivKernelConfig(addon, NATIVE_BACKEND),
    batchNormGradKernelConfig(addon, NATIVE_BACKEND),
    momentsKernelConfig(addon, NATIVE_BACKEND),
    softmaxGradKernelConfig(addon, NATIVE_BACKEND),
    ...attentionKernelConfigs(addon, NATIVE_BACKEND),
    ...layoutKernels(addon).map(([name, f]) => k(name, f)),
  ];
}

/** Names of the kernels the addon implements (the rest are the cpu backend's). */
export function nativeKernelNames(): string[] {
  const addon = loadAddon();
  return addon ? nativeKernels(addon).map((c) => c.kernelName) : [];
}

let registered = false;

/**
 * Registers TF.js backend 'native' (priority 1) when the addon loads; false otherwise.
 * Idempotent. Does not switch to it: call tf.setBackend('native').
 */
export function registerNativeBackend(): boolean {
  if (registered) return true;
  const addon = loadAddon();
  if (addon === null) return false;
  const own = nativeKernels(addon);
  const ownNames = new Set(own.map((c) => c.kernelName));
  for (const config of own) {
    if (!tf.getKernel(config.kernelName, NATIVE_BACKEND)) tf.registerKernel(config);
  }
  for (const config of tf.getKernelsForBackend('cpu')) {
    if (ownNames.has(config.kernelName) || tf.getKernel(config.kernelName, NATIVE_BACKEND)) continue;
    tf.registerKernel({ ...config, backendName: NATIVE_BACKEND, kernelFunc: cpuOnlyKernel(config.kernelName, config.kernelFunc) });
  }
  registerMissingGradients(); // first: the overrides below wrap the gradients it registers
  registerNativeActivationGradients(NATIVE_BACKEND);
  registerNativeReductionGradients(NATIVE_BACKEND);
  registerNativeBatchNormGradient(NATIVE_BACKEND);
  registerNativeSoftmaxGradient(NATIVE_BACKEND);
  registerNativeAttentionGradients();
  applyTfjsPatches(NATIVE_BACKEND, () => {
    const b = tf.engine().backend;
    return b instanceof NativeBackend && b.deferGradients ? b : null;
  });
  tf.registerBackend(NATIVE_BACKEND, () => {
    const backend = new NativeBackend();
    // MathBackendCPU suggests installing tfjs-node on first use; this backend is the answer.
    (backend as unknown as { firstUse: boolean }).firstUse = false;
    return backend;
  }, 1);
  registered = true;
  return true;
}
