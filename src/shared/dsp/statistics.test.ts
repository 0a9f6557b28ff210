import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { crossingRate, histogramEntropy, kurtosis, mean, rms, skewness, sortedPercentile, stdev, variance } from './statistics.js';

const sample = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 2, maxLength: 200 });

function naive(xs: number[]) {
  const n = xs.length;
  const mu = xs.reduce((s, v) => s + v, 0) / n;
  const m = (k: number) => xs.reduce((s, v) => s + (v - mu) ** k, 0) / n;
  return { mu, m2: m(2), m3: m(3), m4: m(4), n };
}

const close = (a: number, b: number, rel = 1e-9) => expect(Math.abs(a - b)).toBeLessThanOrEqual(rel * (1 + Math.abs(b)));

describe('statistics (scipy definitions)', () => {
  it('match the naive population formulas', () => {
    fc.assert(
      fc.property(sample, (xs) => {
        const { mu, m2, m3, m4, n } = naive(xs);
        close(mean(xs), mu);
        close(rms(xs), Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / n));
        close(stdev(xs), Math.sqrt(m2));
        close(variance(xs, 1), (m2 * n) / (n - 1));
        if (m2 > 1e-9 * (1 + mu * mu)) {
          close(skewness(xs), m3 / m2 ** 1.5, 1e-6);
          close(kurtosis(xs), m4 / (m2 * m2) - 3, 1e-6);
        }
      }),
      { numRuns: 300, seed: 31 },
    );
  });

  it('skewness flips sign and kurtosis is unchanged under x → a·x + b', () => {
    fc.assert(
      fc.property(sample, fc.double({ min: 0.1, max: 10, noNaN: true }), fc.double({ min: -100, max: 100, noNaN: true }), (xs, a, b) => {
        if (naive(xs).m2 < 1e-3) return;
        const ys = xs.map((v) => -a * v + b);
        close(skewness(ys), -skewness(xs), 1e-6);
        close(kurtosis(ys), kurtosis(xs), 1e-6);
      }),
      { numRuns: 200, seed: 32 },
    );
  });

  it('knows a few exact values', () => {
    expect(skewness([1, 2, 3])).toBeCloseTo(0, 14);
    // two-point symmetric distribution: kurtosis 1 − 3
    expect(kurtosis([-1, 1, -1, 1])).toBeCloseTo(-2, 14);
    expect(skewness([0, 0, 0, 1])).toBeCloseTo(1.1547005383792517, 12);
    expect(stdev([2, 4, 4, 4, 5, 5, 7, 9])).toBe(2);
  });

  it('gives 0 (not NaN) for a constant signal, where scipy returns NaN', () => {
    expect(skewness([3.3, 3.3, 3.3])).toBe(0);
    expect(kurtosis([3.3, 3.3, 3.3])).toBe(0);
    expect(kurtosis([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1])).toBe(0);
  });

  it('respects offset and length', () => {
    const xs = [100, 1, 2, 3, 4, 100];
    expect(mean(xs, 1, 4)).toBe(2.5);
    expect(rms(xs, 1, 4)).toBeCloseTo(Math.sqrt(7.5), 14);
  });
});

describe('histogramEntropy', () => {
  it('is ln(100) for values spread one per bin, and 0 for a constant', () => {
    const spread = Array.from({ length: 100 }, (_, i) => i + 0.5);
    expect(histogramEntropy(spread, 0, 100)).toBeCloseTo(Math.log(100), 12);
    expect(histogramEntropy([4, 4, 4, 4], 0, 4)).toBe(0);
  });

  it('puts the maximum in the last bin and splits two clusters evenly', () => {
    const xs = [0, 0, 0, 1, 1, 1];
    expect(histogramEntropy(xs, 0, 6)).toBeCloseTo(Math.log(2), 14);
  });
});

describe('crossingRate and sortedPercentile', () => {
  it('count changes of side divided by n', () => {
    expect(crossingRate([1, -1, 1, -1], 0, 4, 0)).toBe(0.75);
    expect(crossingRate([0, 0, 1, 0], 0, 4, 0)).toBe(0.5);
    expect(crossingRate([5, 6, 7, 8], 0, 4, 6.5)).toBe(0.25);
  });

  it("round the index half up like Edge Impulse's int(x + 0.5)", () => {
    const sorted = [10, 20, 30, 40, 50];
    expect(sortedPercentile(sorted, 5, 50)).toBe(30);
    expect(sortedPercentile(sorted, 5, 25)).toBe(20);
    expect(sortedPercentile(sorted, 5, 95)).toBe(50);
    expect(sortedPercentile(sorted, 5, 5)).toBe(10);
  });
});
