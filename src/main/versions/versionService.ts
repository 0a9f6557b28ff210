/**
 * Versions of a project: create an immutable snapshot (dataset by content, impulse, training
 * settings, active models with their weights, last test result), list, diff two, restore one
 * into the working project (the current state is kept as a version first, so a restore can be
 * undone) and export one as a standalone .kiln file.
 */
import { existsSync, mkdirSync, renameSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RestoreResult, VersionDiff, VersionSummary } from '../../shared/api/versions';
import { versionMessage } from '../../shared/api/versions';
import { KilnError } from '../../shared/errors';
import type { Impulse } from '../../shared/impulse/impulse';
import type { EventBus } from '../api/eventBus';
import type { JobRunner } from '../jobs/jobRunner';
import { loadImpulse, saveImpulse } from '../pipeline/impulseStore';
import type { Db } from '../store/projectDatabase';
import type { ProjectHome } from '../store/projectHome';
import { SampleRepository } from '../store/sampleRepository';
import { VersionRepository, type ModelCopy, type VersionRow } from '../store/versionRepository';

/** Format of the snapshot document this Kiln writes; a version with a higher one is refused. */
export const SNAPSHOT_FORMAT = 1;

/** project settings a version keeps: training settings, per-block architectures, last test result */
const SETTINGS_PREFIX = 'training.';
const LAST_TEST_KEY = 'training.lastTest';

export interface Snapshot {
  impulse: Impulse | null;
  impulseHash: string | null;
  settings: Record<string, string>;
  counts: { label: string; train: number; test: number }[];
  accuracy: number | null;
  modelBytes: number | null;
}

interface StoredMetrics {
  float32?: { accuracy?: number } | null;
  int8?: { accuracy?: number } | null;
  sizes?: { float32Bytes?: number; int8Bytes?: number | null };
}

function parseJson<T>(text: string | null | undefined): T | null {
  if (!text) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}

/** The accuracy a version shows: the stored test result of an active model, else its validation accuracy. */
function accuracyOf(settings: Record<string, string>, models: ModelCopy[]): number | null {
  const test = parseJson<{ modelId?: number; windows?: { accuracy?: number } }>(settings[LAST_TEST_KEY]);
  if (test && models.some((m) => m.modelId === test.modelId) && typeof test.windows?.accuracy === 'number') return test.windows.accuracy;
  const m = parseJson<StoredMetrics>(models[0]?.metrics);
  return m?.int8?.accuracy ?? m?.float32?.accuracy ?? null;
}

function modelBytesOf(models: ModelCopy[]): number | null {
  if (models.length === 0) return null;
  let total = 0;
  for (const model of models) {
    const m = parseJson<StoredMetrics>(model.metrics);
    total += m?.sizes?.int8Bytes ?? m?.sizes?.float32Bytes ?? model.weights?.byteLength ?? 0;
  }
  return total;
}

/** Everything but the sample rows and model copies (those have their own tables). */
function snapshotOf(db: Db, repo: VersionRepository, models: ModelCopy[]): Snapshot {
  const saved = loadImpulse(db);
  const settings = repo.projectKeys(SETTINGS_PREFIX);
  return {
    impulse: saved?.impulse ?? null,
    impulseHash: saved?.hash ?? null,
    settings,
    counts: new SampleRepository(db).counts(),
    accuracy: accuracyOf(settings, models),
    modelBytes: modelBytesOf(models),
  };
}

function readSnapshot(v: VersionRow): Snapshot {
  if (v.snapshotFormat > SNAPSHOT_FORMAT) {
    throw new KilnError(
      'NEWER_SCHEMA',
      `Version #${v.id} was made by a newer Kiln (snapshot format ${v.snapshotFormat}; this Kiln reads up to ${SNAPSHOT_FORMAT}). Update Kiln to restore it.`,
      { field: 'id', version: v.id },
    );
  }
  const s = parseJson<Snapshot>(v.snapshot);
  if (!s) throw new KilnError('CORRUPT_PROJECT', `Version #${v.id} has a damaged snapshot document`, { field: 'id' });
  return s;
}

function summaryOf(repo: VersionRepository, v: VersionRow): VersionSummary {
  const s = parseJson<Partial<Snapshot>>(v.snapshot) ?? {};
  const counts = s.counts ?? [];
  return {
    id: v.id,
    message: v.message,
    createdAt: v.createdAt,
    samples: counts.reduce((n, c) => n + c.train + c.test, 0),
    counts,
    accuracy: s.accuracy ?? null,
    modelBytes: s.modelBytes ?? null,
    modelIds: repo.models(v.id).map((m) => m.modelId),
    impulseHash: s.impulseHash ?? null,
  };
}

