/**
 * `npm run bench`: the reference workloads on every available TF.js backend and on the
 * PyTorch peer in the same run, plus GEMM and convolution GFLOP/s of the native backend.
 * Prints one table and writes bench/results.json.
 *
 * The variants table (bench/variant-table.ts): s/step of gankit's own configs beside the
 * plain DCGAN, on native, taking turns; `--workloads variants` runs only it
 * (--variant-rounds N, --variant-steps N).
 *
 * Flags: --workloads a,b  --backends native,wasm,cpu  --iters N  --warmup N (defaults per
 *        workload, see COUNTS: a few seconds of timed iterations each; the peer gets the
 *        same)  --cpu-iters N (default 2; TF.js's cpu backend is slow)  --cpu-all (cpu on
 *        every workload, not only mlp-mnist)  --threads N  --no-torch  --out FILE
 *        --rounds N (default 5)
 * For each workload, native and the peer take turns N times (timings on this shared 2-core
 * VM drift by tens of percent within minutes: one run each, minutes apart, gave ratios from
 * 1.03x to 1.70x); the ratio reported is the median of the paired ratios. wasm and cpu run
 * after them, once.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { registerComposedConvFilterGradient } from '../src/backend/conv-filter.js';
import { nativeInfo, registerNativeBackend, setNativeThreads, setNativeWinograd } from '../src/native/index.js';
import { WORKLOADS, makeTrainer, type WorkloadName } from './workloads.js';
import { runVariantTable, type VariantRow } from './variant-table.js';
import { initBackend } from '../src/backend/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const PEER = join(here, '..', '..', 'shared', 'peers', 'torch_peer.py');
const PYTHON = '/usr/bin/python3';

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const has = (name: string) => process.argv.includes(`--${name}`);

const wanted = flag('workloads')?.split(',') ?? [...WORKLOADS, 'variants'];
const withVariants = wanted.includes('variants');
const workloads = wanted.filter((w) => w !== 'variants') as WorkloadName[];
for (const w of workloads) if (!WORKLOADS.includes(w)) throw new Error(`unknown workload ${w}; one of ${[...WORKLOADS, 'variants'].join(', ')}`);
const backendsWanted = flag('backends')?.split(',') ?? ['native', 'wasm', 'cpu'];
/**
 * Warm-up and timed iterations per workload. 20 timed iterations of mlp-mnist last 0.3 s,
 * too short to be steady here: medians moved by 20% between runs.
 */
const COUNTS: Record<WorkloadName, { warmup: number; iters: number }> = {
  'mlp-mnist': { warmup: 20, iters: 100 },
  'dcgan-mnist': { warmup: 5, iters: 30 },
  'dcgan-cifar': { warmup: 3, iters: 20 },
  'wgangp-toy': { warmup: 10, iters: 40 },
  'dcgan-64': { warmup: 2, iters: 10 },
};
const itersOf = (name: WorkloadName) => Number(flag('iters') ?? COUNTS[name].iters);
const warmupOf = (name: WorkloadName) => Number(flag('warmup') ?? COUNTS[name].warmup);
const cpuIters = Number(flag('cpu-iters') ?? 2);
const rounds = Number(flag('rounds') ?? 5);
if (!Number.isInteger(rounds) || rounds < 1) throw new Error(`--rounds must be a positive whole number, got ${flag('rounds')}`);
const outFile = flag('out') ?? join(here, 'results.json');
if (flag('threads')) setNativeThreads(Number(flag('threads')));

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

async function available(name: string): Promise<boolean> {
  try {
    if (name === 'native') return registerNativeBackend() && (await tf.setBackend('native'));
    if (name === 'wasm') {
      await import('@tensorflow/tfjs-backend-wasm');
      registerComposedConvFilterGradient('wasm');
      return await tf.setBackend('wasm');
    }
    if (name === 'cpu') {
      registerComposedConvFilterGradient('cpu');
      const ok = await tf.setBackend('cpu');
      // (its first write prints advice to install tfjs-node, which cannot install here)
      const b = tf.backend() as unknown as { firstUse?: boolean };
      if (b.firstUse === true) b.firstUse = false;
      return ok;
    }
  } catch {
    return false;
  }
  return false;
}

interface Row {
  workload: string;
  backend: string;
  img_per_s: number | null;
  ms_per_iter: number | null;
  iters: number;
  g_params: number;
  d_params: number;
  /** img/s of each round, when native ran in rounds with the peer */
  rounds?: number[];
  note?: string;
}

