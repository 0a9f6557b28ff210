/**
 * Spectral analysis block (Edge Impulse "Spectral Analysis", implementation version 4).
 *
 * Per axis: scale (in float32, as Edge Impulse does) → optional input decimation (Chebyshev I
 * + downsampling) → optional Butterworth low/high-pass (float32 coefficients, zero initial
 * state) → subtract the mean, then either
 * - FFT: RMS, skewness, kurtosis, spectral skewness and kurtosis of a max-hold Welch spectrum
 *   (|rfft|²/N over frames of `fft-length`, half overlapping if `do-fft-overlap`), then the
 *   spectrum bins 1…N/2 (log10 if `do-log`) that the filter does not mask; with
 *   `extra-low-freq` the same again on the signal decimated by 10, appended after all axes;
 * - Wavelet: `wavedec` to `wavelet-level`, 14 statistics per coefficient array.
 *
 * `spectral-peaks-count`, `spectral-peaks-threshold` and `spectral-power-edges` belong to
 * implementation version 1; they are accepted and ignored.
 */
import { KilnError } from '../errors.js';
import type { DspBlock, DspInput, DspInputInfo, DspOutput, DspParams, ParamSpec } from './block.js';
import { checkTimeSeriesInput, readBoolean, readChoice, readNumber, readString } from './blockParams.js';
import { isPowerOfTwo, rfftPower } from './fft.js';
import { DECIMATION_STAGES, butterworthIsStableOnDevice, butterworthSos, decimate, decimatedLength, sosFilter } from './filters.js';
import { centralMoments, kurtosisFromMoments, skewnessFromMoments, type Moments } from './statistics.js';
import {
  WAVELET_FEATURE_NAMES,
  WAVELET_NAMES,
  waveletCoefficientFeatures,
  waveletFilterBank,
  waveletMinLength,
  wavedec,
  type WaveletFilterBank,
} from './wavelet.js';

const FFT_KEYS = { key: 'analysis-type', values: ['FFT'] } as const;
const WAVELET_KEYS = { key: 'analysis-type', values: ['Wavelet'] } as const;
const FILTER_KEYS = { key: 'filter-type', values: ['low', 'high'] } as const;
/** implementation-version-1 parameters: never shown (no value of analysis-type matches) */
const HIDDEN = { key: 'analysis-type', values: [] } as const;

export const spectralAnalysisParamSpecs: readonly ParamSpec[] = [
  { key: 'scale-axes', label: 'Scale axes', type: 'float', default: 1, help: 'Multiplies axes by this number' },
  {
    key: 'input-decimation-ratio',
    label: 'Input decimation ratio',
    type: 'int',
    default: 1,
    options: [1, 3, 10, 30, 100, 1000],
    help: 'Decimate signal to improve efficiency',
  },
  {
    key: 'filter-type',
    label: 'Filter type',
    type: 'select',
    default: 'none',
    options: ['low', 'high', 'none'],
    help: 'Type of filter to apply to the raw data (low is low pass)',
  },
  {
    key: 'filter-cutoff',
    label: 'Cut-off frequency',
    type: 'float',
    default: 3,
    help: 'Cut-off frequency in hertz',
    showIf: FILTER_KEYS,
  },
  {
    key: 'filter-order',
    label: 'Filter order',
    type: 'int',
    default: 6,
    min: 0,
    max: 8,
    help: 'Number of poles (even). More improves filtering at expense of latency. Zero only masks FFT bins.',
    showIf: FILTER_KEYS,
  },
  {
    key: 'analysis-type',
    label: 'Analysis type',
    type: 'select',
    default: 'FFT',
    options: ['FFT', 'Wavelet'],
    help: 'Type of spectral analysis to apply',
  },
  {
    key: 'fft-length',
    label: 'FFT length',
    type: 'int',
    default: 16,
    min: 1,
    max: 1 << 20,
    help: 'Number of FFT points (a power of two)',
    showIf: FFT_KEYS,
  },
  {
    key: 'spectral-peaks-count',
    label: 'No. of peaks',
    type: 'int',
    default: 3,
    help: 'Implementation version 1 only; ignored',
    showIf: HIDDEN,
  },
  {
    key: 'spectral-peaks-threshold',
    label: 'Peaks threshold',
    type: 'float',
    default: 0.1,
    help: 'Implementation version 1 only; ignored',
    showIf: HIDDEN,
  },
  {
    key: 'spectral-power-edges',
    label: 'Power edges',
    type: 'string',
    default: '0.1, 0.5, 1.0, 2.0, 5.0',
    help: 'Implementation version 1 only; ignored',
    showIf: HIDDEN,
  },
  { key: 'do-log', label: 'Take log of spectrum?', type: 'boolean', default: true, help: 'Apply log base 10 to spectrum', showIf: FFT_KEYS },
  {
    key: 'do-fft-overlap',
    label: 'Overlap FFT frames?',
    type: 'boolean',
    default: true,
    help: 'When more than one FFT is needed to cover a window, reuse the last half of the previous FFT frame',
    showIf: FFT_KEYS,
  },
  {
    key: 'wavelet-level',
    label: 'Wavelet decomposition level',
    type: 'int',
    default: 1,
    min: 0,
    max: 30,
    help: 'Decomposition level (must be >= 0)',
    showIf: WAVELET_KEYS,
  },
  { key: 'wavelet', label: 'Wavelet', type: 'select', default: 'db4', options: WAVELET_NAMES, help: 'Wavelet to use', showIf: WAVELET_KEYS },
  {
    key: 'extra-low-freq',
    label: 'Improve low frequency resolution?',
    type: 'boolean',
    default: false,
    help: 'Decimate signal to improve low frequency resolution',
    showIf: FFT_KEYS,
  },
];

