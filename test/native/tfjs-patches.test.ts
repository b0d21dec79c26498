// The native backend's TF.js patches apply only to the TF.js they were written for.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { initBackend } from '../../src/backend/index.js';
import { PATCHED_TFJS, patchMismatch, runningTfjs, tfjsPatchesApplied } from '../../src/native/tfjs-patches.js';

test('the running TF.js is the patched one, so the patches are on', async () => {
  assert.deepEqual(runningTfjs(), { core: tf.version_core, layers: tfl.version_layers });
  assert.equal(patchMismatch(), null);
  const choice = await initBackend('auto');
  if (choice.name === 'native') assert.equal(tfjsPatchesApplied(), true);
});

test('another TF.js version turns them off with a one-line notice naming both versions', () => {
  const notice = patchMismatch({ core: '4.23.0', layers: PATCHED_TFJS.layers });
  assert.ok(notice !== null && !notice.includes('\n'));
  assert.match(notice!, /TF\.js 4\.23\.0.*not the 4\.22\.0.*off/);
  assert.notEqual(patchMismatch({ core: PATCHED_TFJS.core, layers: '5.0.0' }), null);
});
