/**
 * A demo project trained end to end through the real services, turned into the C generator's
 * input, with the raw windows of its test set: what the on-target tests and bench/deploy.ts
 * build and measure. (Not used by the studio itself.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ModelMetrics } from '../../../shared/api/training';
import { getDspBlock, paramsWithDefaults } from '../../../shared/dsp/index';
import { KilnError } from '../../../shared/errors';
import type { Impulse } from '../../../shared/impulse/impulse';
import { SampleWindows } from '../../../shared/impulse/windowing';
import { int8FromJson } from '../../../shared/model/int8';
import type { Int8Model } from '../../../shared/model/int8Model';
import { lowerFloat } from '../../../shared/model/lowerFloat';
import { analyzeSpec } from '../../../shared/model/shapes';
import { parseModelSpec } from '../../../shared/model/spec';
import { createDispatcher } from '../../api';
import { createServices } from '../../app/services';
import { projectCatalog, resolveBlocks } from '../../pipeline';
import { saveImpulse } from '../../pipeline/impulseStore';
import { SampleRepository } from '../../store/sampleRepository';
import { currentImpulse } from '../../training/featureSet';
import { decodeModel } from '../../training/modelBlob';
import type { CLibraryInput } from '../c/index';

/** the spectral block with a 6th-order low-pass filter (as in Edge Impulse's measurement of its own library) */
export function spectralLowPass(d: Impulse): Impulse {
  return { ...d, dsp: d.dsp.map((b) => (b.block === 'spectral_analysis' ? { ...b, params: { ...b.params, 'filter-type': 'low', 'filter-order': 6 } } : b)) };
}

/** the DSP replaced by raw data over the same axes: the network measured on its own */
export function rawData(d: Impulse): Impulse {
  const axes = d.input.type === 'time-series' ? d.input.axes : [];
  return {
    ...d,
    dsp: [{ id: 'raw', block: 'raw', title: 'Raw data', axes, params: paramsWithDefaults(getDspBlock('raw').params) }],
    learning: d.learning.map((l) => ({ ...l, inputs: ['raw'] })),
  };
}

export interface DemoLibrary {
  input: CLibraryInput;
  /** raw windows of the test set (interleaved axes), one per window position */
  testWindows: Float32Array[];
  /** values per window */
  frameSize: number;
  /** multiply-accumulates of one network inference */
  macs: number;
  /** multiply-accumulates of the int8 dense and conv layers (kiln_dense_s8, kiln_conv_s8) */
  kernelMacs: number;
  /** validation accuracy of the float32 and int8 models, 0–1 */
  accuracy: { float32: number | null; int8: number | null };
}

export interface DemoOptions {
  demo: 'motion' | 'keywords';
  /** replaces the demo's default impulse (given the default) before features are generated */
  impulse?: (defaultImpulse: Impulse) => Impulse;
  epochs?: number;
  precision?: 'int8' | 'float32';
}

function kernelMacs(model: Int8Model): number {
  let macs = 0;
  for (const op of model.ops) {
    if (op.op === 'dense') macs += op.inSize * op.units;
    else if (op.op === 'conv') macs += op.g.oh * op.g.ow * op.filters * op.g.kh * op.g.kw * op.g.c;
  }
  return macs;
}

/** Creates the demo in a temporary KILN_HOME, generates features, trains, and reads the active model back. */
export async function trainedDemoLibrary(opts: DemoOptions): Promise<DemoLibrary> {
  const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-demo-library-'));
  const services = createServices({ home, host: 'cli' });
  try {
    const api = createDispatcher(services);
    const call = async <T>(method: string, args: unknown): Promise<T> => {
      const r = await api.call(method, args);
      if (!r.ok) throw new KilnError(r.error.code as never, `${method}: ${r.error.message}`);
      return r.result as T;
    };
    const job = async (method: string, args: unknown): Promise<void> => {
      const { jobId } = await call<{ jobId: string }>(method, args);
      const done = await services.jobs.wait(jobId);
      if (done.state !== 'succeeded') throw new KilnError('INTERNAL', `${method}: ${done.state} ${done.error?.message ?? ''}`);
    };
    const project = opts.demo;
    await call('projects.create', { name: project, demo: opts.demo });
    const db = services.home.get(project).db;
    if (opts.impulse) saveImpulse(db, opts.impulse(currentImpulse(db).impulse));
    await job('features.generate', { project });
    const info = await call<{ settings: Record<string, unknown> }>('training.info', { project });
    await job('model.train', { project, settings: { ...info.settings, epochs: opts.epochs ?? 30, seed: 1 } });

    const definition = currentImpulse(db).impulse;
    const row = db.prepare('SELECT learning_block, spec, weights, metrics FROM models WHERE active = 1 ORDER BY id DESC LIMIT 1').get() as
      { learning_block: string; spec: string; weights: Buffer; metrics: string } | undefined;
    if (!row) throw new KilnError('NOT_FOUND', `${project}: training left no active model`);
    const stored = decodeModel(row.weights);
    const metrics = JSON.parse(row.metrics) as Pick<ModelMetrics, 'classNames' | 'float32' | 'int8'>;
    const spec = parseModelSpec(JSON.parse(row.spec));
    if (!stored.weights) throw new KilnError('CORRUPT_PROJECT', `${project}: the model has no weights`);
    const head = stored.weights.head;
    const analysis = analyzeSpec(spec, head);
    const input: CLibraryInput = {
      name: project,
      precision: opts.precision ?? 'int8',
      labels: metrics.classNames,
      impulse: { definition, blocks: resolveBlocks(db, definition, projectCatalog(db)), classifier: row.learning_block, anomaly: null },
      float: lowerFloat(spec, head, stored.weights, stored.weights.scaling ?? null),
      int8: stored.int8 ? int8FromJson(stored.int8) : null,
      anomaly: null,
    };
    const repo = new SampleRepository(db);
    const testWindows: Float32Array[] = [];
    for (const s of repo.query({ category: 'test', limit: 100_000 }).rows) {
      const windows = new SampleWindows(definition.input, {
        name: s.name,
        axes: s.sensors.map((x) => x.name),
        intervalMs: s.intervalMs,
        values: repo.data(s.id),
      });
      for (let i = 0; i < windows.count; i++) testWindows.push(Float32Array.from(windows.window(i)));
    }
    return {
      input,
      testWindows,
      frameSize: testWindows[0]?.length ?? 0,
      macs: analysis.ok ? analysis.totalMacs : 0,
      kernelMacs: input.int8 ? kernelMacs(input.int8) : 0,
      accuracy: { float32: metrics.float32?.accuracy ?? null, int8: metrics.int8?.accuracy ?? null },
    };
  } finally {
    services.dispose();
    rmSync(home, { recursive: true, force: true });
  }
}
