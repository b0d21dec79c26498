import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { mixtures, type MixtureName } from '../src/data/mixtures.js';
import { Rng } from '../src/train/rng.js';
import { COLORS, View, drawImageGrid, drawPoints, lineChart, type Series } from './draw.js';
import { $, setStatus } from './dom.js';
import type { RunCondition, SampleAnswer } from '../src/studio/sample-api.js';

/** What the server's /api/run returns (src/studio/server.ts RunSummary). */
interface RunSummary {
  name: string;
  config: Record<string, unknown>;
  metrics: Record<string, number>[];
  samples: { step: number; url: string }[];
  checkpoints: { step: number; generator: string | null; discriminator: string | null }[];
  report: string | null;
  evaluation: Record<string, unknown> | { error: string } | null;
}

/** The variants that may condition on tags (src/gans/conditional.ts CONDITIONAL_VARIANTS). */
const CONDITIONAL = ['cgan', 'acgan', 'projection'];

const PALETTE = ['#1565c0', COLORS.fake, '#ef6c00', '#00838f', COLORS.real, '#6d4c41'];

/** A number as a table shows it: integers whole, others to 4 significant digits. */
function formatValue(v: string, raw: unknown): string {
  if (typeof raw !== 'number') return v;
  if (Number.isInteger(raw)) return String(raw);
  return Math.abs(raw) >= 1e-3 && Math.abs(raw) < 1e5 ? String(Number(raw.toPrecision(4))) : raw.toExponential(3);
}

/** Leaf values of a nested object by dotted key, as read from it (for formatting numbers). */
function leaves(obj: unknown, prefix = ''): [string, unknown][] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [[prefix, obj]];
  return Object.entries(obj as Record<string, unknown>).flatMap(([k, v]) => leaves(v, prefix ? `${prefix}.${k}` : k));
}

/**
 * A key/value table. A key breaks only between its dotted parts (each part is one
 * unbreakable box), so `optimizerG.learningRate` may wrap after the dot, never mid-word.
 */
function fillTable(table: HTMLTableElement, rows: [string, string][]): void {
  table.replaceChildren(
    ...rows.map(([k, v]) => {
      const tr = document.createElement('tr');
      const a = document.createElement('td');
      const b = document.createElement('td');
      k.split('.').forEach((part, i, all) => {
        const span = document.createElement('span');
        span.className = 'part';
        span.textContent = part + (i < all.length - 1 ? '.' : '');
        a.append(span);
      });
      b.textContent = v;
      tr.append(a, b);
      return tr;
    }),
  );
}

function flatten(obj: unknown, prefix = ''): [string, string][] {
  if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) return [[prefix, Array.isArray(obj) ? `[${obj.join(', ')}]` : String(obj)]];
  const entries = Object.entries(obj as Record<string, unknown>);
  if (entries.length === 0) return [[prefix, '{}']];
  return entries.flatMap(([k, v]) => flatten(v, prefix ? `${prefix}.${k}` : k));
}

export class RunViewer {
  private run: RunSummary | null = null;
  private model: tfl.LayersModel | null = null;
  private modelUrl: string | null = null;
  private sampleRound = 0;
  /** The run's tag names when its generator conditions on tag sets (sampled by the server). */
  private tagNames: string[] | null = null;

  /** Asks the server for a run; true when there is one (the tab is shown then). */
  async load(): Promise<boolean> {
    let res: Response;
    try {
      res = await fetch('api/run');
    } catch {
      return false;
    }
    if (res.status === 204 || res.status === 404) return false;
    const body = (await res.json()) as RunSummary | { error: string };
    $('tab-run').hidden = false;
    if ('error' in body) {
      setStatus('rv-status', body.error, true);
      return true;
    }
    this.run = body;
    this.bind();
    this.show();
    await this.loadCondition();
    // A run that is still training keeps growing: poll for new rows, grids and checkpoints.
    setInterval(() => void this.poll(), 4000);
    return true;
  }

  private bind(): void {
    $<HTMLInputElement>('rv-sample-step').addEventListener('input', () => this.showSample());
    $<HTMLButtonElement>('rv-sample').addEventListener('click', () => void this.sample());
    $<HTMLSelectElement>('rv-ckpt').addEventListener('change', () => void this.sample());
    $<HTMLButtonElement>('rv-tag-sample').addEventListener('click', () => void this.sampleOnServer(this.tickedTags()));
  }

