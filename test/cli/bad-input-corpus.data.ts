import { PNG } from 'pngjs';
import { encodeNpy } from '../../src/io/npy.js';
import { encodeIdx } from '../../src/data/idx.js';

/**
 * The bad-input corpus: each row is a command line (or a file it reads), the exit code it
 * must give, and a phrase its one-line message must contain. `$T` is a fresh temp folder
 * per row; `$RUN` a fresh copy there of a tiny trained ring8 run (2 steps, checkpoint at
 * step 2), which `damage` may break first. `files` are written under $T before the run.
 * Add a row whenever a flag or a loader is added.
 */
export interface BadInput {
  args: string[];
  code: number;
  phrase: string;
  files?: Record<string, string | Uint8Array | { dir: true }>;
  /** Changes to the copied run: a path under $RUN to delete (null) or overwrite. */
  damage?: Record<string, string | null>;
}

const npy = (shape: number[], values: number[]) => encodeNpy({ shape, data: Float32Array.from(values) });
/** A float32 .npy whose header says `shape` verbatim (to write impossible shapes). */
function npyWithShape(shape: string): Uint8Array {
  const good = Buffer.from(npy([1, 2], [0, 0]));
  const text = good.toString('latin1').replace("'shape': (1, 2)", `'shape': ${shape}`);
  return Buffer.from(text, 'latin1');
}
const points = npy([4, 2], [0, 0, 1, 1, 2, 2, 3, 3]);
/** A black w×h PNG. */
function tinyPng(w: number, h: number): Uint8Array {
  const p = new PNG({ width: w, height: h });
  for (let i = 0; i < w * h; i++) p.data.set([0, 0, 0, 255], i * 4);
  return new Uint8Array(PNG.sync.write(p));
}
const CK = 'checkpoints/step-000002';

