// The C DSP sources cross-compiled for a Cortex-M4F (arm-none-eabi-gcc, -Os, warnings as
// errors), and the flash the keywords demo's MFCC block takes with its FFT.
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cDspDir, crossCompile, hasCompiler } from './cHostTestKit';
import { C_FFT_MAX, C_FFT_MIN, FFT_SOURCES, fftDefine } from './fft';
import { planDspBlock } from './index';

const hasArm = hasCompiler('arm-none-eabi-gcc') && hasCompiler('arm-none-eabi-size');

interface Size {
  text: number;
  data: number;
  bss: number;
}

function sizes(objects: string[]): Map<string, Size> {
  const out = execFileSync('arm-none-eabi-size', objects, { encoding: 'utf8' });
  const result = new Map<string, Size>();
  for (const line of out.trim().split('\n').slice(1)) {
    const [text, data, bss, , , file] = line.trim().split(/\s+/);
    result.set(file!.replace(/^.*\//, ''), { text: Number(text), data: Number(data), bss: Number(bss) });
  }
  return result;
}

describe.skipIf(!hasArm)('C DSP on the Cortex-M4 (arm-none-eabi-gcc)', () => {
  it('compiles the FFT and audio sources with every FFT length, without a warning and without fused multiply-adds', () => {
    // the union of the three audio blocks' sources (spectral.test.ts checks the other blocks')
    const sources = [
      ...new Set(
        ['mfcc', 'mfe', 'spectrogram'].flatMap((kind) => planDspBlock({ kind, params: {}, axes: 1, frequencyHz: 16000, readings: 16000 }, 'a').sources),
      ),
    ];
    expect(sources.filter((f) => existsSync(path.join(cDspDir, f)))).toEqual(sources);
    const defines: string[] = [];
    for (let n = C_FFT_MIN; n <= C_FFT_MAX; n *= 2) defines.push(fftDefine(n));
    // the compiler's default GNU C, which would contract a·b + c into VFMA without kiln_dsp.h's pragma
    const { dir, objects } = crossCompile(sources, defines, '', null);
    try {
      expect(objects.length).toBe(sources.filter((f) => f.endsWith('.c')).length);
      const code = execFileSync('arm-none-eabi-objdump', ['-d', ...objects], { encoding: 'utf8', maxBuffer: 64 << 20 });
      expect(code).toMatch(/\bvmul\.f32\b/);
      expect(code.match(/\bv(fma|fms|fnma|fnms)\.f32\b/g) ?? []).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('leaves the radix-4 passes out of a library whose FFTs are all shorter than 32', () => {
    const small = crossCompile(FFT_SOURCES, [fftDefine(16)]);
    const large = crossCompile(FFT_SOURCES, [fftDefine(16), fftDefine(256)]);
    try {
      const fft = (objects: string[]) => sizes(objects).get('kiln_fft.o')!.text;
      console.log(`kiln_fft.o text: FFT 16 only ${fft(small.objects)} B, FFT 16 and 256 ${fft(large.objects)} B`);
      expect(fft(small.objects)).toBeLessThan(fft(large.objects) - 200);
    } finally {
      rmSync(small.dir, { recursive: true, force: true });
      rmSync(large.dir, { recursive: true, force: true });
    }
  });

  it("measures the keywords demo's default MFCC block (16 kHz, 1 s window) with its FFT", () => {
    const plan = planDspBlock({ kind: 'mfcc', params: {}, axes: 1, frequencyHz: 16000, readings: 16000 }, 'keywords');
    const config = `#include "kiln_audio.h"\n${plan.configDecl}\nint keywords_dsp(const float *in, float *out, float *scratch) { return ${plan.call('in', 'out', 'scratch')}; }\n`;
    const { dir, objects } = crossCompile(plan.sources, plan.defines, config);
    try {
      const table = sizes(objects);
      const total = [...table.values()].reduce((a, s) => ({ text: a.text + s.text, data: a.data + s.data, bss: a.bss + s.bss }), { text: 0, data: 0, bss: 0 });
      const rows = [...table].map(([file, s]) => `  ${file.padEnd(22)} text ${String(s.text).padStart(6)}  data ${s.data}  bss ${s.bss}`);
      console.log(
        `arm-none-eabi-size, MFCC + FFT for the keywords default (-Os, Cortex-M4F; extra.o = tables and config):\n${rows.join('\n')}\n` +
          `  total text (code + const tables) ${total.text} B, data ${total.data} B, bss ${total.bss} B; ` +
          `scratch ${plan.scratchFloats * 4} B and output ${plan.outputLength * 4} B supplied by the caller`,
      );
      expect(total.data + total.bss).toBe(0);
      expect(total.text).toBeLessThan(8 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
