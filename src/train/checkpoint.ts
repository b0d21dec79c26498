import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { writeDirAtomicAsync } from '../io/atomic.js';
import { fsReason } from '../io/fs-errors.js';
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

/** The parts of model.json this reader needs, checked: a foreign or damaged file says so. */
function parseModelJson(jsonPath: string): ModelJson {
  const parsed = readJson(jsonPath) as Partial<ModelJson> | null;
  const manifest = parsed?.weightsManifest;
  const ok = Array.isArray(manifest) && manifest.every((g) =>
    g !== null && typeof g === 'object' && Array.isArray(g.paths) && g.paths.every((p) => typeof p === 'string') && Array.isArray(g.weights)
    && g.weights.every((w) => w !== null && typeof w === 'object' && typeof w.name === 'string' && Array.isArray(w.shape) && w.shape.every((d) => Number.isInteger(d) && d >= 0)));
  if (!ok) throw new CheckpointError(`${jsonPath} is not a TF.js layers model (no valid weightsManifest); it is damaged or from another tool`);
  return parsed as ModelJson;
}

/** Reads a saved model's weights in save order (which is model.weights order). */
export function readSavedWeights(dir: string): tf.Tensor[] {
  const jsonPath = join(dir, 'model.json');
  if (!existsSync(jsonPath)) throw new CheckpointError(`${dir}: no model.json (incomplete or foreign checkpoint)`);
  const parsed = parseModelJson(jsonPath);
  const specs = parsed.weightsManifest.flatMap((g) => g.weights);
  const bins = parsed.weightsManifest.flatMap((g) => g.paths).map((p) => {
    const file = join(dir, p);
    if (basename(p) !== p) throw new CheckpointError(`${jsonPath} names weight file '${p}' outside its folder (a foreign checkpoint)`);
    try {
      return readFileSync(file);
    } catch (e) {
      throw new CheckpointError(`cannot read ${file}: ${fsReason(e)} (incomplete checkpoint; resume from another one with --step)`);
    }
  });
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

/**
 * Adam's running products β1^t and β2^t. TF.js's setWeights recomputes them as pow(β, t + 1),
 * which differs from the product accumulated step by step in float32 in the last bits, so a
 * resumed run would drift from an uninterrupted one; a checkpoint records them as they are.
 */
interface AdamAccumulators {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

function adamAccumulators(opt: tf.Optimizer): AdamAccumulators | null {
  if (!(opt instanceof tf.AdamOptimizer)) return null;
  const acc = opt as unknown as Partial<AdamAccumulators>;
  return acc.accBeta1 instanceof tf.Variable && acc.accBeta2 instanceof tf.Variable ? (acc as AdamAccumulators) : null;
}

async function saveOptimizer(opt: tf.Optimizer, path: string): Promise<void> {
  const weights = await opt.getWeights();
  const { data, specs } = await tf.io.encodeWeights(weights);
  // getWeights() returns the optimizer's variables plus a fresh scalar of its step count.
  for (const w of weights) if (!(w.tensor instanceof tf.Variable)) w.tensor.dispose();
  writeFileSync(`${path}.bin`, new Uint8Array(tf.io.CompositeArrayBuffer.join(data)));
  writeFileSync(`${path}.json`, JSON.stringify(specs));
  const acc = adamAccumulators(opt);
  // A float32 value printed by JSON.stringify parses back to the same float32.
  if (acc) writeFileSync(`${path}.state.json`, JSON.stringify({ accBeta1: acc.accBeta1.dataSync()[0], accBeta2: acc.accBeta2.dataSync()[0] }));
}

function readJson(path: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CheckpointError(`cannot read ${path}: ${fsReason(e)} (incomplete checkpoint)`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new CheckpointError(`${path} is corrupt JSON (a damaged checkpoint; resume from an earlier one with --step or retrain)`);
  }
}

async function loadOptimizer(opt: tf.Optimizer, path: string): Promise<void> {
  if (!existsSync(`${path}.json`) || !existsSync(`${path}.bin`)) {
    throw new CheckpointError(
      `${dirname(path)} has no saved state for the ${basename(path)} optimizer (${basename(path)}.json/.bin): resuming would restart its moments and not continue the run; resume from another checkpoint, or start a new run`,
    );
  }
  const specs = readJson(`${path}.json`);
  if (!Array.isArray(specs)) throw new CheckpointError(`${path}.json is not an optimizer weight list (a damaged checkpoint)`);
  const buf = readFileSync(`${path}.bin`);
  const manifest = specs as tf.io.WeightsManifestEntry[];
  const expected = manifest.reduce((a, s) => a + (Array.isArray(s.shape) ? s.shape.reduce((x, y) => x * y, 1) : NaN) * 4, 0);
  if (buf.length !== expected) throw new CheckpointError(`${path}.bin has ${buf.length} bytes, ${basename(path)}.json expects ${expected} (a damaged checkpoint)`);
  const named = tf.io.decodeWeights(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.length), manifest);
  await opt.setWeights(manifest.map((s) => ({ name: s.name, tensor: named[s.name] })));
  tf.dispose(Object.values(named));
  const acc = adamAccumulators(opt);
  if (acc && existsSync(`${path}.state.json`)) {
    const state = readJson(`${path}.state.json`) as Partial<Record<'accBeta1' | 'accBeta2', unknown>>;
    if (typeof state.accBeta1 !== 'number' || typeof state.accBeta2 !== 'number') throw new CheckpointError(`${path}.state.json lacks accBeta1/accBeta2 (a damaged checkpoint)`);
    const { accBeta1, accBeta2 } = state;
    tf.tidy(() => {
      acc.accBeta1.assign(tf.scalar(accBeta1));
      acc.accBeta2.assign(tf.scalar(accBeta2));
    });
  }
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

/** Reads a checkpoint's trainer.json, checked. */
export function readTrainerState(path: string): TrainerState {
  const state = readJson(path) as Partial<TrainerState> | null;
  if (state === null || typeof state !== 'object' || !Number.isInteger(state.step) || (state.step as number) < 0) {
    throw new CheckpointError(`${path} has no valid step count (a damaged checkpoint; use another with --step)`);
  }
  return state as TrainerState;
}

/**
 * Restores models, optimizers and trainer state from a checkpoint into a freshly built
 * variant. `optimizers: false` loads the weights alone (sampling and scoring need no more).
 */
export async function loadCheckpoint(runDir: string, variant: GanVariant, step: number, opts: { optimizers?: boolean } = {}): Promise<TrainerState> {
  const dir = join(runDir, 'checkpoints', checkpointName(step));
  if (!existsSync(join(dir, 'trainer.json'))) throw new CheckpointError(`no complete checkpoint at step ${step} in ${runDir}`);
  const state = readTrainerState(join(dir, 'trainer.json'));
  for (const [name, model] of Object.entries(variant.models())) {
    try {
      loadWeightsInto(model, join(dir, name));
    } catch (e) {
      // CGAN's D on classes changed layout (options.classesAt, src/gans/conditional.ts).
      if (e instanceof CheckpointError && variant.name === 'cgan' && name === 'discriminator' && variant.capabilities.labels !== null) {
        throw new CheckpointError(`${e.message}; a CGAN run trained before options.classesAt existed opens with "classesAt": "features" added to the options in ${join(runDir, 'config.json')}`);
      }
      throw e;
    }
  }
  if (opts.optimizers !== false) {
    for (const [name, opt] of Object.entries(variant.optimizers())) await loadOptimizer(opt, join(dir, 'optimizer', name));
  }
  return state;
}
