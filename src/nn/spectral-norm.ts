import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];

const EPS = 1e-12;

/**
 * ‖x‖₂ as sqrt(Σ x²): the same numbers as tf.norm, whose |x|^2 raises to an int32 power
 * (a Cast, and a Pow kernel that only the cpu backend has, in every power-iteration step
 * and in σ̂'s gradient).
 */
function l2norm(x: tf.Tensor): tf.Scalar {
  return tf.sqrt(tf.sum(tf.square(x))) as tf.Scalar;
}

function l2normalize(x: tf.Tensor): tf.Tensor {
  return tf.div(x, tf.add(l2norm(x), EPS));
}

/**
 * One step of the power iteration on W viewed as a matrix [fanIn, fanOut] (every kernel
 * axis but the last folded into rows, as Miyato et al. 2018 fold conv kernels):
 * v = W u / ‖W u‖, u' = Wᵀ v / ‖Wᵀ v‖. Returns u' of shape [1, fanOut].
 */
export function powerIteration(matrix: tf.Tensor2D, u: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const v = l2normalize(tf.matMul(matrix, u, false, true)); // [fanIn, 1]
    return l2normalize(tf.matMul(v, matrix, true, false)) as tf.Tensor2D; // [1, fanOut]
  });
}

/**
 * σ̂ = ‖W u‖ for a fixed u. With u the top right singular vector this is the largest
 * singular value. Its gradient in W is v uᵀ (v = W u/‖W u‖), the same as that of vᵀ W u
 * with u and v held constant, which is what Miyato et al. differentiate.
 */
export function sigmaEstimate(matrix: tf.Tensor2D, u: tf.Tensor2D): tf.Scalar {
  return tf.tidy(() => l2norm(tf.matMul(matrix, u, false, true)));
}

/**
 * Spectral normalisation (Miyato et al. 2018) for any kernel layer: the kernel is used as
 * W / σ̂(W), σ̂ from one power iteration per training call. u is a non-trainable weight,
 * so it is checkpointed with the model and a resumed run continues the same iteration.
 * In inference calls u is read, not updated.
 */
abstract class SpectralNormalized extends tfl.layers.Layer {
  protected kernel: tfl.LayerVariable | null = null;
  protected bias: tfl.LayerVariable | null = null;
  protected u: tfl.LayerVariable | null = null;
  readonly useBias: boolean;

  constructor(args: LayerArgs & { useBias?: boolean }) {
    super(args);
    this.useBias = args.useBias ?? true;
  }

  protected addSpectralWeights(kernelShape: number[], biasSize: number): void {
    this.kernel = this.addWeight('kernel', kernelShape, 'float32', tfl.initializers.glorotUniform({}), undefined, true);
    if (this.useBias) this.bias = this.addWeight('bias', [biasSize], 'float32', tfl.initializers.zeros(), undefined, true);
    const fanOut = kernelShape[kernelShape.length - 1];
    // Named sn_u, 2D, so gankit's seeded initializer draws it at random (never all zero).
    this.u = this.addWeight('sn_u', [1, fanOut], 'float32', tfl.initializers.randomNormal({ seed: 1 }), undefined, false);
  }

  /** The kernel divided by σ̂; in training calls u takes one power-iteration step first. */
  protected normalizedKernel(training: boolean): tf.Tensor {
    if (!this.kernel || !this.u) throw new Error(`${this.name}: layer used before it was built`);
    const w = this.kernel.read();
    const uVar = this.u.read() as tf.Variable;
    const fanOut = w.shape[w.shape.length - 1];
    const matrix = tf.reshape(w, [-1, fanOut]) as tf.Tensor2D;
    if (training) {
      // The assignment is not on the tape, so no gradient flows into u: u is a constant of
      // σ̂'s gradient, as in the paper.
      const next = powerIteration(matrix, uVar as tf.Tensor2D);
      uVar.assign(next);
      next.dispose();
    }
    return tf.div(w, sigmaEstimate(matrix, uVar as tf.Tensor2D));
  }

  /** σ̂ for the current u (for tests and logging). */
  sigma(): number {
    return tf.tidy(() => {
      if (!this.kernel || !this.u) throw new Error(`${this.name}: layer used before it was built`);
      const w = this.kernel.read();
      return sigmaEstimate(tf.reshape(w, [-1, w.shape[w.shape.length - 1]]) as tf.Tensor2D, this.u.read() as tf.Tensor2D).dataSync()[0];
    });
  }

