import { describe, expect, it } from 'vitest';
import { pca, poolRow, standardise, umap } from './explore';
import { mulberry32 } from './random';

describe('feature projections', () => {
  it('finds the direction of largest variance first, with its share of the variance', () => {
    const random = mulberry32(3);
    // points along (1, 1, 0) with small noise: the first component is ±(1, 1, 0)/√2
    const rows = Array.from({ length: 300 }, () => {
      const t = (random() - 0.5) * 10;
      return Float64Array.from([t + 0.05 * (random() - 0.5), t + 0.05 * (random() - 0.5), 0.05 * (random() - 0.5)]);
    });
    const mean = [0, 1, 2].map((j) => rows.reduce((s, r) => s + r[j]!, 0) / rows.length);
    for (const r of rows) for (let j = 0; j < 3; j++) r[j] = r[j]! - mean[j]!;
    const { projected, explained } = pca(rows, 3, 2);
    expect(explained[0]).toBeGreaterThan(0.99);
    expect(explained[1]).toBeLessThan(0.01);
    // projection on the first component = (x + y)/√2
    expect(Math.abs(projected[0]![0]!)).toBeCloseTo(Math.abs((rows[0]![0]! + rows[0]![1]!) / Math.SQRT2), 3);
  });

  it('standardises columns and leaves constant columns at 0', () => {
    const rows = [Float64Array.from([1, 5]), Float64Array.from([3, 5]), Float64Array.from([5, 5])];
    standardise(rows, 2);
    expect(rows.map((r) => r[0])).toEqual([-1, 0, 1]);
    expect(rows.map((r) => r[1])).toEqual([0, 0, 0]);
  });

  it('averages long rows down and gives the same UMAP layout for the same seed', () => {
    expect(Array.from(poolRow(Float64Array.from([1, 3, 5, 7]), 2))).toEqual([2, 6]);
    const short = Float64Array.from([1, 2]);
    expect(poolRow(short, 2)).toBe(short);
    const random = mulberry32(9);
    const rows = Array.from({ length: 40 }, (_, i) => Float64Array.from({ length: 5 }, () => (i < 20 ? 0 : 3) + random()));
    expect(umap(rows, 5, 2, 4)).toEqual(umap(rows, 5, 2, 4));
  });
});
