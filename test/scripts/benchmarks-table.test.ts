import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, formatMeanStd, HAND_MEASURED_MARKER, keepHandMeasured } from '../../scripts/benchmarks-table.js';

test('aggregate: mean and sample (n − 1) standard deviation', () => {
  const a = aggregate([6, 7, 8]);
  assert.equal(a.mean, 7);
  assert.equal(a.std, 1); // population std would be 0.816
  assert.equal(a.n, 3);
});

test('aggregate: non-finite values are left out; a single value has std 0; empty throws', () => {
  assert.deepEqual(aggregate([2, Number.NaN, 4]), { mean: 3, std: Math.SQRT2, n: 2 });
  assert.deepEqual(aggregate([5]), { mean: 5, std: 0, n: 1 });
  assert.throws(() => aggregate([Number.NaN]), /at least one finite value/);
});

test('formatMeanStd: digits, percentage scale, no ± for one seed', () => {
  assert.equal(formatMeanStd(aggregate([0.95, 0.97]), 1, 100), '96.0 ± 1.4');
  assert.equal(formatMeanStd(aggregate([7, 8, 8]), 1), '7.7 ± 0.6');
  assert.equal(formatMeanStd(aggregate([0.123456]), 3), '0.123');
});

test('keepHandMeasured: a regenerated BENCHMARKS.md keeps the hand-measured tail, word for word', () => {
  const tail = `${HAND_MEASURED_MARKER}\n\n## Text GANs\n\n| run | JS4 |\n`;
  const old = `# gankit benchmarks\n\nold tables\n\n${tail}`;
  assert.equal(keepHandMeasured('# gankit benchmarks\n\nnew tables\n', old), `# gankit benchmarks\n\nnew tables\n\n${tail}`);
  assert.equal(keepHandMeasured('new\n', 'old, no marker\n'), 'new\n');
  assert.equal(keepHandMeasured('new\n', null), 'new\n');
});
