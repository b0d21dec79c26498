import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';
import { fsReason } from './fs-errors.js';

export interface NpyArray {
  shape: number[];
  data: Float32Array;
}

export class NpyError extends Error {
  override name = 'NpyError';
}

/** The most values one .npy may hold here (1 GiB of float32). */
const MAX_VALUES = 2 ** 28;

/** Encodes a float32 C-order .npy (format 1.0), the array format every Python tool reads. */
export function encodeNpy(arr: NpyArray): Uint8Array {
  const expected = arr.shape.reduce((a, b) => a * b, 1);
  if (expected !== arr.data.length) throw new NpyError(`shape [${arr.shape}] needs ${expected} values, got ${arr.data.length}`);
  const shapeStr = arr.shape.length === 1 ? `(${arr.shape[0]},)` : `(${arr.shape.join(', ')})`;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': ${shapeStr}, }`;
  const total = 10 + header.length + 1;
  header += ' '.repeat((64 - (total % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + arr.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  out.set(new Uint8Array(arr.data.buffer, arr.data.byteOffset, arr.data.byteLength), 10 + header.length);
  return out;
}

export function writeNpy(path: string, arr: NpyArray): void {
  writeFileAtomic(path, encodeNpy(arr));
}

/** Decodes a .npy of float32, float64, uint8 or int32 (C order) into float32. */
export function decodeNpy(buf: Uint8Array, what = 'array'): NpyArray {
  const magic = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];
  if (buf.length < 10 || magic.some((m, i) => buf[i] !== m)) throw new NpyError(`${what}: not a .npy file (bad magic); save arrays with numpy.save`);
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const major = buf[6];
  const headerLen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = Buffer.from(buf.subarray(start, start + headerLen)).toString('latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeMatch = /'shape':\s*\(([^)]*)\)/.exec(header);
  if (!descr || !fortran || !shapeMatch) throw new NpyError(`${what}: unreadable .npy header`);
  if (fortran === 'True') throw new NpyError(`${what}: Fortran-order arrays are not supported; save with np.ascontiguousarray`);
  const dims = shapeMatch[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  if (dims.some((d) => !/^\d+L?$/.test(d))) throw new NpyError(`${what}: the .npy header's shape (${shapeMatch[1]}) must list non-negative whole numbers; the file is damaged`);
  const shape = dims.map((d) => Number(d.replace(/L$/, '')));
  const n = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(n) || n > MAX_VALUES) throw new NpyError(`${what}: shape (${shape}) holds ${n} values, more than the ${MAX_VALUES.toLocaleString('en-US')} gankit reads at once`);
  const offset = start + headerLen;
  const body = buf.subarray(offset);
  const data = new Float32Array(n);
  const bodyView = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const sizes: Record<string, number> = { '<f4': 4, '<f8': 8, '|u1': 1, '<i4': 4, '<i8': 8 };
  const size = sizes[descr];
  if (!size) throw new NpyError(`${what}: dtype ${descr} is not supported; use float32`);
  if (body.length < n * size) throw new NpyError(`${what}: truncated: shape (${shape}) needs ${n * size} bytes, file has ${body.length}`);
  for (let i = 0; i < n; i++) {
    switch (descr) {
      case '<f4': data[i] = bodyView.getFloat32(i * 4, true); break;
      case '<f8': data[i] = bodyView.getFloat64(i * 8, true); break;
      case '|u1': data[i] = body[i]; break;
      case '<i4': data[i] = bodyView.getInt32(i * 4, true); break;
      case '<i8': data[i] = Number(bodyView.getBigInt64(i * 8, true)); break;
    }
  }
  return { shape, data };
}

export function readNpy(path: string): NpyArray {
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    throw new NpyError(`cannot read ${path}: ${fsReason(e)}`);
  }
  return decodeNpy(buf, path);
}

/**
 * Checks an array meant as samples: at least one sample, and every value finite (a NaN
 * or Inf would make the metrics loop or quietly print NaN). `what` names it in the message.
 */
export function checkSamples(arr: NpyArray, what: string): void {
  if (arr.shape.length < 1 || arr.shape[0] === 0 || arr.data.length === 0) {
    throw new NpyError(`${what} holds no samples (shape (${arr.shape})); give an array of shape [N, ...] with N ≥ 1`);
  }
  for (let i = 0; i < arr.data.length; i++) {
    if (!Number.isFinite(arr.data[i])) {
      const per = arr.data.length / arr.shape[0];
      throw new NpyError(`${what} holds ${arr.data[i]} (sample ${Math.floor(i / per)}); every value must be a finite number`);
    }
  }
}
