import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import jpeg from 'jpeg-js';
import gifenc from 'gifenc';
import { encodePng, type RgbaImage } from './png.js';
import { writeFileAtomic } from './atomic.js';

export const IMAGE_FORMATS = ['png', 'jpg'] as const;
export type ImageFormat = (typeof IMAGE_FORMATS)[number];

/** Image k of NHWC floats in [0, 1] (1 or 3 channels) as RGBA bytes. */
export function rgbaOf(images: Float32Array, shape: readonly [number, number, number, number], k: number): RgbaImage {
  const [, h, w, c] = shape;
  const data = new Uint8Array(h * w * 4);
  const to8 = (v: number) => Math.round(Math.min(1, Math.max(0, v)) * 255);
  for (let p = 0; p < h * w; p++) {
    const base = (k * h * w + p) * c;
    const r = to8(images[base]);
    data[p * 4] = r;
    data[p * 4 + 1] = c >= 3 ? to8(images[base + 1]) : r;
    data[p * 4 + 2] = c >= 3 ? to8(images[base + 2]) : r;
    data[p * 4 + 3] = 255;
  }
  return { width: w, height: h, data };
}

export function encodeJpeg(img: RgbaImage, quality = 95): Uint8Array {
  return jpeg.encode({ data: Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength), width: img.width, height: img.height }, quality).data;
}

/** A folder that may receive new files: absent, or empty (so nothing a user made is overwritten). */
export function checkFreshFolder(dir: string): string | null {
  if (!existsSync(dir)) return null;
  if (!statSync(dir).isDirectory()) return `${dir} is a file, not a folder`;
  if (readdirSync(dir).length > 0) return `${dir} is not empty`;
  return null;
}

/**
 * Writes one file per image, 000000.png, 000001.png, … (the submission format of the
 * course assignments). The folder must be absent or empty.
 */
export function writeImageFiles(dir: string, images: Float32Array, shape: readonly [number, number, number, number], format: ImageFormat): string[] {
  const problem = checkFreshFolder(dir);
  if (problem) throw new Error(`${problem}; choose a new --out folder`);
  mkdirSync(dir, { recursive: true });
  const digits = Math.max(6, String(shape[0] - 1).length);
  const names: string[] = [];
  for (let k = 0; k < shape[0]; k++) {
    const img = rgbaOf(images, shape, k);
    const name = `${String(k).padStart(digits, '0')}.${format}`;
    writeFileAtomic(join(dir, name), format === 'png' ? encodePng(img) : encodeJpeg(img));
    names.push(name);
  }
  return names;
}

/** An animated GIF (looping) from RGBA frames of one size; 256 colours per frame. */
export function encodeGif(frames: RgbaImage[], delayMs: number): Uint8Array {
  const gif = gifenc.GIFEncoder();
  for (const f of frames) {
    const palette = gifenc.quantize(f.data, 256);
    gif.writeFrame(gifenc.applyPalette(f.data, palette), f.width, f.height, { palette, delay: delayMs });
  }
  gif.finish();
  return gif.bytes();
}
