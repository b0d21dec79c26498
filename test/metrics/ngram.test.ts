import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jensenShannon, ngramDistribution, ngramJensenShannon, textMetrics } from '../../src/metrics/ngram.js';

test('n-gram distribution counts grams inside each sequence', () => {
  const p = ngramDistribution(['abab', 'b'], 2);
  assert.deepEqual([...p.entries()].sort(), [['ab', 2 / 3], ['ba', 1 / 3]]);
});

test('JS divergence: 0 for identical, ln 2 for disjoint, the closed form in between', () => {
  assert.equal(ngramJensenShannon(['hello', 'world'], ['world', 'hello'], 2), 0);
  assert.ok(Math.abs(ngramJensenShannon(['aaaa'], ['bbbb'], 1) - Math.LN2) < 1e-12);
  // Words too short for any n-gram: nothing on either side is equal, on one side only is disjoint.
  assert.equal(ngramJensenShannon(['ab'], ['cd'], 3), 0);
  assert.equal(ngramJensenShannon(['ab'], ['abc'], 3), Math.LN2);
  // P = (1/2, 1/2), Q = (1, 0): JS = ½·[½ln(½/¾) + ½ln(½/¼)] + ½·ln(1/¾)
  const expected = 0.5 * (0.5 * Math.log(0.5 / 0.75) + 0.5 * Math.log(0.5 / 0.25)) + 0.5 * Math.log(1 / 0.75);
  const js = jensenShannon(new Map([['a', 0.5], ['b', 0.5]]), new Map([['a', 1]]));
  assert.ok(Math.abs(js - expected) < 1e-12, `${js} vs ${expected}`);
});

test('text metrics: real-word shares split generalisation from copying; distinct counts', () => {
  const m = textMetrics(['cat', 'cat', 'dog', 'xqz'], { train: ['cat'], heldOut: ['dog', 'cow'] });
  assert.equal(m.train_word_share, 0.5);
  assert.equal(m.held_out_word_share, 0.25);
  assert.equal(m.distinct, 3);
  assert.equal(m.samples, 4);
  assert.ok(m.js1 > 0 && m.js1 < Math.LN2);
});
