/** The block preview, computed in the browser with the same DSP code as feature generation. */
import type { DspOutput } from '../../../shared/dsp/block';
import { findDspBlock, validateParams } from '../../../shared/dsp/index';
import { blockInputInfo, type DspBlockConfig, type InputBlock } from '../../../shared/impulse/impulse';
import { blockInput, SampleWindows, type WindowSource } from '../../../shared/impulse/windowing';

/** A sample as `samples.get` gives it (not decimated). */
export interface PreviewSample {
  name: string;
  sensors: readonly { name: string }[];
  intervalMs: number;
  values: readonly number[] | Float32Array;
  width: number | null;
  height: number | null;
}

export interface BlockPreview {
  /** windows in the sample */
  windows: number;
  /** the window the preview shows */
  window: number;
  /** start of the window in ms (time series) */
  startMs: number;
  /** raw values of the block's axes in this window, one array per axis */
  raw: { axis: string; values: number[] }[];
  /** time of each raw reading from the window start, ms */
  rawTimesMs: number[];
  output: DspOutput;
  /** arithmetic operations per window (block.operations) */
  operations: number;
  /** time to run the block once here, ms */
  ms: number;
}

/** Cuts the sample into windows and runs the block on one window; throws a KilnError naming what is wrong. */
export function computePreview(input: InputBlock, dsp: DspBlockConfig, sample: PreviewSample, windowIndex: number): BlockPreview {
  const block = findDspBlock(dsp.block);
  if (!block) throw new Error(`The preview runs built-in blocks only; "${dsp.block}" is tested on its editor page`);
  const params = validateParams(block, dsp.params);
  const source: WindowSource = {
    name: sample.name,
    axes: sample.sensors.map((s) => s.name),
    intervalMs: sample.intervalMs,
    values: sample.values instanceof Float32Array ? sample.values : Float32Array.from(sample.values),
    width: sample.width,
    height: sample.height,
  };
  const windows = new SampleWindows(input, source);
  const w = Math.min(Math.max(0, Math.round(windowIndex)), windows.count - 1);
  const values = windows.window(w);
  const dspInput = blockInput(input, dsp, values);
  const t0 = performance.now();
  const output = block.run(dspInput, params);
  const ms = performance.now() - t0;
  const operations = block.operations(blockInputInfo(input, dsp), params);
  const raw: BlockPreview['raw'] = [];
  let rawTimesMs: number[] = [];
  let startMs = 0;
  if (input.type === 'time-series') {
    const n = dspInput.axes.length;
    const readings = dspInput.values.length / n;
    const step = 1000 / input.frequencyHz;
    startMs = w * windows.plan.increase * step;
    rawTimesMs = Array.from({ length: readings }, (_, i) => +(i * step).toFixed(3));
    dspInput.axes.forEach((axis, a) => {
      const col = new Array<number>(readings);
      for (let r = 0; r < readings; r++) col[r] = dspInput.values[r * n + a]!;
      raw.push({ axis, values: col });
    });
  }
  return { windows: windows.count, window: w, startMs, raw, rawTimesMs, output, operations, ms };
}

/** Spectrogram-shaped features as rows (height) × columns (frames) for a heat-map; features are frame-major. */
export function heatmapRows(features: Float32Array | readonly number[], frames: number, bins: number): number[][] {
  const rows: number[][] = [];
  for (let b = 0; b < bins; b++) {
    const row = new Array<number>(frames);
    for (let f = 0; f < frames; f++) row[f] = Number(features[f * bins + b] ?? NaN);
    rows.push(row);
  }
  return rows;
}

/** Packed 0xRRGGBB pixels (or 0…1 grey / RGB features) to rows of CSS colours for an image preview. */
export function imagePixels(features: Float32Array, width: number, height: number, channels: number): number[][][] {
  const rows: number[][][] = [];
  for (let y = 0; y < height; y++) {
    const row: number[][] = [];
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * channels;
      if (channels >= 3) row.push([features[i]! * 255, features[i + 1]! * 255, features[i + 2]! * 255]);
      else row.push([features[i]! * 255, features[i]! * 255, features[i]! * 255]);
    }
    rows.push(row);
  }
  return rows;
}

/** "1.2 M", "34.5 k" */
export function formatCount(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(1)} k`;
  return String(Math.round(n));
}
