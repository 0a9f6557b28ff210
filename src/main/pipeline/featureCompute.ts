/**
 * Features of one sample for some DSP blocks: every window through every block, output length
 * checked against the first window. Built-in blocks are pure computation (feature workers, and
 * the main thread for single previews); custom blocks go to a sandbox process through a
 * CustomBlockRunner, in batches of windows. Errors name the sample, the window and the block.
 */
import type { DspInput } from '../../shared/dsp/block';
import { getDspBlock } from '../../shared/dsp/index';
import { KilnError } from '../../shared/errors';
import { blockInput, SampleWindows } from '../../shared/impulse/windowing';
import type { CustomBlockRunner } from './customBlockRunner';
import type { FeatureTask, FeatureTaskBlock, FeatureTaskResult } from './featureTask';

/** windows sent to a sandbox in one message: bounds the memory of one request */
const WINDOWS_PER_BATCH = 256;

function where(sample: string, window: number, windows: number, title: string, e: unknown): KilnError {
  const message = e instanceof Error ? e.message : String(e);
  const code = e instanceof KilnError ? e.code : 'INTERNAL';
  const details = { ...(e instanceof KilnError ? e.details : {}), sample, window };
  // sandbox errors already name the custom block
  const named = message.startsWith('Custom block ') ? message : `${title}: ${message}`;
  return new KilnError(code, `Sample "${sample}", window ${window + 1} of ${windows}, ${named}`, details);
}

type Out = FeatureTaskResult['blocks'][number];

class BlockOutput {
  private features = new Float32Array(0);
  private length = -1;
  constructor(
    private readonly sample: string,
    private readonly count: number,
    private readonly block: FeatureTaskBlock,
  ) {}

  add(w: number, f: Float32Array): void {
    if (w === 0) {
      this.length = f.length;
      this.features = new Float32Array(this.length * this.count);
    } else if (f.length !== this.length) {
      throw where(
        this.sample,
        w,
        this.count,
        this.block.title,
        new KilnError('BAD_DATA', `gave ${f.length} features, but ${this.length} for the first window; a block must give the same number for every window`),
      );
    }
    this.features.set(f, w * this.length);
  }

  result(labels?: string[]): Out {
    return { key: this.block.key, length: Math.max(0, this.length), features: this.features, ...(labels ? { labels } : {}) };
  }
}

function windowsOf(task: FeatureTask): { windows: SampleWindows; count: number } {
  const s = task.sample;
  const windows = new SampleWindows(task.input, { name: s.name, axes: s.axes, intervalMs: s.intervalMs, values: s.values, width: s.width, height: s.height });
  return { windows, count: Math.min(windows.count, task.maxWindows ?? Infinity) };
}

function builtinBlock(task: FeatureTask, b: FeatureTaskBlock, windows: SampleWindows, count: number): Out {
  const block = getDspBlock(b.block);
  const out = new BlockOutput(task.sample.name, count, b);
  let labels: string[] | undefined;
  for (let w = 0; w < count; w++) {
    let f: Float32Array;
    try {
      const r = block.run(blockInput(task.input, b, windows.window(w)), b.params);
      f = r.features;
      if (w === 0) labels = r.labels;
    } catch (e) {
      throw where(task.sample.name, w, count, b.title, e);
    }
    out.add(w, f);
  }
  return out.result(labels);
}

async function customBlock(task: FeatureTask, b: FeatureTaskBlock, windows: SampleWindows, count: number, runner: CustomBlockRunner): Promise<Out> {
  const out = new BlockOutput(task.sample.name, count, b);
  for (let start = 0; start < count; start += WINDOWS_PER_BATCH) {
    const end = Math.min(count, start + WINDOWS_PER_BATCH);
    const inputs: DspInput[] = [];
    for (let w = start; w < end; w++) {
      try {
        inputs.push(blockInput(task.input, b, windows.window(w)));
      } catch (e) {
        throw where(task.sample.name, w, count, b.title, e);
      }
    }
    let features: Float32Array[];
    try {
      features = await runner.run(
        { code: b.code!, title: b.title },
        inputs.map((i) => i.values),
        inputs[0]!.axes,
        inputs[0]!.frequencyHz,
        b.params,
        task.customTimeoutMs,
      );
    } catch (e) {
      const at = e instanceof KilnError && typeof e.details?.window === 'number' ? e.details.window : 0;
      throw where(task.sample.name, start + at, count, b.title, e);
    }
    features.forEach((f, i) => out.add(start + i, f));
  }
  return out.result();
}

/** Built-in blocks only, synchronously (CLI previews, bench). */
export function computeFeatures(task: FeatureTask): FeatureTaskResult {
  if (task.blocks.some((b) => b.code !== undefined)) throw new KilnError('INTERNAL', 'Custom blocks run in a sandbox: use computeTaskFeatures');
  const { windows, count } = windowsOf(task);
  return { sampleId: task.sample.id, windows: count, blocks: task.blocks.map((b) => builtinBlock(task, b, windows, count)) };
}

/** Every block of a task; custom blocks through the runner's sandbox process. */
export async function computeTaskFeatures(task: FeatureTask, runner: CustomBlockRunner): Promise<FeatureTaskResult> {
  const { windows, count } = windowsOf(task);
  const blocks: Out[] = [];
  for (const b of task.blocks) blocks.push(b.code !== undefined ? await customBlock(task, b, windows, count, runner) : builtinBlock(task, b, windows, count));
  return { sampleId: task.sample.id, windows: count, blocks };
}
