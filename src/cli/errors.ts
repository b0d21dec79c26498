/** A mistake in how a command was called: printed as one line, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Error classes whose message is already a complete, actionable sentence for the user. */
const USER_ERRORS = new Set([
  'UsageError', 'ConfigError', 'DataError', 'RunFolderError', 'BackendError', 'NpyError',
  'CheckpointError', 'NetworkError', 'MetricError', 'DivergenceError', 'StudioError', 'FileError',
]);

export function isUserError(e: unknown): e is Error {
  return e instanceof Error && USER_ERRORS.has(e.name);
}