function getVersion(repo: VersionRepository, id: number): VersionRow {
  const v = repo.get(id);
  if (!v) throw new KilnError('NOT_FOUND', `There is no version #${id} in this project (see the version list)`, { field: 'id' });
  return v;
}

/** Stores the working state of a project as a new version. */
export function createVersion(db: Db, message: string): number {
  const parsed = versionMessage.safeParse(message);
  if (!parsed.success) throw new KilnError('BAD_PARAMS', parsed.error.issues[0]!.message, { field: 'message' });
  const repo = new VersionRepository(db);
  const models = repo.activeModels();
  return repo.insert(parsed.data, JSON.stringify(snapshotOf(db, repo, models)), SNAPSHOT_FORMAT, models);
}

/** Makes the working project the version's state (no backup: see VersionService.restore). */
export function applyVersion(db: Db, id: number): { samples: number; removed: number; modelIds: number[] } {
  const repo = new VersionRepository(db);
  const v = getVersion(repo, id);
  const snapshot = readSnapshot(v);
  return db.transaction(() => {
    const expected = repo.samples(id);
    const current = repo.currentHashes(id);
    for (const s of expected) {
      if (current.get(s.sampleId) !== s.hash) {
        throw new KilnError('CORRUPT_PROJECT', `Sample "${s.name}" of version #${id} is missing or changed; the version cannot be restored exactly`, {
          sample: s.sampleId,
        });
      }
    }
    const { restored, removed } = repo.restoreSamples(id);
    if (snapshot.impulse) saveImpulse(db, snapshot.impulse);
    repo.replaceProjectKeys(SETTINGS_PREFIX, snapshot.settings);
    const modelIds = repo.restoreModels(id);
    return { samples: restored, removed, modelIds };
  })();
}

/** Flattens JSON into path → leaf value ("dsp[0].params.scale-axes": 1). */
function flatten(value: unknown, prefix = '', out = new Map<string, unknown>()): Map<string, unknown> {
  if (Array.isArray(value)) value.forEach((v, i) => flatten(v, `${prefix}[${i}]`, out));
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  else out.set(prefix, value);
  return out;
}

/** Field-by-field changes between two JSON values (paths sorted). */
export function fieldChanges(a: unknown, b: unknown): { path: string; from: unknown; to: unknown }[] {
  const fa = flatten(a);
  const fb = flatten(b);
  const paths = [...new Set([...fa.keys(), ...fb.keys()])].sort();
  return paths.filter((p) => !Object.is(fa.get(p), fb.get(p))).map((p) => ({ path: p, from: fa.get(p) ?? null, to: fb.get(p) ?? null }));
}

function settingsObject(settings: Record<string, string>): Record<string, unknown> {
  // the last test result is a metric, not a setting
  return Object.fromEntries(
    Object.entries(settings)
      .filter(([k]) => k !== LAST_TEST_KEY)
      .map(([k, v]) => [k.slice(SETTINGS_PREFIX.length), parseJson(v) ?? v]),
  );
}

export class VersionService {
  constructor(
    private readonly home: ProjectHome,
    private readonly events: EventBus,
    private readonly jobs: JobRunner,
  ) {}

  private repo(project: string): VersionRepository {
    return new VersionRepository(this.home.get(project).db);
  }

  private changed(project: string): void {
    this.events.emit('projects.changed', {});
    void project;
  }

  list(project: string): VersionSummary[] {
    const repo = this.repo(project);
    return repo.list().map((v) => summaryOf(repo, v));
  }

  get(project: string, id: number): VersionSummary {
    const repo = this.repo(project);
    return summaryOf(repo, getVersion(repo, id));
  }

  create(project: string, message: string): VersionSummary {
    const id = createVersion(this.home.get(project).db, message);
    return this.get(project, id);
  }

