/**
 * Fixed-point requantization as TFLite defines it (docs/int8.md): a real multiplier M becomes a
 * 32-bit multiplier and a power-of-two shift at quantization time; at run time an int32
 * accumulator is scaled with gemmlowp's SaturatingRoundingDoublingHighMul and
 * RoundingDivideByPOT. Pure integer arithmetic: the 64-bit product is computed exactly from
 * 16-bit halves in doubles (every intermediate stays below 2^53), so no BigInt in the hot path.
 */

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const TWO_15 = 32768;
const TWO_16 = 65536;
const TWO_30 = 1073741824;
const TWO_31 = 2147483648;

/** Shifts are kept in [MIN_SHIFT, MAX_SHIFT] so every mask and left shift fits in 32 bits. */
export const MIN_SHIFT = -31;
export const MAX_SHIFT = 30;

export interface FixedMultiplier {
  multiplier: number;
  shift: number;
}

/**
 * M (≥ 0) as multiplier in [2^30, 2^31) and shift (positive = left): frexp(M) = q·2^e,
 * multiplier = round(q·2^31) (2^31 is halved with e + 1). M = 0, or M < 2^-32 (e < −31), gives
 * multiplier 0, shift 0; M ≥ 2^30 (e > 30) saturates to multiplier 2^31 − 1, shift 30.
 */
export function quantizeMultiplier(m: number): FixedMultiplier {
  if (!(m >= 0) || !Number.isFinite(m)) throw new RangeError(`A requantization multiplier must be finite and ≥ 0, got ${m}`);
  if (m === 0) return { multiplier: 0, shift: 0 };
  // frexp: m = q · 2^e with q in [0.5, 1)
  let e = Math.ceil(Math.log2(m));
  let q = m / 2 ** e;
  // log2 can be off by one ulp near powers of two
  while (q >= 1) {
    e++;
    q = m / 2 ** e;
  }
  while (q < 0.5) {
    e--;
    q = m / 2 ** e;
  }
  let multiplier = Math.round(q * TWO_31);
  if (multiplier === TWO_31) {
    multiplier = TWO_30;
    e++;
  }
  if (e < MIN_SHIFT) return { multiplier: 0, shift: 0 };
  if (e > MAX_SHIFT) return { multiplier: INT32_MAX, shift: MAX_SHIFT };
  return { multiplier, shift: e | 0 };
}

/**
 * gemmlowp's SaturatingRoundingDoublingHighMul: (a·b + nudge) / 2^31 truncated toward zero,
 * nudge = 2^30 when a·b ≥ 0 else 1 − 2^30; INT32_MAX when a = b = INT32_MIN. a and b are int32.
 */
export function saturatingRoundingDoublingHighMul(a: number, b: number): number {
  if (a === INT32_MIN && b === INT32_MIN) return INT32_MAX;
  // b = bh·2^16 + bl with bl in [0, 2^16): both partial products are exact (< 2^47)
  const bl = b & 0xffff;
  const bh = (b - bl) / TWO_16;
  const ph = a * bh;
  const pl = a * bl;
  // ph·2^16 = q1·2^31 + r1·2^16 with r1 in [0, 2^15)
  const q1 = Math.floor(ph / TWO_15);
  const r1 = ph - q1 * TWO_15;
  const nonNegative = a === 0 || b === 0 || a > 0 === b > 0;
  const s = r1 * TWO_16 + pl + (nonNegative ? TWO_30 : 1 - TWO_30);
  const q2 = Math.floor(s / TWO_31);
  const r2 = s - q2 * TWO_31;
  // a·b + nudge = (q1 + q2)·2^31 + r2, r2 in [0, 2^31): floor is q1 + q2, truncate toward zero
  const q = q1 + q2;
  return q < 0 && r2 !== 0 ? q + 1 : q;
}

/** gemmlowp's RoundingDivideByPOT: x / 2^exponent rounded half away from zero (0 ≤ exponent ≤ 31). */
export function roundingDivideByPOT(x: number, exponent: number): number {
  const mask = 2 ** exponent - 1;
  const remainder = x & mask;
  const threshold = (mask >>> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder >>> 0 > threshold ? 1 : 0);
}

/** An int32 accumulator scaled by multiplier·2^(shift − 31), rounded as TFLite does (before the zero point and clamp). */
export function requantize(acc: number, multiplier: number, shift: number): number {
  const left = shift > 0 ? shift : 0;
  const right = shift > 0 ? 0 : -shift;
  // x · 2^left in int32 (wraps modulo 2^32 like the C library's unsigned shift)
  const x = left ? Math.imul(acc, 1 << left) : acc | 0;
  return roundingDivideByPOT(saturatingRoundingDoublingHighMul(x, multiplier), right);
}

export { INT32_MAX, INT32_MIN };
