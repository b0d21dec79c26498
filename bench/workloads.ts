/**
 * The reference workloads of ../shared/peers/WORKLOADS.md, built with tfjs-layers
 * exactly as the PyTorch peer builds them (bias everywhere, so parameter counts match),
 * with a training iteration that draws all its randomness from a seeded generator in
 * JavaScript, so two backends given the same seed and weights see the same numbers.
 */
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { NativeAdam } from '../src/native/optimizers.js';
import { bceWithLogits } from '../src/losses/bce.js';

export const WORKLOADS = ['mlp-mnist', 'dcgan-mnist', 'dcgan-cifar', 'wgangp-toy', 'dcgan-64'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

interface Spec {
  latent: number;
  dataShape: number[];
  batch: number;
  criticSteps: number;
  loss: 'bce' | 'wgan-gp';
  lr: number;
  beta1: number;
  beta2: number;
  build(): { G: tfl.Sequential; D: tfl.Sequential };
}

const lrelu = () => tfl.layers.leakyReLU({ alpha: 0.2 });
// PyTorch's BatchNorm defaults: eps 1e-5, running-average momentum 0.1 (TF.js counts 0.9).
const bn = () => tfl.layers.batchNormalization({ axis: -1, epsilon: 1e-5, momentum: 0.9 });
const convT = (filters: number, activation?: 'tanh') =>
  tfl.layers.conv2dTranspose({ filters, kernelSize: 4, strides: 2, padding: 'same', activation });
const conv = (filters: number, inputShape?: number[]) =>
  tfl.layers.conv2d({ filters, kernelSize: 4, strides: 2, padding: 'same', ...(inputShape ? { inputShape } : {}) });

function mlp(sizes: number[], between: () => tfl.layers.Layer, last?: 'tanh'): tfl.Sequential {
  const m = tfl.sequential();
  for (let i = 1; i < sizes.length; i++) {
    m.add(tfl.layers.dense({ units: sizes[i], ...(i === 1 ? { inputShape: [sizes[0]] } : {}), ...(i === sizes.length - 1 && last ? { activation: last } : {}) }));
    if (i < sizes.length - 1) m.add(between());
  }
  return m;
}

export const SPECS: Record<WorkloadName, Spec> = {
  'mlp-mnist': {
    latent: 100, dataShape: [784], batch: 64, criticSteps: 1, loss: 'bce', lr: 2e-4, beta1: 0.5, beta2: 0.999,
    build: () => ({ G: mlp([100, 256, 512, 1024, 784], lrelu, 'tanh'), D: mlp([784, 512, 256, 1], lrelu) }),
  },
  'dcgan-mnist': {
    latent: 100, dataShape: [28, 28, 1], batch: 64, criticSteps: 1, loss: 'bce', lr: 2e-4, beta1: 0.5, beta2: 0.999,
    build: () => {
      const G = tfl.sequential({
        layers: [
          tfl.layers.dense({ units: 7 * 7 * 128, inputShape: [100] }), bn(), tfl.layers.reLU(),
          tfl.layers.reshape({ targetShape: [7, 7, 128] }),
          convT(64), bn(), tfl.layers.reLU(),
          convT(1, 'tanh'),
        ],
      });
      const D = tfl.sequential({
        layers: [conv(64, [28, 28, 1]), lrelu(), conv(128), bn(), lrelu(), tfl.layers.flatten(), tfl.layers.dense({ units: 1 })],
      });
      return { G, D };
    },
  },
  'dcgan-cifar': {
    latent: 100, dataShape: [32, 32, 3], batch: 64, criticSteps: 1, loss: 'bce', lr: 2e-4, beta1: 0.5, beta2: 0.999,
    build: () => {
      const G = tfl.sequential({
        layers: [
          tfl.layers.dense({ units: 4 * 4 * 512, inputShape: [100] }), bn(), tfl.layers.reLU(),
          tfl.layers.reshape({ targetShape: [4, 4, 512] }),
          convT(256), bn(), tfl.layers.reLU(),
          convT(128), bn(), tfl.layers.reLU(),
          convT(3, 'tanh'),
        ],
      });
      const D = tfl.sequential({
        layers: [
          conv(128, [32, 32, 3]), lrelu(), conv(256), bn(), lrelu(), conv(512), bn(), lrelu(),
          tfl.layers.flatten(), tfl.layers.dense({ units: 1 }),
        ],
      });
      return { G, D };
    },
  },
  'dcgan-64': {
    // The PyTorch DCGAN example (ngf = ndf = 64) at 64×64 RGB, no conv biases. G's first
    // convT k4 s1 p0 from 1×1 is a bias-free dense to 4×4×512; D's last conv k4 s1 p0 on
    // 4×4 is a bias-free dense to 1: the same maps and parameter counts.
    latent: 100, dataShape: [64, 64, 3], batch: 64, criticSteps: 1, loss: 'bce', lr: 2e-4, beta1: 0.5, beta2: 0.999,
    build: () => {
      const up = (filters: number, activation?: 'tanh') =>
        tfl.layers.conv2dTranspose({ filters, kernelSize: 4, strides: 2, padding: 'same', useBias: false, activation });
      const down = (filters: number, inputShape?: number[]) =>
        tfl.layers.conv2d({ filters, kernelSize: 4, strides: 2, padding: 'same', useBias: false, ...(inputShape ? { inputShape } : {}) });
      const G = tfl.sequential({
        layers: [
          tfl.layers.dense({ units: 4 * 4 * 512, useBias: false, inputShape: [100] }),
          tfl.layers.reshape({ targetShape: [4, 4, 512] }), bn(), tfl.layers.reLU(),
          up(256), bn(), tfl.layers.reLU(),
          up(128), bn(), tfl.layers.reLU(),
          up(64), bn(), tfl.layers.reLU(),
          up(3, 'tanh'),
        ],
      });
      const D = tfl.sequential({
        layers: [
          down(64, [64, 64, 3]), lrelu(), down(128), bn(), lrelu(), down(256), bn(), lrelu(), down(512), bn(), lrelu(),
          tfl.layers.flatten(), tfl.layers.dense({ units: 1, useBias: false }),
        ],
      });
      return { G, D };
    },
  },
  'wgangp-toy': {
    latent: 2, dataShape: [2], batch: 256, criticSteps: 5, loss: 'wgan-gp', lr: 1e-4, beta1: 0.5, beta2: 0.9,
    build: () => ({ G: mlp([2, 512, 512, 512, 2], () => tfl.layers.reLU()), D: mlp([2, 512, 512, 512, 1], () => tfl.layers.reLU()) }),
  },
};

/** A small deterministic generator (mulberry32) with Box-Muller normals. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  uniform(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  uniforms(n: number, lo = 0, hi = 1): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * this.uniform();
    return a;
  }
  normals(n: number): Float32Array {
    const a = new Float32Array(n);
    for (let i = 0; i < n; i += 2) {
      const u = Math.max(this.uniform(), 1e-12), v = this.uniform();
      const r = Math.sqrt(-2 * Math.log(u));
      a[i] = r * Math.cos(2 * Math.PI * v);
      if (i + 1 < n) a[i + 1] = r * Math.sin(2 * Math.PI * v);
    }
    return a;
  }
}

export function countParams(m: tfl.LayersModel): number {
  return m.trainableWeights.reduce((s, w) => s + w.shape.reduce((p, d) => p * (d ?? 1), 1), 0);
}

export interface TrainerOptions {
  batch?: number;
  seed?: number;
  /** 'native': gankit's fused Adam (falls back to TF.js's where the backend is not native). */
  optimizer?: 'native' | 'tfjs';
  /** Weights to start from (one Float32Array per G weight, then per D weight), for comparisons. */
  weights?: Float32Array[];
}