export interface SpectralAnalysisParams {
  scaleAxes: number;
  inputDecimationRatio: number;
  filterType: 'low' | 'high' | 'none';
  /** Hz */
  filterCutoff: number;
  filterOrder: number;
  analysisType: 'FFT' | 'Wavelet';
  fftLength: number;
  doLog: boolean;
  doFftOverlap: boolean;
  extraLowFreq: boolean;
  wavelet: string;
  waveletLevel: number;
}

const specs = spectralAnalysisParamSpecs;

/** Reads and checks the parameters that do not depend on the input. */
export function readSpectralAnalysisParams(params: DspParams): SpectralAnalysisParams {
  const p: SpectralAnalysisParams = {
    scaleAxes: readNumber(specs, params, 'scale-axes'),
    inputDecimationRatio: readNumber(specs, params, 'input-decimation-ratio'),
    filterType: readChoice(specs, params, 'filter-type') as SpectralAnalysisParams['filterType'],
    filterCutoff: readNumber(specs, params, 'filter-cutoff'),
    // range-checked below, only when a filter is used (as Edge Impulse does)
    filterOrder: readNumber(specs, params, 'filter-order', false),
    analysisType: readChoice(specs, params, 'analysis-type') as SpectralAnalysisParams['analysisType'],
    fftLength: readNumber(specs, params, 'fft-length'),
    doLog: readBoolean(specs, params, 'do-log'),
    doFftOverlap: readBoolean(specs, params, 'do-fft-overlap'),
    extraLowFreq: readBoolean(specs, params, 'extra-low-freq'),
    wavelet: readString(specs, params, 'wavelet'),
    waveletLevel: readNumber(specs, params, 'wavelet-level', false),
  };
  // version-1 parameters: type-checked only
  readNumber(specs, params, 'spectral-peaks-count');
  readNumber(specs, params, 'spectral-peaks-threshold');
  readString(specs, params, 'spectral-power-edges');
  if (!isPowerOfTwo(p.fftLength)) throw badParam('fft-length', `must be a power of 2, got ${p.fftLength}`);
  if (p.analysisType === 'FFT' && p.fftLength < 2) throw badParam('fft-length', `must be at least 2, got ${p.fftLength}`);
  if (usesFilter(p) && (p.filterOrder % 2 !== 0 || p.filterOrder > 8)) {
    throw badParam('filter-order', `must be 2, 4, 6 or 8 (or 0 to only mask FFT bins), got ${p.filterOrder}`);
  }
  if (p.analysisType === 'Wavelet') {
    readChoice(specs, params, 'wavelet');
    readNumber(specs, params, 'wavelet-level');
  }
  return p;
}

function badParam(key: string, message: string): KilnError {
  return new KilnError('BAD_PARAMS', `Parameter "${key}" ${message}`, { field: key });
}

function usesFilter(p: SpectralAnalysisParams): boolean {
  return p.filterType !== 'none' && p.filterOrder > 0;
}

/** Which spectrum bins (1…N/2) survive the filter mask, and their labels. */
export interface BandSelection {
  bins: Int32Array;
  labels: string[];
}

/**
 * Everything about a window that depends only on parameters, frequency and length: decimated
 * length and rate, the Butterworth design, selected bins, labels, output size.
 */
