import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Rng } from '../core/rng.js';

/**
 * The conditioning machinery that CGAN, ACGAN, the projection discriminator, InfoGAN and
 * BiGAN share: labels as one-hot vectors, the labels a grid or a batch is drawn with,
 * softmax cross-entropy, and the two ways a network takes a condition in (concatenation
 * and projection), as tfjs-layers functional pieces so models save in Layers format.
 */

export class LabelError extends Error {
  override name = 'LabelError';
}

/** Throws a LabelError unless every label is an integer class id in [0, numClasses). */
export function checkLabels(labels: ArrayLike<number>, numClasses: number): void {
  for (let i = 0; i < labels.length; i++) {
    const y = labels[i];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) {
      throw new LabelError(`label ${y} is not a class of this model: labels must be integers 0..${numClasses - 1} (it was trained on ${numClasses} classes)`);
    }
  }
}

/** Labels as one-hot rows [n, numClasses]; throws a LabelError for an id out of range. */
export function oneHotLabels(labels: Int32Array | tf.Tensor1D, numClasses: number): tf.Tensor2D {
  const ids = labels instanceof Int32Array ? labels : (labels.dataSync() as ArrayLike<number>);
  checkLabels(ids, numClasses);
  return tf.tidy(() => {
    const t = labels instanceof Int32Array ? tf.tensor1d(labels, 'int32') : tf.cast(labels, 'int32');
    return tf.cast(tf.oneHot(t as tf.Tensor1D, numClasses), 'float32') as tf.Tensor2D;
  });
}

/** Labels 0, 1, …, K−1, 0, 1, …: a grid whose rows are K wide shows every class in each row. */
export function roundRobinLabels(n: number, numClasses: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i % numClasses;
  return out;
}

/** n class ids drawn uniformly (the class prior the generator is trained on). */
export function randomLabels(rng: Rng, n: number, numClasses: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.int(numClasses);
  return out;
}

/** Mean softmax cross-entropy of logits [n, K] against one-hot targets [n, K]. */
export function softmaxCrossEntropy(logits: tf.Tensor, oneHot: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits);
    return tf.neg(tf.mean(tf.sum(tf.mul(oneHot, logProbs), -1))) as tf.Scalar;
  });
}

/**
 * Tag sets as float multi-hot rows [n, numTags] from bytes (Batch.tags' layout); throws a
 * LabelError unless every entry is 0 or 1 and the length is n·numTags.
 */
export function multiHotTags(rows: Uint8Array, numTags: number): tf.Tensor2D {
  if (numTags < 1 || rows.length % numTags !== 0) throw new LabelError(`got ${rows.length} tag entries, not a whole number of rows of ${numTags} tags`);
  for (let i = 0; i < rows.length; i++) {
    if (rows[i] > 1) throw new LabelError(`tag entry ${rows[i]} is not 0 or 1: tag sets are multi-hot rows`);
  }
  return tf.tensor2d(Float32Array.from(rows), [rows.length / numTags, numTags]);
}

/**
 * Multi-label cross-entropy: one sigmoid per tag, the tag set's negative log-likelihood
 * −Σ_t [y_t log σ(l_t) + (1 − y_t) log(1 − σ(l_t))] summed over tags and averaged over rows.
 * Summed, not averaged, over tags, so a one-tag-per-group target weighs as much as
 * softmaxCrossEntropy does for one class. Written as max(l, 0) − l·y + log(1 + e^−|l|),
 * which does not overflow for large logits.
 */
export function sigmoidCrossEntropy(logits: tf.Tensor, targets: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const perTag = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, targets)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
    return tf.mean(tf.sum(perTag, -1)) as tf.Scalar;
  });
}

/** Share of rows whose arg-max logit is the label. */
export function accuracy(logits: tf.Tensor, labels: Int32Array): number {
  const argMax = tf.argMax(logits, -1);
  const predicted = argMax.dataSync();
  argMax.dispose();
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / Math.max(1, labels.length);
}

// ---- Functional-API pieces ------------------------------------------------------------

/** A symbolic input for a condition vector (one-hot label, latent code). */
export function conditionInput(size: number, name: string): tfl.SymbolicTensor {
  return tfl.input({ shape: [size], name });
}

/** Conditioning by concatenation (Mirza & Osindero 2014): [features, condition]. */
export function concatCondition(features: tfl.SymbolicTensor, condition: tfl.SymbolicTensor, name?: string): tfl.SymbolicTensor {
  return tfl.layers.concatenate({ axis: -1, name }).apply([features, condition]) as tfl.SymbolicTensor;
}

/**
 * A tag-set embedding: a learnt vector per tag, summed over the tags a row carries, plus a
 * bias (a dense layer on the multi-hot row). It gives G and D one dense code for any number
 * of tags, where concatenating a one-hot class already is such a code.
 */
export function tagEmbedding(tags: tfl.SymbolicTensor, units: number, name: string): tfl.SymbolicTensor {
  return tfl.layers.dense({ units, name }).apply(tags) as tfl.SymbolicTensor;
}

/**
 * The projection discriminator's class term (Miyato & Koyama 2018): ⟨embed(y), φ(x)⟩, with
 * embed(y) a learnt row per class, written as a bias-free dense layer on the one-hot label.
 * On a multi-hot tag set the same layer embeds the set as the sum of its tags' rows, so the
 * term is Σ_t y_t ⟨v_t, φ(x)⟩. Returns [batch, 1], to add to the unconditional score ψ(φ(x)).
 */
export function projectionTerm(features: tfl.SymbolicTensor, labelOneHot: tfl.SymbolicTensor, name = 'projection'): tfl.SymbolicTensor {
  const width = features.shape[features.shape.length - 1];
  if (width === null) throw new Error('projectionTerm needs features of known width');
  const embedding = tfl.layers.dense({ units: width, useBias: false, name: `${name}_embedding` }).apply(labelOneHot) as tfl.SymbolicTensor;
  return tfl.layers.dot({ axes: -1, name: `${name}_dot` }).apply([features, embedding]) as tfl.SymbolicTensor;
}
