import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { powerSpectrumPlan } from './audioPowerSpectrum';
import {
  applyFilterbank,
  cmvnw,
  dctMatrix,
  filterbankMatrix,
  frameLayout,
  framePowerSpectra,
  frameWindow,
  frequencyToMel,
  logInPlace,
  melFilterbank,
  melToFrequency,
  naturalLog,
  preEmphasis,
  scaledPreEmphasisF32,
  secondsToSamples,
} from './speechFeatures';
import { quantise256 } from './mfe';

/** Deterministic pseudo-random numbers in [-1, 1). */
function noise(n: number, seed: number): Float64Array {
  const out = new Float64Array(n);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    out[i] = (s >>> 0) / 2 ** 31 - 1;
  }
  return out;
}

/** Textbook O(n²) DFT power |X[k]|²/n of x truncated or zero-padded to n. */
function naivePower(x: Float64Array, n: number): Float64Array {
  const bins = (n >> 1) + 1;
  const out = new Float64Array(bins);
  const m = Math.min(n, x.length);
  for (let k = 0; k < bins; k++) {
    let re = 0;
    let im = 0;
    for (let t = 0; t < m; t++) {
      const a = (-2 * Math.PI * k * t) / n;
      re += x[t]! * Math.cos(a);
      im += x[t]! * Math.sin(a);
    }
    out[k] = (re * re + im * im) / n;
  }
  return out;
}

/** speechpy's cmvnw written the slow, obvious way: pad symmetrically, then window stats. */
function naiveCmvnw(vec: Float64Array, rows: number, cols: number, win: number, variance: boolean): Float64Array {
  const pad = (win - 1) / 2;
  const at = (j: number): number => {
    const period = 2 * rows;
    let r = (j - pad) % period;
    if (r < 0) r += period;
    return r < rows ? r : period - 1 - r;
  };
  const centred = new Float64Array(rows * cols);
  const out = new Float64Array(rows * cols);
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < win; j++) s += vec[at(i + j) * cols + c]!;
      centred[i * cols + c] = Math.fround(vec[i * cols + c]! - s / win);
    }
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < win; j++) s += centred[at(i + j) * cols + c]!;
      const m = s / win;
      let ss = 0;
      for (let j = 0; j < win; j++) ss += (centred[at(i + j) * cols + c]! - m) ** 2;
      out[i * cols + c] = variance ? centred[i * cols + c]! / (Math.sqrt(ss / win) + 1e-10) : centred[i * cols + c]!;
    }
  }
  return out;
}

describe('mel scale', () => {
  it('round-trips Hz → mel → Hz', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 96000, noNaN: true }), (hz) => {
        expect(melToFrequency(frequencyToMel(hz))).toBeCloseTo(hz, 6);
      }),
    );
  });

  it('is increasing and puts 1000 Hz near 1000 mel', () => {
    expect(frequencyToMel(0)).toBe(0);
    expect(frequencyToMel(1000)).toBeCloseTo(1000, -1);
    fc.assert(
      fc.property(fc.double({ min: 0, max: 48000, noNaN: true }), fc.double({ min: 0.01, max: 1000, noNaN: true }), (a, d) => {
        expect(frequencyToMel(a + d)).toBeGreaterThan(frequencyToMel(a));
      }),
    );
  });
});

