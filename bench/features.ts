/**
 * Feature generation speed: windows per second per block on the calling thread vs the worker
 * pool (one worker per core), and the time to generate features for a 1-hour 3-axis 62.5 Hz
 * dataset through the real `features.generate` job (SQLite project, cache), cold and cached.
 * Prints one JSON object. Run: npx tsx bench/features.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServices } from '../src/main/app/services';
import { computeFeatures } from '../src/main/pipeline/featureCompute';
import { featureWorkerUrl } from '../src/main/pipeline/featureGenerator';
import type { FeatureTask, FeatureTaskResult } from '../src/main/pipeline/featureTask';
import { defaultPoolSize, WorkerPool } from '../src/main/pipeline/workerPool';
import type { FeaturesGenerateResult, ImpulseState } from '../src/shared/api/impulse';
import { getDspBlock, paramsWithDefaults } from '../src/shared/dsp/index';
import type { InputBlock } from '../src/shared/impulse/impulse';
import { SampleRepository } from '../src/main/store/sampleRepository';

function noise(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    return s / 4294967296 - 0.5;
  };
}

interface Case {
  name: string;
  block: string;
  input: InputBlock;
  /** samples of the case and their values */
  samples: { axes: string[]; intervalMs: number; values: Float32Array; width: number | null; height: number | null }[];
}

function motionSamples(count: number, seconds: number): Case['samples'] {
  const r = noise(1);
  return Array.from({ length: count }, (_, i) => {
    const readings = Math.round(seconds * 62.5);
    const values = new Float32Array(readings * 3);
    for (let k = 0; k < readings; k++) {
      const t = k / 62.5;
      values[k * 3] = 3 * Math.sin(2 * Math.PI * (1 + i * 0.1) * t) + r();
      values[k * 3 + 1] = Math.sin(2 * Math.PI * 7 * t) + 0.5 * r();
      values[k * 3 + 2] = 9.81 + 0.3 * r();
    }
    return { axes: ['accX', 'accY', 'accZ'], intervalMs: 16, values, width: null, height: null };
  });
}

function audioSamples(count: number, seconds: number): Case['samples'] {
  const r = noise(2);
  return Array.from({ length: count }, (_, i) => {
    const values = new Float32Array(seconds * 16000);
    for (let k = 0; k < values.length; k++) values[k] = Math.round(8000 * Math.sin((2 * Math.PI * (300 + 50 * i) * k) / 16000) + 2000 * r());
    return { axes: ['audio'], intervalMs: 1000 / 16000, values, width: null, height: null };
  });
}

function imageSamples(count: number): Case['samples'] {
  const r = noise(3);
  return Array.from({ length: count }, () => {
    const values = new Float32Array(96 * 96);
    for (let k = 0; k < values.length; k++) values[k] = Math.floor((r() + 0.5) * 0xffffff);
    return { axes: ['image'], intervalMs: 0, values, width: 96, height: 96 };
  });
}

const audioInput: InputBlock = { type: 'time-series', windowSizeMs: 1000, windowIncreaseMs: 250, frequencyHz: 16000, zeroPad: true, axes: ['audio'] };
const cases: Case[] = [
  {
    name: 'spectral_analysis 2 s 3-axis 62.5 Hz',
    block: 'spectral_analysis',
    input: { type: 'time-series', windowSizeMs: 2000, windowIncreaseMs: 80, frequencyHz: 62.5, zeroPad: true, axes: ['accX', 'accY', 'accZ'] },
    samples: motionSamples(8, 60),
  },
  { name: 'mfcc 1 s 16 kHz', block: 'mfcc', input: audioInput, samples: audioSamples(8, 5) },
  { name: 'mfe 1 s 16 kHz', block: 'mfe', input: audioInput, samples: audioSamples(8, 5) },
  { name: 'spectrogram 1 s 16 kHz', block: 'spectrogram', input: audioInput, samples: audioSamples(8, 5) },
  { name: 'image 96x96 RGB', block: 'image', input: { type: 'image', width: 96, height: 96, resizeMode: 'squash' }, samples: imageSamples(400) },
];

function task(c: Case, i: number): FeatureTask {
  const s = c.samples[i]!;
  const block = getDspBlock(c.block);
  const axes = c.input.type === 'image' ? [] : c.input.axes;
  return {
    sample: { id: i, name: `s${i}`, ...s, values: s.values.slice() },
    input: c.input,
    blocks: [{ key: 'k', id: 'b', block: c.block, title: block.title, axes, params: paramsWithDefaults(block.params) }],
    customTimeoutMs: 1000,
  };
}

