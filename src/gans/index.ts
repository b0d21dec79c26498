import './all.js';

export * from './types.js';
export * from './registry.js';
export * from './step.js';
export { composeVariant, readVariantOptions, stepSettings, type VariantParts } from './variant.js';
export { buildGan } from './gan.js';
