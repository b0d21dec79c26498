import type { z } from 'zod';
import { ConfigError } from './errors.js';

/**
 * The one way `config.options` is read: every key must be one the reader knows (a typo is
 * an error that lists what it accepts, never a silently ignored setting), and every value
 * must fit its schema.
 * @param owner who reads the options, for the message: "--variant acgan"
 */
export function parseStrictOptions<S extends z.AnyZodObject>(schema: S, options: Record<string, unknown>, owner: string): z.output<S> {
  const known = Object.keys(schema.shape);
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      const hint = known.length ? `it accepts: ${known.join(', ')}` : 'it takes no options';
      throw new ConfigError(`unknown option '${key}' for ${owner}; ${hint}`);
    }
  }
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `options.${issue.path.join('.')}` : 'options';
    throw new ConfigError(`invalid ${where} for ${owner}: ${issue.message}`);
  }
  return parsed.data as z.output<S>;
}
