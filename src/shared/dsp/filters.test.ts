import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DECIMATION_STAGES,
  butterworthIsStableOnDevice,
  butterworthSos,
  chebyshev1Sos,
  decimate,
  decimatedLength,
  sosFilter,
  sosMagnitude,
  sosMaxPoleRadius,
  sosSteadyState,
} from './filters.js';

const cutoff = fc.double({ min: 0.005, max: 0.95, noNaN: true });
const order = fc.integer({ min: 1, max: 10 });

describe('Butterworth design', () => {
  it('matches the closed-form 2nd-order bilinear design', () => {
    const wn = 0.2;
    const k = Math.tan((Math.PI * wn) / 2);
    const norm = 1 / (1 + Math.SQRT2 * k + k * k);
    const sos = butterworthSos(2, wn, 'low');
    expect(sos[0]).toBeCloseTo(k * k * norm, 14);
    expect(sos[1]).toBeCloseTo(2 * k * k * norm, 14);
    expect(sos[2]).toBeCloseTo(k * k * norm, 14);
    expect(sos[3]).toBe(1);
    expect(sos[4]).toBeCloseTo(2 * (k * k - 1) * norm, 14);
    expect(sos[5]).toBeCloseTo((1 - Math.SQRT2 * k + k * k) * norm, 14);
  });

  it('reproduces scipy.signal.butter(6, 0.096, output="sos")', () => {
    // first and last section as scipy 1.17 prints them
    const sos = butterworthSos(6, 0.096, 'low');
    expect(sos.length).toBe(18);
    const expected = [
      [6.854011226720922e-6, 1.3708022453441844e-5, 6.854011226720922e-6, 1, -1.483953073206684, 0.5540979936588027],
      [1, 2, 1, 1, -1.7733907739826387, 0.8572171139239207],
    ];
    for (let i = 0; i < 6; i++) {
      expect(sos[i]).toBeCloseTo(expected[0]![i]!, 13);
      expect(sos[12 + i]).toBeCloseTo(expected[1]![i]!, 13);
    }
  });

  it('has unit gain in the passband, −3 dB at the cutoff, and is stable, for any order and cutoff', () => {
    fc.assert(
      fc.property(order, cutoff, (n, wn) => {
        const low = butterworthSos(n, wn, 'low');
        const high = butterworthSos(n, wn, 'high');
        expect(sosMagnitude(low, 0)).toBeCloseTo(1, 9);
        expect(sosMagnitude(high, 1)).toBeCloseTo(1, 9);
        expect(sosMagnitude(low, wn)).toBeCloseTo(Math.SQRT1_2, 6);
        expect(sosMagnitude(high, wn)).toBeCloseTo(Math.SQRT1_2, 6);
        expect(sosMaxPoleRadius(low)).toBeLessThan(1);
        expect(sosMaxPoleRadius(high)).toBeLessThan(1);
      }),
      { numRuns: 200, seed: 11 },
    );
  });

  it('low and high pass of the same cutoff are power complementary and mirror each other', () => {
    fc.assert(
      fc.property(order, cutoff, fc.double({ min: 0.001, max: 0.999, noNaN: true }), (n, wn, f) => {
        const low = butterworthSos(n, wn, 'low');
        const high = butterworthSos(n, wn, 'high');
        expect(sosMagnitude(low, f) ** 2 + sosMagnitude(high, f) ** 2).toBeCloseTo(1, 6);
        // H_high(f; wn) = H_low(1 − f; 1 − wn)
        expect(sosMagnitude(high, f)).toBeCloseTo(sosMagnitude(butterworthSos(n, 1 - wn, 'low'), 1 - f), 6);
      }),
      { numRuns: 200, seed: 12 },
    );
  });

  it('falls monotonically (low pass) from DC to Nyquist', () => {
    for (const n of [2, 4, 6, 8]) {
      const sos = butterworthSos(n, 0.3, 'low');
      let prev = Infinity;
      for (let f = 0; f <= 1; f += 0.01) {
        const m = sosMagnitude(sos, f);
        expect(m).toBeLessThanOrEqual(prev + 1e-12);
        prev = m;
      }
    }
  });

  it('rejects impossible designs', () => {
    expect(() => butterworthSos(0, 0.5, 'low')).toThrow(RangeError);
    expect(() => butterworthSos(4, 1, 'low')).toThrow(RangeError);
    expect(() => butterworthSos(4, 0, 'high')).toThrow(RangeError);
  });

  it("flags Edge Impulse's on-device instability for cutoffs next to 0 Hz", () => {
    expect(butterworthIsStableOnDevice(6, 3, 62.5)).toBe(true);
    expect(butterworthIsStableOnDevice(8, 0.1, 1000)).toBe(true);
    expect(butterworthIsStableOnDevice(8, 0.00001, 1000)).toBe(false);
  });
});

