/** The functions build/Release/gankit_native.node exports (src/native/csrc/addon.cc). */

/** Unary op codes (csrc/kern.inc UnaryOp). */
export enum Unary {
  Relu = 0, Relu6, LeakyRelu, Sigmoid, Tanh, Exp, Log, Log1p, Neg, Square,
  Sqrt, Rsqrt, Abs, Softplus, Elu, Reciprocal, Step, Linear, Selu,
}

/** Binary op codes (csrc/kern.inc BinaryOp); 16 and above write 0/1 bytes. */
export enum Binary {
  Add = 0, Sub, Mul, Div, Max, Min, SquaredDifference, Prelu,
  Greater = 16, GreaterEqual, Less, LessEqual, Equal, NotEqual,
}

/** Activation-gradient op codes (csrc/kern.inc ActGradOp). */
export enum ActGrad { Relu = 0, LeakyRelu, Tanh, Sigmoid }

export enum Reduce { Sum = 0, Max, Min, Mean }

/** The typed arrays the layout entry points (copy, gather) move: 4- or 1-byte elements. */
export type LayoutArray = Float32Array | Int32Array | Uint8Array;

/** No activation in a fused epilogue. */
export const NO_ACTIVATION = -1;

export interface NativeAddon {
  info(): { isa: 'avx512' | 'avx2' | 'generic'; threads: number; cpus: number; winograd: boolean; supported: Array<'avx512' | 'avx2' | 'generic'> };
  setThreads(n: number): void;
  setIsa(name: string): void;
  /** Winograd F(4x4, 2x2) for stride-2 4x4 convolutions (csrc/winograd.cc); on by default. */
  setWinograd(on: boolean): void;
  matmul(a: Float32Array, b: Float32Array, out: Float32Array, batch: number, m: number, n: number, k: number,
    transposeA: boolean, transposeB: boolean, aBatchStride: number, bBatchStride: number,
    bias: Float32Array | null, activation: number, alpha: number,
    /** out += a * b instead of out = a * b (no bias or activation then) */
    accumulate?: boolean): void;
  /** dims: n, h, w, cin, kh, kw, cout, oh, ow, strideH, strideW, dilationH, dilationW, padTop, padLeft */
  conv2d(x: Float32Array, w: Float32Array, y: Float32Array, dims: Int32Array, bias: Float32Array | null, activation: number, alpha: number): void;
  conv2dBackpropInput(dy: Float32Array, w: Float32Array, dx: Float32Array, dims: Int32Array): void;
  conv2dBackpropFilter(x: Float32Array, dy: Float32Array, dw: Float32Array, dims: Int32Array): void;
  unary(op: number, x: Float32Array, y: Float32Array, alpha: number): void;
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array | Uint8Array, shape: Int32Array, aStrides: Int32Array, bStrides: Int32Array): void;
  /** out = the activation's gradient given dy and x (relu, leaky) or the output y (tanh, sigmoid). */
  activationGrad(op: number, dy: Float32Array, x: Float32Array, out: Float32Array, alpha: number): void;
  select(cond: Uint8Array, a: Float32Array, b: Float32Array, out: Float32Array, inner: number): void;
  reduce(op: number, x: Float32Array, y: Float32Array, outer: number, red: number, inner: number): void;
  batchNorm(x: Float32Array, y: Float32Array, channels: number, mean: Float32Array, variance: Float32Array,
    offset: Float32Array | null, scale: Float32Array | null, eps: number): void;
  /**
   * Every gradient of FusedBatchNorm (channels last) in two passes over the data; with
   * `batchStats` (mean and variance are x's own moments) dx includes the paths through them.
   */
  batchNormGrad(dy: Float32Array, x: Float32Array, mean: Float32Array, variance: Float32Array, scale: Float32Array | null,
    eps: number, channels: number, dx: Float32Array, dmean: Float32Array, dvariance: Float32Array, dscale: Float32Array,
    doffset: Float32Array, batchStats?: boolean): void;
  /** Per-channel mean and biased variance of x [rows, channels]. */
  moments(x: Float32Array, channels: number, mean: Float32Array, variance: Float32Array): void;
  addN(inputs: Float32Array[], out: Float32Array): void;
  /**
   * dst[dstOffset + Σ i·dstStrides] = src[srcOffset + Σ i·srcStrides] over every index i of
   * `shape` (rank 1..8, element strides, same element size).
   */
  copy(src: LayoutArray, dst: LayoutArray, shape: Int32Array, srcStrides: Int32Array, dstStrides: Int32Array,
    srcOffset: number, dstOffset: number): void;
  /** src [outer, axis, inner] -> dst [outer, indices, inner]; every index in [0, axis). */
  gather(src: LayoutArray, dst: LayoutArray, indices: Int32Array, outer: number, axis: number, inner: number): void;
  /** Softmax of each row of x [rows, cols]. */
  softmax(x: Float32Array, y: Float32Array, rows: number, cols: number): void;
  /** dx = the gradient of each row's softmax [rows, cols] given dy and the softmax y. */
  softmaxGrad(y: Float32Array, dy: Float32Array, dx: Float32Array, rows: number, cols: number): void;
  /** y[b] = softmax over rows of q[b] k[b]ᵀ, qk [batch, m, 2d] holding q then k, y [batch, m, m]. */
  attentionSoftmax(qk: Float32Array, y: Float32Array, batch: number, m: number, d: number): void;
  /** dqk: the gradient of y = attentionSoftmax(qk) given dy (y its output). */
  attentionBackward(dy: Float32Array, y: Float32Array, qk: Float32Array, dqk: Float32Array, batch: number, m: number, d: number): void;
  /** dqk, dv: the gradients of o = y v (y = attentionSoftmax(qk), v [batch, m, c]) given dO, through y on to qk. */
  attentionApplyBackward(dO: Float32Array, y: Float32Array, v: Float32Array, qk: Float32Array, dqk: Float32Array, dv: Float32Array,
    batch: number, m: number, d: number, c: number): void;
  adam(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, w2: Float32Array, m2: Float32Array, v2: Float32Array,
    lr: number, beta1: number, beta2: number, eps: number, oneMinusAccBeta1: number, oneMinusAccBeta2: number): void;
  rmsprop(w: Float32Array, g: Float32Array, ms: Float32Array, mg: Float32Array | null, mom: Float32Array,
    w2: Float32Array, ms2: Float32Array, mg2: Float32Array | null, mom2: Float32Array,
    lr: number, decay: number, momentum: number, eps: number, centered: boolean): void;
}
