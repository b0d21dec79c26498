import * as tf from '@tensorflow/tfjs-core';
import { iterationRng } from '../src/core/streams.js';
import { buildNetworks, initializeWeights, type GanNetworks } from '../src/nets/index.js';
import { lossByName, type AdversarialLoss } from '../src/losses/index.js';
import { STREAM, type IterationContext, type IterationLogs } from '../src/gans/types.js';
import { resolveConfig, type LossType, type RunConfig } from '../src/train/config.js';
import type { OptimizerConfig } from '../src/core/optimizers.js';
import { Rng } from '../src/train/rng.js';
import { mixtures, gaussianMixture } from '../src/data/mixtures.js';
import type { MixtureDataset } from '../src/data/types.js';
import { modeCoverage } from '../src/metrics/modes.js';
import { jsDivergenceOnGrid, optimalDiscriminator, MAX_JS_NATS, type Grid2D } from '../src/metrics/divergence.js';
import { slicedWasserstein } from '../src/metrics/wasserstein.js';
import { gridDensity, normalQuantile, type GridSpec } from './density.js';
import { COLORS, View, contourSegments, drawArrow, drawPoints, drawRings, lineChart, paintField } from './draw.js';
import { $, checked, numberInput, setStatus } from './dom.js';
import { encodePointsNpy } from './npy.js';
import { LabGame, drawNoise, type NoiseKind, type SubStep } from './lab-game.js';
import { hasLabState, readState, writeState, type DataChoice, type LabState, type OptimizerChoice } from './lab-state.js';
import { DEFAULT_STATE, PRESETS, type Preset } from './lab-presets.js';
import { applyTrainedWeights, type TrainedWeights } from './lab-trained.js';
import { labConfig } from './lab-config.js';

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
/** Slow motion's Play: one sub-step per this many ms. */
const SLOW_PLAY_MS = 900;
/** Arrows drawn on G's batch in slow motion. */
const SLOW_ARROWS = 64;

