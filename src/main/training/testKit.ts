/** Helpers for the training tests, bench and e2e setup (not used by production code). */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import { getDspBlock, paramsWithDefaults } from '../../shared/dsp/index.js';
import type { Impulse, LearningBlockConfig } from '../../shared/impulse/impulse.js';
import { saveImpulse as savePipelineImpulse } from '../pipeline/impulseStore.js';
import { SampleRepository } from '../store/sampleRepository.js';
import { int8FromJson, runInt8, type Int8Model } from '../../shared/model/int8.js';
import { parseModelSpec, type ModelSpec } from '../../shared/model/spec.js';
import type { ModelWeights } from '../../shared/model/weights.js';
import { buildFeatureSet, currentImpulse, learningBlock, type FeatureSet } from './featureSet.js';
import { decodeModel } from './modelBlob.js';
import { predict } from './trainer.js';

/** A motion impulse for the demo accelerometer data: 2 s windows every `increaseMs`, spectral analysis. */
export function motionImpulse(db: Database, increaseMs = 1000, learning: LearningBlockConfig['type'][] = ['classification']): Impulse {
  const first = new SampleRepository(db).query({ limit: 1 }).rows[0];
  const axes = first ? first.sensors.map((s) => s.name) : ['accX', 'accY', 'accZ'];
  const hz = first ? 1000 / first.intervalMs : 62.5;
  const block = getDspBlock('spectral_analysis');
  return {
    input: { type: 'time-series', windowSizeMs: 2000, windowIncreaseMs: increaseMs, frequencyHz: hz, zeroPad: true, axes },
    dsp: [{ id: 'spectral', block: 'spectral_analysis', title: 'Spectral features', axes, params: paramsWithDefaults(block.params) }],
    learning: learning.map((type, i) => ({ id: i === 0 ? 'classifier' : `${type}-${i}`, type, title: type, inputs: ['spectral'] })),
  };
}

/** Saves an impulse as the project's impulse (what the impulse page does), returns its hash. */
export function saveImpulse(db: Database, impulse: Impulse): string {
  return savePipelineImpulse(db, impulse).hash;
}

/**
 * A KILN_HOME with a motion demo project "gestures", its impulse saved and features generated
 * (the state the Training page starts from). For e2e tests and benches.
 */
export async function prepareTrainingHome(home: string, project = 'gestures', learning: LearningBlockConfig['type'][] = ['classification']): Promise<void> {
  const { createServices } = await import('../app/services.js');
  const { createDispatcher } = await import('../api/index.js');
  const services = createServices({ home, host: 'cli' });
  try {
    const d = createDispatcher(services);
    const created = await d.call('projects.create', { name: project, demo: 'motion' });
    if (!created.ok) throw new Error(created.error.message);
    const db = services.home.get(project).db;
    saveImpulse(db, motionImpulse(db, 500, learning));
    const r = await d.call('features.generate', { project });
    if (!r.ok) throw new Error(r.error.message);
    const job = await services.jobs.wait((r.result as { jobId: string }).jobId);
    if (job.state !== 'succeeded') throw new Error(`feature generation ${job.state}: ${job.error?.message}`);
  } finally {
    services.dispose();
  }
}

type Services = ReturnType<typeof import('../app/services.js').createServices>;
type Dispatcher = ReturnType<typeof import('../api/index.js').createDispatcher>;

/** Top-1 accuracy over windows whose label is a class (-1 labels are not scored). */
export function windowAccuracy(scores: Float32Array, labels: Int32Array, classes: number): { correct: number; rows: number } {
  let correct = 0;
  let rows = 0;
  for (let r = 0; r < labels.length; r++) {
    if (labels[r]! < 0) continue;
    let best = 0;
    for (let k = 1; k < classes; k++) if (scores[r * classes + k]! > scores[r * classes + best]!) best = k;
    rows++;
    if (best === labels[r]) correct++;
  }
  return { correct, rows };
}

