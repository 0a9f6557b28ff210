/**
 * Training, model registry and model testing for a project. Training and testing are jobs whose
 * work runs in a worker thread (trainWorker.ts); per-epoch metrics are pushed as
 * `training.epoch` events. Every check that needs no feature extraction runs before the job
 * starts, so the API call itself fails with a message the user can act on.
 */
import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Database } from 'better-sqlite3';
import {
  trainSettings,
  type ModelDetail,
  type ModelMetrics,
  type ModelSummary,
  type TestResult,
  type TrainingInfo,
  type TrainSettingsInput,
  type TrainSettingsValue,
} from '../../shared/api/training';
import { estimateOnDevice } from '../../shared/estimate/onDevice';
import { KilnError } from '../../shared/errors';
import { UNLABELLED } from '../../shared/formats/eiManifest';
import type { Impulse, LearningBlockConfig } from '../../shared/impulse/impulse';
import { defaultSpec, defaultTrainingSettings, networkFamily, type NetworkFamily } from '../../shared/model/defaults';
import { assertValidSpec, analyzeSpec } from '../../shared/model/shapes';
import { parseModelSpec, shapeSize, type ModelSpec, type OutputHead } from '../../shared/model/spec';
import type { EventBus } from '../api/eventBus';
import { loadBoards } from '../boards/boardCatalog';
import type { JobContext, JobRunner } from '../jobs/jobRunner';
import { spawnWorker } from '../pipeline/workerPool';
import type { ProjectHome } from '../store/projectHome';
import { exportOnnx } from '../export/onnx/onnxExport';
import { createAugmenter } from './augment';
import { ENGINE_BACKEND } from './backend';
import { decodeModel } from './modelBlob';
import { buildFeatureSet, currentImpulse, datasetHash, featureLayout, knownFeatureLength, learningBlock, samplesOf, type FeatureSet } from './featureSet';
import type { TestTask, TrainOutput, TrainTask } from './trainRun';
import type { WorkerInput, WorkerMessage } from './trainWorker';

/** the worker entry: TypeScript from the sources (tsx), `trainWorker.cjs` beside the bundled main */
const workerEntry = new URL(import.meta.url.endsWith('.ts') ? './trainWorker.ts' : './trainWorker.cjs', import.meta.url);

interface ModelRow {
  id: number;
  learning_block: string;
  spec: string;
  settings: string;
  weights: Buffer | null;
  metrics: string | null;
  dataset_hash: string;
  impulse_hash: string;
  seed: number;
  backend: string;
  active: number;
  created_at: string;
  impulse_id: number | null;
}

export const KEY_SPEC = (block: string) => `training.spec.${block}`;
export const KEY_SETTINGS = 'training.settings';
/** the network family the saved settings were chosen for (a new family starts from its defaults) */
const KEY_SETTINGS_FAMILY = 'training.settings.family';
const KEY_LAST_TEST = 'training.lastTest';
const UNDO_MS = 10 * 60_000;

function isNetwork(type: LearningBlockConfig['type']): boolean {
  return type === 'classification' || type === 'regression';
}

/** Cheap checks before any time is spent: classes, empty sets. Throws BAD_DATA. */
function checkTrainingData(db: Database, block: LearningBlockConfig): void {
  const train = samplesOf(db, 'train');
  if (train.length === 0) throw new KilnError('NO_DATA', 'The training set is empty: record or import samples (category "train") first');
  if (train.every((s) => s.label === UNLABELLED)) throw new KilnError('NO_DATA', 'Every training sample is unlabelled: label some samples first');
  if (block.type === 'classification') {
    const labels = new Set(train.map((s) => s.label).filter((l) => l !== UNLABELLED));
    if (labels.size < 2) {
      throw new KilnError(
        'BAD_DATA',
        `Only one class ("${[...labels][0]}") has training samples; classification needs at least two — add samples of another label`,
        { field: 'labels' },
      );
    }
  }
  if (block.type === 'classification' || block.type === 'regression') {
    if (samplesOf(db, 'test').length === 0) {
      throw new KilnError('NO_DATA', 'The test set is empty: move some samples to the test set (Data acquisition → Rebalance) so the model can be tested');
    }
  }
}

