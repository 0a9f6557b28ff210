import { describe, expect, it } from 'vitest';
import { KilnError } from '../errors.js';
import { anomalyScore, anomalyScores, trainGmm, trainKMeans } from './anomaly.js';
import { createRng } from './random.js';

/** Three tight 2-D clusters in the first two of 4 values per row; values 3–4 are pure noise. */
function clusters(rows: number, seed: number) {
  const rng = createRng(seed);
  const centres = [
    [0, 0],
    [10, 0],
    [0, 10],
  ];
  const features = new Float32Array(rows * 4);
  for (let r = 0; r < rows; r++) {
    const c = centres[r % 3]!;
    features[r * 4] = c[0]! + rng.normal() * 0.5;
    features[r * 4 + 1] = c[1]! + rng.normal() * 0.5;
    features[r * 4 + 2] = rng.normal() * 100;
    features[r * 4 + 3] = 7;
  }
  return features;
}

const normal = [
  [0.2, -0.3, 50, 7],
  [10.3, 0.1, -80, 7],
  [-0.1, 9.8, 0, 7],
];
const outliers = [
  [5, 5, 0, 7],
  [20, 20, 0, 7],
  [-6, 0, 0, 7],
  [10, 10, 0, 7],
];

describe('K-means anomaly block', () => {
  const data = clusters(300, 1);
  const model = trainKMeans(data, 4, { clusters: 3, axes: [0, 1], seed: 42 });

  it('finds the clusters and scores outliers above the suggested threshold', () => {
    expect([...model.sizes].sort()).toEqual([100, 100, 100]);
    for (const row of normal) expect(anomalyScore(model, row)).toBeLessThan(model.suggestedThreshold);
    for (const row of outliers) expect(anomalyScore(model, row)).toBeGreaterThan(model.suggestedThreshold + 0.5);
    const scores = anomalyScores(model, data, 4);
    expect(scores.filter((s) => s > model.suggestedThreshold).length).toBeLessThanOrEqual(3);
  });

  it('is deterministic per seed', () => {
    const again = trainKMeans(data, 4, { clusters: 3, axes: [0, 1], seed: 42 });
    expect(again).toEqual(model);
    const other = trainKMeans(data, 4, { clusters: 5, axes: [0, 1], seed: 7 });
    const other2 = trainKMeans(data, 4, { clusters: 5, axes: [0, 1], seed: 8 });
    expect(other.centroids).not.toEqual(other2.centroids);
  });

  it('refuses unusable input with a clear message', () => {
    expect(() => trainKMeans(data, 4, { clusters: 3, axes: [0, 4], seed: 1 })).toThrow(/axis 4 does not exist/);
    expect(() => trainKMeans(data.subarray(0, 8), 4, { clusters: 3, seed: 1 })).toThrow(/at least 3 training rows, got 2/);
    const bad = data.slice();
    bad[9] = NaN;
    expect(() => trainKMeans(bad, 4, { clusters: 3, seed: 1 })).toThrow(KilnError);
  });
});

describe('GMM anomaly block', () => {
  const data = clusters(300, 2);
  for (const covariance of ['diagonal', 'full'] as const) {
    it(`${covariance} covariance: detects outliers and is deterministic`, () => {
      const model = trainGmm(data, 4, { components: 3, covariance, axes: [0, 1], seed: 3 });
      expect(model.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1);
      expect(model.converged).toBe(true);
      for (const row of normal) expect(anomalyScore(model, row)).toBeLessThan(model.suggestedThreshold);
      for (const row of outliers) expect(anomalyScore(model, row)).toBeGreaterThan(model.suggestedThreshold + 5);
      expect(trainGmm(data, 4, { components: 3, covariance, axes: [0, 1], seed: 3 })).toEqual(model);
    });
  }

  it('full covariance follows a tilted cluster that a diagonal one cannot', () => {
    const rng = createRng(9);
    const rows = 400;
    const f = new Float32Array(rows * 2);
    for (let r = 0; r < rows; r++) {
      const t = rng.normal() * 3;
      f[r * 2] = t + rng.normal() * 0.1;
      f[r * 2 + 1] = t + rng.normal() * 0.1;
    }
    const full = trainGmm(f, 2, { components: 1, covariance: 'full', seed: 1 });
    const diag = trainGmm(f, 2, { components: 1, covariance: 'diagonal', seed: 1 });
    const offDiagonal = [2, -2];
    expect(anomalyScore(full, offDiagonal)).toBeGreaterThan(full.suggestedThreshold + 10);
    expect(anomalyScore(diag, offDiagonal)).toBeLessThan(diag.suggestedThreshold);
  });
});