async function runWorkload(name: WorkloadName, backend: string): Promise<Row> {
  await tf.setBackend(backend);
  await tf.ready();
  // TF.js's cpu backend, and wasm on convolutions, take seconds to minutes an iteration
  const isCpu = backend === 'cpu' || (backend === 'wasm' && name.startsWith('dcgan'));
  const trainer = makeTrainer(name, { seed: 1 });
  const n = isCpu ? cpuIters : itersOf(name);
  const w = isCpu ? Math.min(1, warmupOf(name)) : warmupOf(name);
  try {
    for (let i = 0; i < w; i++) trainer.iteration();
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t = performance.now();
      trainer.iteration();
      times.push(performance.now() - t);
    }
    const ms = median(times);
    return { workload: name, backend, img_per_s: round1((trainer.batch / ms) * 1000), ms_per_iter: round2(ms), iters: n,
      g_params: trainer.gParams, d_params: trainer.dParams, ...(isCpu ? { note: `${n} iterations (slow)` } : {}) };
  } catch (e) {
    return { workload: name, backend, img_per_s: null, ms_per_iter: null, iters: 0, g_params: trainer.gParams, d_params: trainer.dParams,
      note: `cannot train: ${(e as Error).message.split('\n')[0].slice(0, 80)}` };
  } finally {
    trainer.dispose();
  }
}

/** One row for several rounds of the same workload: medians, with each round's img/s. */
function combineRounds(rs: Row[]): Row {
  const ok = rs.filter((r) => r.img_per_s != null);
  if (ok.length === 0) return rs[0];
  return { ...ok[0], img_per_s: round1(median(ok.map((r) => r.img_per_s!))), ms_per_iter: round2(median(ok.map((r) => r.ms_per_iter!))),
    iters: ok.reduce((a, r) => a + r.iters, 0), rounds: ok.map((r) => r.img_per_s!) };
}

const round1 = (x: number) => Math.round(x * 10) / 10;
const round2 = (x: number) => Math.round(x * 100) / 100;

function torchAvailable(): boolean {
  if (has('no-torch') || !existsSync(PYTHON) || !existsSync(PEER)) return false;
  return spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

function runTorch(args: string[]): Array<Record<string, number | string>> {
  const r = spawnSync(PYTHON, [PEER, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`torch_peer.py failed: ${r.stderr.trim().split('\n').pop()}`);
  return r.stdout.trim().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}

/**
 * Which BLAS library PyTorch's matmul runs on. Debian's python3-torch links the generic
 * libblas.so.3, which is the slow reference BLAS unless an optimized one (OpenBLAS:
 * apt-get install -y libopenblas0-pthread) is installed as its alternative: that makes
 * PyTorch 10-20x faster here, so a comparison against the reference BLAS means nothing.
 */
function torchBlas(): { library: string; optimized: boolean } {
  const script = 'import torch\ntorch.ones(64, 64) @ torch.ones(64, 64)\n' +
    'print("\\n".join(sorted({l.split()[-1] for l in open("/proc/self/maps") if "blas" in l.lower()})))';
  const r = spawnSync(PYTHON, ['-c', script], { encoding: 'utf8' });
  const libs = (r.stdout ?? '').trim().split('\n').filter(Boolean);
  const library = libs.find((l) => /openblas|mkl|blis/i.test(l)) ?? libs[0] ?? 'unknown';
  return { library, optimized: /openblas|mkl|blis/i.test(library) };
}

/** GFLOP/s of one native op, median of `reps` runs after one warm-up. */
function gflops(flops: number, f: () => tf.Tensor, reps = 10): number {
  tf.dispose(f());
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t = performance.now();
    const y = f();
    y.dataSync();
    times.push(performance.now() - t);
    y.dispose();
  }
  return round1(flops / (median(times) / 1000) / 1e9);
}

function kernelRates(): Record<string, number> {
  const r = (shape: number[]) => tf.randomUniform(shape, -1, 1);
  const out: Record<string, number> = {};
  const a = r([512, 512]), b = r([512, 512]);
  // 200 products (about 0.3 s): 20 (26 ms) gave 123-170 GFLOP/s from one run to the next,
  // whatever moment of the shared machine they fell in
  out['gemm 512'] = gflops(2 * 512 ** 3, () => tf.matMul(a, b), 200);
  const a2 = r([1024, 1024]), b2 = r([1024, 1024]);
  out['gemm 1024'] = gflops(2 * 1024 ** 3, () => tf.matMul(a2, b2), 40);
  // dcgan-cifar's second critic convolution: 64x16x16x128 -> 64x8x8x256, k4 s2. Its rates
  // count the direct method's FLOPs: Winograd (on by default) does 25/64 of those
  // multiplications, so its "effective" rate can pass the CPU's peak; "(direct)" is the
  // im2col + GEMM path on the same shapes.
  const x = r([64, 16, 16, 128]) as tf.Tensor4D, f = r([4, 4, 128, 256]) as tf.Tensor4D;
  const flops = 2 * 64 * 8 * 8 * 256 * 4 * 4 * 128;
  const dy = r([64, 8, 8, 256]) as tf.Tensor4D;
  const winogradAtStart = nativeInfo().winograd;
  for (const winograd of [true, false]) {
    setNativeWinograd(winograd);
    const tag = winograd ? '' : ' (direct)';
    out[`conv fwd 64x16x16x128 k4s2 ->256${tag}`] = gflops(flops, () => tf.conv2d(x, f, 2, 'same'));
    out[`conv dx (convT fwd)${tag}`] = gflops(flops, () => tf.conv2dTranspose(dy, f, [64, 16, 16, 128], 2, 'same'));
    out[`conv dw${tag}`] = gflops(flops, () => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: [4, 4, 128, 256] }) as tf.Tensor);
  }
  setNativeWinograd(winogradAtStart);
  tf.dispose([a, b, a2, b2, x, f, dy]);
  return out;
}

