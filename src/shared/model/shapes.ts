/**
 * Static analysis of a network: output shape, parameter count and MACs per layer, and a clear
 * explanation when the stack cannot work ("Layer 3 (conv1d, kernel 5) needs at least 5 steps
 * but gets 3").
 */
import { KilnError } from '../errors.js';
import { type LayerSpec, type ModelSpec, type OutputHead, type Padding, layerNames, OUTPUT_LAYER_NAME, shapeSize } from './spec.js';

export interface LayerInfo {
  /** 1-based position in the spec; the appended output layer gets layers.length + 1 */
  index: number;
  name: string;
  type: LayerSpec['type'] | 'output';
  inputShape: number[];
  outputShape: number[];
  /** all parameters, including non-trainable ones (batch norm moving statistics) */
  params: number;
  trainableParams: number;
  /** multiply-accumulates for one row (pooling counts compared/added values) */
  macs: number;
}

export type SpecAnalysis =
  | {
      ok: true;
      layers: LayerInfo[];
      outputShape: number[];
      totalParams: number;
      trainableParams: number;
      totalMacs: number;
    }
  | { ok: false; message: string; /** 1-based layer index, 0 for the input */ layerIndex: number; layers: LayerInfo[] };

/** Output length of a convolution or pooling window along one axis (TensorFlow's rules). */
export function windowOutputLength(n: number, window: number, stride: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - window) / stride) + 1;
}

/** Walk the layers (and the output head, when given) and compute shapes and costs. */
export function analyzeSpec(spec: ModelSpec, head?: OutputHead): SpecAnalysis {
  const layers: LayerInfo[] = [];
  const names = layerNames(spec.layers);
  if (spec.inputShape.length === 0 || spec.inputShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    return fail(`The input shape [${spec.inputShape.join(', ')}] must list positive whole numbers`, 0, layers);
  }
  let shape = [...spec.inputShape];
  for (let i = 0; i < spec.layers.length; i++) {
    const layer = spec.layers[i]!;
    const r = layerOutput(layer, shape, i + 1);
    if (typeof r === 'string') return fail(r, i + 1, layers);
    layers.push({ index: i + 1, name: names[i]!, type: layer.type, inputShape: shape, ...r });
    shape = r.outputShape;
  }
  if (head) {
    if (shape.length !== 1) {
      return fail(
        `The output layer needs a flat input but the last layer gives [${shape.join(', ')}]; add a flatten layer at the end`,
        spec.layers.length + 1,
        layers,
      );
    }
    const units = head.kind === 'classification' ? head.classes : 1;
    const n = shape[0]! * units + units;
    layers.push({
      index: spec.layers.length + 1,
      name: OUTPUT_LAYER_NAME,
      type: 'output',
      inputShape: shape,
      outputShape: [units],
      params: n,
      trainableParams: n,
      macs: shape[0]! * units,
    });
    shape = [units];
  }
  let totalParams = 0;
  let trainableParams = 0;
  let totalMacs = 0;
  for (const l of layers) {
    totalParams += l.params;
    trainableParams += l.trainableParams;
    totalMacs += l.macs;
  }
  return { ok: true, layers, outputShape: shape, totalParams, trainableParams, totalMacs };
}

/** Like analyzeSpec, but throws a BAD_PARAMS KilnError naming the layer when the stack is invalid. */
export function assertValidSpec(spec: ModelSpec, head?: OutputHead): Extract<SpecAnalysis, { ok: true }> {
  const a = analyzeSpec(spec, head);
  if (!a.ok) throw new KilnError('BAD_PARAMS', a.message, { field: 'spec.layers', layer: a.layerIndex });
  return a;
}

function fail(message: string, layerIndex: number, layers: LayerInfo[]): SpecAnalysis {
  return { ok: false, message, layerIndex, layers };
}

type LayerResult = { outputShape: number[]; params: number; trainableParams: number; macs: number };

