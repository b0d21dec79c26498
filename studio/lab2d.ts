import * as tf from '@tensorflow/tfjs-core';
import { iterationRng } from '../src/core/streams.js';
import { buildNetworks, initializeWeights, type GanNetworks } from '../src/nets/index.js';
import { lossByName, type AdversarialLoss } from '../src/losses/index.js';
import { plainGan } from '../src/gans/gan.js';
import { StabiliserOptionsSchema } from '../src/gans/stabilisers.js';
import { STREAM, type GanVariant, type IterationContext, type IterationLogs } from '../src/gans/types.js';
import { resolveConfig, type LossConfig, type LossType, type RunConfig } from '../src/train/config.js';
import { Rng } from '../src/train/rng.js';
import { mixtures, gaussianMixture, type MixtureName } from '../src/data/mixtures.js';
import type { MixtureDataset } from '../src/data/types.js';
import { modeCoverage } from '../src/metrics/modes.js';
import { jsDivergenceOnGrid, optimalDiscriminator, MAX_JS_NATS, type Grid2D } from '../src/metrics/divergence.js';
import { slicedWasserstein } from '../src/metrics/wasserstein.js';
import { gridDensity, normalQuantile, type GridSpec } from './density.js';
import { COLORS, View, drawArrow, drawPoints, lineChart, paintField } from './draw.js';
import { $, checked, numberInput, setStatus } from './dom.js';
import { encodePointsNpy } from './npy.js';

type DataChoice = MixtureName | 'drawn';

/** The plane each data set is shown on. */
const VIEW_RANGE: Record<DataChoice, [number, number]> = {
  ring8: [-1.6, 1.6],
  ring3: [-1.6, 1.6],
  gauss1: [-2.5, 2.5],
  grid25: [-5.6, 5.6],
  grid100: [-5.6, 5.6],
  drawn: [-2, 2],
};

const HEAT_BINS = 64;
const DENSITY_BINS = 64;
const N_FAKE = 1024;
const N_REAL = 1024;
const N_ARROWS = 96;
const MANIFOLD_LINES = 13;
const MANIFOLD_POINTS = 48;

const EXPLAIN: Record<LossType, string> = {
  minimax:
    '<b>Minimax</b>: G minimises log(1 − D(G(z))). Where D confidently rejects the fakes (deep purple under them), that curve is flat: the arrows shrink and the gradient curve sinks, so G learns slowly exactly when it is worst — the saturation Goodfellow et al. warned about.',
  'non-saturating':
    '<b>Non-saturating</b>: G maximises log D(G(z)), so rejected fakes get strong gradients. But D only has slopes near what it has seen: the arrows push fakes toward whichever region D currently calls real, and they can all pile onto a few modes — <b>mode collapse</b>: the modes curve drops and missed modes are ringed in red. Compare D with D*: a real D lags behind the ideal one.',
  wgan:
    '<b>WGAN</b>: the critic gives scores, not probabilities, and clipping its weights to [−c, c] keeps it Lipschitz. Its surface is a gentle slope everywhere, so every fake is pulled toward the data, and the Wasserstein curve tracks progress. Clipping also makes the critic crude and slow to train: try WGAN-GP.',
  'wgan-gp':
    '<b>WGAN-GP</b>: the critic is kept Lipschitz by penalising ‖∇D‖ ≠ 1 between real and fake samples (weight λ). Its heat map becomes a smooth ramp from the fakes up to every mode they lack — not a saturated classifier — so the arrows point across empty space to uncovered modes, collapsed fakes are pulled apart, and the Wasserstein distance falls steadily. A saturated D* would give no gradient there at all.',
  'least-squares':
    '<b>Least squares</b>: D regresses to 1 on real and 0 on fake; G’s loss is quadratic, so fakes already past the decision boundary are still pulled toward the data instead of being left alone.',
  hinge:
    '<b>Hinge</b>: D only pushes scores past a margin of ±1; G raises the critic score of its samples. The loss of SAGAN and BigGAN (with spectral normalisation).',
};

interface History {
  steps: number[];
  dLoss: number[];
  gLoss: number[];
  metricSteps: number[];
  modes: number[];
  js: number[];
  wasserstein: number[];
  gradNorm: number[];
  /** Live changes of the loss, drawn on every chart. */
  markers: { step: number; label: string }[];
}

function emptyHistory(): History {
  return { steps: [], dLoss: [], gLoss: [], metricSteps: [], modes: [], js: [], wasserstein: [], gradNorm: [], markers: [] };
}

