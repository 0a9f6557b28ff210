/**
 * A sensible first impulse for a dataset, in the spirit of Edge Impulse's defaults:
 * motion (several axes, tens of Hz) → 2 s windows every 200 ms → spectral analysis → classifier;
 * audio (one axis, kHz) → 1 s windows every 250 ms → MFCC → classifier;
 * windows shrink to the median sample length when most samples are shorter (zero-padded);
 * images → image block → classifier; slow sensors (< 5 Hz) → flatten → classifier.
 */
import { getDspBlock, paramsWithDefaults } from '../dsp/index.js';
import { learningTitles, type DatasetFacts, type DspBlockConfig, type Impulse, type InputBlock } from './impulse.js';

/** Which default the facts led to (shown to the user next to the suggestion). */
export type DefaultKind = 'motion' | 'audio' | 'image' | 'slow-sensor' | 'empty';

function dspBlock(id: string, name: string, axes: string[]): DspBlockConfig {
  const block = getDspBlock(name);
  return { id, block: name, title: block.title, axes, params: paramsWithDefaults(block.params) };
}

/**
 * The window suggested from the sample lengths: the preferred length, or the median sample
 * length (10 ms steps, at least 10 ms) when half the samples are shorter than that; the
 * shorter samples are zero-padded. Without a median, the shortest sample.
 */
export function fitWindow(preferredMs: number, facts: DatasetFacts): number {
  const typical = facts.medianDurationMs ?? facts.shortest?.durationMs;
  if (typical === undefined || typical === null || typical >= preferredMs) return preferredMs;
  return Math.max(10, Math.floor(typical / 10) * 10);
}

/**
 * FFT length for MFCC/MFE at a sampling rate: the default (256 at 16 kHz) scaled up to the next
 * power of two, so each FFT bin stays as narrow and every mel filter covers one (44.1 kHz → 1024).
 */
export function audioFftLength(frequencyHz: number, defaultLength: number): number {
  let n = defaultLength;
  while ((n * 16000) / frequencyHz < defaultLength) n *= 2;
  return n;
}

/** Audio windows start every this many ms: four windows per second of speech or sound. */
export const AUDIO_WINDOW_INCREASE_MS = 250;

/** True for a single-axis kHz signal or one with audio units ('wav'). */
export function looksLikeAudio(facts: DatasetFacts): boolean {
  const hz = facts.frequenciesHz[0] ?? 0;
  const axis = facts.axes[0] ?? '';
  return facts.axes.length === 1 && (hz >= 4000 || facts.units[axis] === 'wav' || /audio|mic/i.test(axis));
}

/** Classifies the dataset for the default impulse. */
export function defaultKindFor(facts: DatasetFacts): DefaultKind {
  if (facts.samples === 0) return 'empty';
  if (facts.images > 0 && facts.images >= facts.timeSeries) return 'image';
  if (looksLikeAudio(facts)) return 'audio';
  if ((facts.frequenciesHz[0] ?? 0) < 5) return 'slow-sensor';
  return 'motion';
}

/** The suggested impulse for a dataset (a 3-axis accelerometer impulse for an empty one). */
export function defaultImpulseFor(facts: DatasetFacts): { impulse: Impulse; kind: DefaultKind } {
  const kind = defaultKindFor(facts);
  let input: InputBlock;
  let dsp: DspBlockConfig;
  switch (kind) {
    case 'image': {
      const size = facts.imageSizes[0] ?? { width: 96, height: 96 };
      const small = size.width <= 96 && size.height <= 96;
      input = { type: 'image', width: small ? size.width : 96, height: small ? size.height : 96, resizeMode: 'fit-short' };
      dsp = dspBlock('image', 'image', []);
      break;
    }
    case 'audio': {
      const windowMs = fitWindow(1000, facts);
      input = {
        type: 'time-series',
        windowSizeMs: windowMs,
        windowIncreaseMs: Math.min(AUDIO_WINDOW_INCREASE_MS, windowMs),
        frequencyHz: facts.frequenciesHz[0]!,
        zeroPad: true,
        axes: [facts.axes[0]!],
      };
      dsp = dspBlock('mfcc', 'mfcc', [facts.axes[0]!]);
      dsp.params = { ...dsp.params, fft_length: audioFftLength(facts.frequenciesHz[0]!, Number(dsp.params.fft_length)) };
      break;
    }
    case 'slow-sensor': {
      const windowMs = fitWindow(Math.max(10_000, 10_000 / facts.frequenciesHz[0]!), facts);
      input = {
        type: 'time-series',
        windowSizeMs: windowMs,
        windowIncreaseMs: Math.max(10, Math.round(windowMs / 4)),
        frequencyHz: facts.frequenciesHz[0]!,
        zeroPad: true,
        axes: [...facts.axes],
      };
      dsp = dspBlock('flatten', 'flatten', [...facts.axes]);
      break;
    }
    case 'motion':
    case 'empty': {
      const axes = kind === 'empty' ? ['accX', 'accY', 'accZ'] : [...facts.axes];
      const windowMs = fitWindow(2000, facts);
      input = {
        type: 'time-series',
        windowSizeMs: windowMs,
        windowIncreaseMs: Math.min(200, windowMs),
        frequencyHz: facts.frequenciesHz[0] ?? 62.5,
        zeroPad: true,
        axes,
      };
      dsp = dspBlock('spectral-analysis', 'spectral_analysis', axes);
      break;
    }
  }
  return {
    impulse: { input, dsp: [dsp], learning: [{ id: 'classifier', type: 'classification', title: learningTitles.classification, inputs: [dsp.id] }] },
    kind,
  };
}
