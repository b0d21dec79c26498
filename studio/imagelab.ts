import * as tf from '@tensorflow/tfjs-core';
import '../src/gans/gan.js';
import { isLabelConditioned } from '../src/gans/conditional.js';
import { isInfoGan } from '../src/gans/infogan.js';
import { roundRobinLabels } from '../src/nn/label-embedding.js';
import { createVariant } from '../src/gans/registry.js';
import { STREAM, type GanVariant, type IterationContext } from '../src/gans/types.js';
import { resolveConfig, type LossType, type RunConfig } from '../src/train/config.js';
import { Rng } from '../src/train/rng.js';
import { storedDataset, unitToModel } from '../src/data/stored.js';
import type { StoredDataset } from '../src/data/types.js';
import { COLORS, drawImageGrid, lineChart } from './draw.js';
import { $, numberInput, setStatus } from './dom.js';

const GRID = 64;
const INTERP = 10;

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

export class ImageLab {
  private data: StoredDataset | null = null;
  private config!: RunConfig;
  private variant: GanVariant | null = null;
  private fixedZ: tf.Tensor2D | null = null;
  private pair: [Float32Array, Float32Array] | null = null;
  private pairSeed = 1;
  private step = 0;
  private playing = false;
  private lastRender = 0;
  private rateWindow: { t: number; step: number }[] = [];
  private history = { steps: [] as number[], d: [] as number[], g: [] as number[] };
  private started = false;
  /** Milliseconds the last iteration took: rendering is spaced out when training is slow. */
  private lastIterationMs = 0;
  /** The TF.js backend in use, to pick a batch size that keeps the page responsive. */
  backend = '';

  constructor() {
    $('im-play').addEventListener('click', () => this.togglePlay());
    $('im-reset').addEventListener('click', () => this.reset());
    $('im-newpair').addEventListener('click', () => {
      this.pairSeed++;
      this.makePair();
      this.render(true);
    });
    for (const id of ['im-variant', 'im-model', 'im-loss', 'im-batch', 'im-latent', 'im-lr', 'im-seed']) $(id).addEventListener('change', () => this.reset());
    for (const id of ['im-class', 'im-c1', 'im-c2']) $(id).addEventListener('input', () => this.render(true));
  }

  get iteration(): number {
    return this.step;
  }

