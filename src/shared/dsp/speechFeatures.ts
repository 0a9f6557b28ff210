/**
 * The speech-feature steps shared by the MFCC, MFE and spectrogram blocks, following Edge
 * Impulse's fork of speechpy (implementation version 4): pre-emphasis, framing, power
 * spectrum, mel filterbank, DCT-II and sliding-window cepstral mean/variance normalisation.
 *
 * Everything here works on Float64Array scratch buffers; filterbanks and DCT matrices are
 * cached per parameter set because a dataset runs the same configuration thousands of times.
 */
import { KilnError } from '../errors.js';
import type { DspInput, DspParams, ParamValue } from './block.js';
import { powerSpectrumPlan } from './audioPowerSpectrum.js';

// ---------------------------------------------------------------------------------------------
// Parameters

/** Reads a numeric parameter (numbers or numeric strings), falling back to the default. */
export function numberParam(params: DspParams, key: string, fallback: number): number {
  const raw: ParamValue | undefined = params[key];
  if (raw === undefined || raw === '') return fallback;
  const value = typeof raw === 'number' ? raw : typeof raw === 'boolean' ? Number(raw) : Number(raw.trim());
  if (!Number.isFinite(value)) {
    throw new KilnError('BAD_PARAMS', `Parameter "${key}" must be a number, got ${JSON.stringify(raw)}`, { field: key });
  }
  return value;
}

/** Reads an integer parameter and checks it lies in [min, max]. */
export function intParam(params: DspParams, key: string, fallback: number, min: number, max = Infinity): number {
  const value = numberParam(params, key, fallback);
  if (!Number.isInteger(value)) {
    throw new KilnError('BAD_PARAMS', `Parameter "${key}" must be a whole number, got ${value}`, { field: key });
  }
  checkRange(key, value, min, max);
  return value;
}

/** Throws BAD_PARAMS naming the parameter when value is outside [min, max]. */
export function checkRange(key: string, value: number, min: number, max = Infinity): void {
  if (value < min || value > max) {
    const range = max === Infinity ? `at least ${min}` : `between ${min} and ${max}`;
    throw new KilnError('BAD_PARAMS', `Parameter "${key}" must be ${range}, got ${value}`, { field: key });
  }
}

/** Audio blocks take exactly one axis; returns the sampling frequency after checking the input. */
export function checkSingleAxisInput(block: string, input: DspInput): number {
  if (input.axes.length !== 1) {
    throw new KilnError(
      'BAD_DATA',
      `${block} takes a single axis but the input has ${input.axes.length} (${input.axes.join(', ')}); ` + `add one ${block} block per axis`,
    );
  }
  const fs = input.frequencyHz;
  if (!Number.isFinite(fs) || fs <= 0) {
    throw new KilnError('BAD_DATA', `${block} needs a positive sampling frequency, got ${fs} Hz`);
  }
  checkFinite(block, input.values);
  return fs;
}