function parseWidths(text: string, what: string): number[] {
  const w = text.split(/[,\s]+/).filter(Boolean).map(Number);
  if (w.length === 0 || w.length > 6 || w.some((v) => !Number.isInteger(v) || v < 1 || v > 1024)) {
    throw new Error(`${what}: give 1–6 layer widths from 1 to 1024, like 64,64,64`);
  }
  return w;
}

/** Spaced-out points of a drawing, used as its "modes" for the coverage curve. */
function thin(points: [number, number][], spacing: number): [number, number][] {
  const kept: [number, number][] = [];
  for (const p of points) if (kept.every((q) => Math.hypot(p[0] - q[0], p[1] - q[1]) >= spacing)) kept.push(p);
  return kept;
}

export class Lab2D {
  private data!: MixtureDataset;
  private coverageModes: ReadonlyArray<readonly [number, number]> = [];
  private coverageStd = 0.01;
  private config!: RunConfig;
  private nets: GanNetworks | null = null;
  private variant: GanVariant | null = null;
  private loss!: AdversarialLoss;
  private view!: View;
  private step = 0;
  private playing = false;
  private history = emptyHistory();
  private drawn: [number, number][] = [];
  private dirtyNetworks = true;
  private lastRender = 0;
  private rateWindow: { t: number; step: number }[] = [];
  // Tensors that live as long as one set of networks.
  private fixed: { z: tf.Tensor2D; manifoldZ: tf.Tensor2D; heatGrid: tf.Tensor2D } | null = null;
  private realPoints: Float32Array = new Float32Array(0);
  private realForDensity: Float64Array = new Float64Array(0);
  private fakePoints: Float32Array = new Float32Array(0);
  private heat: Float32Array = new Float32Array(0);
  private manifold: Float32Array = new Float32Array(0);
  private arrows: Float32Array = new Float32Array(0);
  private dStar: Float64Array = new Float64Array(0);
  private dStarWeight: Float64Array = new Float64Array(0);
  private captured: number[] = [];
  private drawing = false;

  constructor() {
    $('l2-play').addEventListener('click', () => this.togglePlay());
    $('l2-step').addEventListener('click', () => this.singleStep());
    $('l2-reset').addEventListener('click', () => this.reset());
    $('l2-clear').addEventListener('click', () => {
      this.drawn = [];
      this.reset();
    });
    $('l2-export').addEventListener('click', () => this.exportConfig());
    $<HTMLSelectElement>('l2-data').addEventListener('change', () => this.reset());
    $<HTMLSelectElement>('l2-loss').addEventListener('change', () => {
      this.useCliDefaults();
      this.applyTrainingSettings();
    });
    for (const id of ['l2-k', 'l2-lrg', 'l2-lrd', 'l2-gp', 'l2-clip', 'l2-batch']) $(id).addEventListener('change', () => this.applyTrainingSettings());
    for (const id of ['l2-hg', 'l2-hd', 'l2-seed']) $(id).addEventListener('change', () => this.reset());
    for (const id of ['show-heat', 'show-manifold', 'show-real', 'show-fake', 'show-arrows', 'show-modes']) $(id).addEventListener('change', () => this.draw());
    this.bindDrawing();
  }

  /** Enables the controls once a backend runs, and builds the first networks. */
  start(): void {
    for (const id of ['l2-play', 'l2-step', 'l2-reset']) $<HTMLButtonElement>(id).disabled = false;
    this.reset();
    requestAnimationFrame(() => this.tick());
  }

  get iteration(): number {
    return this.step;
  }

  // ── settings ────────────────────────────────────────────────────────────
  /** The CLI's defaults for a loss on points data (what `gankit train` would run). */
  private cliDefaults(type: LossType): RunConfig {
    return resolveConfig({ loss: { type }, model: 'mlp', data: 'ring8' }, 'points');
  }

  /** A loss switch takes the CLI's k, learning rates, λ and c for that loss. */
  private useCliDefaults(): void {
    const d = this.cliDefaults($<HTMLSelectElement>('l2-loss').value as LossType);
    $<HTMLInputElement>('l2-k').value = String(d.criticSteps);
    $<HTMLInputElement>('l2-lrg').value = String(d.optimizerG.learningRate);
    $<HTMLInputElement>('l2-lrd').value = String(d.optimizerD.learningRate);
    if (d.loss.type === 'wgan-gp') $<HTMLInputElement>('l2-gp').value = String(d.loss.gradientPenaltyWeight);
    if (d.loss.type === 'wgan') $<HTMLInputElement>('l2-clip').value = String(d.loss.clipValue);
  }

