import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** node:util parseArgs in strict mode, with its errors turned into one clear line. */
export function parseFlags<O extends Options>(command: string, argv: string[], options: O): ReturnType<typeof parseArgs<{ args: string[]; options: O; strict: true; allowPositionals: false }>> {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const unknown = /Unknown option '([^']+)'/.exec(msg);
    if (unknown && /^-\d/.test(unknown[1])) throw new UsageError(`a negative number as a flag value must be joined to its flag, e.g. --seed=${unknown[1]}`);
    if (unknown) throw new UsageError(`unknown flag ${unknown[1]} for \`gankit ${command}\`; see \`gankit ${command} --help\``);
    const positional = /Unexpected argument '([^']+)'/.exec(msg);
    if (positional) throw new UsageError(`unexpected argument '${positional[1]}' for \`gankit ${command}\`; flags take the form --name value (see \`gankit ${command} --help\`)`);
    const ambiguous = /Option '([^']+)' argument is ambiguous/.exec(msg);
    if (ambiguous) throw new UsageError(`a negative number as a flag value must be joined to its flag, e.g. ${ambiguous[1]}=-1`);
    throw new UsageError(`${msg.split('\n')[0].replace(/\. To specify.*$/, '')} (see \`gankit ${command} --help\`)`);
  }
}

export function intFlag(name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}; got '${value}'`);
  return n;
}

export function numberFlag(name: string, value: string | undefined, opts: { positive?: boolean; max?: number } = {}): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || (opts.positive && n <= 0) || (opts.max !== undefined && n > opts.max)) {
    throw new UsageError(`--${name} must be a ${opts.positive ? 'positive ' : ''}number${opts.max !== undefined ? ` ≤ ${opts.max}` : ''}; got '${value}'`);
  }
  return n;
}

export function choiceFlag<T extends string>(name: string, value: string | undefined, choices: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(choices as readonly string[]).includes(value)) throw new UsageError(`unknown ${name} '${value}'; choose one of: ${choices.join(', ')}`);
  return value as T;
}
