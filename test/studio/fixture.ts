import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildNetworks, initializeWeights } from '../../src/nets/index.js';
import { resolveConfig } from '../../src/train/config.js';

/** Saves a Layers model as model.json + weights.bin, as the trainer's checkpoints do. */
async function saveModel(model: tfl.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const bytes = data instanceof ArrayBuffer ? new Uint8Array(data) : new Uint8Array(tf.io.concatenateArrayBuffers(data ?? []));
      writeFileSync(join(dir, 'weights.bin'), bytes);
      writeFileSync(
        join(dir, 'model.json'),
        JSON.stringify({ format: 'layers-model', generatedBy: 'gankit test', modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }] }),
      );
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

/**
 * A tiny run folder in the layout `gankit train` writes: config.json, metrics.jsonl,
 * samples/step-000010.png and checkpoints/step-000010/{generator,discriminator}.
 */
export async function makeRunFolder(dir: string): Promise<void> {
  const config = resolveConfig({ data: 'ring8', model: 'mlp', hidden: [16, 16], steps: 20, seed: 3 }, 'points');
  mkdirSync(join(dir, 'samples'), { recursive: true });
  writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2) + '\n');
  const rows: string[] = [];
  for (let step = 0; step <= 20; step += 2) {
    rows.push(JSON.stringify({ step, d_loss: 1.4 - step * 0.02, g_loss: 0.7 + step * 0.015, modes_captured: Math.min(8, step / 2) }));
  }
  writeFileSync(join(dir, 'metrics.jsonl'), rows.join('\n') + '\n');
  const png = new PNG({ width: 32, height: 32 });
  for (let i = 0; i < 32 * 32; i++) {
    png.data[4 * i] = (i * 7) % 256;
    png.data[4 * i + 1] = (i * 3) % 256;
    png.data[4 * i + 2] = 128;
    png.data[4 * i + 3] = 255;
  }
  writeFileSync(join(dir, 'samples', 'step-000010.png'), PNG.sync.write(png));
  const nets = buildNetworks({ model: 'mlp', dataShape: [2], latentDim: config.latentDim, hidden: [16, 16] });
  initializeWeights(nets.generator, 3, 100);
  initializeWeights(nets.discriminator, 3, 101);
  await saveModel(nets.generator, join(dir, 'checkpoints', 'step-000010', 'generator'));
  await saveModel(nets.discriminator, join(dir, 'checkpoints', 'step-000010', 'discriminator'));
  nets.generator.dispose();
  nets.discriminator.dispose();
}
