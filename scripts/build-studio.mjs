#!/usr/bin/env node
// Builds the studio web app into dist/studio/: one minified bundle, its CSS and HTML, the
// TF.js wasm binaries (served locally; the page calls setWasmPaths) and the bundled MNIST
// digits as a compact uint8 asset. Nothing the page loads comes from the network.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist', 'studio');
const quiet = process.argv.includes('--quiet');
// Source maps (7 MB) only when asked: the installed package does not need them.
const sourcemap = process.argv.includes('--sourcemap');
const started = Date.now();

mkdirSync(join(out, 'wasm'), { recursive: true });
for (const f of ['main.js.map', 'imagelab-worker.js.map']) rmSync(join(out, f), { force: true });

// 1. The page: index.html, style.css, and main.js bundled from studio/main.ts.
await build({
  // The page, and the image lab's training worker (its own bundle: workers load one file).
  entryPoints: [join(root, 'studio', 'main.ts'), join(root, 'studio', 'imagelab-worker.ts')],
  bundle: true,
  minify: true,
  sourcemap: sourcemap ? 'linked' : false,
  format: 'esm',
  platform: 'browser',
  target: ['chrome110', 'firefox115', 'safari16'],
  outdir: out,
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': '"production"' },
});
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
writeFileSync(join(out, 'index.html'), readFileSync(join(root, 'studio', 'index.html'), 'utf8').replaceAll('%VERSION%', version));
copyFileSync(join(root, 'studio', 'style.css'), join(out, 'style.css'));

// 2. The wasm backend's binaries, next to the page.
const require = createRequire(import.meta.url);
const wasmDir = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  copyFileSync(join(wasmDir, f), join(out, 'wasm', f));
}

// The 2D lab's trained presets (scripts/train-lab-preset.ts), fetched when one is opened.
mkdirSync(join(out, 'presets'), { recursive: true });
for (const f of readdirSync(join(root, 'studio', 'presets'))) if (f.endsWith('.json')) copyFileSync(join(root, 'studio', 'presets', f), join(out, 'presets', f));

// 3. The bundled digits, through the library's own loader (bundled for Node on the fly,
// since this script runs before TypeScript is compiled).
const tmp = join(out, '.digits-asset.mjs');
await build({
  entryPoints: [join(root, 'src', 'studio', 'digits-asset.ts')],
  bundle: true,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  outfile: tmp,
  logLevel: 'warning',
});
try {
  const { digitsAsset } = await import(pathToFileURL(tmp).href);
  writeFileSync(join(out, 'digits.bin'), digitsAsset());
} finally {
  rmSync(tmp, { force: true });
}
if (!quiet) console.log(`studio built in ${((Date.now() - started) / 1000).toFixed(1)} s → ${out}`);