  /**
   * A tag run's generator takes tag sets drawn from its data set, which only the server
   * has: the viewer then shows a check-box per tag and samples through /api/sample.
   */
  private async loadCondition(): Promise<void> {
    if (!CONDITIONAL.includes(String(this.run!.config.variant))) return;
    try {
      const res = await fetch('api/condition');
      const body = (await res.json()) as RunCondition | { error: string };
      if ('error' in body) {
        // No checkpoint yet, or a run the server will not open: Sample says why when pressed.
        return;
      }
      if (body.kind !== 'tags' || !body.tags) return;
      this.tagNames = body.tags;
    } catch {
      return;
    }
    $('rv-tags').replaceChildren(
      ...this.tagNames.map((tag, i) => {
        const label = document.createElement('label');
        const box = document.createElement('input');
        box.type = 'checkbox';
        box.id = `rv-tag-${i}`;
        box.value = tag;
        label.append(box, ` ${tag}`);
        return label;
      }),
    );
    $('rv-tags-box').hidden = false;
    if (!this.model) $('rv-gen-info').textContent = `A generator conditioned on ${this.tagNames.length} tags: tick some and press “Sample with these tags”, or Sample for the data's own tag sets.`;
  }

  /** Runs on `--data words` or `--data text:FILE` (src/data/text.ts). */
  private isTextRun(): boolean {
    const data = String(this.run?.config.data ?? '');
    return data === 'words' || data.startsWith('text:');
  }

  /** A text run's samples: one sequence per line, in place of the canvas. */
  private showWords(words: string[], step: number): void {
    const list = $('rv-words');
    list.replaceChildren(...words.map((w) => Object.assign(document.createElement('li'), { textContent: w === '' ? '(empty)' : w })));
    list.hidden = false;
    $('rv-gen').hidden = true;
    $('rv-gen-info').textContent = `${words.length} sequences from G at step ${step}, decoded as gankit sample --out FILE.txt writes them.`;
  }

  private tickedTags(): string[] {
    return [...document.querySelectorAll<HTMLInputElement>('#rv-tags input:checked')].map((b) => b.value);
  }

  /** The chosen checkpoint's step (the select holds its generator's URL). */
  private chosenStep(): number | null {
    const option = $<HTMLSelectElement>('rv-ckpt').selectedOptions[0];
    return option ? Number(option.dataset.step) : null;
  }

  /** Samples drawn by the server (`gankit sample --tags` in its process) at the chosen checkpoint. */
  async sampleOnServer(tags: string[]): Promise<void> {
    const step = this.chosenStep();
    if (step === null) return;
    this.sampleRound++;
    const q = new URLSearchParams({ step: String(step), n: '64', seed: String(this.sampleRound) });
    if (tags.length) q.set('tags', tags.join(','));
    setStatus('rv-status', `sampling step ${step}${tags.length ? ` with ${tags.join(', ')}` : ''} on the server…`);
    try {
      const res = await fetch(`api/sample?${q}`);
      const body = (await res.json()) as SampleAnswer | { error: string };
      if ('error' in body) throw new Error(body.error);
      if (body.words) {
        this.showWords(body.words, body.step);
        setStatus('rv-status', `sampled step ${body.step} on the server`);
        return;
      }
      const values = body.pixels ? Float32Array.from(atob(body.pixels), (ch) => ch.charCodeAt(0) / 255) : Float32Array.from(body.points ?? []);
      const n = body.shape[0];
      const given = body.tags.length === 0 ? 'tag sets drawn from the data' : body.matching ? `${body.tags.join(', ')} on every sample (the other tags as in the ${body.matching.toLocaleString('en-US')} training samples that carry ${body.tags.length === 1 ? 'it' : 'them'})` : `exactly ${body.tags.join(', ')}: no training sample carries all of them, so G sees a tag set it never trained on`;
      this.drawValues(values, body.shape.slice(1), n, `${n} samples from G at step ${body.step}, ${given}.`);
      $('rv-gen').dataset.tags = body.tags.join(',');
      setStatus('rv-status', `sampled step ${body.step} on the server${body.tags.length ? ` with ${body.tags.join(', ')}` : ''}`);
    } catch (e) {
      setStatus('rv-status', `could not sample: ${(e as Error).message}`, true);
    }
  }

  private async poll(): Promise<void> {
    if (document.visibilityState !== 'visible' || !this.run) return;
    try {
      const res = await fetch('api/run');
      if (!res.ok) return;
      const next = (await res.json()) as RunSummary;
      const r = this.run;
      const same =
        next.metrics.length === r.metrics.length &&
        next.samples.length === r.samples.length &&
        next.checkpoints.length === r.checkpoints.length &&
        JSON.stringify(next.evaluation) === JSON.stringify(r.evaluation);
      if (same) return;
      this.run = next;
      this.show();
    } catch {
      // The server went away (Ctrl-C): keep what is shown.
    }
  }