describe('Chebyshev type I design', () => {
  it('keeps the passband within the ripple and hits −ripple dB at the edge', () => {
    for (const ratio of [3, 10]) {
      const wn = 0.8 / ratio;
      const sos = chebyshev1Sos(8, 0.05, wn);
      const floor = 10 ** (-0.05 / 20);
      for (let f = 0; f <= wn; f += wn / 200) {
        const m = sosMagnitude(sos, f);
        expect(m).toBeLessThanOrEqual(1 + 1e-9);
        expect(m).toBeGreaterThanOrEqual(floor - 1e-9);
      }
      expect(sosMagnitude(sos, wn)).toBeCloseTo(floor, 6);
      expect(sosMagnitude(sos, 1 / ratio)).toBeLessThan(0.1);
      expect(sosMaxPoleRadius(sos)).toBeLessThan(1);
    }
  });
});

describe('sosFilter', () => {
  it('stays constant for a constant input started in the steady state', () => {
    fc.assert(
      fc.property(order, cutoff, fc.double({ min: -100, max: 100, noNaN: true }), (n, wn, level) => {
        const sos = butterworthSos(n, wn, 'low');
        const zi = sosSteadyState(sos).map((v) => v * level);
        const x = new Float64Array(50).fill(level);
        const y = new Float64Array(50);
        sosFilter(sos, x, 50, y, zi);
        for (const v of y) expect(v).toBeCloseTo(level, 6);
      }),
      { numRuns: 100, seed: 13 },
    );
  });

  it('is linear and time invariant, and runs in place', () => {
    const sos = butterworthSos(4, 0.25, 'high');
    const x = Float64Array.from({ length: 64 }, (_, i) => Math.sin(i) + (i % 7));
    const y = new Float64Array(64);
    sosFilter(sos, x, 64, y);
    const shifted = new Float64Array(70);
    shifted.set(
      x.map((v) => 2 * v),
      6,
    );
    const ys = new Float64Array(70);
    sosFilter(sos, shifted, 70, ys);
    for (let i = 0; i < 64; i++) expect(ys[i + 6]).toBeCloseTo(2 * y[i]!, 10);
    const inPlace = Float64Array.from(x);
    sosFilter(sos, inPlace, 64, inPlace);
    expect(Array.from(inPlace)).toEqual(Array.from(y));
  });
});

describe('decimate', () => {
  it.each([...DECIMATION_STAGES.keys()].filter((r) => r > 1 && r <= 10))('keeps ⌈n/%i⌉ samples, passes slow signals and removes aliases', (ratio) => {
    const n = 2000;
    const slow = Float64Array.from({ length: n }, (_, i) => 3 + Math.sin((2 * Math.PI * i) / 400));
    const out = new Float64Array(n);
    const m = decimate(slow, n, ratio, out);
    expect(m).toBe(decimatedLength(n, ratio));
    expect(m).toBe(Math.ceil(n / ratio));
    // after the filter's delay the slow sine survives with unit gain
    let peak = 0;
    for (let i = Math.floor(m / 2); i < m; i++) peak = Math.max(peak, out[i]! - 3);
    expect(peak).toBeCloseTo(1, 1);
    // a tone above the new Nyquist frequency is attenuated
    const fast = Float64Array.from({ length: n }, (_, i) => Math.sin(Math.PI * 0.95 * i));
    const m2 = decimate(fast, n, ratio, out);
    let rest = 0;
    for (let i = Math.floor(m2 / 2); i < m2; i++) rest = Math.max(rest, Math.abs(out[i]!));
    expect(rest).toBeLessThan(0.05);
  });

  it('starts without a transient on a constant signal and works in place', () => {
    const x = new Float64Array(100).fill(-7.5);
    const m = decimate(x, 100, 10, x);
    expect(m).toBe(10);
    // an even-order Chebyshev I sits at the bottom of its ripple at DC
    const dcGain = 10 ** (-0.05 / 20);
    for (let i = 0; i < m; i++) expect(x[i]).toBeCloseTo(-7.5 * dcGain, 9);
  });
});
