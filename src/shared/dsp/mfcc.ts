/**
 * MFCC block (Edge Impulse "Audio (MFCC)", implementation version 4): pre-emphasis, framing,
 * power spectrum, mel filterbank, log, DCT-II (orthonormal), c0 replaced by the log frame
 * energy, then sliding-window mean/variance normalisation. Output frames × num_cepstral.
 */
import { KilnError } from '../errors.js';
import type { DspBlock, DspInput, DspInputInfo, DspOutput, DspParams, ParamSpec } from './block.js';
import {
  SLOT_CEPSTRA,
  SLOT_FRAME_POWER,
  SLOT_MEL,
  SLOT_POWER,
  SLOT_SIGNAL,
  applyFilterbank,
  checkFrameCount,
  checkRange,
  checkSingleAxisInput,
  cmvnw,
  dctMatrix,
  frameLayout,
  intParam,
  melFilterbank,
  logInPlace,
  naturalLog,
  numberParam,
  preEmphasis,
  scratch,
} from './speechFeatures.js';
import { powerSpectrumPlan } from './audioPowerSpectrum.js';

export interface MfccParams {
  /** cepstral coefficients per frame */
  numCepstral: number;
  /** frame length in s */
  frameLength: number;
  /** step between frames in s */
  frameStride: number;
  numFilters: number;
  /** FFT points */
  fftLength: number;
  /** normalisation window in frames (odd; 0 disables normalisation) */
  winSize: number;
  /** lowest mel band edge in Hz */
  lowFrequency: number;
  /** highest mel band edge in Hz; 0 = Nyquist */
  highFrequency: number;
  /** pre-emphasis coefficient (0 = none) */
  preCof: number;
  /** pre-emphasis shift in samples */
  preShift: number;
}

export const mfccParamSpecs: readonly ParamSpec[] = [
  { key: 'num_cepstral', label: 'Number of coefficients', type: 'int', default: 13, min: 1, max: 512, help: 'Number of cepstral coefficients' },
  { key: 'frame_length', label: 'Frame length', type: 'float', default: 0.02, min: 0, help: 'The length of each frame in seconds' },
  { key: 'frame_stride', label: 'Frame stride', type: 'float', default: 0.02, min: 0, help: 'The step between successive frames in seconds' },
  { key: 'num_filters', label: 'Filter number', type: 'int', default: 32, min: 2, max: 1024, help: 'The number of filters in the filterbank' },
  { key: 'fft_length', label: 'FFT length', type: 'int', default: 256, min: 2, max: 65536, help: 'Number of FFT points (a power of two is fastest)' },
  {
    key: 'win_size',
    label: 'Normalization window size',
    type: 'int',
    default: 101,
    min: 0,
    help: 'The size of sliding window for local normalization (odd). Set this to 0 to disable normalization.',
  },
  { key: 'low_frequency', label: 'Low frequency', type: 'float', default: 0, min: 0, help: 'Lowest band edge of mel filters (in Hz)' },
  {
    key: 'high_frequency',
    label: 'High frequency',
    type: 'float',
    default: 0,
    min: 0,
    help: 'Highest band edge of mel filters (in Hz). If not set (or set to 0) this is samplerate / 2',
  },
  {
    key: 'pre_cof',
    label: 'Pre-emphasis coefficient',
    type: 'float',
    default: 0.98,
    help: 'The pre-emphasizing coefficient to apply to the input signal (0 equals to no filtering)',
  },
  { key: 'pre_shift', label: 'Pre-emphasis shift', type: 'int', default: 1, min: 1, help: 'The pre-emphasis shift value to roll over the input signal' },
];

/** Validated MFCC parameters with Edge Impulse's defaults filled in. */
export function parseMfccParams(params: DspParams): MfccParams {
  const p: MfccParams = {
    numCepstral: intParam(params, 'num_cepstral', 13, 1),
    frameLength: numberParam(params, 'frame_length', 0.02),
    frameStride: numberParam(params, 'frame_stride', 0.02),
    numFilters: intParam(params, 'num_filters', 32, 2),
    fftLength: intParam(params, 'fft_length', 256, 2, 1 << 20),
    winSize: intParam(params, 'win_size', 101, -Infinity),
    lowFrequency: numberParam(params, 'low_frequency', 0),
    highFrequency: numberParam(params, 'high_frequency', 0),
    preCof: numberParam(params, 'pre_cof', 0.98),
    preShift: intParam(params, 'pre_shift', 1, 1),
  };
  if (p.frameLength <= 0) checkRange('frame_length', p.frameLength, Number.MIN_VALUE);
  if (p.frameStride <= 0) checkRange('frame_stride', p.frameStride, Number.MIN_VALUE);
  checkRange('low_frequency', p.lowFrequency, 0);
  checkRange('high_frequency', p.highFrequency, 0);
  if (p.winSize > 0 && p.winSize % 2 === 0) {
    throw new KilnError('BAD_PARAMS', `Parameter "win_size" must be odd (or 0 to disable normalization), got ${p.winSize}`, {
      field: 'win_size',
    });
  }
  return p;
}

