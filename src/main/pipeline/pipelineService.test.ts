import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../api';
import type { Dispatcher } from '../api/dispatcher';
import { createServices, type Services } from '../app/services';
import { SampleRepository } from '../store/sampleRepository';
import type { Impulse } from '../../shared/impulse/impulse';
import type { FeaturesGenerateResult, FeaturesStatus, ImpulseState } from '../../shared/api/impulse';

let services: Services;
let api: Dispatcher;

beforeEach(async () => {
  services = createServices({ home: mkdtempSync(path.join(os.tmpdir(), 'kiln-pipeline-')), host: 'cli' });
  api = createDispatcher(services, { validateResults: true });
  await call('projects.create', { name: 'motion' });
});
afterEach(() => services.dispose());

async function call<T = unknown>(method: string, args: unknown): Promise<T> {
  const r = await api.call(method, args);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.result as T;
}

async function failure(method: string, args: unknown): Promise<{ code: string; message: string }> {
  const r = await api.call(method, args);
  if (r.ok) throw new Error(`${method} succeeded`);
  return r.error;
}

/** 3-axis motion at 62.5 Hz: a sine per label, `seconds` long. */
function addMotion(label: string, seconds: number, phase = 0, sensors = ['accX', 'accY', 'accZ'], intervalMs = 16): number {
  const readings = Math.round((seconds * 1000) / intervalMs);
  const values = new Float32Array(readings * sensors.length);
  const f = label === 'wave' ? 3 : 0.5;
  for (let r = 0; r < readings; r++) {
    for (let a = 0; a < sensors.length; a++)
      values[r * sensors.length + a] = Math.sin(2 * Math.PI * f * r * intervalMs * 1e-3 + phase + a) * (a + 1) + 0.1 * Math.cos(r * 0.37 + phase);
  }
  const repo = new SampleRepository(services.home.get('motion').db);
  return repo.insert({ label, category: 'train', sensors: sensors.map((name) => ({ name, units: 'm/s2' })), intervalMs, values, source: 'test' }).id;
}

async function generate(): Promise<FeaturesGenerateResult> {
  const { jobId } = await call<{ jobId: string }>('features.generate', { project: 'motion' });
  const job = await services.jobs.wait(jobId);
  if (job.state !== 'succeeded') throw Object.assign(new Error(job.error?.message ?? job.state), { code: job.error?.code });
  return job.result as FeaturesGenerateResult;
}

async function saveDefault(change: (i: Impulse) => Impulse = (i) => i): Promise<Impulse> {
  const state = await call<ImpulseState>('impulse.get', { project: 'motion' });
  const impulse = change(state.impulse);
  await call('impulse.set', { project: 'motion', impulse });
  return impulse;
}

describe('impulse storage', () => {
  it('suggests a default impulse until one is saved, then returns the saved one with its hash', async () => {
    addMotion('idle', 5);
    const before = await call<ImpulseState>('impulse.get', { project: 'motion' });
    expect(before).toMatchObject({ saved: false, suggestion: 'motion', hash: null });
    expect(before.impulse.dsp[0]!.block).toBe('spectral_analysis');
    expect(before.facts).toMatchObject({ samples: 1, axes: ['accX', 'accY', 'accZ'], frequenciesHz: [62.5] });
    const saved = await call<ImpulseState>('impulse.set', {
      project: 'motion',
      impulse: { ...before.impulse, learning: [{ ...before.impulse.learning[0]!, title: 'Gestures' }] },
    });
    expect(saved.saved).toBe(true);
    expect(saved.hash).toMatch(/^[0-9a-f]{32}$/);
    expect((await call<ImpulseState>('impulse.get', { project: 'motion' })).impulse.learning[0]!.title).toBe('Gestures');
  });

  it('refuses to save an impulse that is wrong in itself, naming the problem, and keeps the old one', async () => {
    const im = await saveDefault();
    const bad = { ...im, dsp: [{ ...im.dsp[0]!, params: { 'fft-length': 0 } }] };
    const e = await failure('impulse.set', { project: 'motion', impulse: bad });
    expect(e.code).toBe('BAD_DATA');
    expect(e.message).toBe('The impulse was not saved: Spectral Analysis: parameter "fft-length" must be at least 1, got 0');
    expect((await failure('impulse.set', { project: 'motion', impulse: { ...im, input: { ...im.input, windowSizeMs: 'long' } } })).message).toMatch(
      /impulse\.input/,
    );
    expect((await call<ImpulseState>('impulse.get', { project: 'motion' })).impulse).toEqual(im);
  });

  it('lists the blocks with their parameter specs, and validates against the data', async () => {
    const blocks = await call<{ name: string; params: { key: string }[] }[]>('dsp.blocks', {});
    expect(blocks.map((b) => b.name)).toEqual(['spectral_analysis', 'mfcc', 'mfe', 'spectrogram', 'flatten', 'raw', 'image']);
    expect(blocks[0]!.params.map((p) => p.key)).toContain('fft-length');
    addMotion('idle', 1);
    const im = (await call<ImpulseState>('impulse.get', { project: 'motion' })).impulse;
    const r = await call<{ issues: { message: string }[] }>('impulse.validate', {
      project: 'motion',
      impulse: { ...im, input: { ...im.input, windowSizeMs: 2000, zeroPad: false } },
    });
    expect(r.issues.map((i) => i.message)).toContain(
      'The window (2000 ms) is longer than the shortest sample "idle.1" (1008 ms); shorten the window or turn on zero-padding',
    );
  });
});