  /** Fetches the digits (once) the first time the tab opens. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    try {
      const res = await fetch('digits.bin');
      if (!res.ok) throw new Error(`digits.bin: HTTP ${res.status} (rebuild the studio: npm run build:studio)`);
      this.data = parseDigits(await res.arrayBuffer());
      const rng = Rng.derive(99, 0, STREAM.data);
      const real = this.data.sample(GRID, rng).x;
      drawImageGrid($<HTMLCanvasElement>('im-real'), real.map((v) => (v + 1) / 2), GRID, 28, 28, 8);
      for (const id of ['im-play', 'im-reset']) $<HTMLButtonElement>(id).disabled = false;
      // Without a GPU a DCGAN step takes long: start smaller so the page stays responsive.
      if (this.backend === 'wasm' || this.backend === 'cpu') {
        $<HTMLInputElement>('im-batch').value = '16';
        $('im-hint').textContent = `No GPU backend here (${this.backend}): each DCGAN step takes a while, so the batch starts at 16. The MLP model is faster.`;
      }
      this.reset();
      requestAnimationFrame(() => this.tick());
    } catch (e) {
      setStatus('im-status', (e as Error).message, true);
    }
  }

  private readConfig(): RunConfig {
    const type = $<HTMLSelectElement>('im-loss').value as LossType;
    const lr = numberInput('im-lr', 'learning rate', 1e-7, 1);
    const base = resolveConfig({ loss: { type }, model: 'dcgan', data: 'mnist' }, 'images');
    return resolveConfig(
      {
        variant: $<HTMLSelectElement>('im-variant').value,
        data: 'mnist',
        model: $<HTMLSelectElement>('im-model').value as 'dcgan' | 'mlp',
        latentDim: Math.round(numberInput('im-latent', 'latent dim', 2, 512)),
        loss: type === 'wgan-gp' ? { type, gradientPenaltyWeight: 10 } : { type },
        batchSize: Math.round(numberInput('im-batch', 'batch', 2, 512)),
        steps: 100000,
        optimizerG: { ...base.optimizerG, learningRate: lr },
        optimizerD: { ...base.optimizerD, learningRate: lr },
        seed: Math.round(numberInput('im-seed', 'seed', 0, 2 ** 31)),
      },
      'images',
    );
  }

  reset(): void {
    if (!this.data) return;
    this.playing = false;
    this.updatePlayButton();
    try {
      this.config = this.readConfig();
      this.variant?.dispose();
      this.fixedZ?.dispose();
      this.variant = createVariant(this.config, this.data);
      this.showConditionControls();
      const d = this.config.latentDim;
      this.fixedZ = tf.tensor2d(Rng.derive(this.config.seed, 0, STREAM.fixedNoise).normals(GRID * d), [GRID, d]);
      this.makePair();
      this.step = 0;
      this.history = { steps: [], d: [], g: [] };
      this.rateWindow = [];
      setStatus('im-status', `ready: ${this.config.variant} on ${this.config.model} with ${this.config.loss.type}, k = ${this.config.criticSteps}`);
      this.render(true);
    } catch (e) {
      setStatus('im-status', (e as Error).message, true);
    }
  }

  /** Shows the class slider for conditional variants and the code sliders for InfoGAN. */
  private showConditionControls(): void {
    const v = this.variant!;
    const conditional = isLabelConditioned(v);
    const info = isInfoGan(v);
    $('im-cond').hidden = !conditional && !info;
    const classes = conditional ? v.numClasses : info ? (v.codes.categorical[0] ?? 0) : 0;
    $('im-class-wrap').hidden = classes === 0;
    $<HTMLInputElement>('im-class').max = String(Math.max(0, classes - 1));
    const continuous = info ? v.codes.continuous : 0;
    $('im-c1-wrap').hidden = continuous < 1;
    $('im-c2-wrap').hidden = continuous < 2;
    $('im-cond-title').textContent = info ? 'Codes c: InfoGAN learns what they mean' : 'Condition';
    $('im-class-name').textContent = info ? 'categorical code c₀' : 'class y';
    $('im-explain').textContent = info
      ? 'InfoGAN gets no labels: it must make its codes readable from the image (a head Q on D recovers them). Move the sliders once it has trained a while: a categorical code often becomes the digit, continuous codes slant or width.'
      : conditional
        ? 'G(z, y) draws the class you ask for. With “each column its own”, column k shows class k for every row’s z: the rows keep the style, the columns change the digit. Pick one class to see it for all 60 z.'
        : 'The grid is G(z) for 64 fixed z, so you watch the same samples improve. Changing a setting resets the networks.';
  }

  /** G for a batch of z under the sliders' class or codes. */
  private generate(z: tf.Tensor2D): tf.Tensor {
    const v = this.variant!;
    const n = z.shape[0];
    const chosen = Number($<HTMLInputElement>('im-class').value);
    const c1 = Number($<HTMLInputElement>('im-c1').value);
    const c2 = Number($<HTMLInputElement>('im-c2').value);
    $('im-class-val').textContent = chosen < 0 ? 'each column its own' : String(chosen);
    $('im-c1-val').textContent = c1.toFixed(1);
    $('im-c2-val').textContent = c2.toFixed(1);
    if (isInfoGan(v)) {
      const categorical = v.codes.categorical.map((size, j) => (j === 0 && chosen >= 0 ? new Int32Array(n).fill(Math.min(chosen, size - 1)) : roundRobinLabels(n, size)));
      // roundRobinLabels gives sample i the value i mod size: with a 10-wide grid, column k is code k.
      const k = v.codes.continuous;
      const continuous = new Float32Array(n * k);
      for (let i = 0; i < n; i++) {
        if (k > 0) continuous[i * k] = c1;
        if (k > 1) continuous[i * k + 1] = c2;
      }
      return v.generateWithCodes(z, { categorical, continuous });
    }
    if (isLabelConditioned(v)) {
      const labels = chosen >= 0 ? new Int32Array(n).fill(Math.min(chosen, v.numClasses - 1)) : roundRobinLabels(n, v.numClasses);
      return v.generate(z, tf.tensor1d(labels, 'int32'));
    }
    return v.generate(z);
  }