  private show(): void {
    const run = this.run!;
    $('rv-name').textContent = run.name;
    fillTable($<HTMLTableElement>('rv-config'), flatten(run.config));
    this.showEvaluation();
    if (run.report) {
      const link = $<HTMLAnchorElement>('rv-report');
      link.href = run.report;
      link.hidden = false;
    }
    this.drawCurves();
    const slider = $<HTMLInputElement>('rv-sample-step');
    const atEnd = slider.value === slider.max;
    slider.max = String(Math.max(0, run.samples.length - 1));
    if (atEnd) slider.value = slider.max;
    slider.disabled = run.samples.length === 0;
    this.showSample();
    const select = $<HTMLSelectElement>('rv-ckpt');
    const chosen = select.value;
    const withG = run.checkpoints.filter((c) => c.generator);
    select.replaceChildren(
      ...withG.map((c) => {
        const o = document.createElement('option');
        o.value = c.generator!;
        o.dataset.step = String(c.step);
        o.textContent = `step ${c.step}`;
        return o;
      }),
    );
    if (withG.length) select.value = withG.some((c) => c.generator === chosen) ? chosen : withG[withG.length - 1].generator!;
    $<HTMLButtonElement>('rv-sample').disabled = withG.length === 0;
    if (!this.model) $('rv-gen-info').textContent = withG.length ? 'Press Sample to load the generator into this page and draw from it.' : 'This run has no generator checkpoint yet.';
    setStatus('rv-status', `${run.metrics.length} metric rows · ${run.samples.length} sample grids · ${run.checkpoints.length} checkpoints`);
  }

  /** eval.json: the run's final scores (modes, KL, FD, ...), one row each. */
  private showEvaluation(): void {
    const ev = this.run!.evaluation;
    const table = $<HTMLTableElement>('rv-eval');
    const note = $('rv-eval-note');
    if (ev === null) {
      table.replaceChildren();
      note.textContent = 'No eval.json yet: gankit train writes it when a run finishes; gankit eval --run DIR scores a run at any checkpoint.';
      return;
    }
    if ('error' in ev && typeof ev.error === 'string' && Object.keys(ev).length === 1) {
      table.replaceChildren();
      note.textContent = ev.error;
      return;
    }
    const rows = leaves(ev).map(([k, raw]) => [k, formatValue(Array.isArray(raw) ? `[${raw.join(', ')}]` : String(raw), raw)] as [string, string]);
    fillTable(table, rows);
    const step = (ev as Record<string, unknown>).step;
    note.textContent = typeof step === 'number' ? `scored at step ${step}` : '';
  }

