import { describe, expect, it } from 'vitest';
import { classificationReport, regressionReport } from './metrics.js';

describe('classificationReport', () => {
  // 3 classes, 6 rows
  const scores = new Float32Array([
    0.9,
    0.05,
    0.05, // true 0 → 0
    0.2,
    0.7,
    0.1, //   true 0 → 1
    0.1,
    0.8,
    0.1, //   true 1 → 1
    0.4,
    0.35,
    0.25, // true 1 → uncertain at 0.5 (else 0)
    0.1,
    0.1,
    0.8, //   true 2 → 2
    0.05,
    0.05,
    0.9, // true 2 → 2
  ]);
  const labels = new Int32Array([0, 0, 1, 1, 2, 2]);

  it('builds the confusion matrix and per-class figures', () => {
    const r = classificationReport(scores, labels, 3);
    expect(r.confusion).toEqual([
      [1, 1, 0, 0],
      [1, 1, 0, 0],
      [0, 0, 2, 0],
    ]);
    expect(r.accuracy).toBeCloseTo(4 / 6);
    expect(r.perClass[0]).toEqual({ precision: 0.5, recall: 0.5, f1: 0.5, support: 2 });
    expect(r.perClass[2]).toEqual({ precision: 1, recall: 1, f1: 1, support: 2 });
    expect(r.weightedF1).toBeCloseTo((0.5 * 2 + 0.5 * 2 + 1 * 2) / 6);
  });

  it('counts low-confidence rows as uncertain, not as a class', () => {
    const r = classificationReport(scores, labels, 3, 0.5);
    expect(r.uncertain).toBe(1);
    expect(r.confusion[1]).toEqual([0, 1, 0, 1]);
    expect(r.predicted[3]).toBe(-1);
    expect(r.accuracy).toBeCloseTo(4 / 6);
    expect(r.perClass[0]!.precision).toBe(1);
    expect(r.perClass[1]!.recall).toBe(0.5);
  });

  it('rejects labels out of range and mismatched sizes', () => {
    expect(() => classificationReport(scores, new Int32Array([0, 0, 1, 1, 2, 3]), 3)).toThrow(/label 3/);
    expect(() => classificationReport(scores, labels, 2)).toThrow(/scores/);
  });
});

describe('regressionReport', () => {
  it('computes MSE and MAE', () => {
    const r = regressionReport([1, 2, 4], [1, 3, 2]);
    expect(r.mse).toBeCloseTo(5 / 3);
    expect(r.mae).toBeCloseTo(1);
  });
});
