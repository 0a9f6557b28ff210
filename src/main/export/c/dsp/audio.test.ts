// The C audio blocks (resources/export/c/dsp/kiln_{mfcc,mfe,spectrogram}.c), planned by
// audio.ts and built with the host gcc, on every case of the shared Edge Impulse conformance
// vectors: within the README's tolerance of Edge Impulse's output and of Kiln's own TypeScript.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkTolerance, conformanceDir, loadConformance, type ConformanceCase } from '../../../../../tests/support/conformance';
import { testAudio } from '../../../../shared/dsp/audioTestSignals';
import { getDspBlock } from '../../../../shared/dsp/index';
import { isKilnError } from '../../../../shared/errors';
import { buildHostProgram, floatBytes, hasCompiler, readFloats } from './cHostTestKit';
import { planDspBlock, type DspBlockPlan } from './index';

const KILN_DSP_ERR_NOT_FINITE = -3;
const KILN_DSP_ERR_CONFIG = -4;
/** Scratch and output are followed by this many sentinel floats that the block must not touch. */
const GUARD = 16;

/** A window to run: a conformance case (with Edge Impulse's expected features) or an extra case. */
interface Case {
  name: string;
  params: ConformanceCase['params'];
  frequencyHz: number;
  values: Float32Array;
  /** Edge Impulse's features; extra cases are compared with the studio only */
  expected?: number[];
}

interface Planned {
  c: Case;
  plan: DspBlockPlan;
}

function conformanceCases(kind: string): Case[] {
  return loadConformance(kind).map((c) => ({
    name: c.name,
    params: c.params,
    frequencyHz: c.input.frequency_hz ?? 0,
    values: Float32Array.from(c.input.values),
    expected: c.output.features,
  }));
}

function audio(name: string, params: Case['params'], fs: number, seconds: number, seed: number, amplitude = 0.5): Case {
  return { name, params, frequencyHz: fs, values: testAudio(fs, seconds, seed, amplitude).values, expected: undefined };
}

/** Parameters the conformance files leave out: other normalisation windows, truncated frames, edges. */
const extraCases: Record<string, Case[]> = {
  mfcc: [
    audio('no normalisation', { win_size: 0 }, 16000, 1, 11),
    audio('normalisation window 1 (all zeros)', { win_size: 1 }, 16000, 1, 12),
    audio('short window 7, shift 3, more coefficients than filters', { win_size: 7, pre_shift: 3, num_cepstral: 40 }, 16000, 1, 13),
    audio('frames longer than the FFT (truncated)', { fft_length: 128, num_filters: 16, frame_length: 0.025, frame_stride: 0.01 }, 16000, 1, 14),
    audio('8 kHz band 100–3000 Hz, 0.5 s', { low_frequency: 100, high_frequency: 3000, num_filters: 20 }, 8000, 0.5, 15),
    audio('197 frames, more than the window of 101', { frame_stride: 0.005 }, 16000, 1, 18),
    audio('197 frames, window 301', { frame_stride: 0.005, win_size: 301 }, 16000, 1, 19),
    audio('a very quiet window', {}, 16000, 1, 16, 0.0005),
    audio('silence', {}, 16000, 1, 17, 0),
  ],
  mfe: [
    audio('noise floor -90 dB, FFT 1024', { noise_floor_db: -90, fft_length: 1024, frame_length: 0.05, frame_stride: 0.025 }, 16000, 1, 21),
    audio('8 kHz', { num_filters: 32 }, 8000, 1, 22),
    audio('full scale (bands wrap to 0)', { noise_floor_db: -20 }, 16000, 1, 23, 1),
    audio('silence', {}, 16000, 1, 24, 0),
  ],
  spectrogram: [
    audio('FFT 4096', { fft_length: 4096, frame_length: 0.256, frame_stride: 0.128 }, 16000, 1, 31),
    audio('FFT 32, floor -20 dB', { fft_length: 32, frame_length: 0.002, frame_stride: 0.001, noise_floor_db: -20 }, 16000, 0.25, 32),
    audio('silence', {}, 16000, 1, 33, 0),
  ],
};

function spec(kind: string, c: Case) {
  return { kind, params: c.params, axes: 1, frequencyHz: c.frequencyHz, readings: c.values.length };
}

