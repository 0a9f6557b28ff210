import { describe, expect, it } from 'vitest';
import { KilnError } from '../errors';
import { testAudio } from './audioTestSignals';
import { spectrogramBlock } from './spectrogram';

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

describe('Spectrogram block', () => {
  it('uses Edge Impulse defaults: 1 s at 16 kHz gives 99 frames × 65 bins', () => {
    const out = spectrogramBlock.run(testAudio(16000, 1), {});
    expect(out.shape).toEqual({ type: 'spectrogram', width: 99, height: 65 });
    expect(out.features.every((v) => v >= 0)).toBe(true);
    expect(spectrogramBlock.params.map((p) => [p.key, p.default])).toEqual([
      ['frame_length', 0.02],
      ['frame_stride', 0.01],
      ['fft_length', 128],
      ['noise_floor_db', -52],
      ['show_axes', true],
    ]);
  });

  it('puts a pure tone in its FFT bin', () => {
    const fs = 1000;
    const values = new Float32Array(1000).map((_, i) => 100 * Math.sin((2 * Math.PI * 125 * i) / fs));
    const out = spectrogramBlock.run({ axes: ['accX'], frequencyHz: fs, values }, { frame_length: 0.064, frame_stride: 0.064, fft_length: 64 });
    const bins = 33;
    const frame = Array.from(out.features.subarray(0, bins));
    expect(frame.indexOf(Math.max(...frame))).toBe(8); // 125 Hz / (1000 Hz / 64)
  });

  it('works on one accelerometer axis at low rates and with any FFT length', () => {
    for (const [fs, p] of [
      [100, { frame_length: 0.5, frame_stride: 0.25, fft_length: 64, noise_floor_db: -100 }],
      [62.5, { frame_length: 0.25, frame_stride: 0.1, fft_length: 20 }],
      [25, { frame_length: 1, frame_stride: 0.5, fft_length: 33 }],
      [16000, { fft_length: 200 }],
    ] as const) {
      const n = Math.round(fs * 2);
      const values = new Float32Array(n).map((_, i) => 9.81 + Math.sin(i / 3) * 2);
      const input = { axes: ['accX'], frequencyHz: fs, values };
      const out = spectrogramBlock.run(input, p);
      const shape = spectrogramBlock.outputShape({ axes: 1, frequencyHz: fs, readings: n }, p);
      expect(out.features.length).toBe(shape.length);
      expect(out.shape).toEqual(shape.shape);
      expect(out.features.every(Number.isFinite)).toBe(true);
    }
  });

  it('refuses out-of-range parameters, naming them', () => {
    const input = testAudio(16000, 1);
    expectKilnError(() => spectrogramBlock.run(input, { fft_length: 1 }), 'BAD_PARAMS', /fft_length/);
    expectKilnError(() => spectrogramBlock.run(input, { frame_length: 0.0001 }), 'BAD_PARAMS', /frame_length.*4 samples/);
    expectKilnError(() => spectrogramBlock.run(input, { frame_stride: 0.0002 }), 'BAD_PARAMS', /frame_stride.*4 samples/);
    expectKilnError(() => spectrogramBlock.run(input, { frame_stride: 0.001 }), 'BAD_PARAMS', /500/);
    expectKilnError(() => spectrogramBlock.run(input, { noise_floor_db: 20 }), 'BAD_PARAMS', /noise_floor_db/);
  });

  it('refuses NaN values, empty input and windows shorter than one frame', () => {
    const input = testAudio(16000, 1);
    input.values[42] = -Infinity;
    expectKilnError(() => spectrogramBlock.run(input, {}), 'BAD_DATA', /value 42/);
    expectKilnError(
      () => spectrogramBlock.run({ axes: ['accX'], frequencyHz: 100, values: new Float32Array(0) }, { frame_length: 0.5, frame_stride: 0.25 }),
      'BAD_DATA',
      /empty/,
    );
    expectKilnError(
      () => spectrogramBlock.run({ axes: ['accX'], frequencyHz: 100, values: new Float32Array(30) }, { frame_length: 0.5, frame_stride: 0.25 }),
      'BAD_DATA',
      /30 samples.*50/,
    );
  });
});
