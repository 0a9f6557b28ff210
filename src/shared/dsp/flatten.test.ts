import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KilnError } from '../errors.js';
import { flattenBlock } from './flatten.js';
import { rawBlock } from './raw.js';

const input = (values: number[], axes = ['x', 'y']) => ({ axes, frequencyHz: 50, values: Float32Array.from(values) });

describe('flatten', () => {
  it('computes the enabled statistics per axis, axis-major, with one label per statistic', () => {
    const out = flattenBlock.run(input([1, 10, 2, 20, 3, 30, 6, 60]), {});
    expect(out.labels).toEqual(['Average', 'Minimum', 'Maximum', 'RMS', 'Stdev', 'Skewness', 'Kurtosis']);
    expect(out.features).toHaveLength(14);
    const x = Array.from(out.features.subarray(0, 7));
    expect(x[0]).toBeCloseTo(3, 6);
    expect(x[1]).toBe(1);
    expect(x[2]).toBe(6);
    expect(x[3]).toBeCloseTo(Math.sqrt(50 / 4), 6);
    expect(x[4]).toBeCloseTo(Math.sqrt(14 / 4), 6);
    // y = 10·x: same shape statistics
    expect(out.features[12]).toBeCloseTo(x[5]!, 5);
    expect(out.features[13]).toBeCloseTo(x[6]!, 5);
    expect(flattenBlock.outputShape({ axes: 2, frequencyHz: 50, readings: 4 }, {}).length).toBe(14);
  });

  it('scales before computing and keeps only the chosen statistics', () => {
    const out = flattenBlock.run(input([1, -1, 3, -3]), {
      'scale-axes': 2,
      average: true,
      minimum: false,
      maximum: false,
      rms: true,
      stdev: false,
      skewness: false,
      kurtosis: false,
    });
    expect(out.labels).toEqual(['Average', 'RMS']);
    expect(Array.from(out.features)).toEqual([4, Math.fround(Math.sqrt(20)), -4, Math.fround(Math.sqrt(20))]);
  });

  it('reports 0 skewness and kurtosis for a constant axis', () => {
    const out = flattenBlock.run(input([5, 5, 5], ['t']), {});
    expect(out.features[5]).toBe(0);
    expect(out.features[6]).toBe(0);
  });

  it('matches naive formulas on random data', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 2, maxLength: 60 }), (xs) => {
        const values = xs.map(Math.fround);
        const out = flattenBlock.run(input(values, ['v']), {});
        const n = values.length;
        const mean = values.reduce((s, v) => s + v, 0) / n;
        expect(out.features[0]).toBeCloseTo(mean, 3);
        expect(out.features[1] === Math.min(...values)).toBe(true);
        expect(out.features[2] === Math.max(...values)).toBe(true);
        expect(out.features[4]).toBeCloseTo(Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / n), 3);
      }),
      { numRuns: 100, seed: 41 },
    );
  });

  it('rejects no statistics, bad flags and bad data', () => {
    const none = { average: false, minimum: false, maximum: false, rms: false, stdev: false, skewness: false, kurtosis: false };
    expect(() => flattenBlock.run(input([1, 2]), none)).toThrow(KilnError);
    expect(() => flattenBlock.run(input([1, 2]), { rms: 'sometimes' })).toThrow(/"rms"/);
    expect(() => flattenBlock.run(input([1, 2, 3]), {})).toThrow(/do not split into readings of 2 axes/);
    expect(() => flattenBlock.run(input([1, NaN]), {})).toThrow(/axis "y" is NaN/);
  });
});

describe('raw', () => {
  it('passes values through, multiplied by scale-axes', () => {
    expect(Array.from(rawBlock.run(input([1, 2, 3, 4]), {}).features)).toEqual([1, 2, 3, 4]);
    expect(Array.from(rawBlock.run(input([1, 2, 3, 4]), { 'scale-axes': 0.5 }).features)).toEqual([0.5, 1, 1.5, 2]);
    expect(rawBlock.outputShape({ axes: 3, frequencyHz: 100, readings: 200 }, {})).toEqual({ length: 600, shape: { type: 'flat', width: 600 } });
  });

  it('rejects bad scale and bad data', () => {
    expect(() => rawBlock.run(input([1, 2]), { 'scale-axes': 'big' })).toThrow(/"scale-axes"/);
    expect(() => rawBlock.run(input([1, 2, 3]), {})).toThrow(KilnError);
    expect(() => rawBlock.run(input([Infinity, 2]), {})).toThrow(/Infinity/);
  });
});
