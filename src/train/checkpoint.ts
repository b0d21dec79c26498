import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeDirAtomicAsync } from '../io/atomic.js';
import type { GanVariant } from '../gans/types.js';

/** What a checkpoint records besides weights: enough to continue exactly. */
export interface TrainerState {
  /** Iterations completed. */
  step: number;
  seed: number;
  backend: string;
  elapsedSeconds: number;
}

export class CheckpointError extends Error {
  override name = 'CheckpointError';
}

export function checkpointName(step: number): string {
  return `step-${String(step).padStart(6, '0')}`;
}

/** Saves a model in TF.js Layers format (model.json + weights.bin): loadable in the browser. */
export async function saveLayersModel(model: tfl.LayersModel, dir: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0));
      const modelJson = {
        format: 'layers-model',
        generatedBy: `gankit with TensorFlow.js ${tf.version_core}`,
        convertedBy: null,
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs ?? [] }],
      };
      writeFileSync(join(dir, 'model.json'), JSON.stringify(modelJson));
      writeFileSync(join(dir, 'weights.bin'), new Uint8Array(weightData));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
}

interface ModelJson {
  modelTopology: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

/** Reads a saved model's weights in save order (which is model.weights order). */
export function readSavedWeights(dir: string): tf.Tensor[] {
  const jsonPath = join(dir, 'model.json');
  if (!existsSync(jsonPath)) throw new CheckpointError(`${dir}: no model.json (incomplete or foreign checkpoint)`);
  let parsed: ModelJson;
  try {
    parsed = JSON.parse(readFileSync(jsonPath, 'utf8')) as ModelJson;
  } catch {
    throw new CheckpointError(`${jsonPath}: corrupt JSON`);
  }
  const specs = parsed.weightsManifest.flatMap((g) => g.weights);
  const bins = parsed.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p)));
  const buf = Buffer.concat(bins);
  const expected = specs.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1) * 4, 0);
  if (buf.length !== expected) throw new CheckpointError(`${dir}: weights.bin has ${buf.length} bytes, model.json expects ${expected} (corrupt checkpoint)`);
  const named = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length), specs);
  return specs.map((s) => named[s.name]);
}

/** Loads saved weights into a model built from the same config. */
export function loadWeightsInto(model: tfl.LayersModel, dir: string): void {
  const values = readSavedWeights(dir);
  if (values.length !== model.weights.length) {
    tf.dispose(values);
    throw new CheckpointError(`${dir}: holds ${values.length} weights, the model built from config.json has ${model.weights.length} (config and checkpoint disagree)`);
  }
  model.setWeights(values);
  tf.dispose(values);
}

async function saveOptimizer(opt: tf.Optimizer, path: string): Promise<void> {
  const weights = await opt.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  // getWeights() returns the optimizer's variables plus a fresh scalar of its step count.
  for (const w of weights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  writeFileSync(`${path}.bin`, new Uint8Array(tf.io.CompositeArrayBuffer.join(data)));
  writeFileSync(`${path}.json`, JSON.stringify(specs));
}

async function loadOptimizer(opt: tf.Optimizer, path: string): Promise<void> {
  if (!existsSync(`${path}.json`)) return; // an optimizer that had not stepped yet saves nothing useful
  const specs = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as tf.io.WeightsManifestEntry[];
  const buf = readFileSync(`${path}.bin`);
  const named = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length), specs);
  await opt.setWeights(specs.map((s) => ({ name: s.name, tensor: named[s.name] })));
  tf.dispose(Object.values(named));
}

/** Writes checkpoints/step-NNNNNN/ atomically: every model, every optimizer, the trainer state. */
export async function saveCheckpoint(runDir: string, variant: GanVariant, state: TrainerState): Promise<string> {
  const dir = join(runDir, 'checkpoints', checkpointName(state.step));
  mkdirSync(join(runDir, 'checkpoints'), { recursive: true });
  await writeDirAtomicAsync(dir, async (tmp) => {
    for (const [name, model] of Object.entries(variant.models())) await saveLayersModel(model, join(tmp, name));
    mkdirSync(join(tmp, 'optimizer'), { recursive: true });
    for (const [name, opt] of Object.entries(variant.optimizers())) await saveOptimizer(opt, join(tmp, 'optimizer', name));
    writeFileSync(join(tmp, 'trainer.json'), JSON.stringify(state, null, 2));
  });
  return dir;
}

/** Step numbers of the complete checkpoints in a run folder, ascending. */
export function listCheckpoints(runDir: string): number[] {
  const dir = join(runDir, 'checkpoints');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .map((n) => /^step-(\d+)$/.exec(n))
    .filter((m): m is RegExpExecArray => m !== null && existsSync(join(dir, m[0], 'trainer.json')))
    .map((m) => Number(m[1]))
    .sort((a, b) => a - b);
}

/** Restores models, optimizers and trainer state from a checkpoint into a freshly built variant. */
export async function loadCheckpoint(runDir: string, variant: GanVariant, step: number): Promise<TrainerState> {
  const dir = join(runDir, 'checkpoints', checkpointName(step));
  if (!existsSync(join(dir, 'trainer.json'))) throw new CheckpointError(`no complete checkpoint at step ${step} in ${runDir}`);
  for (const [name, model] of Object.entries(variant.models())) loadWeightsInto(model, join(dir, name));
  for (const [name, opt] of Object.entries(variant.optimizers())) await loadOptimizer(opt, join(dir, 'optimizer', name));
  return JSON.parse(readFileSync(join(dir, 'trainer.json'), 'utf8')) as TrainerState;
}
