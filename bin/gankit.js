#!/usr/bin/env node
import { existsSync } from 'node:fs';

const entry = new URL('../dist/src/cli/entry.js', import.meta.url);
if (!existsSync(entry)) {
  console.error('gankit: not built yet; run `npm ci` (or `npm run build`) in the gankit folder first');
  process.exit(1);
}
await import(entry.href);