  private makePair(): void {
    const d = this.config.latentDim;
    const rng = Rng.derive(this.config.seed + 1000 * this.pairSeed, 0, STREAM.fixedNoise);
    this.pair = [rng.normals(d), rng.normals(d)];
  }

  togglePlay(): void {
    if (!this.variant) return;
    this.playing = !this.playing;
    if (this.playing) setStatus('im-status', `training ${this.config.variant} on ${this.config.model} with ${this.config.loss.type}`);
    else this.render(true);
    this.updatePlayButton();
  }

  private updatePlayButton(): void {
    $('im-play').textContent = this.playing ? '❚❚ Pause' : '▶ Train';
  }

  private context(): IterationContext {
    const seed = this.config.seed;
    const step = this.step;
    return { step, data: this.data!, batchSize: this.config.batchSize, rng: (stream, subStep = 0) => Rng.derive(seed, step, stream * 4096 + subStep) };
  }

  private tick(): void {
    try {
      if (this.playing && this.variant) {
        const t0 = performance.now();
        do {
          const t1 = performance.now();
          const logs = this.variant.trainIteration(this.context());
          this.step++;
          this.history.steps.push(this.step);
          this.history.d.push(logs.d_loss);
          this.history.g.push(logs.g_loss);
          this.lastIterationMs = performance.now() - t1;
          if (!Number.isFinite(logs.d_loss) || !Number.isFinite(logs.g_loss)) {
            this.playing = false;
            this.updatePlayButton();
            setStatus('im-status', 'training diverged (NaN loss): lower the learning rate and press Reset', true);
          }
        } while (this.playing && performance.now() - t0 < 40);
        this.render(false);
      }
    } catch (e) {
      this.playing = false;
      this.updatePlayButton();
      setStatus('im-status', `training stopped: ${(e as Error).message}`, true);
    }
    requestAnimationFrame(() => this.tick());
  }

  private render(force: boolean): void {
    const now = performance.now();
    this.rateWindow.push({ t: now, step: this.step });
    while (this.rateWindow.length > 2 && now - this.rateWindow[0].t > 3000) this.rateWindow.shift();
    $('im-iter').textContent = String(this.step);
    if (!force && now - this.lastRender < Math.max(400, 3 * this.lastIterationMs)) return;
    this.lastRender = now;
    const first = this.rateWindow[0];
    const rate = now > first.t ? ((this.step - first.step) * 1000) / (now - first.t) : 0;
    $('im-rate').textContent = this.playing ? rate.toFixed(1) : '0';
    if (!this.variant || !this.fixedZ || !this.pair) return;
    const v = this.variant;
    const d = this.config.latentDim;
    // Conditional grids are 10 wide so that column k is class (or code) k.
    const cols = isLabelConditioned(v) || isInfoGan(v) ? 10 : 8;
    const shown = cols === 10 ? 60 : GRID;
    const zs = new Float32Array(INTERP * d);
    for (let i = 0; i < INTERP; i++) zs.set(slerp(this.pair[0], this.pair[1], i / (INTERP - 1)), i * d);
    const [grid, strip] = tf.tidy(() => {
      const toUnit = (x: tf.Tensor) => tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1);
      return [toUnit(this.generate(tf.slice(this.fixedZ!, [0, 0], [shown, d]))), toUnit(this.generate(tf.tensor2d(zs, [INTERP, d])))];
    });
    drawImageGrid($<HTMLCanvasElement>('im-grid'), grid.dataSync() as Float32Array, shown, 28, 28, cols);
    drawImageGrid($<HTMLCanvasElement>('im-interp'), strip.dataSync() as Float32Array, INTERP, 28, 28, INTERP);
    tf.dispose([grid, strip]);
    const h = this.history;
    lineChart($<HTMLCanvasElement>('im-c-loss'), [
      { name: 'D loss', color: '#1565c0', xs: h.steps, ys: h.d },
      { name: 'G loss', color: COLORS.fake, xs: h.steps, ys: h.g },
    ]);
    const n = h.steps.length;
    $('im-loss-vals').textContent = n ? `D ${h.d[n - 1].toFixed(3)} · G ${h.g[n - 1].toFixed(3)}` : '';
  }
}