async function benchCase(c: Case, workers: number): Promise<Record<string, unknown>> {
  // single thread (after one warm-up sample); best of 3 runs, as the machine is shared
  computeFeatures(task(c, 0));
  let windows = 0;
  let singleS = Infinity;
  for (let round = 0; round < 3; round++) {
    windows = 0;
    const t = performance.now();
    for (let i = 0; i < c.samples.length; i++) windows += computeFeatures(task(c, i)).windows;
    singleS = Math.min(singleS, (performance.now() - t) / 1000);
  }
  // worker pools of 1 and N workers (started and warmed before timing): 1 shows the messaging
  // overhead, N the scaling
  const pools: Record<string, unknown>[] = [];
  let poolNs = Infinity;
  for (const size of [...new Set([1, workers])]) {
    const pool = new WorkerPool<FeatureTask, FeatureTaskResult>(featureWorkerUrl, { size });
    try {
      await Promise.all(Array.from({ length: size }, () => pool.run(task(c, 0))));
      let poolS = Infinity;
      for (let round = 0; round < 3; round++) {
        const tasks = c.samples.map((_, i) => task(c, i));
        const t = performance.now();
        await Promise.all(tasks.map((x) => pool.run(x, [x.sample.values.buffer as ArrayBuffer])));
        poolS = Math.min(poolS, (performance.now() - t) / 1000);
      }
      poolNs = poolS;
      pools.push({ workers: size, windowsPerSecond: Math.round(windows / poolS), msPerWindow: +((poolS * 1000) / windows).toFixed(4) });
    } finally {
      await pool.close();
    }
  }
  return {
    case: c.name,
    windows,
    singleThread: { windowsPerSecond: Math.round(windows / singleS), msPerWindow: +((singleS * 1000) / windows).toFixed(4) },
    pools,
    speedup: +(singleS / poolNs).toFixed(2),
  };
}

async function oneHourDataset(): Promise<Record<string, unknown>> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-features-'));
  const services = createServices({ home, host: 'cli' });
  try {
    services.home.create('hour');
    const db = services.home.get('hour').db;
    // 360 samples × 10 s = 1 hour of 3-axis data at 62.5 Hz
    const samples = motionSamples(360, 10);
    new SampleRepository(db).insertMany(
      samples.map((s, i) => ({
        label: i % 2 ? 'wave' : 'idle',
        category: 'train' as const,
        sensors: s.axes.map((name) => ({ name, units: 'm/s2' })),
        intervalMs: 16,
        values: s.values,
        source: 'bench',
      })),
    );
    const state = services.pipeline.getImpulse('hour') as ImpulseState;
    services.pipeline.setImpulse('hour', state.impulse);
    const generate = async () => {
      const t = performance.now();
      const { jobId } = services.pipeline.generate('hour');
      const job = await services.jobs.wait(jobId);
      if (job.state !== 'succeeded') throw new Error(job.error?.message ?? job.state);
      return { seconds: +((performance.now() - t) / 1000).toFixed(2), result: job.result as FeaturesGenerateResult };
    };
    const cold = await generate();
    const cached = await generate();
    return {
      dataset: '1 h, 360 samples × 10 s, 3 axes, 62.5 Hz',
      impulse: `${state.impulse.input.type === 'time-series' ? `${state.impulse.input.windowSizeMs} ms window, ${state.impulse.input.windowIncreaseMs} ms increase` : ''} → ${state.impulse.dsp.map((d) => d.block).join(', ')}`,
      windows: cold.result.computedWindows,
      coldSeconds: cold.seconds,
      coldWindowsPerSecond: Math.round(cold.result.computedWindows / cold.seconds),
      cachedSeconds: cached.seconds,
      cachedComputedWindows: cached.result.computedWindows,
      workers: cold.result.workers,
    };
  } finally {
    services.dispose();
    rmSync(home, { recursive: true, force: true });
  }
}

const workers = defaultPoolSize();
const blocks: Record<string, unknown>[] = [];
for (const c of cases) blocks.push(await benchCase(c, workers));
const dataset = await oneHourDataset();
process.stdout.write(
  JSON.stringify(
    {
      bench: 'features',
      node: process.version,
      cores: os.availableParallelism(),
      loadAverage: os.loadavg().map((l) => +l.toFixed(2)),
      note: 'best of 3 runs; pool times include moving samples to the workers and features back',
      blocks,
      oneHourDataset: dataset,
    },
    null,
    2,
  ) + '\n',
);
