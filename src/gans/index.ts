import './all.js';

export * from './types.js';
export * from './registry.js';
export { unconditionalGan } from './unconditional.js';
export { buildGan } from './gan.js';
