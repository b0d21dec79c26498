import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/**
 * The equalised learning rate of Karras et al. (2018, §4.1): weights are stored as draws
 * from N(0, 1) and multiplied at run time by He's constant c = gain / sqrt(fan-in), so
 * every layer's updates have the same dynamic range under Adam's per-weight scaling.
 */
export function heConstant(fanIn: number, gain = Math.SQRT2): number {
  return gain / Math.sqrt(fanIn);
}

/** N(0, 1): how equalised layers initialise their stored kernels. */
const unitNormal = () => tfl.initializers.randomNormal({ mean: 0, stddev: 1 });

export interface EqualizedDenseArgs extends LayerArgs {
  units: number;
  /** √2 for layers followed by (leaky) ReLU, 1 for linear outputs. */
  gain?: number;
}

/** A dense layer with an equalised learning rate: y = x · (c·W) + b. */
export class EqualizedDense extends tfl.layers.Layer {
  static readonly className = 'GankitEqualizedDense';
  readonly units: number;
  readonly gain: number;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;
  /** He's constant for this layer's fan-in, set when the layer is built. */
  scale = 1;

  constructor(args: EqualizedDenseArgs) {
    super(args);
    this.units = args.units;
    this.gain = args.gain ?? Math.SQRT2;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const fanIn = shape[shape.length - 1] as number;
    this.kernel = this.addWeight('kernel', [fanIn, this.units], 'float32', unitNormal());
    this.bias = this.addWeight('bias', [this.units], 'float32', tfl.initializers.zeros());
    this.scale = heConstant(fanIn, this.gain);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.units];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor2D;
    const kernel = this.kernel!.read();
    const bias = this.bias!.read();
    return tf.tidy(() => tf.add(tf.matMul(x, tf.mul(kernel, this.scale) as tf.Tensor2D), bias));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, gain: this.gain };
  }
}
tf.serialization.registerClass(EqualizedDense);

export interface EqualizedConv2DArgs extends LayerArgs {
  filters: number;
  kernelSize: number;
  /** √2 for layers followed by (leaky) ReLU, 1 for linear outputs such as to-RGB. */
  gain?: number;
}

/** A stride-1 'same' convolution with an equalised learning rate: y = x ⊛ (c·W) + b. */
export class EqualizedConv2D extends tfl.layers.Layer {
  static readonly className = 'GankitEqualizedConv2D';
  readonly filters: number;
  readonly kernelSize: number;
  readonly gain: number;
  private kernel: tfl.LayerVariable | null = null;
  private bias: tfl.LayerVariable | null = null;
  scale = 1;

  constructor(args: EqualizedConv2DArgs) {
    super(args);
    this.filters = args.filters;
    this.kernelSize = args.kernelSize;
    this.gain = args.gain ?? Math.SQRT2;
  }

  override build(inputShape: tfl.Shape | tfl.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    const channels = shape[shape.length - 1] as number;
    const k = this.kernelSize;
    this.kernel = this.addWeight('kernel', [k, k, channels, this.filters], 'float32', unitNormal());
    this.bias = this.addWeight('bias', [this.filters], 'float32', tfl.initializers.zeros());
    this.scale = heConstant(k * k * channels, this.gain);
    this.built = true;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tfl.Shape;
    return [...shape.slice(0, -1), this.filters];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
    const kernel = this.kernel!.read();
    const bias = this.bias!.read();
    return tf.tidy(() => tf.add(tf.conv2d(x, tf.mul(kernel, this.scale) as tf.Tensor4D, 1, 'same'), bias));
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), filters: this.filters, kernelSize: this.kernelSize, gain: this.gain };
  }
}
tf.serialization.registerClass(EqualizedConv2D);

/** Whether a layer stores N(0, 1) weights scaled at run time (seeded init must draw N(0, 1) for it). */
export function isEqualized(layer: tfl.layers.Layer): boolean {
  return layer instanceof EqualizedDense || layer instanceof EqualizedConv2D;
}
