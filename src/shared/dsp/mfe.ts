/**
 * MFE block (Edge Impulse "Audio (MFE)", implementation version 4): int16 audio scaled to
 * [-1, 1] in float32, pre-emphasis 0.98, framing, power spectrum, mel filterbank energies in
 * dB, mapped from [noise_floor_db, 12 dB] to [0, 1] and quantised to steps of 1/256.
 * Output frames × num_filters, frame-major.
 */
import type { DspBlock, DspInput, DspInputInfo, DspOutput, DspParams, ParamSpec } from './block.js';
import {
  SLOT_FRAME_POWER,
  SLOT_MEL,
  SLOT_SIGNAL,
  applyFilterbank,
  checkFrameCount,
  checkRange,
  checkSingleAxisInput,
  frameLayout,
  intParam,
  melFilterbank,
  logInPlace,
  numberParam,
  scaledPreEmphasisF32,
  scratch,
} from './speechFeatures.js';
import { powerSpectrumPlan } from './audioPowerSpectrum.js';

export interface MfeParams {
  /** frame length in s */
  frameLength: number;
  /** step between frames in s */
  frameStride: number;
  numFilters: number;
  /** FFT points */
  fftLength: number;
  /** lowest mel band edge in Hz */
  lowFrequency: number;
  /** highest mel band edge in Hz; 0 = Nyquist */
  highFrequency: number;
  /** normalisation window (used by implementation versions 1–2 only; kept for compatibility) */
  winSize: number;
  /** level in dB that maps to 0 */
  noiseFloorDb: number;
}

export const mfeParamSpecs: readonly ParamSpec[] = [
  { key: 'frame_length', label: 'Frame length', type: 'float', default: 0.02, min: 0, help: 'The length of each frame in seconds' },
  { key: 'frame_stride', label: 'Frame stride', type: 'float', default: 0.01, min: 0, help: 'The step between successive frames in seconds' },
  { key: 'num_filters', label: 'Filter number', type: 'int', default: 40, min: 2, max: 1024, help: 'The number of filters in the filterbank' },
  { key: 'fft_length', label: 'FFT length', type: 'int', default: 256, min: 2, max: 65536, help: 'Number of FFT points (a power of two is fastest)' },
  { key: 'low_frequency', label: 'Low frequency', type: 'float', default: 0, min: 0, help: 'Lowest band edge of mel filters (in Hz)' },
  {
    key: 'high_frequency',
    label: 'High frequency',
    type: 'float',
    default: 0,
    min: 0,
    help: 'Highest band edge of mel filters (in Hz). If set to 0 this is samplerate / 2',
  },
  {
    key: 'win_size',
    label: 'Window size',
    type: 'int',
    default: 101,
    min: 0,
    help: 'The size of sliding window for local normalization (implementation versions 1 and 2 only; unused here)',
  },
  {
    key: 'noise_floor_db',
    label: 'Noise floor (dB)',
    type: 'float',
    default: -52,
    help: 'Everything less loud than the noise floor will be dropped',
  },
];

/** Validated MFE parameters with Edge Impulse's defaults filled in. */
export function parseMfeParams(params: DspParams): MfeParams {
  const p: MfeParams = {
    frameLength: numberParam(params, 'frame_length', 0.02),
    frameStride: numberParam(params, 'frame_stride', 0.01),
    numFilters: intParam(params, 'num_filters', 40, 2),
    fftLength: intParam(params, 'fft_length', 256, 2, 1 << 20),
    lowFrequency: numberParam(params, 'low_frequency', 0),
    highFrequency: numberParam(params, 'high_frequency', 0),
    winSize: intParam(params, 'win_size', 101, -Infinity),
    noiseFloorDb: numberParam(params, 'noise_floor_db', -52),
  };
  if (p.frameLength <= 0) checkRange('frame_length', p.frameLength, Number.MIN_VALUE);
  if (p.frameStride <= 0) checkRange('frame_stride', p.frameStride, Number.MIN_VALUE);
  checkRange('low_frequency', p.lowFrequency, 0);
  checkRange('high_frequency', p.highFrequency, 0);
  // the dB range is [noise_floor_db, 12]; a floor at or above 12 dB would divide by ≤ 0
  checkRange('noise_floor_db', p.noiseFloorDb, -Infinity, 11.999);
  return p;
}

