/**
 * Static analysis of a network: output shape, parameter count and MACs per layer, and a clear
 * explanation when the stack cannot work ("Layer 3 (conv1d, kernel 5) needs at least 5 steps
 * but gets 3").
 */
import { KilnError } from '../errors.js';
import { denseShape } from './layers/dense.js';
import { layerShape } from './layers/index.js';
import { type LayerSpec, type ModelSpec, type OutputHead, layerNames, OUTPUT_LAYER_NAME } from './spec.js';

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

export { windowOutputLength } from './layers/geometry.js';

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
    const r = layerShape(layer, shape, i + 1);
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
    const r = denseShape(units, shape, 'The output layer (dense') as Exclude<ReturnType<typeof denseShape>, string>;
    layers.push({ index: spec.layers.length + 1, name: OUTPUT_LAYER_NAME, type: 'output', inputShape: shape, ...r });
    shape = r.outputShape;
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
