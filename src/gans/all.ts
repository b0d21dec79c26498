// Every variant module, imported for its registerVariant() side effect.
// Add one line per new variant file.
import './gan.js';
import './progressive.js';
import './sngan.js';
import './sagan.js';
import './unrolled.js';
import './pacgan.js';
import './lsgan-qi.js';
import './stacked.js';
import './cyclegan.js';
import './conditional.js';
import './infogan.js';
import './bigan.js';
import './semi-supervised.js';
import './gumbel.js';
import './seqgan.js';
import './pix2pix.js';
import './srgan.js';
