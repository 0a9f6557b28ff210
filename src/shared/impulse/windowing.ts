/**
 * Windows of a sample as the impulse's input block sees them: time series are cut into
 * windows of `windowSizeMs` every `windowIncreaseMs` (samples shorter than one window are
 * zero-padded or refused), images are resized to the input size and give one window.
 * Every refusal names the sample and says what to change.
 */
import type { DspInput } from '../dsp/block.js';
import { KilnError } from '../errors.js';
import { resizeImage } from './imageResize.js';
import { readingsPerIncrease, readingsPerWindow, sameFrequency, type DspBlockConfig, type InputBlock, type TimeSeriesInput } from './impulse.js';

/** What windowing needs of a stored sample. */
export interface WindowSource {
  name: string;
  /** sensor names, in the order of the interleaved values */
  axes: readonly string[];
  /** ms between readings (0 for images) */
  intervalMs: number;
  /** interleaved readings, or packed 0xRRGGBB pixels */
  values: Float32Array;
  width?: number | null;
  height?: number | null;
}

export interface WindowPlan {
  /** windows the sample gives */
  count: number;
  /** readings per window (pixels for images) */
  readings: number;
  /** readings between window starts */
  increase: number;
  /** readings in the sample */
  sampleReadings: number;
  /** true when the sample is shorter than a window and gets zero-padded */
  padded: boolean;
}

function isImage(s: Pick<WindowSource, 'width' | 'height'>): boolean {
  return !!(s.width && s.height);
}

/** Window count for a time series of `sampleReadings` readings (0 when too short and not padded). */
export function timeSeriesWindowCount(input: TimeSeriesInput, sampleReadings: number): number {
  const w = readingsPerWindow(input);
  if (sampleReadings <= 0) return 0;
  if (sampleReadings < w) return input.zeroPad ? 1 : 0;
  return Math.floor((sampleReadings - w) / readingsPerIncrease(input)) + 1;
}

/** Checks a sample against the input block and plans its windows; KilnError naming the sample otherwise. */
export function planWindows(input: InputBlock, sample: Omit<WindowSource, 'values'> & { readings: number }): WindowPlan {
  if (input.type === 'image') {
    if (!isImage(sample)) throw new KilnError('BAD_DATA', `Sample "${sample.name}" is a time series, but the impulse reads images`, { sample: sample.name });
    return { count: 1, readings: input.width * input.height, increase: 1, sampleReadings: sample.readings, padded: false };
  }
  if (isImage(sample)) throw new KilnError('BAD_DATA', `Sample "${sample.name}" is an image, but the impulse reads time series`, { sample: sample.name });
  const missing = input.axes.filter((a) => !sample.axes.includes(a));
  if (missing.length) {
    throw new KilnError(
      'BAD_DATA',
      `Sample "${sample.name}" has no axis ${missing.map((a) => `"${a}"`).join(', ')} (it has ${sample.axes.join(', ') || 'no axes'}); the impulse reads ${input.axes.join(', ')}`,
      {
        sample: sample.name,
      },
    );
  }
  const hz = sample.intervalMs > 0 ? 1000 / sample.intervalMs : NaN;
  if (!(hz > 0) || !sameFrequency(hz, input.frequencyHz)) {
    throw new KilnError(
      'BAD_DATA',
      `Sample "${sample.name}" is sampled at ${Number.isFinite(hz) ? +hz.toFixed(3) : '?'} Hz; the impulse expects ${input.frequencyHz} Hz`,
      { sample: sample.name },
    );
  }
  const readings = readingsPerWindow(input);
  if (sample.readings < readings && !input.zeroPad) {
    const ms = sample.readings * sample.intervalMs;
    throw new KilnError(
      'SAMPLE_TOO_SHORT',
      `Sample "${sample.name}" is ${Math.round(ms)} ms; the impulse window is ${input.windowSizeMs} ms (turn on zero-padding or shorten the window)`,
      {
        sample: sample.name,
      },
    );
  }
  if (sample.readings === 0) throw new KilnError('BAD_DATA', `Sample "${sample.name}" holds no readings`, { sample: sample.name });
  return {
    count: timeSeriesWindowCount(input, sample.readings),
    readings,
    increase: readingsPerIncrease(input),
    sampleReadings: sample.readings,
    padded: sample.readings < readings,
  };
}

