import { describe, expect, it } from 'vitest';
import { KilnError } from '../errors';
import { testAudio } from './audioTestSignals';
import type { DspParams } from './block';
import { mfeBlock } from './mfe';

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

describe('MFE block', () => {
  it('uses Edge Impulse defaults: 1 s at 16 kHz gives 99 frames × 40 filters in 1/256 steps', () => {
    const out = mfeBlock.run(testAudio(16000, 1), {});
    expect(out.shape).toEqual({ type: 'spectrogram', width: 99, height: 40 });
    expect(out.features).toHaveLength(3960);
    for (const v of out.features) {
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      expect(Number.isInteger(v * 256)).toBe(true);
    }
    expect(mfeBlock.params.map((p) => [p.key, p.default])).toEqual([
      ['frame_length', 0.02],
      ['frame_stride', 0.01],
      ['num_filters', 40],
      ['fft_length', 256],
      ['low_frequency', 0],
      ['high_frequency', 0],
      ['win_size', 101],
      ['noise_floor_db', -52],
    ]);
  });

  it('drops everything below the noise floor: silence is all zeros', () => {
    const out = mfeBlock.run({ axes: ['audio'], frequencyHz: 16000, values: new Float32Array(8000) }, {});
    expect(out.features.every((v) => v === 0)).toBe(true);
  });

  it('a lower noise floor lifts quiet bands', () => {
    const input = testAudio(16000, 1, 5, 0.01);
    const sum = (a: Float32Array) => a.reduce((s, v) => s + v, 0);
    expect(sum(mfeBlock.run(input, { noise_floor_db: -90 }).features)).toBeGreaterThan(sum(mfeBlock.run(input, {}).features));
  });

  it('runs any parameter combination Edge Impulse accepts, incl. non-power-of-two FFTs and other rates', () => {
    const combos: { fs: number; p: DspParams }[] = [
      { fs: 8000, p: { fft_length: 128, num_filters: 24 } },
      { fs: 11025, p: { fft_length: 300, num_filters: 20, frame_length: 0.025, frame_stride: 0.01 } },
      { fs: 22050, p: { fft_length: 257, num_filters: 26, low_frequency: 80, high_frequency: 8000 } },
      { fs: 48000, p: { fft_length: 1024, num_filters: 64, noise_floor_db: -80 } },
      { fs: 16000, p: { fft_length: 512, num_filters: 32, frame_length: 0.032, frame_stride: 0.016 } },
    ];
    for (const { fs, p } of combos) {
      const out = mfeBlock.run(testAudio(fs, 0.5, fs), p);
      const shape = mfeBlock.outputShape({ axes: 1, frequencyHz: fs, readings: Math.round(fs * 0.5) }, p);
      expect(out.features.length).toBe(shape.length);
      expect(out.shape).toEqual(shape.shape);
      expect(out.features.every(Number.isFinite)).toBe(true);
    }
  });

  it('refuses out-of-range parameters, naming them', () => {
    const input = testAudio(16000, 1);
    expectKilnError(() => mfeBlock.run(input, { num_filters: 1 }), 'BAD_PARAMS', /num_filters/);
    expectKilnError(() => mfeBlock.run(input, { fft_length: 0 }), 'BAD_PARAMS', /fft_length/);
    expectKilnError(() => mfeBlock.run(input, { high_frequency: 8001 }), 'BAD_PARAMS', /high_frequency/);
    expectKilnError(() => mfeBlock.run(input, { low_frequency: -1 }), 'BAD_PARAMS', /low_frequency/);
    expectKilnError(() => mfeBlock.run(input, { noise_floor_db: 12 }), 'BAD_PARAMS', /noise_floor_db/);
    expectKilnError(() => mfeBlock.run(input, { frame_length: -1 }), 'BAD_PARAMS', /frame_length/);
    expectKilnError(() => mfeBlock.run(input, { frame_stride: 0.0015 }), 'BAD_PARAMS', /500/);
    expectKilnError(() => mfeBlock.run(input, { num_filters: 100, fft_length: 128 }), 'BAD_PARAMS', /num_filters/);
  });

  it('refuses NaN values and windows shorter than one frame', () => {
    const input = testAudio(16000, 1);
    input.values[0] = NaN;
    expectKilnError(() => mfeBlock.run(input, {}), 'BAD_DATA', /value 0/);
    expectKilnError(() => mfeBlock.run(testAudio(16000, 0.01), {}), 'BAD_DATA', /one frame needs 320/);
    expectKilnError(() => mfeBlock.run({ axes: ['audio'], frequencyHz: 16000, values: new Float32Array(0) }, {}), 'BAD_DATA', /0 samples/);
  });
});
