export * from './errors.js';
export * from './rng.js';
export * from './streams.js';
export * from './options.js';
