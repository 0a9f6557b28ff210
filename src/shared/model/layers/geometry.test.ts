import { describe, expect, it } from 'vitest';
import { batchNormAffine, BN_EPSILON, foldBatchNorm } from './batchNorm';
import { convGeometry } from './conv';
import { padding, windowGeometry, windowOutputLength } from './geometry';
import { poolGeometry } from './pool';

describe('layer geometry and batch-norm folding', () => {
  it("follows TensorFlow: 'same' keeps ceil(n / s) positions and pads the odd extra position at the end", () => {
    expect(windowOutputLength(10, 3, 2, 'same')).toBe(5);
    expect(windowOutputLength(10, 3, 2, 'valid')).toBe(4);
    // total padding (5 − 1)·2 + 4 − 10 = 2 → 1 before, 1 after; (5 − 1)·2 + 3 − 10 = 1 → 0 before, 1 after
    expect(padding(10, 5, 4, 2, 'same')).toEqual([1, 1]);
    expect(padding(10, 5, 3, 2, 'same')).toEqual([0, 1]);
    expect(padding(10, 4, 3, 2, 'valid')).toEqual([0, 0]);
    expect(windowGeometry([7, 6, 2], [4, 3, 5], 3, 3, 2, 2, 'same')).toEqual({
      h: 7,
      w: 6,
      c: 2,
      kh: 3,
      kw: 3,
      sh: 2,
      sw: 2,
      oh: 4,
      ow: 3,
      padTop: 1,
      padLeft: 0,
    });
  });

  it('runs 1-D layers as 2-D ones of height 1, pool strides defaulting to the pool size', () => {
    const conv = convGeometry({ type: 'conv1d', filters: 4, kernelSize: 5, strides: 1, padding: 'same', activation: 'relu' }, [20, 3], [20, 4]);
    expect(conv).toMatchObject({ h: 1, kh: 1, sh: 1, oh: 1, padTop: 0, w: 20, kw: 5, padLeft: 2 });
    const pool = poolGeometry({ type: 'maxPool1d', poolSize: 3, padding: 'same' }, [10, 2], [4, 2]);
    // (4 − 1)·3 + 3 − 10 = 2 padded positions: 1 before
    expect(pool).toMatchObject({ kw: 3, sw: 3, ow: 4, padLeft: 1 });
  });

  it("folds batch norm (Keras' epsilon 1e-3) into the linear layer before it", () => {
    expect(BN_EPSILON).toBe(1e-3);
    const bn = batchNormAffine({ gamma: [3, 1], beta: [0.5, 0], movingMean: [1, -1], movingVariance: [4 - 1e-3, 1 - 1e-3] }, 2);
    expect(bn.mul[0]).toBeCloseTo(1.5, 12);
    expect(bn.mul[1]).toBeCloseTo(1, 12);
    expect(bn.add[0]).toBeCloseTo(0.5 - 1.5, 12);
    expect(bn.add[1]).toBeCloseTo(1, 12);
    // y = bn(w·x + b) for x = [1, 2]: [[1, 1], [2, −1]] and b = [0, 1]
    const w = Float32Array.from([1, 1, 2, -1]);
    const b = Float32Array.from([0, 1]);
    foldBatchNorm(w, b, bn);
    const y = [0, 1].map((o) => w[o * 2]! * 1 + w[o * 2 + 1]! * 2 + b[o]!);
    expect(y[0]).toBeCloseTo((3 - 1) * 1.5 + 0.5, 6);
    expect(y[1]).toBeCloseTo((0 + 1 + 1) * 1, 6);
  });
});
