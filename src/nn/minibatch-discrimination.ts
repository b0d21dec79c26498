import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];

export interface MinibatchDiscriminationArgs extends LayerArgs {
  /** B: number of kernels (output features added). */
  kernels?: number;
  /** C: dimension of each kernel's projection. */
  kernelDim?: number;
}

/**
 * Minibatch discrimination (Salimans et al. 2016, §3.2). For features f(x_i) ∈ R^A and a
 * learned tensor T ∈ R^{A×B×C}: M_i = f(x_i)·T ∈ R^{B×C},
 * c_b(x_i, x_j) = exp(−‖M_{i,b} − M_{j,b}‖₁), o(x_i)_b = Σ_{j≠i} c_b(x_i, x_j);
 * the layer outputs [f(x_i), o(x_i)]. D thus sees how close each sample is to the others
 * in its batch, which penalises a generator that collapses to few points.
 */
export class MinibatchDiscrimination extends tfl.layers.Layer {
  static className = 'GankitMinibatchDiscrimination';
  readonly kernels: number;
  readonly kernelDim: number;
  private t: tfl.LayerVariable | null = null;

  constructor(args: MinibatchDiscriminationArgs = {}) {
    super(args);
    this.kernels = args.kernels ?? 16;
    this.kernelDim = args.kernelDim ?? 8;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const a = shape[shape.length - 1];
    if (shape.length !== 2 || a === null) throw new Error(`minibatch discrimination needs flat features [batch, A]; got [${shape}] (flatten first)`);
    this.t = this.addWeight('minibatch_kernel', [a, this.kernels * this.kernelDim], 'float32', tfl.initializers.randomNormal({ stddev: 0.1 }), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const a = shape[1];
    return [shape[0], a === null ? null : a + this.kernels];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      if (!this.t) throw new Error('minibatch discrimination used before it was built');
      const f = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
      const n = f.shape[0];
      const m = tf.reshape(tf.matMul(f, this.t.read() as tf.Tensor2D), [n, this.kernels, this.kernelDim]);
      // |M_i − M_j| for all pairs: [n, 1, B, C] − [1, n, B, C].
      const l1 = tf.sum(tf.abs(tf.sub(tf.expandDims(m, 1), tf.expandDims(m, 0))), 3); // [n, n, B]
      // Σ_j exp(−L1) counts j = i once with value 1; subtract it.
      const o = tf.sub(tf.sum(tf.exp(tf.neg(l1)), 1), 1); // [n, B]
      return tf.concat([f, o], 1);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), kernels: this.kernels, kernelDim: this.kernelDim };
  }
}

tf.serialization.registerClass(MinibatchDiscrimination);