/** Throws BAD_DATA on the first NaN or infinite value. */
export function checkFinite(block: string, values: ArrayLike<number>): void {
  // v·0 is ±0 for finite v and NaN otherwise; four running sums keep the loop free of
  // branches and of one long dependency chain, and only a bad input pays for finding the index
  const n = values.length;
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a0 += values[i]! * 0;
    a1 += values[i + 1]! * 0;
    a2 += values[i + 2]! * 0;
    a3 += values[i + 3]! * 0;
  }
  for (; i < n; i++) a0 += values[i]! * 0;
  if (a0 + a1 + a2 + a3 === 0) return;
  for (let j = 0; j < n; j++) {
    if (!Number.isFinite(values[j]!)) {
      throw new KilnError('BAD_DATA', `${block}: value ${j} of the input is ${values[j]}`, { index: j });
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Framing

export interface FrameLayout {
  /** number of whole frames that fit in the signal (speechpy, no zero padding) */
  frames: number;
  /** samples per frame */
  frameLength: number;
  /** samples between frame starts */
  frameStride: number;
}

/**
 * seconds × fs rounded up to whole samples, except that values within 0.001 above an integer
 * round down (speechpy's `ceil_unless_very_close_to_floor`: 0.018 s may arrive as 0.018000011).
 */
export function secondsToSamples(seconds: number, fs: number): number {
  const v = fs * seconds;
  const floor = Math.floor(v);
  return v > floor && v - floor < 0.001 ? floor : Math.ceil(v);
}

/** Frame count and sizes for `signalLength` samples (speechpy implementation version ≥ 2). */
export function frameLayout(signalLength: number, fs: number, frameLengthS: number, frameStrideS: number): FrameLayout {
  const frameLength = secondsToSamples(frameLengthS, fs);
  const frameStride = secondsToSamples(frameStrideS, fs);
  if (frameLength < 1) {
    throw new KilnError('BAD_PARAMS', `Parameter "frame_length" (${frameLengthS} s) is shorter than one sample at ${fs} Hz`, {
      field: 'frame_length',
    });
  }
  if (frameStride < 1) {
    throw new KilnError('BAD_PARAMS', `Parameter "frame_stride" (${frameStrideS} s) is shorter than one sample at ${fs} Hz`, {
      field: 'frame_stride',
    });
  }
  const frames = Math.floor((signalLength - (frameLength - frameStride)) / frameStride);
  return { frames: Math.max(0, frames), frameLength, frameStride };
}

/** Edge Impulse refuses windows shorter than one frame and more than 500 frames. */
export function checkFrameCount(block: string, layout: FrameLayout, signalLength: number, fs: number): void {
  if (layout.frames < 1) {
    throw new KilnError(
      'BAD_DATA',
      `${block}: the window has ${signalLength} samples (${round3((signalLength / fs) * 1000)} ms) but one frame needs ` +
        `${layout.frameLength}; lengthen the window or shorten frame_length`,
    );
  }
  if (layout.frames > 500) {
    throw new KilnError('BAD_PARAMS', `${block}: ${layout.frames} frames is more than 500; increase "frame_stride" or shorten the window`, {
      field: 'frame_stride',
    });
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

// ---------------------------------------------------------------------------------------------
// Pre-emphasis

/**
 * y[i] = x[i] − cof·x[i − shift], with the shift wrapping around the window like numpy's
 * `roll` (so the first samples see the last ones, as in Edge Impulse).
 */
export function preEmphasis(x: ArrayLike<number>, cof: number, shift: number, out: Float64Array): void {
  const n = x.length;
  if (n === 0) return;
  const s = shift % n;
  // the first s samples wrap around to the end of the window
  for (let i = 0; i < s; i++) out[i] = x[i]! - cof * x[i - s + n]!;
  for (let i = s; i < n; i++) out[i] = x[i]! - cof * x[i - s]!;
}

/**
 * MFE v3+: scale int16 PCM to [-1, 1] in float32 and pre-emphasise with 0.98 in float32
 * arithmetic, exactly as numpy does on the float32 array (quantised outputs are sensitive).
 */
export function scaledPreEmphasisF32(x: ArrayLike<number>, out: Float64Array): void {
  const n = x.length;
  if (n === 0) return;
  const cof = Math.fround(0.98);
  const f = Math.fround;
  // ×2⁻¹⁵ is exactly ÷32768
  const k = 1 / 32768;
  let prev = f(x[n - 1]! * k);
  for (let i = 0; i < n; i++) {
    const cur = f(x[i]! * k);
    out[i] = f(cur - f(cof * prev));
    prev = cur;
  }
}

// ---------------------------------------------------------------------------------------------
// Frame windows

export type FrameWindow = 'rectangular' | 'hamming' | 'hann';

const windowCache = new Map<string, Float64Array>();

/**
 * Window of n samples, symmetric like numpy's `hamming(n)` / `hanning(n)`. Edge Impulse's
 * audio blocks frame with a rectangular window (speechpy's `np.ones`), which is the default.
 */
export function frameWindow(kind: FrameWindow, n: number): Float64Array {
  const key = `${kind}|${n}`;
  let w = windowCache.get(key);
  if (!w) {
    w = new Float64Array(n);
    const a = kind === 'hamming' ? 0.54 : 0.5;
    for (let i = 0; i < n; i++) {
      w[i] = kind === 'rectangular' ? 1 : n === 1 ? 1 : a - (1 - a) * Math.cos((2 * Math.PI * i) / (n - 1));
    }
    if (windowCache.size >= CACHE_LIMIT) windowCache.clear();
    windowCache.set(key, w);
  }
  return w;
}

// ---------------------------------------------------------------------------------------------
// Power spectra of all frames

/**
 * Power spectrum |rfft(frame, fftLength)|²/fftLength of every frame into out (frames × bins,
 * frame-major). When energies is given it receives each frame's summed power. Frames are used
 * as they are (rectangular window) unless another window is given.
 */
export function framePowerSpectra(
  signal: ArrayLike<number>,
  layout: FrameLayout,
  fftLength: number,
  out: Float64Array,
  energies?: Float64Array,
  window: FrameWindow = 'rectangular',
): void {
  const plan = powerSpectrumPlan(fftLength);
  const bins = plan.bins;
  const len = layout.frameLength;
  const w = window === 'rectangular' ? null : frameWindow(window, len);
  const frame = w ? scratch(len, SLOT_FRAME) : null;
  for (let f = 0; f < layout.frames; f++) {
    const start = f * layout.frameStride;
    let e: number;
    if (w && frame) {
      for (let i = 0; i < len; i++) frame[i] = signal[start + i]! * w[i]!;
      e = plan.power(frame, 0, len, out, f * bins);
    } else {
      e = plan.power(signal, start, len, out, f * bins);
    }
    if (energies) energies[f] = e;
  }
}

// ---------------------------------------------------------------------------------------------
// Natural logarithm

const LOG_TABLE_BITS = 7;
const LOG_TABLE_SIZE = 1 << LOG_TABLE_BITS;
/** 1/c and ln c for c the centre of each of the 128 equal slices of the mantissa range [1, 2) */
const LOG_INVERSE = new Float64Array(LOG_TABLE_SIZE);
const LOG_CENTRE = new Float64Array(LOG_TABLE_SIZE);
for (let j = 0; j < LOG_TABLE_SIZE; j++) {
  LOG_INVERSE[j] = 1 / (1 + (j + 0.5) / LOG_TABLE_SIZE);
  // −ln(1/c) rather than ln c, so that x·(1/c) below is exactly what the table entry describes
  LOG_CENTRE[j] = -Math.log(LOG_INVERSE[j]!);
}
/** 2^(1023 − e) for each biased exponent e of a normal double (0 elsewhere; never read) */
const POW2_NEG = new Float64Array(2048);
for (let e = 1; e < 2047; e++) POW2_NEG[e] = 2 ** (1023 - e);
const LOG_BITS_F64 = new Float64Array(1);
const LOG_BITS_U32 = new Uint32Array(LOG_BITS_F64.buffer);
/** index of the 32-bit word holding sign, exponent and top mantissa bits */
const HIGH_WORD = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1 ? 1 : 0;
const SMALLEST_NORMAL = 2.2250738585072014e-308;

/**
 * ln x, within 3e-13 of Math.log for positive finite x and about twice as fast in the audio
 * blocks' inner loops (Math.log is a call into the runtime). x = 2^e·m: e and the top 7 bits of
 * m come from the bit pattern, m/c − 1 for the nearest table centre c is below 1/256, and
 * ln(1 + r) is its Taylor series to r⁵. Zero, subnormals, infinities and NaN go to Math.log.
 */
export function naturalLog(x: number): number {
  if (!(x >= SMALLEST_NORMAL && x < Infinity)) return Math.log(x);
  LOG_BITS_F64[0] = x;
  const high = LOG_BITS_U32[HIGH_WORD]!;
  const e = high >>> 20;
  const j = (high >>> (20 - LOG_TABLE_BITS)) & (LOG_TABLE_SIZE - 1);
  const r = x * POW2_NEG[e]! * LOG_INVERSE[j]! - 1;
  const series = r * (1 + r * (-0.5 + r * (1 / 3 + r * (-0.25 + r * 0.2))));
  return (e - 1023) * Math.LN2 + LOG_CENTRE[j]! + series;
}

/** Uint32 view of the last buffer logInPlace worked on (the blocks reuse their scratch buffers) */
let logBits: Uint32Array<ArrayBufferLike> = new Uint32Array(0);

/**
 * values[i] ← ln(max(values[i], floor)) for i < count, as naturalLog but reading each value's
 * bit pattern through a Uint32 view of the same memory instead of storing it first.
 */
export function logInPlace(values: Float64Array, count: number, floor: number): void {
  let bits = logBits;
  if (bits.buffer !== values.buffer || bits.byteOffset !== values.byteOffset || bits.length < 2 * count) {
    bits = logBits = new Uint32Array(values.buffer, values.byteOffset, 2 * values.length);
  }
  const inverse = LOG_INVERSE;
  const centre = LOG_CENTRE;
  const pow2 = POW2_NEG;
  const lowest = floor > SMALLEST_NORMAL ? floor : SMALLEST_NORMAL;
  for (let i = 0; i < count; i++) {
    const x = values[i]!;
    if (!(x >= lowest && x < Infinity)) {
      values[i] = Math.log(x < floor ? floor : x);
      continue;
    }
    const high = bits[2 * i + HIGH_WORD]!;
    const e = high >>> 20;
    const j = (high >>> (20 - LOG_TABLE_BITS)) & (LOG_TABLE_SIZE - 1);
    const r = x * pow2[e]! * inverse[j]! - 1;
    values[i] = (e - 1023) * Math.LN2 + centre[j]! + r * (1 + r * (-0.5 + r * (1 / 3 + r * (-0.25 + r * 0.2))));
  }
}

// ---------------------------------------------------------------------------------------------
// Mel scale and filterbank

/** Hz → mel (HTK-style natural log form used by speechpy). */
export function frequencyToMel(hz: number): number {
  return 1127 * Math.log(1 + hz / 700);
}

/** mel → Hz, the inverse of frequencyToMel. */
export function melToFrequency(mel: number): number {
  return 700 * (Math.exp(mel / 1127) - 1);
}

/** Sparse triangular filterbank: row r has weights[offsets[r] + i] at FFT bin starts[r] + i. */
export interface MelFilterbank {
  numFilters: number;
  /** FFT bins per spectrum, fftLength/2 + 1 */
  bins: number;
  starts: Int32Array;
  /** length numFilters + 1 */
  offsets: Int32Array;
  weights: Float64Array;
  /** centre frequency of each filter in Hz */
  centresHz: Float64Array;
}

const filterbankCache = new Map<string, MelFilterbank>();
const CACHE_LIMIT = 64;

/**
 * Mel filterbank as speechpy v4 builds it (`use_old_mels = False`): numFilters + 2 points
 * evenly spaced in mel between low and high (0 = Nyquist), the top point lowered by 0.001 Hz,
 * floored to FFT bins with (fftPoints + 1)·hz/fs, then triangles between neighbouring points.
 */
export function melFilterbank(numFilters: number, fftLength: number, fs: number, lowHz: number, highHz: number): MelFilterbank {
  const key = `${numFilters}|${fftLength}|${fs}|${lowHz}|${highHz}`;
  let fb = filterbankCache.get(key);
  if (!fb) {
    fb = buildFilterbank(numFilters, fftLength, fs, lowHz, highHz);
    if (filterbankCache.size >= CACHE_LIMIT) filterbankCache.clear();
    filterbankCache.set(key, fb);
  }
  return fb;
}

/** The hint names a filter count that does build (searched down from the one asked for). */
function filterCountHint(numFilters: number, fftLength: number, fs: number, lowHz: number, highHz: number): string {
  for (let n = numFilters - 1; n >= 2; n--) {
    // probing without a hint of its own: each probe is one filterbank, not another search
    if (buildFilterbank(n, fftLength, fs, lowHz, highHz, false) !== null) return `lower "num_filters" to ${n} or fewer`;
  }
  return `no filter count fits this "fft_length"`;
}

function buildFilterbank(numFilters: number, fftLength: number, fs: number, lowHz: number, highHz: number): MelFilterbank;
function buildFilterbank(numFilters: number, fftLength: number, fs: number, lowHz: number, highHz: number, explain: false): MelFilterbank | null;
function buildFilterbank(numFilters: number, fftLength: number, fs: number, lowHz: number, highHz: number, explain = true): MelFilterbank | null {
  const bins = (fftLength >> 1) + 1;
  const high = highHz || fs / 2;
  if (high > fs / 2) {
    throw new KilnError('BAD_PARAMS', `Parameter "high_frequency" (${high} Hz) is above half the sampling frequency (${fs / 2} Hz)`, {
      field: 'high_frequency',
    });
  }
  if (lowHz < 0) {
    throw new KilnError('BAD_PARAMS', `Parameter "low_frequency" must not be negative, got ${lowHz}`, { field: 'low_frequency' });
  }
  if (lowHz >= high) {
    throw new KilnError('BAD_PARAMS', `Parameter "low_frequency" (${lowHz} Hz) must be below the high frequency (${high} Hz)`, {
      field: 'low_frequency',
    });
  }
  // numpy.linspace: start + i·step, with the last point set exactly to stop
  const points = numFilters + 2;
  const melLow = frequencyToMel(lowHz);
  const melHigh = frequencyToMel(high);
  const step = (melHigh - melLow) / (points - 1);
  const hz = new Float64Array(points);
  for (let i = 0; i < points; i++) hz[i] = melToFrequency(i === points - 1 ? melHigh : i * step + melLow);
  // speechpy lowers the top edge so it lands in the same bin on every platform
  hz[points - 1] = hz[points - 1]! - 0.001;
  const fftPoints = (bins - 1) * 2;
  const index = new Int32Array(points);
  for (let i = 0; i < points; i++) index[i] = Math.floor(((fftPoints + 1) * hz[i]!) / fs);

  const starts = new Int32Array(numFilters);
  const offsets = new Int32Array(numFilters + 1);
  const weights: number[] = [];
  for (let r = 0; r < numFilters; r++) {
    const left = index[r]!;
    const middle = index[r + 1]!;
    const right = Math.min(index[r + 2]!, bins - 1);
    let first = -1;
    let last = -1;
    const row: number[] = [];
    for (let z = Math.max(left, 0); z <= right; z++) {
      const w = triangle(z, left, middle, index[r + 2]!);
      row.push(w);
      if (w !== 0) {
        if (first < 0) first = row.length - 1;
        last = row.length - 1;
      }
    }
    if (first < 0) {
      if (!explain) return null;
      throw new KilnError(
        'BAD_PARAMS',
        `Mel filter ${r + 1} of ${numFilters} covers no FFT bin; ${filterCountHint(numFilters, fftLength, fs, lowHz, high)} or raise "fft_length"`,
        { field: 'num_filters' },
      );
    }
    starts[r] = Math.max(left, 0) + first;
    offsets[r] = weights.length;
    for (let i = first; i <= last; i++) weights.push(row[i]!);
  }
  offsets[numFilters] = weights.length;
  return { numFilters, bins, starts, offsets, weights: Float64Array.from(weights), centresHz: hz.slice(1, points - 1) };
}

/** speechpy's triangle at integer bin x: rising on (left, middle], falling on [middle, right). */
function triangle(x: number, left: number, middle: number, right: number): number {
  let y = 0;
  if (left < x && x <= middle) y = (x - left) / (middle - left);
  if (middle <= x && x < right) y = (right - x) / (right - middle);
  return y;
}

/** Dense numFilters × bins copy of a filterbank (for inspection and tests). */
export function filterbankMatrix(fb: MelFilterbank): Float64Array[] {
  const rows: Float64Array[] = [];
  for (let r = 0; r < fb.numFilters; r++) {
    const row = new Float64Array(fb.bins);
    const start = fb.starts[r]!;
    for (let i = fb.offsets[r]!; i < fb.offsets[r + 1]!; i++) row[start + i - fb.offsets[r]!] = fb.weights[i]!;
    rows.push(row);
  }
  return rows;
}

/**
 * Filterbank energies of one power spectrum: out[outOffset + r] = Σ_k power[k]·w_r[k], with
 * exact zeros replaced by 1e-10 (speechpy's `zero_handling`, which keeps the log finite).
 */
export function applyFilterbank(fb: MelFilterbank, power: Float64Array, powerOffset: number, out: Float64Array, outOffset: number): void {
  const { numFilters, starts, offsets, weights } = fb;
  for (let r = 0; r < numFilters; r++) {
    const end = offsets[r + 1]!;
    const k = powerOffset + starts[r]! - offsets[r]!;
    let sum = 0;
    for (let i = offsets[r]!; i < end; i++) sum += power[k + i]! * weights[i]!;
    out[outOffset + r] = sum === 0 ? 1e-10 : sum;
  }
}

// ---------------------------------------------------------------------------------------------
// DCT

const dctCache = new Map<string, Float64Array>();

/**
 * Orthonormal DCT-II matrix (scipy `dct(type=2, norm='ortho')`), first `count` rows of the
 * n-point transform, row-major count × n.
 */
export function dctMatrix(n: number, count: number): Float64Array {
  const key = `${n}|${count}`;
  let m = dctCache.get(key);
  if (!m) {
    m = new Float64Array(count * n);
    for (let k = 0; k < count; k++) {
      const s = k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n);
      for (let i = 0; i < n; i++) m[k * n + i] = s * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
    }
    if (dctCache.size >= CACHE_LIMIT) dctCache.clear();
    dctCache.set(key, m);
  }
  return m;
}

// ---------------------------------------------------------------------------------------------
// Sliding-window cepstral mean and variance normalisation

/**
 * speechpy `cmvnw`: subtract the mean of a winSize-row window centred on each row, then (when
 * varianceNormalization) divide by the standard deviation of the mean-subtracted values over
 * the same window plus 1e-10. Rows beyond the edges mirror the data ('symmetric' padding,
 * periodic when the window is longer than the data). Intermediate and final values are rounded
 * to float32 like speechpy's float32 buffers. `vec` is rows × cols and is left untouched.
 */
export function cmvnw(vec: Float64Array, rows: number, cols: number, winSize: number, varianceNormalization: boolean, out: Float64Array): void {
  const pad = (winSize - 1) >> 1;
  const padded = rows + 2 * pad;
  const map = intScratch(padded);
  const period = 2 * rows;
  for (let j = 0; j < padded; j++) {
    let r = (j - pad) % period;
    if (r < 0) r += period;
    map[j] = r < rows ? r : period - 1 - r;
  }
  const centred = scratch(rows * cols, SLOT_CMVN_CENTRED);
  if (winSize <= DIRECT_WINDOW) {
    windowDirect(vec, rows, cols, winSize, map, varianceNormalization, centred, out);
  } else {
    windowPrefixSums(vec, rows, cols, winSize, map, varianceNormalization, centred, out);
  }
  if (!varianceNormalization) out.set(centred.subarray(0, rows * cols));
}

/** Up to this window size, sums run over the window row by row (numpy's order, exact for 1). */
const DIRECT_WINDOW = 15;

function windowDirect(
  vec: Float64Array,
  rows: number,
  cols: number,
  winSize: number,
  map: Int32Array,
  varianceNormalization: boolean,
  centred: Float64Array,
  out: Float64Array,
): void {
  for (let c = 0; c < cols; c++) {
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < winSize; j++) s += vec[map[i + j]! * cols + c]!;
      centred[i * cols + c] = Math.fround(vec[i * cols + c]! - s / winSize);
    }
    if (!varianceNormalization) continue;
    for (let i = 0; i < rows; i++) {
      let s = 0;
      for (let j = 0; j < winSize; j++) s += centred[map[i + j]! * cols + c]!;
      const m = s / winSize;
      let ss = 0;
      for (let j = 0; j < winSize; j++) {
        const d = centred[map[i + j]! * cols + c]! - m;
        ss += d * d;
      }
      out[i * cols + c] = Math.fround(centred[i * cols + c]! / (Math.sqrt(ss / winSize) + 1e-10));
    }
  }
}

/** Large windows: running sums, O(rows + winSize) per column instead of O(rows · winSize). */
function windowPrefixSums(
  vec: Float64Array,
  rows: number,
  cols: number,
  winSize: number,
  map: Int32Array,
  varianceNormalization: boolean,
  centred: Float64Array,
  out: Float64Array,
): void {
  const padded = rows + winSize - 1;
  const sum = scratch(padded + 1, SLOT_CMVN_SUM);
  const sumSq = scratch(padded + 1, SLOT_CMVN_SUMSQ);
  for (let c = 0; c < cols; c++) {
    // a column reference value keeps the running sums small, so window differences stay exact
    const ref = vec[c]!;
    sum[0] = 0;
    for (let j = 0; j < padded; j++) sum[j + 1] = sum[j]! + (vec[map[j]! * cols + c]! - ref);
    for (let i = 0; i < rows; i++) {
      const mean = (sum[i + winSize]! - sum[i]!) / winSize;
      centred[i * cols + c] = Math.fround(vec[i * cols + c]! - ref - mean);
    }
    if (!varianceNormalization) continue;
    sum[0] = 0;
    sumSq[0] = 0;
    for (let j = 0; j < padded; j++) {
      const v = centred[map[j]! * cols + c]!;
      sum[j + 1] = sum[j]! + v;
      sumSq[j + 1] = sumSq[j]! + v * v;
    }
    for (let i = 0; i < rows; i++) {
      const m = (sum[i + winSize]! - sum[i]!) / winSize;
      const variance = (sumSq[i + winSize]! - sumSq[i]!) / winSize - m * m;
      const std = variance > 0 ? Math.sqrt(variance) : 0;
      out[i * cols + c] = Math.fround(centred[i * cols + c]! / (std + 1e-10));
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Scratch buffers (one DSP run at a time per thread)

export const SLOT_SIGNAL = 0;
export const SLOT_POWER = 1;
export const SLOT_ENERGY = 2;
export const SLOT_MEL = 3;
export const SLOT_CEPSTRA = 4;
const SLOT_CMVN_SUM = 5;
const SLOT_CMVN_SUMSQ = 6;
const SLOT_CMVN_CENTRED = 7;
const SLOT_FRAME = 8;
/** one frame's power spectrum, for blocks that process frame by frame */
export const SLOT_FRAME_POWER = 9;

const buffers: Float64Array[] = [];
let intBuffer = new Int32Array(0);

/** Reusable Float64 buffer of at least n elements for the given slot (contents undefined). */
export function scratch(n: number, slot: number): Float64Array {
  let buf = buffers[slot];
  if (!buf || buf.length < n) {
    buf = new Float64Array(Math.max(n, 64));
    buffers[slot] = buf;
  }
  return buf;
}

function intScratch(n: number): Int32Array {
  if (intBuffer.length < n) intBuffer = new Int32Array(Math.max(n, 64));
  return intBuffer;
}
