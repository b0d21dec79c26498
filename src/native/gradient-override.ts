/**
 * Replaces a TF.js kernel's registered gradient with one of the native backend's own, which
 * may decline: where `native` returns null (another backend runs, or the case is one the
 * native kernels do not cover), TF.js's own gradient runs, so gradients stay correct on
 * every backend. TF.js's gradients must be registered first (importing tfjs-layers does it
 * in tfjs-core's Node bundle).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GradConfig, NamedAttrMap, Tensor } from '@tensorflow/tfjs-core';

type GradMap = ReturnType<GradConfig['gradFunc']>;
type NativeGrad = (dy: Tensor, saved: Tensor[], attrs: NamedAttrMap) => GradMap | null;

export function overrideGradient(kernelName: string, native: NativeGrad): void {
  const original = tf.getGradient(kernelName);
  if (!original) throw new Error(`gankit native: TF.js registered no gradient for ${kernelName}`);
  tf.registerGradient({
    ...original,
    gradFunc: (dy, saved, attrs) => native(dy as Tensor, saved, attrs) ?? original.gradFunc(dy, saved, attrs),
  });
}
