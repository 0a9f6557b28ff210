import { describe, expect, it } from 'vitest';
import { INT32_MAX, INT32_MIN, quantizeMultiplier, requantize, roundingDivideByPOT, saturatingRoundingDoublingHighMul } from './fixedPoint';
import { createRng } from './random';

/** gemmlowp's definitions, word for word, on arbitrary-precision integers. */
function highMulRef(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  const ab = BigInt(a) * BigInt(b);
  const nudge = ab >= 0n ? 1n << 30n : 1n - (1n << 30n);
  return Number((ab + nudge) / (1n << 31n));
}

function divideRef(x: number, e: number): number {
  const X = BigInt(x);
  const mask = (1n << BigInt(e)) - 1n;
  const remainder = X & mask;
  const threshold = (mask >> 1n) + (X < 0n ? 1n : 0n);
  return Number((X >> BigInt(e)) + (remainder > threshold ? 1n : 0n));
}

describe('fixed-point requantization', () => {
  const rng = createRng(42);
  const int32 = () => {
    // mix of full-range values, small values and the edges
    const k = rng.next();
    if (k < 0.05) return INT32_MIN;
    if (k < 0.1) return INT32_MAX;
    if (k < 0.4) return Math.round((rng.next() * 2 - 1) * 70000);
    return Math.floor(rng.next() * 2 ** 32) - 2 ** 31;
  };

  it('computes the doubling high product exactly like 64-bit gemmlowp on 200 000 random pairs, INT32_MIN included', () => {
    const edges = [INT32_MIN, INT32_MIN + 1, -1, 0, 1, INT32_MAX, 1 << 30, -(1 << 30), 12345, -12345];
    for (const a of edges) for (const b of edges) expect(saturatingRoundingDoublingHighMul(a, b)).toBe(highMulRef(a, b));
    let mismatches = 0;
    for (let i = 0; i < 200_000; i++) {
      const a = int32();
      const b = int32();
      if (saturatingRoundingDoublingHighMul(a, b) !== highMulRef(a, b)) mismatches++;
    }
    expect(mismatches).toBe(0);
    expect(saturatingRoundingDoublingHighMul(INT32_MIN, INT32_MIN)).toBe(INT32_MAX);
  });

  it('divides by a power of two rounding half away from zero, for every exponent 0…31', () => {
    for (let e = 0; e <= 31; e++) {
      for (const x of [INT32_MIN, INT32_MAX, 0, 1, -1, 2 ** Math.max(0, e - 1), -(2 ** Math.max(0, e - 1))]) {
        expect(roundingDivideByPOT(x, e)).toBe(divideRef(x, e));
      }
      for (let i = 0; i < 3000; i++) {
        const x = int32();
        expect(roundingDivideByPOT(x, e)).toBe(divideRef(x, e));
      }
    }
    // ties go away from zero
    expect(roundingDivideByPOT(5, 1)).toBe(3);
    expect(roundingDivideByPOT(-5, 1)).toBe(-3);
    expect(roundingDivideByPOT(-6, 2)).toBe(-2);
  });

  it('turns a real multiplier into a 31-bit mantissa and a shift that reproduce it', () => {
    expect(quantizeMultiplier(0.5)).toEqual({ multiplier: 2 ** 30, shift: 0 });
    expect(quantizeMultiplier(1)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    expect(quantizeMultiplier(0.75)).toEqual({ multiplier: 1610612736, shift: 0 });
    expect(quantizeMultiplier(0)).toEqual({ multiplier: 0, shift: 0 });
    // a mantissa that rounds up to 2^31 is halved
    expect(quantizeMultiplier(1 - 2 ** -40)).toEqual({ multiplier: 2 ** 30, shift: 1 });
    // out-of-range exponents: vanishing multipliers become 0, huge ones saturate
    expect(quantizeMultiplier(2 ** -40)).toEqual({ multiplier: 0, shift: 0 });
    expect(quantizeMultiplier(2 ** 40)).toEqual({ multiplier: INT32_MAX, shift: 30 });
    for (let i = 0; i < 2000; i++) {
      const m = 2 ** (rng.next() * 40 - 30);
      const q = quantizeMultiplier(m);
      expect(q.multiplier).toBeGreaterThanOrEqual(2 ** 30);
      expect(q.multiplier).toBeLessThan(2 ** 31);
      expect(Math.abs((q.multiplier * 2 ** (q.shift - 31)) / m - 1)).toBeLessThan(2 ** -30);
    }
    expect(() => quantizeMultiplier(-1)).toThrow(/≥ 0/);
  });

  it('requantizes an accumulator to round(acc · M) for ordinary layer scales', () => {
    for (let i = 0; i < 5000; i++) {
      const m = 2 ** (rng.next() * 14 - 12);
      const acc = Math.round((rng.next() * 2 - 1) * 2 ** 20);
      const { multiplier, shift } = quantizeMultiplier(m);
      const got = requantize(acc, multiplier, shift);
      const left = Math.max(shift, 0);
      expect(got).toBe(divideRef(highMulRef(acc * 2 ** left, multiplier), Math.max(-shift, 0)));
      // double rounding: at most half a step from the high product plus half a step from the shift
      expect(Math.abs(got - acc * m)).toBeLessThanOrEqual(1 + 1e-6 * Math.abs(acc * m));
    }
  });
});
