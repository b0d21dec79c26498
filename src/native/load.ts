/** Finds and loads build/Release/gankit_native.node once. */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { NativeAddon } from './addon.js';

const ADDON_FILE = join('build', 'Release', 'gankit_native.node');

let addon: NativeAddon | null | undefined;
export let addonPath: string | null = null;
export let loadError: string | undefined;

/** The package root: the nearest folder above this file that has build/ or package.json. */
function findAddonPath(): string | null {
  const override = process.env.GANKIT_NATIVE_ADDON;
  if (override) return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, ADDON_FILE);
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'binding.gyp'))) return candidate;
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

/** Loads the addon once; null (with `loadError` set) when it is missing or fails to load. */
export function loadAddon(): NativeAddon | null {
  if (addon !== undefined) return addon;
  addon = null;
  if (process.env.GANKIT_NO_NATIVE === '1') {
    loadError = 'disabled by GANKIT_NO_NATIVE=1';
    return addon;
  }
  const path = findAddonPath();
  if (path === null || !existsSync(path)) {
    loadError = `addon not built (${path ?? ADDON_FILE} is missing; a C++ compiler is needed at install, then run \`npm rebuild gankit\`)`;
    return addon;
  }
  try {
    const req = createRequire(import.meta.url);
    addon = req(path) as NativeAddon;
    addonPath = path;
    const envThreads = Number(process.env.GANKIT_THREADS);
    if (Number.isInteger(envThreads) && envThreads > 0) addon.setThreads(envThreads);
    const isa = process.env.GANKIT_ISA;
    if (isa) addon.setIsa(isa);
  } catch (e) {
    addon = null;
    loadError = `addon failed to load: ${(e as Error).message.split('\n')[0]}`;
  }
  return addon;
}