describe('mel filterbank', () => {
  it('has num_filters rows over fft_length/2 + 1 bins, each a triangle peaking at 1', () => {
    for (const [filters, fft, fs, low, high] of [
      [40, 256, 16000, 0, 0],
      [32, 512, 16000, 300, 4000],
      [24, 128, 8000, 0, 0],
      [20, 300, 11025, 80, 5000],
      [13, 255, 16000, 0, 0],
    ] as const) {
      const fb = melFilterbank(filters, fft, fs, low, high);
      const rows = filterbankMatrix(fb);
      expect(rows).toHaveLength(filters);
      for (const row of rows) {
        expect(row).toHaveLength((fft >> 1) + 1);
        expect(Math.max(...row)).toBe(1);
        expect(Math.min(...row)).toBeGreaterThanOrEqual(0);
        // one rise then one fall: no weight increases again after the peak
        const peak = row.indexOf(1);
        for (let k = peak + 1; k < row.length; k++) expect(row[k]!).toBeLessThanOrEqual(row[k - 1]!);
        for (let k = 1; k <= peak; k++) expect(row[k]!).toBeGreaterThanOrEqual(row[k - 1]!);
      }
      // centres are increasing and inside the band
      for (let r = 1; r < filters; r++) expect(fb.centresHz[r]!).toBeGreaterThan(fb.centresHz[r - 1]!);
      expect(fb.centresHz[0]!).toBeGreaterThan(low);
      expect(fb.centresHz[filters - 1]!).toBeLessThan(high || fs / 2);
    }
  });

  it('sums to 1 per bin between the first and last centre when filters are wide (overlapping halves)', () => {
    const fb = melFilterbank(20, 2048, 16000, 0, 0);
    const rows = filterbankMatrix(fb);
    const firstPeak = rows[0]!.indexOf(1);
    const lastPeak = rows[19]!.indexOf(1);
    for (let k = firstPeak; k <= lastPeak; k++) {
      let s = 0;
      for (const row of rows) s += row[k]!;
      expect(s).toBeCloseTo(1, 12);
    }
    // each row's weights sum to half its support: (right − left) / 2
    for (const row of rows) {
      const nz = [...row.keys()].filter((k) => row[k]! > 0);
      const left = nz[0]! - 1;
      const right = nz[nz.length - 1]! + 1;
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo((right - left) / 2, 10);
    }
  });

  it('applies as a sparse matrix product equal to the dense one', () => {
    const fb = melFilterbank(32, 256, 16000, 0, 0);
    const rows = filterbankMatrix(fb);
    const power = noise(fb.bins, 7).map((v) => v * v);
    const out = new Float64Array(32);
    applyFilterbank(fb, power, 0, out, 0);
    rows.forEach((row, r) => {
      let s = 0;
      row.forEach((w, k) => (s += w * power[k]!));
      expect(out[r]).toBeCloseTo(s, 12);
    });
  });

  it('is cached per parameter set', () => {
    expect(melFilterbank(40, 256, 16000, 0, 0)).toBe(melFilterbank(40, 256, 16000, 0, 0));
  });

  it('refuses filters that cover no FFT bin, naming the parameter', () => {
    expect(() => melFilterbank(120, 64, 16000, 0, 0)).toThrowError(/num_filters/);
  });
});

describe('DCT-II (orthonormal)', () => {
  it('matches scipy dct(norm="ortho") on known vectors', () => {
    const check = (x: number[], expected: number[]) => {
      const m = dctMatrix(x.length, x.length);
      expected.forEach((e, k) => {
        let s = 0;
        x.forEach((v, i) => (s += m[k * x.length + i]! * v));
        expect(s).toBeCloseTo(e, 7);
      });
    };
    check([1, 2, 3, 4], [5, -2.2304425, 0, -0.15851267]);
    check([0.5, -1, 2, 7, 3], [5.14295635, -4.47773666, -0.64671265, 3.88263755, -1.1210543]);
  });

  it('is orthogonal: M·Mᵀ = I', () => {
    for (const n of [1, 2, 13, 32, 40, 61]) {
      const m = dctMatrix(n, n);
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += m[a * n + i]! * m[b * n + i]!;
          expect(Math.abs(s - (a === b ? 1 : 0))).toBeLessThan(1e-12);
        }
      }
    }
  });

  it('keeps only the first rows when fewer coefficients are asked for', () => {
    const full = dctMatrix(32, 32);
    const first = dctMatrix(32, 13);
    expect(Array.from(first)).toEqual(Array.from(full.subarray(0, 13 * 32)));
  });
});

