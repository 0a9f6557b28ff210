/**
 * The TypeScript half of the C library's real FFT (resources/export/c/dsp/kiln_fft.c): which
 * lengths it takes, the define that compiles a length in and the cosine table emitted for it.
 */
import { KilnError } from '../../../../shared/errors.js';
import { cFloat, cRows } from './cSource.js';

/** Smallest and largest FFT length kiln_rfft takes (powers of two only). */
export const C_FFT_MIN = 4;
export const C_FFT_MAX = 4096;

/** The C sources kiln_rfft needs, as file names under resources/export/c/dsp. */
export const FFT_SOURCES: readonly string[] = ['kiln_dsp.h', 'kiln_dsp.c', 'kiln_fft.h', 'kiln_fft.c'];

/** Throws UNSUPPORTED naming the block and field unless n is a power of two kiln_rfft takes. */
export function checkCFftLength(n: number, blockTitle: string, field: string): void {
  const powerOfTwo = Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
  if (!powerOfTwo || n < C_FFT_MIN || n > C_FFT_MAX) {
    throw new KilnError(
      'UNSUPPORTED',
      `${blockTitle}: parameter "${field}" is ${n}, but the exported C library computes FFTs of powers of two from ` +
        `${C_FFT_MIN} to ${C_FFT_MAX} only; choose one of those to deploy this impulse`,
      { field },
    );
  }
}

/** The define that compiles FFT length n into kiln_fft.c. */
export function fftDefine(n: number): string {
  return `KILN_FFT_${n}`;
}

/**
 * cos(2πk/n) for k = 0 … n/4. Past n/8 the value is taken as sin(2π(n/4 − k)/n), which is
 * accurate near zero, so the table ends in an exact 0 and starts with an exact 1.
 */
export function fftCosineTable(n: number): Float32Array {
  const q = n / 4;
  const table = new Float32Array(q + 1);
  for (let k = 0; k <= q; k++) table[k] = 8 * k <= n ? Math.cos((2 * Math.PI * k) / n) : Math.sin((2 * Math.PI * (q - k)) / n);
  return table;
}

/**
 * C definition of the cosine table of length n, guarded so that several blocks using the same
 * length can place their declarations in one translation unit.
 */
export function fftTableDecl(n: number): string {
  const guard = `KILN_FFT_COS_${n}_DEFINED`;
  const values = Array.from(fftCosineTable(n), cFloat);
  return [`#ifndef ${guard}`, `#define ${guard}`, `const float kiln_fft_cos_${n}[${values.length}] = {`, cRows(values, 6), '};', '#endif'].join('\n');
}
