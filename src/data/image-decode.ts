import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import type { CropMode } from './options.js';
import { resizeLanczos, type Rect } from './lanczos.js';

/** One decoded image: `size`×`size` RGB bytes, and the source's own dimensions. */
export interface DecodedImage {
  rgb: Uint8Array;
  width: number;
  height: number;
}

export interface DecodeSettings {
  size: number;
  crop: CropMode;
  background: [number, number, number];
  /**
   * Decode only the left or the right half of the (upright) image, as if it were its own
   * file: the pix2pix convention stores a pair A|B side by side in one image.
   */
  half?: 'left' | 'right';
}

/** The columns of one half of a `width`-wide image: [left, width]; an odd middle column belongs to neither. */
export function halfColumns(width: number, half: 'left' | 'right'): [number, number] {
  const w = Math.floor(width / 2);
  return [half === 'left' ? 0 : width - w, w];
}

/** Reads an image file's dimensions, and decodes and resizes it to a square RGB image. */
export interface ImageDecoder {
  readonly name: 'sharp' | 'pure-js';
  /** Extensions this decoder reads (lower case, with the dot). */
  readonly extensions: readonly string[];
  dimensions(path: string): Promise<{ width: number; height: number }>;
  decode(path: string, s: DecodeSettings): Promise<DecodedImage>;
}

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif'] as const;

type SharpModule = (typeof import('sharp'))['default'];

async function sharpDecoder(sharp: SharpModule): Promise<ImageDecoder> {
  const fits: Record<CropMode, 'cover' | 'contain' | 'fill'> = { center: 'cover', pad: 'contain', stretch: 'fill' };
  return {
    name: 'sharp',
    extensions: IMAGE_EXTENSIONS,
    async dimensions(path) {
      const m = await sharp(path, { pages: 1 }).metadata();
      if (!m.width || !m.height) throw new Error('no image dimensions');
      // EXIF orientations 5-8 swap the sides once rotated upright.
      const swap = (m.orientation ?? 1) >= 5;
      return swap ? { width: m.height, height: m.width } : { width: m.width, height: m.height };
    },
    async decode(path, s) {
      const [r, g, b] = s.background;
      const background = { r, g, b, alpha: 1 };
      const img = sharp(path, { pages: 1, failOn: 'error' }).rotate();
      const m = await img.metadata();
      const { width = 0, height = 0 } = m;
      if (s.half) {
        // rotate() before extract(): the halves are of the upright picture.
        const [uw, uh] = (m.orientation ?? 1) >= 5 ? [height, width] : [width, height];
        const [left, w] = halfColumns(uw, s.half);
        if (w < 1) throw new Error(`${uw}×${uh} is too narrow to split into halves`);
        img.extract({ left, top: 0, width: w, height: uh });
      }
      const { data, info } = await img
        .flatten({ background })
        .resize(s.size, s.size, { fit: fits[s.crop], position: 'centre', kernel: 'lanczos3', background })
        .toColourspace('srgb')
        .removeAlpha()
        .raw({ depth: 'uchar' })
        .toBuffer({ resolveWithObject: true });
      if (info.width !== s.size || info.height !== s.size) throw new Error(`resized to ${info.width}×${info.height}`);
      const rgb = new Uint8Array(s.size * s.size * 3);
      const c = info.channels;
      for (let p = 0; p < s.size * s.size; p++) for (let k = 0; k < 3; k++) rgb[p * 3 + k] = data[p * c + (c >= 3 ? k : 0)];
      return { rgb, width, height };
    },
  };
}

/** RGBA bytes of a PNG or JPEG, read with pngjs or jpeg-js. */
function readRgbaJs(path: string): { data: Uint8Array; width: number; height: number } {
  const ext = extname(path).toLowerCase();
  const buf = readFileSync(path);
  if (ext === '.png') {
    const png = PNG.sync.read(buf);
    return { data: new Uint8Array(png.data), width: png.width, height: png.height };
  }
  if (ext === '.jpg' || ext === '.jpeg') {
    const j = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
    return { data: j.data, width: j.width, height: j.height };
  }
  throw new Error(`${ext} needs sharp (the pure-JS fallback reads PNG and JPEG only)`);
}