/**
 * One C program running every planned case in order, then case 0 again on a window with a NaN,
 * then case 0's configuration with more frames than its window holds.
 */
function testProgram(planned: Planned[]): string {
  const maxIn = Math.max(...planned.map((p) => p.c.values.length));
  const maxOut = Math.max(...planned.map((p) => p.plan.outputLength));
  const maxScratch = Math.max(...planned.map((p) => p.plan.scratchFloats));
  const runs = [...planned, planned[0]!];
  const kind = planned[0]!.plan.kind;
  const body = runs
    .map(
      (p) => `    status = read_input(${p.c.values.length});
    guard(output + ${p.plan.outputLength}); guard(scratch + ${p.plan.scratchFloats});
    if (status == 0) status = ${p.plan.call('input', 'output', 'scratch')};
    put((float)status);
    put((float)(intact(output + ${p.plan.outputLength}) && intact(scratch + ${p.plan.scratchFloats})));
    for (k = 0; k < ${p.plan.outputLength}u; k++) put(output[k]);`,
    )
    .join('\n');
  return `#include <stdio.h>
#include <string.h>
#include "kiln_audio.h"
${planned.map((p) => p.plan.configDecl).join('\n')}
static float input[${maxIn}], output[${maxOut + GUARD}], scratch[${maxScratch + GUARD}];
static const unsigned char sentinel[4] = { 0xa5, 0x5a, 0xc3, 0x3c };
static void put(float v) { fwrite(&v, sizeof v, 1, stdout); }
static int read_input(size_t n) { return fread(input, sizeof(float), n, stdin) == n ? 0 : -100; }
static void guard(float *p) { int i; for (i = 0; i < ${GUARD}; i++) memcpy(p + i, sentinel, 4); }
static int intact(const float *p) { int i; for (i = 0; i < ${GUARD}; i++) if (memcmp(p + i, sentinel, 4) != 0) return 0; return 1; }
int main(void) {
    int status;
    size_t k;
${body}
    {
        /* a configuration whose frames run past the window is refused before any work */
        kiln_${kind}_config bad = case0_config;
        bad.framing.frames += 1000u;
        put((float)kiln_${kind}(&bad, input, output, scratch));
    }
    return 0;
}
`;
}

const blocks = [
  { kind: 'mfcc', quantised: false },
  { kind: 'mfe', quantised: true },
  { kind: 'spectrogram', quantised: true },
];

for (const { kind, quantised } of blocks) {
  const file = path.join(conformanceDir(), `${kind}.json`);
  describe.skipIf(!existsSync(file) || !hasCompiler('gcc'))(`C ${kind} on the host`, () => {
    it('matches Edge Impulse and the studio on every conformance case, and the studio on extra cases', () => {
      const cases = [...conformanceCases(kind), ...extraCases[kind]!];
      const planned: Planned[] = [];
      for (const [i, c] of cases.entries()) {
        try {
          planned.push({ c, plan: planDspBlock(spec(kind, c), `case${i}`) });
        } catch (e) {
          // only an FFT length the C library does not take may keep a case out, and it must say so
          const n = Number(c.params.fft_length);
          expect(isKilnError(e) && e.code === 'UNSUPPORTED' && (n & (n - 1)) !== 0, `case ${c.name}: ${String(e)}`).toBe(true);
        }
      }
      expect(planned.filter((p) => p.c.expected).length).toBe(cases.filter((c) => c.expected).length);

      const build = { sources: planned.flatMap((p) => p.plan.sources), defines: planned.flatMap((p) => p.plan.defines), main: testProgram(planned) };
      const withNaN = Float32Array.from(planned[0]!.c.values);
      withNaN[withNaN.length - 1] = NaN;
      const stdin = floatBytes([...planned.flatMap((p) => Array.from(p.c.values)), ...withNaN]);
      const out = runOnce(build, stdin);
      if (kind === 'mfcc' && hasCompiler('g++')) {
        // the same declarations and calls from C++: the headers work there, and the FFT tables keep C linkage
        const fromCxx = runOnce({ ...build, cxxMain: true }, stdin);
        expect(Buffer.compare(Buffer.from(out.buffer), Buffer.from(fromCxx.buffer)), 'C++ main gives other bytes').toBe(0);
      }

      const block = getDspBlock(kind);
      const lines: string[] = [];
      let at = 0;
      for (const { c, plan } of planned) {
        expect(out[at++], `${c.name}: status`).toBe(0);
        expect(out[at++], `${c.name}: scratch or output written past the planned length`).toBe(1);
        const features = out.subarray(at, at + plan.outputLength);
        at += plan.outputLength;

        const studio = block.run({ axes: ['audio'], frequencyHz: c.frequencyHz, values: c.values }, c.params).features;
        expect(plan.outputLength).toBe(studio.length);
        const vsStudio = checkTolerance(features, Array.from(studio), quantised);
        expect(vsStudio.ok, `${c.name} vs Kiln TypeScript: ${vsStudio.message}`).toBe(true);
        let line = `  ${c.name}: vs studio ${worstRelative(features, studio)}`;
        if (c.expected) {
          const vsEdgeImpulse = checkTolerance(features, c.expected, quantised);
          expect(vsEdgeImpulse.ok, `${c.name} vs Edge Impulse: ${vsEdgeImpulse.message}`).toBe(true);
          line += `, vs Edge Impulse ${worstRelative(features, c.expected)}`;
        }
        lines.push(line);
      }
      expect(out[at], 'a window with a NaN').toBe(KILN_DSP_ERR_NOT_FINITE);
      expect(out[at + 2 + planned[0]!.plan.outputLength], 'frames past the window').toBe(KILN_DSP_ERR_CONFIG);
      console.log(`C ${kind}, worst |Δ| / scale (features off by more than 1e-3·scale):\n${lines.join('\n')}`);
    });
  });
}

