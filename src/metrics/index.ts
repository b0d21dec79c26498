export { MetricError } from './errors.js';
export { modeCoverage, type ModeCoverage } from './modes.js';