/** MFE of one single-axis int16-scaled window; output frames × num_filters, frame-major. */
export function computeMfe(signal: ArrayLike<number>, fs: number, p: MfeParams): { features: Float32Array; frames: number } {
  const n = signal.length;
  const layout = frameLayout(n, fs, p.frameLength, p.frameStride);
  checkFrameCount('MFE', layout, n, fs);
  const fb = melFilterbank(p.numFilters, p.fftLength, fs, p.lowFrequency, p.highFrequency);
  const frames = layout.frames;
  const bins = fb.bins;
  const nf = p.numFilters;

  const emphasised = scratch(n, SLOT_SIGNAL);
  scaledPreEmphasisF32(signal, emphasised);

  // frame by frame: power spectrum → filterbank → dB → [0, 1] → 1/256 steps
  const plan = powerSpectrumPlan(p.fftLength);
  const power = scratch(bins, SLOT_FRAME_POWER);
  const mel = scratch(nf, SLOT_MEL);
  const features = new Float32Array(frames * nf);
  const floor = p.noiseFloorDb;
  const range = -floor + 12;
  // 10·log10(x) as a natural log times a constant
  const dbPerNeper = 10 / Math.LN10;
  const { frameLength, frameStride } = layout;
  for (let f = 0; f < frames; f++) {
    plan.spectrum(emphasised, f * frameStride, frameLength, power, 0);
    applyFilterbank(fb, power, 0, mel, 0);
    const row = f * nf;
    logInPlace(mel, nf, 1e-30);
    for (let i = 0; i < nf; i++) {
      const db = dbPerNeper * mel[i]!;
      let v = (db - floor) / range;
      v = v < 0 ? 0 : v > 1 ? 1 : v;
      features[row + i] = quantise256(v);
    }
  }
  return { features, frames };
}

/**
 * numpy's `uint8(around(v·256)) / 256` for v in [0, 1]: round half to even, and 256 wraps
 * to 0 in the uint8 cast (on x86, where Edge Impulse runs), so a full-scale band reads 0.
 */
export function quantise256(v: number): number {
  const x = v * 256;
  let q = Math.round(x);
  if (q - x === 0.5 && q % 2 !== 0) q -= 1;
  return (q & 255) / 256;
}

export const mfeBlock: DspBlock = {
  name: 'mfe',
  title: 'Audio (MFE)',
  description: 'Extracts a spectrogram from audio signals using Mel-filterbank energy features, great for non-voice audio.',
  params: mfeParamSpecs,
  singleAxis: true,

  run(input: DspInput, params: DspParams): DspOutput {
    const p = parseMfeParams(params);
    const fs = checkSingleAxisInput('MFE', input);
    const { features, frames } = computeMfe(input.values, fs, p);
    return { features, shape: { type: 'spectrogram', width: frames, height: p.numFilters } };
  },

  outputShape(info: DspInputInfo, params: DspParams) {
    const p = parseMfeParams(params);
    const frames = frameLayout(info.readings, info.frequencyHz, p.frameLength, p.frameStride).frames;
    return { length: frames * p.numFilters, shape: { type: 'spectrogram' as const, width: frames, height: p.numFilters } };
  },

  operations(info: DspInputInfo, params: DspParams): number {
    const p = parseMfeParams(params);
    const frames = frameLayout(info.readings, info.frequencyHz, p.frameLength, p.frameStride).frames;
    const bins = (p.fftLength >> 1) + 1;
    const fft = 5 * p.fftLength * Math.max(1, Math.log2(p.fftLength));
    const perFrame = p.frameLength * info.frequencyHz + fft + 4 * bins + 2 * bins + 8 * p.numFilters;
    return Math.round(3 * info.readings + frames * perFrame);
  },
};
