import type { NpyArray } from '../io/npy.js';
import type { Evaluation } from './evaluate.js';
import { evaluateArrays } from '../metrics/index.js';

/**
 * Nested metric results as flat `a.b` rows for printing and JSON: numbers and strings
 * stay, warnings become warning_N, long arrays (per-mode counts, assignments) are dropped.
 */
export function flattenMetrics(value: unknown, prefix = '', out: Evaluation = {}): Evaluation {
  if (typeof value === 'number' || typeof value === 'string') {
    out[prefix || 'value'] = value;
  } else if (typeof value === 'boolean') {
    out[prefix] = String(value);
  } else if (Array.isArray(value)) {
    if (prefix.endsWith('warnings')) value.forEach((w, i) => (out[`warning_${i + 1}`] = String(w)));
    else if (value.length <= 10 && value.every((v) => typeof v === 'number')) out[prefix] = `[${value.map((v: number) => (Number.isInteger(v) ? v : v.toFixed(3))).join(', ')}]`;
  } else if (value && typeof value === 'object' && !ArrayBuffer.isView(value)) {
    for (const [k, v] of Object.entries(value)) flattenMetrics(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

/** Scores two user-supplied sample sets (the generic `gankit eval --real --fake` path). */
export async function evaluateArrayPair(real: NpyArray, fake: NpyArray): Promise<Evaluation> {
  return flattenMetrics(await evaluateArrays(real, fake));
}
