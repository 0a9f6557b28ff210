/**
 * The `features.generate` job: every window of every sample through the impulse's DSP blocks,
 * on a pool of worker threads, skipping (sample, block config) pairs already in the cache.
 * Built-in blocks and custom blocks run in separate pools; the custom pool's threads hand the
 * user's code to a sandbox process each (customBlockProcess.ts: memory-limited, 1 s per window).
 * Cancelling stops the workers; what was computed so far stays cached.
 */
import type { FeaturesGenerateResult } from '../../shared/api/impulse';
import { KilnError } from '../../shared/errors';
import type { Impulse } from '../../shared/impulse/impulse';
import { planWindows } from '../../shared/impulse/windowing';
import type { JobContext } from '../jobs/jobRunner';
import type { Db } from '../store/projectDatabase';
import { SampleRepository } from '../store/sampleRepository';
import { liveSamples, type SampleMeta } from './datasetFacts';
import { cachedSampleHashes, pruneFeatures, putFeatures, registerConfig } from './featureCache';
import type { FeatureTask, FeatureTaskBlock, FeatureTaskResult } from './featureTask';
import type { ResolvedBlock } from './resolvedImpulse';
import { defaultPoolSize, WorkerPool } from './workerPool';
import { CUSTOM_MEMORY_MB, CUSTOM_WINDOW_TIMEOUT_MS } from './customBlockProcess';

/**
 * The feature worker's entry: the TypeScript source in dev/tests/CLI; in the bundled Electron app
 * (dist/electron/main.cjs) a `featureWorker.cjs` bundled next to it from src/main/pipeline/featureWorker.ts.
 */
export const featureWorkerUrl = new URL(import.meta.url.endsWith('.ts') ? './featureWorker.ts' : './featureWorker.cjs', import.meta.url);

export { CUSTOM_MEMORY_MB, CUSTOM_WINDOW_TIMEOUT_MS } from './customBlockProcess';

export interface GenerateOptions {
  /** workers per pool (default: one per core) */
  workers?: number;
}

interface Job {
  sample: SampleMeta;
  windows: number;
  builtin: FeatureTaskBlock[];
  custom: FeatureTaskBlock[];
}

/** Plans every sample's windows; refuses (naming up to five samples) when some cannot be read. */
export function planSamples(impulse: Impulse, samples: SampleMeta[]): { sample: SampleMeta; windows: number }[] {
  const failures: string[] = [];
  const planned: { sample: SampleMeta; windows: number }[] = [];
  for (const s of samples) {
    try {
      planned.push({
        sample: s,
        windows: planWindows(impulse.input, { name: s.name, axes: s.axes, intervalMs: s.intervalMs, readings: s.readings, width: s.width, height: s.height })
          .count,
      });
    } catch (e) {
      failures.push(e instanceof Error ? e.message : String(e));
    }
  }
  if (failures.length) {
    const more = failures.length > 5 ? ` (and ${failures.length - 5} more)` : '';
    throw new KilnError(
      'BAD_DATA',
      `${failures.length} sample${failures.length === 1 ? '' : 's'} cannot go through the impulse: ${failures.slice(0, 5).join('; ')}${more}`,
    );
  }
  return planned;
}

