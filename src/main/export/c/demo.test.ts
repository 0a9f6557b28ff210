/**
 * The demo projects end to end: trained through the studio's services, exported, compiled with
 * the host gcc and run on every window of their test sets. On the studio's own features the C
 * library's int8 outputs equal the TypeScript engine's exactly and float32 scores are within
 * 1e-5; from raw windows (C DSP in float32, within the DSP conformance tolerance of the studio's)
 * it reports how many windows give identical int8 outputs and the largest difference (all of
 * them identical when measured).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runFloatModel } from '../../../shared/model/floatRunner';
import { anomalyScore } from '../../../shared/model/anomaly';
import { quantizeInput, runInt8Raw } from '../../../shared/model/int8';
import { generateCLibrary } from './index';
import { buildWithHarness, disposeKernelCache, type BuiltLibrary } from './testing/hostGcc';
import { trainedDemo, type TrainedDemo } from './testing/trainedDemo';

const built: BuiltLibrary[] = [];
afterAll(() => {
  built.forEach((b) => b.dispose());
  disposeKernelCache();
});

for (const kind of ['motion', 'keywords'] as const) {
  describe(`the ${kind} demo as a C library`, () => {
    let demo: TrainedDemo;
    beforeAll(async () => {
      demo = await trainedDemo(kind);
    }, 240_000);
    afterAll(() => demo?.studio.dispose());

    const library = (precision: 'int8' | 'float32') => {
      const lib = generateCLibrary({
        name: kind,
        precision,
        labels: demo.labels,
        impulse: demo.impulse,
        float: demo.float,
        int8: demo.int8,
        anomaly: demo.anomaly,
      });
      const b = buildWithHarness(lib);
      built.push(b);
      return { lib, b };
    };

    it('int8: equals the TypeScript engine on every test window, exactly on the studio’s features', () => {
      const { lib, b } = library('int8');
      const want = demo.features.map((f) => Array.from(runInt8Raw(demo.int8, quantizeInput(demo.int8, f))));
      const fromFeatures = b.run('features', demo.features);
      expect(fromFeatures.map((r) => r.quantized)).toEqual(want);
      const fromWindows = b.run('windows', demo.windows);
      expect(fromWindows.every((r) => r.status === 0)).toBe(true);
      let identical = 0;
      let worst = 0;
      fromWindows.forEach((r, i) => {
        const d = Math.max(...r.quantized.map((q, k) => Math.abs(q - want[i]![k]!)));
        if (d === 0) identical++;
        worst = Math.max(worst, d);
      });
      console.info(
        `${kind} int8: ${demo.windows.length} test windows, ${identical} identical from raw windows (C DSP), largest difference ${worst} steps; arena ${lib.summary.arenaBytes} B, weights ${lib.summary.weightBytes} B`,
      );
      // from raw windows the C DSP (float32) feeds the network: docs/int8.md says an input on a
      // rounding boundary may quantize one step apart, so nearly all windows are identical and
      // the rest differ by a few steps, never in the winning label
      expect(identical).toBeGreaterThanOrEqual(Math.floor(0.98 * demo.windows.length));
      expect(worst).toBeLessThanOrEqual(8);
      fromWindows.forEach((r, i) => expect(argmax(r.quantized)).toBe(argmax(want[i]!)));
    });

    it('float32: within 1e-5 of the TypeScript float engine on the studio’s features', () => {
      const { b } = library('float32');
      const rows = b.run('features', demo.features);
      let worst = 0;
      rows.forEach((r, i) => {
        const want = runFloatModel(demo.float, demo.features[i]!);
        r.scores.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - want[k]!))));
      });
      const fromWindows = b.run('windows', demo.windows);
      let worstWindow = 0;
      fromWindows.forEach((r, i) => {
        const want = runFloatModel(demo.float, demo.features[i]!);
        r.scores.forEach((v, k) => (worstWindow = Math.max(worstWindow, Math.abs(v - want[k]!))));
      });
      console.info(`${kind} float32: largest score difference ${worst.toExponential(2)} on features, ${worstWindow.toExponential(2)} from raw windows`);
      expect(worst).toBeLessThan(1e-5);
      // the C DSP's float32 rounding differs from the studio's within the conformance tolerance
      expect(worstWindow).toBeLessThan(1e-4);
    });
  });
}

describe('the motion demo with a K-means anomaly block as a C library', () => {
  let demo: TrainedDemo;
  beforeAll(async () => {
    demo = await trainedDemo('motion', 1, true);
  }, 240_000);
  afterAll(() => demo?.studio.dispose());

  it('scores every test window like the studio: int8 outputs exactly, anomaly within 1e-5 on features and 1e-3 from raw windows (relative)', () => {
    expect(demo.anomaly?.kind).toBe('kmeans');
    const lib = generateCLibrary({
      name: 'motion-anomaly',
      precision: 'int8',
      labels: demo.labels,
      impulse: demo.impulse,
      float: demo.float,
      int8: demo.int8,
      anomaly: demo.anomaly,
    });
    const b = buildWithHarness(lib);
    built.push(b);
    const want = demo.features.map((f) => Array.from(runInt8Raw(demo.int8, quantizeInput(demo.int8, f))));
    const wantAnomaly = demo.features.map((f) => anomalyScore(demo.anomaly!, f));
    for (const mode of ['features', 'windows'] as const) {
      const got = b.run(mode, mode === 'features' ? demo.features : demo.windows);
      if (mode === 'features') expect(got.map((r) => r.quantized)).toEqual(want);
      else {
        // the C DSP's float32 features may quantize one step apart on a boundary (docs/int8.md)
        const same = got.filter((r, i) => r.quantized.every((q, k) => q === want[i]![k])).length;
        expect(same).toBeGreaterThanOrEqual(Math.floor(0.98 * got.length));
        got.forEach((r, i) => expect(argmax(r.quantized)).toBe(argmax(want[i]!)));
      }
      let worst = 0;
      got.forEach((r, i) => (worst = Math.max(worst, Math.abs(r.anomaly - wantAnomaly[i]!) / Math.max(1, Math.abs(wantAnomaly[i]!)))));
      console.info(`motion + K-means (${mode}): ${got.length} windows, largest relative anomaly difference ${worst.toExponential(2)}`);
      // from raw windows the C DSP's float32 rounding shows through the standardisation
      expect(worst).toBeLessThan(mode === 'features' ? 1e-5 : 1e-3);
    }
  });
});

function argmax(values: readonly number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
