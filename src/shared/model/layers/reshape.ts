/**
 * Dropout, flatten and reshape: no parameters, and no operation at inference (channels-last,
 * row-major data is already in the target order); dropout masks only while training.
 */
import type { LayerSpec } from '../spec.js';
import { shapeSize } from '../spec.js';
import { type LayerShapeResult, fmtShape } from './types.js';

type Reshape = Extract<LayerSpec, { type: 'reshape' }>;

export function dropoutShape(inShape: readonly number[]): LayerShapeResult {
  return { outputShape: [...inShape], params: 0, trainableParams: 0, macs: 0 };
}

export function flattenShape(inShape: readonly number[]): LayerShapeResult {
  return { outputShape: [shapeSize(inShape)], params: 0, trainableParams: 0, macs: 0 };
}

export function reshapeShape(layer: Reshape, inShape: readonly number[], at: string): LayerShapeResult {
  const target = layer.targetShape;
  const unknown = target.filter((d) => d === -1).length;
  const size = shapeSize(inShape);
  if (unknown > 1) return `${at}) may infer only one dimension (-1) but ${fmtShape(target)} has ${unknown}`;
  const known = shapeSize(target.filter((d) => d !== -1));
  if (unknown === 1) {
    if (size % known !== 0)
      return `${at}) cannot reshape ${size} values (${fmtShape(inShape)}) into ${fmtShape(target)}: ${size} is not a multiple of ${known}`;
    return { outputShape: target.map((d) => (d === -1 ? size / known : d)), params: 0, trainableParams: 0, macs: 0 };
  }
  if (known !== size) return `${at}) cannot reshape ${size} values (${fmtShape(inShape)}) into ${fmtShape(target)} (${known} values)`;
  return { outputShape: [...target], params: 0, trainableParams: 0, macs: 0 };
}
