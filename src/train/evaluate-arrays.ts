import type { NpyArray } from '../io/npy.js';
import type { Evaluation } from './evaluate.js';
import { MetricError } from '../metrics/errors.js';

/** Scores two user-supplied sample sets (the generic `gankit eval --real --fake` path). */
export async function evaluateArrayPair(real: NpyArray, fake: NpyArray): Promise<Evaluation> {
  if (real.shape.slice(1).join('x') !== fake.shape.slice(1).join('x')) {
    throw new MetricError(`--real has samples of shape [${real.shape.slice(1)}] but --fake has [${fake.shape.slice(1)}]; they must match`);
  }
  const metrics = (await import('../metrics/index.js')) as Record<string, unknown>;
  const evaluateArrays = metrics.evaluateArrays as ((r: NpyArray, f: NpyArray) => Promise<Evaluation> | Evaluation) | undefined;
  if (!evaluateArrays) throw new MetricError('this build of gankit has no metrics for arbitrary arrays yet');
  return await evaluateArrays(real, fake);
}
