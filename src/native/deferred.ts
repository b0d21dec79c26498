/**
 * Deferred gradient kernels: kernels run inside a custom gradient's function are computed
 * when their output is first read, and never when it is disposed unread.
 *
 * Why: TF.js's fused ops (`_FusedMatMul`, `FusedConv2D`: tfjs-layers' dense and conv
 * layers in training whenever their own activation is linear, as when an activation layer
 * follows) define their gradients with `customGrad`, whose gradient function must return
 * every input's gradient at once. The tape then keeps only the ones on the path to the
 * variables being trained and disposes the rest. So a generator step computes every
 * discriminator weight gradient and throws it away, a discriminator step computes the
 * gradient of its input images, and a gradient penalty's inner gradient computes all the
 * weight gradients too: about 14% of mlp-mnist's GEMM FLOPs, 8% of dcgan-mnist's.
 * PyTorch's autograd skips them (`needs_input_grad`). Deferring the GEMM,
 * convolution-gradient and reduction kernels of those functions skips them here, with the
 * same kernels and the same numbers for every gradient that is used.
 *
 * How: a deferred kernel's output is backend data whose `values` is a getter. Every reader
 * (kernels, dataSync, the optimizers) goes through `backend.data.get(id).values`, so the
 * first read runs the kernel. Its inputs are held by reference count until then, so they
 * are neither freed nor reused, and an optimizer that updates a variable in place (only
 * when its reference count is 1) does not touch one a deferred kernel will read. The inputs
 * are frozen as {dataId, shape, dtype} when the call is deferred: a Variable is the same
 * object after assign() gives it new data, and the deferred call must read the old.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelFunc, NamedAttrMap, NamedTensorInfoMap, TensorInfo } from '@tensorflow/tfjs-core';


/** The backend side: implemented by NativeBackend. */
export interface DeferringBackend {
  /** > 0 while a custom gradient's function runs. */
  deferDepth: number;
  /** Whether `t` is known to hold only zeros (then the kernel answers at once, for free). */
  isZero(t: TensorInfo): boolean;
  /**
   * An output of `shape` whose values `run` computes on first read; holds `inputs` until then.
   * `sum`: what `run` computes, when it is a sum of products (see GemmSum).
   */
  defer(shape: number[], inputs: TensorInfo[], run: () => TensorInfo, counted?: boolean, sum?: GemmSum): TensorInfo;
}

/** A rank-2 product op(a) op(b) of [m x k] and [k x n] operands (op: transposed or not). */
export interface GemmTerm {
  a: TensorInfo;
  b: TensorInfo;
  transposeA: boolean;
  transposeB: boolean;
  m: number;
  n: number;
  k: number;
}

/**
 * A deferred sum of products, plus at most one plain tensor: what TF.js's backward pass
 * builds when a weight's gradient has several contributions (a critic's on real and on fake
 * data, a gradient penalty's) and adds them with Add kernels. Kept deferred, it is computed
 * as one output that each product after the first accumulates into (no Add kernels, no
 * buffer per product). The products' inputs are frozen like any deferred call's.
 */
export interface GemmSum {
  terms: GemmTerm[];
  base: TensorInfo | null;
}

/** The product a deferred kernel call computes, when it is one (for sums), else null. */
export type DescribeTerm = (inputs: NamedTensorInfoMap, attrs: NamedAttrMap | undefined) => GemmTerm | null;

interface Args {
  inputs: NamedTensorInfoMap;
  backend: DeferringBackend;
  attrs?: NamedAttrMap;
}

/** The output shape of a kernel call when it may be deferred (float32 in and out), else null. */
export type DeferredShape = (inputs: NamedTensorInfoMap, attrs: NamedAttrMap | undefined) => number[] | null;

/**
 * `kernel`, deferred when called inside a custom gradient's function and `shape` allows it.
 * `describe` tells what product it computes, so that an Add of it may defer as a GemmSum.
 */
export function deferrable(kernel: KernelFunc, shape: DeferredShape, describe?: DescribeTerm): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    if (backend.deferDepth === 0) return kernel(args);
    if (Object.values(inputs).some((t) => t != null && t.dtype !== 'float32')) return kernel(args);
    // A known-zero input makes the answer known zeros at no cost; deferring would hide
    // that mark from the kernels downstream until they had already read the values.
    if (Object.values(inputs).some((t) => t != null && backend.isZero(t))) return kernel(args);
    const out = shape(inputs, attrs);
    if (out === null) return kernel(args);
    // The inputs as they are now: a Variable passed in is the same object after an
    // assign() that gives it new data, and the deferred call must read the old.
    const frozen: NamedTensorInfoMap = {};
    const held: TensorInfo[] = [];
    for (const [name, t] of Object.entries(inputs)) {
      if (t == null) continue;
      frozen[name] = freeze(t);
      held.push(frozen[name]);
    }
    const term = describe?.(frozen, attrs) ?? null;
    return backend.defer(out, held, () => kernel({ ...args, inputs: frozen }) as TensorInfo, true,
      term === null ? undefined : { terms: [term], base: null });
  };
}

