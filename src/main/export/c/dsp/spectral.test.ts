import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkTolerance, loadConformance } from '../../../../../tests/support/conformance';
import type { DspInput, DspParams } from '../../../../shared/dsp/block';
import { spectralAnalysisBlock } from '../../../../shared/dsp/spectralAnalysis';
import { WAVELET_NAMES } from '../../../../shared/dsp/wavelet';
import { isKilnError } from '../../../../shared/errors';
import { createRng, type Rng } from '../../../../shared/model/random';
import { crossCompile, hasCompiler } from './cHostTestKit.js';
import { deviation, runCDsp, type CDspResult } from './dspTestHarness.js';
import { planDspBlock, type DspBlockPlan, type DspBlockSpec } from './index.js';

interface SpectralCase {
  name: string;
  params: DspParams;
  input: DspInput;
  expected?: number[];
}

function specOf(c: SpectralCase): DspBlockSpec {
  const axes = c.input.axes.length;
  return { kind: 'spectral_analysis', params: c.params, axes, frequencyHz: c.input.frequencyHz, readings: c.input.values.length / axes };
}

const conformance: SpectralCase[] = loadConformance('spectral_analysis').map((c) => ({
  name: c.name,
  params: c.params,
  input: { axes: c.input.axes!, frequencyHz: c.input.frequency_hz!, values: Float32Array.from(c.input.values) },
  expected: c.output.features,
}));

function pick<T>(rng: Rng, items: readonly T[]): T {
  return items[rng.int(items.length)]!;
}

/** Random parameters of every kind the block takes; combinations the TS block rejects are redrawn. */
function randomCases(seed: number, count: number): SpectralCase[] {
  const rng = createRng(seed);
  const cases: SpectralCase[] = [];
  while (cases.length < count) {
    const axes = 1 + rng.int(3);
    const readings = 100 + rng.int(1100);
    const frequencyHz = pick(rng, [50, 62.5, 100, 200, 500]);
    const ratio = pick(rng, [1, 1, 1, 3, 10]);
    const wavelet = rng.next() < 0.3;
    const params: DspParams = {
      'scale-axes': pick(rng, [1, 0.5, 2.5]),
      'input-decimation-ratio': ratio,
      'filter-type': pick(rng, ['none', 'low', 'high']),
      'filter-cutoff': Math.round((frequencyHz / ratio) * (0.03 + 0.4 * rng.next()) * 100) / 100,
      'filter-order': pick(rng, [2, 4, 6, 8]),
      'analysis-type': wavelet ? 'Wavelet' : 'FFT',
      'fft-length': pick(rng, [2, 8, 16, 32, 64, 128, 256]),
      'do-log': rng.next() < 0.6,
      'do-fft-overlap': rng.next() < 0.6,
      'extra-low-freq': rng.next() < 0.3,
      wavelet: pick(rng, WAVELET_NAMES),
      'wavelet-level': 1 + rng.int(3),
    };
    const values = new Float32Array(axes * readings);
    for (let a = 0; a < axes; a++) {
      const f1 = frequencyHz * 0.5 * rng.next();
      const f2 = frequencyHz * 0.05 * rng.next();
      const offset = 10 * rng.normal();
      for (let r = 0; r < readings; r++) {
        const t = r / frequencyHz;
        values[r * axes + a] = offset + 4 * Math.sin(2 * Math.PI * f1 * t) + 9 * Math.cos(2 * Math.PI * f2 * t) + rng.normal();
      }
    }
    const input: DspInput = { axes: Array.from({ length: axes }, (_, i) => `axis${i}`), frequencyHz, values };
    try {
      spectralAnalysisBlock.run(input, params);
    } catch (e) {
      if (isKilnError(e)) continue;
      throw e;
    }
    const name = `random ${cases.length}: ${axes}×${readings} @${frequencyHz} Hz ${JSON.stringify(params)}`;
    cases.push({ name, params, input });
  }
  return cases;
}

