/**
 * Every native kernel against TF.js's own cpu backend on random shapes, odd sizes,
 * strides, paddings, dilations and batch sizes, at 1 and 2 threads and on every
 * instruction set this CPU runs.
 */
import { describe, it, before, after } from 'node:test';
import * as tf from '@tensorflow/tfjs-core';
import assert from 'node:assert/strict';
import { nativeFallbackCounts, setNativeIsa, setNativeThreads, setNativeWinograd, supportedIsas, nativeInfo } from '../../src/native/index.js';
import { NATIVE_DISABLED, Rng, compare, input, requireNative, runOn, type Input } from './helpers.js';

const rng = new Rng(12345);
const rand = (n: number, lo = -1, hi = 1) => rng.uniforms(n, lo, hi);
const int = (lo: number, hi: number) => lo + Math.floor(rng.uniform() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rng.uniform() * xs.length)];
const size = (s: number[]) => s.reduce((a, b) => a * b, 1);

describe('native kernels match the cpu backend', { skip: NATIVE_DISABLED ? 'GANKIT_NO_NATIVE=1' : false }, () => {
  const defaultThreads = Math.max(1, nativeInfo().threads);
  before(() => requireNative());
  after(() => {
    if (!NATIVE_DISABLED) {
      // Only the cases the addon leaves to cpu on purpose went there: prelu activations
      // fused into a matMul, and Sum/Mean/Max/Min over non-adjacent axes.
      const counts = nativeFallbackCounts(true);
      const allowed = new Set([tf._FusedMatMul, tf.Sum, tf.Mean, tf.Max, tf.Min]);
      for (const name of Object.keys(counts)) assert.ok(allowed.has(name), `unexpected cpu fallbacks: ${JSON.stringify(counts)}`);
      assert.ok((counts[tf._FusedMatMul] ?? 0) <= 2, `fused matMul fell back ${counts[tf._FusedMatMul]} times`);
      setNativeThreads(defaultThreads);
      setNativeIsa(supportedIsas()[0]);
    }
  });

  for (const threads of [1, 2]) {
    describe(`${threads} thread(s)`, () => {
      before(() => setNativeThreads(threads));

      it('matMul: shapes, transposes, batches, broadcast batch', async () => {
        for (let t = 0; t < 14; t++) {
          const m = pick([1, 3, 7, 17, 64, int(1, 140)]), k = pick([1, 2, 5, 33, 100, int(1, 300)]), n = pick([1, 9, 31, 32, 65, int(1, 200)]);
          const ta = rng.uniform() < 0.5, tb = rng.uniform() < 0.5;
          const batch = pick([0, 0, 1, 2, 3]);
          const bcast = batch > 1 && rng.uniform() < 0.3;
          const aShape = [...(batch ? [batch] : []), ta ? k : m, ta ? m : k];
          const bShape = [...(batch ? [bcast ? 1 : batch] : []), tb ? n : k, tb ? k : n];
          await compare(`matMul ${aShape} ${bShape} ta=${ta} tb=${tb}`, [input(aShape, rand(size(aShape))), input(bShape, rand(size(bShape)))],
            (a, b) => tf.matMul(a, b, ta, tb));
        }
      });

      it('matMul: thin and tall A (read in place / packed), K across blocks, partial strips', async () => {
        // [m, k, n]: m <= 128 takes the in-place path (m <= 256 for A·Bᵀ), larger m the
        // packed one; k crosses the 256-deep blocks (and the 2048-deep ones of the thin A·Bᵀ
        // path); n <= 4 or k <= 4 take the skinny loops; n leaves a partial 32-column strip
        // (or is one).
        const cases: Array<[number, number, number]> = [[64, 784, 100], [128, 257, 33], [129, 513, 65], [1, 300, 1], [9, 256, 31], [200, 64, 784], [33, 2100, 17], [64, 700, 1], [130, 1, 65], [3, 1, 1], [256, 512, 2], [300, 2, 512], [70, 3, 4], [5, 4, 9], [256, 2100, 40], [257, 300, 70]];
        for (const [m, k, n] of cases) {
          for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
            const aShape = ta ? [k, m] : [m, k], bShape = tb ? [n, k] : [k, n];
            await compare(`matMul ${m}x${k}x${n} ta=${ta} tb=${tb}`, [input(aShape, rand(size(aShape))), input(bShape, rand(size(bShape)))],
              (a, b) => tf.matMul(a, b, ta, tb));
          }
        }
      });

      it('fused matMul: bias and every activation', async () => {
        for (const activation of ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu', 'prelu'] as const) {
          const m = int(1, 70), k = int(1, 90), n = int(1, 80);
          await compare(`fused matMul ${activation} ${m}x${k}x${n}`,
            [input([m, k], rand(m * k, -3, 3)), input([k, n], rand(k * n)), input([n], rand(n)), input([n], rand(n))],
            (a, b, bias, alpha) => tf.fused.matMul({ a, b, bias, activation, preluActivationWeights: alpha, leakyreluAlpha: 0.13 }));
        }
      });

      it('conv2d and fused conv2d: strides, paddings, dilations, batches', async () => {
        for (let t = 0; t < 12; t++) {
          const n = int(1, 3), h = int(1, 11), w = int(1, 11), cin = pick([1, 2, 3, 5, 8, 16]), cout = pick([1, 3, 8, 17, 32, 40]);
          const kh = int(1, 4), kw = int(1, 4);
          const dilated = rng.uniform() < 0.3;
          const strides: [number, number] = dilated ? [1, 1] : [int(1, 3), int(1, 3)];
          const dilations: [number, number] = dilated ? [int(1, 2), int(1, 2)] : [1, 1];
          const padChoice = pick(['same', 'valid', 'explicit'] as const);
          const pad = padChoice === 'explicit' ? [[0, 0], [int(0, 2), int(0, 2)], [int(0, 2), int(0, 2)], [0, 0]] as tf.backend_util.ExplicitPadding : padChoice;
          const effH = (kh - 1) * dilations[0] + 1, effW = (kw - 1) * dilations[1] + 1;
          if (padChoice === 'valid' && (effH > h || effW > w)) continue;
          if (padChoice === 'explicit') {
            const p = pad as number[][];
            if (effH > h + p[1][0] + p[1][1] || effW > w + p[2][0] + p[2][1]) continue;
          }
          const xs = [n, h, w, cin], fs = [kh, kw, cin, cout];
          const what = `conv2d x=${xs} f=${fs} s=${strides} d=${dilations} pad=${JSON.stringify(pad)}`;
          const inputs = [input(xs, rand(size(xs))), input(fs, rand(size(fs))), input([cout], rand(cout))];
          await compare(what, inputs, (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, strides, pad, 'NHWC', dilations));
          const activation = pick(['relu', 'leakyrelu', 'linear', 'sigmoid'] as const);
          await compare(`fused ${activation} ${what}`, inputs, (x, f, bias) =>
            tf.fused.conv2d({ x: x as tf.Tensor4D, filter: f as tf.Tensor4D, strides, pad, dilations, bias, activation, leakyreluAlpha: 0.2 }));
        }
      });

      it('conv2dTranspose (Conv2DBackpropInput): strides, paddings', async () => {
        for (let t = 0; t < 10; t++) {
          const n = int(1, 3), h = int(1, 8), w = int(1, 8), cin = pick([1, 3, 8, 16]), cout = pick([1, 4, 8, 33]);
          const k = pick([1, 2, 3, 4, 5]), s = pick([1, 2, 3]);
          const pad = pick(['same', 'valid'] as const);
          const oh = pad === 'same' ? h * s : (h - 1) * s + k, ow = pad === 'same' ? w * s : (w - 1) * s + k;
          // filter [k, k, outChannels, inChannels]
          const xs = [n, h, w, cin], fs = [k, k, cout, cin];
          await compare(`conv2dTranspose x=${xs} f=${fs} s=${s} ${pad}`, [input(xs, rand(size(xs))), input(fs, rand(size(fs)))],
            (x, f) => tf.conv2dTranspose(x as tf.Tensor4D, f as tf.Tensor4D, [n, oh, ow, cout], s, pad));
        }
      });

      it('Conv2DBackpropInput and Conv2DBackpropFilter kernels directly', async () => {
        for (let t = 0; t < 10; t++) {
          const n = int(1, 3), h = int(2, 12), w = int(2, 12), cin = pick([1, 3, 6, 16]), cout = pick([1, 5, 8, 24]);
          const kh = int(1, 4), kw = int(1, 4);
          const strides: [number, number] = [int(1, 3), int(1, 3)];
          const pad = pick(['same', 'valid', 1, 2] as const);
          if ((pad === 'valid' && (kh > h || kw > w))) continue;
          const info = tf.backend_util.computeConv2DInfo([n, h, w, cin], [kh, kw, cin, cout], strides, 1, pad);
          if (info.outHeight <= 0 || info.outWidth <= 0) continue;
          const dyShape = [n, info.outHeight, info.outWidth, cout];
          const xs = [n, h, w, cin], fs = [kh, kw, cin, cout];
          const what = `x=${xs} f=${fs} s=${strides} pad=${pad}`;
          await compare(`Conv2DBackpropFilter ${what}`, [input(xs, rand(size(xs))), input(dyShape, rand(size(dyShape)))],
            (x, dy) => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides, pad, dataFormat: 'NHWC', filterShape: fs }) as tf.Tensor);
          await compare(`Conv2DBackpropInput ${what}`, [input(dyShape, rand(size(dyShape))), input(fs, rand(size(fs)))],
            (dy, filter) => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { strides, pad, dataFormat: 'NHWC', inputShape: xs }) as tf.Tensor);
        }
      });

      it('convolution gradients of an image layer (1 or 3 channels, outputs a multiple of the GEMM strip)', async () => {
        // DCGAN's first discriminator and last generator layers; the filter gradient reads
        // dy in place when the patch has few columns and cout fills whole strips
        for (const [n, h, cin, k, s, cout, pad] of [[3, 28, 1, 4, 2, 64, 'same'], [2, 9, 3, 2, 1, 32, 'valid'], [2, 11, 1, 3, 2, 96, 1]] as const) {
          const info = tf.backend_util.computeConv2DInfo([n, h, h, cin], [k, k, cin, cout], s, 1, pad);
          const dyShape = [n, info.outHeight, info.outWidth, cout], xs = [n, h, h, cin], fs = [k, k, cin, cout];
          const what = `x=${xs} f=${fs} s=${s} pad=${pad}`;
          await compare(`Conv2DBackpropFilter ${what}`, [input(xs, rand(size(xs))), input(dyShape, rand(size(dyShape)))],
            (x, dy) => tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: s, pad, dataFormat: 'NHWC', filterShape: fs }) as tf.Tensor);
          await compare(`Conv2DBackpropInput ${what}`, [input(dyShape, rand(size(dyShape))), input(fs, rand(size(fs)))],
            (dy, filter) => tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { strides: s, pad, dataFormat: 'NHWC', inputShape: xs }) as tf.Tensor);
        }
      });

      it('Winograd: stride-2 4x4 convolutions and their input and filter gradients, odd sizes and paddings', async () => {
        // Shapes the Winograd path takes (64+ tiles, 32+ channels): F(4x4, 2x2) forward and
        // for the input gradient, F(2x2, 4x4) for the filter gradient; partial tiles (odd and
        // 7-wide outputs), padding 0, 1, 2 and TF's uneven 'same', more columns than a GEMM
        // strip holds (40, 33), a depth across two GEMM blocks (4 * 72 = 288 > 256); input
        // gradients with the four phases at once (7-row phases, padding 0 or 2) and one by
        // one (8-row phases with padding 1: shifted tiles would need a third row of them).
        const cases = [
          [16, 14, 14, 32, 40, 'same'], [16, 15, 13, 72, 32, 'valid'], [20, 11, 9, 33, 36, 2], [12, 16, 17, 40, 33, 'same'],
        ] as const;
        for (const [n, h, w, cin, cout, pad] of cases) {
          const info = tf.backend_util.computeConv2DInfo([n, h, w, cin], [4, 4, cin, cout], 2, 1, pad);
          const dyShape = [n, info.outHeight, info.outWidth, cout], xs = [n, h, w, cin], fs = [4, 4, cin, cout];
          const what = `x=${xs} f=${fs} pad=${pad}`;
          const xIn = input(xs, rand(size(xs))), fIn = input(fs, rand(size(fs))), dyIn = input(dyShape, rand(size(dyShape)));
          // each op with its inputs, against cpu; then on native alone, Winograd on and off
          const ops: Array<[string, Input[], (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
            ['forward', [xIn, fIn], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, pad)],
            ['input gradient', [dyIn, fIn], (dy, filter) =>
              tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { strides: 2, pad, dataFormat: 'NHWC', inputShape: xs }) as tf.Tensor],
            ['filter gradient', [xIn, dyIn], (x, dy) =>
              tf.engine().runKernel(tf.Conv2DBackpropFilter, { x, dy }, { strides: 2, pad, dataFormat: 'NHWC', filterShape: fs }) as tf.Tensor],
          ];
          const withWinograd: Array<Float32Array | Int32Array | Uint8Array> = [];
          for (const [name, inputs, op] of ops) {
            await compare(`winograd ${name} ${what}`, inputs, op);
            withWinograd.push((await runOn('native', inputs, op))[0].data);
          }
          // the direct path gives other roundings: proof that the Winograd path ran
          setNativeWinograd(false);
          try {
            for (const [i, [name, inputs, op]] of ops.entries()) {
              assert.notDeepEqual(withWinograd[i], (await runOn('native', inputs, op))[0].data, `${what}: the ${name} took the direct path`);
            }
          } finally {
            setNativeWinograd(true);
          }
        }
      });

      it('unary ops, including NaN, infinities and large values', async () => {
        const n = 1000 + int(0, 70000);
        const x = rand(n, -12, 12);
        x[0] = NaN; x[1] = Infinity; x[2] = -Infinity; x[3] = 0; x[4] = -0; x[5] = 100; x[6] = -100; x[7] = 1e-6; x[8] = -1e-6;
        const pos = rand(n, 1e-3, 50);
        pos[0] = NaN;
        const cases: Array<[string, (t: tf.Tensor) => tf.Tensor, Float32Array]> = [
          ['relu', tf.relu, x], ['relu6', tf.relu6, x], ['leakyRelu', (t) => tf.leakyRelu(t, 0.2), x],
          ['sigmoid', tf.sigmoid, x], ['tanh', tf.tanh, x], ['exp', tf.exp, x], ['neg', tf.neg, x],
          ['square', tf.square, x], ['abs', tf.abs, x], ['softplus', tf.softplus, x], ['elu', tf.elu, x],
          ['step', (t) => tf.step(t, 0.3), x], ['selu', tf.selu, x], ['reciprocal', tf.reciprocal, pos],
          ['log', tf.log, pos], ['log1p', tf.log1p, pos], ['sqrt', tf.sqrt, pos], ['rsqrt', tf.rsqrt, pos],
        ];
        for (const [name, f, values] of cases) {
          await compare(`${name} n=${n}`, [input([n], values)], f, 2e-6, 1e-7);
        }
      });

      it('binary ops with broadcasting, comparisons, select', async () => {
        const shapes: Array<[number[], number[]]> = [
          [[7, 5], [7, 5]], [[64, 128], [128]], [[2, 3, 4, 5], [5]], [[2, 3, 4, 5], [1, 3, 1, 5]], [[4, 1], [1, 6]],
          [[3, 1, 5], [3, 4, 1]], [[], [9, 2]], [[9, 2], []], [[600, 70], [600, 1]], [[1], [1]], [[2, 1, 3, 1, 2], [1, 4, 1, 5, 1]],
        ];
        const ops: Array<[string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor]> = [
          ['add', tf.add], ['sub', tf.sub], ['mul', tf.mul], ['div', tf.div], ['maximum', tf.maximum], ['minimum', tf.minimum],
          ['squaredDifference', tf.squaredDifference], ['greater', tf.greater], ['greaterEqual', tf.greaterEqual], ['less', tf.less],
          ['lessEqual', tf.lessEqual], ['equal', tf.equal], ['notEqual', tf.notEqual],
        ];
        for (const [as, bs] of shapes) {
          const av = rand(size(as)), bv = rand(size(bs));
          if (bv.length > 2) bv[1] = av[1 % av.length]; // some equal pairs
          for (const [name, f] of ops) await compare(`${name} ${JSON.stringify(as)} ${JSON.stringify(bs)}`, [input(as, av), input(bs, bv)], f);
        }
        await compare('prelu', [input([40, 7], rand(280)), input([7], rand(7))], (x, a) => tf.prelu(x, a));
        const c = new Uint8Array(300).map(() => (rng.uniform() < 0.5 ? 1 : 0));
        await compare('where', [input([30, 10], c, 'bool'), input([30, 10], rand(300)), input([30, 10], rand(300))], (cc, a, b) => tf.where(cc, a, b));
        for (const [shape, reps] of [[[3, 1, 5], [2, 4, 1]], [[64, 1], [1, 130]], [[2, 3, 4], [3, 2, 2]], [[7], [5]]] as Array<[number[], number[]]>) {
          await compare(`tile ${shape} ${reps}`, [input(shape, rand(size(shape)))], (t) => tf.tile(t, reps));
        }
        await compare('tile int32', [input([4, 3], Int32Array.from({ length: 12 }, (_, i) => i), 'int32')], (t) => tf.tile(t, [2, 3]));
        await compare('addN', [input([5, 7], rand(35)), input([5, 7], rand(35)), input([5, 7], rand(35))], (a, b, c2) => tf.addN([a, b, c2]));
      });

      it('reductions over contiguous and scattered axes, keepDims', async () => {
        const shape = [3, 40, 7, 33];
        const x = rand(size(shape), -2, 3);
        const axesList: Array<number | number[]> = [0, 1, 2, 3, -1, [0, 1, 2], [1, 2], [0, 1, 2, 3], [0, 3], [2, 3]];
        for (const axis of axesList) {
          for (const keep of [false, true]) {
            for (const [name, f] of [['sum', tf.sum], ['mean', tf.mean], ['max', tf.max], ['min', tf.min]] as const) {
              await compare(`${name} axis=${JSON.stringify(axis)} keep=${keep}`, [input(shape, x)], (t) => f(t, axis, keep));
            }
          }
        }
        await compare('sum 2^17', [input([1 << 17], rand(1 << 17))], (t) => tf.sum(t));
        await compare('moments', [input([64, 7, 7, 128], rand(64 * 49 * 128))], (t) => { const m = tf.moments(t, [0, 1, 2]); return [m.mean, m.variance]; });
      });

      it('zerosLike, onesLike, fill (pooled buffers are overwritten, not reused as they are)', async () => {
        for (const shape of [[3], [64, 300], [2, 5, 7, 11]]) {
          const x = input(shape, rand(size(shape)));
          // a same-sized output first, so the constant lands in a reused (dirty) buffer
          await compare(`zerosLike ${shape}`, [x], (t) => { tf.neg(t).dispose(); return tf.zerosLike(t); });
          await compare(`onesLike ${shape}`, [x], (t) => { tf.neg(t).dispose(); return tf.onesLike(t); });
          await compare(`fill ${shape}`, [x], (t) => { tf.neg(t).dispose(); return tf.add(tf.fill(shape, 2.5), t); });
        }
      });

      it('batch norm: with and without offset and scale', async () => {
        for (const shape of [[64, 7, 7, 13], [32, 300], [5, 3, 3, 1]]) {
          const c = shape[shape.length - 1];
          const inputs = [input(shape, rand(size(shape), -3, 3)), input([c], rand(c)), input([c], rand(c, 0.1, 2)), input([c], rand(c)), input([c], rand(c))];
          await compare(`batchNorm ${shape}`, inputs, (x, m, v, o, s) => tf.batchNorm(x, m, v, o, s, 1e-3));
          await compare(`batchNorm bare ${shape}`, inputs, (x, m, v) => tf.batchNorm(x, m, v, undefined, undefined, 1e-5));
        }
      });
    });
  }

  it('every instruction set gives the same answers (GEMM, conv, transcendental ops)', async () => {
    setNativeThreads(2);
    for (const isa of supportedIsas()) {
      setNativeIsa(isa);
      const a = rand(37 * 129), b = rand(129 * 70);
      await compare(`${isa} matMul`, [input([37, 129], a), input([129, 70], b)], (p, q) => tf.matMul(p, q));
      // the skinny loops: dot products (n <= 4), combinations of A's columns (n <= 4, A
      // transposed, a depth no multiple of 8), combinations of B's rows (k <= 4); lengths
      // no vector width divides
      await compare(`${isa} matMul n=3`, [input([50, 77], rand(50 * 77)), input([77, 3], rand(77 * 3))], (p, q) => tf.matMul(p, q));
      await compare(`${isa} matMul n=2 ta`, [input([37, 301], rand(37 * 301)), input([37, 2], rand(74))], (p, q) => tf.matMul(p, q, true));
      await compare(`${isa} matMul k=3`, [input([130, 3], rand(390)), input([3, 71], rand(213))], (p, q) => tf.matMul(p, q));
      const xs = [2, 9, 9, 5], fs = [3, 3, 5, 11];
      const xv = rand(size(xs)), fv = rand(size(fs));
      await compare(`${isa} conv2d`, [input(xs, xv), input(fs, fv)], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'));
      // Winograd's filter is packed for the instruction set's GEMM strip width; the input
      // gradient's four phases at once put groups of 36 columns at offsets no strip width divides
      const wx = [16, 16, 16, 32], wf = [4, 4, 32, 40], wxv = rand(size(wx)), wfv = rand(size(wf));
      await compare(`${isa} winograd conv2d`, [input(wx, wxv), input(wf, wfv)], (x, f) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, 2, 'same'));
      const dxs = [16, 14, 14, 36], dfs = [4, 4, 36, 32], dys = [16, 7, 7, 32];
      await compare(`${isa} winograd Conv2DBackpropInput`, [input(dys, rand(size(dys))), input(dfs, rand(size(dfs)))], (dy, filter) =>
        tf.engine().runKernel(tf.Conv2DBackpropInput, { dy, filter }, { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: dxs }) as tf.Tensor);
      const v = rand(5000, -20, 20);
      for (const [name, f] of [['tanh', tf.tanh], ['sigmoid', tf.sigmoid], ['exp', tf.exp]] as const) {
        await compare(`${isa} ${name}`, [input([5000], v)], f, 2e-6, 1e-7);
      }
    }
  });

  it('first and second order gradients through conv, batch norm and leaky ReLU match', async () => {
    setNativeThreads(2);
    const xs = [3, 8, 8, 2], fs = [4, 4, 2, 6];
    const inputs = [input(xs, rand(size(xs))), input(fs, rand(size(fs))), input([6], rand(6)), input([6 * 16, 1], rand(96))];
    await compare('conv net gradients', inputs, (x, f, bias, w) => {
      const loss = (xx: tf.Tensor, ff: tf.Tensor) => {
        const y = tf.leakyRelu(tf.add(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, 2, 'same'), bias), 0.2);
        const m = tf.moments(y, [0, 1, 2]);
        const z = tf.div(tf.sub(y, m.mean), tf.sqrt(tf.add(m.variance, 1e-5)));
        return tf.sum(tf.sigmoid(tf.matMul(tf.reshape(z, [3, 96]), w)));
      };
      const [gx, gf] = tf.grads(loss)([x, f]);
      return [gx, gf];
    }, 1e-3, 1e-5);
    // WGAN-GP: gradient of a gradient norm through a ReLU MLP
    const inputs2 = [input([16, 2], rand(32)), input([2, 32], rand(64)), input([32, 1], rand(32))];
    await compare('gradient penalty', inputs2, (x, w1, w2) => {
      const critic = (xx: tf.Tensor, a: tf.Tensor, b: tf.Tensor) => tf.matMul(tf.relu(tf.matMul(xx, a)), b);
      const penalty = (a: tf.Tensor, b: tf.Tensor) => {
        const g = tf.grad((xx: tf.Tensor) => tf.sum(critic(xx, a, b)))(x);
        return tf.mean(tf.square(tf.sub(tf.sqrt(tf.sum(tf.square(g), 1)), 1)));
      };
      return tf.grads(penalty)([w1, w2]);
    }, 1e-3, 1e-5);
  });
});