  /** Says what the CLI would use for this loss, and which of the page's settings differ. */
  private showDefaults(c: RunConfig): void {
    const d = this.cliDefaults(c.loss.type);
    const o = d.optimizerG;
    const opt = o.type === 'adam' ? `Adam ${o.learningRate} β=(${o.beta1}, ${o.beta2})` : `${o.type} ${o.learningRate}`;
    const extra = d.loss.type === 'wgan-gp' ? `, λ = ${d.loss.gradientPenaltyWeight}` : d.loss.type === 'wgan' ? `, c = ${d.loss.clipValue}` : '';
    const differs: string[] = [];
    if (c.criticSteps !== d.criticSteps) differs.push(`k = ${c.criticSteps}`);
    if (c.optimizerG.learningRate !== o.learningRate) differs.push(`G rate ${c.optimizerG.learningRate}`);
    if (c.optimizerD.learningRate !== d.optimizerD.learningRate) differs.push(`D rate ${c.optimizerD.learningRate}`);
    if (c.loss.type === 'wgan-gp' && d.loss.type === 'wgan-gp' && c.loss.gradientPenaltyWeight !== d.loss.gradientPenaltyWeight) differs.push(`λ = ${c.loss.gradientPenaltyWeight}`);
    if (c.loss.type === 'wgan' && d.loss.type === 'wgan' && c.loss.clipValue !== d.loss.clipValue) differs.push(`c = ${c.loss.clipValue}`);
    $('l2-defaults').textContent =
      `gankit train's defaults for ${c.loss.type}: k = ${d.criticSteps}, ${opt}${extra}. ` +
      (differs.length ? `Changed here: ${differs.join(', ')} (export config keeps your values).` : 'This lab runs exactly those.');
  }

  private lossConfig(): LossConfig {
    const type = $<HTMLSelectElement>('l2-loss').value as LossType;
    if (type === 'wgan') return { type, clipValue: numberInput('l2-clip', 'clip c', 1e-5, 10) };
    if (type === 'wgan-gp') return { type, gradientPenaltyWeight: numberInput('l2-gp', 'GP weight λ', 0, 1000) };
    return { type } as LossConfig;
  }

  /** The settings as a validated RunConfig: the library's defaults (optimizer per loss) with the page's choices. */
  private readConfig(): RunConfig {
    const loss = this.lossConfig();
    const base = resolveConfig({ loss, model: 'mlp', data: 'ring8' }, 'points');
    const withRate = (lr: number) => ({ ...base.optimizerG, learningRate: lr });
    const data = $<HTMLSelectElement>('l2-data').value;
    return resolveConfig(
      {
        variant: 'gan',
        data,
        model: 'mlp',
        latentDim: 2,
        hidden: parseWidths($<HTMLInputElement>('l2-hg').value, 'G hidden'),
        loss,
        criticSteps: Math.round(numberInput('l2-k', 'critic steps', 1, 50)),
        batchSize: Math.round(numberInput('l2-batch', 'batch', 2, 4096)),
        steps: 100000,
        optimizerG: withRate(numberInput('l2-lrg', 'G learning rate', 1e-7, 10)),
        optimizerD: withRate(numberInput('l2-lrd', 'D learning rate', 1e-7, 10)),
        seed: Math.round(numberInput('l2-seed', 'seed', 0, 2 ** 31)),
      },
      'points',
    );
  }

  private showLossUi(): void {
    const type = $<HTMLSelectElement>('l2-loss').value as LossType;
    this.showDefaults(this.config);
    $('l2-gp-wrap').style.display = type === 'wgan-gp' ? '' : 'none';
    $('l2-clip-wrap').style.display = type === 'wgan' ? '' : 'none';
    $('l2-explain').innerHTML = EXPLAIN[type];
    $('l2-heat-label').textContent = lossByName(type).probability
      ? 'D(x) = P(real): green says real, purple says fake'
      : 'critic score, rescaled to this view: green high (real-like), purple low';
  }

  // ── building ────────────────────────────────────────────────────────────
  private buildData(): void {
    const choice = $<HTMLSelectElement>('l2-data').value as DataChoice;
    $('l2-draw-hint').hidden = choice !== 'drawn';
    if (choice === 'drawn') {
      this.data = gaussianMixture('drawn', this.drawn.length ? this.drawn : [[0, 0]], 0.04);
      this.coverageModes = thin(this.drawn, 0.3);
      this.coverageStd = 0.05;
    } else {
      this.data = mixtures[choice]();
      this.coverageModes = this.data.modes;
      this.coverageStd = this.data.std;
    }
    const [lo, hi] = VIEW_RANGE[choice];
    this.view = new View(lo, hi, $<HTMLCanvasElement>('l2-main').width);
    const rng = Rng.derive(12345, 0, STREAM.data);
    this.realPoints = this.data.sample(N_REAL, rng).x;
    const grid: GridSpec = { lo, hi, bins: DENSITY_BINS };
    this.realForDensity = gridDensity(this.data.sample(4096, rng).x, grid, 1.2);
  }

