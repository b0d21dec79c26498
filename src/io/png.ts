import { PNG } from 'pngjs';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';

/** An RGBA image, 8 bits per channel, row-major. */
export interface RgbaImage {
  width: number;
  height: number;
  data: Uint8Array;
}

export function encodePng(img: RgbaImage): Buffer {
  const png = new PNG({ width: img.width, height: img.height });
  png.data = Buffer.from(img.data.buffer, img.data.byteOffset, img.data.byteLength);
  return PNG.sync.write(png);
}

export function writePng(path: string, img: RgbaImage): void {
  writeFileAtomic(path, encodePng(img));
}

export function readPng(path: string): RgbaImage {
  const png = PNG.sync.read(readFileSync(path));
  return { width: png.width, height: png.height, data: new Uint8Array(png.data) };
}
