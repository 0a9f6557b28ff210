import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { JobInfo } from '../../shared/api/jobs';
import { testStudio, type TestStudio } from '../dataset/testKit';
import { SampleRepository } from '../store/sampleRepository';
import { decodeModel } from './modelBlob';
import { motionImpulse, saveImpulse } from './testKit';

let studio: TestStudio;
const P = 'demo';
const settings = { epochs: 4, learningRate: 0.005, batchSize: 32, validationSplit: 0.2, seed: 7 };

async function wait(jobId: string): Promise<JobInfo> {
  return studio.services.jobs.wait(jobId);
}

/** Saves an impulse and generates its features (as the impulse page does). */
async function impulse(imp = motionImpulse(db())): Promise<string> {
  const hash = saveImpulse(db(), imp);
  const { jobId } = await studio.call('features.generate', { project: P });
  const job = await wait(jobId);
  expect(job.state, job.error?.message).toBe('succeeded');
  return hash;
}

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err as Error & { code: string },
  );
  expect(e, 'expected an error').not.toBeNull();
  expect(e!.code).toBe(code);
  if (message) expect(e!.message).toMatch(message);
}

beforeEach(async () => {
  studio = testStudio();
  await studio.call('projects.create', { name: P, demo: 'motion' });
});
afterEach(() => studio.dispose());

function db() {
  return studio.services.home.get(P).db;
}

