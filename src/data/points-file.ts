import { existsSync } from 'node:fs';
import { readNpy } from '../io/npy.js';
import { storedDataset } from './stored.js';
import { DataError, type StoredDataset } from './types.js';

/**
 * `--data points:FILE.npy`: 2D points from a float .npy of shape [N, 2] (what the studio's
 * 2D lab exports for a drawn distribution, or any numpy.save of an (N, 2) array). Training
 * samples rows with replacement, as for every stored data set.
 */
export function pointsFileDataset(path: string): StoredDataset {
  if (!path) throw new DataError('points: needs a file: --data points:FILE.npy (an [N, 2] float array)');
  if (!existsSync(path)) throw new DataError(`points:${path}: no such file; give an .npy of shape [N, 2] (the studio's "export config" saves one)`);
  let arr;
  try {
    arr = readNpy(path);
  } catch (e) {
    throw new DataError(`points:${path}: ${(e as Error).message}`);
  }
  const [n, d] = arr.shape;
  if (arr.shape.length !== 2 || d !== 2 || n < 1) throw new DataError(`points:${path}: shape (${arr.shape.join(', ')}) is not (N, 2); save 2D points as an [N, 2] array`);
  if (!arr.data.every(Number.isFinite)) throw new DataError(`points:${path}: holds NaN or infinite values; remove those rows`);
  return storedDataset({ name: `points:${path}`, kind: 'points', shape: [2], x: arr.data });
}
