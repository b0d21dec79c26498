// Every variant module, imported for its registerVariant() side effect.
// Add one line per new variant file.
import './gan.js';
import './progressive.js';
