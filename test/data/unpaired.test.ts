import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dilate, isUnpaired, meanInk, thickDigitsDataset, unpairedDigits } from '../../src/data/unpaired.js';
import { mnistDataset } from '../../src/data/mnist.js';
import { Rng } from '../../src/train/rng.js';

test('dilation is a 3×3 max filter: one lit pixel becomes a 3×3 square, clipped at the border', () => {
  const img = new Float32Array(5 * 5);
  img[2 * 5 + 2] = 1; // centre
  img[0] = 0.5; // corner
  const out = dilate(img, 1, 5, 5, 1);
  const expected = [
    0.5, 0.5, 0, 0, 0,
    0.5, 1, 1, 1, 0,
    0, 1, 1, 1, 0,
    0, 1, 1, 1, 0,
    0, 0, 0, 0, 0,
  ];
  assert.deepEqual(Array.from(out), expected);
});

test('the unpaired domains share no digit, and B has the thicker strokes', () => {
  const d = unpairedDigits();
  assert.ok(isUnpaired(d));
  assert.ok(!isUnpaired(mnistDataset()));
  assert.equal(d.domainA.size, 5000);
  assert.equal(d.domainB.size, 5000);
  // Thickening the A images never gives a B image: B was built from the other half.
  const thickAll = thickDigitsDataset();
  const per = 784;
  const firstB = d.domainB.x.subarray(0, per);
  const thickOfA0 = thickAll.x.subarray(0, per); // digit 0 of the bundled set is A's first image
  assert.ok(firstB.some((v, i) => v !== thickOfA0[i]));
  assert.deepEqual(Array.from(thickAll.x.subarray(per, 2 * per)), Array.from(firstB), 'B[0] is bundled digit 1, thickened');
  const inkA = meanInk(d.domainA.sample(500, new Rng(1)).x);
  const inkB = meanInk(d.domainB.sample(500, new Rng(2)).x);
  assert.ok(inkB > 1.6 * inkA, `ink A ${inkA.toFixed(3)}, B ${inkB.toFixed(3)}`);
  // Independent draws: A's sample() is domain A.
  assert.deepEqual(Array.from(d.sample(2, new Rng(3)).x), Array.from(d.domainA.sample(2, new Rng(3)).x));
});