  private drawCurves(): void {
    const rows = this.run!.metrics;
    const holder = $('rv-charts');
    holder.replaceChildren();
    const keys = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => k !== 'step' && rows.some((r) => typeof r[k] === 'number'));
    if (rows.length === 0 || keys.length === 0) {
      holder.textContent = 'metrics.jsonl is empty so far.';
      return;
    }
    const lossKeys = keys.filter((k) => /loss$/.test(k));
    const groups: string[][] = [];
    if (lossKeys.length) groups.push(lossKeys);
    // Every metric gets a curve, the wall clock too (a stall or a slowdown shows there).
    for (const k of keys) if (!lossKeys.includes(k)) groups.push([k]);
    for (const group of groups) {
      const box = document.createElement('div');
      const name = document.createElement('div');
      name.className = 'name';
      name.textContent = group.join(', ') + (group.length === 1 && /^seconds$/.test(group[0]) ? ' (wall clock since the start)' : '');
      const canvas = document.createElement('canvas');
      canvas.width = 460;
      canvas.height = 190;
      canvas.dataset.metric = group.join(',');
      box.append(name, canvas);
      holder.append(box);
      const series: Series[] = group.map((k, i) => {
        const pts = rows.filter((r) => typeof r[k] === 'number' && Number.isFinite(r[k]));
        return { name: k, color: PALETTE[i % PALETTE.length], xs: pts.map((r) => r.step), ys: pts.map((r) => r[k]) };
      });
      lineChart(canvas, series);
    }
  }

  private showSample(): void {
    const run = this.run!;
    const img = $<HTMLImageElement>('rv-sample-img');
    if (run.samples.length === 0) {
      $('rv-sample-label').textContent = 'no sample grids yet';
      img.removeAttribute('src');
      return;
    }
    const s = run.samples[Number($<HTMLInputElement>('rv-sample-step').value)];
    $('rv-sample-label').textContent = `step ${s.step}`;
    img.src = s.url.replace(/^\//, '');
  }

  /** Loads the chosen generator checkpoint (TF.js Layers format) and draws samples from it. */
  async sample(): Promise<void> {
    const url = $<HTMLSelectElement>('rv-ckpt').value;
    if (!url) return;
    // A tag run's G needs tag sets from its data, a text run's output its vocabulary: the server has both.
    if (this.tagNames || this.isTextRun()) return this.sampleOnServer([]);
    try {
      if (this.modelUrl !== url) {
        setStatus('rv-status', `loading ${url}…`);
        this.model?.dispose();
        this.model = null;
        this.model = await tfl.loadLayersModel(url.replace(/^\//, ''));
        this.modelUrl = url;
        this.sampleRound = 0;
      }
      this.sampleRound++;
      if (this.model) this.drawSamples(this.model);
      setStatus('rv-status', `sampled from ${url}`);
    } catch (e) {
      setStatus('rv-status', `could not load the generator: ${(e as Error).message}`, true);
    }
  }

  private drawSamples(model: tfl.LayersModel): void {
    const inputs = model.inputs;
    const latentDim = inputs[0].shape[1];
    if (typeof latentDim !== 'number') throw new Error('the generator’s first input has no fixed latent size');
    const outShape = model.outputs[0].shape.slice(1) as number[];
    const rng = Rng.derive(this.sampleRound, 0, 4);
    const n = outShape.length === 1 ? 1024 : 64;
    const out = tf.tidy(() => {
      const z = tf.tensor2d(rng.normals(n * latentDim), [n, latentDim]);
      // A conditional generator takes labels as a second input: show classes 0, 1, 2, … in turn.
      const extra = inputs.slice(1).map((inp) => {
        const width = inp.shape[1] ?? 1;
        const labels = Array.from({ length: n }, (_, i) => Math.floor(i / Math.ceil(n / 10)) % Math.max(2, width === 1 ? 10 : width));
        return width === 1 ? tf.tensor2d(labels, [n, 1]) : tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), width), 'float32');
      });
      return model.predict(extra.length ? [z, ...extra] : z) as tf.Tensor;
    });
    const values = out.dataSync() as Float32Array;
    out.dispose();
    const images = outShape.length === 3;
    const about = images
      ? `${n} samples from G, latent dim ${latentDim}${inputs.length > 1 ? ', one class per row' : ''}. Press Sample for new z.`
      : `${n} points from G (purple)%OVER%; latent dim ${latentDim}.`;
    // G draws images in [-1, 1]; the grid takes [0, 1] (as the server's samples come).
    this.drawValues(images ? values.map((v) => (v + 1) / 2) : values, outShape, n, about);
  }

  /** Draws generated points (over the run's data, when it is a named mixture) or an image grid. */
  private drawValues(values: Float32Array, outShape: number[], n: number, about: string): void {
    const canvas = $<HTMLCanvasElement>('rv-gen');
    const info = $('rv-gen-info');
    if (outShape.length === 1 && outShape[0] === 2) {
      canvas.width = 320;
      canvas.height = 320;
      const ctx = canvas.getContext('2d')!;
      ctx.fillStyle = '#fafbfc';
      ctx.fillRect(0, 0, 320, 320);
      const dataName = String(this.run!.config.data ?? '');
      const mixture = dataName in mixtures ? mixtures[dataName as MixtureName]() : null;
      let extent = 0;
      for (const v of values) if (Number.isFinite(v)) extent = Math.max(extent, Math.abs(v));
      if (mixture) for (const m of mixture.modes) extent = Math.max(extent, Math.abs(m[0]), Math.abs(m[1]));
      const view = new View(-extent * 1.15, extent * 1.15, 320);
      if (mixture) drawPoints(ctx, view, mixture.sample(1024, Rng.derive(1, 0, 1)).x, COLORS.real, 1.5, 0.5);
      drawPoints(ctx, view, values, COLORS.fake, 1.5, 0.7);
      info.textContent = about.replace('%OVER%', mixture ? ` over ${dataName} (green)` : '');
    } else if (outShape.length === 3) {
      const [h, w, c] = outShape;
      drawImageGrid(canvas, values, n, h, w, 8, c);
      info.textContent = about;
    } else {
      info.textContent = `generator output shape [${outShape}] is neither points nor images`;
    }
  }
}