describe('feature generation', () => {
  it('computes every window once, reuses the cache, recomputes on a parameter change and only new samples after that', async () => {
    addMotion('idle', 5);
    addMotion('wave', 5);
    addMotion('wave', 4, 1);
    await saveDefault();
    // 5 s at 62.5 Hz = 313 readings; 2 s windows (125) every 200 ms (13 readings) → 15 windows; 4 s (250) → 10
    const first = await generate();
    expect(first).toMatchObject({ samples: 3, computedWindows: 15 + 15 + 10, cachedWindows: 0, computedSamples: 3 });
    let status = await call<FeaturesStatus>('features.status', { project: 'motion' });
    expect(status.blocks[0]).toMatchObject({ windows: 40, samples: 3, generated: 3, stale: 0, missing: 0, featuresPerWindow: 39 });
    expect(status.upToDate).toBe(true);

    const second = await generate();
    expect(second).toMatchObject({ computedWindows: 0, cachedWindows: 40, computedSamples: 0 });

    await saveDefault((i) => ({ ...i, dsp: [{ ...i.dsp[0]!, params: { ...i.dsp[0]!.params, 'fft-length': 32 } }] }));
    status = await call<FeaturesStatus>('features.status', { project: 'motion' });
    expect(status.blocks[0]).toMatchObject({ generated: 0, stale: 3, missing: 0, featuresPerWindow: 3 * (5 + 16) });
    expect(status.upToDate).toBe(false);
    const third = await generate();
    expect(third).toMatchObject({ computedWindows: 40, cachedWindows: 0 });

    addMotion('idle', 3);
    status = await call<FeaturesStatus>('features.status', { project: 'motion' });
    expect(status.blocks[0]).toMatchObject({ samples: 4, generated: 3, missing: 1 });
    const fourth = await generate();
    expect(fourth).toMatchObject({ computedWindows: 5, cachedWindows: 40, computedSamples: 1 });
  });

  it('gives the same features as running the block directly', async () => {
    const id = addMotion('wave', 3);
    const im = await saveDefault();
    await generate();
    const db = services.home.get('motion').db;
    const { resolveBlocks, projectCatalog, readFeatures } = await import('.');
    const [block] = resolveBlocks(db, im, projectCatalog(db));
    const sample = new SampleRepository(db).get(id);
    const cached = readFeatures(db, sample.hash!, block!.task.key)!;
    const values = new SampleRepository(db).data(id);
    const direct = await call<{ features: number[] }>('dsp.run', {
      block: 'spectral_analysis',
      params: {},
      input: { axes: ['accX', 'accY', 'accZ'], frequencyHz: 62.5, values: Array.from(values.subarray(13 * 3 * 2, 13 * 3 * 2 + 125 * 3)) },
    });
    expect(Array.from(cached.features.subarray(2 * 39, 3 * 39))).toEqual(direct.features.map((v) => Math.fround(v)));
  });

  it('names samples with other axes or another frequency before computing anything', async () => {
    addMotion('idle', 5);
    await saveDefault();
    addMotion('wave', 5, 0, ['gyrX', 'gyrY', 'gyrZ']);
    let e = await failure('features.generate', { project: 'motion' });
    expect(e.message).toMatch(/^Features cannot be generated: Axis "accX" is not in the data/);
    const db = services.home.get('motion').db;
    db.prepare("DELETE FROM samples WHERE label = 'wave'").run();
    addMotion('wave', 5, 0, ['accX', 'accY', 'accZ'], 10);
    e = await failure('features.generate', { project: 'motion' });
    expect(e.message).toMatch(/some samples are sampled at 100 Hz/);
    const status = await call<FeaturesStatus>('features.status', { project: 'motion' });
    expect(status.unusable).toEqual([
      expect.objectContaining({ name: 'wave.2', message: 'Sample "wave.2" is sampled at 100 Hz; the impulse expects 62.5 Hz' }),
    ]);
  });

  it('fails with a message naming the sample when a reading is NaN, keeping the other samples cached', async () => {
    addMotion('idle', 5);
    const bad = addMotion('wave', 5);
    await saveDefault();
    const db = services.home.get('motion').db;
    const values = new SampleRepository(db).data(bad);
    values[40] = NaN;
    db.prepare('UPDATE samples SET data = ? WHERE id = ?').run(Buffer.from(values.buffer), bad);
    await expect(generate()).rejects.toThrow('Sample "wave.2": reading 13, axis "accY" is NaN; fix or remove the sample');
    const status = await call<FeaturesStatus>('features.status', { project: 'motion' });
    expect(status.blocks[0]).toMatchObject({ generated: 1, missing: 1 });
  });

  it('refuses a sample shorter than the window without zero-padding, and pads it with', async () => {
    addMotion('idle', 5);
    addMotion('tap', 1);
    await saveDefault((i) => ({ ...i, input: { ...i.input, windowSizeMs: 2000, zeroPad: false } }));
    expect((await failure('features.generate', { project: 'motion' })).message).toMatch(
      /longer than the shortest sample "tap.2" \(1008 ms\); shorten the window or turn on zero-padding/,
    );
    await saveDefault((i) => ({ ...i, input: { ...i.input, windowSizeMs: 2000, zeroPad: true } }));
    expect(await generate()).toMatchObject({ computedWindows: 15 + 1 });
  });

  it('stops the workers when cancelled and keeps what was computed', async () => {
    for (let i = 0; i < 6; i++) addMotion(i % 2 ? 'wave' : 'idle', 60, i);
    await saveDefault((im) => ({ ...im, input: { ...im.input, windowIncreaseMs: 16 } }));
    const { jobId } = await call<{ jobId: string }>('features.generate', { project: 'motion' });
    // a second request joins the running job
    expect(await call('features.generate', { project: 'motion' })).toEqual({ jobId });
    await new Promise<void>((resolve) => {
      const off = services.events.subscribe((e) => {
        if (e.name === 'job.updated' && e.payload.id === jobId && e.payload.progress > 0) {
          off();
          resolve();
        }
      });
    });
    // a changed impulse cannot start a second job while the first runs
    await saveDefault((im) => ({ ...im, input: { ...im.input, windowIncreaseMs: 32 } }));
    expect((await failure('features.generate', { project: 'motion' })).message).toMatch(
      /^Features are still being generated for the previous version of the impulse/,
    );
    services.jobs.cancel(jobId);
    const job = await services.jobs.wait(jobId);
    expect(job.state).toBe('cancelled');
    await saveDefault((im) => ({ ...im, input: { ...im.input, windowIncreaseMs: 16 } }));
    const status = await call<FeaturesStatus>('features.status', { project: 'motion' });
    expect(status.blocks[0]!.generated).toBeGreaterThan(0);
    expect(status.blocks[0]!.generated).toBeLessThan(6);
  });
});

