import { parseArgs } from 'node:util';
import { startStudioServer, StudioError } from '../studio/server.js';

export const DEFAULT_STUDIO_PORT = 8080;

const HELP = `gankit studio — the live GAN lab in your browser

Usage: gankit studio [--port N] [--host ADDR] [--run DIR]

  --port N     port to serve on (default ${DEFAULT_STUDIO_PORT}; 0 picks a free one)
  --host ADDR  address to listen on (default 127.0.0.1: this machine only)
  --run DIR    a run folder from \`gankit train\`: its curves, sample grids and generator
  --help       this text

Open the printed URL. Ctrl-C stops the server.`;

/** `gankit studio`: serves the studio until SIGINT. Returns the exit code. */
export async function studioCommand(argv: string[]): Promise<number> {
  let values: { port?: string; host?: string; run?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        run: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    console.error(`gankit studio: ${(e as Error).message}; see \`gankit studio --help\``);
    return 2;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const portText = values.port ?? String(DEFAULT_STUDIO_PORT);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) {
    console.error(`gankit studio: --port must be a whole number from 0 to 65535; got '${portText}'`);
    return 2;
  }
  let studio;
  try {
    studio = await startStudioServer({ port, host: values.host ?? '127.0.0.1', runDir: values.run });
  } catch (e) {
    if (e instanceof StudioError) {
      console.error(`gankit studio: ${e.message}`);
      return 2;
    }
    throw e;
  }
  if (studio.exposed) {
    console.error(
      `gankit studio: warning: listening on ${studio.address}, beyond this machine: anyone who can reach this address can read ${values.run ? `the run ${values.run} and ` : ''}the studio. Use --host 127.0.0.1 to keep it local.`,
    );
    console.log(`gankit studio: listening on ${studio.address}; from this machine open ${studio.url}${values.run ? ` (run ${values.run})` : ''} — Ctrl-C to stop`);
  } else {
    console.log(`gankit studio: ${studio.url}${values.run ? ` (run ${values.run})` : ''} — Ctrl-C to stop`);
  }
  const server = studio;
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      void server.close().then(done);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return 0;
}
