import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evaluateOnGrid,
  gridAround,
  jsDivergenceOnGrid,
  jsFromDiscriminator,
  jsFromDiscriminatorSamples,
  kdeDensity,
  mixtureDensity,
  optimalDiscriminator,
  scottBandwidth,
  type Grid2D,
} from '../../src/metrics/divergence.js';
import { gaussianMixture, ring8 } from '../../src/data/mixtures.js';
import { Rng } from '../../src/train/rng.js';

const box: Grid2D = { xMin: -3, xMax: 3, yMin: -3, yMax: 3, nx: 240, ny: 240 };

test('identical densities give JS 0; far-apart ones give log 2', () => {
  const p = evaluateOnGrid(mixtureDensity([[0, 0]], 0.4), box);
  assert.ok(jsDivergenceOnGrid(p, p, box).js < 1e-12);
  const left = evaluateOnGrid(mixtureDensity([[-2, 0]], 0.2), box);
  const right = evaluateOnGrid(mixtureDensity([[2, 0]], 0.2), box);
  const r = jsDivergenceOnGrid(left, right, box);
  assert.equal(r.max, Math.LN2);
  assert.ok(Math.abs(r.js - Math.LN2) < 1e-6, `JS ${r.js}`);
  assert.ok(r.massInsideP > 0.999 && r.massInsideQ > 0.999);
});

test('the value implied by D* equals the numeric JS; any other D implies less', () => {
  const data = ring8();
  const pData = evaluateOnGrid(mixtureDensity(data.modes, 0.1), box);
  // A generator that covers only 3 of the 8 modes, a little wide.
  const pG = evaluateOnGrid(mixtureDensity(data.modes.slice(0, 3), 0.15), box);
  const numeric = jsDivergenceOnGrid(pData, pG, box).js;
  assert.ok(numeric > 0.2 && numeric < Math.LN2);
  const dStar = optimalDiscriminator(pData, pG);
  assert.ok(Math.abs(jsFromDiscriminator(dStar, pData, pG, box) - numeric) < 1e-9);
  // A discriminator that knows nothing (D = ½) implies 0; a perturbed D* implies less than JS.
  assert.ok(Math.abs(jsFromDiscriminator(new Float64Array(dStar.length).fill(0.5), pData, pG, box)) < 1e-12);
  const off = Float64Array.from(dStar, (d) => 0.8 * d + 0.1);
  assert.ok(jsFromDiscriminator(off, pData, pG, box) < numeric);
});

test('the sample estimate of the implied JS with D* agrees with the grid value', () => {
  const rng = new Rng(21);
  const real = gaussianMixture('a', [[0, 0]], 0.5);
  const fake = gaussianMixture('b', [[0.8, 0]], 0.5);
  const pDataF = mixtureDensity(real.modes, real.std);
  const pGF = mixtureDensity(fake.modes, fake.std);
  const dStar = (x: number, y: number) => pDataF(x, y) / (pDataF(x, y) + pGF(x, y));
  const numeric = jsDivergenceOnGrid(evaluateOnGrid(pDataF, box), evaluateOnGrid(pGF, box), box).js;
  const xr = real.sample(20000, rng).x;
  const xf = fake.sample(20000, rng).x;
  const onReal = Array.from({ length: 20000 }, (_, i) => dStar(xr[2 * i], xr[2 * i + 1]));
  const onFake = Array.from({ length: 20000 }, (_, i) => dStar(xf[2 * i], xf[2 * i + 1]));
  const estimate = jsFromDiscriminatorSamples(onReal, onFake);
  assert.ok(Math.abs(estimate - numeric) < 0.01, `${estimate} vs ${numeric}`);
});

test('a KDE of real samples is close to the true density; of collapsed samples far from it', () => {
  const data = gaussianMixture('two', [[-1, 0], [1, 0]], 0.3);
  const rng = new Rng(4);
  const x = data.sample(1000, rng).x;
  const grid = gridAround(x, 1, 80);
  const truth = evaluateOnGrid(mixtureDensity(data.modes, data.std), grid);
  const h = scottBandwidth(x);
  assert.ok(h > 0 && h < 1);
  const good = jsDivergenceOnGrid(truth, evaluateOnGrid(kdeDensity(x, 0.15), grid), grid).js;
  const collapsed = gaussianMixture('one', [[-1, 0]], 0.3).sample(1000, rng).x;
  const bad = jsDivergenceOnGrid(truth, evaluateOnGrid(kdeDensity(collapsed, 0.15), grid), grid).js;
  assert.ok(good < 0.02, `good ${good}`);
  assert.ok(bad > 0.15, `bad ${bad}`);
});
