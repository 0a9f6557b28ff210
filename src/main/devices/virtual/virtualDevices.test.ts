import { describe, expect, it } from 'vitest';
import { MemorySampleSink } from '../memorySampleSink';
import { createRng } from './random';
import { createAccelerometerStream, MOTIONS } from './virtualAccelerometer';
import { recordVirtual, virtualAccelerometer, virtualMicrophone } from './virtualDevice';
import { WORDS } from './virtualMicrophone';

function column(values: Float32Array, axes: number, axis: number): number[] {
  const out: number[] = [];
  for (let i = axis; i < values.length; i += axes) out.push(values[i]!);
  return out;
}
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]): number => {
  const m = mean(xs);
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)));
};
/** energy in a band, Hz, by a plain DFT on a few bins (no dependency on the DSP module) */
function bandEnergy(x: Float32Array, hz: number, lo: number, hi: number): number {
  let e = 0;
  const n = x.length;
  for (let f = lo; f <= hi; f += 50) {
    let re = 0;
    let im = 0;
    for (let i = 0; i < n; i++) {
      const a = (2 * Math.PI * f * i) / hz;
      re += x[i]! * Math.cos(a);
      im -= x[i]! * Math.sin(a);
    }
    e += re * re + im * im;
  }
  return e;
}

describe('seeded random', () => {
  it('repeats per seed and differs across seeds; normals look normal', () => {
    const a = createRng(42);
    const b = createRng(42);
    const c = createRng(43);
    const xa = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xa);
    const r = createRng(1);
    const ns = Array.from({ length: 20000 }, () => r.normal(3, 2));
    expect(mean(ns)).toBeCloseTo(3, 1);
    expect(std(ns)).toBeCloseTo(2, 1);
  });
});

describe('virtual accelerometer', () => {
  it('is deterministic per seed and different across seeds', () => {
    const one = virtualAccelerometer.generate({ motion: 'wave', lengthMs: 2000, frequencyHz: 62.5, seed: 1 });
    expect(one.length).toBe(125 * 3);
    expect(virtualAccelerometer.generate({ motion: 'wave', lengthMs: 2000, frequencyHz: 62.5, seed: 1 })).toEqual(one);
    expect(virtualAccelerometer.generate({ motion: 'wave', lengthMs: 2000, frequencyHz: 62.5, seed: 2 })).not.toEqual(one);
  });

  it('gives the same values whether generated at once or in chunks', () => {
    const whole = createAccelerometerStream({ motion: 'circle', frequencyHz: 100, seed: 9 }).next(300);
    const s = createAccelerometerStream({ motion: 'circle', frequencyHz: 100, seed: 9 });
    const parts = [s.next(7), s.next(100), s.next(193)];
    expect(Float32Array.from(parts.flatMap((p) => Array.from(p)))).toEqual(whole);
  });

  it('includes gravity and makes each motion look different', () => {
    const stats = Object.fromEntries(
      MOTIONS.map((motion) => {
        const v = virtualAccelerometer.generate({ motion, lengthMs: 4000, frequencyHz: 100, seed: 5 });
        const mag = mean(column(v, 3, 0).map((x, i) => Math.hypot(x, column(v, 3, 1)[i]!, column(v, 3, 2)[i]!)));
        return [motion, { sx: std(column(v, 3, 0)), sz: std(column(v, 3, 2)), mz: mean(column(v, 3, 2)), mag }];
      }),
    );
    expect(stats.idle!.mag).toBeGreaterThan(9);
    expect(stats.idle!.mag).toBeLessThan(10.6);
    expect(stats.idle!.sx).toBeLessThan(0.5);
    expect(stats.wave!.sx).toBeGreaterThan(2);
    expect(stats.updown!.sz).toBeGreaterThan(2);
    expect(stats.updown!.sz).toBeGreaterThan(stats.updown!.sx);
    expect(stats.circle!.sx).toBeGreaterThan(2);
    expect(stats.circle!.sz).toBeGreaterThan(2);
  });
});

describe('virtual microphone', () => {
  it('is deterministic per seed, int16-ranged, different across seeds', () => {
    const a = virtualMicrophone.generate({ word: 'yes', lengthMs: 1000, seed: 3 });
    expect(a.length).toBe(16000);
    expect(virtualMicrophone.generate({ word: 'yes', lengthMs: 1000, seed: 3 })).toEqual(a);
    expect(virtualMicrophone.generate({ word: 'yes', lengthMs: 1000, seed: 4 })).not.toEqual(a);
    expect(a.every((v) => Number.isInteger(v) && v >= -32768 && v <= 32767)).toBe(true);
  });

  it('says a word that stands out from the background; "yes" ends in a hiss, "no" and "go" do not', () => {
    const loud = (w: (typeof WORDS)[number]): number => std(Array.from(virtualMicrophone.generate({ word: w, lengthMs: 1000, seed: 8 })));
    expect(loud('yes')).toBeGreaterThan(2 * loud('noise'));
    expect(loud('no')).toBeGreaterThan(2 * loud('noise'));
    expect(loud('go')).toBeGreaterThan(2 * loud('noise'));
    const hissShare = (w: 'yes' | 'no' | 'go'): number => {
      const x = virtualMicrophone.generate({ word: w, lengthMs: 1000, seed: 8 });
      return bandEnergy(x, 16000, 4500, 7500) / bandEnergy(x, 16000, 200, 3000);
    };
    expect(hissShare('yes')).toBeGreaterThan(3 * hissShare('no'));
    expect(hissShare('yes')).toBeGreaterThan(3 * hissShare('go'));
  });
});