export interface SpectralPlan {
  p: SpectralAnalysisParams;
  axes: number;
  readings: number;
  /** samples per axis after input decimation */
  length: number;
  /** Hz after input decimation */
  frequencyHz: number;
  sos: Float64Array | null;
  bands: BandSelection | null;
  lowFreq: { length: number; bands: BandSelection } | null;
  waveletBank: WaveletFilterBank | null;
  /** features per axis (main part) and per axis for the low-frequency part */
  perAxis: number;
  perAxisLowFreq: number;
  labels: string[];
  featureCount: number;
}

const planCache = new Map<string, SpectralPlan>();
const PLAN_CACHE_SIZE = 64;

/** The checked, cached plan of a window (used by the C exporter to emit the same tables). */
export function spectralAnalysisPlan(params: DspParams, info: DspInputInfo): SpectralPlan {
  return planFor(readSpectralAnalysisParams(params), info.axes, info.readings, info.frequencyHz);
}

function planFor(p: SpectralAnalysisParams, axes: number, readings: number, frequencyHz: number): SpectralPlan {
  const key = JSON.stringify([p, axes, readings, frequencyHz]);
  let plan = planCache.get(key);
  if (!plan) {
    plan = buildPlan(p, axes, readings, frequencyHz);
    if (planCache.size >= PLAN_CACHE_SIZE) planCache.delete(planCache.keys().next().value!);
    planCache.set(key, plan);
  }
  return plan;
}

function buildPlan(p: SpectralAnalysisParams, axes: number, readings: number, inputHz: number): SpectralPlan {
  if (!(Number.isFinite(inputHz) && inputHz > 0)) {
    throw new KilnError('BAD_DATA', `Spectral analysis needs a positive sampling frequency, got ${inputHz} Hz`);
  }
  if (readings < 1) throw new KilnError('BAD_DATA', 'Spectral analysis needs at least one reading');
  const ratio = p.inputDecimationRatio;
  const frequencyHz = inputHz / ratio;
  if (ratio > 1 && p.filterType !== 'none' && p.filterCutoff > (inputHz / 2 / ratio) * 0.9) {
    throw badParam(
      'input-decimation-ratio',
      `${ratio} is too high for a ${p.filterCutoff} Hz cut-off at ${inputHz} Hz: the decimated Nyquist frequency is ${inputHz / 2 / ratio} Hz`,
    );
  }
  let sos: Float64Array | null = null;
  if (usesFilter(p)) {
    const wn = (p.filterCutoff * 2) / frequencyHz;
    if (wn >= 1) {
      throw badParam('filter-cutoff', `(${p.filterCutoff} Hz) is above the Nyquist frequency (${frequencyHz / 2} Hz); choose a lower cut-off`);
    }
    if (!(wn > 0)) throw badParam('filter-cutoff', `must be above 0 Hz, got ${p.filterCutoff}`);
    if (!butterworthIsStableOnDevice(p.filterOrder, p.filterCutoff, frequencyHz)) {
      throw badParam('filter-cutoff', `(${p.filterCutoff} Hz) gives an unstable filter at ${frequencyHz} Hz; move it away from 0 or Nyquist`);
    }
    // Edge Impulse runs the filter with float32 coefficients
    sos = butterworthSos(p.filterOrder, wn, p.filterType as 'low' | 'high').map(Math.fround);
  }
  let length = readings;
  for (const stage of DECIMATION_STAGES.get(ratio) ?? []) length = decimatedLength(length, stage);

  if (p.analysisType === 'Wavelet') {
    const waveletBank = waveletFilterBank(p.wavelet);
    if (!waveletBank) throw badParam('wavelet', `"${p.wavelet}" is not a known wavelet`);
    if (waveletMinLength(p.waveletLevel) > length) {
      const ms = Math.ceil((waveletMinLength(p.waveletLevel) / frequencyHz) * 1000);
      throw badParam('wavelet-level', `${p.waveletLevel} is too high for ${length} samples: increase the window to at least ${ms} ms, or reduce the level`);
    }
    const labels: string[] = [];
    for (let l = 0; l <= p.waveletLevel; l++) for (const name of WAVELET_FEATURE_NAMES) labels.push(`L${l}-${name}`);
    const perAxis = labels.length;
    return {
      p,
      axes,
      readings,
      length,
      frequencyHz,
      sos,
      bands: null,
      lowFreq: null,
      waveletBank,
      perAxis,
      perAxisLowFreq: 0,
      labels,
      featureCount: axes * perAxis,
    };
  }

  const bands = selectBands(p, frequencyHz, '');
  let lowFreq: SpectralPlan['lowFreq'] = null;
  if (p.extraLowFreq) {
    const lfLength = decimatedLength(length, 10);
    if (lfLength < p.fftLength / 2) {
      throw badParam(
        'extra-low-freq',
        `needs at least ${(p.fftLength / 2) * 10} samples per axis (after input decimation) for FFT length ${p.fftLength}, got ${length}`,
      );
    }
    lowFreq = { length: lfLength, bands: selectBands(p, frequencyHz / 10, ' LF') };
  }
  const statLabels = (s: string) => ['RMS', 'Skewness', 'Kurtosis', 'Spectral Skewness', 'Spectral Kurtosis'].map((l) => l + s);
  const labels = [...statLabels(''), ...bands.labels];
  const perAxis = 5 + bands.bins.length;
  const perAxisLowFreq = lowFreq ? 5 + lowFreq.bands.bins.length : 0;
  if (lowFreq) labels.push(...statLabels(' LF'), ...lowFreq.bands.labels);
  return {
    p,
    axes,
    readings,
    length,
    frequencyHz,
    sos,
    bands,
    lowFreq,
    waveletBank: null,
    perAxis,
    perAxisLowFreq,
    labels,
    featureCount: axes * (perAxis + perAxisLowFreq),
  };
}