export const BAD_INPUTS: BadInput[] = [
  // train: counts and sizes
  { args: ['train', '--data', 'ring8', '--steps', '1e12'], code: 2, phrase: '--steps must be a whole number ≥ 1 written in digits' },
  { args: ['train', '--data', 'ring8', '--steps', '1000000000000'], code: 2, phrase: 'more than 10,000,000 steps' },
  { args: ['train', '--data', 'ring8', '--steps', '0x10'], code: 2, phrase: 'written in digits' },
  { args: ['train', '--data', 'ring8', '--steps', '2.5'], code: 2, phrase: 'written in digits' },
  { args: ['train', '--data', 'ring8', '--batch', '1e9'], code: 2, phrase: '--batch must be a whole number' },
  { args: ['train', '--data', 'ring8', '--batch', '1000000000'], code: 2, phrase: 'does not fit in memory' },
  { args: ['train', '--data', 'ring8', '--critic-steps', '5000'], code: 2, phrase: 'more than 1,000 critic steps' },
  { args: ['train', '--data', 'ring8', '--latent-dim', '100000'], code: 2, phrase: 'more than 65,536' },
  { args: ['train', '--data', 'ring8', '--model', 'mlp', '--hidden', ''], code: 2, phrase: '--hidden takes positive integers' },
  { args: ['train', '--data', 'ring8', '--model', 'mlp', '--hidden', '8,,8'], code: 2, phrase: '--hidden takes positive integers' },
  { args: ['train', '--data', 'ring8', '--model', 'mlp', '--hidden', '1e3'], code: 2, phrase: '--hidden takes positive integers' },
  // train: flags without values
  { args: ['train', '--data', 'ring8', '--steps'], code: 2, phrase: '--steps needs a value' },
  { args: ['train', '--data', 'ring8', '--steps', '--batch', '4'], code: 2, phrase: '--steps needs a value (it is followed by --batch)' },
  { args: ['train', '--data', 'ring8', '--seed', '-1'], code: 2, phrase: 'must be joined to its flag, e.g. --seed=-1' },
  { args: ['train', '--data', 'ring8', '--bogus'], code: 2, phrase: 'unknown flag --bogus' },
  // train: config files
  { args: ['train', '--config', '$T/c.json'], files: { 'c.json': 'null' }, code: 2, phrase: 'must hold a JSON object of settings' },
  { args: ['train', '--config', '$T/c.json'], files: { 'c.json': '[1]' }, code: 2, phrase: 'it holds an array' },
  { args: ['train', '--config', '$T/c.json'], files: { 'c.json': '"ring8"' }, code: 2, phrase: 'it holds a string' },
  { args: ['train', '--config', '$T/c.json'], files: { 'c.json': '{"data": ' }, code: 2, phrase: 'is not valid JSON' },
  // A BOM is stripped, so the file is read: its bad steps is what gets reported.
  { args: ['train', '--config', '$T/c.json'], files: { 'c.json': '\uFEFF{"data": "ring8", "steps": 1e12}' }, code: 1, phrase: 'invalid steps: 1000000000000 is more than 10,000,000' },
  { args: ['train', '--config', '$T/c.json'], files: { 'c.json': '{"data": "ring8", "batchSize": 1000000000}' }, code: 1, phrase: 'invalid batchSize' },
  { args: ['train', '--config', '$T'], code: 2, phrase: 'it is a folder, not a file' },
  { args: ['train', '--config', '$T/none.json'], code: 2, phrase: 'config file not found' },
  // train: where the run goes
  { args: ['train', '--data', 'ring8', '--model', 'mlp', '--out', '/proc/gankit-x'], code: 1, phrase: 'cannot create folder /proc/gankit-x' },
  { args: ['train', '--data', 'ring8', '--model', 'mlp', '--out', '$T/f.txt/run'], files: { 'f.txt': 'x' }, code: 1, phrase: 'f.txt is a file, not a folder' },
  { args: ['train', '--data', 'ring8', '--model', 'mlp', '--out', '$T/f.txt'], files: { 'f.txt': 'x' }, code: 1, phrase: 'is a file, not a folder' },
  { args: ['train', '--data', 'ring8', '--model', 'mlp', '--out', '$RUN'], code: 1, phrase: 'already exists and is not empty' },
  // train: data
  { args: ['train', '--data', 'idx:$T/train-images-idx3-ubyte'], files: { 'train-images-idx3-ubyte': encodeIdx([0, 28, 28], new Uint8Array(0)) }, code: 1, phrase: 'holds 0 images' },
  { args: ['train', '--data', 'idx:$T/f.txt/x'], files: { 'f.txt': 'x' }, code: 1, phrase: 'no such file or folder' },
  { args: ['train', '--data', 'idx:$T'], code: 1, phrase: 'no train-images-idx3-ubyte' },
  { args: ['train', '--data', 'idx:$T/bad'], files: { bad: 'not idx' }, code: 1, phrase: 'not an IDX file' },
  { args: ['train', '--data', 'nope'], code: 1, phrase: "unknown data 'nope'" },
  // train: paired folders (pix2pix)
  { args: ['train', '--variant', 'pix2pix', '--data', 'pairs:$T/a,$T/b'], files: { 'a/x.png': tinyPng(8, 8), 'b/y.png': tinyPng(8, 8) }, code: 1, phrase: 'no image name is in both' },
  { args: ['train', '--variant', 'pix2pix', '--data', 'pairs:$T/a,$T/b,$T/c'], code: 1, phrase: 'pairs: takes two folders with the same file names' },
  { args: ['train', '--variant', 'pix2pix', '--data', 'pairs:$T/a,$T/a'], files: { 'a/x.png': tinyPng(8, 8) }, code: 1, phrase: 'names the same folder twice' },
  { args: ['train', '--variant', 'pix2pix', '--data', 'pairs:$T/a'], files: { 'a/x.png': tinyPng(8, 8) }, code: 1, phrase: '8×8 is not two images side by side' },
  { args: ['train', '--variant', 'pix2pix', '--data', 'pairs:$T/a,$T/none'], files: { 'a/x.png': tinyPng(8, 8) }, code: 1, phrase: 'no such folder' },
  { args: ['train', '--variant', 'pix2pix', '--data', 'avatars:8'], code: 1, phrase: 'use --data avatar-lineart' },
  { args: ['train', '--variant', 'pix2pix', '--data', 'avatar-lineart', '--channels', '3'], code: 1, phrase: 'avatar-lineart takes --resolution, --mirror' },
  // train --resume
  { args: ['train', '--resume', '$RUN'], damage: { checkpoints: null }, code: 1, phrase: 'has no checkpoint to resume from' },
  { args: ['train', '--resume', '$RUN'], damage: { [`${CK}/optimizer`]: null }, code: 1, phrase: 'no saved state for the' },
  { args: ['train', '--resume', '$RUN'], damage: { [`${CK}/trainer.json`]: '{"step": ' }, code: 1, phrase: 'step-000002/trainer.json is corrupt JSON' },
  { args: ['train', '--resume', '$RUN'], damage: { [`${CK}/trainer.json`]: '{}' }, code: 1, phrase: 'trainer.json has no valid step count' },
  { args: ['train', '--resume', '$RUN'], damage: { [`${CK}/generator/weights.bin`]: null }, code: 1, phrase: 'generator/weights.bin: no such file or folder' },
  { args: ['train', '--resume', '$RUN'], damage: { [`${CK}/generator/weights.bin`]: 'short' }, code: 1, phrase: 'weights.bin has 5 bytes' },
  { args: ['train', '--resume', '$RUN'], damage: { [`${CK}/generator/model.json`]: '{"weightsManifest": 5}' }, code: 1, phrase: 'is not a TF.js layers model' },
  { args: ['train', '--resume', '$RUN'], damage: { [`${CK}/generator/model.json`]: '[]' }, code: 1, phrase: 'is not a TF.js layers model' },
  { args: ['train', '--resume', '$RUN'], damage: { [`${CK}/optimizer/generator.json`]: '{' }, code: 1, phrase: 'optimizer/generator.json is corrupt JSON' },
  { args: ['train', '--resume', '$RUN'], damage: { 'config.json': 'null' }, code: 1, phrase: 'is not a run config' },
  { args: ['train', '--resume', '$RUN'], damage: { 'config.json': '{"data":"ring8","steps":1e12}' }, code: 1, phrase: 'invalid steps' },
  { args: ['train', '--resume', '$T/f.txt'], files: { 'f.txt': 'x' }, code: 1, phrase: 'is a file, not a run folder' },
  { args: ['train', '--resume', '$T/none'], code: 1, phrase: 'is not a gankit run folder' },
  { args: ['train', '--resume', '$RUN', '--steps', '1e12'], code: 2, phrase: 'written in digits' },
  // sample
  { args: ['sample', '--run', '$RUN', '--n', '1e12', '--out', '$T/s.npy'], code: 2, phrase: '--n must be a whole number' },
  { args: ['sample', '--run', '$RUN', '--n', '1000000000000', '--out', '$T/s.npy'], code: 2, phrase: 'more than 1,000,000 samples per call' },
  { args: ['sample', '--run', '$RUN', '--n'], code: 2, phrase: '--n needs a value' },
  { args: ['sample', '--run', '$RUN', '--n', '4', '--out', '$T/d.npy', '--force'], files: { 'd.npy': { dir: true } }, code: 1, phrase: 'it is a folder, not a file' },
  { args: ['sample', '--run', '$RUN', '--n', '4', '--out', '/proc/gankit-x/s.npy'], code: 1, phrase: 'cannot create folder /proc/gankit-x' },
  { args: ['sample', '--run', '$RUN', '--n', '4', '--out', '$T/s.npy'], damage: { [`${CK}/discriminator/weights.bin`]: null }, code: 1, phrase: 'weights.bin: no such file' },
  // sampling needs no optimizer state
  { args: ['sample', '--run', '$RUN', '--n', '4', '--out', '$T/s.jpg'], damage: { [`${CK}/optimizer`]: null }, code: 2, phrase: '--out must end in .npy, .png or .txt' },
  { args: ['sample', '--run', '$RUN', '--n', '4', '--out', '$T/s.txt'], code: 2, phrase: 'needs a text run' },
  { args: ['sample', '--run', '$T/none', '--out', '$T/s.npy'], code: 1, phrase: 'is not a gankit run folder' },
  // eval
  { args: ['eval', '--real', '$T/a.npy', '--fake', '$T/b.npy'], files: { 'a.npy': npy([3, 2], [0, 0, NaN, 1, 2, 2]), 'b.npy': npy([3, 2], [0, 0, 1, 1, 2, 2]) }, code: 1, phrase: 'holds NaN (sample 1)' },
  { args: ['eval', '--real', '$T/a.npy', '--fake', '$T/b.npy'], files: { 'a.npy': points, 'b.npy': npy([4, 2], [0, 0, 1, 1, 2, Infinity, 3, 3]) }, code: 1, phrase: 'holds Infinity' },
  { args: ['eval', '--real', '$T/a.npy', '--fake', '$T/b.npy'], files: { 'a.npy': npy([2, 2, 2, 1], [0, 0.5, NaN, 1, 0, 0, 0, 0]), 'b.npy': npy([2, 2, 2, 1], [0, 0, 0, 0, 1, 1, 1, 1]) }, code: 1, phrase: 'holds NaN' },
  { args: ['eval', '--real', '$T/a.npy', '--fake', '$T/b.npy'], files: { 'a.npy': npy([0, 2], []), 'b.npy': points }, code: 1, phrase: 'holds no samples' },
  { args: ['eval', '--real', '$T/a.npy', '--fake', '$T/b.npy'], files: { 'a.npy': npyWithShape('(-3, 2)'), 'b.npy': points }, code: 1, phrase: 'must list non-negative whole numbers' },
  { args: ['eval', '--real', '$T/a.npy', '--fake', '$T/b.npy'], files: { 'a.npy': npyWithShape('(nan, 2)'), 'b.npy': points }, code: 1, phrase: 'must list non-negative whole numbers' },
  { args: ['eval', '--real', '$T/a.npy', '--fake', '$T/b.npy'], files: { 'a.npy': npyWithShape('(4000000000, 4000000000)'), 'b.npy': points }, code: 1, phrase: 'more than the 268,435,456' },
  { args: ['eval', '--real', '$T', '--fake', '$T/b.npy'], files: { 'b.npy': points }, code: 1, phrase: 'it is a folder, not a file' },
  { args: ['eval', '--real', '$T/none.npy', '--fake', '$T/b.npy'], files: { 'b.npy': points }, code: 1, phrase: 'no such file or folder' },
  { args: ['eval', '--real', '$T/a.npy', '--fake', '$T/b.npy'], files: { 'a.npy': 'hello', 'b.npy': points }, code: 1, phrase: 'not a .npy file' },
  { args: ['eval', '--run', '$RUN', '--n', '1e12'], code: 2, phrase: '--n must be a whole number' },
  { args: ['eval', '--run', '$RUN', '--n', '99999999'], code: 2, phrase: 'more than 1,000,000' },
  // encode
  { args: ['encode', '--run', '$RUN', '--input', '$T/x.npy', '--out', '$T/z.npy'], files: { 'x.npy': npy([2, 2], [NaN, 0, 0, 0]) }, code: 1, phrase: 'holds NaN' },
  { args: ['encode', '--run', '$RUN', '--input', '$T/x.npy', '--out', '$T/z.npy'], files: { 'x.npy': npy([0, 2], []) }, code: 1, phrase: 'holds no samples' },
  { args: ['encode', '--run', '$RUN', '--input', '$T/x.npy', '--out', '$T/z.npy'], files: { 'x.npy': points }, code: 2, phrase: 'which has no encoder' },
  // augment: every flag is checked before anything trains
  { args: ['augment', '--labels', '5', '--out', '$T/a.json'], code: 1, phrase: 'leaves some of the 10 classes without a label' },
  { args: ['augment', '--labels', '100,,500', '--out', '$T/a.json'], code: 2, phrase: 'comma-separated list without blanks' },
  { args: ['augment', '--labels', '1e3', '--out', '$T/a.json'], code: 2, phrase: '--labels must be a whole number' },
  { args: ['augment', '--variant', 'ssgan', '--out', '$T/a.json'], code: 2, phrase: 'add ssgan to --arms' },
  { args: ['augment', '--variant', 'gan', '--out', '$T/a.json'], code: 2, phrase: "unknown variant 'gan'; choose one of: cgan, acgan, projection" },
  { args: ['augment', '--model', 'text-resnet', '--out', '$T/a.json'], code: 2, phrase: "unknown model 'text-resnet'" },
  { args: ['augment', '--arms', 'real,bogus', '--out', '$T/a.json'], code: 2, phrase: "unknown arms 'bogus'" },
  { args: ['augment', '--arms', 'real,real', '--out', '$T/a.json'], code: 2, phrase: 'names an arm twice' },
  { args: ['augment', '--real-share', '1', '--out', '$T/a.json'], code: 2, phrase: '--real-share must be between 0 and 1' },
  { args: ['augment', '--n', '0', '--out', '$T/a.json'], code: 2, phrase: '--n must be a whole number ≥ 1' },
  { args: ['augment', '--out', '$T/a.txt'], code: 2, phrase: '--out must end in .json' },
  { args: ['augment', '--out', '$T/a.json'], files: { 'a.json': '{}' }, code: 2, phrase: 'a.json already exists' },
  { args: ['augment', '--arms', 'real', '--grid', '$T/g.png', '--out', '$T/a.json'], code: 2, phrase: 'add generated to --arms' },
  { args: ['augment', '--data', 'ring8', '--out', '$T/a.json'], code: 1, phrase: "'ring8' holds points" },
  { args: ['augment', '--option', 'foo=1', '--out', '$T/a.json'], code: 1, phrase: "unknown option 'foo' for --variant projection" },
  // others
  { args: ['studio', '--port', '99999'], code: 2, phrase: '--port must be a whole number' },
  { args: ['nope'], code: 2, phrase: "unknown command 'nope'" },
];