export async function generateFeatures(
  db: Db,
  impulse: Impulse,
  blocks: ResolvedBlock[],
  ctx: JobContext,
  options: GenerateOptions = {},
): Promise<FeaturesGenerateResult> {
  const started = performance.now();
  ctx.progress(0, 'Planning windows…');
  const planned = planSamples(impulse, liveSamples(db));
  for (const b of blocks) registerConfig(db, b.task.key, b.config, { block: b.task.block, params: b.task.params, axes: b.task.axes, input: impulse.input });
  const cached = new Map(blocks.map((b) => [b.task.key, cachedSampleHashes(db, b.task.key)]));

  const jobs: Job[] = [];
  let cachedWindows = 0;
  let totalWindows = 0;
  for (const { sample, windows } of planned) {
    const todo = blocks.filter((b) => !cached.get(b.task.key)!.has(sample.hash)).map((b) => b.task);
    cachedWindows += windows * (blocks.length - todo.length);
    if (todo.length === 0) continue;
    totalWindows += windows * todo.length;
    jobs.push({ sample, windows, builtin: todo.filter((t) => t.code === undefined), custom: todo.filter((t) => t.code !== undefined) });
  }
  ctx.log(`${planned.length} samples, ${jobs.length} to compute (${totalWindows} block windows), ${cachedWindows} block windows from the cache`);

  const size = Math.max(1, Math.min(options.workers ?? defaultPoolSize(), jobs.length));
  const pools: WorkerPool<FeatureTask, FeatureTaskResult>[] = [];
  const builtinPool = new WorkerPool<FeatureTask, FeatureTaskResult>(featureWorkerUrl, { size, name: 'Feature generation' });
  pools.push(builtinPool);
  const hasCustom = jobs.some((j) => j.custom.length > 0);
  const customPool = hasCustom
    ? new WorkerPool<FeatureTask, FeatureTaskResult>(featureWorkerUrl, {
        size,
        name: 'The custom block',
        resourceLimits: { maxOldGenerationSizeMb: CUSTOM_MEMORY_MB, maxYoungGenerationSizeMb: 32 },
      })
    : null;
  if (customPool) pools.push(customPool);
  const stop = () => void Promise.all(pools.map((p) => p.close('Feature generation was cancelled')));
  ctx.signal.addEventListener('abort', stop);

  const samples = new SampleRepository(db);
  let doneWindows = 0;
  let computedSamples = 0;
  let lastProgress = 0;
  const save = db.transaction((sample: SampleMeta, result: FeatureTaskResult) => {
    for (const b of result.blocks) putFeatures(db, sample.hash, b.key, result.windows, b.features);
  });

  const runOne = async (job: Job): Promise<void> => {
    let values: Float32Array;
    try {
      values = samples.data(job.sample.id);
    } catch (e) {
      // deleted while the job ran: nothing to compute
      if (e instanceof KilnError && e.code === 'NOT_FOUND') {
        ctx.log(`Skipped sample "${job.sample.name}": it was deleted during feature generation`, 'warn');
        totalWindows -= job.windows * (job.builtin.length + job.custom.length);
        return;
      }
      throw e;
    }
    const base = {
      id: job.sample.id,
      name: job.sample.name,
      axes: job.sample.axes,
      intervalMs: job.sample.intervalMs,
      width: job.sample.width,
      height: job.sample.height,
    };
    const parts: Promise<FeatureTaskResult>[] = [];
    if (job.builtin.length) {
      const copy = job.custom.length ? values.slice() : values;
      parts.push(
        builtinPool.run(
          { sample: { ...base, values: copy }, input: impulse.input, blocks: job.builtin, customTimeoutMs: CUSTOM_WINDOW_TIMEOUT_MS },
          [copy.buffer as ArrayBuffer],
          60_000 + job.windows * 200 * job.builtin.length,
        ),
      );
    }
    if (job.custom.length) {
      parts.push(
        customPool!.run(
          { sample: { ...base, values }, input: impulse.input, blocks: job.custom, customTimeoutMs: CUSTOM_WINDOW_TIMEOUT_MS },
          [values.buffer as ArrayBuffer],
          10_000 + job.windows * job.custom.length * CUSTOM_WINDOW_TIMEOUT_MS,
        ),
      );
    }
    const results = await Promise.all(parts);
    ctx.throwIfCancelled();
    for (const r of results) save(job.sample, r);
    computedSamples++;
    doneWindows += job.windows * (job.builtin.length + job.custom.length);
    // at most ~10 updates a second: a dataset of thousands of short samples must not flood the UI
    const now = performance.now();
    if (now - lastProgress >= 100 || computedSamples === jobs.length) {
      lastProgress = now;
      ctx.progress(totalWindows ? doneWindows / totalWindows : 1, `Generating features… ${doneWindows} / ${totalWindows} windows`);
    }
  };

  try {
    // a few samples in flight per worker: enough to keep them busy without reading the whole dataset at once
    let next = 0;
    let failure: unknown = null;
    const lanes = Array.from({ length: Math.min(jobs.length, size * 2) }, async () => {
      while (next < jobs.length && failure === null) {
        const job = jobs[next++]!;
        try {
          await runOne(job);
        } catch (e) {
          failure ??= e;
        }
      }
    });
    await Promise.all(lanes);
    if (ctx.signal.aborted) throw new KilnError('CANCELLED', 'Feature generation was cancelled');
    if (failure) throw failure;
  } finally {
    ctx.signal.removeEventListener('abort', stop);
    await Promise.all(pools.map((p) => p.close()));
  }
  const pruned = pruneFeatures(
    db,
    blocks.map((b) => b.task.key),
  );
  if (pruned) ctx.log(`Removed ${pruned} cached feature sets no block uses any more`);
  const seconds = (performance.now() - started) / 1000;
  ctx.log(`Computed ${doneWindows} block windows for ${computedSamples} samples in ${seconds.toFixed(1)} s on ${size} worker${size === 1 ? '' : 's'}`);
  return { samples: planned.length, computedWindows: doneWindows, cachedWindows, computedSamples, workers: jobs.length ? size : 0, seconds };
}
