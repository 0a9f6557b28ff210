import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fftPlan, isPowerOfTwo, nextPowerOfTwo, rfft, rfftMagnitude, rfftPower } from './fft.js';

/** O(n²) reference DFT of a real signal: bins 0…n/2. */
function naiveRdft(x: ArrayLike<number>, n: number): { re: number[]; im: number[] } {
  const re: number[] = [];
  const im: number[] = [];
  for (let k = 0; k <= n >> 1; k++) {
    let sr = 0;
    let si = 0;
    for (let t = 0; t < n; t++) {
      const v = t < x.length ? x[t]! : 0;
      // reduce k·t mod n first so the angle stays small and exact
      const a = (-2 * Math.PI * ((k * t) % n)) / n;
      sr += v * Math.cos(a);
      si += v * Math.sin(a);
    }
    re.push(sr);
    im.push(si);
  }
  return { re, im };
}

const signal = (min: number, max: number) =>
  fc.array(fc.double({ min: -1000, max: 1000, noNaN: true, noDefaultInfinity: true }), { minLength: min, maxLength: max });

describe('fft', () => {
  it('matches a direct DFT for powers of two and other lengths', () => {
    fc.assert(
      fc.property(signal(1, 300), fc.integer({ min: 1, max: 300 }), (xs, n) => {
        const bins = (n >> 1) + 1;
        const re = new Float64Array(bins);
        const im = new Float64Array(bins);
        rfft(xs, n, re, im);
        const ref = naiveRdft(xs, n);
        let energy = 0;
        for (const v of xs.slice(0, n)) energy += v * v;
        const tol = 1e-9 * Math.sqrt(energy * n) + 1e-9;
        for (let k = 0; k < bins; k++) {
          expect(Math.abs(re[k]! - ref.re[k]!)).toBeLessThanOrEqual(tol);
          expect(Math.abs(im[k]! - ref.im[k]!)).toBeLessThanOrEqual(tol);
        }
      }),
      { numRuns: 150, seed: 42 },
    );
  });

  it.each([1, 2, 3, 5, 7, 12, 16, 17, 100, 125, 128, 1000, 1024])('handles length %i exactly as a DFT would', (n) => {
    const xs = Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 3 + (i % 5) - 2);
    const bins = (n >> 1) + 1;
    const re = new Float64Array(bins);
    const im = new Float64Array(bins);
    rfft(xs, n, re, im);
    const ref = naiveRdft(xs, n);
    for (let k = 0; k < bins; k++) {
      expect(re[k]).toBeCloseTo(ref.re[k]!, 7);
      expect(im[k]).toBeCloseTo(ref.im[k]!, 7);
    }
  });

  it('keeps Parseval: Σx² = (1/n)·Σ|X_k|² over the full spectrum', () => {
    fc.assert(
      fc.property(signal(1, 257), (xs) => {
        const n = xs.length;
        const power = new Float64Array((n >> 1) + 1);
        rfftPower(xs, n, power);
        // full spectrum from the half spectrum: interior bins appear twice
        let spectral = power[0]!;
        for (let k = 1; k <= n >> 1; k++) spectral += n % 2 === 0 && k === n >> 1 ? power[k]! : 2 * power[k]!;
        let energy = 0;
        for (const v of xs) energy += v * v;
        expect(Math.abs(spectral / n - energy)).toBeLessThanOrEqual(1e-9 * energy + 1e-9);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  it('zero-pads and truncates like numpy.fft.rfft(x, n)', () => {
    const xs = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
    for (const n of [4, 10, 16, 24]) {
      const bins = (n >> 1) + 1;
      const re = new Float64Array(bins);
      const im = new Float64Array(bins);
      rfft(xs, n, re, im);
      const ref = naiveRdft(xs.slice(0, n), n);
      for (let k = 0; k < bins; k++) expect(re[k]).toBeCloseTo(ref.re[k]!, 9);
    }
  });

  it('reads a slice given offset and length', () => {
    const xs = [9, 9, 1, 2, 3, 9];
    const a = new Float64Array(3);
    const b = new Float64Array(3);
    rfftPower(xs, 4, a, 2, 3);
    rfftPower([1, 2, 3], 4, b);
    expect(Array.from(a)).toEqual(Array.from(b));
  });

  it('magnitude is the square root of power', () => {
    const xs = [0.5, -1, 2, 3, -4, 1, 0];
    const p = new Float64Array(5);
    const m = new Float64Array(5);
    rfftPower(xs, 8, p);
    rfftMagnitude(xs, 8, m);
    for (let k = 0; k < 5; k++) expect(m[k]).toBeCloseTo(Math.sqrt(p[k]!), 12);
  });

  it('is linear and caches plans per length', () => {
    expect(fftPlan(48)).toBe(fftPlan(48));
    fc.assert(
      fc.property(signal(8, 8), signal(8, 8), fc.double({ min: -10, max: 10, noNaN: true }), (a, b, c) => {
        const n = 12;
        const sum = a.map((v, i) => v + c * b[i]!);
        const [ra, ia, rb, ib, rs, is] = Array.from({ length: 6 }, () => new Float64Array(7));
        rfft(a, n, ra!, ia!);
        rfft(b, n, rb!, ib!);
        rfft(sum, n, rs!, is!);
        for (let k = 0; k < 7; k++) {
          expect(rs![k]).toBeCloseTo(ra![k]! + c * rb![k]!, 6);
          expect(is![k]).toBeCloseTo(ia![k]! + c * ib![k]!, 6);
        }
      }),
      { numRuns: 50, seed: 3 },
    );
  });

  it('rejects lengths below 1', () => {
    expect(() => fftPlan(0)).toThrow(RangeError);
    expect(() => fftPlan(2.5)).toThrow(RangeError);
    expect(isPowerOfTwo(64)).toBe(true);
    expect(isPowerOfTwo(96)).toBe(false);
    expect(nextPowerOfTwo(100)).toBe(128);
  });
});