describe('frame windows', () => {
  it('Hamming is symmetric with 0.08 ends and a peak of 1 (numpy.hamming)', () => {
    expect(Array.from(frameWindow('hamming', 5)).map((v) => Number(v.toFixed(12)))).toEqual([0.08, 0.54, 1, 0.54, 0.08]);
    for (const n of [2, 3, 64, 255, 320, 400]) {
      const w = frameWindow('hamming', n);
      for (let i = 0; i < n; i++) expect(w[i]).toBeCloseTo(w[n - 1 - i]!, 14);
      expect(w[0]).toBeCloseTo(0.08, 14);
      expect(Math.max(...w)).toBeLessThanOrEqual(1);
    }
  });

  it('Hann is symmetric with zero ends; rectangular is all ones (what Edge Impulse uses)', () => {
    const h = frameWindow('hann', 9);
    expect(h[0]).toBeCloseTo(0, 15);
    expect(h[4]).toBeCloseTo(1, 15);
    for (let i = 0; i < 9; i++) expect(h[i]).toBeCloseTo(h[8 - i]!, 15);
    expect(Array.from(frameWindow('rectangular', 4))).toEqual([1, 1, 1, 1]);
  });

  it('windowed framing multiplies each frame before the FFT', () => {
    const x = noise(400, 3);
    const layout = frameLayout(400, 1000, 0.1, 0.1);
    const out = new Float64Array(layout.frames * 65);
    framePowerSpectra(x, layout, 128, out, undefined, 'hamming');
    const w = frameWindow('hamming', 100);
    const expected = naivePower(
      x.subarray(100, 200).map((v, i) => v * w[i]!),
      128,
    );
    for (let k = 0; k < 65; k++) expect(out[65 + k]).toBeCloseTo(expected[k]!, 10);
  });
});

describe('natural logarithm', () => {
  it('agrees with Math.log to 3e-13 over the whole double range, and exactly on its edge cases', () => {
    let worst = 0;
    fc.assert(
      fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (t) => {
        const x = Math.exp(t);
        worst = Math.max(worst, Math.abs(naturalLog(x) - Math.log(x)));
      }),
      { numRuns: 2000 },
    );
    expect(worst).toBeLessThan(3e-13);
    for (const x of [1, 2, 0.5, 1e-10, 1e-30, 32768, 1.9999999999999998, Number.MAX_VALUE]) {
      expect(Math.abs(naturalLog(x) - Math.log(x))).toBeLessThan(3e-13);
    }
    for (const x of [0, 5e-324, Infinity, -1, NaN]) expect(naturalLog(x)).toBe(Math.log(x));
  });

  it('in place: the same values, with everything below the floor taken at the floor', () => {
    const x = Float64Array.from([1e-40, 0, 3.5, 1e-30, 2e5, 7e-12]);
    const expected = Array.from(x, (v) => Math.log(Math.max(v, 1e-30)));
    logInPlace(x, x.length, 1e-30);
    for (let i = 0; i < x.length; i++) expect(Math.abs(x[i]! - expected[i]!)).toBeLessThan(3e-13);
    // only the first `count` values change, and a subarray works through its own offset
    const y = Float64Array.from([4, 8, 16, 32]);
    logInPlace(y.subarray(1), 2, 0);
    expect(y[0]).toBe(4);
    expect(y[1]).toBeCloseTo(Math.log(8), 12);
    expect(y[2]).toBeCloseTo(Math.log(16), 12);
    expect(y[3]).toBe(32);
  });
});

describe('power spectrum', () => {
  it('equals the naive DFT for any FFT length, truncating or zero-padding the frame', () => {
    for (const n of [2, 3, 4, 8, 16, 31, 32, 64, 96, 100, 128, 200, 255, 256, 257, 300, 384, 480, 512, 1024, 2048]) {
      for (const frame of [n - 1, n, n + 37, Math.max(1, n >> 1)]) {
        const x = noise(frame, n * 31 + frame).map((v) => Math.round(v * 32767));
        const plan = powerSpectrumPlan(n);
        const out = new Float64Array(plan.bins);
        const energy = plan.power(x, 0, frame, out, 0);
        const expected = naivePower(x, n);
        const scale = Math.max(...expected);
        let sum = 0;
        for (let k = 0; k < plan.bins; k++) {
          expect(Math.abs(out[k]! - expected[k]!)).toBeLessThan(1e-9 * scale + 1e-9);
          sum += out[k]!;
        }
        expect(Math.abs(energy - sum)).toBeLessThanOrEqual(1e-12 * sum);
        // the spectrum alone (no energy) writes the same bins
        const bare = new Float64Array(plan.bins + 2);
        plan.spectrum(x, 0, frame, bare, 1);
        expect(Array.from(bare.subarray(1, plan.bins + 1))).toEqual(Array.from(out));
      }
    }
  });

  it('gives an exactly zero DC bin when integer samples cancel, for radix-2 and Bluestein lengths', () => {
    const x = Float64Array.from([3, -1, 4, -1, -5, 9, -2, -6, 2, -3]);
    for (const n of [16, 10, 11, 12, 20]) {
      const plan = powerSpectrumPlan(n);
      const out = new Float64Array(plan.bins);
      plan.power(x, 0, x.length, out, 0);
      expect(out[0]).toBe(0);
    }
  });
});