function runOnce(build: Parameters<typeof buildHostProgram>[0], stdin: Uint8Array): Float32Array {
  const program = buildHostProgram(build);
  try {
    return readFloats(program.run(stdin));
  } finally {
    program.dispose();
  }
}

/** Largest |a − e| over the case's scale (largest |e|), and how many features are off by > 1e-3·scale. */
function worstRelative(actual: ArrayLike<number>, expected: ArrayLike<number>): string {
  let scale = 0;
  for (let i = 0; i < expected.length; i++) scale = Math.max(scale, Math.abs(expected[i]!));
  if (scale === 0) scale = 1;
  let worst = 0;
  let off = 0;
  for (let i = 0; i < expected.length; i++) {
    const d = Math.abs(actual[i]! - expected[i]!);
    worst = Math.max(worst, d);
    if (d > 1e-3 * scale) off++;
  }
  return `${(worst / scale).toExponential(2)} (${off}/${expected.length} off)`;
}

describe('audio block plans', () => {
  const mfcc = { kind: 'mfcc', params: {}, axes: 1, frequencyHz: 16000, readings: 16000 };

  it('plans the keywords default (MFCC, 16 kHz, 1 s) with one FFT length and the studio output size', () => {
    const plan = planDspBlock(mfcc, 'kw');
    expect(plan.outputLength).toBe(50 * 13);
    expect(plan.defines).toEqual(['KILN_FFT_256']);
    expect(plan.sources).toContain('kiln_mfcc.c');
    expect(plan.sources).not.toContain('kiln_mfe.c');
    expect(plan.call('in', 'out', 'tmp')).toBe('kiln_mfcc(&kw_config, in, out, tmp)');
    expect(plan.configDecl).toMatch(/static const kiln_mfcc_config kw_config = \{/);
    // frame work 3·256 + 2 plus 32 mel energies, more than the normalisation needs (3·50 + 2·101)
    expect(plan.scratchFloats).toBe(3 * 256 + 2 + 32);
  });

  it('refuses what the C library cannot run, with the studio message or a clear reason', () => {
    expect(() => planDspBlock({ ...mfcc, params: { fft_length: 300 } }, 'a')).toThrow(/"fft_length" is 300.*powers of two/);
    expect(() => planDspBlock({ ...mfcc, axes: 3 }, 'a')).toThrow(/single axis but the input has 3/);
    expect(() => planDspBlock({ ...mfcc, readings: 100 }, 'a')).toThrow(/one frame needs 320/);
    expect(() => planDspBlock(mfcc, '1st')).toThrow(/not a valid C identifier/);
    expect(() => planDspBlock({ ...mfcc, kind: 'wavelet-magic' }, 'a')).toThrow(/"wavelet-magic" cannot be exported to C/);
  });
});
