import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { DataError, type StoredDataset } from './types.js';
import { storedDataset } from './stored.js';

const RECORD = 1 + 32 * 32 * 3;

/**
 * CIFAR-10 binary format (data_batch_N.bin: records of 1 label byte + 3072 bytes in
 * channel-planar order), from a file or a folder of data_batch_*.bin files.
 */
export function cifarDataset(path: string): StoredDataset {
  if (!existsSync(path)) throw new DataError(`no such file or folder: ${path} (give --data cifar:PATH to data_batch_1.bin or its folder)`);
  const files = statSync(path).isDirectory()
    ? readdirSync(path).filter((f) => /^data_batch_\d+\.bin$/.test(f)).sort().map((f) => join(path, f))
    : [path];
  if (files.length === 0) throw new DataError(`${path}: no data_batch_*.bin files (CIFAR-10 binary version) in this folder`);
  const bufs = files.map((f) => {
    const b = readFileSync(f);
    if (b.length === 0 || b.length % RECORD !== 0) throw new DataError(`${f}: size ${b.length} is not a multiple of ${RECORD} bytes; not a CIFAR-10 binary batch (or truncated)`);
    return b;
  });
  const n = bufs.reduce((a, b) => a + b.length / RECORD, 0);
  const x = new Float32Array(n * 3072);
  const labels = new Int32Array(n);
  let k = 0;
  for (const b of bufs) {
    for (let r = 0; r < b.length / RECORD; r++, k++) {
      const off = r * RECORD;
      labels[k] = b[off];
      if (labels[k] > 9) throw new DataError(`${path}: record ${k} has label ${labels[k]} > 9; not CIFAR-10`);
      for (let c = 0; c < 3; c++) for (let p = 0; p < 1024; p++) x[k * 3072 + p * 3 + c] = b[off + 1 + c * 1024 + p] / 127.5 - 1;
    }
  }
  return storedDataset({ name: `cifar:${path}`, kind: 'images', shape: [32, 32, 3], x, labels, numClasses: 10 });
}