describe('framing', () => {
  it('rounds frame sizes up, except values a hair above a whole sample (float noise)', () => {
    expect(secondsToSamples(0.02, 16000)).toBe(320);
    expect(secondsToSamples(0.018, 16000)).toBe(288); // 288.00000000000006
    expect(secondsToSamples(0.0201, 16000)).toBe(322);
    expect(secondsToSamples(0.025, 11025)).toBe(276); // 275.625
  });

  it('counts whole frames like speechpy v4: floor((N − (L − S)) / S)', () => {
    expect(frameLayout(16000, 16000, 0.02, 0.02).frames).toBe(50);
    expect(frameLayout(16000, 16000, 0.02, 0.01).frames).toBe(99);
    expect(frameLayout(16000, 16000, 0.025, 0.01).frames).toBe(98);
    expect(frameLayout(200, 100, 0.5, 0.25).frames).toBe(7);
    expect(frameLayout(100, 16000, 0.02, 0.01).frames).toBe(0);
  });
});

describe('pre-emphasis', () => {
  it('subtracts cof × the sample `shift` earlier, wrapping around like numpy.roll', () => {
    const x = [1, 2, 3, 4, 5];
    const out = new Float64Array(5);
    preEmphasis(x, 0.5, 1, out);
    expect(Array.from(out)).toEqual([1 - 2.5, 2 - 0.5, 3 - 1, 4 - 1.5, 5 - 2]);
    preEmphasis(x, 1, 7, out); // shift 7 ≡ 2
    expect(Array.from(out)).toEqual([1 - 4, 2 - 5, 3 - 1, 4 - 2, 5 - 3]);
  });

  it('scales int16 to ±1 and works in float32 for MFE', () => {
    const out = new Float64Array(3);
    scaledPreEmphasisF32([16384, -32768, 1], out);
    const f = Math.fround;
    const c = f(0.98);
    expect(out[0]).toBe(f(0.5 - f(c * f(1 / 32768))));
    expect(out[1]).toBe(f(-1 - f(c * 0.5)));
    for (const v of out) expect(f(v)).toBe(v);
  });
});

describe('sliding-window CMVN', () => {
  it('equals the obvious padded-window computation for small, large and longer-than-data windows', () => {
    for (const [rows, cols, win] of [
      [50, 13, 101],
      [50, 13, 1],
      [50, 13, 3],
      [7, 4, 15],
      [7, 4, 17],
      [99, 5, 301],
      [20, 3, 41],
    ] as const) {
      const vec = noise(rows * cols, rows * 1000 + win).map((v, i) => 10 * v + (i % cols));
      for (const variance of [true, false]) {
        const out = new Float64Array(rows * cols);
        cmvnw(vec, rows, cols, win, variance, out);
        const expected = naiveCmvnw(vec, rows, cols, win, variance);
        for (let i = 0; i < rows * cols; i++) expect(Math.abs(out[i]! - expected[i]!)).toBeLessThan(2e-5 * (1 + Math.abs(expected[i]!)));
      }
    }
  });

  it('gives exactly zero with a one-frame window', () => {
    const vec = noise(30, 9);
    const out = new Float64Array(30);
    cmvnw(vec, 10, 3, 1, true, out);
    expect(Array.from(out).every((v) => v === 0)).toBe(true);
  });
});

describe('MFE quantisation', () => {
  it('rounds half to even in steps of 1/256 and wraps a full-scale 256 to 0 like numpy uint8', () => {
    expect(quantise256(0)).toBe(0);
    expect(quantise256(0.5 / 256)).toBe(0);
    expect(quantise256(1.5 / 256)).toBe(2 / 256);
    expect(quantise256(2.5 / 256)).toBe(2 / 256);
    expect(quantise256(100.4 / 256)).toBe(100 / 256);
    expect(quantise256(255.4 / 256)).toBe(255 / 256);
    expect(quantise256(1)).toBe(0);
  });
});
