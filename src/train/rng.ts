// Moved to src/core/rng.ts (randomness is used below train/); kept for existing imports.
export * from '../core/rng.js';