  /** Throws away the networks and history; rebuilds from the settings. */
  reset(): void {
    this.playing = false;
    this.updatePlayButton();
    try {
      this.buildData();
      this.config = this.readConfig();
      this.disposeNetworks();
      const spec = {
        model: 'mlp' as const,
        dataShape: [2],
        latentDim: 2,
        hidden: this.config.hidden,
        discriminatorHidden: parseWidths($<HTMLInputElement>('l2-hd').value, 'D hidden'),
      };
      this.nets = buildNetworks(spec);
      initializeWeights(this.nets.generator, this.config.seed, STREAM.init);
      initializeWeights(this.nets.discriminator, this.config.seed, STREAM.init + 1);
      this.makeFixedTensors();
      this.buildVariant();
      this.step = 0;
      this.history = emptyHistory();
      this.rateWindow = [];
      setStatus('l2-status', this.data.name === 'drawn' && this.drawn.length < 5 ? 'draw some data on the left canvas first' : 'ready');
      this.dirtyNetworks = false;
      this.refresh(true);
    } catch (e) {
      setStatus('l2-status', (e as Error).message, true);
    }
  }

  private makeFixedTensors(): void {
    const [lo, hi] = [this.view.lo, this.view.hi];
    const rng = Rng.derive(777, 0, STREAM.fixedNoise);
    const z = tf.tensor2d(rng.normals(N_FAKE * 2), [N_FAKE, 2]);
    // Grid lines at equal-probability quantiles of z ~ N(0, I): every cell holds the same
    // prior mass, so where G stretches a cell its density is thin, where it squeezes, dense.
    const m: number[] = [];
    for (let i = 0; i < MANIFOLD_LINES; i++) {
      const a = normalQuantile((i + 0.5) / MANIFOLD_LINES);
      for (let j = 0; j < MANIFOLD_POINTS; j++) {
        const b = normalQuantile((j + 0.5) / MANIFOLD_POINTS);
        m.push(a, b);
      }
      for (let j = 0; j < MANIFOLD_POINTS; j++) {
        const b = normalQuantile((j + 0.5) / MANIFOLD_POINTS);
        m.push(b, a);
      }
    }
    const manifoldZ = tf.tensor2d(m, [m.length / 2, 2]);
    const g: number[] = [];
    for (let y = 0; y < HEAT_BINS; y++)
      for (let x = 0; x < HEAT_BINS; x++) g.push(lo + ((x + 0.5) / HEAT_BINS) * (hi - lo), lo + ((y + 0.5) / HEAT_BINS) * (hi - lo));
    const heatGrid = tf.tensor2d(g, [HEAT_BINS * HEAT_BINS, 2]);
    this.fixed = { z, manifoldZ, heatGrid };
  }

  /** (Re)builds the training variant around the current networks: used for live loss switches. */
  private buildVariant(): void {
    if (!this.nets) return;
    const old = this.variant;
    if (old) for (const o of Object.values(old.optimizers())) o.dispose();
    const c = this.config;
    this.loss = lossByName(c.loss.type, { realLabel: c.realLabel });
    // The library's own plain GAN, its loss mapped to clipping or penalty by the objective table.
    this.variant = plainGan('gan', this.nets, c, StabiliserOptionsSchema.parse({}));
    this.showLossUi();
  }

  /** Loss, k, rates, λ, c, batch: applied to the running networks (fresh optimizers). */
  private applyTrainingSettings(): void {
    try {
      this.config = this.readConfig();
      if (this.dirtyNetworks || !this.nets) {
        this.reset();
        return;
      }
      const previous = this.variant ? this.loss.name : null;
      this.buildVariant();
      if (previous !== this.config.loss.type && this.step > 0) this.history.markers.push({ step: this.step, label: `→ ${this.config.loss.type}` });
      setStatus('l2-status', `now training with ${this.config.loss.type} (k = ${this.config.criticSteps}) from iteration ${this.step}`);
      this.refresh(true);
    } catch (e) {
      setStatus('l2-status', (e as Error).message, true);
    }
  }

