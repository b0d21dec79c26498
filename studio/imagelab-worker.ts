/// <reference lib="webworker" />
/**
 * The image lab's trainer, in a worker: a DCGAN step on wasm or cpu takes long enough to
 * freeze a page, so training runs here and the page only draws what it is sent.
 */
import * as tf from '@tensorflow/tfjs-core';
import { iterationRng } from '../src/core/streams.js';
import '../src/gans/gan.js';
import '../src/gans/conditional.js';
import '../src/gans/infogan.js';
import { isInfoGan } from '../src/gans/infogan.js';
import { roundRobinLabels } from '../src/nn/label-embedding.js';
import { createVariant } from '../src/gans/registry.js';
import { STREAM, type GanVariant, type IterationContext } from '../src/gans/types.js';
import type { RunConfig } from '../src/train/config.js';
import { Rng } from '../src/train/rng.js';
import { storedDataset, unitToModel } from '../src/data/stored.js';
import type { StoredDataset } from '../src/data/types.js';
import { describeBackend, initBrowserBackend } from './backend.js';
import { smallDcganVariant, type ImageNetSize } from './imagelab-nets.js';
import type { ConditionInfo, FromWorker, ToWorker } from './imagelab-protocol.js';

const GRID = 64;
const INTERP = 10;

const post = (m: FromWorker, transfer: Transferable[] = []) => (self as unknown as DedicatedWorkerGlobalScope).postMessage(m, transfer);

/** Parses digits.bin (see src/studio/digits-asset.ts) into a data set in model space. */
export function parseDigits(buf: ArrayBuffer): StoredDataset {
  const bytes = new Uint8Array(buf);
  const view = new DataView(buf);
  if (bytes.length < 16 || String.fromCharCode(...bytes.subarray(0, 4)) !== 'GKD1') throw new Error('digits.bin is not a gankit digits file: rebuild the studio (npm run build:studio)');
  const count = view.getUint32(4, true);
  const h = view.getUint32(8, true);
  const w = view.getUint32(12, true);
  if (bytes.length !== 16 + count + count * h * w) throw new Error('digits.bin is truncated: rebuild the studio (npm run build:studio)');
  const labels = Int32Array.from(bytes.subarray(16, 16 + count));
  const x = new Float32Array(count * h * w);
  const px = bytes.subarray(16 + count);
  for (let i = 0; i < x.length; i++) x[i] = px[i] / 255;
  return storedDataset({ name: 'mnist', kind: 'images', shape: [h, w, 1], x: unitToModel(x), labels, numClasses: 10 });
}

/** Spherical interpolation between two latent vectors (Shoemake; White 2016 for GANs). */
function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const omega = Math.acos(Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb))));
  const out = new Float32Array(a.length);
  const s = Math.sin(omega);
  for (let i = 0; i < a.length; i++) out[i] = s < 1e-6 ? (1 - t) * a[i] + t * b[i] : (Math.sin((1 - t) * omega) / s) * a[i] + (Math.sin(t * omega) / s) * b[i];
  return out;
}

let data: StoredDataset | null = null;
let config: RunConfig | null = null;
let variant: GanVariant | null = null;
let fixedZ: tf.Tensor2D | null = null;
let step = 0;
let playing = false;
let view = { chosen: -1, c1: 0, c2: 0, pairSeed: 1 };
let pending = { steps: [] as number[], d: [] as number[], g: [] as number[] };
let lastPost = 0;
let lastRender = 0;
let iterationMs = 0;
/** How long the last redraw of the samples took. */
let renderMs = 0;

function conditionInfo(v: GanVariant): ConditionInfo {
  if (isInfoGan(v)) return { kind: 'codes', classes: v.codes.categorical[0] ?? 0, continuous: v.codes.continuous };
  const classes = v.capabilities.labels;
  if (classes !== null) return { kind: 'label', classes, continuous: 0 };
  return { kind: 'none', classes: 0, continuous: 0 };
}

/** G for a batch of z under the chosen class or codes (−1: sample i gets class i mod K). */
function generate(v: GanVariant, z: tf.Tensor2D): tf.Tensor {
  const n = z.shape[0];
  const { chosen, c1, c2 } = view;
  if (isInfoGan(v)) {
    const categorical = v.codes.categorical.map((size, j) => (j === 0 && chosen >= 0 ? new Int32Array(n).fill(Math.min(chosen, size - 1)) : roundRobinLabels(n, size)));
    const k = v.codes.continuous;
    const continuous = new Float32Array(n * k);
    for (let i = 0; i < n; i++) {
      if (k > 0) continuous[i * k] = c1;
      if (k > 1) continuous[i * k + 1] = c2;
    }
    return v.generateWithCodes(z, { categorical, continuous });
  }
  const classes = v.capabilities.labels;
  if (classes !== null) {
    const labels = chosen >= 0 ? new Int32Array(n).fill(Math.min(chosen, classes - 1)) : roundRobinLabels(n, classes);
    return v.generate(z, tf.tensor1d(labels, 'int32'));
  }
  return v.generate(z);
}

function flushSteps(): void {
  if (pending.steps.length === 0) return;
  post({ type: 'steps', step, ...pending, msPerIteration: iterationMs });
  pending = { steps: [], d: [], g: [] };
  lastPost = performance.now();
}

