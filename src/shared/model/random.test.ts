import { describe, expect, it } from 'vitest';
import { createRng, shuffleInPlace } from './random.js';

describe('createRng', () => {
  it('repeats its sequence for the same seed and differs for another', () => {
    const seq = (seed: number) => {
      const r = createRng(seed);
      return Array.from({ length: 5 }, () => r.next());
    };
    expect(seq(42)).toEqual(seq(42));
    expect(seq(42)).not.toEqual(seq(43));
    expect(seq(-1)).toEqual(seq(2 ** 32 - 1));
  });

  it('gives named streams that do not depend on how much the parent was used', () => {
    const a = createRng(7);
    const b = createRng(7);
    b.next();
    b.next();
    expect(a.fork('init').next()).toBe(b.fork('init').next());
    expect(a.fork('init').next()).not.toBe(a.fork('shuffle').next());
  });

  it('draws uniform and normal values with the right moments', () => {
    const r = createRng(1);
    let s = 0;
    let s2 = 0;
    let u = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const v = r.normal();
      s += v;
      s2 += v * v;
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      u += x;
    }
    expect(s / n).toBeCloseTo(0, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
    expect(u / n).toBeCloseTo(0.5, 1);
  });

  it('shuffles to a permutation', () => {
    const a = shuffleInPlace(
      Int32Array.from({ length: 50 }, (_, i) => i),
      createRng(3),
    );
    expect(Array.from(a).sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(Array.from(a)).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
