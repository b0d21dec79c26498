import { main } from './main.js';

// The process entry of the `gankit` bin: exit with main's code, never with a stack trace.
main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`gankit: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
