import * as tfl from '@tensorflow/tfjs-layers';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MetricError } from './errors.js';
import { folderLoadHandler } from './classifier.js';
import { extractFeatures, type FeatureExtractor } from './feature-model.js';

/**
 * The avatar attribute classifier: a small CNN trained by scripts/train-avatar-classifier.ts
 * on the bundled avatars' own tags, to score colour samples of avatar runs (features for
 * Fréchet/KID/PR, and the share of samples that show a tag).
 */
export const AVATAR_CLASSIFIER_INPUT = [32, 32, 3] as const;
export const AVATAR_HAIR = ['red', 'orange', 'blonde', 'brown', 'black', 'grey', 'green', 'blue', 'pink', 'purple'] as const;
export const AVATAR_SKIN = ['pale', 'light', 'brown', 'dark'] as const;
/** The classifier's outputs, in order: one sigmoid per attribute tag. */
export const AVATAR_ATTRIBUTES = [...AVATAR_HAIR.map((c) => `${c} hair`), ...AVATAR_SKIN.map((s) => `${s} skin`), 'glasses', 'long hair'];
/** Groups scored as one choice (argmax) rather than as yes/no. */
export const ATTRIBUTE_GROUPS: Record<string, number[]> = {
  'hair colour': AVATAR_HAIR.map((_, i) => i),
  'skin tone': AVATAR_SKIN.map((_, i) => AVATAR_HAIR.length + i),
  glasses: [AVATAR_ATTRIBUTES.indexOf('glasses')],
  'hair length': [AVATAR_ATTRIBUTES.indexOf('long hair')],
};
export const AVATAR_FEATURE_DIM = 128;

export function buildAvatarClassifierNet(seed: number): tfl.LayersModel {
  const init = (k: number) => tfl.initializers.heNormal({ seed: seed * 16 + k });
  const m = tfl.sequential({ name: 'avatar_attributes' });
  m.add(tfl.layers.conv2d({ inputShape: [...AVATAR_CLASSIFIER_INPUT], filters: 32, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(0) }));
  m.add(tfl.layers.conv2d({ filters: 64, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(1) }));
  m.add(tfl.layers.conv2d({ filters: 128, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu', kernelInitializer: init(2) }));
  m.add(tfl.layers.flatten());
  m.add(tfl.layers.dense({ name: 'features', units: AVATAR_FEATURE_DIM, activation: 'relu', kernelInitializer: init(3) }));
  m.add(tfl.layers.dense({ name: 'attributes', units: AVATAR_ATTRIBUTES.length, activation: 'sigmoid', kernelInitializer: tfl.initializers.glorotUniform({ seed: seed * 16 + 4 }) }));
  return m;
}

/** The 0/1 targets of one avatar from its tag names. */
export function attributeTargets(tags: readonly string[]): Float32Array {
  const set = new Set(tags);
  return Float32Array.from(AVATAR_ATTRIBUTES, (a) => (set.has(a) ? 1 : 0));
}

/** Per group, the share of rows where the prediction matches: argmax for choices, p > 0.5 for yes/no. */
export function attributeAccuracy(probs: Float32Array, targets: Float32Array): Record<string, number> {
  const w = AVATAR_ATTRIBUTES.length;
  const n = probs.length / w;
  const out: Record<string, number> = {};
  for (const [group, cols] of Object.entries(ATTRIBUTE_GROUPS)) {
    let right = 0;
    for (let i = 0; i < n; i++) {
      if (cols.length === 1) {
        right += Number((probs[i * w + cols[0]] > 0.5) === (targets[i * w + cols[0]] > 0.5));
      } else {
        const arg = (a: Float32Array) => cols.reduce((best, c) => (a[i * w + c] > a[i * w + best] ? c : best), cols[0]);
        right += Number(arg(probs) === arg(targets));
      }
    }
    out[group] = right / n;
  }
  return out;
}

export function avatarClassifierDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'assets', 'avatar-classifier');
    if (existsSync(join(candidate, 'model.json'))) return candidate;
    dir = dirname(dir);
  }
  throw new MetricError('the avatar classifier weights (assets/avatar-classifier/model.json) are missing; run `npx tsx scripts/train-avatar-classifier.ts` in the repository');
}

export interface AvatarClassifier {
  model: tfl.LayersModel;
  /** The 128 features, as a FeatureExtractor for the Fréchet/KID/PR metrics. */
  features: FeatureExtractor;
  record: Record<string, unknown>;
}

let cached: Promise<AvatarClassifier> | null = null;

export function loadAvatarClassifier(): Promise<AvatarClassifier> {
  cached ??= (async () => {
    const dir = avatarClassifierDir();
    const model = await tfl.loadLayersModel(folderLoadHandler(dir));
    const featureModel = tfl.model({ inputs: model.inputs, outputs: model.getLayer('features').output as tfl.SymbolicTensor });
    const record = JSON.parse(readFileSync(join(dir, 'record.json'), 'utf8')) as Record<string, unknown>;
    return { model, record, features: { name: 'gankit avatar classifier', model: featureModel, inputShape: [...AVATAR_CLASSIFIER_INPUT], featureDim: AVATAR_FEATURE_DIM, range: [0, 1] } };
  })();
  cached.catch(() => (cached = null));
  return cached;
}

/** Attribute probabilities of NHWC images in [0, 1] (any size; resized to the classifier's 32×32). */
export function avatarAttributes(c: AvatarClassifier, images: Float32Array, shape: readonly [number, number, number]): Float32Array {
  return extractFeatures({ ...c.features, model: c.model, featureDim: AVATAR_ATTRIBUTES.length }, images, shape);
}

/** The share of images the classifier gives `attribute` (argmax within its group for colours and tones). */
export function attributeShare(probs: Float32Array, attribute: string): number {
  const col = AVATAR_ATTRIBUTES.indexOf(attribute);
  if (col < 0) throw new MetricError(`the avatar classifier knows no '${attribute}'; it knows: ${AVATAR_ATTRIBUTES.join(', ')}`);
  const w = AVATAR_ATTRIBUTES.length;
  const group = Object.values(ATTRIBUTE_GROUPS).find((g) => g.includes(col)) as number[];
  const n = probs.length / w;
  let hits = 0;
  for (let i = 0; i < n; i++) {
    const best = group.reduce((b, c) => (probs[i * w + c] > probs[i * w + b] ? c : b), group[0]);
    hits += Number(group.length === 1 ? probs[i * w + col] > 0.5 : best === col);
  }
  return hits / n;
}

