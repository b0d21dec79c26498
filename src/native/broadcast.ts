/** Broadcasting of two operands to one output shape, as the native binary kernel reads them. */
import * as tf from '@tensorflow/tfjs-core';

const { backend_util } = tf;

export interface Broadcast {
  outShape: number[];
  shape: Int32Array;
  aStrides: Int32Array;
  bStrides: Int32Array;
}

/**
 * Results by shapes: a training step repeats the same few hundred shape pairs, and three
 * fresh Int32Arrays per elementwise kernel cost more in allocation and garbage collection
 * than the arithmetic of a small one. Callers must not modify what they get.
 */
const cache = new Map<string, Broadcast>();
const CACHE_MAX = 1024;

/**
 * Output shape and per-axis read strides (0 where broadcast), with mergeable axes merged.
 * The output shape is a's and b's broadcast shape unless given.
 */
export function broadcast(aShape: number[], bShape: number[], out?: number[]): Broadcast {
  const key = `${aShape}|${bShape}|${out ?? ''}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const result = computeBroadcast(aShape, bShape, out);
  if (cache.size >= CACHE_MAX) cache.clear();
  cache.set(key, result);
  return result;
}

function computeBroadcast(aShape: number[], bShape: number[], out?: number[]): Broadcast {
  const outShape = out ?? backend_util.assertAndGetBroadcastShape(aShape, bShape);
  const rank = outShape.length;
  const strides = (shape: number[]): number[] => {
    const s = new Array<number>(rank).fill(0);
    let acc = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      const d = rank - shape.length + i;
      s[d] = shape[i] === 1 ? 0 : acc;
      acc *= shape[i];
    }
    return s;
  };
  const sa = strides(aShape), sb = strides(bShape);
  const dims: number[] = [], da: number[] = [], db: number[] = [];
  for (let d = 0; d < rank; d++) {
    if (outShape[d] === 1) continue;
    const last = dims.length - 1;
    if (last >= 0 && da[last] === sa[d] * outShape[d] && db[last] === sb[d] * outShape[d]) {
      dims[last] *= outShape[d];
      da[last] = sa[d];
      db[last] = sb[d];
    } else {
      dims.push(outShape[d]);
      da.push(sa[d]);
      db.push(sb[d]);
    }
  }
  if (dims.length === 0) {
    dims.push(1);
    da.push(0);
    db.push(0);
  }
  return { outShape, shape: Int32Array.from(dims), aStrides: Int32Array.from(da), bStrides: Int32Array.from(db) };
}
