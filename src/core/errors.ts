/** A user's configuration asks for something invalid: the message says what to change. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}
