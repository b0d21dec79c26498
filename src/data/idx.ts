import { existsSync, readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { join, basename } from 'node:path';
import { DataError, type StoredDataset } from './types.js';
import { storedDataset, unitToModel } from './stored.js';
import { fsReason } from '../io/fs-errors.js';

/** A parsed IDX file (the MNIST / Fashion-MNIST format): unsigned bytes only. */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

/** Parses an IDX buffer (raw or gzip). Throws DataError naming what is wrong. */
export function parseIdx(buf: Buffer, what: string): IdxArray {
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = gunzipSync(buf);
    } catch {
      throw new DataError(`${what}: looks gzipped but does not decompress (truncated or corrupt download?)`);
    }
  }
  if (buf.length < 4 || buf[0] !== 0 || buf[1] !== 0) {
    throw new DataError(`${what}: not an IDX file (bad magic number); expected MNIST-format files such as train-images-idx3-ubyte[.gz]`);
  }
  if (buf[2] !== 0x08) {
    throw new DataError(`${what}: IDX element type 0x${buf[2].toString(16)} is not supported; only unsigned bytes (0x08) are`);
  }
  const rank = buf[3];
  if (rank < 1 || buf.length < 4 + 4 * rank) throw new DataError(`${what}: truncated IDX header`);
  const dims: number[] = [];
  for (let i = 0; i < rank; i++) dims.push(buf.readUInt32BE(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const offset = 4 + 4 * rank;
  if (buf.length - offset < expected) {
    throw new DataError(`${what}: truncated: header says ${dims.join('×')} = ${expected} bytes, file holds ${buf.length - offset}`);
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + offset, expected) };
}

function readIdxFile(path: string): IdxArray {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new DataError(`cannot read ${path}: ${fsReason(e)}`);
  }
  return parseIdx(buf, path);
}

function findFile(dir: string, stems: string[]): string | null {
  for (const stem of stems) for (const ext of ['', '.gz']) {
    const p = join(dir, stem + ext);
    if (existsSync(p)) return p;
  }
  return null;
}

/**
 * Loads MNIST-format images (and labels when found beside them) from a local path:
 * either an images file, or a folder holding train-images-idx3-ubyte[.gz] and
 * train-labels-idx1-ubyte[.gz] (the names MNIST and Fashion-MNIST ship with).
 */
export function idxDataset(path: string): StoredDataset {
  if (!existsSync(path)) throw new DataError(`no such file or folder: ${path} (give --data idx:PATH to an IDX images file or a folder of MNIST-format files)`);
  let imagesPath = path;
  let labelsPath: string | null = null;
  if (statSync(path).isDirectory()) {
    const img = findFile(path, ['train-images-idx3-ubyte', 'train-images.idx3-ubyte']);
    if (!img) throw new DataError(`${path}: no train-images-idx3-ubyte[.gz] in this folder`);
    imagesPath = img;
    labelsPath = findFile(path, ['train-labels-idx1-ubyte', 'train-labels.idx1-ubyte']);
  } else {
    const guess = imagesPath.replace('images-idx3', 'labels-idx1').replace('images.idx3', 'labels.idx1');
    if (guess !== imagesPath && existsSync(guess)) labelsPath = guess;
  }
  const images = readIdxFile(imagesPath);
  if (images.dims.length !== 3) {
    throw new DataError(`${imagesPath}: expected an images file of rank 3 (N×H×W), got rank ${images.dims.length}`);
  }
  const [n, h, w] = images.dims;
  if (n === 0 || h === 0 || w === 0) throw new DataError(`${imagesPath}: holds ${n} images of ${h}×${w} pixels; there is nothing to train on`);
  const x = new Float32Array(n * h * w);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  let labels: Int32Array | undefined;
  if (labelsPath) {
    const l = readIdxFile(labelsPath);
    if (l.dims.length !== 1 || l.dims[0] !== n) {
      throw new DataError(`${labelsPath}: expected ${n} labels to match ${basename(imagesPath)}, got shape ${l.dims.join('×')}`);
    }
    labels = Int32Array.from(l.data);
  }
  // A loop, not Math.max(...labels): spreading 300,000 arguments overflows the call stack.
  let numClasses: number | undefined;
  if (labels) {
    let top = 0;
    for (let i = 0; i < labels.length; i++) if (labels[i] > top) top = labels[i];
    numClasses = top + 1;
  }
  return storedDataset({ name: `idx:${path}`, kind: 'images', shape: [h, w, 1], x: unitToModel(x), labels, numClasses });
}

/** Encodes an IDX file of unsigned bytes (used by tests and by `gankit sample`). */
export function encodeIdx(dims: number[], data: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(data)]);
}
