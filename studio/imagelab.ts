import { resolveConfig, type LossType, type RunConfig } from '../src/train/config.js';
import { COLORS, drawImageGrid, lineChart } from './draw.js';
import { $, numberInput, setStatus } from './dom.js';
import type { ConditionInfo, FromWorker, ToWorker } from './imagelab-protocol.js';
import type { ImageNetSize } from './imagelab-nets.js';

const EXPLAIN = {
  none: 'The grid is G(z) for 64 fixed z, so you watch the same samples improve. Changing a setting resets the networks.',
  label: 'G(z, y) draws the class you ask for. With “each column its own”, column k shows class k for every row’s z: the rows keep the style, the columns change the digit. Pick one class to see it for all 60 z.',
  codes: 'InfoGAN gets no labels: it must make its codes readable from the image (a head Q on D recovers them). Move the sliders once it has trained a while: a categorical code often becomes the digit, continuous codes slant or width.',
};

/**
 * The image lab's page side: settings, pictures and curves. Training runs in
 * imagelab-worker.ts, so a slow DCGAN step on a CPU backend never freezes the page.
 */
export class ImageLab {
  private worker: Worker | null = null;
  private config: RunConfig | null = null;
  private step = 0;
  private playing = false;
  private ready = false;
  private playWhenReady = false;
  private pairSeed = 1;
  private rateWindow: { t: number; step: number }[] = [];
  private history = { steps: [] as number[], d: [] as number[], g: [] as number[] };
  private lastChart = 0;
  private tensorRequests = new Map<number, (n: number) => void>();
  private nextRequest = 1;
  /** The page's TF.js backend: the worker starts on the same one. */
  backend = '';

  constructor() {
    $('im-play').addEventListener('click', () => this.togglePlay());
    $('im-reset').addEventListener('click', () => this.reset());
    $('im-newpair').addEventListener('click', () => {
      this.pairSeed++;
      this.sendView();
    });
    for (const id of ['im-variant', 'im-model', 'im-loss', 'im-batch', 'im-latent', 'im-lr', 'im-seed']) $(id).addEventListener('change', () => this.reset());
    for (const id of ['im-class', 'im-c1', 'im-c2']) $(id).addEventListener('input', () => this.sendView());
  }

  get iteration(): number {
    return this.step;
  }

  /** tf.memory().numTensors inside the worker (for the leak checks). */
  tensors(): Promise<number> {
    return new Promise((resolve) => {
      const id = this.nextRequest++;
      this.tensorRequests.set(id, resolve);
      this.send({ type: 'tensors', id });
    });
  }

  private send(m: ToWorker): void {
    this.worker?.postMessage(m);
  }

  /** Starts the worker (once) the first time the tab opens. */
  start(): void {
    if (this.worker) return;
    // The page's query goes along: ?threads=N and ?threads=0 (backend.ts) apply to the trainer too.
    this.worker = new Worker(new URL(`imagelab-worker.js${location.search}`, document.baseURI), { type: 'module' });
    this.worker.onmessage = (ev: MessageEvent<FromWorker>) => this.receive(ev.data);
    this.worker.onerror = (ev) => setStatus('im-status', `the training worker failed: ${ev.message}`, true);
    this.send({ type: 'init', backend: this.backend });
  }

