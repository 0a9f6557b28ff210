import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KilnError } from '../errors.js';
import type { DspInput, DspParams } from './block.js';
import { pythonRound2, spectralAnalysisBlock as block } from './spectralAnalysis.js';
import { WAVELET_NAMES } from './wavelet.js';

/** Interleaved 3-axis accelerometer-like window: tones at f1 (x), f2 (y), noise-free offsets. */
function window(readings: number, frequencyHz: number, f1 = 5, f2 = 1.5): DspInput {
  const values = new Float32Array(readings * 3);
  for (let r = 0; r < readings; r++) {
    const t = r / frequencyHz;
    values[r * 3] = 2 * Math.sin(2 * Math.PI * f1 * t) + 0.3;
    values[r * 3 + 1] = Math.sin(2 * Math.PI * f2 * t) - 9.8 + 0.2 * Math.sin(2 * Math.PI * 11 * t);
    values[r * 3 + 2] = 0.5 * Math.cos(2 * Math.PI * 0.7 * t) + ((r * 7919) % 13) / 13;
  }
  return { axes: ['accX', 'accY', 'accZ'], frequencyHz, values };
}

function expectKilnError(fn: () => unknown, code: string, mention: string): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe(code);
    expect((e as KilnError).message).toContain(mention);
    return;
  }
  throw new Error(`expected a ${code} error mentioning ${mention}`);
}

const info = (input: DspInput) => ({ axes: input.axes.length, frequencyHz: input.frequencyHz, readings: input.values.length / input.axes.length });

