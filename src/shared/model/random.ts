/**
 * Seeded pseudo-random numbers for training, augmentation and clustering: same seed, same
 * sequence on every platform (32-bit integer arithmetic only, no Math.random).
 */

export interface Rng {
  /** uniform in [0, 1) */
  next(): number;
  /** integer in [0, n) */
  int(n: number): number;
  /** standard normal */
  normal(): number;
  /** an independent generator for a named purpose (init, shuffle, dropout, …) */
  fork(stream: string): Rng;
}

/** Mix a 32-bit seed (splitmix32-style finaliser). */
function mix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  x = Math.imul(x ^ (x >>> 16), 0x21f0aaad);
  x = Math.imul(x ^ (x >>> 15), 0x735a2d97);
  return (x ^ (x >>> 15)) >>> 0;
}

function hashString(s: string, h: number): number {
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A mulberry32 generator seeded from any integer (negative and large seeds are folded). */
export function createRng(seed: number): Rng {
  const folded = Number.isFinite(seed) ? (Math.trunc(seed) % 0x100000000) >>> 0 : 0;
  let state = mix32(folded);
  let spare: number | null = null;
  const rng: Rng = {
    next() {
      state = (state + 0x6d2b79f5) | 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
    int(n) {
      return Math.floor(rng.next() * n);
    },
    normal() {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return s;
      }
      let u = rng.next();
      while (u <= 0) u = rng.next();
      const v = rng.next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return r * Math.cos(2 * Math.PI * v);
    },
    fork(stream) {
      return createRng(hashString(stream, mix32(folded ^ 0x5bd1e995)));
    },
  };
  return rng;
}

/** Fisher–Yates shuffle in place. */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(a: T, rng: Rng): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