  private receive(m: FromWorker): void {
    switch (m.type) {
      case 'backend': {
        $('im-backend').textContent = `worker: ${m.described}`;
        // Without a GPU a DCGAN step takes long: start on the small DCGAN at a high rate.
        if (m.name === 'wasm' || m.name === 'cpu') {
          // Chosen for "digits within 2 minutes" on a 2-core CPU (docs/studio.md). In Node,
          // over the same samples seen, batch 8 learns more than 16 or 32 (FD on the
          // classifier's features: 101 after 700 steps of 8; 138 and 121 after 300 and 400
          // of 16), and in headless Chromium (wasm + SIMD + 2 threads, a loaded machine) a
          // step of 8 costs half one of 16 (4.6 against 2.3 steps/s). Adam 2e-3 beat 1e-3 at
          // most checks (FD 78 against 105 at step 1,000); BN in D (imagelab-nets.ts) did the most.
          $<HTMLInputElement>('im-batch').value = '8';
          $<HTMLInputElement>('im-lr').value = '0.002';
          $('im-hint').textContent = `No GPU backend here (${m.name}): the small DCGAN at batch 8 and learning rate 2e-3 (10× the CLI's DCGAN rate: fast, if rough) shows digits within about 2 minutes. Training runs in a worker, so the page stays responsive.`;
        }
        break;
      }
      case 'data':
        drawImageGrid($<HTMLCanvasElement>('im-real'), m.real, 64, 28, 28, 8);
        for (const id of ['im-play', 'im-reset']) $<HTMLButtonElement>(id).disabled = false;
        this.reset();
        break;
      case 'ready':
        this.ready = true;
        this.showConditionControls(m.condition);
        setStatus('im-status', `ready: ${this.config!.variant} on ${this.config!.model} with ${this.config!.loss.type}, k = ${this.config!.criticSteps}`);
        if (this.playWhenReady) {
          this.playWhenReady = false;
          this.togglePlay();
        }
        break;
      case 'steps': {
        this.step = m.step;
        const h = this.history;
        h.steps.push(...m.steps);
        h.d.push(...m.d);
        h.g.push(...m.g);
        this.showProgress(m.msPerIteration);
        break;
      }
      case 'samples':
        drawImageGrid($<HTMLCanvasElement>('im-grid'), m.grid, m.shown, 28, 28, m.cols);
        drawImageGrid($<HTMLCanvasElement>('im-interp'), m.strip, m.interp, 28, 28, m.interp);
        $('im-grid-step').textContent = `step ${m.step}`;
        break;
      case 'stopped':
        this.playing = false;
        this.updatePlayButton();
        this.showProgress(0);
        if (m.message !== 'paused') setStatus('im-status', m.message, true);
        else setStatus('im-status', `paused at step ${this.step}`);
        break;
      case 'error':
        this.playing = false;
        this.updatePlayButton();
        setStatus('im-status', m.message, true);
        break;
      case 'tensors':
        this.tensorRequests.get(m.id)?.(m.count);
        this.tensorRequests.delete(m.id);
        break;
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
        model: $<HTMLSelectElement>('im-model').value === 'mlp' ? 'mlp' : 'dcgan',
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
    if (!this.worker || $<HTMLButtonElement>('im-reset').disabled) return;
    this.playing = false;
    this.updatePlayButton();
    try {
      this.config = this.readConfig();
    } catch (e) {
      setStatus('im-status', (e as Error).message, true);
      return;
    }
    this.ready = false;
    this.playWhenReady = false;
    this.step = 0;
    this.history = { steps: [], d: [], g: [] };
    this.rateWindow = [];
    $('im-iter').textContent = '0';
    setStatus('im-status', 'building the networks…');
    this.send({ type: 'reset', config: this.config, size: this.netSize() });
    this.sendView();
    this.drawChart();
  }

  /** The small DCGAN serves the plain GAN; the conditional variants build the reference one. */
  private netSize(): ImageNetSize {
    return $<HTMLSelectElement>('im-model').value === 'dcgan-small' && $<HTMLSelectElement>('im-variant').value === 'gan' ? 'small' : 'reference';
  }

  private showConditionControls(c: ConditionInfo): void {
    $('im-cond').hidden = c.kind === 'none';
    $('im-class-wrap').hidden = c.classes === 0;
    const slider = $<HTMLInputElement>('im-class');
    slider.max = String(Math.max(0, c.classes - 1));
    $('im-c1-wrap').hidden = c.continuous < 1;
    $('im-c2-wrap').hidden = c.continuous < 2;
    $('im-cond-title').textContent = c.kind === 'codes' ? 'Codes c (InfoGAN learns them)' : 'Condition';
    $('im-class-name').textContent = c.kind === 'codes' ? 'categorical code c₀' : 'class y';
    $('im-explain').textContent = EXPLAIN[c.kind];
  }

  private sendView(): void {
    const chosen = Number($<HTMLInputElement>('im-class').value);
    const c1 = Number($<HTMLInputElement>('im-c1').value);
    const c2 = Number($<HTMLInputElement>('im-c2').value);
    $('im-class-val').textContent = chosen < 0 ? 'each column its own' : String(chosen);
    $('im-c1-val').textContent = c1.toFixed(1);
    $('im-c2-val').textContent = c2.toFixed(1);
    this.send({ type: 'view', chosen, c1, c2, pairSeed: this.pairSeed });
  }

  togglePlay(): void {
    if (!this.ready) {
      // Still building (an edited field resets on blur, just before this click lands).
      this.playWhenReady = !this.playWhenReady;
      return;
    }
    this.playing = !this.playing;
    this.send({ type: this.playing ? 'play' : 'pause' });
    if (this.playing) setStatus('im-status', `training ${this.config!.variant} on ${this.config!.model} with ${this.config!.loss.type}`);
    this.updatePlayButton();
  }

  private updatePlayButton(): void {
    $('im-play').textContent = this.playing ? '❚❚ Pause' : '▶ Train';
  }

  private showProgress(msPerIteration: number): void {
    const now = performance.now();
    this.rateWindow.push({ t: now, step: this.step });
    while (this.rateWindow.length > 2 && now - this.rateWindow[0].t > 5000) this.rateWindow.shift();
    $('im-iter').textContent = String(this.step);
    const first = this.rateWindow[0];
    const rate = this.playing && now > first.t && this.step > first.step ? ((this.step - first.step) * 1000) / (now - first.t) : this.playing && msPerIteration > 0 ? 1000 / msPerIteration : 0;
    $('im-rate').textContent = rate.toFixed(rate < 10 ? 2 : 0);
    if (now - this.lastChart > 300 || !this.playing) this.drawChart();
  }

  private drawChart(): void {
    this.lastChart = performance.now();
    const h = this.history;
    lineChart($<HTMLCanvasElement>('im-c-loss'), [
      { name: 'D loss', color: '#1565c0', xs: h.steps, ys: h.d },
      { name: 'G loss', color: COLORS.fake, xs: h.steps, ys: h.g },
    ]);
    const n = h.steps.length;
    $('im-loss-vals').textContent = n ? `D ${h.d[n - 1].toFixed(3)} · G ${h.g[n - 1].toFixed(3)}` : '';
  }
}
