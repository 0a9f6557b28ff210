import { describe, expect, it } from 'vitest';
import { float32Problem, formatFloat32 } from './float32.js';
import { seededBytes } from './testKit.js';

describe('printing float32 values for text formats', () => {
  it('prints the shortest text for typical sensor values', () => {
    for (const [v, text] of [
      [0.1, '0.1'],
      [9.81, '9.81'],
      [-0.5, '-0.5'],
      [123456.789, '123456.79'],
      [1e-7, '1e-7'],
      [-0, '-0'],
      [3.4028234663852886e38, '3.4028235e+38'],
      [1.401298464324817e-45, '1e-45'],
    ] as const) {
      expect(formatFloat32(Math.fround(v))).toBe(text);
    }
  });

  it('reads back every one of 200 000 random bit patterns exactly', () => {
    const words = new Uint32Array(seededBytes(42, 800_000).buffer);
    const floats = new Float32Array(words.buffer);
    const wrong: string[] = [];
    for (let i = 0; i < floats.length; i++) {
      const v = floats[i] ?? 0;
      if (!Number.isFinite(v)) continue;
      const text = formatFloat32(v);
      const digits = text.replace(/^-|e.*$|\./g, '').replace(/^0+|0+$/g, '').length;
      if (!Object.is(Math.fround(Number(text)), v) || digits > (Number.isInteger(v) ? 17 : 9)) wrong.push(`${v} → ${text}`);
    }
    expect(wrong).toEqual([]);
  });
});

describe('checking values fit a float32', () => {
  it('accepts the float32 range and refuses NaN, infinities and 1e39', () => {
    expect(float32Problem(3.4028234663852886e38)).toBeNull();
    expect(float32Problem(-1e-50)).toBeNull(); // underflows to -0: representable
    expect(float32Problem(NaN)).toMatch(/NaN/);
    expect(float32Problem(Infinity)).toMatch(/Infinity/);
    expect(float32Problem(1e39)).toMatch(/too large for a 32-bit float/);
  });
});