export interface Trainer {
  name: WorkloadName;
  batch: number;
  gParams: number;
  dParams: number;
  /** One full iteration (critic steps, then a generator step); returns the last losses. */
  iteration(): { dLoss: number; gLoss: number };
  weights(): Float32Array[];
  dispose(): void;
}

/** gankit's own loss (src/losses/bce.ts), as its trainers use it: the mean of BCE on logits. */
function bceLogits(logits: tf.Tensor, target: 0 | 1): tf.Scalar {
  return bceWithLogits(logits, target);
}

/** Builds G, D and their optimizers on the current backend. */
export function makeTrainer(name: WorkloadName, opts: TrainerOptions = {}): Trainer {
  const spec = SPECS[name];
  const batch = opts.batch ?? spec.batch;
  const rng = new Rng(opts.seed ?? 1);
  const { G, D } = spec.build();
  const all = [...G.weights, ...D.weights];
  if (opts.weights) {
    if (opts.weights.length !== all.length) throw new Error('weights do not match the model');
    tf.tidy(() => all.forEach((w, i) => w.write(tf.tensor(opts.weights![i], w.shape as number[]))));
  }
  const optimizer = () =>
    opts.optimizer === 'tfjs'
      ? tf.train.adam(spec.lr, spec.beta1, spec.beta2, 1e-8)
      : new NativeAdam(spec.lr, spec.beta1, spec.beta2, 1e-8);
  const gOpt = optimizer(), dOpt = optimizer();
  const gVars = G.trainableWeights.map((w) => w.read() as tf.Variable);
  const dVars = D.trainableWeights.map((w) => w.read() as tf.Variable);
  const dataSize = batch * spec.dataShape.reduce((a, b) => a * b, 1);
  const real = tf.keep(tf.tensor(rng.uniforms(dataSize, -1, 1), [batch, ...spec.dataShape]));
  const g = (z: tf.Tensor) => G.apply(z, { training: true }) as tf.Tensor;
  const d = (x: tf.Tensor) => D.apply(x, { training: true }) as tf.Tensor;
  const noise = () => tf.tensor(rng.normals(batch * spec.latent), [batch, spec.latent]);

  const criticLoss = (fake: tf.Tensor): tf.Scalar => {
    if (spec.loss === 'bce') return tf.add(bceLogits(d(real), 1), bceLogits(d(fake), 0));
    const alpha = tf.tensor(rng.uniforms(batch), [batch, 1]);
    const xhat = tf.add(tf.mul(alpha, real), tf.mul(tf.sub(1, alpha), fake));
    const grad = tf.grad((x: tf.Tensor) => tf.sum(d(x)))(xhat);
    const norm = tf.sqrt(tf.sum(tf.square(grad), 1));
    const gp = tf.mean(tf.square(tf.sub(norm, 1)));
    return tf.add(tf.sub(tf.mean(d(fake)), tf.mean(d(real))), tf.mul(10, gp));
  };
  const generatorLoss = (fakeOut: tf.Tensor): tf.Scalar =>
    spec.loss === 'bce' ? bceLogits(fakeOut, 1) : tf.neg(tf.mean(fakeOut));

  return {
    name,
    batch,
    gParams: countParams(G),
    dParams: countParams(D),
    iteration() {
      let dLoss = 0, gLoss = 0;
      for (let i = 0; i < spec.criticSteps; i++) {
        dLoss = tf.tidy(() => {
          const fake = g(noise());
          const cost = dOpt.minimize(() => criticLoss(fake), true, dVars)!;
          return cost.dataSync()[0];
        });
      }
      gLoss = tf.tidy(() => {
        const z = noise();
        const cost = gOpt.minimize(() => generatorLoss(d(g(z))), true, gVars)!;
        return cost.dataSync()[0];
      });
      return { dLoss, gLoss };
    },
    weights: () => all.map((w) => w.read().dataSync() as Float32Array).map((a) => new Float32Array(a)),
    dispose() {
      real.dispose();
      gOpt.dispose();
      dOpt.dispose();
      G.dispose();
      D.dispose();
    },
  };
}
