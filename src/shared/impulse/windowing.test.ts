import { describe, expect, it } from 'vitest';
import { KilnError } from '../errors';
import { windowStartMs, type TimeSeriesInput } from './impulse';
import { resizeImage } from './imageResize';
import { blockInput, SampleWindows, timeSeriesWindowCount, type WindowSource } from './windowing';

const input: TimeSeriesInput = { type: 'time-series', windowSizeMs: 1000, windowIncreaseMs: 500, frequencyHz: 10, zeroPad: false, axes: ['x', 'y'] };

function series(name: string, readings: number, axes = ['x', 'y', 'z'], intervalMs = 100): WindowSource {
  const values = new Float32Array(readings * axes.length);
  for (let i = 0; i < values.length; i++) values[i] = i;
  return { name, axes, intervalMs, values };
}

function refusal(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    return e as KilnError;
  }
  throw new Error('expected a refusal');
}

describe('windowing a sample', () => {
  it('cuts windows of the window size every increase, reading only the input axes in input order', () => {
    const w = new SampleWindows({ ...input, axes: ['y', 'x'] }, series('wave.1', 25));
    expect(w.plan).toEqual({ count: 4, readings: 10, increase: 5, sampleReadings: 25, padded: false });
    // reading r has x = 3r, y = 3r + 1
    expect(Array.from(w.window(0).slice(0, 4))).toEqual([1, 0, 4, 3]);
    expect(Array.from(w.window(3).slice(0, 2))).toEqual([15 * 3 + 1, 15 * 3]);
    expect(w.window(3).length).toBe(20);
    expect(() => w.window(4)).toThrow(RangeError);
  });

  it('counts windows as Edge Impulse does', () => {
    expect(timeSeriesWindowCount(input, 10)).toBe(1);
    expect(timeSeriesWindowCount(input, 14)).toBe(1);
    expect(timeSeriesWindowCount(input, 15)).toBe(2);
    expect(timeSeriesWindowCount(input, 9)).toBe(0);
    expect(timeSeriesWindowCount({ ...input, zeroPad: true }, 9)).toBe(1);
    const audio: TimeSeriesInput = { type: 'time-series', windowSizeMs: 1000, windowIncreaseMs: 500, frequencyHz: 16000, zeroPad: true, axes: ['audio'] };
    expect(timeSeriesWindowCount(audio, 16000 * 3)).toBe(5);
  });

  it('zero-pads a short sample when asked, and refuses it by name otherwise', () => {
    const w = new SampleWindows({ ...input, zeroPad: true }, series('blip.2', 4));
    expect(w.count).toBe(1);
    expect(w.plan.padded).toBe(true);
    const win = w.window(0);
    expect(win.length).toBe(20);
    expect(Array.from(win.slice(6, 10))).toEqual([9, 10, 0, 0]);
    const e = refusal(() => new SampleWindows(input, series('blip.2', 4)));
    expect(e.code).toBe('SAMPLE_TOO_SHORT');
    expect(e.message).toBe('Sample "blip.2" is 400 ms; the impulse window is 1000 ms (turn on zero-padding or shorten the window)');
  });

  it('names samples with other axes, another frequency, NaN readings or the wrong kind', () => {
    expect(refusal(() => new SampleWindows(input, series('gyro.1', 20, ['gx', 'y']))).message).toBe(
      'Sample "gyro.1" has no axis "x" (it has gx, y); the impulse reads x, y',
    );
    expect(refusal(() => new SampleWindows(input, series('fast.1', 20, ['x', 'y'], 10))).message).toBe(
      'Sample "fast.1" is sampled at 100 Hz; the impulse expects 10 Hz',
    );
    const nan = series('broken.7', 20, ['x', 'y']);
    nan.values[13] = NaN;
    expect(refusal(() => new SampleWindows(input, nan)).message).toBe('Sample "broken.7": reading 6, axis "y" is NaN; fix or remove the sample');
    const image: WindowSource = { name: 'cat.1', axes: ['image'], intervalMs: 0, values: new Float32Array(4), width: 2, height: 2 };
    expect(refusal(() => new SampleWindows(input, image)).message).toBe('Sample "cat.1" is an image, but the impulse reads time series');
    expect(refusal(() => new SampleWindows({ type: 'image', width: 2, height: 2, resizeMode: 'squash' }, series('s', 20))).message).toBe(
      'Sample "s" is a time series, but the impulse reads images',
    );
  });

  it('gives a block only its own axes', () => {
    const w = new SampleWindows(input, series('wave.1', 10, ['x', 'y']));
    const b = blockInput(input, { axes: ['y'] }, w.window(0));
    expect(b.axes).toEqual(['y']);
    expect(Array.from(b.values.slice(0, 3))).toEqual([1, 3, 5]);
    expect(b.frequencyHz).toBe(10);
  });
});

describe('image input', () => {
  const red = 0xff0000;
  const blue = 0x0000ff;
  it('gives one resized window per image', () => {
    const values = new Float32Array([red, blue, red, blue]);
    const w = new SampleWindows(
      { type: 'image', width: 4, height: 4, resizeMode: 'squash' },
      { name: 'i', axes: ['image'], intervalMs: 0, values, width: 2, height: 2 },
    );
    expect(w.count).toBe(1);
    expect(w.window(0).length).toBe(16);
    expect(w.window(0)[0]).toBe(red);
    expect(w.window(0)[3]).toBe(blue);
  });

  it('crops the long side for fit-short and pads it for fit-long', () => {
    // 4 × 2: left half red, right half blue
    const wide = new Float32Array([red, red, blue, blue, red, red, blue, blue]);
    const short = resizeImage(wide, 4, 2, 2, 2, 'fit-short');
    expect(Array.from(short)).toEqual([red, blue, red, blue]);
    const long = resizeImage(wide, 4, 2, 4, 4, 'fit-long');
    expect(Array.from(long.slice(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(long.slice(4, 8))).toEqual([red, red, blue, blue]);
    expect(Array.from(long.slice(12, 16))).toEqual([0, 0, 0, 0]);
  });
});

describe('window start times', () => {
  it('come from sample indices, so rates whose interval is not a whole number of ms stay exact', () => {
    const input: TimeSeriesInput = { type: 'time-series', windowSizeMs: 1000, windowIncreaseMs: 50, frequencyHz: 104, zeroPad: true, axes: ['accX'] };
    // 50 ms at 104 Hz is 5 readings: window 10 starts at reading 50, 480.77 ms
    expect(windowStartMs(input, 10)).toBeCloseTo((50 * 1000) / 104, 9);
    expect(windowStartMs({ ...input, frequencyHz: 100 }, 10)).toBe(500);
  });
});
