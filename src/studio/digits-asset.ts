import { loadBundledDigits } from '../data/mnist.js';

/**
 * The digits file the studio page fetches (`digits.bin`): a 16-byte header
 * ("GKD1", count, height, width as little-endian uint32), `count` uint8 labels, then
 * count×height×width uint8 pixels (intensity × 255, rounded). 7.9 MB for 10,000 digits,
 * a quarter of what float32 would be.
 */
export function digitsAsset(): Uint8Array {
  const { images, labels, count } = loadBundledDigits();
  const side = 28;
  const out = new Uint8Array(16 + count + count * side * side);
  const view = new DataView(out.buffer);
  out.set([0x47, 0x4b, 0x44, 0x31]); // "GKD1"
  view.setUint32(4, count, true);
  view.setUint32(8, side, true);
  view.setUint32(12, side, true);
  for (let i = 0; i < count; i++) out[16 + i] = labels[i];
  const pixels = 16 + count;
  for (let i = 0; i < images.length; i++) out[pixels + i] = Math.round(Math.min(1, Math.max(0, images[i])) * 255);
  return out;
}
