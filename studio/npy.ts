/**
 * A float32 [N, 2] array as .npy (format 1.0), in the page: src/io/npy.ts writes the same
 * bytes in Node but uses Buffer. `gankit train --data points:FILE.npy` reads it back.
 */
export function encodePointsNpy(points: Float32Array): Uint8Array<ArrayBuffer> {
  const n = points.length / 2;
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${n}, 2), }`;
  header += ' '.repeat((64 - ((10 + header.length + 1) % 64)) % 64) + '\n';
  const out = new Uint8Array(10 + header.length + points.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[10 + i] = header.charCodeAt(i);
  out.set(new Uint8Array(points.buffer, points.byteOffset, points.byteLength), 10 + header.length);
  return out;
}
