/**
 * Max and average pooling (1-D and 2-D), TensorFlow geometry; strides default to the pool size.
 * Only in-bounds positions count (average over in-bounds positions, Keras' rule). int8: keeps
 * its input's scale and zero point; average rounds half away from zero (docs/int8.md).
 */
import type { Geometry } from '../int8Model.js';
import type { PoolLayer } from '../spec.js';
import { windowGeometry, windowOutputLength } from './geometry.js';
import { type LayerShapeResult, fmtShape } from './types.js';

export function poolStride(layer: PoolLayer): number {
  return layer.strides ?? layer.poolSize;
}

export function isPool1d(layer: PoolLayer): boolean {
  return layer.type === 'maxPool1d' || layer.type === 'avgPool1d';
}

export function isMaxPool(layer: PoolLayer): boolean {
  return layer.type === 'maxPool1d' || layer.type === 'maxPool2d';
}

export function poolShape(layer: PoolLayer, inShape: readonly number[], at: string): LayerShapeResult {
  const p = layer.poolSize;
  const s = poolStride(layer);
  if (isPool1d(layer)) {
    if (inShape.length !== 2) return `${at}) needs input shaped [steps, channels] but gets ${fmtShape(inShape)}`;
    const [steps, ch] = inShape as [number, number];
    if (layer.padding === 'valid' && steps < p) return `${at}, pool ${p}) needs at least ${p} steps but gets ${steps}`;
    const out = windowOutputLength(steps, p, s, layer.padding);
    return { outputShape: [out, ch], params: 0, trainableParams: 0, macs: out * ch * p };
  }
  if (inShape.length !== 3) return `${at}) needs input shaped [height, width, channels] but gets ${fmtShape(inShape)}`;
  const [h, w, ch] = inShape as [number, number, number];
  if (layer.padding === 'valid' && (h < p || w < p)) return `${at}, pool ${p}×${p}) needs at least ${p}×${p} pixels but gets ${h}×${w}`;
  const oh = windowOutputLength(h, p, s, layer.padding);
  const ow = windowOutputLength(w, p, s, layer.padding);
  return { outputShape: [oh, ow, ch], params: 0, trainableParams: 0, macs: oh * ow * ch * p * p };
}

export function poolGeometry(layer: PoolLayer, inShape: readonly number[], outShape: readonly number[]): Geometry {
  const one = isPool1d(layer);
  const s = poolStride(layer);
  return windowGeometry(inShape, outShape, one ? 1 : layer.poolSize, layer.poolSize, one ? 1 : s, s, layer.padding);
}
