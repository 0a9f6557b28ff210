import { describe, expect, it } from 'vitest';
import { applyScaling, computeScaling, scalingFromJson, scalingToJson } from './scaling';

describe('feature scaling', () => {
  // three features of very different ranges (as spectral features are), one of them constant
  const features = Float32Array.from([1, 1000, 5, 3, 3000, 5, 5, 2000, 5, 100, -9, 5]);

  it('standardises each feature with the mean and 1/std of the rows it is fitted on', () => {
    const s = computeScaling(features, 3, [0, 1, 2]);
    expect(Array.from(s.mean)).toEqual([3, 2000, 5]);
    expect(s.invStd[0]).toBeCloseTo(1 / Math.sqrt(8 / 3), 6);
    expect(s.invStd[1]).toBeCloseTo(1 / Math.sqrt(2e6 / 3), 9);
    // a constant feature is only centred, never divided by ~0
    expect(s.invStd[2]).toBe(1);
    const y = applyScaling(s, features.subarray(0, 9));
    for (let i = 0; i < 3; i++) {
      const col = [y[i]!, y[3 + i]!, y[6 + i]!];
      expect(col.reduce((a, b) => a + b, 0)).toBeCloseTo(0, 5);
    }
    expect(y[0]).toBeCloseTo(-Math.sqrt(3 / 2), 5);
    // the row left out (an outlier) did not shape the statistics
    expect(computeScaling(features, 3).mean[0]).toBe(27.25);
  });

  it('rounds to float32 after the subtraction and after the multiplication', () => {
    const s = { mean: Float32Array.from([0.1]), invStd: Float32Array.from([3]) };
    const x = Float32Array.from([0.7]);
    expect(applyScaling(s, x)[0]).toBe(Math.fround(Math.fround(Math.fround(0.7) - Math.fround(0.1)) * 3));
    expect(() => applyScaling(s, new Float32Array(0))).not.toThrow();
    expect(() => applyScaling({ mean: new Float32Array(2), invStd: new Float32Array(2) }, new Float32Array(3))).toThrow(/rows of 2/);
  });

  it('is stored as JSON, reads old models without scaling as none, and names a malformed one', () => {
    const s = computeScaling(features, 3);
    const back = scalingFromJson(JSON.parse(JSON.stringify(scalingToJson(s))));
    expect(Array.from(back!.mean)).toEqual(Array.from(s.mean));
    expect(Array.from(back!.invStd)).toEqual(Array.from(s.invStd));
    expect(scalingFromJson(undefined)).toBeNull();
    expect(scalingFromJson(null)).toBeNull();
    expect(() => scalingFromJson({ mean: [1, 2], invStd: [1] }, 'feature scaling of model #3')).toThrow(/feature scaling of model #3 is malformed/);
    expect(() => computeScaling(new Float32Array(0), 3)).toThrow(/at least one training row/);
  });
});