  diff(project: string, from: number, to: number): VersionDiff {
    if (from === to) throw new KilnError('BAD_PARAMS', 'Pick two different versions to compare', { field: 'to' });
    const repo = this.repo(project);
    const va = getVersion(repo, from);
    const vb = getVersion(repo, to);
    const sa = readSnapshot(va);
    const sb = readSnapshot(vb);
    const a = new Map(repo.samples(from).map((s) => [s.sampleId, s]));
    const b = new Map(repo.samples(to).map((s) => [s.sampleId, s]));
    const byLabel = new Map<string, VersionDiff['samples']['byLabel'][number]>();
    const row = (label: string) => {
      let r = byLabel.get(label);
      if (!r) byLabel.set(label, (r = { label, added: 0, removed: 0, relabelledIn: 0, relabelledOut: 0, moved: 0 }));
      return r;
    };
    const totals = { added: 0, removed: 0, relabelled: 0, moved: 0 };
    for (const [id, s] of b) {
      const old = a.get(id);
      if (!old) {
        row(s.label).added++;
        totals.added++;
        continue;
      }
      if (old.label !== s.label) {
        row(old.label).relabelledOut++;
        row(s.label).relabelledIn++;
        totals.relabelled++;
      }
      if (old.category !== s.category) {
        row(s.label).moved++;
        totals.moved++;
      }
    }
    for (const [id, s] of a) {
      if (!b.has(id)) {
        row(s.label).removed++;
        totals.removed++;
      }
    }
    const fromSummary = summaryOf(repo, va);
    const toSummary = summaryOf(repo, vb);
    return {
      from: fromSummary,
      to: toSummary,
      samples: { ...totals, byLabel: [...byLabel.values()].sort((x, y) => x.label.localeCompare(y.label)) },
      impulse: fieldChanges(sa.impulse, sb.impulse),
      settings: fieldChanges(settingsObject(sa.settings), settingsObject(sb.settings)),
      metrics: [
        { name: 'accuracy', from: fromSummary.accuracy, to: toSummary.accuracy },
        { name: 'model bytes', from: fromSummary.modelBytes, to: toSummary.modelBytes },
        { name: 'samples', from: fromSummary.samples, to: toSummary.samples },
      ].filter((m) => m.from !== m.to),
    };
  }

  /** Restores a version; the state before is kept as a new version first (restore that to undo). */
  restore(project: string, id: number): RestoreResult {
    const db = this.home.get(project).db;
    const repo = new VersionRepository(db);
    readSnapshot(getVersion(repo, id));
    const result = db.transaction(() => {
      const backup = createVersion(db, `Before restoring version #${id}`);
      return { backup, ...applyVersion(db, id) };
    })();
    this.changed(project);
    return {
      restored: this.get(project, id),
      backup: this.get(project, result.backup),
      samples: result.samples,
      removed: result.removed,
      modelIds: result.modelIds,
    };
  }

  /** Writes a version as a standalone project file under `<home>/exports/`, as a job. */
  export(project: string, id: number): { jobId: string } {
    const handle = this.home.get(project);
    const repo = new VersionRepository(handle.db);
    readSnapshot(getVersion(repo, id));
    const dir = path.join(this.home.dir, 'exports');
    const name = `${this.home.nameOf(handle.file)}-v${id}`;
    const job = this.jobs.start('version.export', `Export version #${id} of ${this.home.nameOf(handle.file)}`, project, async (ctx) => {
      mkdirSync(dir, { recursive: true });
      let file = path.join(dir, `${name}.kiln`);
      for (let n = 2; existsSync(file); n++) file = path.join(dir, `${name} (${n}).kiln`);
      const partial = `${file}.partial`;
      try {
        ctx.progress(0, 'Copying the project');
        await handle.db.backup(partial, {
          progress({ totalPages, remainingPages }) {
            ctx.progress(totalPages ? (0.8 * (totalPages - remainingPages)) / totalPages : 0.8);
            return 256;
          },
        });
        ctx.throwIfCancelled();
        ctx.progress(0.85, 'Keeping only this version');
        const copy = new Database(partial);
        try {
          copy.pragma('foreign_keys = ON');
          applyVersion(copy, id);
          new VersionRepository(copy).pruneForExport(id);
          new SampleRepository(copy).purgeDeleted();
          copy.exec('VACUUM');
          copy.pragma('journal_mode = DELETE');
        } finally {
          copy.close();
        }
        renameSync(partial, file);
      } catch (e) {
        for (const f of [partial, `${partial}-wal`, `${partial}-shm`]) if (existsSync(f)) unlinkSync(f);
        throw e;
      }
      ctx.progress(1, 'Exported');
      return { path: file };
    });
    return { jobId: job.id };
  }
}
