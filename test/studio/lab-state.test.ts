import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_LINK_POINTS, decodePoints, encodePoints, hasLabState, readState, writeState, type LabState } from '../../studio/lab-state.js';
import { DEFAULT_STATE, PRESETS, smileyPoints } from '../../studio/lab-presets.js';
import { resolveConfig } from '../../src/train/config.js';

const custom: LabState = {
  ...DEFAULT_STATE,
  data: 'drawn',
  loss: 'wgan-gp',
  dSteps: 4,
  gSteps: 2,
  optimizer: 'sgd',
  lrG: 0.02,
  lrD: 0.005,
  batch: 96,
  hiddenG: '32,16',
  hiddenD: '48',
  gp: 0.5,
  seed: 17,
  noise: 'uniform',
  noiseDim: 1,
  points: [
    [0.5, -1.25],
    [-2, 2],
    [1.999, 0],
  ],
};

test('a link carries the whole state, and reading it gives it back', () => {
  const params = new URLSearchParams('backend=wasm');
  assert.equal(hasLabState(params), false);
  assert.deepEqual(writeState(custom, params), { note: null });
  assert.equal(params.get('backend'), 'wasm', 'other keys stay');
  assert.ok(hasLabState(params));
  const url = `http://127.0.0.1/?${params}`;
  const { state, problems } = readState(new URL(url).searchParams, DEFAULT_STATE);
  assert.deepEqual(problems, []);
  const { points, ...rest } = state;
  const { points: want, ...wantRest } = custom;
  assert.deepEqual(rest, wantRest);
  assert.equal(points.length, want.length);
  // 4096 levels over [−2, 2]: within half a level.
  points.forEach((p, i) => p.forEach((v, j) => assert.ok(Math.abs(v - want[i][j]) <= 2 / 4095 + 1e-12, `${v} vs ${want[i][j]}`)));
});

test('points encode in 4 characters each and survive a second round trip unchanged', () => {
  const pts = smileyPoints();
  const s = encodePoints(pts);
  assert.equal(s.length, pts.length * 4);
  assert.equal(encodePoints(decodePoints(s)), s);
  assert.throws(() => decodePoints('abc'), /not in the link/);
  assert.throws(() => decodePoints('ab$d'), /not in the link/);
});

test('a bad value keeps the lab’s own and says which', () => {
  const { state, problems } = readState(new URLSearchParams('loss=magic&d=0&lrg=abc&hg=1,,2&batch=64&noise=3-gaussian'), DEFAULT_STATE);
  assert.equal(state.loss, DEFAULT_STATE.loss);
  assert.equal(state.dSteps, DEFAULT_STATE.dSteps);
  assert.equal(state.lrG, DEFAULT_STATE.lrG);
  assert.equal(state.hiddenG, DEFAULT_STATE.hiddenG);
  assert.equal(state.batch, 64);
  assert.equal(problems.length, 5);
  assert.match(problems.join('\n'), /loss=magic is not one of minimax/);
  assert.match(problems.join('\n'), /d=0 is not a whole number from 1 to 50/);
});

test('a drawing too large for a link is left out, and the link says so', () => {
  const big: LabState = { ...custom, points: Array.from({ length: MAX_LINK_POINTS + 1 }, (_, i) => [Math.cos(i), Math.sin(i)] as [number, number]) };
  const params = new URLSearchParams();
  const { note } = writeState(big, params);
  assert.match(note ?? '', /1501 points, more than a link carries \(1500\)/);
  assert.equal(params.has('pts'), false);
  const { state, problems } = readState(params, DEFAULT_STATE);
  assert.equal(state.points.length, 0);
  assert.match(problems[0], /carries no points/);
});

test('every preset is a valid lab: its config resolves, its link round-trips', () => {
  assert.deepEqual(PRESETS.map((p) => p.id), ['ring8-collapse', 'wgan-gp-rescue', 'wgan-gp-trained', 'grid25', 'smiley']);
  for (const p of PRESETS) {
    assert.doesNotMatch(p.blurb, /TODO/);
    const s = p.state;
    resolveConfig({ data: s.data === 'drawn' ? 'ring8' : s.data, model: 'mlp', loss: { type: s.loss }, criticSteps: s.dSteps, batchSize: s.batch, seed: s.seed }, 'points');
    const params = new URLSearchParams();
    assert.equal(writeState(s, params).note, null, `${p.id} fits in a link`);
    const back = readState(params, DEFAULT_STATE);
    assert.deepEqual(back.problems, []);
    assert.equal(back.state.points.length, s.points.length);
    assert.equal(back.state.loss, s.loss);
  }
});
