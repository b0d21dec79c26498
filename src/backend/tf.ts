/**
 * The one place gankit imports TF.js from, so every module shares one engine and the
 * kernels and gradients registered here apply everywhere.
 */
export * as tf from '@tensorflow/tfjs-core';
export * as tfl from '@tensorflow/tfjs-layers';
