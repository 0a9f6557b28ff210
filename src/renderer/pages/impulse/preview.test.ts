import { describe, expect, it } from 'vitest';
import { paramsWithDefaults, getDspBlock } from '../../../shared/dsp/index';
import type { DspBlockConfig, TimeSeriesInput } from '../../../shared/impulse/impulse';
import { computePreview, heatmapRows } from './preview';
import { checkNumber } from './fields';

const input: TimeSeriesInput = { type: 'time-series', windowSizeMs: 1000, windowIncreaseMs: 500, frequencyHz: 100, zeroPad: true, axes: ['accX', 'accY'] };
const sample = (seconds: number) => {
  const n = seconds * 100;
  const values: number[] = [];
  for (let i = 0; i < n; i++) values.push(Math.sin((2 * Math.PI * 5 * i) / 100), i % 7);
  return { name: 'wave.1', sensors: [{ name: 'accX' }, { name: 'accY' }], intervalMs: 10, values, width: null, height: null };
};
const block = (name: string, axes: string[], params: Record<string, number | string | boolean> = {}): DspBlockConfig => ({
  id: 'b',
  block: name,
  title: name,
  axes,
  params: { ...paramsWithDefaults(getDspBlock(name).params), ...params },
});

describe('block preview', () => {
  it('cuts the chosen window and runs the block with its output length', () => {
    const p = computePreview(input, block('flatten', ['accX', 'accY']), sample(3), 2);
    expect(p.windows).toBe(5);
    expect(p.window).toBe(2);
    expect(p.startMs).toBe(1000);
    expect(p.raw.map((r) => r.axis)).toEqual(['accX', 'accY']);
    expect(p.raw[0]!.values).toHaveLength(100);
    expect(p.output.features.length).toBe(
      getDspBlock('flatten').outputShape({ axes: 2, frequencyHz: 100, readings: 100 }, paramsWithDefaults(getDspBlock('flatten').params)).length,
    );
    expect(p.operations).toBeGreaterThan(0);
  });

  it('reads only the block axes and clamps the window index', () => {
    const p = computePreview(input, block('raw', ['accY']), sample(2), 99);
    expect(p.window).toBe(p.windows - 1);
    expect(p.raw.map((r) => r.axis)).toEqual(['accY']);
    expect(p.raw[0]!.values.slice(0, 3)).toEqual([2, 3, 4]); // reading 100 onwards, i % 7
  });

  it('changes with a parameter (spectral analysis FFT length)', () => {
    const a = computePreview(input, block('spectral_analysis', ['accX'], { 'fft-length': 16 }), sample(2), 0);
    const b = computePreview(input, block('spectral_analysis', ['accX'], { 'fft-length': 64 }), sample(2), 0);
    expect(b.output.features.length).toBeGreaterThan(a.output.features.length);
  });

  it('refuses a bad parameter naming it', () => {
    expect(() => computePreview(input, block('spectral_analysis', ['accX'], { 'fft-length': 7 }), sample(2), 0)).toThrow(/fft-length/);
  });

  it('refuses a sample without the input axes, naming the sample', () => {
    const s = { ...sample(2), sensors: [{ name: 'gyrX' }, { name: 'gyrY' }] };
    expect(() => computePreview(input, block('flatten', ['accX']), s, 0)).toThrow(/wave\.1.*accX/);
  });

  it('refuses a custom block (tested on its own page)', () => {
    expect(() => computePreview(input, { ...block('flatten', ['accX']), block: 'custom:mine' }, sample(2), 0)).toThrow(/custom:mine/);
  });

  it('lays spectrogram features out as bins × frames', () => {
    expect(heatmapRows([1, 2, 3, 4, 5, 6], 3, 2)).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
  });
});

describe('number fields', () => {
  it('accepts numbers in range and explains the rest', () => {
    expect(checkNumber('12', { min: 1, max: 20 })).toEqual({ value: 12 });
    expect(checkNumber('1,5', {})).toEqual({ value: 1.5 });
    expect(checkNumber('', {})).toEqual({ error: 'Enter a number' });
    expect(checkNumber('abc', {})).toEqual({ error: '"abc" is not a number' });
    expect(checkNumber('2.5', { integer: true })).toEqual({ error: 'Enter a whole number' });
    expect(checkNumber('0', { above: 0 })).toEqual({ error: 'Must be more than 0' });
    expect(checkNumber('30', { max: 20 })).toEqual({ error: 'Must be at most 20' });
  });
});