/** Coefficients actually produced: the DCT has num_filters outputs, so never more than that. */
function coefficientCount(p: MfccParams): number {
  return Math.min(p.numCepstral, p.numFilters);
}

/** MFCC of one single-axis window; output frames × coefficients, frame-major. */
export function computeMfcc(signal: ArrayLike<number>, fs: number, p: MfccParams): { features: Float32Array; frames: number } {
  const n = signal.length;
  const layout = frameLayout(n, fs, p.frameLength, p.frameStride);
  checkFrameCount('MFCC', layout, n, fs);
  const fb = melFilterbank(p.numFilters, p.fftLength, fs, p.lowFrequency, p.highFrequency);
  const frames = layout.frames;
  const bins = fb.bins;
  const nc = coefficientCount(p);
  const nf = p.numFilters;

  const emphasised = scratch(n, SLOT_SIGNAL);
  preEmphasis(signal, p.preCof, p.preShift, emphasised);

  // frame by frame: power spectrum → filterbank → log → DCT, the spectrum never leaves a
  // frame-sized buffer
  const plan = powerSpectrumPlan(p.fftLength);
  const power = scratch(bins, SLOT_FRAME_POWER);
  const mel = scratch(nf, SLOT_MEL);
  const cepstra = scratch(frames * nc, SLOT_CEPSTRA);
  const dct = dctMatrix(nf, nc);
  const { frameLength, frameStride } = layout;
  for (let f = 0; f < frames; f++) {
    const e = plan.power(emphasised, f * frameStride, frameLength, power, 0);
    applyFilterbank(fb, power, 0, mel, 0);
    // (applyFilterbank has already replaced zeros by 1e-10)
    logInPlace(mel, nf, 0);
    // c0 is replaced by the log frame energy (speechpy's dc_elimination)
    const row0 = f * nc;
    cepstra[row0] = naturalLog(e === 0 ? 1e-10 : e);
    for (let k = 1; k < nc; k++) {
      let s = 0;
      const row = k * nf;
      for (let i = 0; i < nf; i++) s += dct[row + i]! * mel[i]!;
      cepstra[row0 + k] = s;
    }
  }

  const features = new Float32Array(frames * nc);
  if (p.winSize > 0) {
    const normalised = scratch(frames * nc, SLOT_POWER);
    cmvnw(cepstra, frames, nc, p.winSize, true, normalised);
    for (let i = 0; i < features.length; i++) features[i] = normalised[i]!;
  } else {
    for (let i = 0; i < features.length; i++) features[i] = cepstra[i]!;
  }
  return { features, frames };
}

export const mfccBlock: DspBlock = {
  name: 'mfcc',
  title: 'Audio (MFCC)',
  description: 'Extracts features from audio signals using Mel Frequency Cepstral Coefficients, great for human voice.',
  params: mfccParamSpecs,
  singleAxis: true,

  run(input: DspInput, params: DspParams): DspOutput {
    const p = parseMfccParams(params);
    const fs = checkSingleAxisInput('MFCC', input);
    const { features, frames } = computeMfcc(input.values, fs, p);
    return { features, shape: { type: 'spectrogram', width: frames, height: coefficientCount(p) } };
  },

  outputShape(info: DspInputInfo, params: DspParams) {
    const p = parseMfccParams(params);
    const frames = frameLayout(info.readings, info.frequencyHz, p.frameLength, p.frameStride).frames;
    const nc = coefficientCount(p);
    return { length: frames * nc, shape: { type: 'spectrogram' as const, width: frames, height: nc } };
  },

  operations(info: DspInputInfo, params: DspParams): number {
    const p = parseMfccParams(params);
    const frames = frameLayout(info.readings, info.frequencyHz, p.frameLength, p.frameStride).frames;
    const bins = (p.fftLength >> 1) + 1;
    const fft = 5 * p.fftLength * Math.max(1, Math.log2(p.fftLength));
    const perFrame = p.frameLength * info.frequencyHz + fft + 4 * bins + 2 * bins + p.numFilters * (1 + coefficientCount(p));
    const cmvn = p.winSize > 0 ? 12 * frames * coefficientCount(p) : 0;
    return Math.round(2 * info.readings + frames * perFrame + cmvn);
  },
};