  private disposeNetworks(): void {
    if (this.variant) this.variant.dispose();
    else if (this.nets) {
      this.nets.generator.dispose();
      this.nets.discriminator.dispose();
    }
    this.variant = null;
    this.nets = null;
    if (this.fixed) tf.dispose([this.fixed.z, this.fixed.manifoldZ, this.fixed.heatGrid]);
    this.fixed = null;
  }

  // ── training ────────────────────────────────────────────────────────────
  private context(): IterationContext {
    const seed = this.config.seed;
    const step = this.step;
    return { step, data: this.data, batchSize: this.config.batchSize, rng: (stream, subStep = 0) => iterationRng(seed, step, stream, subStep) };
  }

  private trainOnce(): IterationLogs {
    const logs = this.variant!.trainIteration(this.context());
    this.step++;
    if (!Number.isFinite(logs.d_loss) || !Number.isFinite(logs.g_loss)) {
      this.playing = false;
      this.updatePlayButton();
      setStatus('l2-status', 'training diverged (NaN loss): lower the learning rates and press Reset', true);
    }
    const h = this.history;
    h.steps.push(this.step);
    h.dLoss.push(logs.d_loss);
    h.gLoss.push(logs.g_loss);
    return logs;
  }

  private canTrain(): boolean {
    if (this.data.name === 'drawn' && this.drawn.length < 5) {
      setStatus('l2-status', 'draw some data on the left canvas first (drag the mouse)', true);
      return false;
    }
    return this.variant !== null;
  }

  togglePlay(): void {
    if (!this.playing && !this.canTrain()) return;
    this.playing = !this.playing;
    if (this.playing) setStatus('l2-status', `training with ${this.config.loss.type}`);
    else this.refresh(true);
    this.updatePlayButton();
  }

  private updatePlayButton(): void {
    $('l2-play').textContent = this.playing ? '❚❚ Pause' : '▶ Train';
  }

  private singleStep(): void {
    if (!this.canTrain()) return;
    this.playing = false;
    this.updatePlayButton();
    try {
      this.trainOnce();
      this.refresh(true);
    } catch (e) {
      setStatus('l2-status', (e as Error).message, true);
    }
  }

  private tick(): void {
    try {
      if (this.playing && this.variant) {
        const t0 = performance.now();
        do this.trainOnce();
        while (this.playing && performance.now() - t0 < 35);
        this.refresh(false);
      }
    } catch (e) {
      this.playing = false;
      this.updatePlayButton();
      setStatus('l2-status', `training stopped: ${(e as Error).message}`, true);
    }
    requestAnimationFrame(() => this.tick());
  }

  // ── measuring and drawing ───────────────────────────────────────────────
  /** Recomputes what the pictures show (at most ~10 times a second while training). */
  private refresh(force: boolean): void {
    const now = performance.now();
    this.rateWindow.push({ t: now, step: this.step });
    while (this.rateWindow.length > 2 && now - this.rateWindow[0].t > 2000) this.rateWindow.shift();
    $('l2-iter').textContent = String(this.step);
    if (!force && now - this.lastRender < 100) return;
    this.lastRender = now;
    const first = this.rateWindow[0];
    const rate = now > first.t ? ((this.step - first.step) * 1000) / (now - first.t) : 0;
    $('l2-rate').textContent = this.playing ? rate.toFixed(rate < 10 ? 1 : 0) : '0';
    if (!this.variant || !this.fixed) return;
    this.measure();
    this.draw();
  }

