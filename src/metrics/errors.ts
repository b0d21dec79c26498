/** A metric that cannot be computed from what it was given; the message says what to change. */
export class MetricError extends Error {
  override name = 'MetricError';
}