describe('audio and image projects', () => {
  it('generates MFCC features for audio and image features for pictures', async () => {
    const repo = new SampleRepository(services.home.get('motion').db);
    const audio = Float32Array.from({ length: 32000 }, (_, k) => Math.round(3000 * Math.sin(k * 0.07)));
    repo.insert({ label: 'yes', category: 'train', sensors: [{ name: 'audio', units: 'wav' }], intervalMs: 1000 / 16000, values: audio, source: 'test' });
    const state = await call<ImpulseState>('impulse.get', { project: 'motion' });
    expect(state.suggestion).toBe('audio');
    await call('impulse.set', { project: 'motion', impulse: state.impulse });
    expect(await generate()).toMatchObject({ computedWindows: 5 });
    expect((await call<FeaturesStatus>('features.status', { project: 'motion' })).blocks[0]).toMatchObject({
      block: 'mfcc',
      featuresPerWindow: 50 * 13,
      generated: 1,
    });

    await call('projects.create', { name: 'pictures' });
    const images = new SampleRepository(services.home.get('pictures').db);
    for (const [label, colour] of [
      ['red', 0xff0000],
      ['blue', 0x0000ff],
    ] as const) {
      images.insert({
        label,
        category: 'train',
        sensors: [{ name: 'image', units: 'rgb' }],
        intervalMs: 0,
        values: new Float32Array(40 * 30).fill(colour),
        width: 40,
        height: 30,
        source: 'test',
      });
    }
    const pic = await call<ImpulseState>('impulse.get', { project: 'pictures' });
    expect(pic.impulse.input).toEqual({ type: 'image', width: 40, height: 30, resizeMode: 'fit-short' });
    await call('impulse.set', { project: 'pictures', impulse: { ...pic.impulse, input: { type: 'image', width: 8, height: 8, resizeMode: 'squash' } } });
    const { jobId } = await call<{ jobId: string }>('features.generate', { project: 'pictures' });
    expect((await services.jobs.wait(jobId)).result).toMatchObject({ computedWindows: 2 });
    const { datasetFeatures, loadImpulse } = await import('.');
    const db = services.home.get('pictures').db;
    const f = datasetFeatures(db, loadImpulse(db)!.impulse, 'classifier');
    expect(f).toMatchObject({ rows: 2, dims: 8 * 8 * 3 });
    expect(Array.from(f.features.subarray(0, 3))).toEqual([1, 0, 0]);
  });
});