function fmt(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

function layerOutput(layer: LayerSpec, inShape: number[], index: number): LayerResult | string {
  const at = `Layer ${index} (${layer.type}`;
  switch (layer.type) {
    case 'dense': {
      if (inShape.length !== 1) {
        return `${at}) needs a flat input but gets ${fmt(inShape)}; add a flatten layer before it`;
      }
      const n = inShape[0]! * layer.units + layer.units;
      return { outputShape: [layer.units], params: n, trainableParams: n, macs: inShape[0]! * layer.units };
    }
    case 'conv1d': {
      if (inShape.length !== 2) {
        return `${at}) needs input shaped [steps, channels] but gets ${fmt(inShape)}; add a reshape layer before it`;
      }
      const [steps, ch] = inShape as [number, number];
      if (layer.padding === 'valid' && steps < layer.kernelSize) {
        return `${at}, kernel ${layer.kernelSize}) needs at least ${layer.kernelSize} steps but gets ${steps}`;
      }
      const out = windowOutputLength(steps, layer.kernelSize, layer.strides, layer.padding);
      const n = layer.kernelSize * ch * layer.filters + layer.filters;
      return {
        outputShape: [out, layer.filters],
        params: n,
        trainableParams: n,
        macs: out * layer.filters * layer.kernelSize * ch,
      };
    }
    case 'conv2d': {
      if (inShape.length !== 3) {
        return `${at}) needs input shaped [height, width, channels] but gets ${fmt(inShape)}; add a reshape layer before it`;
      }
      const [h, w, ch] = inShape as [number, number, number];
      const k = layer.kernelSize;
      if (layer.padding === 'valid' && (h < k || w < k)) {
        return `${at}, kernel ${k}×${k}) needs at least ${k}×${k} pixels but gets ${h}×${w}`;
      }
      const oh = windowOutputLength(h, k, layer.strides, layer.padding);
      const ow = windowOutputLength(w, k, layer.strides, layer.padding);
      const n = k * k * ch * layer.filters + layer.filters;
      return {
        outputShape: [oh, ow, layer.filters],
        params: n,
        trainableParams: n,
        macs: oh * ow * layer.filters * k * k * ch,
      };
    }
    case 'maxPool1d':
    case 'avgPool1d': {
      if (inShape.length !== 2) {
        return `${at}) needs input shaped [steps, channels] but gets ${fmt(inShape)}`;
      }
      const [steps, ch] = inShape as [number, number];
      const p = layer.poolSize;
      const s = layer.strides ?? p;
      if (layer.padding === 'valid' && steps < p) {
        return `${at}, pool ${p}) needs at least ${p} steps but gets ${steps}`;
      }
      const out = windowOutputLength(steps, p, s, layer.padding);
      return { outputShape: [out, ch], params: 0, trainableParams: 0, macs: out * ch * p };
    }
    case 'maxPool2d':
    case 'avgPool2d': {
      if (inShape.length !== 3) {
        return `${at}) needs input shaped [height, width, channels] but gets ${fmt(inShape)}`;
      }
      const [h, w, ch] = inShape as [number, number, number];
      const p = layer.poolSize;
      const s = layer.strides ?? p;
      if (layer.padding === 'valid' && (h < p || w < p)) {
        return `${at}, pool ${p}×${p}) needs at least ${p}×${p} pixels but gets ${h}×${w}`;
      }
      const oh = windowOutputLength(h, p, s, layer.padding);
      const ow = windowOutputLength(w, p, s, layer.padding);
      return { outputShape: [oh, ow, ch], params: 0, trainableParams: 0, macs: oh * ow * ch * p * p };
    }
    case 'dropout':
      return { outputShape: inShape, params: 0, trainableParams: 0, macs: 0 };
    case 'flatten':
      return { outputShape: [shapeSize(inShape)], params: 0, trainableParams: 0, macs: 0 };
    case 'reshape': {
      const target = layer.targetShape;
      const unknown = target.filter((d) => d === -1).length;
      const size = shapeSize(inShape);
      if (unknown > 1) return `${at}) may infer only one dimension (-1) but ${fmt(target)} has ${unknown}`;
      const known = shapeSize(target.filter((d) => d !== -1));
      if (unknown === 1) {
        if (size % known !== 0) {
          return `${at}) cannot reshape ${size} values (${fmt(inShape)}) into ${fmt(target)}: ${size} is not a multiple of ${known}`;
        }
        return {
          outputShape: target.map((d) => (d === -1 ? size / known : d)),
          params: 0,
          trainableParams: 0,
          macs: 0,
        };
      }
      if (known !== size) {
        return `${at}) cannot reshape ${size} values (${fmt(inShape)}) into ${fmt(target)} (${known} values)`;
      }
      return { outputShape: [...target], params: 0, trainableParams: 0, macs: 0 };
    }
    case 'batchNorm': {
      const ch = inShape[inShape.length - 1]!;
      return { outputShape: inShape, params: 4 * ch, trainableParams: 2 * ch, macs: 2 * shapeSize(inShape) };
    }
  }
}
