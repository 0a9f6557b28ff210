import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { WAVELET_FEATURE_NAMES, WAVELET_NAMES, dwt, dwtLength, idwt, waveletCoefficientFeatures, waveletFilterBank, wavedec } from './wavelet.js';

const ORTHOGONAL = WAVELET_NAMES.filter((n) => /^(db|sym|coif|haar)/.test(n));

describe('wavelet filter banks', () => {
  it('offers every wavelet of the spectral block (50 names)', () => {
    expect(WAVELET_NAMES).toHaveLength(50);
    for (const name of WAVELET_NAMES) expect(waveletFilterBank(name), name).toBeDefined();
    expect(waveletFilterBank('db42')).toBeUndefined();
    expect(waveletFilterBank('rbio9.9')).toBeUndefined();
  });

  it.each(WAVELET_NAMES)('%s: low-pass filters sum to √2, high-pass filters to 0', (name) => {
    const bank = waveletFilterBank(name)!;
    const sum = (a: Float64Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(bank.decLo)).toBeCloseTo(Math.SQRT2, 10);
    expect(sum(bank.recLo)).toBeCloseTo(Math.SQRT2, 10);
    expect(sum(bank.decHi)).toBeCloseTo(0, 10);
    expect(sum(bank.recHi)).toBeCloseTo(0, 10);
  });

  it.each(ORTHOGONAL)('%s: orthonormal under even shifts', (name) => {
    const h = waveletFilterBank(name)!.decLo;
    for (let shift = 0; shift < h.length; shift += 2) {
      let dot = 0;
      for (let k = 0; k + shift < h.length; k++) dot += h[k]! * h[k + shift]!;
      expect(dot).toBeCloseTo(shift === 0 ? 1 : 0, 10);
    }
  });
});

describe('dwt / idwt (symmetric mode)', () => {
  it('gives the textbook Haar averages and differences', () => {
    const bank = waveletFilterBank('haar')!;
    const a = new Float64Array(2);
    const d = new Float64Array(2);
    expect(dwt([1, 2, 3, 5], 4, bank, a, d)).toBe(2);
    expect(a[0]).toBeCloseTo(3 / Math.SQRT2, 14);
    expect(a[1]).toBeCloseTo(8 / Math.SQRT2, 14);
    expect(d[0]).toBeCloseTo(-1 / Math.SQRT2, 14);
    expect(d[1]).toBeCloseTo(-2 / Math.SQRT2, 14);
  });

  it('reconstructs the signal perfectly for every wavelet and length', () => {
    fc.assert(
      fc.property(fc.constantFrom(...WAVELET_NAMES), fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 90 }), (name, xs) => {
        const bank = waveletFilterBank(name)!;
        const m = dwtLength(xs.length, bank.decLo.length);
        const a = new Float64Array(m);
        const d = new Float64Array(m);
        dwt(xs, xs.length, bank, a, d);
        const out = new Float64Array(2 * m + 2);
        const n = idwt(a, d, m, bank, out);
        expect(n).toBeGreaterThanOrEqual(xs.length);
        for (let i = 0; i < xs.length; i++) expect(Math.abs(out[i]! - xs[i]!)).toBeLessThan(1e-9);
      }),
      { numRuns: 300, seed: 21 },
    );
  });

  it('annihilates polynomials up to the vanishing moments in the interior (db4: cubics)', () => {
    const bank = waveletFilterBank('db4')!;
    const x = Array.from({ length: 64 }, (_, i) => 0.01 * i ** 3 - i * i + 3 * i - 7);
    const m = dwtLength(64, 8);
    const a = new Float64Array(m);
    const d = new Float64Array(m);
    dwt(x, 64, bank, a, d);
    // coefficients whose support lies inside the signal
    for (let k = 3; k < 32; k++) expect(Math.abs(d[k]!)).toBeLessThan(1e-8 * 2600);
  });

  it('wavedec returns [cA_n, cD_n, …, cD_1] with pywt lengths, and level 0 is the signal', () => {
    const bank = waveletFilterBank('sym5')!;
    const x = Array.from({ length: 300 }, (_, i) => Math.sin(i / 5));
    const levels = wavedec(x, 300, bank, 3);
    const l1 = dwtLength(300, 10);
    const l2 = dwtLength(l1, 10);
    const l3 = dwtLength(l2, 10);
    expect(levels.map((c) => c.length)).toEqual([l3, l3, l2, l1]);
    const [zero] = wavedec(x, 300, bank, 0);
    expect(Array.from(zero!)).toEqual(x);
  });

  it('preserves energy for orthogonal wavelets (signal away from the edges)', () => {
    // zeros near both ends: the symmetric extension adds nothing, so Parseval holds exactly
    for (const name of ORTHOGONAL) {
      const x = Array.from({ length: 512 }, (_, i) => (i > 96 && i < 416 ? Math.sin(i / 9) + 0.5 * Math.cos(i / 2.3) : 0));
      const energy = x.reduce((s, v) => s + v * v, 0);
      const levels = wavedec(x, 512, waveletFilterBank(name)!, 2);
      const coefficientEnergy = levels.reduce((s, c) => s + c.reduce((t, v) => t + v * v, 0), 0);
      expect(Math.abs(coefficientEnergy - energy) / energy, name).toBeLessThan(1e-9);
    }
  });
});

describe('waveletCoefficientFeatures', () => {
  it('matches the naive definitions', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 3, maxLength: 120 }), (xs) => {
        const out = new Float32Array(14);
        waveletCoefficientFeatures(Float64Array.from(xs), xs.length, out, 0);
        const n = xs.length;
        const mean = xs.reduce((s, v) => s + v, 0) / n;
        const m2 = xs.reduce((s, v) => s + (v - mean) ** 2, 0) / n;
        const sorted = [...xs].sort((a, b) => a - b);
        const at = (p: number) => sorted[Math.trunc(((n - 1) * p) / 100 + 0.5)]!;
        let z = 0;
        for (let i = 1; i < n; i++) if (xs[i]! > 0 !== xs[i - 1]! > 0) z++;
        const f = Object.fromEntries(WAVELET_FEATURE_NAMES.map((k, i) => [k, out[i]!]));
        const close = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(b)));
        close(f.zcross!, z / n);
        close(f.n5!, at(5));
        close(f.n25!, at(25));
        close(f.median!, at(50));
        close(f.n75!, at(75));
        close(f.n95!, at(95));
        close(f.mean!, mean);
        close(f.std!, Math.sqrt(m2));
        close(f.var!, (m2 * n) / (n - 1));
        close(f.rms!, Math.sqrt(xs.reduce((s, v) => s + v * v, 0) / n));
        expect(f.entropy).toBeGreaterThanOrEqual(0);
        expect(f.entropy).toBeLessThanOrEqual(Math.log(Math.min(n, 100)) + 1e-6);
      }),
      { numRuns: 200, seed: 22 },
    );
  });

  it('reports 0 skewness and kurtosis for an all-zero level', () => {
    const out = new Float32Array(14);
    waveletCoefficientFeatures(new Float64Array(40), 40, out, 0);
    expect(Array.from(out)).toEqual(new Array(14).fill(0));
  });
});
