/**
 * `npm run bench:profile -- --workload mlp-mnist [--iters 10] [--backend native]`: where one
 * training iteration of a reference workload spends its time; `--config cgan-mnist` (a name
 * in configs/, a path, or `plain`; `--batch N`) profiles one training step of a gankit
 * variant instead, as `gankit train` builds it. Times the plain iteration
 * (median wall clock), then runs the same iterations with a timer around every kernel and
 * sums kernel time per kernel name (and per input shapes), so that the gap between wall
 * clock and kernel time (the TF.js engine, tape and JavaScript between kernels) shows.
 * `--clock cpu` times with the process's CPU time instead (user + system, all its threads):
 * on a machine shared with other jobs, wall clock counts the time the others take; with
 * GANKIT_THREADS=1 CPU time is the work each kernel does.
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { initBackend } from '../src/backend/index.js';
import { makeTrainer, WORKLOADS, type WorkloadName } from './workloads.js';
import { makeVariantStepper } from './variants.js';

const flag = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const configName = flag('config', '');
const workload = (configName || flag('workload', 'mlp-mnist')) as WorkloadName;
if (!configName && !WORKLOADS.includes(workload)) throw new Error(`unknown workload ${workload}; one of ${WORKLOADS.join(', ')}`);
const iters = Number(flag('iters', '10'));
const backend = flag('backend', 'native');
const top = Number(flag('top', '25'));
const clock = flag('clock', 'wall');
if (clock !== 'wall' && clock !== 'cpu') throw new Error(`--clock is wall or cpu, not ${clock}`);
const now = clock === 'cpu'
  ? () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; }
  : () => performance.now();
await initBackend(backend as 'native');

const trainer = configName
  ? (() => {
      const s = makeVariantStepper(configName, { batch: flag('batch', '') ? Number(flag('batch', '')) : undefined });
      return { iteration: () => s.step(), dispose: () => s.dispose() };
    })()
  : makeTrainer(workload, { seed: 1 });
for (let i = 0; i < 3; i++) trainer.iteration();
const wall: number[] = [];
for (let i = 0; i < iters; i++) {
  const t = now();
  trainer.iteration();
  wall.push(now() - t);
}
wall.sort((a, b) => a - b);
const median = wall[Math.floor(wall.length / 2)];

const byName = new Map<string, { ms: number; calls: number }>();
const byShape = new Map<string, { ms: number; calls: number }>();
let kernelMs = 0, calls = 0;
const add = (map: Map<string, { ms: number; calls: number }>, key: string, ms: number) => {
  const a = map.get(key) ?? { ms: 0, calls: 0 };
  a.ms += ms; a.calls++;
  map.set(key, a);
};
// Exclusive times: a kernel that runs another (a fallback, or the first read of a deferred
// gradient, see src/native/deferred.ts) is charged only for its own part.
const stack: { name: string; key: string; child: number }[] = [];
function timed<T>(name: string, key: string, f: () => T): T {
  const frame = { name, key, child: 0 };
  stack.push(frame);
  const t = now();
  try {
    return f();
  } finally {
    const ms = now() - t;
    stack.pop();
    if (stack.length > 0) stack[stack.length - 1].child += ms;
    kernelMs += ms - frame.child;
    calls++;
    add(byName, name, ms - frame.child);
    add(byShape, key, ms - frame.child);
  }
}
// Each kernel function wrapped with a timer (tf.profile would read every output back to
// check it for NaN, which takes the buffers out of the native backend's pool and skews
// what it measures).
for (const k of tf.getKernelsForBackend(backend)) {
  const f = k.kernelFunc;
  (k as { kernelFunc: typeof f }).kernelFunc = (args) => {
    const shapes = Object.values(args.inputs).map((x) => `[${(x as tf.TensorInfo | undefined)?.shape ?? ''}]`).join(' ');
    return timed(k.kernelName, `${k.kernelName} ${shapes}`, () => f(args));
  };
}
// A deferred kernel is timed when it finally runs, as "<name> (deferred)"; the call that
// deferred it counts under the plain name, with next to no time.
const deferring = tf.backend() as unknown as { defer?: (shape: number[], inputs: unknown[], run: () => unknown) => unknown };
if (typeof deferring.defer === 'function') {
  const defer = deferring.defer.bind(deferring);
  deferring.defer = (shape, inputs, run) => {
    const { name, key } = stack[stack.length - 1];
    return defer(shape, inputs, () => timed(`${name} (deferred)`, `${key} (deferred)`, run));
  };
}
const t0 = now();
for (let i = 0; i < iters; i++) trainer.iteration();
const timedWall = (now() - t0) / iters;
const per = (x: number) => (x / iters).toFixed(2);
console.log(`${workload} on ${backend}: ${clock === 'cpu' ? 'CPU time' : 'wall'} ${median.toFixed(2)} ms/iter (median of ${iters}); with timers ${timedWall.toFixed(2)} ms/iter, of which kernels ${per(kernelMs)} ms in ${calls / iters} calls`);
console.log('\nby kernel (ms/iter, calls/iter):');
for (const [n, a] of [...byName].sort((x, y) => y[1].ms - x[1].ms).slice(0, top)) console.log(`  ${per(a.ms).padStart(8)}  ${String(a.calls / iters).padStart(5)}  ${n}`);
console.log('\nby kernel and input shapes:');
for (const [n, a] of [...byShape].sort((x, y) => y[1].ms - x[1].ms).slice(0, top)) console.log(`  ${per(a.ms).padStart(8)}  ${String(a.calls / iters).padStart(5)}  ${n}`);
trainer.dispose();