function selectBands(p: SpectralAnalysisParams, frequencyHz: number, suffix: string): BandSelection {
  const n = p.fftLength;
  // numpy rfftfreq: k · (1 / (n · (1/fs)))
  const spacing = 1 / (n * (1 / frequencyHz));
  const bins: number[] = [];
  const labels: string[] = [];
  for (let k = 1; k <= n >> 1; k++) {
    const f = k * spacing;
    if (p.filterType === 'low' && f - spacing / 2 > p.filterCutoff) break;
    if (p.filterType === 'high' && f + spacing / 2 < p.filterCutoff) continue;
    bins.push(k);
    labels.push(`Spectral Power ${pythonRound2(f - spacing / 2)} - ${pythonRound2(f + spacing / 2)} Hz`);
  }
  if (bins.length === 0) {
    throw badParam(
      'filter-cutoff',
      `(${p.filterCutoff} Hz) masks every FFT bin${suffix ? ' of the low-frequency part' : ''}; change the cut-off or the FFT length`,
    );
  }
  return { bins: Int32Array.from(bins), labels };
}

/** Python's `str(round(x, 2))`: correctly rounded, ties to even, shortest form ("5.0", "29.3"). */
export function pythonRound2(x: number): string {
  let text: string;
  // exact ties (x·1000 ending in 5 and exactly representable) are the multiples of 1/8 that are not multiples of 1/4
  if (Number.isInteger(x * 8) && !Number.isInteger(x * 4)) {
    const lower = Math.floor(x * 100);
    const n = lower % 2 === 0 ? lower : lower + 1;
    text = (n / 100).toFixed(2);
  } else {
    text = x.toFixed(2);
  }
  if (text === '-0.00') text = '-0.0';
  text = text.replace(/0$/, '');
  return text.endsWith('.') ? `${text}0` : text;
}

// ── per-run work buffers (DSP runs single-threaded per worker) ──────────────────────────
let signal = new Float64Array(0);
let spectrum = new Float64Array(0);
let framePower = new Float64Array(0);
const moments: Moments = { mean: 0, m2: 0, m3: 0, m4: 0 };

function ensureBuffers(readings: number, fftLength: number): void {
  if (signal.length < readings) signal = new Float64Array(readings);
  const bins = (fftLength >> 1) + 1;
  if (spectrum.length < bins) {
    spectrum = new Float64Array(bins);
    framePower = new Float64Array(bins);
  }
}

function subtractMean(x: Float64Array, n: number): void {
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i]!;
  const m = s / n;
  for (let i = 0; i < n; i++) x[i] = x[i]! - m;
}

/**
 * FFT features of x[0…n) (already mean-free) into out[offset…]; returns the next offset.
 * Max-hold over frames of |rfft|²/N.
 */
function fftFeatures(x: Float64Array, n: number, p: SpectralAnalysisParams, bands: BandSelection, out: Float32Array, offset: number): number {
  const nfft = p.fftLength;
  const bins = (nfft >> 1) + 1;
  centralMoments(x, 0, n, moments);
  out[offset++] = Math.sqrt(moments.m2 + moments.mean * moments.mean);
  out[offset++] = skewnessFromMoments(moments);
  out[offset++] = kurtosisFromMoments(moments);

  spectrum.fill(0, 0, bins);
  const step = nfft - (p.doFftOverlap ? Math.trunc(nfft / 2) : 0);
  // the frame starting at n (Edge Impulse's loop runs ix ≤ len) is all zeros: no effect on the max
  for (let start = 0; start < n; start += step) {
    rfftPower(x, nfft, framePower, start, Math.min(nfft, n - start));
    for (let k = 0; k < bins; k++) {
      const v = framePower[k]! / nfft;
      if (v > spectrum[k]!) spectrum[k] = v;
    }
  }
  centralMoments(spectrum, 0, bins, moments);
  out[offset++] = skewnessFromMoments(moments);
  out[offset++] = kurtosisFromMoments(moments);
  const { bins: selected } = bands;
  for (let i = 0; i < selected.length; i++) {
    const v = spectrum[selected[i]!]!;
    out[offset++] = p.doLog ? Math.log10(v === 0 ? 1e-10 : v) : v;
  }
  return offset;
}

