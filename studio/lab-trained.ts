import * as tf from '@tensorflow/tfjs-core';
import type { GanNetworks } from '../src/nets/index.js';

/**
 * A 2D lab's networks as trained elsewhere (scripts/train-lab-preset.ts writes them under
 * studio/presets/): one entry per weight, in getWeights() order, float32 little-endian in
 * base64. A preset with such a file opens on a trained GAN instead of a fresh one.
 */
export interface TrainedWeights {
  format: 'gankit-lab-weights-1';
  /** The preset whose lab was trained (lab-presets.ts). */
  preset: string;
  /** Iterations trained: the lab's counter starts there. */
  iterations: number;
  trainedWith: string;
  /** Modes captured at each tenth of the training, as the page counts them. */
  modesCaptured: { iteration: number; modes: number }[];
  generator: { shape: number[]; values: string }[];
  discriminator: { shape: number[]; values: string }[];
}

function decode(base64: string): Float32Array {
  const bin = atob(base64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return new Float32Array(bytes.buffer);
}

/** Sets G's and D's weights from the file; an Error when its shapes are not these networks'. */
export function applyTrainedWeights(nets: GanNetworks, file: TrainedWeights): void {
  if (file.format !== 'gankit-lab-weights-1') throw new Error(`trained weights: unknown format '${String(file.format)}'`);
  for (const [name, model] of [['generator', nets.generator], ['discriminator', nets.discriminator]] as const) {
    const want = model.getWeights().map((w) => w.shape.join('×'));
    const got = file[name].map((w) => w.shape.join('×'));
    if (want.join(',') !== got.join(',')) throw new Error(`trained weights: the file's ${name} has weights ${got.join(', ')}, these networks ${want.join(', ')}`);
    const tensors = file[name].map((w) => tf.tensor(decode(w.values), w.shape));
    model.setWeights(tensors);
    tf.dispose(tensors);
  }
}
