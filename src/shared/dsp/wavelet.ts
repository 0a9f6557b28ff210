/**
 * Discrete wavelet decomposition with PyWavelets' conventions (`pywt.dwt` / `pywt.wavedec`,
 * mode 'symmetric' = half-sample symmetric extension) and the per-level statistics Edge
 * Impulse's spectral-analysis block extracts from each coefficient array.
 */
import { WAVELET_TABLES } from './waveletFilters.js';
import { centralMoments, crossingRate, histogramEntropy, kurtosisFromMoments, skewnessFromMoments, sortedPercentile, type Moments } from './statistics.js';

/** Wavelet names accepted by the spectral-analysis block, in Edge Impulse's order. */
export const WAVELET_NAMES: readonly string[] = [
  ...['1.3', '1.5', '2.2', '2.4', '2.6', '2.8', '3.1', '3.3', '3.5', '3.7', '3.9', '4.4', '5.5', '6.8'].map((v) => `bior${v}`),
  'coif1',
  'coif2',
  'coif3',
  ...[2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => `db${v}`),
  'haar',
  ...['1.3', '1.5', '2.2', '2.4', '2.6', '2.8', '3.1', '3.3', '3.5', '3.7', '3.9', '4.4', '5.5', '6.8'].map((v) => `rbio${v}`),
  ...[2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => `sym${v}`),
];

export interface WaveletFilterBank {
  name: string;
  /** analysis low-pass / high-pass (applied as convolution, then every second sample) */
  decLo: Float64Array;
  decHi: Float64Array;
  /** synthesis low-pass / high-pass */
  recLo: Float64Array;
  recHi: Float64Array;
}

const banks = new Map<string, WaveletFilterBank>();

/** Filter bank of a named wavelet, or undefined when the name is unknown. */
export function waveletFilterBank(name: string): WaveletFilterBank | undefined {
  let bank = banks.get(name);
  if (bank) return bank;
  let decLo: readonly number[];
  let recLo: readonly number[];
  if (name.startsWith('rbio')) {
    // reverse biorthogonal: the biorthogonal pair with analysis and synthesis swapped
    const bior = WAVELET_TABLES[`bior${name.slice(4)}`];
    if (!bior?.recLo) return undefined;
    decLo = [...bior.recLo].reverse();
    recLo = [...bior.decLo].reverse();
  } else {
    const table = WAVELET_TABLES[name];
    if (!table) return undefined;
    decLo = table.decLo;
    recLo = table.recLo ?? [...table.decLo].reverse();
  }
  const f = decLo.length;
  const decHi = new Float64Array(f);
  const recHi = new Float64Array(f);
  for (let k = 0; k < f; k++) {
    const sign = k % 2 === 0 ? 1 : -1;
    decHi[k] = -sign * recLo[k]!;
    recHi[k] = sign * decLo[k]!;
  }
  bank = { name, decLo: Float64Array.from(decLo), decHi, recLo: Float64Array.from(recLo), recHi };
  banks.set(name, bank);
  return bank;
}

/** Number of coefficients one dwt step produces from n samples: ⌊(n + F − 1) / 2⌋. */
export function dwtLength(n: number, filterLength: number): number {
  return Math.floor((n + filterLength - 1) / 2);
}