/** Refuses NaN / infinite features, naming the sample and window. */
function assertFinite(fs: FeatureSet): void {
  const len = fs.layout.length;
  for (let i = 0; i < fs.features.length; i++) {
    if (!Number.isFinite(fs.features[i]!)) {
      const row = Math.floor(i / len);
      const sample = fs.samples.find((x) => x.id === fs.sampleIds[row]);
      throw new KilnError(
        'BAD_DATA',
        `Sample "${sample?.name ?? fs.sampleIds[row]}", window ${fs.windowIndex[row]! + 1}: feature ${i - row * len} is ${fs.features[i]}; check the sample and the processing block's parameters, then generate features again`,
        {
          sample: sample?.name,
          index: i - row * len,
        },
      );
    }
  }
}

export class TrainingService {
  private readonly trash = new Map<string, { project: string; row: ModelRow; expires: number }>();

  constructor(
    private readonly home: ProjectHome,
    private readonly events: EventBus,
    private readonly jobs: JobRunner,
  ) {}

  private db(project: string): Database {
    return this.home.get(project).db;
  }

  private getMeta(db: Database, key: string): string | null {
    const row = db.prepare('SELECT value FROM project WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  private setMeta(db: Database, key: string, value: string): void {
    db.prepare('INSERT INTO project (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  private head(db: Database, block: LearningBlockConfig): OutputHead {
    if (block.type === 'regression') return { kind: 'regression' };
    const labels = new Set(
      samplesOf(db, 'train')
        .map((s) => s.label)
        .filter((l) => l !== UNLABELLED),
    );
    return { kind: 'classification', classes: Math.max(2, labels.size) };
  }

  /** The saved architecture of a block, or the default for its input when none is saved or it no longer fits. */
  private specFor(
    db: Database,
    impulse: Impulse,
    block: LearningBlockConfig,
    layout = featureLayout(impulse, block),
  ): { spec: ModelSpec; defaultSpec: ModelSpec } {
    const def = defaultSpec(layout.input);
    const saved = this.getMeta(db, KEY_SPEC(block.id));
    if (saved) {
      try {
        const spec = parseModelSpec(JSON.parse(saved));
        if (shapeSize(spec.inputShape) === layout.length) return { spec, defaultSpec: def };
      } catch {
        // an unreadable saved spec falls back to the default; the editor shows it
      }
    }
    return { spec: def, defaultSpec: def };
  }

  /**
   * The project's training settings: the saved ones while the network family they were saved
   * for is still the impulse's, else the defaults for the current impulse.
   */
  settings(project: string): TrainSettingsValue {
    const db = this.db(project);
    const defaults = defaultSettingsFor(db);
    const raw = this.getMeta(db, KEY_SETTINGS);
    if (raw && (this.getMeta(db, KEY_SETTINGS_FAMILY) ?? '') === (defaults.family ?? '')) {
      const r = trainSettings.safeParse(JSON.parse(raw));
      if (r.success) return r.data;
    }
    return trainSettings.parse(defaults.settings);
  }

  /** Keeps settings as the project's own, for the network family of its current impulse. */
  saveSettings(project: string, settings: TrainSettingsValue): void {
    const db = this.db(project);
    this.setMeta(db, KEY_SETTINGS, JSON.stringify(settings));
    this.setMeta(db, KEY_SETTINGS_FAMILY, defaultSettingsFor(db).family ?? '');
  }

  info(project: string, blockId?: string): TrainingInfo {
    const db = this.db(project);
    const counts = db
      .prepare(
        `SELECT label, sum(category = 'train') AS train, sum(category = 'test') AS test FROM samples WHERE deleted_at IS NULL GROUP BY label ORDER BY label`,
      )
      .all() as { label: string; train: number; test: number }[];
    const base: TrainingInfo = {
      impulse: null,
      blocks: [],
      block: null,
      spec: null,
      defaultSpec: null,
      classes: counts,
      backend: { name: ENGINE_BACKEND.name, note: ENGINE_BACKEND.note ?? '' },
      settings: this.settings(project),
    };
    let stored;
    try {
      stored = currentImpulse(db);
    } catch (e) {
      if (e instanceof KilnError && e.code === 'NOT_FOUND') return base;
      throw e;
    }
    const blocks = stored.impulse.learning.map((l) => {
      try {
        const layout = featureLayout(stored.impulse, l, knownFeatureLength(db, stored.impulse, l));
        return { id: l.id, type: l.type, title: l.title || l.id, featureShape: layout.shape, featureLength: layout.length, problem: null };
      } catch (e) {
        return { id: l.id, type: l.type, title: l.title || l.id, featureShape: null, featureLength: null, problem: e instanceof Error ? e.message : String(e) };
      }
    });
    const result: TrainingInfo = { ...base, impulse: { name: stored.name, hash: stored.hash }, blocks };
    if (!blocks.length) return result;
    const block = learningBlock(stored.impulse, blockId);
    result.block = block.id;
    if (isNetwork(block.type) && blocks.find((b) => b.id === block.id)?.problem === null) {
      const s = this.specFor(db, stored.impulse, block, featureLayout(stored.impulse, block, knownFeatureLength(db, stored.impulse, block)));
      result.spec = s.spec;
      result.defaultSpec = s.defaultSpec;
    }
    return result;
  }

  /** Validates and saves a block's architecture (it must fit the block's features). */
  setSpec(project: string, blockId: string, input: unknown): { spec: ModelSpec } {
    const db = this.db(project);
    const stored = currentImpulse(db);
    const block = learningBlock(stored.impulse, blockId);
    if (!isNetwork(block.type))
      throw new KilnError('BAD_PARAMS', `"${block.title || block.id}" is an anomaly block; it has no network architecture`, { field: 'block' });
    const spec = this.checkSpec(db, stored.impulse, block, input, featureLayout(stored.impulse, block, knownFeatureLength(db, stored.impulse, block)));
    this.setMeta(db, KEY_SPEC(block.id), JSON.stringify(spec));
    return { spec };
  }

  private checkSpec(db: Database, impulse: Impulse, block: LearningBlockConfig, input: unknown, layout = featureLayout(impulse, block)): ModelSpec {
    const spec = parseModelSpec(input);
    if (shapeSize(spec.inputShape) !== layout.length) {
      throw new KilnError(
        'BAD_PARAMS',
        `The model input [${spec.inputShape.join(', ')}] has ${shapeSize(spec.inputShape)} values but each feature row of "${block.title || block.id}" has ${layout.length}; set inputShape to [${layout.length}]`,
        { field: 'spec.inputShape' },
      );
    }
    assertValidSpec(spec, this.head(db, block));
    return spec;
  }

  /** Starts a `model.train` job; throws first when the data, the impulse or the spec cannot work. */
  startTrain(project: string, req: { block?: string; settings?: TrainSettingsInput; spec?: unknown; save?: boolean | undefined }): { jobId: string } {
    const save = req.save ?? true;
    const db = this.db(project);
    const stored = currentImpulse(db);
    const block = learningBlock(stored.impulse, req.block);
    checkTrainingData(db, block);
    const settings = trainSettings.parse(req.settings ?? this.settings(project));
    // reads the feature cache now: missing or stale features fail the call before a job starts
    const fs = buildFeatureSet(db, stored.impulse, block, 'train');
    assertFinite(fs);
    // augmentation that does not fit the feature shape (time masks on flat features) fails now
    if (isNetwork(block.type)) createAugmenter(settings.augmentation, fs.layout.shape, 1);
    let spec: ModelSpec | null = null;
    if (isNetwork(block.type)) {
      spec = this.checkSpec(db, stored.impulse, block, req.spec !== undefined ? req.spec : this.specFor(db, stored.impulse, block, fs.layout).spec, fs.layout);
      if (req.spec !== undefined && save) this.setMeta(db, KEY_SPEC(block.id), JSON.stringify(spec));
    }
    if (save) this.saveSettings(project, settings);
    const task: TrainTask = { kind: 'train', fs, impulse: stored.impulse, block, spec, settings };
    const job = this.jobs.start('model.train', `Train ${block.title || block.id}`, project, async (ctx) => {
      const out = (await this.runWorker(task, ctx, (metrics, epochs) =>
        this.events.emit('training.epoch', { jobId: ctx.jobId, project, block: block.id, epochs, metrics }),
      )) as TrainOutput;
      const db2 = this.db(project);
      const id = db2.transaction(() => {
        db2.prepare('UPDATE models SET active = 0 WHERE learning_block = ?').run(block.id);
        const r = db2
          .prepare(
            `INSERT INTO models (impulse_id, learning_block, spec, settings, weights, metrics, dataset_hash, impulse_hash, seed, backend, active, created_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)`,
          )
          .run(
            stored.id,
            block.id,
            JSON.stringify(out.spec ?? { type: block.type }),
            JSON.stringify(settings),
            Buffer.from(out.blob),
            JSON.stringify(out.metrics),
            out.datasetHash,
            stored.hash,
            settings.seed,
            out.backend,
            new Date().toISOString(),
          );
        return Number(r.lastInsertRowid);
      })();
      ctx.log(`Saved as model #${id} (active)`);
      const m = out.metrics;
      return {
        modelId: id,
        accuracy: m.float32?.accuracy ?? null,
        int8Accuracy: m.int8?.accuracy ?? null,
        loss: m.float32?.loss ?? m.regression?.mse ?? null,
        epochs: m.epochsRun,
        backend: out.backend,
      };
    });
    return { jobId: job.id };
  }

  /** Runs a task in a fresh worker thread, relaying progress and logs to the job. */
  private runWorker(
    task: TrainTask | TestTask,
    ctx: JobContext,
    onEpoch?: (m: Extract<WorkerMessage, { type: 'epoch' }>['metrics'], epochs: number) => void,
  ): Promise<unknown> {
    const cancel = new Int32Array(new SharedArrayBuffer(4));
    const input: WorkerInput = { task, cancel };
    const worker = spawnWorker(workerEntry, { workerData: input });
    return new Promise((resolve, reject) => {
      let settled = false;
      let killTimer: NodeJS.Timeout | null = null;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        ctx.signal.removeEventListener('abort', onAbort);
        if (killTimer) clearTimeout(killTimer);
        void worker.terminate();
        fn();
      };
      const onAbort = () => {
        Atomics.store(cancel, 0, 1);
        killTimer = setTimeout(() => finish(() => reject(new KilnError('CANCELLED', 'Training was cancelled'))), 3000);
      };
      ctx.signal.addEventListener('abort', onAbort);
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'progress') ctx.progress(m.fraction, m.status);
        else if (m.type === 'log') ctx.log(m.message);
        else if (m.type === 'epoch') onEpoch?.(m.metrics, m.epochs);
        else if (m.type === 'done') finish(() => resolve(m.result));
        else if (m.type === 'error') finish(() => reject(new KilnError(m.error.code as KilnError['code'], m.error.message, m.error.details)));
      });
      worker.on('error', (e: Error) => finish(() => reject(new KilnError('INTERNAL', `The training worker failed: ${e.message}`))));
      worker.on('exit', (code) =>
        finish(() =>
          reject(
            new KilnError(ctx.signal.aborted ? 'CANCELLED' : 'INTERNAL', ctx.signal.aborted ? 'Cancelled' : `The training worker stopped (exit code ${code})`),
          ),
        ),
      );
    });
  }

  private row(db: Database, id: number): ModelRow {
    const r = db.prepare('SELECT * FROM models WHERE id = ?').get(id) as ModelRow | undefined;
    if (!r) throw new KilnError('NOT_FOUND', `There is no model #${id} in this project (see the model list)`);
    return r;
  }

  private summary(r: ModelRow, current: { impulseHash: string | null; datasetHash: string }): ModelSummary {
    const m = r.metrics ? (JSON.parse(r.metrics) as ModelMetrics) : null;
    const spec = (() => {
      try {
        return parseModelSpec(JSON.parse(r.spec));
      } catch {
        return null;
      }
    })();
    let params: number | null = null;
    if (spec && m) {
      const a = analyzeSpec(spec, m.kind === 'regression' ? { kind: 'regression' } : { kind: 'classification', classes: Math.max(2, m.classNames.length) });
      params = a.ok ? a.totalParams : null;
    }
    return {
      id: r.id,
      block: r.learning_block,
      kind: m?.kind ?? 'classification',
      active: r.active === 1,
      createdAt: r.created_at,
      seed: r.seed,
      backend: r.backend,
      datasetHash: r.dataset_hash,
      impulseHash: r.impulse_hash,
      current: r.impulse_hash === current.impulseHash && r.dataset_hash === current.datasetHash,
      accuracy: m?.float32?.accuracy ?? null,
      int8Accuracy: m?.int8?.accuracy ?? null,
      loss: m?.float32?.loss ?? m?.regression?.mse ?? null,
      params,
      epochs: m?.epochsRun ?? 0,
    };
  }

  private current(db: Database): { impulseHash: string | null; datasetHash: string } {
    let impulseHash: string | null;
    try {
      impulseHash = currentImpulse(db).hash;
    } catch {
      impulseHash = null;
    }
    return { impulseHash, datasetHash: datasetHash(samplesOf(db, 'train')) };
  }

  list(project: string): ModelSummary[] {
    const db = this.db(project);
    const cur = this.current(db);
    return (db.prepare('SELECT * FROM models ORDER BY id DESC').all() as ModelRow[]).map((r) => this.summary(r, cur));
  }

  get(project: string, id: number): ModelDetail {
    const db = this.db(project);
    const r = this.row(db, id);
    const settings = trainSettings.safeParse(JSON.parse(r.settings));
    return {
      ...this.summary(r, this.current(db)),
      spec: JSON.parse(r.spec) as unknown,
      settings: settings.success ? settings.data : trainSettings.parse({}),
      metrics: JSON.parse(r.metrics ?? 'null') as ModelMetrics,
    };
  }

  compare(project: string, a: number, b: number): { a: ModelDetail; b: ModelDetail } {
    if (a === b) throw new KilnError('BAD_PARAMS', 'Pick two different models to compare', { field: 'b' });
    return { a: this.get(project, a), b: this.get(project, b) };
  }

  activate(project: string, id: number): ModelSummary {
    const db = this.db(project);
    const r = this.row(db, id);
    db.transaction(() => {
      db.prepare('UPDATE models SET active = 0 WHERE learning_block = ?').run(r.learning_block);
      db.prepare('UPDATE models SET active = 1 WHERE id = ?').run(id);
    })();
    return this.summary(this.row(db, id), this.current(db));
  }

  delete(project: string, id: number): { undoToken: string } {
    const db = this.db(project);
    const r = this.row(db, id);
    db.prepare('DELETE FROM models WHERE id = ?').run(id);
    const now = Date.now();
    for (const [k, v] of this.trash) if (v.expires < now) this.trash.delete(k);
    const undoToken = randomUUID();
    this.trash.set(undoToken, { project, row: r, expires: now + UNDO_MS });
    return { undoToken };
  }

  restore(project: string, undoToken: string): ModelSummary {
    const t = this.trash.get(undoToken);
    if (!t || t.project !== project || t.expires < Date.now()) {
      throw new KilnError('NOT_FOUND', 'This deletion can no longer be undone (undo lasts 10 minutes and ends when Kiln restarts)');
    }
    const db = this.db(project);
    const r = t.row;
    db.transaction(() => {
      if (r.active) db.prepare('UPDATE models SET active = 0 WHERE learning_block = ?').run(r.learning_block);
      db.prepare(
        `INSERT INTO models (id, impulse_id, learning_block, spec, settings, weights, metrics, dataset_hash, impulse_hash, seed, backend, active, created_at)
         VALUES (@id, @impulse_id, @learning_block, @spec, @settings, @weights, @metrics, @dataset_hash, @impulse_hash, @seed, @backend, @active, @created_at)`,
      ).run(r);
    })();
    this.trash.delete(undoToken);
    return this.summary(this.row(db, r.id), this.current(db));
  }

  /** A model's network as ONNX bytes, with a file name for it. */
  onnxModel(project: string, id: number): { bytes: Uint8Array; fileName: string } {
    const pdb = this.home.get(project);
    const r = this.row(pdb.db, id);
    const stored = decodeModel(r.weights, `model #${id}`);
    if (!stored.weights) throw new KilnError('UNSUPPORTED', `Model #${id} is an anomaly block; only neural networks export to ONNX`);
    const bytes = exportOnnx(parseModelSpec(JSON.parse(r.spec)), stored.weights, { name: `kiln_${r.learning_block}_${id}` });
    return { bytes, fileName: `${this.home.nameOf(pdb.file).replace(/[^\w.-]+/g, '-')}-${r.learning_block}-${id}.onnx` };
  }

  /** Writes a model's network as an ONNX file (the CLI; absolute path, or relative to the project's folder). */
  exportOnnx(project: string, id: number, out: string): { path: string; bytes: number } {
    const pdb = this.home.get(project);
    const file = path.resolve(path.dirname(pdb.file), out);
    if (!file.endsWith('.onnx')) throw new KilnError('BAD_PARAMS', `The output file should end in .onnx (got "${out}")`, { field: 'out' });
    const { bytes } = this.onnxModel(project, id);
    try {
      writeFileSync(file, bytes);
    } catch (e) {
      throw new KilnError('BAD_PARAMS', `Cannot write ${file}: ${e instanceof Error ? e.message : String(e)}`, { field: 'out' });
    }
    return { path: file, bytes: bytes.length };
  }

  /** The model to test: the given one or the active model of the first learning block. */
  private modelToTest(db: Database, impulse: Impulse, modelId?: number): ModelRow {
    if (modelId !== undefined) return this.row(db, modelId);
    const blockIds = impulse.learning.map((l) => l.id);
    const rows = db.prepare('SELECT * FROM models WHERE active = 1 ORDER BY id DESC').all() as ModelRow[];
    const r = rows.find((x) => blockIds.includes(x.learning_block)) ?? rows[0];
    if (!r) throw new KilnError('NOT_FOUND', 'There is no trained model yet: train one on the Training page (or `kiln train`) first');
    return r;
  }

  startTest(project: string, modelId?: number, precision: TestTask['precision'] = 'float32'): { jobId: string } {
    const db = this.db(project);
    const stored = currentImpulse(db);
    const r = this.modelToTest(db, stored.impulse, modelId);
    if (r.impulse_hash !== stored.hash) {
      throw new KilnError('BAD_DATA', `Model #${r.id} was trained with another version of the impulse; train it again before testing`, { field: 'modelId' });
    }
    const block = learningBlock(stored.impulse, r.learning_block);
    if (samplesOf(db, 'test').length === 0)
      throw new KilnError('NO_DATA', 'The test set is empty: move some samples to the test set (Data acquisition → Rebalance) first');
    const metrics = JSON.parse(r.metrics ?? 'null') as ModelMetrics | null;
    if (!metrics) throw new KilnError('CORRUPT_PROJECT', `Model #${r.id} has no metrics; train it again`);
    const settings = trainSettings.safeParse(JSON.parse(r.settings));
    const task: TestTask = {
      kind: 'test',
      fs: buildFeatureSet(db, stored.impulse, block, 'test', metrics.classNames),
      impulse: stored.impulse,
      block,
      modelId: r.id,
      spec: isNetwork(block.type) ? parseModelSpec(JSON.parse(r.spec)) : null,
      settings: settings.success ? settings.data : trainSettings.parse({}),
      classNames: metrics.classNames,
      blob: new Uint8Array(r.weights ?? Buffer.alloc(0)),
      precision,
    };
    const job = this.jobs.start('model.test', `Test model #${r.id}`, project, async (ctx) => {
      const result = (await this.runWorker(task, ctx)) as TestResult;
      this.setMeta(this.db(project), KEY_LAST_TEST, JSON.stringify(result));
      return { modelId: r.id, sampleAccuracy: result.sampleAccuracy, windowAccuracy: result.windows.accuracy, samples: result.samples.length };
    });
    return { jobId: job.id };
  }

  lastTest(project: string): TestResult | null {
    const raw = this.getMeta(this.db(project), KEY_LAST_TEST);
    return raw ? (JSON.parse(raw) as TestResult) : null;
  }

  estimate(project: string, modelId: number, boardId?: string) {
    const d = this.get(project, modelId);
    const boards = loadBoards();
    if (!boards.length) throw new KilnError('NOT_FOUND', 'No target boards are installed (boards/ folder is empty)');
    const board = boardId ? boards.find((b) => b.id === boardId) : boards[0];
    if (!board) throw new KilnError('NOT_FOUND', `Unknown board "${boardId}"; known boards: ${boards.map((b) => b.id).join(', ')}`, { field: 'board' });
    const cost = d.metrics.cost;
    if (!cost) throw new KilnError('NOT_FOUND', `Model #${modelId} has no cost figures; train it again`);
    return {
      boards: boards.map((b) => ({ id: b.id, name: b.name })),
      board: board.id,
      float32: estimateOnDevice(board, cost, 'float32'),
      int8: d.metrics.int8 ? estimateOnDevice(board, cost, 'int8') : null,
    };
  }
}

/**
 * Default settings for the project's impulse: learning rate, cycles, early stopping and audio
 * augmentation from `defaultTrainingSettings` (src/shared/model/defaults.ts, the one place that
 * holds them), for the network family of the first learning block's input.
 */
function defaultSettingsFor(db: Database): { settings: Partial<TrainSettingsInput>; family: NetworkFamily | null } {
  try {
    const { impulse } = currentImpulse(db);
    const block = impulse.learning[0];
    if (!block || !isNetwork(block.type)) return { settings: {}, family: null };
    const layout = featureLayout(impulse, block, knownFeatureLength(db, impulse, block));
    const audio = impulse.input.type === 'time-series' && impulse.dsp.some((d) => AUDIO_BLOCKS.has(d.block));
    return { settings: defaultTrainingSettings(layout.input, audio), family: networkFamily(layout.input) };
  } catch {
    // no impulse yet (or one that does not fit): the general defaults
    return { settings: {}, family: null };
  }
}

/** DSP blocks made for audio: their networks get audio augmentation by default. */
const AUDIO_BLOCKS = new Set(['mfcc', 'mfe']);