function render(): void {
  if (!variant || !fixedZ || !config) return;
  const t0 = performance.now();
  const v = variant;
  const d = config.latentDim;
  // Conditional grids are 10 wide so that column k is class (or code) k.
  const cols = conditionInfo(v).kind === 'none' ? 8 : 10;
  const shown = cols === 10 ? 60 : GRID;
  const rng = Rng.derive(config.seed + 1000 * view.pairSeed, 0, STREAM.fixedNoise);
  const a = rng.normals(d);
  const b = rng.normals(d);
  const zs = new Float32Array(INTERP * d);
  for (let i = 0; i < INTERP; i++) zs.set(slerp(a, b, i / (INTERP - 1)), i * d);
  const [grid, strip] = tf.tidy(() => {
    const toUnit = (x: tf.Tensor) => tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1);
    return [toUnit(generate(v, tf.slice(fixedZ!, [0, 0], [shown, d]))), toUnit(generate(v, tf.tensor2d(zs, [INTERP, d])))];
  });
  const g = grid.dataSync() as Float32Array;
  const s = strip.dataSync() as Float32Array;
  tf.dispose([grid, strip]);
  post({ type: 'samples', step, grid: g, shown, cols, strip: s, interp: INTERP }, [g.buffer, s.buffer]);
  lastRender = performance.now();
  renderMs = lastRender - t0;
}

function stop(message: string): void {
  playing = false;
  flushSteps();
  render();
  post({ type: 'stopped', message });
}

function context(): IterationContext {
  const seed = config!.seed;
  const at = step;
  return { step: at, data: data!, batchSize: config!.batchSize, rng: (stream, subStep = 0) => iterationRng(seed, at, stream, subStep) };
}

/** One iteration per task, so that a pause message gets in between. */
function loop(): void {
  if (!playing || !variant) return;
  try {
    const t0 = performance.now();
    const logs = variant.trainIteration(context());
    step++;
    iterationMs = performance.now() - t0;
    pending.steps.push(step);
    pending.d.push(logs.d_loss);
    pending.g.push(logs.g_loss);
    if (!Number.isFinite(logs.d_loss) || !Number.isFinite(logs.g_loss)) {
      stop('training diverged (NaN loss): lower the learning rate and press Reset');
      return;
    }
    const now = performance.now();
    if (now - lastPost > 150) flushSteps();
    // A redraw runs G on 74 samples, about a training step's work on a CPU backend: spaced
    // so that it takes about a tenth of the time (every 0.5 s redraws cost 30 % of the steps
    // in headless Chromium on wasm, batch 8: 3.4–4.1 against 5.1–5.7 steps/s at 2 s).
    if (now - lastRender > Math.max(500, 3 * iterationMs, 9 * renderMs)) render();
  } catch (e) {
    stop(`training stopped: ${(e as Error).message}`);
    return;
  }
  setTimeout(loop, 0);
}

async function init(backend: string): Promise<void> {
  // Threads here too: while this tab trains, the page's own backend sits idle.
  const choice = await initBrowserBackend(backend);
  post({ type: 'backend', name: choice.name, skipped: choice.skipped, described: describeBackend(choice) });
  const res = await fetch(new URL('digits.bin', self.location.href));
  if (!res.ok) throw new Error(`digits.bin: HTTP ${res.status} (rebuild the studio: npm run build:studio)`);
  data = parseDigits(await res.arrayBuffer());
  const real = data.sample(GRID, Rng.derive(99, 0, STREAM.data)).x.map((v) => (v + 1) / 2);
  post({ type: 'data', real, count: data.size }, [real.buffer]);
}

function reset(next: RunConfig, size: ImageNetSize): void {
  playing = false;
  variant?.dispose();
  fixedZ?.dispose();
  variant = null;
  fixedZ = null;
  config = next;
  // The small DCGAN is the plain GAN's; the conditional variants build their own networks.
  variant = size === 'small' && next.variant === 'gan' && next.model === 'dcgan' ? smallDcganVariant(next) : createVariant(next, data!);
  fixedZ = tf.tensor2d(Rng.derive(next.seed, 0, STREAM.fixedNoise).normals(GRID * next.latentDim), [GRID, next.latentDim]);
  step = 0;
  pending = { steps: [], d: [], g: [] };
  post({ type: 'ready', condition: conditionInfo(variant) });
  render();
}

let queue: Promise<void> = Promise.resolve();
self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const m = ev.data;
  // Messages run in order; init is async (backend, digits), the rest are quick.
  queue = queue.then(async () => {
    try {
      switch (m.type) {
        case 'init':
          await init(m.backend);
          break;
        case 'reset':
          reset(m.config, m.size);
          break;
        case 'play':
          if (!playing && variant) {
            playing = true;
            setTimeout(loop, 0);
          }
          break;
        case 'pause':
          if (playing) stop('paused');
          break;
        case 'view':
          view = { chosen: m.chosen, c1: m.c1, c2: m.c2, pairSeed: m.pairSeed };
          render();
          break;
        case 'tensors':
          post({ type: 'tensors', id: m.id, count: tf.memory().numTensors });
          break;
      }
    } catch (e) {
      playing = false;
      post({ type: 'error', message: (e as Error).message });
    }
  });
};
