import { describe, expect, it } from 'vitest';
import { parseWav } from '../../../shared/formats';
import { equalCuts, formatLength, wavBlob } from './sampleMedia';

describe('wavBlob', () => {
  it('writes int16 audio that reads back unchanged at the right rate', async () => {
    const values = [0, 1, -1, 32767, -32768, 1234, -4321];
    const bytes = new Uint8Array(await wavBlob(values, 16000).arrayBuffer());
    const parsed = parseWav(bytes, 'x.wav');
    expect(Array.from(parsed.values)).toEqual(values);
    expect(parsed.intervalMs).toBeCloseTo(1000 / 16000, 9);
  });

  it('scales values beyond int16 so the peak is full scale instead of clipping', async () => {
    const parsed = parseWav(new Uint8Array(await wavBlob([0, 65534, -65534, 32767], 8000).arrayBuffer()), 'x.wav');
    expect(Array.from(parsed.values)).toEqual([0, 32767, -32767, 16384]);
  });
});

describe('equalCuts', () => {
  it('cuts into n nearly equal parts, never at the ends or twice at one reading', () => {
    expect(equalCuts(200, 4)).toEqual([50, 100, 150]);
    expect(equalCuts(10, 3)).toEqual([3, 7]);
    expect(equalCuts(3, 10)).toEqual([1, 2]);
    expect(equalCuts(1, 2)).toEqual([]);
  });
});

describe('formatLength', () => {
  it('reads as ms, seconds or minutes', () => {
    expect(formatLength(500)).toBe('500 ms');
    expect(formatLength(1500)).toBe('1.50 s');
    expect(formatLength(12_345)).toBe('12.3 s');
    expect(formatLength(125_000)).toBe('2 min 5 s');
  });
});