/** Refuses NaN / infinite readings, naming the sample, reading and axis. */
export function checkFinite(sample: Pick<WindowSource, 'name' | 'axes' | 'values' | 'width' | 'height'>): void {
  const v = sample.values;
  const n = isImage(sample) ? 1 : Math.max(1, sample.axes.length);
  for (let i = 0; i < v.length; i++) {
    if (!Number.isFinite(v[i]!)) {
      const where = isImage(sample) ? `pixel ${i}` : `reading ${Math.floor(i / n)}, axis "${sample.axes[i % n]}"`;
      throw new KilnError('BAD_DATA', `Sample "${sample.name}": ${where} is ${v[i]}; fix or remove the sample`, { sample: sample.name, index: i });
    }
  }
}

/**
 * The windows of one sample: `count` windows, each the interleaved values of the input axes (in
 * the input block's order) or the resized image, ready for `blockInput`.
 */
export class SampleWindows {
  readonly plan: WindowPlan;
  /** the sample's values reduced to the input axes, in input order (resized pixels for images) */
  private readonly data: Float32Array;
  private readonly axes: number;

  constructor(
    readonly input: InputBlock,
    sample: WindowSource,
  ) {
    const image = isImage(sample);
    const readings = image ? sample.values.length : sample.values.length / Math.max(1, sample.axes.length);
    this.plan = planWindows(input, { ...sample, readings });
    checkFinite(sample);
    if (input.type === 'image') {
      this.axes = 1;
      this.data = resizeImage(sample.values, sample.width!, sample.height!, input.width, input.height, input.resizeMode);
    } else {
      this.axes = input.axes.length;
      const src = sample.axes.length;
      const index = input.axes.map((a) => sample.axes.indexOf(a));
      const identity = src === this.axes && index.every((j, i) => j === i);
      if (identity) this.data = sample.values;
      else {
        this.data = new Float32Array(readings * this.axes);
        for (let r = 0; r < readings; r++) for (let a = 0; a < this.axes; a++) this.data[r * this.axes + a] = sample.values[r * src + index[a]!]!;
      }
    }
  }

  get count(): number {
    return this.plan.count;
  }

  /** Window i: interleaved values of the input axes (zero-padded when the sample is short). */
  window(i: number): Float32Array {
    if (!(i >= 0 && i < this.plan.count)) throw new RangeError(`window ${i} of ${this.plan.count}`);
    if (this.input.type === 'image') return this.data;
    const len = this.plan.readings * this.axes;
    const start = i * this.plan.increase * this.axes;
    if (start + len <= this.data.length) return this.data.subarray(start, start + len);
    const padded = new Float32Array(len);
    padded.set(this.data.subarray(start));
    return padded;
  }
}

/** The input one DSP block sees for one window: its own axes (images: the frame). */
export function blockInput(input: InputBlock, dsp: Pick<DspBlockConfig, 'axes'>, window: Float32Array): DspInput {
  if (input.type === 'image') return { axes: ['image'], frequencyHz: 0, values: window, width: input.width, height: input.height };
  const all = input.axes.length;
  const index = dsp.axes.map((a) => input.axes.indexOf(a));
  if (index.some((j) => j < 0)) throw new KilnError('BAD_DATA', `Block reads axes ${dsp.axes.join(', ')} but the input gives ${input.axes.join(', ')}`);
  if (index.length === all && index.every((j, i) => j === i)) return { axes: dsp.axes, frequencyHz: input.frequencyHz, values: window };
  const readings = window.length / all;
  const n = index.length;
  const values = new Float32Array(readings * n);
  for (let r = 0; r < readings; r++) for (let a = 0; a < n; a++) values[r * n + a] = window[r * all + index[a]!]!;
  return { axes: dsp.axes, frequencyHz: input.frequencyHz, values };
}
