/**
 * 1-D and 2-D convolution, TensorFlow geometry ("same"/"valid", see geometry.ts), channels last.
 * Keras kernels [k, inC, filters] and [kh, kw, inC, filters]; engines store [filters][kh][kw][c].
 * 1-D runs as 2-D with height 1. int8: like dense, per filter; a padded input equals the input
 * zero point (it adds nothing to Σ(x − zx)·w).
 */
import type { Geometry } from '../int8Model.js';
import type { Conv1dLayer, Conv2dLayer } from '../spec.js';
import { windowGeometry, windowOutputLength } from './geometry.js';
import { type LayerShapeResult, fmtShape } from './types.js';

export function convShape(layer: Conv1dLayer | Conv2dLayer, inShape: readonly number[], at: string): LayerShapeResult {
  if (layer.type === 'conv1d') {
    if (inShape.length !== 2) return `${at}) needs input shaped [steps, channels] but gets ${fmtShape(inShape)}; add a reshape layer before it`;
    const [steps, ch] = inShape as [number, number];
    if (layer.padding === 'valid' && steps < layer.kernelSize)
      return `${at}, kernel ${layer.kernelSize}) needs at least ${layer.kernelSize} steps but gets ${steps}`;
    const out = windowOutputLength(steps, layer.kernelSize, layer.strides, layer.padding);
    const n = layer.kernelSize * ch * layer.filters + layer.filters;
    return { outputShape: [out, layer.filters], params: n, trainableParams: n, macs: out * layer.filters * layer.kernelSize * ch };
  }
  if (inShape.length !== 3) return `${at}) needs input shaped [height, width, channels] but gets ${fmtShape(inShape)}; add a reshape layer before it`;
  const [h, w, ch] = inShape as [number, number, number];
  const k = layer.kernelSize;
  if (layer.padding === 'valid' && (h < k || w < k)) return `${at}, kernel ${k}×${k}) needs at least ${k}×${k} pixels but gets ${h}×${w}`;
  const oh = windowOutputLength(h, k, layer.strides, layer.padding);
  const ow = windowOutputLength(w, k, layer.strides, layer.padding);
  const n = k * k * ch * layer.filters + layer.filters;
  return { outputShape: [oh, ow, layer.filters], params: n, trainableParams: n, macs: oh * ow * layer.filters * k * k * ch };
}

export function convGeometry(layer: Conv1dLayer | Conv2dLayer, inShape: readonly number[], outShape: readonly number[]): Geometry {
  const one = layer.type === 'conv1d';
  return windowGeometry(inShape, outShape, one ? 1 : layer.kernelSize, layer.kernelSize, one ? 1 : layer.strides, layer.strides, layer.padding);
}

/** The Keras kernel shape of a convolution with `inChannels` input channels. */
export function convKernelShape(layer: Conv1dLayer | Conv2dLayer, inChannels: number): number[] {
  return layer.type === 'conv1d' ? [layer.kernelSize, inChannels, layer.filters] : [layer.kernelSize, layer.kernelSize, inChannels, layer.filters];
}