const { backend_util, util } = tf;

/** `t` as a new TensorInfo of the same data, unaffected by later changes to `t` itself. */
export function freeze(t: TensorInfo): TensorInfo {
  return { dataId: t.dataId, shape: t.shape.slice(), dtype: t.dtype };
}

/**
 * The product op(a) op(b) of two operands of rank 2 or more: rows m, depth k (a's) and kb
 * (b's, equal to k when the shapes agree), columns n.
 */
export function productDims(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean) {
  const ra = a.shape.length, rb = b.shape.length;
  return {
    m: transposeA ? a.shape[ra - 1] : a.shape[ra - 2],
    k: transposeA ? a.shape[ra - 2] : a.shape[ra - 1],
    kb: transposeB ? b.shape[rb - 1] : b.shape[rb - 2],
    n: transposeB ? b.shape[rb - 2] : b.shape[rb - 1],
  };
}

/** BatchMatMul: [...broadcast batch dims, m, n]. */
export const matmulShape: DeferredShape = (inputs, attrs) => {
  const a = inputs.a as TensorInfo, b = inputs.b as TensorInfo;
  if (a.shape.length < 2 || b.shape.length < 2) return null;
  const { m, n } = productDims(a, b, Boolean(attrs?.transposeA), Boolean(attrs?.transposeB));
  try {
    return [...backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2)), m, n];
  } catch {
    return null; // let the kernel raise its own error now
  }
};

/** BatchMatMul of rank-2 operands (or a batch of one): one product. */
export const matmulTerm: DescribeTerm = (inputs, attrs) => {
  const a = inputs.a as TensorInfo, b = inputs.b as TensorInfo;
  if (util.sizeFromShape(a.shape.slice(0, -2)) !== 1 || util.sizeFromShape(b.shape.slice(0, -2)) !== 1) return null;
  const transposeA = Boolean(attrs?.transposeA), transposeB = Boolean(attrs?.transposeB);
  const { m, k, kb, n } = productDims(a, b, transposeA, transposeB);
  return k === kb ? { a, b, transposeA, transposeB, m, n, k } : null;
};

export const backpropInputShape: DeferredShape = (_inputs, attrs) => (attrs?.inputShape as number[] | undefined)?.slice() ?? null;
export const backpropFilterShape: DeferredShape = (_inputs, attrs) => (attrs?.filterShape as number[] | undefined)?.slice() ?? null;

/** Sum over attrs.axis, keepDims respected. */
export const reduceShape: DeferredShape = (inputs, attrs) => {
  const x = inputs.x as TensorInfo;
  const axis = (attrs?.axis ?? attrs?.reductionIndices) as number | number[] | undefined;
  if (axis === undefined) return null;
  const axes = util.parseAxisParam(axis, x.shape);
  const [outShape] = backend_util.computeOutAndReduceShapes(x.shape, axes);
  return attrs?.keepDims ? backend_util.expandShapeToKeepDim(outShape, axes) : outShape;
};

interface CustomGradResult {
  value: tf.Tensor;
  gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => tf.Tensor | tf.Tensor[];
}
type CustomGradFunc = (...args: unknown[]) => CustomGradResult;
interface EngineCustomGrad {
  customGrad(f: CustomGradFunc): (...inputs: tf.Tensor[]) => tf.Tensor;
}

let installed = false;

/**
 * Makes every `customGrad` gradient function run with deferral on when `active()` gives
 * the backend. TF.js's ops reach customGrad through the engine singleton, so wrapping that
 * instance's method covers tfjs-core's fused ops and users' own custom gradients alike.
 */
export function deferCustomGradients(active: () => DeferringBackend | null): void {
  if (installed) return;
  installed = true;
  const engine = tf.engine() as unknown as EngineCustomGrad;
  const original = engine.customGrad.bind(engine);
  engine.customGrad = (f) =>
    original((...args: unknown[]) => {
      const res = f(...args);
      const gradFunc = res.gradFunc;
      return {
        value: res.value,
        gradFunc: (dy, saved) => {
          const backend = active();
          if (backend === null) return gradFunc(dy, saved);
          backend.deferDepth++;
          try {
            return gradFunc(dy, saved);
          } finally {
            backend.deferDepth--;
          }
        },
      };
    });
}
