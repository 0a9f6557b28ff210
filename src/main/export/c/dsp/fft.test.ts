// kiln_rfft (resources/export/c/dsp/kiln_fft.c), built with the host gcc, against the studio's
// float64 FFT for every power of two it takes.
import { describe, expect, it } from 'vitest';
import { rfft } from '../../../../shared/dsp/fft';
import { buildHostProgram, floatBytes, hasCompiler, readFloats } from './cHostTestKit';
import { C_FFT_MAX, C_FFT_MIN, FFT_SOURCES, checkCFftLength, fftCosineTable, fftDefine, fftTableDecl } from './fft';

const sizes: number[] = [];
for (let n = C_FFT_MIN; n <= C_FFT_MAX; n *= 2) sizes.push(n);

/** Deterministic int16-range test signal: two tones, a step and pseudo-random noise. */
function signal(n: number): Float32Array {
  const x = new Float32Array(n);
  let seed = n * 7919;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const noise = (seed / 2 ** 32 - 0.5) * 2000;
    x[i] = Math.round(8000 * Math.sin((2 * Math.PI * 3 * i) / n) + 3000 * Math.cos((2 * Math.PI * (n / 4 - 1) * i) / n) + (i < n / 3 ? 500 : 0) + noise);
  }
  return x;
}

/** Arguments for kiln_dsp_logf: a sweep over the whole float range, edges and special values. */
const logArguments = (() => {
  const v: number[] = [1, 2, 0.5, Math.SQRT2, Math.SQRT1_2, 1e-10, 1e-30, 1e-45, 1e-40, 3.4e38, 0, -1, Infinity, NaN];
  for (let e = -140; e <= 127; e += 0.37) v.push(2 ** e);
  for (let i = 0; i < 2000; i++) v.push(0.5 + i / 1000);
  return Float32Array.from(v);
})();

const main = `
#include <stdio.h>
#include "kiln_fft.h"
${sizes.map(fftTableDecl).join('\n')}
static float in[${C_FFT_MAX}], out[${C_FFT_MAX + 2}], scratch[${C_FFT_MAX}];
static void put(float v) { fwrite(&v, sizeof v, 1, stdout); }
int main(void) {
    static const size_t sizes[] = { ${sizes.join(', ')} };
    size_t i, k;
    put((float)kiln_rfft(in, out, 8192, scratch));
    put((float)kiln_rfft(in, out, 48, scratch));
    put((float)kiln_rfft(NULL, out, 64, scratch));
    for (i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        if (fread(in, sizeof(float), sizes[i], stdin) != sizes[i]) return 2;
        put((float)kiln_rfft(in, out, sizes[i], scratch));
        for (k = 0; k < sizes[i] + 2; k++) put(out[k]);
    }
    for (i = 0; i < ${logArguments.length}u; i++) {
        float x;
        if (fread(&x, sizeof x, 1, stdin) != 1) return 2;
        put(kiln_dsp_logf(x));
    }
    return 0;
}
`;

describe.skipIf(!hasCompiler('gcc'))('kiln_rfft and kiln_dsp_logf on the host', () => {
  it('matches the studio FFT for every power of two from 4 to 4096, refuses other lengths, and logs within 2 ulp', () => {
    const program = buildHostProgram({ sources: FFT_SOURCES, defines: sizes.map(fftDefine), main });
    try {
      const inputs = sizes.map(signal);
      const out = readFloats(program.run(floatBytes([...inputs.flatMap((x) => Array.from(x)), ...logArguments])));
      expect(Array.from(out.subarray(0, 3))).toEqual([-2, -2, -1]); // length 8192 not compiled, 48, NULL
      let at = 3;
      const worst: string[] = [];
      for (let s = 0; s < sizes.length; s++) {
        const n = sizes[s]!;
        expect(out[at++]).toBe(0);
        const re = new Float64Array(n / 2 + 1);
        const im = new Float64Array(n / 2 + 1);
        rfft(inputs[s]!, n, re, im);
        let scale = 0;
        let err = 0;
        for (let k = 0; k <= n / 2; k++) {
          scale = Math.max(scale, Math.hypot(re[k]!, im[k]!));
          err = Math.max(err, Math.abs(out[at + 2 * k]! - re[k]!), Math.abs(out[at + 2 * k + 1]! - im[k]!));
        }
        at += n + 2;
        worst.push(`${n}: ${(err / scale).toExponential(2)}`);
        // float32 rounding (2^-24 ≈ 6e-8) over log2(n) stages measures about 1e-7 here
        expect(err / scale, `n = ${n}`).toBeLessThan(1e-6);
      }
      console.log(`kiln_rfft worst |Δ| / max |X| per length: ${worst.join(', ')}`);

      // logs: within 2 float32 ulps of the exact value, and the IEEE answers at the edges
      const logs = out.subarray(at);
      expect(logs.length).toBe(logArguments.length);
      let worstUlps = 0;
      for (let i = 0; i < logArguments.length; i++) {
        const x = logArguments[i]!;
        const y = logs[i]!;
        if (!(x > 0) || x === Infinity) {
          expect(y, `log ${x}`).toBe(x === 0 ? -Infinity : x === Infinity ? Infinity : NaN);
          continue;
        }
        const exact = Math.log(x);
        const ulp = Math.max(2 ** (Math.floor(Math.log2(Math.abs(exact) || 1)) - 23), 2 ** -149);
        worstUlps = Math.max(worstUlps, Math.abs(y - exact) / ulp);
      }
      console.log(`kiln_dsp_logf worst error ${worstUlps.toFixed(2)} ulp over ${logArguments.length} arguments`);
      expect(worstUlps).toBeLessThanOrEqual(2);
    } finally {
      program.dispose();
    }
  });
});

describe('FFT tables and lengths', () => {
  it('ends the quarter-wave table in an exact 1 and 0', () => {
    const t = fftCosineTable(64);
    expect(t.length).toBe(17);
    expect([t[0], t[16]]).toEqual([1, 0]);
    expect(t[8]).toBeCloseTo(Math.SQRT1_2, 7);
  });

  it('refuses lengths the C library cannot transform, naming the block and field', () => {
    expect(() => checkCFftLength(300, 'MFCC', 'fft_length')).toThrow(/MFCC: parameter "fft_length" is 300.*powers of two from 4 to 4096/);
    expect(() => checkCFftLength(8192, 'MFE', 'fft_length')).toThrow(/UNSUPPORTED|powers of two/);
    expect(() => checkCFftLength(256, 'MFCC', 'fft_length')).not.toThrow();
  });
});
