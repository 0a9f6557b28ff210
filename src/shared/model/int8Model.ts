/**
 * The integer program of a quantized network: every constant an engine needs at run time, as
 * integers or tables computed at quantization time. The TypeScript int8 engine (`int8.ts`) and the
 * exported C library both execute exactly this; the rules are in docs/int8.md.
 */
import type { OutputHead } from './spec.js';

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** Per-output-channel fixed-point requantization: multiplier in [2^30, 2^31) (or 0), shift > 0 = left. */
export interface Requant {
  multiplier: Int32Array;
  shift: Int32Array;
}

/** Per-feature standardisation of DSP features before the network (float32 and int8 alike). */
export interface FeatureScaling {
  mean: Float32Array;
  invStd: Float32Array;
}

/** Convolution / pooling geometry; 1-D layers have h = kh = sh = oh = 1 and padTop = 0. */
export interface Geometry {
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  oh: number;
  ow: number;
  padTop: number;
  padLeft: number;
}

interface Affine {
  /** int32 bias per output channel (not folded with the input zero point) */
  bias: Int32Array;
  requant: Requant;
  inputZeroPoint: number;
  outputZeroPoint: number;
  /** fused activation as clamp bounds on the int8 output */
  actMin: number;
  actMax: number;
}

export type Int8Op =
  | ({ op: 'dense'; name: string; inSize: number; units: number; /** [units][inSize] */ weights: Int8Array } & Affine)
  | ({ op: 'conv'; name: string; g: Geometry; filters: number; /** [filters][kh][kw][c] */ weights: Int8Array } & Affine)
  /** batch norm not preceded by dense/conv: y_c = requant(bias_c + (x − zx)·w_c) per channel */
  | ({ op: 'channelAffine'; name: string; channels: number; size: number; weights: Int8Array } & Affine)
  | { op: 'maxPool' | 'avgPool'; name: string; g: Geometry }
  /** tanh / sigmoid: y = table[x + 128] */
  | { op: 'lut'; name: string; size: number; table: Int8Array }
  /** classifier output: softmax to scale 1/256, zero point −128 (see docs/int8.md) */
  | { op: 'softmax'; name: string; size: number; /** 256 entries, expTable[d] = round(exp(−d·s)·2^20) */ expTable: Int32Array };

export interface Int8Model {
  /** format version of this structure */
  version: 2;
  head: OutputHead;
  /** features per row (network input length) */
  inSize: number;
  /** values per output row (classes, or 1 for regression) */
  outSize: number;
  scaling: FeatureScaling | null;
  input: QuantParams;
  /** 1 / input.scale rounded to float32: the value both engines multiply by */
  inputInvScale: number;
  ops: Int8Op[];
  /** quantization of the final output (1/256, −128 after softmax) */
  output: QuantParams;
  /** int8 values of every op's output, in order (for arena planning): op i writes outSizes[i] values */
  outSizes: number[];
  /** bytes of weights, biases and requantization constants */
  sizeBytes: number;
}
