// The text variants (gumbel, seqgan, and gan with the text-resnet WGAN-GP language model) in
// the variant matrix: every loss and stabiliser trains 3 iterations on --data words or is
// refused with a ConfigError that says what to do; criticSteps is honoured
// (scripts/variant-matrix.ts; docs/variant-matrix.md is its table).
import { TEXT_VARIANTS } from '../../scripts/variant-matrix.js';
import { matrixTests } from './matrix-helpers.js';

matrixTests(TEXT_VARIANTS);
