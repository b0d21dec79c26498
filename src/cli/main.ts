import { trainCommand } from './train.js';
import { sampleCommand } from './sample.js';
import { evalCommand } from './eval.js';
import { infoCommand } from './info.js';
import { isUserError, UsageError } from './errors.js';
import { fsReason } from '../io/fs-errors.js';

type Command = (argv: string[]) => Promise<number>;

/** Commands whose modules load lazily (they pull in servers or optional pieces). */
const LAZY: Record<string, () => Promise<Command>> = {
  studio: async () => (await import('./studio.js')).studioCommand,
  encode: async () => (await import('./encode.js')).encodeCommand,
  interpolate: async () => (await import('./interpolate.js')).interpolateCommand,
  data: async () => (await import('./data.js')).dataCommand,
  translate: async () => (await import('./translate.js')).translateCommand,
  upscale: async () => (await import('./upscale.js')).upscaleCommand,
  augment: async () => (await import('./augment.js')).augmentCommand,
};

const COMMANDS: Record<string, Command> = { train: trainCommand, sample: sampleCommand, eval: evalCommand, info: infoCommand };

export const MAIN_HELP = `gankit: generative adversarial networks in TypeScript

Usage: gankit <command> [flags]

Commands:
  train    train a GAN into a run folder (no flags: DCGAN on the bundled MNIST digits)
  sample   draw samples from a run as .npy or .png
  eval     score a run (mode coverage on 2D data, classifier features on images)
  encode   map data to latent codes with a BiGAN's encoder
  interpolate  a latent walk of a run's generator, as a PNG strip or a GIF loop
  data     write a bundled data set as image files (gankit data avatars --n N --out DIR)
  translate  map input images to outputs with a pix2pix run (edges → digits)
  upscale  super-resolve images with an SRGAN run (7×7 → 28×28 digits)
  augment  GAN data augmentation, measured: a classifier on few real labels vs real + generated
  studio   open the web studio (live training in the browser, run viewer)
  info     versions, backend, native build, threads

Run \`gankit <command> --help\` for its flags.
`;

/** Runs the CLI; returns the exit code. Errors print as one line unless --verbose. */
export async function main(argv: string[]): Promise<number> {
  const verbose = argv.includes('--verbose');
  const [name, ...rest] = argv;
  try {
    if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
      process.stdout.write(MAIN_HELP);
      return name === undefined ? 2 : 0;
    }
    if (name === '--version' || name === '-v') {
      const { createRequire } = await import('node:module');
      console.log((createRequire(import.meta.url)('../../../package.json') as { version: string }).version);
      return 0;
    }
    let command = COMMANDS[name];
    if (!command && LAZY[name]) {
      command = await LAZY[name]();
    }
    if (!command) throw new UsageError(`unknown command '${name}'; choose one of: ${[...Object.keys(COMMANDS), ...Object.keys(LAZY)].join(', ')} (see gankit --help)`);
    return await command(rest);
  } catch (e) {
    if (verbose) console.error(e);
    if (isUserError(e)) {
      console.error(`gankit: ${e.message}`);
      return e instanceof UsageError ? 2 : 1;
    }
    const io = e as NodeJS.ErrnoException;
    if (io instanceof Error && typeof io.code === 'string' && typeof io.path === 'string') {
      // A file-system error no loader caught: say which file and why in words.
      console.error(`gankit: cannot ${io.syscall ?? 'use'} ${io.path}: ${fsReason(io)}`);
      return 1;
    }
    const msg = e instanceof Error ? e.message : String(e);
    console.error(`gankit: ${msg}${verbose ? '' : ' (run with --verbose for details)'}`);
    return 1;
  }
}
