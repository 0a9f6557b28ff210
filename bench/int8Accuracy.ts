// int8 against float32 on the test set, for both demos and every shared dataset
// (../shared/datasets/*): the suggested impulse and the project's default training settings,
// trained through the real services; then every test window classified by the float model
// (predict) and by the int8 engine stored with the model (runInt8), and the same model
// re-quantized with percentile calibration for comparison; and, for reference, the same network
// trained in-process without feature scaling (the int8 loss that scaling fixes). One JSON line
// per project and seed.
// Run: npx tsx bench/int8Accuracy.ts [--seeds 1,2,3] [name …]
//      (names: motion keywords door-motion phone-motion casa-speech-lang; default all, seed 1)
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDispatcher } from '../src/main/api';
import { createServices } from '../src/main/app/services';
import { buildFeatureSet, currentImpulse, learningBlock } from '../src/main/training/featureSet';
import { decodeModel } from '../src/main/training/modelBlob';
import { predict, trainClassifier } from '../src/main/training/trainer';
import { int8FromJson, quantizeModel, runInt8 } from '../src/shared/model/int8';
import { lowerFloat } from '../src/shared/model/lowerFloat';
import { parseModelSpec } from '../src/shared/model/spec';

const repoRoot = path.resolve(import.meta.dirname, '..');
const datasets = path.resolve(repoRoot, '../shared/datasets');
const all = ['motion', 'keywords', 'door-motion', 'phone-motion', 'casa-speech-lang'];
const argv = process.argv.slice(2);
const seedAt = argv.indexOf('--seeds');
const seeds = seedAt >= 0 ? argv[seedAt + 1]!.split(',').map(Number) : [1];
const names = argv.filter((_, i) => seedAt < 0 || (i !== seedAt && i !== seedAt + 1));
const wanted = names.length ? names : all;

const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-int8-'));
const services = createServices({ home, host: 'cli' });
const api = createDispatcher(services);

async function call<T>(method: string, args: unknown): Promise<T> {
  const r = await api.call(method, args);
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.result as T;
}

async function job(method: string, args: unknown): Promise<{ ms: number; result: unknown }> {
  const { jobId } = await call<{ jobId: string }>(method, args);
  const t0 = performance.now();
  const done = await services.jobs.wait(jobId);
  if (done.state !== 'succeeded') throw new Error(`${method}: ${done.state} ${done.error?.message ?? ''}`);
  return { ms: performance.now() - t0, result: done.result };
}

function accuracy(scores: Float32Array, labels: Int32Array, classes: number): { correct: number; rows: number } {
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

const pct = (a: { correct: number; rows: number }) => +((100 * a.correct) / Math.max(1, a.rows)).toFixed(2);

try {
  for (const name of wanted) {
    const project = `bench ${name}`;
    const demo = name === 'motion' || name === 'keywords';
    await call('projects.create', demo ? { name: project, demo: name } : { name: project });
    if (!demo) {
      for (const [folder, category] of [
        ['training', 'train'],
        ['testing', 'test'],
      ] as const) {
        const dir = path.join(datasets, name, folder);
        const paths = readdirSync(dir)
          .filter((f) => f.endsWith('.json') && f !== 'info.labels')
          .map((f) => path.join(dir, f));
        await job('samples.import', { project, paths, category });
      }
      const state = await call<{ impulse: unknown }>('impulse.get', { project });
      await call('impulse.set', { project, impulse: state.impulse });
    }
    const features = await job('features.generate', { project });
    const info = await call<{ settings: Record<string, unknown> }>('training.info', { project });
    for (const seed of seeds) {
      const train = await job('model.train', { project, settings: { ...info.settings, seed } });
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
      const trainFs = buildFeatureSet(db, impulse, block, 'train', metrics.classNames);
      const fp = accuracy(predict(stored.weights!, spec, test.features), test.labels, classes);
      const int8 = int8FromJson(stored.int8);
      const q = accuracy(runInt8(int8, test.features), test.labels, classes);
      const lowered = lowerFloat(spec, stored.weights!.head, stored.weights!, stored.weights!.scaling ?? null);
      const calibration = trainFs.features.subarray(0, Math.min(500, trainFs.rows) * trainFs.layout.length);
      const percentiles: Record<string, number> = {};
      for (const p of [99.99, 99.9])
        percentiles[`p${p}`] = pct(accuracy(runInt8(quantizeModel(lowered, calibration, { percentile: p }), test.features), test.labels, classes));
      // the same network and settings without feature scaling, trained in-process
      const unscaled = await trainClassifier({
        spec,
        features: trainFs.features,
        featureShape: trainFs.layout.shape,
        labels: trainFs.labels,
        classNames: metrics.classNames,
        settings: {
          epochs: info.settings.epochs as number,
          learningRate: info.settings.learningRate as number,
          batchSize: info.settings.batchSize as number,
          validationSplit: info.settings.validationSplit as number,
          seed,
          featureScaling: false,
        },
      });
      const uq = quantizeModel(lowerFloat(spec, unscaled.weights.head, unscaled.weights, null), calibration);
      const ufp = pct(accuracy(predict(unscaled.weights, spec, test.features), test.labels, classes));
      const uq8 = pct(accuracy(runInt8(uq, test.features), test.labels, classes));
      console.log(
        JSON.stringify({
          bench: 'int8-accuracy',
          project: name,
          seed,
          impulse: impulse.dsp.map((d) => d.block).join('+'),
          spec: spec.layers.map((l) => l.type).join(','),
          settings: { epochs: info.settings.epochs, learningRate: info.settings.learningRate },
          featuresMs: Math.round(features.ms),
          trainMs: Math.round(train.ms),
          validation: { float32: metrics.float32?.accuracy ?? null, int8: metrics.int8?.accuracy ?? null },
          testWindows: fp.rows,
          test: { float32: pct(fp), int8: pct(q), int8MinusFloat32: +(pct(q) - pct(fp)).toFixed(2), percentileCalibration: percentiles },
          withoutFeatureScaling: { float32: ufp, int8: uq8 },
          int8Bytes: int8.sizeBytes,
        }),
      );
    }
  }
} finally {
  services.dispose();
  rmSync(home, { recursive: true, force: true });
}
