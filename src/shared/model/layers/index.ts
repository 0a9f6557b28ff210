/**
 * One module per layer kind: shape and cost (`layerShape`), window geometry (conv, pool),
 * batch-norm folding and the int8 rule of each kind. The trainer (training/network.ts), static
 * analysis (shapes.ts), the float lowering (lowerFloat.ts), the int8 engine (int8.ts), ONNX
 * export and the C library generator all take layer knowledge from here.
 */
import type { LayerSpec } from '../spec.js';
import { batchNormShape } from './batchNorm.js';
import { convShape } from './conv.js';
import { denseShape } from './dense.js';
import { poolShape } from './pool.js';
import { dropoutShape, flattenShape, reshapeShape } from './reshape.js';
import type { LayerShapeResult } from './types.js';

export type { LayerShape, LayerShapeResult } from './types.js';

/** Output shape and costs of `layer` on `inShape`, or why it cannot take it; `index` is 1-based. */
export function layerShape(layer: LayerSpec, inShape: readonly number[], index: number): LayerShapeResult {
  const at = `Layer ${index} (${layer.type}`;
  switch (layer.type) {
    case 'dense':
      return denseShape(layer.units, inShape, at);
    case 'conv1d':
    case 'conv2d':
      return convShape(layer, inShape, at);
    case 'maxPool1d':
    case 'avgPool1d':
    case 'maxPool2d':
    case 'avgPool2d':
      return poolShape(layer, inShape, at);
    case 'dropout':
      return dropoutShape(inShape);
    case 'flatten':
      return flattenShape(inShape);
    case 'reshape':
      return reshapeShape(layer, inShape, at);
    case 'batchNorm':
      return batchNormShape(inShape);
  }
}
