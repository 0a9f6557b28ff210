/**
 * Features of one sample for some DSP blocks: every window through every block, output length
 * checked against the first window. Pure computation (runs in the feature workers, and on the
 * main thread for single previews); errors name the sample, the window and the block.
 */
import { getDspBlock } from '../../shared/dsp/index';
import { KilnError } from '../../shared/errors';
import { blockInput, SampleWindows } from '../../shared/impulse/windowing';
import { compileCustomBlock, type CompiledCustomBlock } from './customBlockSandbox';
import type { FeatureTask, FeatureTaskResult } from './featureTask';

const compiled = new Map<string, CompiledCustomBlock>();

function customRunner(code: string, title: string, timeoutMs: number): CompiledCustomBlock {
  const key = `${timeoutMs}\u0000${title}\u0000${code}`;
  let c = compiled.get(key);
  if (!c) {
    c = compileCustomBlock(code, title, timeoutMs);
    if (compiled.size > 20) compiled.clear();
    compiled.set(key, c);
  }
  return c;
}

function where(sample: string, window: number, windows: number, title: string, e: unknown): KilnError {
  const message = e instanceof Error ? e.message : String(e);
  const code = e instanceof KilnError ? e.code : 'INTERNAL';
  const details = { ...(e instanceof KilnError ? e.details : {}), sample, window };
  // sandbox errors already name the custom block
  const named = message.startsWith('Custom block ') ? message : `${title}: ${message}`;
  return new KilnError(code, `Sample "${sample}", window ${window + 1} of ${windows}, ${named}`, details);
}

export function computeFeatures(task: FeatureTask): FeatureTaskResult {
  const s = task.sample;
  const windows = new SampleWindows(task.input, { name: s.name, axes: s.axes, intervalMs: s.intervalMs, values: s.values, width: s.width, height: s.height });
  const count = Math.min(windows.count, task.maxWindows ?? Infinity);
  const out: FeatureTaskResult['blocks'] = [];
  for (const b of task.blocks) {
    const run = b.code !== undefined ? customRunner(b.code, b.title, task.customTimeoutMs) : null;
    const builtin = run ? null : getDspBlock(b.block);
    let features = new Float32Array(0);
    let length = -1;
    let labels: string[] | undefined;
    for (let w = 0; w < count; w++) {
      let f: Float32Array;
      try {
        const input = blockInput(task.input, b, windows.window(w));
        if (run) f = run.run(input, b.params);
        else {
          const r = builtin!.run(input, b.params);
          f = r.features;
          if (w === 0) labels = r.labels;
        }
      } catch (e) {
        throw where(s.name, w, count, b.title, e);
      }
      if (w === 0) {
        length = f.length;
        features = new Float32Array(length * count);
      } else if (f.length !== length) {
        throw where(
          s.name,
          w,
          count,
          b.title,
          new KilnError('BAD_DATA', `gave ${f.length} features, but ${length} for the first window; a block must give the same number for every window`),
        );
      }
      features.set(f, w * length);
    }
    out.push({ key: b.key, length: Math.max(0, length), features, ...(labels ? { labels } : {}) });
  }
  return { sampleId: s.id, windows: count, blocks: out };
}
