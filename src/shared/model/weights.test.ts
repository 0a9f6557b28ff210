import { describe, expect, it } from 'vitest';
import { KilnError } from '../errors.js';
import { decodeWeights, encodeWeights, weightCount, type ModelWeights } from './weights.js';

const weights: ModelWeights = {
  head: { kind: 'classification', classes: 3 },
  tensors: [
    { layer: 'dense_1', name: 'kernel', shape: [2, 3], values: Float32Array.from([1, -2, 3.5, 1e-8, -0, 7]) },
    { layer: 'dense_1', name: 'bias', shape: [3], values: Float32Array.from([0.1, 0.2, 0.3]) },
    { layer: 'ünïcode_é', name: 'gamma', shape: [1], values: Float32Array.from([Math.PI]) },
  ],
};

describe('weights blob', () => {
  it('round-trips bit for bit', () => {
    const bytes = encodeWeights(weights);
    expect(bytes.length % 4).toBe(0);
    const back = decodeWeights(bytes);
    expect(back.head).toEqual(weights.head);
    expect(back.tensors.map((t) => [t.layer, t.name, t.shape])).toEqual(weights.tensors.map((t) => [t.layer, t.name, t.shape]));
    back.tensors.forEach((t, i) => expect(Array.from(t.values)).toEqual(Array.from(weights.tensors[i]!.values)));
    expect(weightCount(back)).toBe(10);
  });

  it('decodes from a view into a larger buffer (as SQLite hands out BLOBs)', () => {
    const bytes = encodeWeights(weights);
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(decodeWeights(big.subarray(3)).tensors[2]!.values[0]).toBeCloseTo(Math.PI, 6);
  });

  it('refuses foreign or truncated bytes', () => {
    expect(() => decodeWeights(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]))).toThrow(KilnError);
    const bytes = encodeWeights(weights);
    expect(() => decodeWeights(bytes.subarray(0, bytes.length - 4))).toThrow(/cut short/);
  });
});