  private measure(): void {
    const v = this.variant!;
    const f = this.fixed!;
    const loss = this.loss;
    const [fake, heat, manifold] = tf.tidy(() => {
      const raw = v.discriminate(f.heatGrid);
      const shown = loss.probability ? loss.probability(raw) : raw;
      return [v.generate(f.z), shown, v.generate(f.manifoldZ)];
    });
    this.fakePoints = fake.dataSync() as Float32Array;
    this.heat = heat.dataSync() as Float32Array;
    this.manifold = manifold.dataSync() as Float32Array;
    // Where G's update pushes each fake: −∇ₓ of the generator's loss, per sample
    // (× batch, since the loss is a mean).
    const grads = tf.tidy(() => {
      const x = tf.slice(fake, [0, 0], [N_ARROWS, 2]);
      const g = tf.grad((xx: tf.Tensor) => loss.generator(v.discriminate(xx)))(x);
      return tf.mul(g, -N_ARROWS);
    });
    this.arrows = grads.dataSync() as Float32Array;
    tf.dispose([fake, heat, manifold, grads]);
    if (!loss.probability) {
      let lo = Infinity;
      let hi = -Infinity;
      for (const s of this.heat) {
        lo = Math.min(lo, s);
        hi = Math.max(hi, s);
      }
      const span = hi - lo || 1;
      for (let i = 0; i < this.heat.length; i++) this.heat[i] = (this.heat[i] - lo) / span;
    }
    const grid: GridSpec = { lo: this.view.lo, hi: this.view.hi, bins: DENSITY_BINS };
    const pG = gridDensity(this.fakePoints, grid, 1.2);
    this.dStar = optimalDiscriminator(this.realForDensity, pG);
    // Fade D* out where neither density has mass: the ratio is undefined there.
    let maxMass = 0;
    for (let i = 0; i < pG.length; i++) maxMass = Math.max(maxMass, pG[i] + this.realForDensity[i]);
    this.dStarWeight = new Float64Array(pG.length);
    for (let i = 0; i < pG.length; i++) this.dStarWeight[i] = Math.min(1, Math.sqrt((pG[i] + this.realForDensity[i]) / (0.02 * maxMass)));
    const h = this.history;
    if (h.metricSteps[h.metricSteps.length - 1] === this.step) return;
    let gradSum = 0;
    for (let i = 0; i < N_ARROWS; i++) gradSum += Math.hypot(this.arrows[2 * i], this.arrows[2 * i + 1]);
    const coverage = this.coverageModes.length ? modeCoverage(this.fakePoints, this.coverageModes, this.coverageStd) : null;
    this.captured = coverage ? coverage.perModeCounts : [];
    h.metricSteps.push(this.step);
    h.modes.push(coverage ? coverage.modesCaptured : NaN);
    const box: Grid2D = { xMin: grid.lo, xMax: grid.hi, yMin: grid.lo, yMax: grid.hi, nx: grid.bins, ny: grid.bins };
    let js: number = MAX_JS_NATS;
    try {
      js = jsDivergenceOnGrid(this.realForDensity, pG, box).js;
    } catch {
      // Every fake is outside the view (or NaN): no overlap with the data at all.
    }
    h.js.push(js);
    const finite = this.fakePoints.every(Number.isFinite);
    h.wasserstein.push(finite ? slicedWasserstein(this.realPoints, this.fakePoints, 2, { projections: 32, seed: 1 }).value : NaN);
    h.gradNorm.push(gradSum / N_ARROWS);
  }

  draw(): void {
    if (!this.view) return;
    const canvas = $<HTMLCanvasElement>('l2-main');
    const ctx = canvas.getContext('2d')!;
    const view = this.view;
    ctx.clearRect(0, 0, canvas.width, canvas.height);
    ctx.fillStyle = '#fafbfc';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    if (checked('show-heat') && this.heat.length) paintField(ctx, this.heat, HEAT_BINS, 0.85);
    this.drawAxes(ctx);
    if (checked('show-manifold') && this.manifold.length) this.drawManifold(ctx);
    if (checked('show-real')) drawPoints(ctx, view, this.data.name === 'drawn' ? this.drawnAsPoints() : this.realPoints, COLORS.real, 2, 0.7);
    if (checked('show-modes')) this.drawModes(ctx);
    if (checked('show-fake') && this.fakePoints.length) drawPoints(ctx, view, this.fakePoints.subarray(0, 1024), COLORS.fake, 2, 0.75);
    if (checked('show-arrows') && this.arrows.length) this.drawArrows(ctx);

    const opt = $<HTMLCanvasElement>('l2-opt');
    const octx = opt.getContext('2d')!;
    octx.clearRect(0, 0, opt.width, opt.height);
    if (this.dStar.length) paintField(octx, this.dStar, DENSITY_BINS, 0.95, this.dStarWeight);
    this.drawAxes(octx);
    drawPoints(octx, view, this.realPoints.subarray(0, 1024), COLORS.real, 1.3, 0.45);
    if (this.fakePoints.length) drawPoints(octx, view, this.fakePoints.subarray(0, 512), COLORS.fake, 1.3, 0.45);
    this.drawCharts();
  }

  private drawnAsPoints(): Float32Array {
    return Float32Array.from(this.drawn.flat());
  }

  private drawAxes(ctx: CanvasRenderingContext2D): void {
    const v = this.view;
    ctx.save();
    ctx.strokeStyle = 'rgba(29, 35, 48, 0.12)';
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(v.px(0), 0);
    ctx.lineTo(v.px(0), v.size);
    ctx.moveTo(0, v.py(0));
    ctx.lineTo(v.size, v.py(0));
    ctx.stroke();
    ctx.restore();
  }