describe('features for training', () => {
  it('gives one row per window with the learning block’s inputs concatenated, and refuses stale features', async () => {
    addMotion('idle', 5);
    addMotion('wave', 4);
    const im = await saveDefault((i) => ({
      ...i,
      dsp: [...i.dsp, { id: 'flat', block: 'flatten', title: 'Flatten', axes: ['accX'], params: {} }],
      learning: [{ ...i.learning[0]!, inputs: ['spectral-analysis', 'flat'] }],
    }));
    const { datasetFeatures } = await import('.');
    const db = services.home.get('motion').db;
    expect(() => datasetFeatures(db, im, 'classifier')).toThrow('Features are missing or out of date for 2 samples (idle.1, wave.2); generate features first');
    await generate();
    const f = datasetFeatures(db, im, 'classifier');
    expect(f).toMatchObject({
      rows: 25,
      dims: 39 + 7,
      blocks: [
        { blockId: 'spectral-analysis', length: 39 },
        { blockId: 'flat', length: 7 },
      ],
    });
    expect(f.labels.filter((l) => l === 'wave')).toHaveLength(10);
    expect(f.windows.slice(13, 17)).toEqual([13, 14, 0, 1]);
    expect(f.features.length).toBe(25 * 46);
    expect(datasetFeatures(db, im, 'classifier', 'test').rows).toBe(0);
    expect(() => datasetFeatures(db, im, 'nn')).toThrow('The impulse has no learning block "nn" (blocks: classifier)');
  });
});

describe('feature explorer', () => {
  it('projects windows with PCA and seeded UMAP, labelled by sample', async () => {
    for (let i = 0; i < 4; i++) {
      addMotion('idle', 4, i);
      addMotion('wave', 4, i);
    }
    await saveDefault();
    expect((await failure('features.explore', { project: 'motion' })).message).toBe('No features to explore yet: generate features first');
    await generate();
    const p = await call<{ points: { coords: number[]; label: string; window: number }[]; totalWindows: number; explainedVariance: number[] }>(
      'features.explore',
      { project: 'motion', method: 'pca', dims: 3, maxPoints: 50 },
    );
    expect(p.totalWindows).toBe(80);
    expect(p.points).toHaveLength(50);
    expect(p.points[0]!.coords).toHaveLength(3);
    expect(p.explainedVariance[0]).toBeGreaterThan(p.explainedVariance[1]!);
    // the two labels separate along the first component
    const mean = (label: string) => {
      const xs = p.points.filter((q) => q.label === label).map((q) => q.coords[0]!);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(Math.abs(mean('idle') - mean('wave'))).toBeGreaterThan(2);
    const u1 = await call<{ points: { coords: number[] }[] }>('features.explore', { project: 'motion', method: 'umap', dims: 2, maxPoints: 40, seed: 7 });
    const u2 = await call<{ points: { coords: number[] }[] }>('features.explore', { project: 'motion', method: 'umap', dims: 2, maxPoints: 40, seed: 7 });
    expect(u1.points.map((q) => q.coords)).toEqual(u2.points.map((q) => q.coords));
    expect((await failure('features.explore', { project: 'motion', blockId: 'nope' })).message).toMatch(/no processing block "nope"/);
  });
});
