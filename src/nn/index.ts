// Building blocks of the GAN family: layers (each registered for serialisation) and helpers.
export * from './spectral-norm.js';
export * from './self-attention.js';
export * from './minibatch-discrimination.js';
export * from './minibatch-stddev.js';
export * from './label-embedding.js';
export * from './pixel-norm.js';
export * from './equalized.js';
export * from './replay-buffer.js';
export * from './pixel-shuffle.js';
