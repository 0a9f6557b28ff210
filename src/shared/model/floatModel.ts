/**
 * A trained float32 network lowered to a flat list of operations, batch norm folded into the
 * preceding dense/conv layer (docs/int8.md), dropout/flatten/reshape removed. What the exported
 * C library's float32 path and any other straight-line engine run.
 */
import type { Activation, OutputHead } from './spec.js';
import type { FeatureScaling, Geometry } from './int8Model.js';

export type FloatOp =
  | { op: 'dense'; name: string; inSize: number; units: number; /** [units][inSize] */ weights: Float32Array; bias: Float32Array; activation: Activation }
  | { op: 'conv'; name: string; g: Geometry; filters: number; /** [filters][kh][kw][c] */ weights: Float32Array; bias: Float32Array; activation: Activation }
  /** batch norm not preceded by dense/conv: y = x·mul_c + add_c */
  | { op: 'channelAffine'; name: string; channels: number; size: number; mul: Float32Array; add: Float32Array }
  | { op: 'maxPool' | 'avgPool'; name: string; g: Geometry }
  | { op: 'activation'; name: string; size: number; activation: 'tanh' | 'sigmoid' }
  | { op: 'softmax'; name: string; size: number };

export interface FloatModel {
  head: OutputHead;
  inSize: number;
  outSize: number;
  scaling: FeatureScaling | null;
  ops: FloatOp[];
  /** float values of every op's output, in order (for arena planning) */
  outSizes: number[];
}
