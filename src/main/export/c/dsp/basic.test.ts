import { beforeAll, describe, expect, it } from 'vitest';
import { checkTolerance, loadConformance } from '../../../../../tests/support/conformance';
import type { DspBlock, DspInput, DspParams } from '../../../../shared/dsp/block';
import { flattenBlock } from '../../../../shared/dsp/flatten';
import { imageBlock } from '../../../../shared/dsp/image';
import { rawBlock } from '../../../../shared/dsp/raw';
import { createRng, type Rng } from '../../../../shared/model/random';
import { deviation, runCDsp, type CDspResult } from './dspTestHarness.js';
import { planDspBlock } from './index.js';

interface BlockCase {
  name: string;
  params: DspParams;
  input: DspInput;
  /** Edge Impulse's features (conformance cases only) */
  expected?: number[];
  /** the C status a refused input gives (the TS block throws there) */
  status?: number;
}

function conformanceCases(file: string): BlockCase[] {
  return loadConformance(file).map((c) => ({
    name: c.name,
    params: c.params,
    input: {
      axes: c.input.axes ?? ['value'],
      frequencyHz: c.input.frequency_hz ?? 0,
      values: Float32Array.from(c.input.values),
      width: c.input.width,
      height: c.input.height,
    },
    expected: c.output.features,
  }));
}

function randomSignal(rng: Rng, axes: number, readings: number): DspInput {
  const values = new Float32Array(axes * readings);
  for (let a = 0; a < axes; a++) {
    const amplitude = 0.5 + 20 * rng.next();
    const offset = 10 * rng.normal();
    const period = 3 + rng.int(40);
    for (let r = 0; r < readings; r++) values[r * axes + a] = offset + amplitude * Math.sin((2 * Math.PI * r) / period) + rng.normal();
  }
  return { axes: Array.from({ length: axes }, (_, a) => `axis${a}`), frequencyHz: 50 + rng.int(150), values };
}

/**
 * Plans, compiles (one gcc run) and runs every case through the C block; compares each with the
 * TypeScript block and, for conformance cases, with Edge Impulse's expected features.
 */
function describeCBlock(block: DspBlock, cases: BlockCase[]): void {
  describe(`the C ${block.name} block`, () => {
    let results: CDspResult[] = [];
    beforeAll(() => {
      results = runCDsp(
        cases.map((c, i) => {
          const readings = c.input.values.length / c.input.axes.length;
          const spec = {
            kind: block.name,
            params: c.params,
            axes: c.input.axes.length,
            frequencyHz: c.input.frequencyHz,
            readings,
            width: c.input.width,
            height: c.input.height,
          };
          return { plan: planDspBlock(spec, `b${i}`), input: c.input.values };
        }),
      );
    });

    it("gives Edge Impulse's features on every conformance case, within the README tolerance", () => {
      let worst = 0;
      cases.forEach((c, i) => {
        if (!c.expected) return;
        expect(results[i]!.status, c.name).toBe(0);
        const report = checkTolerance(results[i]!.features, c.expected);
        expect(report.ok, `${c.name}: ${report.message}`).toBe(true);
        worst = Math.max(worst, deviation(results[i]!.features, c.expected).rel);
      });
      console.info(`C ${block.name}: worst deviation from the conformance vectors ${worst.toExponential(2)} of scale`);
    });

    it("gives the TypeScript block's features on conformance and random-parameter cases", () => {
      let worst = 0;
      cases.forEach((c, i) => {
        if (c.status !== undefined) return;
        const ts = block.run(c.input, c.params).features;
        expect(results[i]!.status, c.name).toBe(0);
        const report = checkTolerance(results[i]!.features, Array.from(ts));
        expect(report.ok, `${c.name}: ${report.message}`).toBe(true);
        worst = Math.max(worst, deviation(results[i]!.features, ts).rel);
      });
      console.info(`C ${block.name}: worst deviation from the TypeScript block ${worst.toExponential(2)} of scale (${cases.length} cases)`);
      // float32 arithmetic on both sides of these blocks: a few ulps, far inside the tolerance
      expect(worst).toBeLessThan(1e-5);
    });

    const refused = cases.filter((c) => c.status !== undefined);
    it.skipIf(refused.length === 0)('refuses inputs the TypeScript block refuses, with a status code', () => {
      cases.forEach((c, i) => {
        if (c.status === undefined) return;
        expect(() => block.run(c.input, c.params), c.name).toThrow();
        expect(results[i]!.status, c.name).toBe(c.status);
      });
    });
  });
}

