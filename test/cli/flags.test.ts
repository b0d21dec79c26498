import { test } from 'node:test';
import assert from 'node:assert/strict';
import { configFromFlags, DEFAULT_TRAIN } from '../../src/cli/train.js';
import { UsageError } from '../../src/cli/errors.js';

test('no flags: the bundled default (DCGAN on the bundled MNIST digits)', () => {
  assert.deepEqual(configFromFlags({}), DEFAULT_TRAIN);
  assert.equal(DEFAULT_TRAIN.model, 'dcgan');
  assert.equal(DEFAULT_TRAIN.data, 'mnist');
});

test('flags map onto the config; learning rates keep the loss default optimizer type', () => {
  const c = configFromFlags({ data: 'ring8', model: 'mlp', loss: 'wgan', 'critic-steps': '3', 'lr-d': '1e-4', batch: '32', hidden: '64,32', 'label-smoothing': '0.9' });
  assert.equal(c.criticSteps, 3);
  assert.equal(c.batchSize, 32);
  assert.deepEqual(c.hidden, [64, 32]);
  assert.equal(c.realLabel, 0.9);
  assert.equal(c.optimizerD?.type, 'rmsprop', 'WGAN trains with RMSProp');
  assert.equal(c.optimizerD?.learningRate, 1e-4);
  assert.equal(c.optimizerG?.learningRate, 5e-5, 'G keeps the WGAN default');
});

test('--option KEY=VALUE parses JSON values, keeps text, and --ttur records its optimizers', () => {
  const c = configFromFlags({ data: 'mnist', option: ['emaDecay=0.999', 'spectralNorm=true', 'diffAugment=color,translation'], ttur: true });
  assert.deepEqual(c.options, { emaDecay: 0.999, spectralNorm: true, diffAugment: 'color,translation' });
  assert.equal(c.optimizerG?.learningRate, 1e-4);
  assert.equal(c.optimizerD?.learningRate, 4e-4);
  assert.throws(() => configFromFlags({ option: ['emaDecay'] }), (e: Error) => e instanceof UsageError && /KEY=VALUE/.test(e.message));
  assert.throws(() => configFromFlags({ ttur: true, 'lr-g': '1e-3' }), UsageError);
});