describe('training service', () => {
  it('suggests 0.0005 for dense nets on spectral features and 0.005 for conv nets on MFCC', async () => {
    expect((await studio.call('training.info', { project: P })).settings.learningRate).toBe(0.0005);
    await studio.call('projects.create', { name: 'kws', demo: 'keywords' });
    expect((await studio.call('training.info', { project: 'kws' })).settings.learningRate).toBe(0.005);
  });

  it('refuses to train without an impulse, naming what to do', async () => {
    db().prepare('DELETE FROM impulses').run();
    await expectCode(studio.call('model.train', { project: P, settings }), 'NOT_FOUND', /no impulse/i);
    const info = await studio.call('training.info', { project: P });
    expect(info.impulse).toBeNull();
    expect(info.classes.length).toBe(4);
  });

  it('refuses one class, an empty test set, a spec that does not fit and bad settings before any job starts', async () => {
    await impulse();
    const repo = new SampleRepository(db());
    // spec whose input does not match the features
    await expectCode(
      studio.call('model.train', { project: P, settings, spec: { inputShape: [5], layers: [] } }),
      'BAD_PARAMS',
      /has 5 values but each feature row/,
    );
    // a stack that cannot work
    const info = await studio.call('training.info', { project: P });
    const len = info.blocks[0]!.featureLength!;
    await expectCode(
      studio.call('training.setSpec', {
        project: P,
        block: 'classifier',
        spec: { inputShape: [len], layers: [{ type: 'conv1d', filters: 4, kernelSize: 3 }] },
      }),
      'BAD_PARAMS',
      /Layer 1 \(conv1d\)/,
    );
    // bad settings are refused by the contract
    await expectCode(studio.call('model.train', { project: P, settings: { ...settings, epochs: 0 } }), 'BAD_REQUEST');
    // time masks need [frames, coefficients] features; spectral features are flat
    await expectCode(
      studio.call('model.train', { project: P, settings: { ...settings, augmentation: { timeMask: 3 } } }),
      'BAD_PARAMS',
      /Time shift and masks need features shaped \[frames, coefficients\]/,
    );
    // empty test set
    const testIds = repo.ids({ category: 'test' });
    repo.setCategory(testIds, 'train');
    await expectCode(studio.call('model.train', { project: P, settings }), 'NO_DATA', /test set is empty/);
    repo.setCategory(testIds, 'test');
    // one class only
    const others = repo
      .query({ category: 'train' })
      .rows.filter((s) => s.label !== 'idle')
      .map((s) => s.id);
    repo.remove(others);
    await expectCode(studio.call('model.train', { project: P, settings }), 'BAD_DATA', /Only one class \("idle"\)/);
    expect(studio.services.jobs.list(P).filter((j) => j.kind === 'model.train')).toHaveLength(0);
    // nothing lost: restoring brings training back
    repo.restore(others);
    expect((await studio.call('models.list', { project: P })).length).toBe(0);
  });

  it('refuses missing or stale features, and NaN features naming the sample, before a job starts', async () => {
    saveImpulse(db(), motionImpulse(db()));
    await expectCode(studio.call('model.train', { project: P, settings }), 'BAD_DATA', /generate features first/);
    await impulse();
    // a NaN in the generated features (a custom block or a damaged cache entry)
    const row = db().prepare('SELECT sample_hash, config_hash, features FROM feature_cache LIMIT 1').get() as {
      sample_hash: string;
      config_hash: string;
      features: Buffer;
    };
    const values = new Float32Array(row.features.buffer.slice(row.features.byteOffset, row.features.byteOffset + row.features.byteLength));
    values[5] = NaN;
    db()
      .prepare('UPDATE feature_cache SET features = ? WHERE sample_hash = ? AND config_hash = ?')
      .run(Buffer.from(values.buffer), row.sample_hash, row.config_hash);
    const sample = db().prepare('SELECT name FROM samples WHERE hash = ?').get(row.sample_hash) as { name: string };
    const err = await studio.call('model.train', { project: P, settings }).then(
      () => null,
      (e: unknown) => e as Error & { code: string },
    );
    expect(err?.code).toBe('BAD_DATA');
    expect(err?.message).toContain(`Sample "${sample.name}", window 1: feature 5 is NaN`);
    expect(studio.services.jobs.list(P).filter((j) => j.kind === 'model.train')).toHaveLength(0);
  });

  it('trains in a worker with live epochs, keeps the model with lineage, int8 close to float, and is reproducible per seed', async () => {
    const hash = await impulse();
    const epochs: number[] = [];
    const off = studio.services.events.subscribe((e) => {
      if (e.name === 'training.epoch') epochs.push(e.payload.metrics.epoch);
    });
    const { jobId } = await studio.call('model.train', { project: P, settings });
    const job = await wait(jobId);
    off();
    expect(job.state, job.error?.message).toBe('succeeded');
    expect(epochs).toEqual([1, 2, 3, 4]);
    const list = await studio.call('models.list', { project: P });
    expect(list).toHaveLength(1);
    const m = list[0]!;
    expect(m).toMatchObject({ active: true, seed: 7, impulseHash: hash, current: true, backend: 'kiln-js', epochs: 4 });
    const detail = await studio.call('models.get', { project: P, id: m.id });
    const f = detail.metrics.float32!;
    expect(f.confusion).toHaveLength(4);
    expect(f.confusion[0]).toHaveLength(5);
    expect(f.accuracy).toBeGreaterThan(0.6);
    expect(Math.abs(detail.metrics.int8!.accuracy - f.accuracy)).toBeLessThan(0.08);
    expect(detail.metrics.sizes.int8Bytes!).toBeLessThan(detail.metrics.sizes.float32Bytes / 2);
    expect(detail.metrics.history).toHaveLength(4);
    expect(detail.metrics.explorer.length).toBe(f.rows);
    const log = studio.services.jobs
      .get(jobId)
      .log.map((l) => l.message)
      .join('\n');
    expect(log).toMatch(/Epoch 4: loss/);

    // same seed → same weights and metrics
    const again = await wait((await studio.call('model.train', { project: P, settings })).jobId);
    expect(again.state).toBe('succeeded');
    const rows = db().prepare('SELECT id, weights, metrics FROM models ORDER BY id').all() as { id: number; weights: Buffer; metrics: string }[];
    const [a, b] = rows.map((r) => decodeModel(r.weights).weights!.tensors);
    expect(a!.map((t) => Array.from(t.values))).toEqual(b!.map((t) => Array.from(t.values)));
    const [ma, mb] = rows.map((r) => JSON.parse(r.metrics) as { float32: unknown; history: unknown });
    expect(ma!.float32).toEqual(mb!.float32);
    expect(ma!.history).toEqual(mb!.history);
    // only the newest is active
    const after = await studio.call('models.list', { project: P });
    expect(after.filter((x) => x.active).map((x) => x.id)).toEqual([rows[1]!.id]);
    // a different seed gives different weights
    const other = await wait((await studio.call('model.train', { project: P, settings: { ...settings, seed: 8 } })).jobId);
    expect(other.state).toBe('succeeded');
    const c = decodeModel((db().prepare('SELECT weights FROM models ORDER BY id DESC LIMIT 1').get() as { weights: Buffer }).weights).weights!.tensors;
    expect(Array.from(c[0]!.values)).not.toEqual(Array.from(a![0]!.values));
  });

  it('tests the active model on the test set per sample with a window timeline', async () => {
    await impulse();
    await expectCode(studio.call('model.test', { project: P }), 'NOT_FOUND', /no trained model/);
    await wait((await studio.call('model.train', { project: P, settings })).jobId);
    const job = await wait((await studio.call('model.test', { project: P })).jobId);
    expect(job.state, job.error?.message).toBe('succeeded');
    const r = (await studio.call('model.lastTest', { project: P }))!;
    const testCount = new SampleRepository(db()).query({ category: 'test' }).total;
    expect(r.samples).toHaveLength(testCount);
    // 10 s at 62.5 Hz = 625 readings, window 125, step round(62.5) = 63 readings → 8 windows
    expect(r.samples[0]!.windows.length).toBe(8);
    // starts come from sample indices: 63 readings × 16 ms
    expect(r.samples[0]!.windows[1]!.start).toBe(1008);
    expect(r.windows.confusion).toHaveLength(4);
    expect(r.sampleAccuracy).toBeGreaterThan(0.5);
    expect(r.engine).toBe('onnxruntime-node (float32)');
    // ONNX export of the active model
    const [active] = await studio.call('models.list', { project: P });
    const offer = await studio.call('models.exportOnnx', { project: P, id: active!.id });
    expect(offer.fileName.endsWith('.onnx')).toBe(true);
    expect(offer.bytes).toBeGreaterThan(1000);
    expect(studio.services.transfers.takeDownload(offer.downloadId).bytes).toBe(offer.bytes);
    const out = studio.services.training.exportOnnx(P, active!.id, 'model.onnx');
    expect(out.path.endsWith('model.onnx')).toBe(true);
    expect(() => studio.services.training.exportOnnx(P, active!.id, 'model.txt')).toThrow(/should end in \.onnx/);
    // a changed impulse makes the model stale for testing
    saveImpulse(db(), motionImpulse(db(), 500));
    await expectCode(studio.call('model.test', { project: P }), 'BAD_DATA', /another version of the impulse/);
    const list = await studio.call('models.list', { project: P });
    expect(list[0]!.current).toBe(false);
  });

  it('lists, compares, activates, deletes with undo', async () => {
    await impulse();
    await wait((await studio.call('model.train', { project: P, settings: { ...settings, epochs: 1 } })).jobId);
    await wait((await studio.call('model.train', { project: P, settings: { ...settings, epochs: 2 } })).jobId);
    const [newer, older] = await studio.call('models.list', { project: P });
    const cmp = await studio.call('models.compare', { project: P, a: older!.id, b: newer!.id });
    expect(cmp.a.metrics.epochsRun).toBe(1);
    expect(cmp.b.metrics.epochsRun).toBe(2);
    await expectCode(studio.call('models.compare', { project: P, a: 1, b: 1 }), 'BAD_PARAMS');
    expect((await studio.call('models.activate', { project: P, id: older!.id })).active).toBe(true);
    expect((await studio.call('models.list', { project: P })).find((x) => x.id === newer!.id)!.active).toBe(false);
    const { undoToken } = await studio.call('models.delete', { project: P, id: older!.id });
    expect(await studio.call('models.list', { project: P })).toHaveLength(1);
    await expectCode(studio.call('models.get', { project: P, id: older!.id }), 'NOT_FOUND', /no model #/);
    const restored = await studio.call('models.restore', { project: P, undoToken });
    expect(restored).toMatchObject({ id: older!.id, active: true });
    await expectCode(studio.call('models.restore', { project: P, undoToken }), 'NOT_FOUND', /can no longer be undone/);
    const est = await studio.call('model.estimate', { project: P, modelId: older!.id });
    expect(est.boards.length).toBeGreaterThan(0);
    expect(est.float32.totalMs).toBeGreaterThan(0);
    expect(est.int8!.flashBytes).toBeLessThan(est.float32.flashBytes);
    await expectCode(studio.call('model.estimate', { project: P, modelId: older!.id, board: 'nope' }), 'NOT_FOUND', /Unknown board "nope"/);
  });

  it('trains from a custom DSP block, whose size is known once features are generated', async () => {
    const energy = `function process(values, axes, frequencyHz, params) {
  const n = axes.length;
  const out = new Array(n).fill(0);
  for (let i = 0; i < values.length; i++) out[i % n] += values[i] * values[i];
  return out.map((s) => (params.gain * s * n) / values.length);
}`;
    await studio.call('customBlocks.save', {
      project: P,
      name: 'energy',
      title: 'Energy',
      code: energy,
      params: [{ key: 'gain', label: 'Gain', type: 'float', default: 1, min: 0 }],
    });
    const base = motionImpulse(db());
    const axes = base.input.type === 'time-series' ? base.input.axes : [];
    const imp = { ...base, dsp: [...base.dsp, { id: 'energy', block: 'custom:energy', title: 'Energy', axes, params: { gain: 1 } }] };
    imp.learning = [{ ...imp.learning[0]!, inputs: ['spectral', 'energy'] }];
    saveImpulse(db(), imp);
    const before = await studio.call('training.info', { project: P });
    expect(before.blocks[0]!.problem).toMatch(/generate features first/);
    await impulse(imp);
    const info = await studio.call('training.info', { project: P });
    expect(info.blocks[0]!.problem).toBeNull();
    expect(info.blocks[0]!.featureLength).toBe(39 + 3);
    const job = await wait((await studio.call('model.train', { project: P, settings })).jobId);
    expect(job.state, job.error?.message).toBe('succeeded');
  });

  it.each(['anomaly-kmeans', 'anomaly-gmm'] as const)('trains a %s block from the same job kind', async (kind) => {
    await impulse(motionImpulse(db(), 1000, [kind]));
    const job = await wait((await studio.call('model.train', { project: P, settings: { ...settings, clusters: 8 } })).jobId);
    expect(job.state, job.error?.message).toBe('succeeded');
    const [m] = await studio.call('models.list', { project: P });
    const d = await studio.call('models.get', { project: P, id: m!.id });
    expect(d.metrics.anomaly!.clusters).toHaveLength(8);
    expect(d.metrics.anomaly!.threshold).toBeGreaterThanOrEqual(0);
    const t = await wait((await studio.call('model.test', { project: P })).jobId);
    expect(t.state, t.error?.message).toBe('succeeded');
    const r = (await studio.call('model.lastTest', { project: P }))!;
    expect(r.samples.every((s) => s.anomaly !== null)).toBe(true);
  });

  it('cancels a running training job', async () => {
    await impulse();
    const { jobId } = await studio.call('model.train', { project: P, settings: { ...settings, epochs: 500 } });
    await new Promise<void>((resolve) => {
      const off = studio.services.events.subscribe((e) => {
        if (e.name === 'training.epoch') {
          off();
          resolve();
        }
      });
    });
    studio.services.jobs.cancel(jobId);
    const job = await wait(jobId);
    expect(job.state).toBe('cancelled');
    expect(await studio.call('models.list', { project: P })).toHaveLength(0);
  });
});
