import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { IterationContext } from './types.js';
import { STREAM } from './types.js';

/** The tf.Variables behind a model's trainable weights (what an optimizer updates). */
export function trainableVariables(model: tfl.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => w.read() as tf.Variable);
}

/** Runs a model in training mode (batch norm on batch statistics). */
export function applyTraining(model: tfl.LayersModel, x: tf.Tensor | tf.Tensor[]): tf.Tensor {
  return model.apply(x, { training: true }) as tf.Tensor;
}

/** A latent batch z ~ N(0, I) from the iteration's seeded stream. */
export function latentBatch(ctx: IterationContext, latentDim: number, subStep: number): tf.Tensor2D {
  return tf.tensor2d(ctx.rng(STREAM.latent, subStep).normals(ctx.batchSize * latentDim), [ctx.batchSize, latentDim]);
}

/** A real batch from the data set, as a tensor of shape [batch, ...dataShape], plus labels and tags. */
export function realBatch(ctx: IterationContext, dataShape: readonly number[], subStep: number): { x: tf.Tensor; labels?: Int32Array; tags?: Uint8Array } {
  const b = ctx.data.sample(ctx.batchSize, ctx.rng(STREAM.data, subStep));
  return { x: tf.tensor(b.x, [ctx.batchSize, ...dataShape]), labels: b.labels, tags: b.tags };
}

/** Reads a scalar and disposes it. */
export function takeScalar(t: tf.Scalar): number {
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

/**
 * What a generator round of an unconditional G draws: z, and for feature matching a real
 * batch (the critic's inputs), with the tensors the round owns.
 */
export function generatorInputs(
  ctx: IterationContext,
  latentDim: number,
  dataShape: readonly number[],
  subStep: number,
  want: { matchingReal: boolean },
): { z: tf.Tensor2D; matchingReal?: tf.Tensor[]; owned: tf.Tensor[] } {
  const z = latentBatch(ctx, latentDim, subStep);
  if (!want.matchingReal) return { z, owned: [z] };
  const real = realBatch(ctx, dataShape, subStep).x;
  return { z, matchingReal: [real], owned: [z, real] };
}
