/**
 * Kiln on the real recordings in ../shared/datasets: per dataset, the Edge Impulse export is
 * imported as it is, the suggested impulse and the default training settings are used
 * unchanged, and the figures printed as one JSON line per dataset: import, features and training
 * time, validation accuracy (float32 and int8), test accuracy per sample and per window; beside
 * them two 1-nearest-neighbour baselines on the raw windows of the same train/test split
 * (Euclidean, and dynamic time warping with a 10 % Sakoe-Chiba band).
 *
 * Run: npx tsx bench/realData.ts [dataset…] [--seed N] [--settings JSON] [--input JSON] (the last two
 * override the defaults, for experiments; the figures the issue asks for use neither)
 * Baselines use non-overlapping windows (reference: every training sample, train + validation),
 * each axis block-averaged to at most 256 readings so DTW stays affordable on 16 kHz audio; a
 * test sample's class is the majority of its windows' nearest neighbours.
 */
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type { ImportResult } from '../src/shared/api/samples.js';
import type { TestResult } from '../src/shared/api/training.js';
import type { Impulse, TimeSeriesInput } from '../src/shared/impulse/impulse.js';
import { SampleWindows } from '../src/shared/impulse/windowing.js';
import { testStudio } from '../src/main/dataset/testKit.js';
import { SampleRepository } from '../src/main/store/sampleRepository.js';

const datasetsDir = path.resolve(import.meta.dirname, '../../shared/datasets');
const args = process.argv.slice(2);
const seedAt = args.indexOf('--seed');
const seed = seedAt >= 0 ? Number(args[seedAt + 1]) : 1;
const settingsAt = args.indexOf('--settings');
/** settings over the defaults, for experiments: --settings '{"epochs": 200}' */
const overrides = settingsAt >= 0 ? (JSON.parse(args[settingsAt + 1]!) as Record<string, unknown>) : {};
const inputAt = args.indexOf('--input');
/** input block over the suggested one, for experiments: --input '{"windowIncreaseMs": 250}' */
const inputOverrides = inputAt >= 0 ? (JSON.parse(args[inputAt + 1]!) as Record<string, unknown>) : {};
const flagValues = new Set([seedAt, settingsAt, inputAt].filter((i) => i >= 0).map((i) => i + 1));
const wanted = args.filter((a, i) => !a.startsWith('--') && !flagValues.has(i));

const MAX_READINGS = 256;

/** Block-averages each axis of an interleaved window to at most MAX_READINGS readings. */
function shrink(window: Float32Array, axes: number): Float32Array {
  const readings = window.length / axes;
  const step = Math.max(1, Math.ceil(readings / MAX_READINGS));
  const n = Math.ceil(readings / step);
  const out = new Float32Array(n * axes);
  for (let i = 0; i < n; i++) {
    const from = i * step;
    const to = Math.min(readings, from + step);
    for (let a = 0; a < axes; a++) {
      let s = 0;
      for (let r = from; r < to; r++) s += window[r * axes + a]!;
      out[i * axes + a] = s / (to - from);
    }
  }
  return out;
}

function euclidean(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return s;
}

/** DTW over readings (squared Euclidean between readings of all axes), |i − j| ≤ band. */
function dtw(a: Float32Array, b: Float32Array, axes: number, band: number, prev: Float64Array, cur: Float64Array): number {
  const n = a.length / axes;
  const m = b.length / axes;
  const w = Math.max(band, Math.abs(n - m));
  prev.fill(Infinity);
  prev[0] = 0;
  for (let i = 1; i <= n; i++) {
    cur.fill(Infinity);
    const lo = Math.max(1, i - w);
    const hi = Math.min(m, i + w);
    for (let j = lo; j <= hi; j++) {
      let d = 0;
      for (let k = 0; k < axes; k++) d += (a[(i - 1) * axes + k]! - b[(j - 1) * axes + k]!) ** 2;
      cur[j] = d + Math.min(prev[j]!, prev[j - 1]!, cur[j - 1]!);
    }
    prev.set(cur);
  }
  return prev[m]!;
}

interface RawWindow {
  sample: number;
  label: string;
  values: Float32Array;
}

function rawWindows(repo: SampleRepository, input: TimeSeriesInput, category: 'train' | 'test'): RawWindow[] {
  const nonOverlapping: TimeSeriesInput = { ...input, windowIncreaseMs: input.windowSizeMs };
  const out: RawWindow[] = [];
  for (const s of repo.query({ category }).rows) {
    const w = new SampleWindows(nonOverlapping, { name: s.name, axes: s.sensors.map((x) => x.name), intervalMs: s.intervalMs, values: repo.data(s.id) });
    for (let i = 0; i < w.count; i++) out.push({ sample: s.id, label: s.label, values: shrink(w.window(i), input.axes.length) });
  }
  return out;
}