  private drawManifold(ctx: CanvasRenderingContext2D): void {
    const v = this.view;
    ctx.save();
    ctx.strokeStyle = COLORS.manifold;
    ctx.lineWidth = 1;
    const perLine = MANIFOLD_POINTS;
    for (let line = 0; line < MANIFOLD_LINES * 2; line++) {
      ctx.beginPath();
      for (let j = 0; j < perLine; j++) {
        const i = (line * perLine + j) * 2;
        const x = v.px(this.manifold[i]);
        const y = v.py(this.manifold[i + 1]);
        if (j === 0) ctx.moveTo(x, y);
        else ctx.lineTo(x, y);
      }
      ctx.stroke();
    }
    ctx.restore();
  }

  private drawModes(ctx: CanvasRenderingContext2D): void {
    const v = this.view;
    const r = Math.max(6, (3 * this.coverageStd * v.size) / (v.hi - v.lo)) + 3;
    ctx.save();
    ctx.lineWidth = 2;
    this.coverageModes.forEach((m, k) => {
      const hit = (this.captured[k] ?? 0) > 0;
      ctx.strokeStyle = hit ? COLORS.real : '#d32f2f';
      ctx.setLineDash(hit ? [] : [4, 3]);
      ctx.beginPath();
      ctx.arc(v.px(m[0]), v.py(m[1]), hit ? r : r + 3, 0, 2 * Math.PI);
      ctx.stroke();
    });
    ctx.restore();
  }

  private drawArrows(ctx: CanvasRenderingContext2D): void {
    const v = this.view;
    const norms: number[] = [];
    for (let i = 0; i < N_ARROWS; i++) norms.push(Math.hypot(this.arrows[2 * i], this.arrows[2 * i + 1]));
    const sorted = [...norms].sort((a, b) => a - b);
    // Lengths relative to this frame's 90th percentile (the gradient chart shows the scale).
    const ref = sorted[Math.floor(0.9 * (sorted.length - 1))] || 1;
    const maxLen = v.size * 0.07;
    ctx.save();
    ctx.strokeStyle = COLORS.arrow;
    ctx.fillStyle = COLORS.arrow;
    ctx.lineWidth = 1.4;
    for (let i = 0; i < N_ARROWS; i++) {
      const x0 = v.px(this.fakePoints[2 * i]);
      const y0 = v.py(this.fakePoints[2 * i + 1]);
      const len = Math.min(1, norms[i] / ref) * maxLen;
      if (!(norms[i] > 0) || !Number.isFinite(x0) || !Number.isFinite(y0)) continue;
      const ux = this.arrows[2 * i] / norms[i];
      const uy = this.arrows[2 * i + 1] / norms[i];
      drawArrow(ctx, x0, y0, x0 + ux * len, y0 - uy * len);
    }
    ctx.restore();
  }

  private drawCharts(): void {
    const h = this.history;
    lineChart($<HTMLCanvasElement>('l2-c-loss'), [
      { name: 'D loss', color: '#1565c0', xs: h.steps, ys: h.dLoss },
      { name: 'G loss', color: COLORS.fake, xs: h.steps, ys: h.gLoss },
    ], { markers: h.markers });
    const last = (a: number[]) => a[a.length - 1];
    $('l2-loss-vals').textContent = h.steps.length ? `D ${last(h.dLoss).toFixed(3)} · G ${last(h.gLoss).toFixed(3)}` : '';
    const total = this.coverageModes.length;
    lineChart($<HTMLCanvasElement>('l2-c-modes'), [{ name: `modes captured of ${total}`, color: COLORS.real, xs: h.metricSteps, ys: h.modes }], { yMin: 0, yMax: Math.max(1, total), markers: h.markers });
    $('l2-modes-val').textContent = h.modes.length && Number.isFinite(last(h.modes)) ? `${last(h.modes)} of ${total} (fakes within 3σ of a mode)` : '';
    lineChart(
      $<HTMLCanvasElement>('l2-c-div'),
      [
        { name: 'JS (nats)', color: '#ef6c00', xs: h.metricSteps, ys: h.js },
        { name: 'sliced W₁ →', color: '#00838f', xs: h.metricSteps, ys: h.wasserstein, right: true },
      ],
      { yMin: 0, yMax: Math.LN2, markers: h.markers },
    );
    $('l2-div-val').textContent = h.js.length ? `JS ${last(h.js).toFixed(3)} (max ln 2 = 0.693) · W₁ ${last(h.wasserstein).toFixed(3)}` : '';
    lineChart($<HTMLCanvasElement>('l2-c-grad'), [{ name: 'mean ‖∇ₓ L_G‖ (log)', color: COLORS.arrow, xs: h.metricSteps, ys: h.gradNorm }], { log: true, markers: h.markers });
    $('l2-grad-val').textContent = h.gradNorm.length ? `mean over ${N_ARROWS} fakes: ${last(h.gradNorm).toExponential(2)} (near 0: G gets no signal)` : '';
  }

