// Every variant × every loss × each stabiliser trains 3 iterations or is refused with a
// ConfigError (scripts/variant-matrix.ts; docs/variant-matrix.md is its table).
import { IMAGE_VARIANTS } from '../../scripts/variant-matrix.js';
import { matrixTests } from './matrix-helpers.js';

matrixTests(IMAGE_VARIANTS);