async function main(): Promise<void> {
  const info = nativeInfo();
  const backends: string[] = [];
  for (const b of backendsWanted) if (await available(b)) backends.push(b);
  const machine = `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`;
  console.log(`machine: ${machine}`);
  console.log(`native: ${info.built ? `${info.isa}, ${info.threads} threads` : `not built (${info.reason})`}; backends: ${backends.join(', ')}`);

  let torch: Array<Record<string, number | string | number[]>> = [];
  let torchNote = '';
  let blas: { library: string; optimized: boolean } | null = null;
  const withTorch = torchAvailable();
  if (withTorch) {
    blas = torchBlas();
    console.log(`PyTorch BLAS: ${blas.library}`);
    if (!blas.optimized) {
      console.log('WARNING: PyTorch runs on the reference BLAS, 10-20x slower than OpenBLAS; for a fair peer: apt-get install -y libopenblas0-pthread');
    }
  } else {
    torchNote = 'PyTorch not available (/usr/bin/python3 without torch)';
    console.log(torchNote);
  }

  const rows: Row[] = [];
  const ratios = new Map<string, number[]>();
  for (const name of workloads) {
    if (withTorch) {
      const [p] = runTorch(['--params', '--workloads', name]);
      const probe = makeTrainer(name, { seed: 1 });
      const mine = { g: probe.gParams, d: probe.dParams };
      probe.dispose();
      if (p && (mine.g !== p.g_params || mine.d !== p.d_params)) {
        throw new Error(`${name}: parameter counts differ from the peer's: G ${mine.g} vs ${p.g_params}, D ${mine.d} vs ${p.d_params}`);
      }
    }
    // native and the peer take turns, so that each pair sees the same machine
    if (backends.includes('native') || withTorch) {
      const mineRounds: Row[] = [], peerRounds: Array<Record<string, number | string>> = [];
      const paired: number[] = [];
      for (let r = 0; r < (backends.includes('native') && withTorch ? rounds : 1); r++) {
        const row = backends.includes('native') ? await runWorkload(name, 'native') : null;
        if (row) mineRounds.push(row);
        const [t] = withTorch ? runTorch(['--json', '--workloads', name, '--iters', String(itersOf(name)), '--warmup', String(warmupOf(name))]) : [];
        if (t) peerRounds.push(t);
        if (row?.img_per_s != null && t) paired.push(row.img_per_s / Number(t.img_per_s));
        console.log(`  ${name} round ${r + 1}: native ${row?.img_per_s ?? '-'} img/s${t ? `, pytorch ${t.img_per_s} img/s` : ''}${paired.length > r ? ` (${paired[r].toFixed(2)}×)` : ''}`);
      }
      if (mineRounds.length) rows.push(combineRounds(mineRounds));
      if (peerRounds.length) {
        const ips = peerRounds.map((t) => Number(t.img_per_s));
        torch.push({ ...peerRounds[0], img_per_s: round1(median(ips)), ms_per_iter: round2(median(peerRounds.map((t) => Number(t.ms_per_iter)))), rounds: ips });
      }
      if (paired.length) ratios.set(name, paired);
    }
    for (const backend of backends) {
      if (backend === 'native') continue;
      if (backend === 'cpu' && !has('cpu-all') && name !== 'mlp-mnist') {
        rows.push({ workload: name, backend, img_per_s: null, ms_per_iter: null, iters: 0, g_params: 0, d_params: 0, note: 'skipped (slow; --cpu-all runs it)' });
        continue;
      }
      const row = await runWorkload(name, backend);
      rows.push(row);
      console.log(`  ${name} ${backend}: ${row.img_per_s ?? '-'} img/s${row.note ? ` (${row.note})` : ''}`);
    }
  }

  let kernels: Record<string, number> = {};
  if (backends.includes('native') && workloads.length > 0) {
    await tf.setBackend('native');
    kernels = kernelRates();
  }

  let variants: { rows: VariantRow[]; table: string } | null = null;
  if (withVariants && backends.includes('native')) {
    // as `gankit train` runs: the native backend with its fused optimizers
    await initBackend('native');
    variants = runVariantTable({ rounds: Number(flag('variant-rounds') ?? 3), steps: Number(flag('variant-steps') ?? 5), warmup: 2, log: console.log });
  }

  // the table
  const header = ['workload', ...backends.map((b) => `${b} img/s`), 'PyTorch img/s', 'native/PyTorch'];
  const lines = [header];
  for (const name of workloads) {
    const t = torch.find((x) => x.workload === name);
    const cell = (b: string) => {
      const r = rows.find((x) => x.workload === name && x.backend === b);
      return r?.img_per_s != null ? String(r.img_per_s) : r?.note?.startsWith('skipped') ? 'skipped' : '-';
    };
    const paired = ratios.get(name);
    const ratio = paired ? median(paired).toFixed(2) + '×' : '-';
    lines.push([name, ...backends.map(cell), t ? String(t.img_per_s) : '-', ratio]);
  }
  const md = [
    `| ${lines[0].join(' | ')} |`,
    `| ${lines[0].map(() => '---').join(' | ')} |`,
    ...lines.slice(1).map((l) => `| ${l.join(' | ')} |`),
  ].join('\n');
  if (workloads.length > 0) console.log('\n' + md + '\n');
  if (variants) console.log(`\nvariants (native, s per training step, batch 64, taking turns):\n${variants.table}\n`);
  for (const [k, v] of Object.entries(kernels)) console.log(`native ${k}: ${v} GFLOP/s${k.startsWith('conv') && !k.endsWith('(direct)') ? ' (effective: direct-method FLOPs, by Winograd)' : ''}`);
  const torchVersion = torch[0]?.torch, torchThreads = torch[0]?.threads;
  const notes = [
    `cpu (and wasm on dcgan): ${cpuIters} timed iterations after 1 warm-up${has('cpu-all') ? '' : '; cpu on mlp-mnist only'} (TF.js's cpu backend is slow)`,
    `others, and the peer: median of ${workloads.map((w) => `${itersOf(w)} (${w})`).join(', ')} iterations after ${workloads.map((w) => warmupOf(w)).join('/')} warm-up; img/s = batch / iteration time`,
    `native and the peer take turns, ${rounds} rounds each: their img/s is the median over rounds, native/PyTorch the median of the ${rounds} paired ratios`,
    torch.length ? `PyTorch ${torchVersion}, ${torchThreads} threads, BLAS ${blas?.library}${blas?.optimized ? '' : ' (reference BLAS: not a fair peer)'}, same run` : torchNote,
  ];
  if (workloads.length > 0) for (const n of notes) console.log(`note: ${n}`);
  const pairedRatios = Object.fromEntries([...ratios].map(([k, v]) => [k, v.map(round2)]));
  writeFileSync(outFile, JSON.stringify({ date: new Date().toISOString(), machine, native: info, backends, rows, torch, paired_ratios: pairedRatios, torch_blas: blas, kernels_gflops: kernels, notes, table: md, variants }, null, 2) + '\n');
  console.log(`wrote ${outFile}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
