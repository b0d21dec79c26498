import * as tf from '@tensorflow/tfjs-core';
import type { GanVariant } from '../gans/types.js';
import { isInfoGan, type InfoGanVariant } from '../gans/infogan.js';
import { argmaxRows, classifierProbs, loadFeatureClassifier, NUM_CLASSES } from '../metrics/classifier.js';
import type { Evaluation } from './evaluate.js';
import { Rng } from './rng.js';

/**
 * Does the generator draw the digit it is asked for? For a class-conditional variant on
 * 10-class 28×28 digits: gankit's classifier reads the samples drawn with each label
 * (drawSamples cycles the labels, so each class gets n/10), and the agreement per class is
 * reported, its minimum beside the mean — one weak digit is what a user notices.
 */
export async function labelAgreement(images: Float32Array, labels: Int32Array): Promise<Evaluation> {
  const classifier = await loadFeatureClassifier();
  const predicted = argmaxRows(classifierProbs(classifier, images));
  const hits = new Array<number>(NUM_CLASSES).fill(0);
  const asked = new Array<number>(NUM_CLASSES).fill(0);
  labels.forEach((y, i) => {
    asked[y]++;
    if (predicted[i] === y) hits[y]++;
  });
  const perClass = asked.map((a, k) => (a ? hits[k] / a : NaN)).filter((v) => !Number.isNaN(v));
  const e: Evaluation = {
    label_accuracy: hits.reduce((a, b) => a + b, 0) / labels.length,
    label_accuracy_min: Math.min(...perClass),
  };
  asked.forEach((a, k) => {
    if (a) e[`label_accuracy_${k}`] = hits[k] / a;
  });
  return e;
}

/**
 * InfoGAN's unsupervised claim on digits: its first categorical code, though trained with
 * no labels, picks the digit class. Samples are drawn for every value of the code; each value
 * is mapped to the class the classifier sees most in its samples; purity is the share of
 * samples whose class is their code's class (1/K for a code that ignores the digit), and
 * `code_classes_distinct` says how many classes the mapping reaches (10 for a one-to-one map).
 */
export async function codePurity(variant: InfoGanVariant, n: number, seed: number, stream: number): Promise<Evaluation> {
  const size = variant.codes.categorical[0];
  const rng = Rng.derive(seed, 0, stream);
  const per = Math.max(1, Math.floor(n / size));
  const classifier = await loadFeatureClassifier();
  const counts: number[][] = [];
  for (let code = 0; code < size; code++) {
    const images = tf.tidy(() => {
      const z = tf.tensor2d(rng.normals(per * variant.latentDim), [per, variant.latentDim]);
      const codes = {
        categorical: variant.codes.categorical.map((s, j) => (j === 0 ? new Int32Array(per).fill(code) : Int32Array.from({ length: per }, () => rng.int(s)))),
        continuous: rng.uniforms(per * variant.codes.continuous, -1, 1),
      };
      const x = variant.generateWithCodes(z, codes);
      return tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1).dataSync() as Float32Array;
    });
    const row = new Array<number>(NUM_CLASSES).fill(0);
    for (const k of argmaxRows(classifierProbs(classifier, images))) row[k]++;
    counts.push(row);
  }
  const majority = counts.map((row) => row.indexOf(Math.max(...row)));
  const pure = counts.reduce((a, row, code) => a + row[majority[code]], 0);
  return { code_purity: pure / (per * size), code_classes_distinct: new Set(majority).size, code_values: size, code_samples_per_value: per };
}

/** The conditional scores that apply to this variant on 28×28 grey digits (none for others). */
export async function conditionalDigitScores(variant: GanVariant, images: Float32Array, labels: Int32Array | undefined, n: number, seed: number, stream: number): Promise<Evaluation> {
  // InfoGAN takes labels too (they set its first code), but its code values are not classes.
  if (isInfoGan(variant)) return variant.codes.categorical.length > 0 ? codePurity(variant, n, seed, stream) : {};
  if (labels && variant.capabilities.labels === NUM_CLASSES) return labelAgreement(images, labels);
  return {};
}