/** Sample accuracy of 1-NN (majority of window votes) over labelled test samples. */
function nearestNeighbour(train: RawWindow[], test: RawWindow[], distance: (a: Float32Array, b: Float32Array) => number): number {
  const ref = train.filter((w) => w.label !== '');
  const votes = new Map<number, { label: string; counts: Map<string, number> }>();
  for (const t of test) {
    if (t.label === '') continue;
    let best = Infinity;
    let label = '';
    for (const r of ref) {
      const d = distance(t.values, r.values);
      if (d < best) {
        best = d;
        label = r.label;
      }
    }
    const v = votes.get(t.sample) ?? { label: t.label, counts: new Map() };
    v.counts.set(label, (v.counts.get(label) ?? 0) + 1);
    votes.set(t.sample, v);
  }
  let correct = 0;
  for (const v of votes.values()) {
    const top = [...v.counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
    if (top === v.label) correct++;
  }
  return votes.size ? correct / votes.size : 0;
}

const round = (x: number | null | undefined, d = 4) => (x === null || x === undefined ? null : +x.toFixed(d));

async function bench(name: string): Promise<Record<string, unknown>> {
  const studio = testStudio();
  try {
    await studio.call('projects.create', { name });
    let t0 = performance.now();
    const imp = await studio.job('samples.import', { project: name, paths: [path.join(datasetsDir, name)], category: 'split' });
    const importSeconds = (performance.now() - t0) / 1000;
    const imported = imp.result as ImportResult;
    const state = await studio.call('impulse.get', { project: name });
    const suggested = state.impulse as Impulse;
    const impulse = { ...suggested, input: { ...suggested.input, ...inputOverrides } } as Impulse;
    await studio.call('impulse.set', { project: name, impulse });
    t0 = performance.now();
    const { jobId: fj } = await studio.call('features.generate', { project: name });
    const fjob = await studio.services.jobs.wait(fj);
    if (fjob.state !== 'succeeded') throw new Error(`features: ${fjob.error?.message}`);
    const featuresSeconds = (performance.now() - t0) / 1000;
    const info = await studio.call('training.info', { project: name });
    t0 = performance.now();
    const { jobId: tj } = await studio.call('model.train', { project: name, settings: { ...info.settings, seed, ...overrides } });
    const tjob = await studio.services.jobs.wait(tj);
    if (tjob.state !== 'succeeded') throw new Error(`train: ${tjob.error?.message}`);
    const trainSeconds = (performance.now() - t0) / 1000;
    const modelId = (tjob.result as { modelId: number }).modelId;
    const model = await studio.call('models.get', { project: name, id: modelId });
    const { jobId: xj } = await studio.call('model.test', { project: name, modelId });
    const xjob = await studio.services.jobs.wait(xj);
    if (xjob.state !== 'succeeded') throw new Error(`test: ${xjob.error?.message}`);
    const test = (await studio.call('model.lastTest', { project: name })) as TestResult;

    const repo = new SampleRepository(studio.services.home.get(name).db);
    const input = impulse.input as TimeSeriesInput;
    t0 = performance.now();
    const train = rawWindows(repo, input, 'train');
    const testW = rawWindows(repo, input, 'test');
    const euclid = nearestNeighbour(train, testW, euclidean);
    const len = train[0]!.values.length / input.axes.length;
    const band = Math.max(1, Math.round(len * 0.1));
    const prev = new Float64Array(len + 1);
    const cur = new Float64Array(len + 1);
    const dtwAcc = nearestNeighbour(train, testW, (a, b) => dtw(a, b, input.axes.length, band, prev, cur));
    const baselineSeconds = (performance.now() - t0) / 1000;
    const m = model.metrics;
    return {
      bench: 'realData',
      dataset: name,
      backend: model.backend,
      seed,
      samples: { imported: imported.imported, failed: imported.failed.length, train: imported.byCategory.train, test: imported.byCategory.test },
      impulse: {
        windowMs: input.windowSizeMs,
        increaseMs: input.windowIncreaseMs,
        dsp: impulse.dsp.map((d) => d.block),
        suggestion: state.suggestion,
      },
      settings: {
        learningRate: model.settings.learningRate,
        epochs: model.settings.epochs,
        earlyStopping: model.settings.earlyStopping,
        augmentation: model.settings.augmentation,
      },
      epochsRun: m.epochsRun,
      importSeconds: round(importSeconds, 2),
      featuresSeconds: round(featuresSeconds, 2),
      trainSeconds: round(trainSeconds, 2),
      validation: m.validation,
      validationAccuracy: {
        float32: round(m.float32?.accuracy),
        float32Top1: round(m.float32?.top1),
        int8: round(m.int8?.accuracy),
        int8Top1: round(m.int8?.top1),
      },
      testAccuracy: { perSample: round(test.sampleAccuracy), perWindow: round(test.windows.accuracy), perWindowTop1: round(test.windows.top1) },
      baselines: {
        window: `non-overlapping ${input.windowSizeMs} ms, ≤ ${MAX_READINGS} readings per axis`,
        euclidean1nn: round(euclid),
        dtw1nn: round(dtwAcc),
        dtwBandReadings: band,
        seconds: round(baselineSeconds, 2),
      },
      advice: m.advice ?? [],
    };
  } finally {
    studio.dispose();
  }
}

if (!existsSync(datasetsDir)) {
  console.log(JSON.stringify({ bench: 'realData', skipped: `${datasetsDir} is absent` }));
} else {
  const names = readdirSync(datasetsDir).filter((d) => existsSync(path.join(datasetsDir, d, 'SOURCE.md')) && (wanted.length === 0 || wanted.includes(d)));
  for (const name of names) console.log(JSON.stringify(await bench(name)));
}