/** index into x[0…n) under half-sample symmetric extension (… x1 x0 | x0 x1 … xn-1 | xn-1 …) */
function symmetricIndex(i: number, n: number): number {
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/**
 * One level of `pywt.dwt(x, wavelet, mode='symmetric')` on x[0…n): approximation into outA,
 * detail into outD; returns the coefficient count.
 */
export function dwt(x: ArrayLike<number>, n: number, bank: WaveletFilterBank, outA: { [i: number]: number }, outD: { [i: number]: number }): number {
  const { decLo, decHi } = bank;
  const f = decLo.length;
  const m = dwtLength(n, f);
  for (let k = 0; k < m; k++) {
    const t = 2 * k + 1;
    let a = 0;
    let d = 0;
    if (t - (f - 1) >= 0 && t < n) {
      // interior: no extension needed
      for (let j = 0; j < f; j++) {
        const v = x[t - j]!;
        a += decLo[j]! * v;
        d += decHi[j]! * v;
      }
    } else {
      for (let j = 0; j < f; j++) {
        const v = x[symmetricIndex(t - j, n)]!;
        a += decLo[j]! * v;
        d += decHi[j]! * v;
      }
    }
    outA[k] = a;
    outD[k] = d;
  }
  return m;
}

/**
 * `pywt.idwt(cA, cD, wavelet, mode='symmetric')` for m coefficients each: writes 2m − F + 2
 * samples into out and returns that count.
 */
export function idwt(cA: ArrayLike<number>, cD: ArrayLike<number>, m: number, bank: WaveletFilterBank, out: { [i: number]: number }): number {
  const { recLo, recHi } = bank;
  const f = recLo.length;
  const n = 2 * m - f + 2;
  for (let o = 0; o < n; o++) {
    // out[o] = Σ_j rec[j]·u[o + F − 2 − j], u = coefficients upsampled with zeros between
    let s = 0;
    const t = o + f - 2;
    for (let j = t % 2; j < f; j += 2) {
      const u = t - j;
      if (u < 0) break;
      const i = u >> 1;
      if (i < m) s += recLo[j]! * cA[i]! + recHi[j]! * cD[i]!;
    }
    out[o] = s;
  }
  return n;
}

/**
 * `pywt.wavedec(x, wavelet, level)`: [cA_level, cD_level, …, cD_1] as fresh arrays
 * (level 0 gives [copy of x]).
 */
export function wavedec(x: ArrayLike<number>, n: number, bank: WaveletFilterBank, level: number): Float64Array[] {
  const details: Float64Array[] = [];
  let approx = Float64Array.from({ length: n }, (_, i) => x[i]!);
  for (let l = 0; l < level; l++) {
    const m = dwtLength(approx.length, bank.decLo.length);
    const a = new Float64Array(m);
    const d = new Float64Array(m);
    dwt(approx, approx.length, bank, a, d);
    details.push(d);
    approx = a;
  }
  return [approx, ...details.reverse()];
}

/** Smallest signal Edge Impulse allows for a decomposition level: 32·2^level samples. */
export function waveletMinLength(level: number): number {
  return 32 * 2 ** level;
}

/** Names of the statistics extracted from each coefficient array, in output order. */
export const WAVELET_FEATURE_NAMES = [
  'entropy',
  'zcross',
  'mcross',
  'n5',
  'n25',
  'n75',
  'n95',
  'median',
  'mean',
  'std',
  'var',
  'rms',
  'skew',
  'kurtosis',
] as const;

const histogramCounts = new Float64Array(100);
const moments: Moments = { mean: 0, m2: 0, m3: 0, m4: 0 };

/**
 * Writes the 14 statistics of c[0…n) at out[offset…]: histogram entropy, zero- and
 * mean-crossing rates, percentiles 5/25/75/95/50, mean, std, var (ddof 1), rms, skewness,
 * kurtosis. Sorts c in place (as Edge Impulse does).
 */
export function waveletCoefficientFeatures(c: Float64Array, n: number, out: Float32Array, offset: number): void {
  const entropy = histogramEntropy(c, 0, n, 100, histogramCounts);
  const m = centralMoments(c, 0, n, moments);
  const zcross = crossingRate(c, 0, n, 0);
  const mcross = crossingRate(c, 0, n, m.mean);
  const sorted = n === c.length ? c.sort() : c.subarray(0, n).sort();
  let sumSquares = 0;
  for (let i = 0; i < n; i++) sumSquares += sorted[i]! * sorted[i]!;
  const rms = n > 0 ? Math.sqrt(sumSquares / n) : 0;
  out[offset] = entropy;
  out[offset + 1] = zcross;
  out[offset + 2] = mcross;
  out[offset + 3] = sortedPercentile(sorted, n, 5);
  out[offset + 4] = sortedPercentile(sorted, n, 25);
  out[offset + 5] = sortedPercentile(sorted, n, 75);
  out[offset + 6] = sortedPercentile(sorted, n, 95);
  out[offset + 7] = sortedPercentile(sorted, n, 50);
  out[offset + 8] = m.mean;
  out[offset + 9] = Math.sqrt(m.m2);
  out[offset + 10] = n > 1 ? (m.m2 * n) / (n - 1) : 0;
  out[offset + 11] = rms;
  // Edge Impulse reports 0 (not NaN) for an all-zero level
  out[offset + 12] = rms === 0 ? 0 : skewnessFromMoments(m);
  out[offset + 13] = rms === 0 ? 0 : kurtosisFromMoments(m);
}