export interface PrecisionComparison {
  impulse: string;
  spec: string;
  featuresMs: number;
  trainMs: number;
  validation: { float32: number | null; int8: number | null };
  /** test windows with a known label, and correct ones per engine */
  testWindows: number;
  float32Correct: number;
  int8Correct: number;
  int8Bytes: number;
  /** what the figures come from, for further experiments */
  parts: { spec: ModelSpec; weights: ModelWeights; int8: Int8Model; test: FeatureSet; train: FeatureSet; settings: Record<string, unknown> };
}

/**
 * A project as a new user makes it — a demo, or an Edge Impulse export folder (`training/`,
 * `testing/`) imported per folder — with the suggested impulse and the default training settings
 * (seed as given), trained through the services; then every test window classified by the float
 * model and by the int8 engine stored with it.
 */
export async function trainAndCompare(
  services: Services,
  api: Dispatcher,
  source: { demo: 'motion' | 'keywords' } | { folder: string },
  project: string,
  seed = 1,
): Promise<PrecisionComparison> {
  const call = async <T>(method: string, args: unknown): Promise<T> => {
    const r = await api.call(method, args);
    if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
    return r.result as T;
  };
  const job = async (method: string, args: unknown): Promise<number> => {
    const { jobId } = await call<{ jobId: string }>(method, args);
    const t0 = performance.now();
    const done = await services.jobs.wait(jobId);
    if (done.state !== 'succeeded') throw new Error(`${method}: ${done.state} ${done.error?.message ?? ''}`);
    return performance.now() - t0;
  };
  await call('projects.create', 'demo' in source ? { name: project, demo: source.demo } : { name: project });
  if ('folder' in source) {
    for (const [folder, category] of [
      ['training', 'train'],
      ['testing', 'test'],
    ] as const) {
      const dir = path.join(source.folder, folder);
      const paths = readdirSync(dir)
        .filter((f) => f.endsWith('.json') || f.endsWith('.cbor'))
        .map((f) => path.join(dir, f));
      await job('samples.import', { project, paths, category });
    }
    const state = await call<{ impulse: unknown }>('impulse.get', { project });
    await call('impulse.set', { project, impulse: state.impulse });
  }
  const featuresMs = await job('features.generate', { project });
  const info = await call<{ settings: Record<string, unknown> }>('training.info', { project });
  const trainMs = await job('model.train', { project, settings: { ...info.settings, seed } });
  const db = services.home.get(project).db;
  const { impulse } = currentImpulse(db);
  const block = learningBlock(impulse);
  const row = db.prepare('SELECT spec, weights, metrics FROM models WHERE learning_block = ? AND active = 1 ORDER BY id DESC LIMIT 1').get(block.id) as {
    spec: string;
    weights: Buffer;
    metrics: string;
  };
  const metrics = JSON.parse(row.metrics) as { classNames: string[]; float32: { accuracy: number } | null; int8: { accuracy: number } | null };
  const stored = decodeModel(row.weights);
  const spec = parseModelSpec(JSON.parse(row.spec));
  const classes = metrics.classNames.length;
  const test = buildFeatureSet(db, impulse, block, 'test', metrics.classNames);
  const fp = windowAccuracy(predict(stored.weights!, spec, test.features), test.labels, classes);
  const int8 = int8FromJson(stored.int8);
  const q = windowAccuracy(runInt8(int8, test.features), test.labels, classes);
  return {
    impulse: impulse.dsp.map((d) => d.block).join('+'),
    spec: spec.layers.map((l) => l.type).join(','),
    featuresMs: Math.round(featuresMs),
    trainMs: Math.round(trainMs),
    validation: { float32: metrics.float32?.accuracy ?? null, int8: metrics.int8?.accuracy ?? null },
    testWindows: fp.rows,
    float32Correct: fp.correct,
    int8Correct: q.correct,
    int8Bytes: int8.sizeBytes,
    parts: {
      spec,
      weights: stored.weights!,
      int8,
      test,
      train: buildFeatureSet(db, impulse, block, 'train', metrics.classNames),
      settings: { ...info.settings, seed },
    },
  };
}
