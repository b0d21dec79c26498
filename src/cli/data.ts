import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { avatarOptions, avatarTags } from '../data/avatars.js';
import { renderAvatarPng, AVATAR_DEFAULT_SIZE } from '../data/avatars.js';
import { countProgress } from '../data/decode-progress.js';
import { checkFreshFolder } from '../io/image-files.js';
import { writeFileAtomic } from '../io/atomic.js';
import { parseFlags, intFlag } from './args.js';
import { UsageError } from './errors.js';

export const DATA_HELP = `Usage: gankit data avatars --n N --out DIR [--resolution N] [--quiet]

Writes a bundled data set as an image folder: PNG files plus tags.csv (file → tags), the
layout \`gankit train --data images:DIR --labels DIR/tags.csv\` reads.

avatars: DiceBear's "adventurer" style (design by Lisa Wischofsky, CC BY 4.0), drawn
offline and deterministically (avatar i is the same on every machine and for every --n);
tags: hair colour and length, skin tone, glasses, eyes and mouth variants, features.

  --n N            how many (default 20000)
  --out DIR        a new or empty folder
  --resolution N   side in pixels (default ${AVATAR_DEFAULT_SIZE})
  --quiet          no progress bar
`;

const csvField = (s: string) => (/[",]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export async function dataCommand(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    process.stdout.write(DATA_HELP);
    return name === undefined ? 2 : 0;
  }
  if (name !== 'avatars') throw new UsageError(`unknown data set '${name}' for gankit data; choose: avatars`);
  const { values } = parseFlags('data', rest, {
    n: { type: 'string' },
    out: { type: 'string' },
    resolution: { type: 'string' },
    quiet: { type: 'boolean' },
    verbose: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(DATA_HELP);
    return 0;
  }
  if (!values.out) throw new UsageError('gankit data avatars needs --out DIR (a new or empty folder)');
  const problem = checkFreshFolder(values.out);
  if (problem) throw new UsageError(`${problem}; choose a new --out folder (nothing there is overwritten)`);
  const n = intFlag('n', values.n) ?? 20000;
  const size = intFlag('resolution', values.resolution, 8) ?? AVATAR_DEFAULT_SIZE;
  if (size > 1024) throw new UsageError(`--resolution must be at most 1024; got ${size}`);
  mkdirSync(values.out, { recursive: true });
  const digits = Math.max(6, String(n - 1).length);
  const rows = ['file,tags'];
  const progress = countProgress(`drawing ${n} avatars`, n, { quiet: values.quiet === true });
  for (let i = 0; i < n; i++) {
    const o = avatarOptions(i);
    const file = `avatar-${String(i).padStart(digits, '0')}.png`;
    writeFileAtomic(join(values.out, file), renderAvatarPng(o, size));
    rows.push(`${file},${csvField(avatarTags(o).join(', '))}`);
    progress.tick(i + 1);
    if (i % 200 === 199) await new Promise((r) => setImmediate(r));
  }
  progress.done();
  writeFileAtomic(join(values.out, 'tags.csv'), rows.join('\n') + '\n');
  console.log(`wrote ${n} avatars (${size}×${size} PNG) and tags.csv to ${values.out}`);
  console.log(`next: gankit train --data images:${values.out} --labels ${join(values.out, 'tags.csv')}`);
  return 0;
}