describe('spectral analysis', () => {
  it('has Edge Impulse parameter keys and defaults', () => {
    const defaults = Object.fromEntries(block.params.map((p) => [p.key, p.default]));
    expect(defaults).toEqual({
      'scale-axes': 1,
      'input-decimation-ratio': 1,
      'filter-type': 'none',
      'filter-cutoff': 3,
      'filter-order': 6,
      'analysis-type': 'FFT',
      'fft-length': 16,
      'spectral-peaks-count': 3,
      'spectral-peaks-threshold': 0.1,
      'spectral-power-edges': '0.1, 0.5, 1.0, 2.0, 5.0',
      'do-log': true,
      'do-fft-overlap': true,
      'wavelet-level': 1,
      wavelet: 'db4',
      'extra-low-freq': false,
    });
  });

  it('runs with defaults on 2 s of 62.5 Hz data: 13 features per axis', () => {
    const input = window(125, 62.5);
    const out = block.run(input, {});
    expect(out.features).toHaveLength(39);
    expect(out.labels).toHaveLength(13);
    expect(out.labels![5]).toBe('Spectral Power 1.95 - 5.86 Hz');
    expect(block.outputShape(info(input), {}).length).toBe(39);
  });

  it('puts the strongest spectral power in the band of the tone', () => {
    const input = window(1000, 100, 20);
    const out = block.run(input, { 'fft-length': 64 });
    const labels = out.labels!;
    const bands = Array.from(out.features.subarray(5, 5 + 32));
    const peak = bands.indexOf(Math.max(...bands));
    expect(labels[5 + peak]).toBe('Spectral Power 19.53 - 21.09 Hz');
  });

  it('keeps only the bins the low-pass or high-pass filter lets through', () => {
    const input = window(500, 100);
    const low = block.run(input, { 'filter-type': 'low', 'filter-cutoff': 10, 'fft-length': 32 });
    expect(low.labels!.at(-1)).toBe('Spectral Power 7.81 - 10.94 Hz');
    const high = block.run(input, { 'filter-type': 'high', 'filter-cutoff': 40, 'fft-length': 32 });
    // bin 37.5 Hz ends at 39.06 Hz, below the cutoff
    expect(high.labels![5]).toBe('Spectral Power 39.06 - 42.19 Hz');
    // order 0 masks bins without filtering
    const masked = block.run(input, { 'filter-type': 'low', 'filter-cutoff': 10, 'filter-order': 0, 'fft-length': 32 });
    expect(masked.labels).toEqual(low.labels);
  });

  it('works for every FFT length, with and without overlap, log and the low-frequency part', () => {
    const input = window(2000, 400);
    for (let n = 2; n <= 4096; n *= 2) {
      for (const overlap of [true, false]) {
        const params: DspParams = { 'fft-length': n, 'do-fft-overlap': overlap, 'do-log': !overlap, 'extra-low-freq': n <= 256 };
        const out = block.run(input, params);
        const perAxis = 5 + n / 2;
        expect(out.features).toHaveLength(3 * perAxis * (n <= 256 ? 2 : 1));
        expect(out.features.every(Number.isFinite)).toBe(true);
        expect(block.outputShape(info(input), params).length).toBe(out.features.length);
      }
    }
  });

  it('works for every filter order, decimation ratio and wavelet', () => {
    const input = window(6000, 1000);
    for (const order of [2, 4, 6, 8]) {
      for (const type of ['low', 'high']) {
        const out = block.run(input, { 'filter-type': type, 'filter-order': order, 'filter-cutoff': 12, 'fft-length': 128 });
        expect(out.features.every(Number.isFinite)).toBe(true);
      }
    }
    for (const ratio of [1, 3, 10, 30, 100]) {
      const out = block.run(input, { 'input-decimation-ratio': ratio, 'filter-type': 'low', 'filter-cutoff': 1, 'fft-length': 1024 });
      expect(out.features.every(Number.isFinite)).toBe(true);
    }
    for (const wavelet of WAVELET_NAMES) {
      const out = block.run(input, { 'analysis-type': 'Wavelet', wavelet, 'wavelet-level': 3 });
      expect(out.features).toHaveLength(3 * 4 * 14);
      expect(out.features.every(Number.isFinite)).toBe(true);
    }
  });

  it('agrees with outputShape for random parameter combinations it accepts', () => {
    const input = window(3000, 200);
    fc.assert(
      fc.property(
        fc.record({
          'input-decimation-ratio': fc.constantFrom(1, 3, 10),
          'filter-type': fc.constantFrom('none', 'low', 'high'),
          'filter-cutoff': fc.double({ min: 0.5, max: 8, noNaN: true }),
          'filter-order': fc.constantFrom(0, 2, 4, 6, 8),
          'analysis-type': fc.constantFrom('FFT', 'Wavelet'),
          'fft-length': fc.constantFrom(4, 8, 16, 32, 64, 128),
          'do-log': fc.boolean(),
          'do-fft-overlap': fc.boolean(),
          'extra-low-freq': fc.boolean(),
          wavelet: fc.constantFrom(...WAVELET_NAMES),
          'wavelet-level': fc.integer({ min: 0, max: 4 }),
          'scale-axes': fc.double({ min: -10, max: 10, noNaN: true }),
        }),
        (params) => {
          let out;
          try {
            out = block.run(input, params);
          } catch (e) {
            expect(e).toBeInstanceOf(KilnError);
            expect(() => block.outputShape(info(input), params)).toThrow(KilnError);
            return;
          }
          expect(out.features.every(Number.isFinite)).toBe(true);
          expect(block.outputShape(info(input), params).length).toBe(out.features.length);
          expect(out.features.length % out.labels!.length).toBe(0);
        },
      ),
      { numRuns: 120, seed: 5 },
    );
  });

  it('ignores parameters that do not apply, as Edge Impulse does', () => {
    const input = window(250, 62.5);
    const reference = block.run(input, {});
    for (const params of <DspParams[]>[
      { 'filter-order': 3 },
      { 'filter-order': 12, 'filter-cutoff': -5 },
      { wavelet: 'morlet', 'wavelet-level': -2 },
      { 'spectral-peaks-count': 9, 'spectral-power-edges': '1, 2' },
    ]) {
      expect(Array.from(block.run(input, params).features)).toEqual(Array.from(reference.features));
    }
  });

  it('accepts parameters as form strings', () => {
    const input = window(600, 100);
    const typed = block.run(input, { 'fft-length': 32, 'do-log': false, 'input-decimation-ratio': 3 });
    const strings = block.run(input, { 'fft-length': '32', 'do-log': 'false', 'input-decimation-ratio': '3' });
    expect(Array.from(strings.features)).toEqual(Array.from(typed.features));
  });

  it('is deterministic and leaves its input untouched', () => {
    const input = window(300, 100);
    const copy = Float32Array.from(input.values);
    const a = block.run(input, { 'analysis-type': 'Wavelet', 'wavelet-level': 2 });
    const b = block.run(input, { 'analysis-type': 'Wavelet', 'wavelet-level': 2 });
    expect(Array.from(a.features)).toEqual(Array.from(b.features));
    expect(Array.from(input.values)).toEqual(Array.from(copy));
  });

  describe('rejects bad parameters, naming them', () => {
    const input = window(250, 62.5);
    it.each<[DspParams, string]>([
      [{ 'fft-length': 24 }, 'fft-length'],
      [{ 'fft-length': 0 }, 'fft-length'],
      [{ 'filter-type': 'low', 'filter-order': 3 }, 'filter-order'],
      [{ 'filter-type': 'high', 'filter-order': 10 }, 'filter-order'],
      [{ 'filter-type': 'band' }, 'filter-type'],
      [{ 'filter-type': 'low', 'filter-cutoff': 40 }, 'filter-cutoff'],
      [{ 'filter-type': 'low', 'filter-cutoff': 0 }, 'filter-cutoff'],
      [{ 'filter-type': 'high', 'filter-cutoff': 0.000001 }, 'filter-cutoff'],
      [{ 'filter-type': 'low', 'filter-cutoff': 0.5, 'filter-order': 0, 'fft-length': 16 }, 'filter-cutoff'],
      [{ 'input-decimation-ratio': 7 }, 'input-decimation-ratio'],
      [{ 'input-decimation-ratio': 10, 'filter-type': 'low', 'filter-cutoff': 3 }, 'input-decimation-ratio'],
      [{ 'analysis-type': 'DCT' }, 'analysis-type'],
      [{ 'analysis-type': 'Wavelet', wavelet: 'db42' }, 'wavelet'],
      [{ 'analysis-type': 'Wavelet', 'wavelet-level': 3 }, 'wavelet-level'],
      [{ 'analysis-type': 'Wavelet', 'wavelet-level': -1 }, 'wavelet-level'],
      [{ 'extra-low-freq': true, 'fft-length': 64 }, 'extra-low-freq'],
      [{ 'scale-axes': 'lots' }, 'scale-axes'],
      [{ 'do-log': 'maybe' }, 'do-log'],
    ])('%j', (params, key) => {
      expectKilnError(() => block.run(input, params), 'BAD_PARAMS', `"${key}"`);
    });
  });

  describe('rejects bad data', () => {
    it('with a NaN or infinite value, saying where', () => {
      const input = window(100, 50);
      input.values[31] = NaN;
      expectKilnError(() => block.run(input, {}), 'BAD_DATA', 'reading 10, axis "accY"');
      input.values[31] = Infinity;
      expectKilnError(() => block.run(input, {}), 'BAD_DATA', 'Infinity');
    });

    it('with a value count that does not match the axes', () => {
      const input = window(100, 50);
      expectKilnError(() => block.run({ ...input, values: input.values.subarray(0, 299) }, {}), 'BAD_DATA', '3 axes');
      expectKilnError(() => block.run({ ...input, values: new Float32Array(0) }, {}), 'BAD_DATA', '0 values');
      expectKilnError(() => block.run({ ...input, axes: [] }, {}), 'BAD_DATA', 'axis');
    });

    it('with a missing sampling frequency', () => {
      expectKilnError(() => block.run({ ...window(100, 50), frequencyHz: 0 }, {}), 'BAD_DATA', 'sampling frequency');
    });
  });
});

describe('pythonRound2 (band labels)', () => {
  it.each<[number, string]>([
    [1.953125, '1.95'],
    [5.859375, '5.86'],
    [29.296875, '29.3'],
    [3.125, '3.12'],
    [0.375, '0.38'],
    [0.9375, '0.94'],
    [0.125, '0.12'],
    [5, '5.0'],
    [2.675, '2.67'],
    [1.005, '1.0'],
    [50.390625, '50.39'],
    [0.001, '0.0'],
  ])('%d → %s', (x, text) => {
    expect(pythonRound2(x)).toBe(text);
  });
});
