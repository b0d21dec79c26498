import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { ATTENTION_SOFTMAX, attentionApply, attentionSoftmax } from '../native/attention.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;
type Kwargs = Record<string, unknown>;
type Shape = (number | null)[];

export interface SelfAttentionArgs extends LayerArgs {
  /** Channels of the query/key projections are channels / reduction (SAGAN uses 8). */
  reduction?: number;
}

/**
 * The self-attention block of SAGAN (Zhang et al. 2019), NHWC:
 * f = x W_f, g = x W_g (1×1 convs to C/8), h = x W_h (1×1 conv to C);
 * β = softmax over positions i of f_iᵀ g_j; o_j = Σ_i β_{j,i} h_i; y = γ·o + x.
 * γ starts at 0, so a freshly built block is the identity and the network first relies
 * on local convolutions, then learns how much non-local evidence to use.
 * The weight is named `attention_scale`, not `gamma`, so initializers that set every
 * batch-norm `gamma` to 1 leave it at 0.
 */
export class SelfAttention2D extends tfl.layers.Layer {
  static className = 'GankitSelfAttention2D';
  readonly reduction: number;
  private wf: tfl.LayerVariable | null = null;
  private wg: tfl.LayerVariable | null = null;
  private wh: tfl.LayerVariable | null = null;
  private scale: tfl.LayerVariable | null = null;

  constructor(args: SelfAttentionArgs = {}) {
    super(args);
    this.reduction = args.reduction ?? 8;
  }

  override build(inputShape: Shape | Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
    const c = shape[3];
    if (shape.length !== 4 || c === null) throw new Error(`self-attention needs NHWC image features with known channels; got [${shape}]`);
    const ck = Math.max(1, Math.floor(c / this.reduction));
    const init = () => tfl.initializers.glorotUniform({});
    this.wf = this.addWeight('query_kernel', [c, ck], 'float32', init(), undefined, true);
    this.wg = this.addWeight('key_kernel', [c, ck], 'float32', init(), undefined, true);
    this.wh = this.addWeight('value_kernel', [c, c], 'float32', init(), undefined, true);
    this.scale = this.addWeight('attention_scale', [1], 'float32', tfl.initializers.zeros(), undefined, true);
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as Shape;
  }

  /** γ, the weight of the attention output (0 at initialisation). */
  gamma(): number {
    if (!this.scale) throw new Error('self-attention used before it was built');
    return this.scale.read().dataSync()[0];
  }

  override call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor {
    return tf.tidy(() => {
      if (!this.wf || !this.wg || !this.wh || !this.scale) throw new Error('self-attention used before it was built');
      const x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const [n, h, w, c] = x.shape;
      // g and f (queries and keys, c/8 channels each) in one product with their kernels
      // side by side, instead of two 8-column ones that computed mostly padding; h apart.
      // The weights stay three variables.
      const ck = this.wf.shape[1] as number;
      const flat = tf.reshape(x, [n * h * w, c]) as tf.Tensor2D;
      const qk = tf.reshape(tf.matMul(flat, tf.concat([this.wg.read(), this.wf.read()], 1) as tf.Tensor2D), [n, h * w, 2 * ck]);
      const v = tf.reshape(tf.matMul(flat, this.wh.read() as tf.Tensor2D), [n, h * w, c]) as tf.Tensor3D;
      // The map [n, hw, hw], [j, i]: how much output position j attends to input position i,
      // applied to v. The native backend computes the map from qk in one kernel that never
      // stores the scores, and the gradient in one kernel (src/native/attention.ts).
      let o: tf.Tensor;
      if (tf.getKernel(ATTENTION_SOFTMAX, tf.getBackend())) {
        o = attentionApply(attentionSoftmax(qk), v, qk);
      } else {
        const [g, f] = tf.split(qk, 2, 2) as [tf.Tensor3D, tf.Tensor3D];
        o = tf.matMul(tf.softmax(tf.matMul(g, f, false, true)) as tf.Tensor3D, v); // map [n, hw, hw]
      }
      o = tf.reshape(o, [n, h, w, c]);
      return tf.add(tf.mul(this.scale.read(), o), x);
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), reduction: this.reduction };
  }
}

tf.serialization.registerClass(SelfAttention2D);