const EXPLAIN: Record<LossType, string> = {
  minimax:
    '<b>Minimax</b>: G minimises log(1 − D(G(z))). Where D confidently rejects the fakes (deep purple under them), that curve is flat: the arrows shrink and the gradient curve sinks, so G learns slowly exactly when it is worst — the saturation Goodfellow et al. warned about.',
  'non-saturating':
    '<b>Non-saturating</b>: G maximises log D(G(z)), so rejected fakes get strong gradients. But D only has slopes near what it has seen: the arrows push fakes toward whichever region D currently calls real, and they can all pile onto a few modes — <b>mode collapse</b>: the modes curve drops and missed modes are ringed in red. Compare D with D*: a real D lags behind the ideal one.',
  wgan:
    '<b>WGAN</b>: the critic gives scores, not probabilities, and clipping its weights to [−c, c] keeps it Lipschitz. Its surface is a gentle slope everywhere, so every fake is pulled toward the data, and the Wasserstein curve tracks progress. Clipping also makes the critic crude and slow to train: try WGAN-GP.',
  'wgan-gp':
    '<b>WGAN-GP</b>: the critic is kept Lipschitz by penalising ‖∇D‖ ≠ 1 between real and fake samples (weight λ). Its heat map becomes a smooth ramp from the fakes up to every mode they lack — not a saturated classifier — so the arrows point across empty space to uncovered modes, collapsed fakes are pulled apart, and the Wasserstein distance falls steadily. A saturated D* would give no gradient there at all. On 2D points the CLI (and so this lab) takes λ = 0.1 and batch 256 from the paper’s toy code, with a 5× higher rate than its 1e-4 (at 1e-4 a few thousand steps leave the critic untrained); images use λ = 10.',
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

/** Spaced-out points of a drawing, used as its "modes" for the coverage curve. */
function thin(points: [number, number][], spacing: number): [number, number][] {
  const kept: [number, number][] = [];
  for (const p of points) if (kept.every((q) => Math.hypot(p[0] - q[0], p[1] - q[1]) >= spacing)) kept.push(p);
  return kept;
}

/** The quantile function of one coordinate of the noise: grid lines of equal prior mass. */
function noiseQuantile(p: number, kind: NoiseKind): number {
  return kind === 'uniform' ? 2 * p - 1 : normalQuantile(p);
}

/** What the slow-motion view shows of the sub-step just taken. */
interface SlowView {
  sub: SubStep;
  iteration: number;
  /** The heat field before the step (same scale as this.heat) and the boundary levels before/after. */
  heatBefore: Float32Array;
  levelBefore: number;
  /** D's boundary after the step as a raw score (null: D = ½), put on the scale of the field after when drawn. */
  levelAfterRaw: number | null;
  /** The batch: D's real samples; the fakes before (and, for G's step, after) the update. */
  real: Float32Array | null;
  fakeBefore: Float32Array;
  fakeAfter: Float32Array | null;
  /** −∇ₓ L_G on each fake of G's batch (G's step). */
  arrows: Float32Array | null;
  lossBefore: number;
  lossAfter: number;
}

export class Lab2D {
  private data!: MixtureDataset;
  private coverageModes: ReadonlyArray<readonly [number, number]> = [];
  private coverageStd = 0.01;
  private config!: RunConfig;
  private nets: GanNetworks | null = null;
  private game: LabGame | null = null;
  private loss!: AdversarialLoss;
  private view!: View;
  private step = 0;
  /** Counts resets: a trained preset arriving after one (another preset, a changed setting) is dropped. */
  private resets = 0;
  private playing = false;
  private history = emptyHistory();
  private drawn: [number, number][] = [];
  private dirtyNetworks = true;
  private lastRender = 0;
  private rateWindow: { t: number; step: number }[] = [];
  // Tensors that live as long as one set of networks.
  private fixed: { z: tf.Tensor2D; manifoldZ: tf.Tensor2D; heatGrid: tf.Tensor2D } | null = null;
  private manifoldLines = MANIFOLD_LINES * 2;
  private realPoints: Float32Array = new Float32Array(0);
  private realForDensity: Float64Array = new Float64Array(0);
  private fakePoints: Float32Array = new Float32Array(0);
  private heat: Float32Array = new Float32Array(0);
  /** The raw score range behind this.heat when it is a critic's (rescaled to [0, 1]). */
  private heatRange: [number, number] = [0, 1];
  private manifold: Float32Array = new Float32Array(0);
  private arrows: Float32Array = new Float32Array(0);
  private dStar: Float64Array = new Float64Array(0);
  private dStarWeight: Float64Array = new Float64Array(0);
  private captured: number[] = [];
  private drawing = false;
  // Slow motion: on/off, the next sub-step of the iteration, what the steps so far logged.
  private slow = false;
  private cursor = 0;
  private subLogs: { sub: SubStep; logs: IterationLogs }[] = [];
  private slowView: SlowView | null = null;
  private slowTimer: number | null = null;
  private linkNote: string | null = null;
  private linkProblems: string[] = [];

  constructor() {
    $('l2-play').addEventListener('click', () => this.togglePlay());
    $('l2-step').addEventListener('click', () => this.singleStep());
    $('l2-reset').addEventListener('click', () => this.reset());
    $('l2-slow').addEventListener('click', () => this.setSlow(!this.slow));
    $('l2-next').addEventListener('click', () => this.nextSubStep());
    $('l2-slow-play').addEventListener('click', () => this.toggleSlowPlay());
    $('l2-copy').addEventListener('click', () => void this.copyLink());
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
    for (const id of ['l2-k', 'l2-gsteps', 'l2-opt-type', 'l2-lrg', 'l2-lrd', 'l2-gp', 'l2-clip', 'l2-batch']) $(id).addEventListener('change', () => this.applyTrainingSettings());
    for (const id of ['l2-hg', 'l2-hd', 'l2-seed', 'l2-noise']) $(id).addEventListener('change', () => this.reset());
    for (const id of ['show-heat', 'show-manifold', 'show-real', 'show-fake', 'show-arrows', 'show-modes']) $(id).addEventListener('change', () => this.draw());
    const presets = $('l2-presets');
    for (const p of PRESETS) {
      const b = document.createElement('button');
      b.textContent = p.title;
      b.dataset.preset = p.id;
      b.title = p.blurb;
      b.disabled = true;
      b.addEventListener('click', () => this.loadPreset(p.id));
      presets.append(b);
    }
    this.bindDrawing();
  }

  /** Enables the controls once a backend runs; takes the settings of the page's link, if any; builds the first networks. */
  start(): void {
    for (const id of ['l2-play', 'l2-step', 'l2-reset', 'l2-slow', 'l2-copy']) $<HTMLButtonElement>(id).disabled = false;
    for (const b of $('l2-presets').querySelectorAll('button')) b.disabled = false;
    const params = new URLSearchParams(location.search);
    if (hasLabState(params)) {
      const { state, problems } = readState(params, this.readState());
      this.applyState(state);
      this.linkProblems = problems;
    }
    this.reset();
    if (this.linkProblems.length) setStatus('l2-status', `this link has settings the lab cannot take (kept its own): ${this.linkProblems.join('; ')}`, true);
    else if (hasLabState(params)) setStatus('l2-status', this.data.name === 'drawn' && this.drawn.length ? `lab loaded from the link, with its ${this.drawn.length} drawn points` : 'lab loaded from the link');
    requestAnimationFrame(() => this.tick());
  }

  get iteration(): number {
    return this.step;
  }

  /** How many points the drawing holds (the tests compare a link's drawing with its source). */
  get drawnPoints(): number {
    return this.drawn.length;
  }

  // ── the lab's state: inputs ⇄ LabState ⇄ link ─────────────────────────────
  /** The page's settings as a LabState (read as typed: validation happens in readConfig). */
  readState(): LabState {
    const v = (id: string) => $<HTMLInputElement>(id).value;
    const [dim, noise] = v('l2-noise').split('-');
    return {
      data: v('l2-data') as DataChoice,
      loss: v('l2-loss') as LossType,
      dSteps: Number(v('l2-k')),
      gSteps: Number(v('l2-gsteps')),
      optimizer: v('l2-opt-type') as OptimizerChoice,
      lrG: Number(v('l2-lrg')),
      lrD: Number(v('l2-lrd')),
      batch: Number(v('l2-batch')),
      hiddenG: v('l2-hg'),
      hiddenD: v('l2-hd'),
      gp: Number(v('l2-gp')),
      clip: Number(v('l2-clip')),
      seed: Number(v('l2-seed')),
      noise: noise as NoiseKind,
      noiseDim: dim === '1' ? 1 : 2,
      points: this.drawn.map((p) => [p[0], p[1]]),
    };
  }

  /** Sets the inputs (and the drawing) to a state; the caller resets. */
  private applyState(s: LabState): void {
    const set = (id: string, value: string | number) => ($<HTMLInputElement>(id).value = String(value));
    set('l2-data', s.data);
    set('l2-loss', s.loss);
    set('l2-k', s.dSteps);
    set('l2-gsteps', s.gSteps);
    set('l2-opt-type', s.optimizer);
    set('l2-lrg', s.lrG);
    set('l2-lrd', s.lrD);
    set('l2-batch', s.batch);
    set('l2-hg', s.hiddenG);
    set('l2-hd', s.hiddenD);
    set('l2-gp', s.gp);
    set('l2-clip', s.clip);
    set('l2-seed', s.seed);
    set('l2-noise', `${s.noiseDim}-${s.noise}`);
    this.drawn = s.points.map((p) => [p[0], p[1]]);
  }

  /** Writes the state into the address bar (replaceState: no history entry per change). */
  private syncLink(): void {
    const params = new URLSearchParams(location.search);
    const { note } = writeState(this.readState(), params);
    this.linkNote = note;
    $('l2-link-note').textContent = note ?? '';
    history.replaceState(history.state, '', `${location.pathname}?${params.toString()}${location.hash}`);
  }

  /** The link that reproduces this lab. */
  link(): string {
    this.syncLink();
    return location.href;
  }

  private async copyLink(): Promise<void> {
    const url = this.link();
    const field = $<HTMLInputElement>('l2-link');
    field.value = url;
    try {
      await navigator.clipboard.writeText(url);
      field.hidden = true;
      setStatus('l2-status', this.linkNote ? `link copied, without the drawing: ${this.linkNote}` : 'link copied: it opens this lab with these settings');
    } catch {
      // No clipboard (permission, or not a secure context): show the link to copy by hand.
      field.hidden = false;
      field.select();
      setStatus('l2-status', 'the browser refused the clipboard: copy the link from the field below');
    }
  }

  private loadPreset(id: string): void {
    const p = PRESETS.find((q) => q.id === id);
    if (!p) return;
    this.setSlow(false);
    this.applyState(p.state);
    this.reset();
    for (const b of $('l2-presets').querySelectorAll<HTMLButtonElement>('button')) b.classList.toggle('active', b.dataset.preset === id);
    $('l2-preset-blurb').innerHTML = `<b>${p.title}</b>: ${p.blurb.replace(/`([^`]+)`/g, '<code>$1</code>')}`;
    if (p.trained) void this.loadTrained(p, p.trained, this.resets);
    else setStatus('l2-status', `preset “${p.title}” loaded: press Train`);
  }

  /** Puts a trained preset's weights into the fresh networks, unless the lab was reset meanwhile. */
  private async loadTrained(p: Preset, url: string, resets: number): Promise<void> {
    setStatus('l2-status', `preset “${p.title}”: loading its trained networks…`);
    try {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
      const file = (await res.json()) as TrainedWeights;
      if (resets !== this.resets || !this.nets) return;
      applyTrainedWeights(this.nets, file);
      this.step = file.iterations;
      this.history = emptyHistory();
      this.refresh(true);
      setStatus('l2-status', `preset “${p.title}” loaded: G and D after ${file.iterations} iterations, trained in Node; press Train to go on`);
    } catch (e) {
      setStatus('l2-status', `preset “${p.title}”: its trained networks did not load (${(e as Error).message}); these are fresh ones`, true);
    }
  }

  // ── settings ────────────────────────────────────────────────────────────
  /** The CLI's defaults for a loss on points data (what `gankit train` would run). */
  private cliDefaults(type: LossType): RunConfig {
    return resolveConfig({ loss: { type }, model: 'mlp', data: 'ring8' }, 'points');
  }

  /** A loss switch takes the CLI's k, optimizer, learning rates, batch, λ and c for that loss. */
  private useCliDefaults(): void {
    const d = this.cliDefaults($<HTMLSelectElement>('l2-loss').value as LossType);
    $<HTMLInputElement>('l2-k').value = String(d.criticSteps);
    $<HTMLSelectElement>('l2-opt-type').value = d.optimizerG.type;
    $<HTMLInputElement>('l2-lrg').value = String(d.optimizerG.learningRate);
    $<HTMLInputElement>('l2-lrd').value = String(d.optimizerD.learningRate);
    $<HTMLInputElement>('l2-batch').value = String(d.batchSize);
    if (d.loss.type === 'wgan-gp') $<HTMLInputElement>('l2-gp').value = String(d.loss.gradientPenaltyWeight);
    if (d.loss.type === 'wgan') $<HTMLInputElement>('l2-clip').value = String(d.loss.clipValue);
  }

  /** Says what the CLI would use for this loss, and which of the page's settings differ. */
  private showDefaults(c: RunConfig): void {
    const d = this.cliDefaults(c.loss.type);
    const o = d.optimizerG;
    const name = (x: OptimizerConfig) => (x.type === 'adam' ? 'Adam' : x.type === 'rmsprop' ? 'RMSProp' : 'SGD');
    const opt = o.type === 'adam' ? `Adam ${o.learningRate} β=(${o.beta1}, ${o.beta2})` : `${name(o)} ${o.learningRate}`;
    const extra = d.loss.type === 'wgan-gp' ? `, λ = ${d.loss.gradientPenaltyWeight}` : d.loss.type === 'wgan' ? `, c = ${d.loss.clipValue}` : '';
    const differs: string[] = [];
    const state = this.readState();
    if (c.criticSteps !== d.criticSteps) differs.push(`k = ${c.criticSteps}`);
    if (state.gSteps !== 1) differs.push(`${state.gSteps} G steps (the CLI takes 1; not exported)`);
    if (c.optimizerG.type !== o.type) differs.push(name(c.optimizerG));
    if (c.optimizerG.learningRate !== o.learningRate) differs.push(`G rate ${c.optimizerG.learningRate}`);
    if (c.optimizerD.learningRate !== d.optimizerD.learningRate) differs.push(`D rate ${c.optimizerD.learningRate}`);
    if (c.batchSize !== d.batchSize) differs.push(`batch ${c.batchSize}`);
    if (c.loss.type === 'wgan-gp' && d.loss.type === 'wgan-gp' && c.loss.gradientPenaltyWeight !== d.loss.gradientPenaltyWeight) differs.push(`λ = ${c.loss.gradientPenaltyWeight}`);
    if (c.loss.type === 'wgan' && d.loss.type === 'wgan' && c.loss.clipValue !== d.loss.clipValue) differs.push(`c = ${c.loss.clipValue}`);
    if (c.latentDim !== d.latentDim) differs.push(`${c.latentDim}-D noise`);
    if (state.noise === 'uniform') differs.push('uniform noise (the CLI draws N(0, I); not exported)');
    $('l2-defaults').textContent =
      `gankit train's defaults for ${c.loss.type}: k = ${d.criticSteps}, ${opt}${extra}, batch ${d.batchSize}. ` +
      (differs.length ? `Changed here: ${differs.join(', ')}.` : 'This lab runs exactly those.');
  }

  /**
   * The settings as a validated RunConfig: each number field is checked here (an error
   * names it and its range), then lab-config.ts maps the state as Node's scripts do.
   */
  private readConfig(): RunConfig {
    const type = $<HTMLSelectElement>('l2-loss').value as LossType;
    if (type === 'wgan') numberInput('l2-clip', 'clip c', 1e-5, 10);
    if (type === 'wgan-gp') numberInput('l2-gp', 'GP weight λ', 0, 1000);
    numberInput('l2-k', 'D steps', 1, 50);
    numberInput('l2-batch', 'batch', 2, 4096);
    numberInput('l2-lrg', 'G learning rate', 1e-7, 10);
    numberInput('l2-lrd', 'D learning rate', 1e-7, 10);
    numberInput('l2-seed', 'seed', 0, 2 ** 31);
    return labConfig(this.readState()).config;
  }

  private gameOptions(): { generatorSteps: number; noise: NoiseKind } {
    return {
      generatorSteps: Math.round(numberInput('l2-gsteps', 'G steps', 1, 50)),
      noise: $<HTMLSelectElement>('l2-noise').value.endsWith('uniform') ? 'uniform' : 'gaussian',
    };
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
    this.resets++;
    this.playing = false;
    this.updatePlayButton();
    this.cursor = 0;
    this.subLogs = [];
    this.slowView = null;
    try {
      this.buildData();
      this.config = this.readConfig();
      const options = this.gameOptions();
      this.disposeNetworks();
      this.nets = buildNetworks(labConfig(this.readState()).spec);
      initializeWeights(this.nets.generator, this.config.seed, STREAM.init);
      initializeWeights(this.nets.discriminator, this.config.seed, STREAM.init + 1);
      this.makeFixedTensors(options.noise);
      this.buildGame(options);
      this.step = 0;
      this.history = emptyHistory();
      this.rateWindow = [];
      setStatus('l2-status', this.data.name === 'drawn' && this.drawn.length < 5 ? 'draw some data on the left canvas first' : 'ready');
      this.dirtyNetworks = false;
      this.syncLink();
      this.showSlow();
      this.refresh(true);
    } catch (e) {
      setStatus('l2-status', (e as Error).message, true);
    }
  }

  private makeFixedTensors(noise: NoiseKind): void {
    const [lo, hi] = [this.view.lo, this.view.hi];
    const dim = this.config.latentDim;
    const z = tf.tensor2d(drawNoise(Rng.derive(777, 0, STREAM.fixedNoise), N_FAKE, dim, noise), [N_FAKE, dim]);
    // Grid lines at equal-probability quantiles of z: every cell holds the same prior mass,
    // so where G stretches a cell its density is thin, where it squeezes, dense. 1-D noise
    // has one line: G's curve through the plane.
    const m: number[] = [];
    if (dim === 1) {
      for (let j = 0; j < MANIFOLD_POINTS * 4; j++) m.push(noiseQuantile((j + 0.5) / (MANIFOLD_POINTS * 4), noise));
      this.manifoldLines = 1;
    } else {
      for (let i = 0; i < MANIFOLD_LINES; i++) {
        const a = noiseQuantile((i + 0.5) / MANIFOLD_LINES, noise);
        for (let j = 0; j < MANIFOLD_POINTS; j++) m.push(a, noiseQuantile((j + 0.5) / MANIFOLD_POINTS, noise));
        for (let j = 0; j < MANIFOLD_POINTS; j++) m.push(noiseQuantile((j + 0.5) / MANIFOLD_POINTS, noise), a);
      }
      this.manifoldLines = MANIFOLD_LINES * 2;
    }
    const manifoldZ = tf.tensor2d(m, [m.length / dim, dim]);
    const g: number[] = [];
    for (let y = 0; y < HEAT_BINS; y++)
      for (let x = 0; x < HEAT_BINS; x++) g.push(lo + ((x + 0.5) / HEAT_BINS) * (hi - lo), lo + ((y + 0.5) / HEAT_BINS) * (hi - lo));
    const heatGrid = tf.tensor2d(g, [HEAT_BINS * HEAT_BINS, 2]);
    this.fixed = { z, manifoldZ, heatGrid };
  }

  /** (Re)builds the game around the current networks (fresh optimizers): used for live loss switches. */
  private buildGame(options = this.gameOptions()): void {
    if (!this.nets) return;
    this.game?.disposeOptimizers();
    this.game = null;
    const c = this.config;
    this.loss = lossByName(c.loss.type, { realLabel: c.realLabel });
    this.game = new LabGame(this.nets, c, options);
    this.showLossUi();
  }

  /** Loss, k, G steps, optimizer, rates, λ, c, batch: applied to the running networks (fresh optimizers). */
  private applyTrainingSettings(): void {
    try {
      // A half-walked iteration ends with the settings it started with.
      this.finishIteration();
      this.config = this.readConfig();
      if (this.dirtyNetworks || !this.nets) {
        this.reset();
        return;
      }
      const previous = this.game ? this.loss.name : null;
      this.buildGame();
      if (previous !== this.config.loss.type && this.step > 0) this.history.markers.push({ step: this.step, label: `→ ${this.config.loss.type}` });
      setStatus('l2-status', `now training with ${this.config.loss.type} (k = ${this.config.criticSteps}) from iteration ${this.step}`);
      this.syncLink();
      this.showSlow();
      this.refresh(true);
    } catch (e) {
      setStatus('l2-status', (e as Error).message, true);
    }
  }

  private disposeNetworks(): void {
    if (this.game) this.game.dispose();
    else if (this.nets) {
      this.nets.generator.dispose();
      this.nets.discriminator.dispose();
    }
    this.game = null;
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

  /** Counts a finished iteration: its logs go on the curves. */
  private finished(logs: IterationLogs): void {
    this.step++;
    if (!Number.isFinite(logs.d_loss) || !Number.isFinite(logs.g_loss)) {
      this.playing = false;
      this.updatePlayButton();
      this.stopSlowPlay();
      setStatus('l2-status', 'training diverged (NaN loss): lower the learning rates and press Reset', true);
    }
    const h = this.history;
    h.steps.push(this.step);
    h.dLoss.push(logs.d_loss);
    h.gLoss.push(logs.g_loss);
  }

  private trainOnce(): void {
    this.finished(this.game!.iteration(this.context()));
  }

  private canTrain(): boolean {
    if (this.data.name === 'drawn' && this.drawn.length < 5) {
      setStatus('l2-status', 'draw some data on the left canvas first (drag the mouse)', true);
      return false;
    }
    return this.game !== null;
  }

  togglePlay(): void {
    if (!this.playing && !this.canTrain()) return;
    if (this.slow) this.setSlow(false);
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
    if (this.slow) this.setSlow(false);
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
      if (this.playing && this.game) {
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

  // ── slow motion ─────────────────────────────────────────────────────────
  /** Turns slow motion on (pausing training) or off (finishing a half-walked iteration). */
  setSlow(on: boolean): void {
    if (on === this.slow) return;
    if (on) {
      this.playing = false;
      this.updatePlayButton();
    } else {
      this.stopSlowPlay();
      this.finishIteration();
      this.slowView = null;
    }
    this.slow = on;
    const button = $('l2-slow');
    button.classList.toggle('active', on);
    button.setAttribute('aria-pressed', String(on));
    $('l2-slow-bar').hidden = !on;
    this.showSlow();
    this.refresh(true);
  }

  /** Runs what is left of a half-walked iteration, so the counter only counts whole ones. */
  private finishIteration(): void {
    if (!this.game || this.cursor === 0) return;
    const subs = this.game.subSteps();
    const ctx = this.context();
    for (; this.cursor < subs.length; this.cursor++) this.subLogs.push({ sub: subs[this.cursor], logs: this.game.subStep(ctx, subs[this.cursor]) });
    this.finished(LabGame.combine(this.subLogs));
    this.cursor = 0;
    this.subLogs = [];
  }

  private toggleSlowPlay(): void {
    if (this.slowTimer !== null) {
      this.stopSlowPlay();
      return;
    }
    if (!this.canTrain()) return;
    $('l2-slow-play').textContent = '❚❚ Pause';
    const go = () => {
      this.nextSubStep();
      if (this.slowTimer !== null) this.slowTimer = window.setTimeout(go, SLOW_PLAY_MS);
    };
    this.slowTimer = window.setTimeout(go, 0);
  }

  private stopSlowPlay(): void {
    if (this.slowTimer !== null) clearTimeout(this.slowTimer);
    this.slowTimer = null;
    $('l2-slow-play').textContent = '▶ Play';
  }

  /**
   * D's boundary between what it calls real and fake, as a raw score: null for a
   * probability (the boundary is D = ½); for a critic, halfway between its mean scores on
   * the batch's reals and fakes (D's step) or its mean score on the fakes (G's step).
   */
  private boundaryRaw(real: tf.Tensor | null, fake: tf.Tensor): number | null {
    if (this.loss.probability) return null;
    const v = this.game!.variant;
    const m = tf.tidy(() => {
      const f = tf.mean(v.discriminate(fake));
      return real ? tf.div(tf.add(tf.mean(v.discriminate(real)), f), 2) : f;
    });
    const raw = m.dataSync()[0];
    m.dispose();
    return raw;
  }

  /** A boundary on this.heat's current scale (a critic's heat is rescaled to its range in view). */
  private shownLevel(raw: number | null): number {
    if (raw === null) return 0.5;
    const [lo, hi] = this.heatRange;
    return (raw - lo) / (hi - lo || 1);
  }

  /** The adversarial loss of the sub-step's player on its batch, at the current weights. */
  private batchLoss(sub: SubStep, real: tf.Tensor | null, z: tf.Tensor2D): number {
    const v = this.game!.variant;
    const t = tf.tidy(() => {
      const fake = v.generate(z);
      return sub.player === 'D' ? this.loss.discriminator(v.discriminate(real!), v.discriminate(fake)) : this.loss.generator(v.discriminate(fake));
    });
    const value = t.dataSync()[0];
    t.dispose();
    return value;
  }

  /** Takes the next sub-step of the iteration and shows what it computed. */
  nextSubStep(): void {
    if (!this.slow || !this.canTrain() || !this.game) return;
    const made: tf.Tensor[] = [];
    try {
      const game = this.game;
      const subs = game.subSteps();
      const sub = subs[this.cursor];
      const ctx = this.context();
      const { real, z } = game.batch(ctx, sub);
      made.push(z, ...(real ? [real] : []));
      const v = game.variant;
      const fakeT = tf.tidy(() => v.generate(z));
      made.push(fakeT);
      const fakeBefore = fakeT.dataSync() as Float32Array;
      // Before the step: D's field (as last drawn, from these weights) and its boundary on that field's scale.
      const heatBefore = this.heat.slice();
      const levelBefore = this.shownLevel(this.boundaryRaw(real, fakeT));
      const lossBefore = this.batchLoss(sub, real, z);
      let arrows: Float32Array | null = null;
      if (sub.player === 'G') {
        // −∇ₓ of G's loss at each fake (× batch, since the loss is a mean): where the step pushes it.
        const g = tf.tidy(() => tf.mul(tf.grad((x: tf.Tensor) => this.loss.generator(v.discriminate(x)))(fakeT), -fakeT.shape[0]));
        arrows = g.dataSync() as Float32Array;
        g.dispose();
      }
      this.subLogs.push({ sub, logs: game.subStep(ctx, sub) });
      const lossAfter = this.batchLoss(sub, real, z);
      let fakeAfter: Float32Array | null = null;
      let after: tf.Tensor = fakeT;
      if (sub.player === 'G') {
        after = tf.tidy(() => v.generate(z));
        made.push(after);
        fakeAfter = after.dataSync() as Float32Array;
      }
      const levelAfterRaw = this.boundaryRaw(real, after);
      const iteration = this.step;
      this.cursor++;
      if (this.cursor === subs.length) {
        this.finished(LabGame.combine(this.subLogs));
        this.cursor = 0;
        this.subLogs = [];
      }
      this.slowView = {
        sub,
        iteration,
        heatBefore,
        levelBefore,
        levelAfterRaw,
        real: real ? (real.dataSync() as Float32Array) : null,
        fakeBefore,
        fakeAfter,
        arrows,
        lossBefore,
        lossAfter,
      };
      this.showSlow();
      this.refresh(true);
    } catch (e) {
      this.stopSlowPlay();
      setStatus('l2-status', (e as Error).message, true);
    } finally {
      tf.dispose(made);
    }
  }

  /** The sub-step pills, the model graph and the line saying what the last sub-step computed. */
  private showSlow(): void {
    if (!this.game) return;
    const subs = this.game.subSteps();
    const pills = $('l2-pills');
    pills.replaceChildren(
      ...subs.map((s, i) => {
        const span = document.createElement('span');
        span.className = `pill ${s.player === 'D' ? 'd' : 'g'}${i < this.cursor ? ' done' : ''}${i === this.cursor ? ' next' : ''}`;
        span.textContent = `${s.player}${s.index + 1}`;
        span.title = `${s.player === 'D' ? 'discriminator' : 'generator'} step ${s.index + 1} of ${s.of}`;
        return span;
      }),
    );
    const view = this.slowView;
    const player = view?.sub.player ?? null;
    for (const node of $('l2-graph').querySelectorAll<HTMLElement>('[data-node]')) {
      const n = node.dataset.node!;
      const lit = player === 'D' ? ['x', 'z', 'G', 'fake', 'D', 'loss'].includes(n) : player === 'G' ? ['z', 'G', 'fake', 'D', 'loss'].includes(n) : false;
      node.classList.toggle('lit', lit);
      node.classList.toggle('updated', (player === 'D' && n === 'D') || (player === 'G' && n === 'G'));
    }
    const next = subs[this.cursor];
    const nextText = `Next: ${next.player === 'D' ? 'D' : 'G'} step ${next.index + 1} of ${next.of} of iteration ${this.step}.`;
    const label = $('l2-substep');
    if (!view) {
      label.textContent = `One iteration is ${subs.length} updates: D's ${this.config.criticSteps}, then G's ${this.gameOptions().generatorSteps}. ${nextText}`;
      return;
    }
    const b = this.config.batchSize;
    const f = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(1) : x.toFixed(4));
    const done = this.cursor === 0 ? ` Iteration ${view.iteration} is complete.` : '';
    label.textContent =
      view.sub.player === 'D'
        ? `Iteration ${view.iteration} · D step ${view.sub.index + 1} of ${view.sub.of}: D is updated on ${b} real (green rings) and ${b} fake (purple rings) samples to tell them apart; G is fixed. D's loss on this batch: ${f(view.lossBefore)} → ${f(view.lossAfter)}. Dashed line: D's boundary before the step; solid: after${this.loss.probability ? ' (D = ½)' : ' (the critic score halfway between its mean on the reals and on the fakes)'}.${done} ${nextText}`
        : `Iteration ${view.iteration} · G step ${view.sub.index + 1} of ${view.sub.of}: G moves its ${b} fakes along −∇ₓL_G (arrows on ${Math.min(SLOW_ARROWS, b)} of them), through D, which is fixed. G's loss on this batch: ${f(view.lossBefore)} → ${f(view.lossAfter)}. Rings: the fakes before; dots: after.${done} ${nextText}`;
  }

  /** What the tests read: the slow-motion cursor (the next sub-step's index in the iteration). */
  get subStepCursor(): number {
    return this.cursor;
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
    if (!this.game || !this.fixed) return;
    this.measure();
    this.draw();
  }

  private measure(): void {
    const v = this.game!.variant;
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
      this.heatRange = [lo, hi];
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
    // D's batch is ringed in slow motion: the mode rings would be read as part of it.
    if (checked('show-modes') && !(this.slow && this.slowView?.sub.player === 'D')) this.drawModes(ctx);
    if (checked('show-fake') && this.fakePoints.length) drawPoints(ctx, view, this.fakePoints.subarray(0, 1024), COLORS.fake, 2, 0.75);
    const slow = this.slow ? this.slowView : null;
    if (checked('show-arrows') && this.arrows.length && !slow) this.drawArrows(ctx, this.fakePoints, this.arrows, N_ARROWS, 0.07);
    if (slow) this.drawSlow(ctx, slow);

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
    const perLine = this.manifold.length / 2 / this.manifoldLines;
    for (let line = 0; line < this.manifoldLines; line++) {
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
    // Many modes (a drawing's spaced-out points): fainter rings, or they hide the picture.
    const many = this.coverageModes.length > 25;
    ctx.lineWidth = many ? 1 : 2;
    ctx.globalAlpha = many ? 0.45 : 1;
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

  /** Arrows of −∇ₓL_G at points, lengths relative to their 90th percentile (the gradient chart shows the scale). */
  private drawArrows(ctx: CanvasRenderingContext2D, points: Float32Array, grads: Float32Array, n: number, maxShare: number): void {
    const v = this.view;
    const norms: number[] = [];
    for (let i = 0; i < n; i++) norms.push(Math.hypot(grads[2 * i], grads[2 * i + 1]));
    const sorted = [...norms].sort((a, b) => a - b);
    const ref = sorted[Math.floor(0.9 * (sorted.length - 1))] || 1;
    const maxLen = v.size * maxShare;
    ctx.save();
    ctx.strokeStyle = COLORS.arrow;
    ctx.fillStyle = COLORS.arrow;
    ctx.lineWidth = 1.4;
    for (let i = 0; i < n; i++) {
      const x0 = v.px(points[2 * i]);
      const y0 = v.py(points[2 * i + 1]);
      const len = Math.min(1, norms[i] / ref) * maxLen;
      if (!(norms[i] > 0) || !Number.isFinite(x0) || !Number.isFinite(y0)) continue;
      const ux = grads[2 * i] / norms[i];
      const uy = grads[2 * i + 1] / norms[i];
      drawArrow(ctx, x0, y0, x0 + ux * len, y0 - uy * len);
    }
    ctx.restore();
  }

  /** D's boundary (where a field crosses `level`), dashed or solid. */
  private drawContour(ctx: CanvasRenderingContext2D, field: Float32Array, level: number, dashed: boolean): void {
    const size = this.view.size;
    ctx.save();
    ctx.strokeStyle = COLORS.ink;
    ctx.lineWidth = dashed ? 1.6 : 2.2;
    ctx.globalAlpha = dashed ? 0.7 : 0.9;
    ctx.setLineDash(dashed ? [5, 4] : []);
    ctx.beginPath();
    for (const [x0, y0, x1, y1] of contourSegments(field, HEAT_BINS, level)) {
      ctx.moveTo(x0 * size, size - y0 * size);
      ctx.lineTo(x1 * size, size - y1 * size);
    }
    ctx.stroke();
    ctx.restore();
  }

  /**
   * What the last slow-motion sub-step computed: for D's step, D's boundary before (dashed)
   * and after (solid) and the batch it saw; for G's step (D fixed, so no boundary moves), the
   * arrows on G's fakes and where the step took them.
   */
  private drawSlow(ctx: CanvasRenderingContext2D, s: SlowView): void {
    const view = this.view;
    if (s.sub.player === 'D') {
      if (s.heatBefore.length) this.drawContour(ctx, s.heatBefore, s.levelBefore, true);
      if (this.heat.length) this.drawContour(ctx, this.heat, this.shownLevel(s.levelAfterRaw), false);
      if (s.real) drawRings(ctx, view, s.real, COLORS.real, 4);
      drawRings(ctx, view, s.fakeBefore, COLORS.fake, 4);
      return;
    }
    drawRings(ctx, view, s.fakeBefore, COLORS.fake, 3);
    if (s.fakeAfter) drawPoints(ctx, view, s.fakeAfter, COLORS.fake, 2.6, 0.95);
    // Arrows on a share of the batch: all of them would hide the plane.
    if (s.arrows) this.drawArrows(ctx, s.fakeBefore, s.arrows, Math.min(SLOW_ARROWS, s.fakeBefore.length / 2), 0.09);
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
      // What a RunConfig cannot say: the CLI takes one G step and draws z ~ N(0, I).
      const options = this.gameOptions();
      const lost = [options.generatorSteps > 1 ? `${options.generatorSteps} G steps (the CLI takes 1)` : '', options.noise === 'uniform' ? 'uniform noise (the CLI draws N(0, I))' : ''].filter(Boolean);
      setStatus(
        'l2-status',
        (this.data.name === 'drawn' ? 'exported config.json and drawn.npy: gankit train --config config.json (next to drawn.npy)' : 'exported config.json: gankit train --config config.json') +
          (lost.length ? `; not in the config: ${lost.join(', ')}` : ''),
      );
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
