/**
 * Batch normalisation (Keras' BatchNormalization at inference): y = γ·(x − mean)/√(var + ε) + β
 * per channel (last axis). ε and the moving-average momentum are Keras' defaults; this is the
 * only place they are defined. Lowering and int8: folded into the dense/conv layer before it
 * when that layer is linear, else a per-channel affine op (docs/int8.md).
 */
import { shapeSize } from '../spec.js';
import type { LayerShape } from './types.js';

export const BN_EPSILON = 1e-3;
export const BN_MOMENTUM = 0.99;

export interface BatchNormTensors {
  gamma: ArrayLike<number>;
  beta: ArrayLike<number>;
  movingMean: ArrayLike<number>;
  movingVariance: ArrayLike<number>;
}

/** The inference-time batch norm as y = x·mul_c + add_c (computed in double). */
export function batchNormAffine(t: BatchNormTensors, channels: number): { mul: Float64Array; add: Float64Array } {
  const mul = new Float64Array(channels);
  const add = new Float64Array(channels);
  for (let c = 0; c < channels; c++) {
    mul[c] = t.gamma[c]! / Math.sqrt(t.movingVariance[c]! + BN_EPSILON);
    add[c] = t.beta[c]! - t.movingMean[c]! * mul[c]!;
  }
  return { mul, add };
}

/**
 * Folds y = x·mul + add into the linear layer before it: weights [out][rest] and bias [out]
 * become w·mul_o and b·mul_o + add_o (in place). Only valid when that layer's activation is
 * linear (Keras applies the activation before the batch norm).
 */
export function foldBatchNorm(weights: Float32Array, bias: Float32Array, bn: { mul: Float64Array; add: Float64Array }): void {
  const out = bias.length;
  const rest = weights.length / out;
  for (let o = 0; o < out; o++) {
    const m = bn.mul[o]!;
    for (let i = 0; i < rest; i++) weights[o * rest + i] = weights[o * rest + i]! * m;
    bias[o] = bias[o]! * m + bn.add[o]!;
  }
}

/** γ, β (trainable) and the moving mean and variance per channel (last axis). */
export function batchNormShape(inShape: readonly number[]): LayerShape {
  const ch = inShape[inShape.length - 1]!;
  return { outputShape: [...inShape], params: 4 * ch, trainableParams: 2 * ch, macs: 2 * shapeSize(inShape) };
}