describe('recording from a virtual device', () => {
  it('goes through the SampleSink in chunks, faster than real time for demo data', async () => {
    const sink = new MemorySampleSink();
    const t0 = performance.now();
    const s = await recordVirtual(virtualAccelerometer, { variant: 'updown', label: 'updown', lengthMs: 10_000, seed: 2, speed: Infinity }, sink);
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(s).toMatchObject({ truncated: false, readings: 625, expectedReadings: 625 });
    expect(sink.meta).toMatchObject({ label: 'updown', intervalMs: 16, deviceType: 'KILN_VIRTUAL_ACCELEROMETER' });
    expect(sink.chunks.length).toBeGreaterThan(10);
    expect(sink.values).toEqual(virtualAccelerometer.generate({ motion: 'updown', lengthMs: 10_000, frequencyHz: 62.5, seed: 2 }));
  });

  it('paces chunks in real time by default', async () => {
    const sink = new MemorySampleSink();
    const t0 = performance.now();
    await recordVirtual(virtualMicrophone, { variant: 'go', label: 'go', lengthMs: 600, seed: 1 }, sink);
    const took = performance.now() - t0;
    expect(took).toBeGreaterThan(550);
    expect(took).toBeLessThan(1500);
    expect(sink.readings).toBe(9600);
  });

  it('streams live chunks until stopped', async () => {
    const chunks: Float32Array[] = [];
    const stop = virtualAccelerometer.start((c) => chunks.push(c), { variant: 'idle', frequencyHz: 100, seed: 1, chunkMs: 50 });
    await new Promise((r) => setTimeout(r, 330));
    stop();
    const n = chunks.reduce((a, c) => a + c.length, 0) / 3;
    expect(n).toBeGreaterThan(20);
    expect(n).toBeLessThanOrEqual(34);
  });
});

/** Nearest-centroid accuracy: trained on people `trainSeeds`, tested on other people. */
function centroidAccuracy<C extends string>(classes: readonly C[], features: (c: C, seed: number) => number[]): number {
  const centroids = classes.map((c) => {
    const fs = Array.from({ length: 6 }, (_, i) => features(c, 100 + i));
    return fs[0]!.map((_, k) => mean(fs.map((f) => f[k]!)));
  });
  let right = 0;
  let total = 0;
  for (const [ci, c] of classes.entries()) {
    for (let seed = 500; seed < 508; seed++) {
      const f = features(c, seed);
      const dists = centroids.map((m) => m.reduce((d, v, k) => d + (v - f[k]!) ** 2, 0));
      if (dists.indexOf(Math.min(...dists)) === ci) right++;
      total++;
    }
  }
  return right / total;
}

describe('virtual data is learnable', () => {
  it('tells motions apart across people from per-axis mean and spread', () => {
    const features = (motion: (typeof MOTIONS)[number], seed: number): number[] => {
      const v = virtualAccelerometer.generate({ motion, lengthMs: 2000, frequencyHz: 62.5, seed });
      return [0, 1, 2].flatMap((a) => [mean(column(v, 3, a)) / 3, std(column(v, 3, a))]);
    };
    expect(centroidAccuracy(MOTIONS, features)).toBeGreaterThanOrEqual(0.95);
  });

  it('tells keywords apart across speakers from band energies of the loudest 400 ms', () => {
    const bands = [200, 350, 500, 700, 900, 1200, 1600, 2000, 2500, 3000, 4500, 6000];
    const features = (word: (typeof WORDS)[number], seed: number): number[] => {
      const x = virtualMicrophone.generate({ word, lengthMs: 1000, seed });
      const win = 6400;
      let start = 0;
      let loudest = -1;
      for (let s = 0; s + win <= x.length; s += 800) {
        let e = 0;
        for (let i = s; i < s + win; i++) e += x[i]! ** 2;
        if (e > loudest) [loudest, start] = [e, s];
      }
      const third = Math.floor(win / 3);
      const f = [0, 1, 2].flatMap((p) => bands.map((b) => Math.log1p(bandEnergy(x.subarray(start + p * third, start + (p + 1) * third), 16000, b, b))));
      const m = mean(f);
      return f.map((v) => v - m);
    };
    expect(centroidAccuracy(WORDS, features)).toBeGreaterThanOrEqual(0.85);
  });
});
