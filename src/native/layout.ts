/**
 * Kernels that move data without arithmetic (Slice, SplitV, Concat, PadV2, GatherV2) and
 * Softmax, on the addon's strided copy, gather and softmax.
 *
 * The cpu backend computes an index per element for slices that are not one contiguous
 * block (a split of the last axis, a crop of an image) and builds Softmax from five
 * broadcasting kernels: the gradient of a label concatenation (SplitV), DiffAugment's
 * crops, minibatch stddev's extra channel and self-attention's softmax took most of those
 * variants' steps there. Anything else (strings, complex, rank above 8, batched gathers)
 * goes to the cpu kernel of the same name, counted (fallback.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';
import type { LayoutArray, NativeAddon } from './addon.js';
import type { NativeBackend } from './backend.js';
import { cpuKernel } from './fallback.js';

const { backend_util, slice_util, util } = tf;

interface Args {
  inputs: NamedTensorInfoMap;
  backend: NativeBackend;
  attrs?: NamedAttrMap;
}

const MAX_RANK = 8;

/** Element strides of a row-major array of `shape` (the last axis contiguous). */
function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  let acc = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d] = acc;
    acc *= shape[d];
  }
  return s;
}

/** x's values when the addon can move them (4- or 1-byte numbers), else null. */
function layoutValues(backend: NativeBackend, t: TensorInfo): LayoutArray | null {
  const v = backend.data.get(t.dataId).values;
  if (t.dtype === 'float32') return v instanceof Float32Array ? v : null;
  if (t.dtype === 'int32') return v instanceof Int32Array ? v : null;
  if (t.dtype === 'bool') return v instanceof Uint8Array ? v : null;
  return null;
}

/** A fresh output array of `size` elements for `dtype` (float32 from the buffer pool). */
function allocFor(backend: NativeBackend, dtype: tf.DataType, size: number, zero = false): LayoutArray {
  if (dtype === 'float32') return backend.pool.alloc(size, zero);
  return dtype === 'int32' ? new Int32Array(size) : new Uint8Array(size);
}

const i32 = (xs: readonly number[]) => Int32Array.from(xs);

/** Copies the block of x at `begin` of `size` into a fresh tensor. */
function sliceOf(addon: NativeAddon, backend: NativeBackend, x: TensorInfo, xv: LayoutArray, begin: number[], size: number[]): TensorInfo {
  const n = util.sizeFromShape(size);
  if (backend.isZero(x)) return backend.makeZeros(size);
  const out = allocFor(backend, x.dtype, n);
  if (n > 0) {
    const st = stridesOf(x.shape);
    const offset = begin.reduce((acc, b, d) => acc + b * st[d], 0);
    addon.copy(xv, out, i32(size), i32(st), i32(stridesOf(size)), offset, 0);
  }
  return backend.makeTensorInfo(size, x.dtype, out);
}

function sliceKernel(addon: NativeAddon): KernelFunc {
  const fallback = cpuKernel(tf.Slice);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const x = inputs.x as TensorInfo;
    const xv = layoutValues(backend, x);
    if (xv === null || x.shape.length === 0 || x.shape.length > MAX_RANK) return fallback(args);
    const [begin, size] = slice_util.parseSliceParams(x, attrs!.begin as number[], attrs!.size as number[]);
    slice_util.assertParamsValid(x, begin, size);
    return sliceOf(addon, backend, x, xv, begin, size);
  };
}

function splitKernel(addon: NativeAddon): KernelFunc {
  const fallback = cpuKernel(tf.SplitV);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const x = inputs.x as TensorInfo;
    const xv = layoutValues(backend, x);
    if (xv === null || x.shape.length === 0 || x.shape.length > MAX_RANK) return fallback(args);
    const axis = util.parseAxisParam(attrs!.axis as number, x.shape)[0];
    const sizes = backend_util.prepareSplitSize(x, attrs!.numOrSizeSplits as number[] | number, axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((s) => {
      const size = x.shape.slice();
      size[axis] = s;
      const part = sliceOf(addon, backend, x, xv, begin.slice(), size);
      begin[axis] += s;
      return part;
    }) as unknown as TensorInfo;
  };
}