// SEED / COUNT widen the random search by hand (e.g. COUNT=300); the suite runs 24 fixed cases
const random = randomCases(Number(process.env.SEED ?? 2026), Number(process.env.COUNT ?? 24));
const nanWindow = Float32Array.from(conformance[0]!.input.values);
nanWindow[100] = NaN;
const refused: SpectralCase = { name: 'a NaN sample', params: conformance[0]!.params, input: { ...conformance[0]!.input, values: nanWindow } };
/** Ties and already-ordered runs, for the percentile selection of the wavelet statistics. */
const orderedAndTied: SpectralCase[] = ['haar', 'db2', 'sym4'].map((wavelet, i) => ({
  name: `wavelet ${wavelet} of a quantised ramp with plateaus`,
  params: { 'analysis-type': 'Wavelet', wavelet, 'wavelet-level': 1 + i },
  input: {
    axes: ['x', 'y'],
    frequencyHz: 100,
    values: Float32Array.from({ length: 2 * 400 }, (_, k) => (k % 2 ? Math.floor(k / 40) : Math.round(Math.sin(k / 30) * 3))),
  },
}));
const cases = [...conformance, ...random, ...orderedAndTied, refused];
/** kiln_dsp.h */
const KILN_DSP_ERR_NOT_FINITE = -3;

describe('the C spectral analysis block', () => {
  let results: CDspResult[] = [];
  beforeAll(() => {
    results = runCDsp(cases.map((c, i) => ({ plan: planDspBlock(specOf(c), `s${i}`), input: c.input.values })));
  });

  it("gives Edge Impulse's features on every conformance case (filters, FFT options, wavelets), within the README tolerance", () => {
    let worst = 0;
    conformance.forEach((c, i) => {
      expect(results[i]!.status, c.name).toBe(0);
      const report = checkTolerance(results[i]!.features, c.expected!);
      expect(report.ok, `${c.name}: ${report.message}`).toBe(true);
      worst = Math.max(worst, deviation(results[i]!.features, c.expected!).rel);
    });
    console.info(`C spectral analysis: worst deviation from the conformance vectors ${worst.toExponential(2)} of scale`);
  });

  it("gives the TypeScript block's features on conformance and random-parameter cases", () => {
    let worst = 0;
    let worstName = '';
    cases.forEach((c, i) => {
      if (c === refused) return;
      const ts = spectralAnalysisBlock.run(c.input, c.params).features;
      expect(results[i]!.status, c.name).toBe(0);
      const report = checkTolerance(results[i]!.features, Array.from(ts));
      expect(report.ok, `${c.name}: ${report.message}`).toBe(true);
      const d = deviation(results[i]!.features, ts).rel;
      if (d > worst) [worst, worstName] = [d, c.name];
    });
    console.info(`C spectral analysis: worst deviation from the TypeScript block ${worst.toExponential(2)} of scale (${cases.length} cases; ${worstName})`);
  });

  it('selects the same percentiles as the TypeScript block sorts for, with ties and ordered runs', () => {
    for (const c of orderedAndTied) {
      const i = cases.indexOf(c);
      const ts = spectralAnalysisBlock.run(c.input, c.params).features;
      for (let k = 0; k < ts.length; k++) {
        // n5, n25, n75, n95, median of each coefficient array (see WAVELET_FEATURE_NAMES)
        if (k % 14 >= 3 && k % 14 <= 7) expect(results[i]!.features[k], `${c.name} feature ${k}`).toBeCloseTo(ts[k]!, 4);
      }
    }
  });

  it('refuses a window with a NaN, as the TypeScript block does', () => {
    expect(() => spectralAnalysisBlock.run(refused.input, refused.params)).toThrow();
    expect(results[cases.length - 1]!.status).toBe(KILN_DSP_ERR_NOT_FINITE);
  });

  it('plans only the code a configuration uses', () => {
    const base = { kind: 'spectral_analysis', axes: 3, frequencyHz: 62.5, readings: 125 };
    const plain = planDspBlock({ ...base, params: {} }, 'a');
    expect(plain.defines).toEqual(expect.arrayContaining(['KILN_DSP_SPECTRAL_FFT']));
    expect(plain.defines).not.toContain('KILN_DSP_SPECTRAL_FILTER');
    expect(plain.sources).not.toContain('kiln_iir.c');
    expect(plain.sources).not.toContain('kiln_wavelet.c');
    const lowPass = planDspBlock({ ...base, params: { 'filter-type': 'low', 'filter-order': 6 } }, 'b');
    expect(lowPass.defines).toContain('KILN_DSP_SPECTRAL_FILTER');
    expect(lowPass.sources).toContain('kiln_iir.c');
    expect(lowPass.configDecl).toMatch(/static const kiln_sos_t b_filter = \{ 3u, b_filter_coefficients \}/);
    const wavelet = planDspBlock({ ...base, params: { 'analysis-type': 'Wavelet', wavelet: 'haar' } }, 'c');
    expect(wavelet.sources).toContain('kiln_wavelet.c');
    expect(wavelet.sources).not.toContain('kiln_fft.c');
    expect(wavelet.outputLength).toBe(3 * 2 * 14);
  });

  it('refuses an FFT longer than the C library computes, naming the field', () => {
    expect(() => planDspBlock({ kind: 'spectral_analysis', axes: 1, frequencyHz: 100, readings: 10000, params: { 'fft-length': 8192 } }, 'x')).toThrow(
      /parameter "fft-length" is 8192, but the exported C library computes FFTs of powers of two from 4 to 4096/,
    );
  });
});

