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

/**
 * Shortest decimal text that reads back (via Number + Math.fround) as exactly the float32 `v`;
 * keeps -0 as "-0". Used by serializers so round trips are bit-exact.
 */
export function formatFloat32(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  if (Number.isInteger(v) && Math.abs(v) < 1e21) return String(v);
  for (let p = 6; p <= 9; p++) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) === v) {
      // try one digit fewer only when 6 already worked (cheap search for short values)
      if (p === 6) return shortestBelowSix(v, d);
      return String(d);
    }
  }
  return String(v);
}

function shortestBelowSix(v: number, fallback: number): string {
  let best = fallback;
  for (let p = 5; p >= 1; p--) {
    const d = Number(v.toPrecision(p));
    if (Math.fround(d) !== v) break;
    best = d;
  }
  return String(best);
}
