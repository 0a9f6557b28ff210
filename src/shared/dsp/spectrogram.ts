/**
 * Spectrogram block (Edge Impulse "Spectrogram", implementation version 4): framing, power
 * spectrum |rfft|²/fft_length, dB, mapped so noise_floor_db → 0 and noise_floor_db + (12 −
 * noise_floor_db) → 1, clipped below at 0 (version 4 does not clip above or rescale int16).
 * Works on audio and on any single sensor axis. Output frames × (fft_length/2 + 1).
 */
import { KilnError } from '../errors.js';
import type { DspBlock, DspInput, DspInputInfo, DspOutput, DspParams, ParamSpec } from './block.js';
import {
  SLOT_FRAME_POWER,
  checkFrameCount,
  checkRange,
  checkSingleAxisInput,
  frameLayout,
  intParam,
  logInPlace,
  numberParam,
  scratch,
} from './speechFeatures.js';
import { powerSpectrumPlan } from './audioPowerSpectrum.js';

export interface SpectrogramParams {
  /** frame length in s */
  frameLength: number;
  /** step between frames in s */
  frameStride: number;
  /** FFT points (frequency bands = fft_length/2 + 1) */
  fftLength: number;
  /** level in dB that maps to 0 */
  noiseFloorDb: number;
  /** graph option only */
  showAxes: boolean;
}

export const spectrogramParamSpecs: readonly ParamSpec[] = [
  { key: 'frame_length', label: 'Frame length', type: 'float', default: 0.02, min: 0, help: 'The length of each frame in seconds' },
  { key: 'frame_stride', label: 'Frame stride', type: 'float', default: 0.01, min: 0, help: 'The step between successive frames in seconds' },
  {
    key: 'fft_length',
    label: 'Frequency bands',
    type: 'int',
    default: 128,
    min: 2,
    max: 65536,
    help: 'Number of FFT points. Choose a power of two (e.g. 64, 128, 256) for optimal performance on device.',
  },
  {
    key: 'noise_floor_db',
    label: 'Noise floor (dB)',
    type: 'float',
    default: -52,
    help: 'Everything less loud than the noise floor will be dropped',
  },
  { key: 'show_axes', label: 'Show axes', type: 'boolean', default: true, help: 'Show frequency / time axes in the graphs' },
];

/** Validated spectrogram parameters with Edge Impulse's defaults filled in. */
export function parseSpectrogramParams(params: DspParams): SpectrogramParams {
  const p: SpectrogramParams = {
    frameLength: numberParam(params, 'frame_length', 0.02),
    frameStride: numberParam(params, 'frame_stride', 0.01),
    fftLength: intParam(params, 'fft_length', 128, 2, 1 << 20),
    noiseFloorDb: numberParam(params, 'noise_floor_db', -52),
    showAxes: booleanParam(params, 'show_axes', true),
  };
  if (p.frameLength <= 0) checkRange('frame_length', p.frameLength, Number.MIN_VALUE);
  if (p.frameStride <= 0) checkRange('frame_stride', p.frameStride, Number.MIN_VALUE);
  checkRange('noise_floor_db', p.noiseFloorDb, -Infinity, 11.999);
  return p;
}

function booleanParam(params: DspParams, key: string, fallback: boolean): boolean {
  const raw = params[key];
  if (raw === undefined) return fallback;
  if (typeof raw === 'boolean') return raw;
  if (typeof raw === 'number') return raw !== 0;
  return ['true', '1', 'yes'].includes(raw.trim().toLowerCase());
}

/** Edge Impulse needs at least 4 samples per frame and per stride. */
function checkMinimumFrame(p: SpectrogramParams, fs: number): void {
  if (p.frameLength < 4 / fs) {
    throw new KilnError('BAD_PARAMS', `Parameter "frame_length" (${p.frameLength} s) must cover at least 4 samples at ${fs} Hz`, {
      field: 'frame_length',
    });
  }
  if (p.frameStride < 4 / fs) {
    throw new KilnError('BAD_PARAMS', `Parameter "frame_stride" (${p.frameStride} s) must cover at least 4 samples at ${fs} Hz`, {
      field: 'frame_stride',
    });
  }
}

/** Spectrogram of one single-axis window; output frames × bins, frame-major. */
export function computeSpectrogram(signal: ArrayLike<number>, fs: number, p: SpectrogramParams): { features: Float32Array; frames: number; bins: number } {
  checkMinimumFrame(p, fs);
  const n = signal.length;
  if (n < 1) throw new KilnError('BAD_DATA', 'Spectrogram: the input window is empty');
  const layout = frameLayout(n, fs, p.frameLength, p.frameStride);
  checkFrameCount('Spectrogram', layout, n, fs);
  const frames = layout.frames;
  const bins = (p.fftLength >> 1) + 1;
  const plan = powerSpectrumPlan(p.fftLength);
  const power = scratch(bins, SLOT_FRAME_POWER);
  const features = new Float32Array(frames * bins);
  const floor = p.noiseFloorDb;
  const range = -floor + 12;
  // (10·log10(x) − floor) / range as a·ln(x) + b
  const a = 10 / Math.LN10 / range;
  const b = -floor / range;
  const { frameLength, frameStride } = layout;
  for (let f = 0; f < frames; f++) {
    plan.spectrum(signal, f * frameStride, frameLength, power, 0);
    const row = f * bins;
    logInPlace(power, bins, 1e-30);
    for (let k = 0; k < bins; k++) {
      const v = a * power[k]! + b;
      features[row + k] = v > 0 ? v : 0;
    }
  }
  return { features, frames, bins };
}

export const spectrogramBlock: DspBlock = {
  name: 'spectrogram',
  title: 'Spectrogram',
  description: 'Extracts a spectrogram from audio or sensor data, great for non-voice audio or data with continuous frequencies.',
  params: spectrogramParamSpecs,
  singleAxis: true,

  run(input: DspInput, params: DspParams): DspOutput {
    const p = parseSpectrogramParams(params);
    const fs = checkSingleAxisInput('Spectrogram', input);
    const { features, frames, bins } = computeSpectrogram(input.values, fs, p);
    return { features, shape: { type: 'spectrogram', width: frames, height: bins } };
  },

  outputShape(info: DspInputInfo, params: DspParams) {
    const p = parseSpectrogramParams(params);
    const frames = frameLayout(info.readings, info.frequencyHz, p.frameLength, p.frameStride).frames;
    const bins = (p.fftLength >> 1) + 1;
    return { length: frames * bins, shape: { type: 'spectrogram' as const, width: frames, height: bins } };
  },

  operations(info: DspInputInfo, params: DspParams): number {
    const p = parseSpectrogramParams(params);
    const frames = frameLayout(info.readings, info.frequencyHz, p.frameLength, p.frameStride).frames;
    const bins = (p.fftLength >> 1) + 1;
    const fft = 5 * p.fftLength * Math.max(1, Math.log2(p.fftLength));
    return Math.round(frames * (p.frameLength * info.frequencyHz + fft + 8 * bins));
  },
};
