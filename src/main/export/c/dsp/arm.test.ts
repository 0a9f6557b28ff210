// The C DSP sources cross-compiled for a Cortex-M4F (arm-none-eabi-gcc, -Os, warnings as
// errors), and the flash the keywords demo's MFCC block takes with its FFT.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cDspDir, crossCompile, hasCompiler } from './cHostTestKit';
import { C_FFT_MAX, C_FFT_MIN, fftDefine } from './fft';
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
  it('compiles every source of resources/export/c/dsp with every FFT length, without a warning', () => {
    const sources = readdirSync(cDspDir).filter((f) => f.endsWith('.c'));
    const defines: string[] = [];
    for (let n = C_FFT_MIN; n <= C_FFT_MAX; n *= 2) defines.push(fftDefine(n));
    const { dir, objects } = crossCompile(sources, defines);
    try {
      expect(objects.length).toBe(sources.length);
    } finally {
      rmSync(dir, { recursive: true, force: true });
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
