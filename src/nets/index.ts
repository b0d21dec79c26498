import { buildMlp } from './mlp.js';
import { buildDcgan } from './dcgan.js';
import { buildResnet } from './resnet.js';
import { buildTextResnet } from './text.js';
import { NetworkError, MODEL_NAMES, type GanNetworks, type NetworkSpec } from './types.js';

export * from './types.js';
export { buildMlp } from './mlp.js';
export { buildDcgan, dcganPlan } from './dcgan.js';
export { buildResnet, resnetWidths, type ResnetOptions } from './resnet.js';
export { initializeWeights, countParams } from './init.js';

export function buildNetworks(spec: NetworkSpec): GanNetworks {
  switch (spec.model) {
    case 'mlp':
      return buildMlp(spec);
    case 'dcgan':
      return buildDcgan(spec);
    case 'resnet':
      return buildResnet(spec);
    case 'text-resnet':
      return buildTextResnet(spec);
    default:
      throw new NetworkError(`unknown model '${String(spec.model)}'; choose one of: ${MODEL_NAMES.join(', ')}`);
  }
}
