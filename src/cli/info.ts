import { cpus } from 'node:os';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend, backendInfo, NODE_BACKENDS, type BackendRequest } from '../backend/index.js';
import { parseFlags, choiceFlag } from './args.js';

export const INFO_HELP = `Usage: gankit info [--backend NAME]

Prints versions, the backend gankit would use, what native build is present, and threads.
`;

export async function infoCommand(argv: string[]): Promise<number> {
  const { values } = parseFlags('info', argv, { backend: { type: 'string' }, verbose: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stdout.write(INFO_HELP);
    return 0;
  }
  const require = createRequire(import.meta.url);
  const pkg = require('../../../package.json') as { version: string };
  const choice = await initBackend((choiceFlag('backend', values.backend, ['auto', ...NODE_BACKENDS] as const) ?? 'auto') as BackendRequest);
  const info = await backendInfo();
  const rows: [string, string][] = [
    ['gankit', pkg.version],
    ['node', process.version],
    ['tfjs-core', tf.version_core],
    ['backend', `${choice.name} (${choice.reason})`],
    ['native', info.native],
    ['cpu', `${cpus()[0]?.model ?? 'unknown'} × ${cpus().length}`],
    ['threads', process.env.GANKIT_THREADS ? `${process.env.GANKIT_THREADS} (GANKIT_THREADS)` : `${cpus().length} (all cores; set GANKIT_THREADS or --threads)`],
  ];
  for (const n of choice.notes) rows.push(['note', n]);
  for (const [k, v] of rows) console.log(`${k.padEnd(10)} ${v}`);
  return 0;
}
