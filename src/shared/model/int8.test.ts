import { describe, expect, it } from 'vitest';
import { dequantize, int8FromJson, int8ToJson, quantize, quantizeModel, quantParamsFor, runInt8 } from './int8';
import type { ModelSpec } from './spec';

describe('int8 quantization', () => {
  it('maps the calibration range onto -128…127 with an exact zero', () => {
    const q = quantParamsFor({ min: -1, max: 3 });
    expect(quantize(-1, q)).toBe(-128);
    expect(quantize(3, q)).toBe(127);
    expect(dequantize(quantize(0, q), q)).toBe(0);
    // values outside the range saturate
    expect(quantize(100, q)).toBe(127);
    expect(quantize(-100, q)).toBe(-128);
    // a range that excludes 0 is widened to include it (zero padding must be exact)
    const pos = quantParamsFor({ min: 2, max: 4 });
    expect(dequantize(quantize(0, pos), pos)).toBe(0);
    for (const x of [0.5, 1.7, 3.9]) expect(Math.abs(dequantize(quantize(x, pos), pos) - x)).toBeLessThanOrEqual(pos.scale / 2 + 1e-9);
  });

  it('refuses non-finite ranges and a wrong number of ranges', () => {
    expect(() => quantParamsFor({ min: NaN, max: 1 })).toThrow(/not finite/);
    const spec: ModelSpec = { inputShape: [2], layers: [] };
    expect(() => quantizeModel(spec, { kind: 'regression' }, [], [{ min: 0, max: 1 }])).toThrow(/needs 2 calibration ranges/);
  });

  it('runs a hand-made dense layer in integers close to the float result, and survives JSON storage', () => {
    const spec: ModelSpec = { inputShape: [2], layers: [] };
    const tensors = [
      { layer: 'output', name: 'kernel', shape: [2, 1], values: [0.5, -0.25] },
      { layer: 'output', name: 'bias', shape: [1], values: [0.1] },
    ];
    const m = quantizeModel(spec, { kind: 'regression' }, tensors, [
      { min: -2, max: 2 },
      { min: -1.5, max: 1.5 },
    ]);
    const x = Float32Array.from([1, 1, -2, 0.5, 0.3, -0.7]);
    const y = runInt8(m, x);
    const want = [0.5 - 0.25 + 0.1, -1 - 0.125 + 0.1, 0.15 + 0.175 + 0.1];
    want.forEach((w, i) => expect(Math.abs(y[i]! - w)).toBeLessThan(0.03));
    expect(Array.from(runInt8(int8FromJson(int8ToJson(m)), x))).toEqual(Array.from(y));
    expect(() => runInt8(m, new Float32Array(3))).toThrow(/not a whole number of rows of 2/);
  });
});