/** kiln_dsp.h status codes */
const KILN_DSP_ERR_NOT_FINITE = -3;
const KILN_DSP_ERR_INPUT_RANGE = -5;

function withValue(input: DspInput, index: number, value: number): DspInput {
  const values = Float32Array.from(input.values);
  values[index] = value;
  return { ...input, values };
}

const rng = createRng(10);

describeCBlock(rawBlock, [
  ...conformanceCases('raw'),
  ...Array.from({ length: 4 }, (_, i) => ({
    name: `random raw ${i}`,
    params: { 'scale-axes': i === 0 ? 1 : Math.round(rng.next() * 1000) / 100 },
    input: randomSignal(rng, 1 + rng.int(6), 1 + rng.int(300)),
  })),
  { name: 'a NaN sample', params: {}, input: withValue(randomSignal(rng, 3, 20), 31, NaN), status: KILN_DSP_ERR_NOT_FINITE },
]);

const FLATTEN_KEYS = ['average', 'minimum', 'maximum', 'rms', 'stdev', 'skewness', 'kurtosis'];
describeCBlock(flattenBlock, [
  ...conformanceCases('flatten'),
  ...Array.from({ length: 6 }, (_, i) => {
    const params: DspParams = { 'scale-axes': Math.round(rng.next() * 500) / 100 };
    for (const key of FLATTEN_KEYS) params[key] = rng.next() < 0.6;
    params[FLATTEN_KEYS[rng.int(FLATTEN_KEYS.length)]!] = true;
    return { name: `random flatten ${i}`, params, input: randomSignal(rng, 1 + rng.int(6), 2 + rng.int(500)) };
  }),
  { name: 'constant axis', params: {}, input: { axes: ['x', 'y'], frequencyHz: 10, values: Float32Array.from({ length: 40 }, (_, i) => (i % 2 ? 3 : i)) } },
  { name: 'an infinite sample', params: {}, input: withValue(randomSignal(rng, 2, 30), 5, -Infinity), status: KILN_DSP_ERR_NOT_FINITE },
]);

describeCBlock(imageBlock, [
  ...conformanceCases('image'),
  ...['RGB', 'Grayscale'].map((channels) => {
    const width = 1 + rng.int(40);
    const height = 1 + rng.int(40);
    const values = Float32Array.from({ length: width * height }, () => rng.int(0x1000000));
    values[0] = 0xffffff;
    return { name: `random ${channels} ${width}×${height}`, params: { channels }, input: { axes: ['image'], frequencyHz: 0, values, width, height } };
  }),
  {
    name: 'a pixel above 0xFFFFFF',
    params: {},
    input: { axes: ['image'], frequencyHz: 0, values: Float32Array.from([0, 0x1000000, 0, 0]), width: 2, height: 2 },
    status: KILN_DSP_ERR_INPUT_RANGE,
  },
]);

describe('planning the basic C blocks', () => {
  it('refuses an image block without a size, and a block the C library does not have, naming the field', () => {
    expect(() => planDspBlock({ kind: 'image', params: {}, axes: 1, frequencyHz: 0, readings: 1 }, 'img')).toThrow(/needs a positive whole width and height/);
    expect(() => planDspBlock({ kind: 'custom-block', params: {}, axes: 1, frequencyHz: 10, readings: 10 }, 'x')).toThrow(
      /"custom-block" cannot be exported to C yet/,
    );
    expect(() => planDspBlock({ kind: 'raw', params: {}, axes: 3, frequencyHz: 10, readings: 10 }, '1bad')).toThrow(/not a valid C identifier/);
  });

  it('sizes raw, flatten and image outputs as the TypeScript blocks do', () => {
    expect(planDspBlock({ kind: 'raw', params: {}, axes: 3, frequencyHz: 62.5, readings: 125 }, 'r').outputLength).toBe(375);
    const flatten = planDspBlock({ kind: 'flatten', params: { skewness: false, kurtosis: false }, axes: 3, frequencyHz: 62.5, readings: 125 }, 'f');
    expect(flatten.outputLength).toBe(15);
    expect(flatten.scratchFloats).toBe(125);
    expect(flatten.configDecl).toContain('0x1fu'); // average … stdev
    expect(
      planDspBlock({ kind: 'image', params: { channels: 'Grayscale' }, axes: 1, frequencyHz: 0, readings: 0, width: 48, height: 32 }, 'i').outputLength,
    ).toBe(48 * 32);
  });
});
