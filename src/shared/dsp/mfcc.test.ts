import { describe, expect, it } from 'vitest';
import { KilnError } from '../errors';
import { testAudio } from './audioTestSignals';
import type { DspParams } from './block';
import { mfccBlock } from './mfcc';

function expectKilnError(fn: () => unknown, code: string, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe(code);
    expect((e as KilnError).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a KilnError');
}

describe('MFCC block', () => {
  it('uses Edge Impulse defaults: 1 s at 16 kHz gives 50 frames × 13 coefficients', () => {
    const out = mfccBlock.run(testAudio(16000, 1), {});
    expect(out.shape).toEqual({ type: 'spectrogram', width: 50, height: 13 });
    expect(out.features).toHaveLength(650);
    expect(mfccBlock.outputShape({ axes: 1, frequencyHz: 16000, readings: 16000 }, {}).length).toBe(650);
    expect(mfccBlock.params.map((p) => [p.key, p.default])).toEqual([
      ['num_cepstral', 13],
      ['frame_length', 0.02],
      ['frame_stride', 0.02],
      ['num_filters', 32],
      ['fft_length', 256],
      ['win_size', 101],
      ['low_frequency', 0],
      ['high_frequency', 0],
      ['pre_cof', 0.98],
      ['pre_shift', 1],
    ]);
  });

  it('normalises each coefficient over the window (win_size) and can skip that with 0', () => {
    const input = testAudio(16000, 1, 3);
    const normalised = mfccBlock.run(input, {}).features;
    // with a window covering all 50 frames, each coefficient has about zero mean
    for (let c = 0; c < 13; c++) {
      let s = 0;
      for (let f = 0; f < 50; f++) s += normalised[f * 13 + c]!;
      expect(Math.abs(s / 50)).toBeLessThan(0.2);
    }
    const raw = mfccBlock.run(input, { win_size: 0 }).features;
    expect(raw[0]).toBeGreaterThan(5); // c0 is the log frame energy of loud int16 audio
  });

  it('runs any parameter combination Edge Impulse accepts, incl. non-power-of-two FFTs and other rates', () => {
    const combos: { fs: number; p: DspParams }[] = [
      { fs: 8000, p: { fft_length: 128, num_filters: 24 } },
      { fs: 11025, p: { fft_length: 300, num_filters: 20, frame_length: 0.025, frame_stride: 0.01 } },
      { fs: 22050, p: { fft_length: 255, num_filters: 26, low_frequency: 80, high_frequency: 8000 } },
      { fs: 44100, p: { fft_length: 1024, num_filters: 64, num_cepstral: 20, win_size: 3 } },
      { fs: 16000, p: { fft_length: 512, num_filters: 40, pre_cof: 0, pre_shift: 3, win_size: 301 } },
      { fs: 12000, p: { fft_length: 96, num_filters: 10, frame_length: 0.05, frame_stride: 0.05 } },
    ];
    for (const { fs, p } of combos) {
      const out = mfccBlock.run(testAudio(fs, 0.7, fs), p);
      const shape = mfccBlock.outputShape({ axes: 1, frequencyHz: fs, readings: Math.round(fs * 0.7) }, p);
      expect(out.features.length).toBe(shape.length);
      expect(out.shape).toEqual(shape.shape);
      expect(out.features.every(Number.isFinite)).toBe(true);
      expect(mfccBlock.operations({ axes: 1, frequencyHz: fs, readings: Math.round(fs * 0.7) }, p)).toBeGreaterThan(0);
    }
  });

  it('returns finite features for digital silence', () => {
    const input = { axes: ['audio'], frequencyHz: 16000, values: new Float32Array(16000) };
    expect(mfccBlock.run(input, {}).features.every(Number.isFinite)).toBe(true);
  });

  it('refuses out-of-range parameters, naming them', () => {
    const input = testAudio(16000, 1);
    expectKilnError(() => mfccBlock.run(input, { num_filters: 1 }), 'BAD_PARAMS', /num_filters/);
    expectKilnError(() => mfccBlock.run(input, { num_cepstral: 0 }), 'BAD_PARAMS', /num_cepstral/);
    expectKilnError(() => mfccBlock.run(input, { fft_length: 1 }), 'BAD_PARAMS', /fft_length/);
    expectKilnError(() => mfccBlock.run(input, { fft_length: 200.5 }), 'BAD_PARAMS', /fft_length/);
    expectKilnError(() => mfccBlock.run(input, { win_size: 100 }), 'BAD_PARAMS', /win_size.*odd/);
    expectKilnError(() => mfccBlock.run(input, { high_frequency: 9000 }), 'BAD_PARAMS', /high_frequency/);
    expectKilnError(() => mfccBlock.run(input, { low_frequency: -5 }), 'BAD_PARAMS', /low_frequency/);
    expectKilnError(() => mfccBlock.run(input, { low_frequency: 5000, high_frequency: 4000 }), 'BAD_PARAMS', /low_frequency/);
    expectKilnError(() => mfccBlock.run(input, { pre_shift: 0 }), 'BAD_PARAMS', /pre_shift/);
    expectKilnError(() => mfccBlock.run(input, { frame_length: 0 }), 'BAD_PARAMS', /frame_length/);
    expectKilnError(() => mfccBlock.run(input, { frame_stride: -0.01 }), 'BAD_PARAMS', /frame_stride/);
    expectKilnError(() => mfccBlock.run(input, { frame_stride: 0.001 }), 'BAD_PARAMS', /500.*frame_stride/);
    expectKilnError(() => mfccBlock.run(input, { num_filters: 128, fft_length: 64 }), 'BAD_PARAMS', /num_filters/);
    expectKilnError(() => mfccBlock.run(input, { fft_length: 'big' }), 'BAD_PARAMS', /fft_length/);
  });

  it('refuses NaN values, several axes and windows shorter than one frame', () => {
    const input = testAudio(16000, 1);
    input.values[1234] = NaN;
    expectKilnError(() => mfccBlock.run(input, {}), 'BAD_DATA', /value 1234.*NaN/);
    const inf = testAudio(16000, 1);
    inf.values[5] = Infinity;
    expectKilnError(() => mfccBlock.run(inf, {}), 'BAD_DATA', /value 5/);
    const short = testAudio(16000, 0.015);
    expectKilnError(() => mfccBlock.run(short, {}), 'BAD_DATA', /240 samples.*320/);
    const twoAxes = { axes: ['left', 'right'], frequencyHz: 16000, values: new Float32Array(32000) };
    expectKilnError(() => mfccBlock.run(twoAxes, {}), 'BAD_DATA', /single axis/);
    const noRate = { axes: ['audio'], frequencyHz: 0, values: new Float32Array(100) };
    expectKilnError(() => mfccBlock.run(noRate, {}), 'BAD_DATA', /sampling frequency/);
  });
});