  protected withBias(y: tf.Tensor): tf.Tensor {
    return this.bias ? tf.add(y, this.bias.read()) : y;
  }

  protected isTraining(kwargs: Kwargs): boolean {
    return kwargs.training === true;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), useBias: this.useBias };
  }
}

function applyActivation(name: 'linear' | 'tanh' | 'sigmoid', y: tf.Tensor): tf.Tensor {
  if (name === 'tanh') return tf.tanh(y);
  if (name === 'sigmoid') return tf.sigmoid(y);
  return y;
}

export type SnActivation = 'linear' | 'tanh' | 'sigmoid';

export interface SpectralDenseArgs extends LayerArgs {
  units: number;
  useBias?: boolean;
  activation?: SnActivation;
}

/** A dense layer with a spectrally normalised kernel. */
export class SpectralDense extends SpectralNormalized {
  static className = 'GankitSpectralDense';
  readonly units: number;
  readonly activation: SnActivation;

  constructor(args: SpectralDenseArgs) {
    super(args);
    this.units = args.units;
    this.activation = args.activation ?? 'linear';
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const inDim = shape[shape.length - 1];
    if (inDim === null) throw new Error(`${this.name}: the last input dimension must be known`);
    this.addSpectralWeights([inDim, this.units], this.units);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const w = this.normalizedKernel(this.isTraining(kwargs)) as tf.Tensor2D;
      return applyActivation(this.activation, this.withBias(tf.matMul(x as tf.Tensor2D, w)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, activation: this.activation };
  }
}

export interface SpectralConv2DArgs extends LayerArgs {
  filters: number;
  kernelSize: number;
  strides?: number;
  padding?: 'same' | 'valid';
  useBias?: boolean;
  /** A transposed convolution (upsampling, as in G) instead of a convolution. */
  transpose?: boolean;
  activation?: SnActivation;
}

/**
 * A conv2d (or conv2dTranspose) layer, NHWC, with a spectrally normalised kernel. The
 * kernel is [k, k, in, filters] for a convolution and [k, k, filters, in] for a transposed
 * one (TF's layouts); the power iteration folds every axis but the last into rows.
 */
export class SpectralConv2D extends SpectralNormalized {
  static className = 'GankitSpectralConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly strides: number;
  readonly padding: 'same' | 'valid';
  readonly transpose: boolean;
  readonly activation: SnActivation;

  constructor(args: SpectralConv2DArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.strides = args.strides ?? 1;
    this.padding = args.padding ?? 'same';
    this.transpose = args.transpose ?? false;
    this.activation = args.activation ?? 'linear';
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const cin = shape[3];
    if (shape.length !== 4 || cin === null) throw new Error(`${this.name}: needs NHWC input with known channels; got [${shape}]`);
    const k = this.kernelSize;
    this.addSpectralWeights(this.transpose ? [k, k, this.filters, cin] : [k, k, cin, this.filters], this.filters);
    this.built = true;
  }

  private outSize(n: number | null): number | null {
    if (n === null) return null;
    if (this.transpose) return this.padding === 'same' ? n * this.strides : (n - 1) * this.strides + this.kernelSize;
    return this.padding === 'same' ? Math.ceil(n / this.strides) : Math.ceil((n - this.kernelSize + 1) / this.strides);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    return [shape[0], this.outSize(shape[1]), this.outSize(shape[2]), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const w = this.normalizedKernel(this.isTraining(kwargs)) as tf.Tensor4D;
      let y: tf.Tensor4D;
      if (this.transpose) {
        const [n, h, wd] = x.shape;
        const out: [number, number, number, number] = [n, this.outSize(h) as number, this.outSize(wd) as number, this.filters];
        y = tf.conv2dTranspose(x, w, out, this.strides, this.padding);
      } else {
        y = tf.conv2d(x, w, this.strides, this.padding);
      }
      return applyActivation(this.activation, this.withBias(y));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return {
      ...super.getConfig(),
      filters: this.filters,
      kernelSize: this.kernelSize,
      strides: this.strides,
      padding: this.padding,
      transpose: this.transpose,
      activation: this.activation,
    };
  }
}

tf.serialization.registerClass(SpectralDense);
tf.serialization.registerClass(SpectralConv2D);

/** Every spectrally normalised layer of a model (to read σ̂ in tests and logs). */
export function spectralLayers(model: tfl.LayersModel): SpectralNormalized[] {
  return model.layers.filter((l): l is SpectralNormalized => l instanceof SpectralNormalized);
}

export type { SpectralNormalized };
