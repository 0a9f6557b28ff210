/** Largest finite float32. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * Why `v` cannot be stored in a Float32Array, or null when it can (NaN, ±Infinity and values
 * beyond ±3.4e38 would otherwise turn silently into NaN/Infinity).
 */
export function float32Problem(v: number): string | null {
  if (Number.isNaN(v)) return 'NaN is not a valid reading';
  if (!Number.isFinite(v)) return `${v} is not a valid reading`;
  if (!Number.isFinite(Math.fround(v))) {
    return `${v} is too large for a 32-bit float (limit ±3.4e38)`;
  }
  return null;
}

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i); // exact doubles up to 1e22

/**
 * Shortest decimal text (up to 9 significant digits) that reads back (via Number + Math.fround)
 * as exactly the float32 `v`; keeps -0 as "-0". Used by serializers so round trips are
 * bit-exact. Rounds with arithmetic rather than toPrecision: m / 10^k of exact doubles is
 * correctly rounded, i.e. the same double Number() gives for the text "m e-k".
 */
export function formatFloat32(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  if (!Number.isFinite(v)) return String(v);
  const e = Math.floor(Math.log10(Math.abs(v)));
  for (let p = 1; p <= 9; p++) {
    const k = p - 1 - e;
    let r: number;
    if (k >= 0 && k <= 22) r = Math.round(v * (POW10[k] ?? 1)) / (POW10[k] ?? 1);
    else if (k < 0 && k >= -22) r = Math.round(v / (POW10[-k] ?? 1)) * (POW10[-k] ?? 1);
    else r = Number(v.toPrecision(p));
    if (Math.fround(r) === v) return String(r);
  }
  return String(v);
}