function concatKernel(addon: NativeAddon): KernelFunc {
  const fallback = cpuKernel(tf.Concat);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const all = Object.keys(inputs).map((k) => inputs[k] as TensorInfo);
    if (all.length === 0) return fallback(args);
    const dtype = all[0].dtype;
    const rank = all[0].shape.length;
    if (rank === 0 || rank > MAX_RANK || all.some((t) => t.dtype !== dtype || t.shape.length !== rank)) return fallback(args);
    const axis = util.parseAxisParam(attrs!.axis as number, all[0].shape)[0];
    const outShape = backend_util.computeOutShape(all.map((t) => t.shape), axis);
    const parts = all.filter((t) => util.sizeFromShape(t.shape) > 0);
    const values = parts.map((t) => layoutValues(backend, t));
    if (values.some((v) => v === null)) return fallback(args);
    const out = allocFor(backend, dtype, util.sizeFromShape(outShape));
    const outStrides = i32(stridesOf(outShape));
    let at = 0;
    for (const t of all) {
      const i = parts.indexOf(t);
      if (i >= 0) addon.copy(values[i]!, out, i32(t.shape), i32(stridesOf(t.shape)), outStrides, 0, at * outStrides[axis]);
      at += t.shape[axis];
    }
    return backend.makeTensorInfo(outShape, dtype, out);
  };
}

function padKernel(addon: NativeAddon): KernelFunc {
  const fallback = cpuKernel(tf.PadV2);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const x = inputs.x as TensorInfo;
    const paddings = attrs!.paddings as Array<[number, number]>;
    const value = Number(attrs!.constantValue ?? 0);
    const xv = layoutValues(backend, x);
    if (xv === null || x.shape.length === 0 || x.shape.length > MAX_RANK || paddings.length !== x.shape.length ||
        paddings.some(([a, b]) => a < 0 || b < 0) || util.sizeFromShape(x.shape) === 0) {
      return fallback(args);
    }
    const outShape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const size = util.sizeFromShape(outShape);
    const zeroFill = value === 0 && !Object.is(value, -0);
    if (zeroFill && backend.isZero(x)) return backend.makeZeros(outShape);
    const out = allocFor(backend, x.dtype, size, zeroFill);
    if (!zeroFill) out.fill(x.dtype === 'bool' ? Number(value !== 0) : value);
    const outStrides = stridesOf(outShape);
    const offset = paddings.reduce((acc, [before], d) => acc + before * outStrides[d], 0);
    addon.copy(xv, out, i32(x.shape), i32(stridesOf(x.shape)), i32(outStrides), 0, offset);
    return backend.makeTensorInfo(outShape, x.dtype, out);
  };
}

function gatherKernel(addon: NativeAddon): KernelFunc {
  const fallback = cpuKernel(tf.GatherV2);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const x = inputs.x as TensorInfo, indices = inputs.indices as TensorInfo;
    const batchDims = (attrs!.batchDims as number | undefined) ?? 0;
    const xv = layoutValues(backend, x);
    const iv = backend.data.get(indices.dataId).values;
    if (xv === null || batchDims !== 0 || x.shape.length === 0 || !(iv instanceof Int32Array)) return fallback(args);
    const axis = util.parseAxisParam(attrs!.axis as number, x.shape)[0];
    const axisDim = x.shape[axis];
    // (an index out of range is the cpu kernel's error to give)
    for (let i = 0; i < iv.length; i++) if (iv[i] < 0 || iv[i] >= axisDim) return fallback(args);
    const outer = util.sizeFromShape(x.shape.slice(0, axis));
    const inner = util.sizeFromShape(x.shape.slice(axis + 1));
    const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out = allocFor(backend, x.dtype, outer * iv.length * inner);
    if (out.length > 0) addon.gather(xv, out, iv, outer, axisDim, inner);
    return backend.makeTensorInfo(outShape, x.dtype, out);
  };
}

function softmaxKernel(addon: NativeAddon): KernelFunc {
  const fallback = cpuKernel(tf.Softmax);
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const logits = inputs.logits as TensorInfo;
    const rank = logits.shape.length;
    const v = backend.data.get(logits.dataId).values;
    if (logits.dtype !== 'float32' || !(v instanceof Float32Array) || rank === 0 || v.length === 0) return fallback(args);
    const dim = util.parseAxisParam(attrs!.dim as number, logits.shape)[0];
    if (dim !== rank - 1) return fallback(args);
    const cols = logits.shape[rank - 1];
    const out = backend.pool.alloc(v.length);
    addon.softmax(v, out, v.length / cols, cols);
    return backend.makeTensorInfo(logits.shape.slice(), 'float32', out);
  };
}

/** The layout kernels and Softmax, by kernel name. */
export function layoutKernels(addon: NativeAddon): Array<[string, KernelFunc]> {
  return [
    [tf.Slice, sliceKernel(addon)],
    [tf.SplitV, splitKernel(addon)],
    [tf.Concat, concatKernel(addon)],
    [tf.PadV2, padKernel(addon)],
    [tf.GatherV2, gatherKernel(addon)],
    [tf.Softmax, softmaxKernel(addon)],
  ];
}