/** A translation unit holding the plan's config and a function that runs it (so nothing is dropped). */
function configUnit(plan: DspBlockPlan): string {
  const headers = plan.sources.filter((f) => f.endsWith('.h')).map((h) => `#include "${h}"`);
  return [
    ...headers,
    plan.configDecl,
    `int kiln_test_run(const float *in, float *out, float *scratch);`,
    `int kiln_test_run(const float *in, float *out, float *scratch) { return ${plan.call('in', 'out', 'scratch')}; }`,
    '',
  ].join('\n');
}

function armSizes(objects: string[]): { file: string; text: number; data: number; bss: number }[] {
  const out = execFileSync('arm-none-eabi-size', objects, { encoding: 'utf8' });
  return out
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => {
      const [text, data, bss, , , file] = line.trim().split(/\s+/);
      return { file: file!.split('/').pop()!, text: Number(text), data: Number(data), bss: Number(bss) };
    });
}

describe('the C DSP sources on a Cortex-M4', () => {
  const arm = hasCompiler('arm-none-eabi-gcc');
  if (!arm) console.info('skipped the Cortex-M4 checks: arm-none-eabi-gcc is not installed (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi)');

  it.skipIf(!arm)('cross-compile without a warning, every path compiled in (arm-none-eabi-gcc -mcpu=cortex-m4 -Os -Wall -Wextra -Werror)', () => {
    const defines = ['KILN_DSP_SPECTRAL_FFT', 'KILN_DSP_SPECTRAL_WAVELET', 'KILN_DSP_SPECTRAL_FILTER', 'KILN_DSP_SPECTRAL_DECIMATE', 'KILN_FFT_64'];
    const sources = [
      'kiln_dsp.c',
      'kiln_fft.c',
      'kiln_stats.c',
      'kiln_raw.c',
      'kiln_flatten.c',
      'kiln_image.c',
      'kiln_iir.c',
      'kiln_wavelet.c',
      'kiln_spectral.c',
    ];
    const { dir, objects } = crossCompile(sources, defines);
    rmSync(dir, { recursive: true, force: true });
    expect(objects).toHaveLength(sources.length);
  });

  it.skipIf(!arm)("build the motion demo's spectral block with a 6th-order low-pass in float32 only: no double maths, no strtod, no heap", () => {
    const plan = planDspBlock(
      { kind: 'spectral_analysis', axes: 3, frequencyHz: 62.5, readings: 125, params: { 'filter-type': 'low', 'filter-cutoff': 3, 'filter-order': 6 } },
      'motion',
    );
    const { dir, objects } = crossCompile(plan.sources, plan.defines, configUnit(plan));
    try {
      const sizes = armSizes(objects);
      const total = sizes.reduce((t, s) => ({ text: t.text + s.text, data: t.data + s.data, bss: t.bss + s.bss }), { text: 0, data: 0, bss: 0 });
      console.info(
        `Cortex-M4 -Os, spectral analysis (3 axes × 125 @ 62.5 Hz, low-pass 3 Hz order 6, FFT 16): ` +
          `${sizes.map((s) => `${s.file} ${s.text}`).join(', ')}; total text ${total.text} B, data ${total.data} B, bss ${total.bss} B; scratch ${plan.scratchFloats * 4} B`,
      );
      const undefinedSymbols = execFileSync('arm-none-eabi-nm', ['-u', ...objects], { encoding: 'utf8' });
      expect(undefinedSymbols).not.toMatch(/__aeabi_d|__aeabi_[fi]2d|strtod|malloc|printf/);
      expect(total.data + total.bss).toBe(0);
      expect(total.text).toBeLessThan(6000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