  // ── drawing a distribution ──────────────────────────────────────────────
  private bindDrawing(): void {
    const canvas = $<HTMLCanvasElement>('l2-main');
    const add = (ev: PointerEvent) => {
      const r = canvas.getBoundingClientRect();
      const px = ((ev.clientX - r.left) / r.width) * canvas.width;
      const py = ((ev.clientY - r.top) / r.height) * canvas.height;
      const p = this.view.fromPx(px, py);
      const prev = this.drawn[this.drawn.length - 1];
      if (!prev || Math.hypot(p[0] - prev[0], p[1] - prev[1]) > 0.03) this.drawn.push(p);
      this.dirtyNetworks = true;
      this.buildData();
      this.draw();
    };
    canvas.addEventListener('pointerdown', (ev) => {
      if (this.data?.name !== 'drawn' || this.playing) return;
      this.drawing = true;
      canvas.setPointerCapture(ev.pointerId);
      add(ev);
    });
    canvas.addEventListener('pointermove', (ev) => {
      if (this.drawing) add(ev);
      else this.readout(canvas, ev);
    });
    const opt = $<HTMLCanvasElement>('l2-opt');
    opt.addEventListener('pointermove', (ev) => this.readout(opt, ev));
    const end = () => {
      if (!this.drawing) return;
      this.drawing = false;
      this.reset();
    };
    canvas.addEventListener('pointerup', end);
    canvas.addEventListener('pointercancel', end);
  }

  /** Shows D(x), D*(x) and the densities under the pointer. */
  private readout(canvas: HTMLCanvasElement, ev: PointerEvent): void {
    if (!this.view || !this.heat.length) return;
    const r = canvas.getBoundingClientRect();
    const [x, y] = this.view.fromPx(((ev.clientX - r.left) / r.width) * this.view.size, ((ev.clientY - r.top) / r.height) * this.view.size);
    const cell = (bins: number) => {
      const i = Math.min(bins - 1, Math.max(0, Math.floor(((x - this.view.lo) / (this.view.hi - this.view.lo)) * bins)));
      const j = Math.min(bins - 1, Math.max(0, Math.floor(((y - this.view.lo) / (this.view.hi - this.view.lo)) * bins)));
      return j * bins + i;
    };
    const d = this.heat[cell(HEAT_BINS)];
    const ds = this.dStar[cell(DENSITY_BINS)];
    const what = this.loss.probability ? `D(x) = ${d.toFixed(3)}` : `critic score, rescaled = ${d.toFixed(3)}`;
    const text = `x = (${x.toFixed(2)}, ${y.toFixed(2)}): ${what} · D*(x) = ${Number.isFinite(ds) ? ds.toFixed(3) : '—'}`;
    $('l2-readout').textContent = text;
    $('l2-readout-opt').textContent = text;
  }

  /**
   * Downloads the settings as the RunConfig `gankit train --config` reads. Drawn data goes
   * with it as drawn.npy (4096 samples of the drawing) and the config names it
   * `points:drawn.npy`, so the CLI trains on the same distribution.
   */
  private exportConfig(): void {
    try {
      const c = { ...this.readConfig(), steps: Math.max(this.step, 1000) };
      if (this.data.name === 'drawn') {
        if (this.drawn.length < 5) throw new Error('draw some data first: there is nothing to export');
        c.data = 'points:drawn.npy';
        download('drawn.npy', new Blob([encodePointsNpy(this.data.sample(4096, Rng.derive(c.seed, 0, STREAM.data)).x)], { type: 'application/octet-stream' }));
      }
      download('config.json', new Blob([JSON.stringify(c, null, 2) + '\n'], { type: 'application/json' }));
      setStatus('l2-status', this.data.name === 'drawn' ? 'exported config.json and drawn.npy: gankit train --config config.json (next to drawn.npy)' : 'exported config.json: gankit train --config config.json');
    } catch (e) {
      setStatus('l2-status', (e as Error).message, true);
    }
  }
}

function download(name: string, blob: Blob): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}
