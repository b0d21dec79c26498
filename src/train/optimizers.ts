// Moved to src/core/optimizers.ts (variants below train/ create optimizers); kept for existing imports.
export * from '../core/optimizers.js';
