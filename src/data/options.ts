import { z } from 'zod';

export const CROP_MODES = ['center', 'pad', 'stretch'] as const;
export type CropMode = (typeof CROP_MODES)[number];

/**
 * Settings of the image data sets (`images:DIR`, `avatars`): what a run folder's
 * config.json records under `dataOptions`, so sample and eval reopen the same data.
 */
export const DataOptionsSchema = z
  .object({
    /** Side of the square images the nets see; absent: chosen from the images (32 or 64). */
    resolution: z.number().int().min(8).max(1024).optional(),
    /** How non-square images become square: centre crop, pad with the background, or stretch. */
    crop: z.enum(CROP_MODES).default('center'),
    /** 1 = greyscale, 3 = RGB; absent: what the images are (a mix of both is an error). */
    channels: z.union([z.literal(1), z.literal(3)]).optional(),
    /** Random horizontal flips of each drawn sample. */
    mirror: z.boolean().default(false),
    /** A CSV or JSON file mapping file names to tags. */
    labels: z.string().min(1).optional(),
    /** Unreadable files are an error, not skipped. */
    strict: z.boolean().default(false),
    /** Colour transparent pixels and padding are composited on, #rrggbb. */
    background: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'a colour as #rrggbb').default('#ffffff'),
    /** Avatars: how many to draw. */
    count: z.number().int().positive().optional(),
  })
  .strict();

export type DataOptionsInput = z.input<typeof DataOptionsSchema>;
export type DataOptions = z.output<typeof DataOptionsSchema>;

/** Parses #rrggbb into [r, g, b] bytes. */
export function parseHexColour(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}
