import { parseArgs, type ParseArgsConfig } from 'node:util';
import { existsSync } from 'node:fs';
import { openRun, type RunHandle } from '../train/run.js';
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
    const ambiguous = /Option '([^' ]+)[^']*' argument is ambiguous/.exec(msg);
    if (ambiguous) {
      // The flag is followed by something starting with a dash: a negative number, or the next flag.
      const flag = ambiguous[1];
      const at = argv.indexOf(flag);
      const next = at >= 0 ? argv[at + 1] : undefined;
      if (next !== undefined && /^-\d|^-\.\d/.test(next)) throw new UsageError(`a negative number as a flag value must be joined to its flag, e.g. ${flag}=${next}`);
      throw new UsageError(`${flag} needs a value${next !== undefined ? ` (it is followed by ${next})` : ''}; see \`gankit ${command} --help\``);
    }
    const missing = /Option '([^' ]+)[^']*' argument missing/.exec(msg);
    if (missing) throw new UsageError(`${missing[1]} needs a value; see \`gankit ${command} --help\``);
    throw new UsageError(`${msg.split('\n')[0].replace(/\. To specify.*$/, '')} (see \`gankit ${command} --help\`)`);
  }
}

/**
 * An integer flag written in decimal digits (1e3, 0x10 and 2.0 are refused: a count is
 * typed as digits, and anything else is more often a typo than meant). `max` bounds values
 * that can only be typos; `why` says what the bound protects.
 */
export function intFlag(name: string, value: string | undefined, min = 1, limit?: { max: number; why: string }): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  const n = Number(text);
  if (!/^-?\d+$/.test(text) || !Number.isSafeInteger(n) || n < min) {
    throw new UsageError(`--${name} must be a whole number ≥ ${min} written in digits, e.g. --${name} ${Math.max(min, 100)}; got '${value}'`);
  }
  if (limit && n > limit.max) throw new UsageError(`--${name} ${value} is more than ${limit.max.toLocaleString('en-US')} ${limit.why}; got '${value}'`);
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

/** Repeated `--option KEY=VALUE` flags as an options object; VALUE is JSON, or else plain text. */
export function optionFlags(list: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const kv of list) {
    const eq = kv.indexOf('=');
    if (eq <= 0) throw new UsageError(`--option takes KEY=VALUE, e.g. --option emaDecay=0.999; got '${kv}'`);
    const raw = kv.slice(eq + 1);
    let value: unknown = raw;
    try {
      value = JSON.parse(raw);
    } catch {
      // plain text, e.g. --option diffAugment=color,translation
    }
    out[kv.slice(0, eq)] = value;
  }
  return out;
}

/** An output path the command would create: refused when something is there, unless `--force` was given. */
export function refuseExisting(path: string, flag: string, force = false): void {
  if (existsSync(path) && !force) throw new UsageError(`${path} already exists; choose another --${flag} or add --force`);
}

/** A run folder opened at its latest (or the asked) checkpoint; refused while it has none. */
export async function openTrainedRun(dir: string, opts: Parameters<typeof openRun>[1] = {}): Promise<RunHandle> {
  const run = await openRun(dir, opts);
  if (run.startStep === 0) {
    run.variant.dispose();
    throw new UsageError(`${dir} has no checkpoint yet; train it first`);
  }
  return run;
}