function runSpectralAnalysis(input: DspInput, params: DspParams): DspOutput {
  const p = readSpectralAnalysisParams(params);
  const readings = checkTimeSeriesInput('Spectral analysis', input, true);
  const axes = input.axes.length;
  const plan = planFor(p, axes, readings, input.frequencyHz);
  ensureBuffers(readings, p.fftLength);
  const features = new Float32Array(plan.featureCount);
  const values = input.values;
  const scale = Math.fround(p.scaleAxes);
  const stages = DECIMATION_STAGES.get(p.inputDecimationRatio) ?? [];
  let lowFreqOffset = axes * plan.perAxis;
  for (let a = 0; a < axes; a++) {
    // float32 scaling, as Edge Impulse does
    for (let r = 0; r < readings; r++) signal[r] = Math.fround(Math.fround(values[r * axes + a]!) * scale);
    let n = readings;
    for (const stage of stages) n = decimate(signal, n, stage, signal);
    if (plan.sos) sosFilter(plan.sos, signal, n, signal);
    subtractMean(signal, n);

    if (plan.waveletBank) {
      const coefficients = wavedec(signal, n, plan.waveletBank, p.waveletLevel);
      let offset = a * plan.perAxis;
      for (const c of coefficients) {
        waveletCoefficientFeatures(c, c.length, features, offset);
        offset += WAVELET_FEATURE_NAMES.length;
      }
      continue;
    }
    fftFeatures(signal, n, p, plan.bands!, features, a * plan.perAxis);
    if (plan.lowFreq) {
      const m = decimate(signal, n, 10, signal);
      subtractMean(signal, m);
      lowFreqOffset = fftFeatures(signal, m, p, plan.lowFreq.bands, features, lowFreqOffset);
    }
  }
  return { features, shape: { type: 'flat', width: features.length }, labels: [...plan.labels] };
}

export const spectralAnalysisBlock: DspBlock = {
  name: 'spectral_analysis',
  title: 'Spectral Analysis',
  description:
    'Great for analyzing repetitive motion, such as data from accelerometers. Extracts the frequency and power characteristics of a signal over time.',
  params: spectralAnalysisParamSpecs,
  run: runSpectralAnalysis,
  outputShape(info: DspInputInfo, params: DspParams) {
    const plan = planFor(readSpectralAnalysisParams(params), info.axes, info.readings, info.frequencyHz);
    return { length: plan.featureCount, shape: { type: 'flat', width: plan.featureCount } };
  },
  operations(info: DspInputInfo, params: DspParams) {
    const p = readSpectralAnalysisParams(params);
    const plan = planFor(p, info.axes, info.readings, info.frequencyHz);
    let perAxis = info.readings * 2; // scaling, mean
    const stages = DECIMATION_STAGES.get(p.inputDecimationRatio) ?? [];
    let n = info.readings;
    for (const stage of stages) {
      perAxis += n * 4 * 5; // 4 biquads
      n = decimatedLength(n, stage);
    }
    if (plan.sos) perAxis += n * (plan.sos.length / 6) * 5;
    perAxis += n * 8; // moments
    if (plan.waveletBank) {
      let m = n;
      const f = plan.waveletBank.decLo.length;
      for (let l = 0; l < p.waveletLevel; l++) {
        m = Math.floor((m + f - 1) / 2);
        perAxis += m * f * 4;
      }
      perAxis += n * 2 * (10 + Math.log2(Math.max(2, n))); // statistics + sorting over all levels
    } else {
      const step = p.fftLength - (p.doFftOverlap ? p.fftLength >> 1 : 0);
      const frames = Math.ceil(n / step);
      const fftOps = 5 * p.fftLength * Math.log2(p.fftLength);
      perAxis += frames * (fftOps + 3 * p.fftLength);
      if (plan.lowFreq) perAxis += n * 4 * 5 + Math.ceil(plan.lowFreq.length / step) * (fftOps + 3 * p.fftLength);
    }
    return Math.round(info.axes * perAxis);
  },
};
