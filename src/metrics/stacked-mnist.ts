import { MetricError } from './errors.js';
import { argmaxRows, classifierProbs, loadFeatureClassifier, type FeatureClassifier } from './classifier.js';
import { STACKED_MNIST_MODES } from '../data/stacked-mnist.js';

export interface StackedMnistModes {
  n: number;
  /** Modes (digit triples) with at least one sample, out of 1,000. */
  modesCovered: number;
  numModes: number;
  /** KL(p_modes ‖ uniform over the 1,000 modes), in nats. */
  klToUniform: number;
  /** Samples per mode 100·r + 10·g + b. */
  counts: Int32Array;
  warnings: string[];
}

/**
 * The Stacked-MNIST mode metrics of VEEGAN (Srivastava et al. 2017) and PacGAN (Lin et
 * al. 2018): each channel of each image is classified by gankit's MNIST classifier; the
 * digit triple is the mode; report the modes covered and KL(mode histogram ‖ uniform).
 * The papers score 26,000 samples. With N samples even perfect data has a plug-in KL
 * floor (≈ 0.57 at N = 1,000, ≈ 0.02 at 26,000) and covers about 1000·(1 − e^(−N/1000))
 * modes, so compare numbers only at equal N.
 *
 * @param images NHWC [N, 28, 28, 3] with pixels in [0, 1]
 */
export async function stackedMnistModes(images: Float32Array, opts: { classifier?: FeatureClassifier } = {}): Promise<StackedMnistModes> {
  const per = 28 * 28 * 3;
  if (images.length % per !== 0) throw new MetricError(`Stacked MNIST images must be NHWC [N, 28, 28, 3]; got ${images.length} numbers`);
  const n = images.length / per;
  if (n === 0) throw new MetricError('Stacked MNIST modes need at least one image');
  const classifier = opts.classifier ?? (await loadFeatureClassifier());
  // Split the channels into 3N grey images, channel-major within each image.
  const grey = new Float32Array(n * 3 * 784);
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < 3; c++) {
      const dst = (i * 3 + c) * 784;
      for (let p = 0; p < 784; p++) grey[dst + p] = images[i * per + p * 3 + c];
    }
  }
  const digits = argmaxRows(classifierProbs(classifier, grey));
  const counts = new Int32Array(STACKED_MNIST_MODES);
  for (let i = 0; i < n; i++) counts[100 * digits[3 * i] + 10 * digits[3 * i + 1] + digits[3 * i + 2]]++;
  let modesCovered = 0;
  let kl = 0;
  for (const c of counts) {
    if (c === 0) continue;
    modesCovered++;
    const p = c / n;
    kl += p * Math.log(p * STACKED_MNIST_MODES);
  }
  const warnings: string[] = [];
  if (n < 26000) {
    warnings.push(`N = ${n} < 26,000 (the VEEGAN/PacGAN protocol): modes covered and KL are not comparable with the papers' tables; even real data scores about ${Math.round(1000 * (1 - Math.exp(-n / 1000)))} modes here`);
  }
  return { n, modesCovered, numModes: STACKED_MNIST_MODES, klToUniform: kl, counts, warnings };
}