/** The source rectangle and the placement in the output for one crop mode. */
export function cropGeometry(width: number, height: number, size: number, crop: CropMode): { rect: Rect; outW: number; outH: number; offX: number; offY: number } {
  if (crop === 'stretch') return { rect: [0, 0, width, height], outW: size, outH: size, offX: 0, offY: 0 };
  if (crop === 'center') {
    const side = Math.min(width, height);
    return { rect: [(width - side) / 2, (height - side) / 2, side, side], outW: size, outH: size, offX: 0, offY: 0 };
  }
  const scale = size / Math.max(width, height);
  const outW = Math.max(1, Math.round(width * scale));
  const outH = Math.max(1, Math.round(height * scale));
  return { rect: [0, 0, width, height], outW, outH, offX: Math.floor((size - outW) / 2), offY: Math.floor((size - outH) / 2) };
}

/** The pure-JS path: pngjs / jpeg-js, alpha over the background, Lanczos-3 resize. */
export function pureJsDecoder(): ImageDecoder {
  return {
    name: 'pure-js',
    extensions: ['.png', '.jpg', '.jpeg'],
    async dimensions(path) {
      const { width, height } = readRgbaJs(path);
      return { width, height };
    },
    async decode(path, s) {
      const { data, width, height } = readRgbaJs(path);
      // A half is copied out first, so the resampling kernel never reaches across the seam.
      const [left, w] = s.half ? halfColumns(width, s.half) : [0, width];
      if (w < 1) throw new Error(`${width}×${height} is too narrow to split into halves`);
      const rgb = new Float32Array(w * height * 3);
      for (let y = 0; y < height; y++) {
        for (let x = 0; x < w; x++) {
          const q = (y * width + left + x) * 4;
          const a = data[q + 3] / 255;
          for (let k = 0; k < 3; k++) rgb[(y * w + x) * 3 + k] = data[q + k] * a + s.background[k] * (1 - a);
        }
      }
      const g = cropGeometry(w, height, s.size, s.crop);
      const resized = resizeLanczos(rgb, w, height, 3, g.rect, g.outW, g.outH);
      const out = new Uint8Array(s.size * s.size * 3);
      for (let p = 0; p < s.size * s.size; p++) out.set(s.background, p * 3);
      for (let y = 0; y < g.outH; y++) {
        for (let x = 0; x < g.outW; x++) {
          for (let k = 0; k < 3; k++) out[((y + g.offY) * s.size + x + g.offX) * 3 + k] = Math.round(resized[(y * g.outW + x) * 3 + k]);
        }
      }
      return { rgb: out, width, height };
    },
  };
}

const chosen = new Map<string, Promise<{ decoder: ImageDecoder; notice?: string }>>();

/**
 * sharp when it loads (its prebuilt binaries come from npm); otherwise the pure-JS path,
 * with a one-line notice. GANKIT_DECODER=js forces the fallback (tests use it).
 */
export function imageDecoder(): Promise<{ decoder: ImageDecoder; notice?: string }> {
  const want = process.env.GANKIT_DECODER === 'js' ? 'js' : 'auto';
  const known = chosen.get(want);
  if (known) return known;
  const pick = (async () => {
    if (want === 'js') return { decoder: pureJsDecoder() };
    try {
      const mod = await import('sharp');
      return { decoder: await sharpDecoder(mod.default) };
    } catch (e) {
      const why = e instanceof Error ? e.message.split('\n')[0] : String(e);
      return { decoder: pureJsDecoder(), notice: `sharp did not load (${why}); decoding PNG and JPEG with the pure-JS fallback (slower; WebP and GIF skipped)` };
    }
  })();
  chosen.set(want, pick);
  return pick;
}
