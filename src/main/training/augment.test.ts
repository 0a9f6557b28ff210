import { describe, expect, it } from 'vitest';
import { createRng } from '../../shared/model/random.js';
import { createAugmenter } from './augment.js';

/** 5 frames × 3 coefficients, value = frame * 10 + coefficient + 1 */
const row = () => Float32Array.from({ length: 15 }, (_, i) => Math.floor(i / 3) * 10 + (i % 3) + 1);

describe('createAugmenter', () => {
  it('is off when nothing is set', () => {
    expect(createAugmenter(undefined, [5, 3], 1)).toBeNull();
    expect(createAugmenter({ noise: 0, timeShift: 0 }, [5, 3], 1)).toBeNull();
  });

  it('shifts whole frames and fills with zeros', () => {
    const aug = createAugmenter({ timeShift: 2 }, [5, 3], 1)!;
    const rng = createRng(1);
    const seen = new Set<number>();
    for (let k = 0; k < 40; k++) {
      const r = row();
      aug.apply(r, rng);
      // find the shift from where frame 0's first value landed
      const first = r.findIndex((v) => v === 1);
      const shift = first >= 0 ? first / 3 : -(r[0]! - 1) / 10;
      seen.add(shift);
      for (let t = 0; t < 5; t++) {
        const src = t - shift;
        for (let c = 0; c < 3; c++) expect(r[t * 3 + c]).toBe(src >= 0 && src < 5 ? src * 10 + c + 1 : 0);
      }
    }
    expect([...seen].sort()).toEqual([-1, -2, 0, 1, 2]);
  });

  it('masks a band of coefficients and a run of frames', () => {
    const aug = createAugmenter({ freqMask: 2, timeMask: 2 }, [5, 3], 1)!;
    const rng = createRng(2);
    let zeroed = 0;
    for (let k = 0; k < 20; k++) {
      const r = row();
      aug.apply(r, rng);
      zeroed += r.filter((v) => v === 0).length;
      // a zeroed value is either in a zeroed frame or a zeroed coefficient column
      for (let i = 0; i < 15; i++) {
        if (r[i] !== 0) expect(r[i]).toBe(row()[i]);
      }
    }
    expect(zeroed).toBeGreaterThan(0);
  });

  it('adds noise scaled by the feature std, the same for the same seed', () => {
    const aug = createAugmenter({ noise: 0.5 }, [15], 2)!;
    const a = row();
    const b = row();
    aug.apply(a, createRng(3));
    aug.apply(b, createRng(3));
    expect(Array.from(a)).toEqual(Array.from(b));
    const diffs = Array.from(a, (v, i) => v - row()[i]!);
    const std = Math.sqrt(diffs.reduce((s, d) => s + d * d, 0) / diffs.length);
    expect(std).toBeGreaterThan(0.4);
    expect(std).toBeLessThan(1.8);
  });

  it('refuses time-based augmentation on flat features and negative values', () => {
    expect(() => createAugmenter({ timeMask: 2 }, [33], 1)).toThrow(/\[frames, coefficients\]/);
    expect(() => createAugmenter({ noise: -1 }, [33], 1)).toThrow(/"noise" must be a number ≥ 0/);
  });
});
