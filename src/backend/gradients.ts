import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's Node bundle registers no gradients at all (the @tensorflow/tfjs union package
// does it); tfjs-layers' bundle registers every one of tfjs-core's, so importing it here
// makes autodiff work wherever gankit's backend set-up runs.
import '@tensorflow/tfjs-layers';

/**
 * TF.js defines no gradient for comparison ops. Their outputs are piecewise constant, so
 * the true gradient is zero almost everywhere. Without one, a gradient of a gradient
 * (WGAN-GP, R1) fails as soon as it passes through LeakyReLU (whose gradient uses Greater)
 * or a `where` mask.
 */
const COMPARISON_KERNELS = [
  'Greater', 'GreaterEqual', 'Less', 'LessEqual', 'Equal', 'NotEqual',
  'LogicalAnd', 'LogicalOr', 'LogicalNot', 'LogicalXor', 'IsNan', 'IsInf', 'IsFinite',
  'Sign', 'Floor', 'Ceil', 'Round', 'Step',
] as const;

let registered = false;

/**
 * Registers zero gradients for the comparison ops, the missing second-order conv gradient,
 * and second-order-correct gradients for Tanh, Sigmoid, Exp and Softmax. Idempotent.
 */
export function registerMissingGradients(): void {
  if (registered) return;
  registered = true;
  for (const kernelName of COMPARISON_KERNELS) {
    if (tf.getGradient(kernelName) !== undefined) continue;
    tf.registerGradient({
      kernelName,
      inputsToSave: [],
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const g = Array.isArray(dy) ? dy[0] : dy;
        // Comparison ops take inputs named a and b (unary ones x); zero for each.
        return { a: () => tf.zerosLike(g), b: () => tf.zerosLike(g), x: () => tf.zerosLike(g) };
      },
    });
  }
  // TF.js's Tanh, Sigmoid and Exp gradients read the op's saved output y. The engine
  // records the clone that saves an output before the op's own tape node, so a gradient
  // of the gradient (WGAN-GP, R1) reaches y's clone after it has already passed x: the
  // path through y is lost, as if y were a constant (for a tanh critic's penalty, 1.44
  // where the derivative is 0.43). Saving the input x instead and recomputing y from it
  // puts y on the tape after x; first-order gradients are unchanged, bit for bit.
  const fromInput: Array<[string, (x: tf.Tensor) => tf.Tensor, (y: tf.Tensor) => tf.Tensor]> = [
    ['Tanh', tf.tanh, (y) => tf.sub(1, tf.square(y))],
    ['Sigmoid', tf.sigmoid, (y) => tf.mul(y, tf.sub(1, y))],
    ['Exp', tf.exp, (y) => y],
  ];
  for (const [kernelName, f, slope] of fromInput) {
    tf.registerGradient({
      kernelName,
      inputsToSave: ['x'],
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => ({
        x: () => tf.mul(dy as tf.Tensor, slope(f(saved[0]))),
      }),
    });
  }
  // Softmax likewise (SAGAN's attention inside a critic under a penalty): dx = y (dy − Σ dy y).
  tf.registerGradient({
    kernelName: 'Softmax',
    inputsToSave: ['logits'],
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => ({
      logits: () => {
        const dim = attrs.dim as number;
        const y = tf.softmax(saved[0], dim);
        const dyTimesY = tf.mul(dy as tf.Tensor, y);
        return tf.sub(dyTimesY, tf.mul(tf.sum(dyTimesY, [dim], true), y));
      },
    }),
  });
  // Conv2DBackpropFilter is bilinear in (x, dy): its own gradient lets R1 and the
  // gradient penalty differentiate through the filter gradient of a conv critic.
  if (tf.getGradient('Conv2DBackpropFilter') === undefined) {
    tf.registerGradient({
      kernelName: 'Conv2DBackpropFilter',
      inputsToSave: ['x', 'dy'],
      gradFunc: (ddw: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
        const g = (Array.isArray(ddw) ? ddw[0] : ddw) as tf.Tensor4D;
        const [x, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
        const { strides, pad, dimRoundingMode } = attrs as unknown as {
          strides: [number, number];
          pad: 'valid' | 'same' | number;
          dimRoundingMode?: 'floor' | 'round' | 'ceil';
        };
        return {
          x: () => tf.conv2dTranspose(dy, g, x.shape, strides, pad as 'valid' | 'same', dimRoundingMode),
          dy: () => tf.conv2d(x, g, strides, pad as 'valid' | 'same', 'NHWC', 1, dimRoundingMode),
        };
      },
    });
  }
  // ResizeNearestNeighborGrad is linear in dy and the adjoint of ResizeNearestNeighbor, so
  // its gradient is that resize: a penalty can differentiate a critic that upsamples its
  // input (the stacked GAN's stage-2 critic).
  if (tf.getGradient('ResizeNearestNeighborGrad') === undefined) {
    tf.registerGradient({
      kernelName: 'ResizeNearestNeighborGrad',
      inputsToSave: ['images', 'dy'],
      gradFunc: (ddx: tf.Tensor | tf.Tensor[], saved: tf.Tensor[], attrs: tf.NamedAttrMap) => {
        const g = (Array.isArray(ddx) ? ddx[0] : ddx) as tf.Tensor4D;
        const [images, dy] = saved as [tf.Tensor4D, tf.Tensor4D];
        const { alignCorners, halfPixelCenters } = attrs as unknown as { alignCorners: boolean; halfPixelCenters: boolean };
        return {
          images: () => tf.zerosLike(images),
          dy: () => tf.image.resizeNearestNeighbor(g, [dy.shape[1], dy.shape[2]], alignCorners, halfPixelCenters),
        };
      },
    });
  }
}
