/**
 * Versions of one project: immutable snapshots. A version refers to its samples by row id and
 * content hash (`version_samples`; the sample data is never copied again, and a referred-to
 * sample is never purged), copies the active models (`version_models`; models can be deleted
 * from the registry, a version must still hold them) and keeps the rest (impulse, training
 * settings, last test result, counts) as one JSON document in `versions.snapshot`.
 */
import type { Db } from './projectDatabase';
import type { Category } from './sampleRepository';

export interface VersionRow {
  id: number;
  message: string;
  snapshot: string;
  snapshotFormat: number;
  createdAt: string;
}

export interface VersionSampleRow {
  sampleId: number;
  hash: string;
  name: string;
  label: string;
  category: Category;
}

export interface ModelCopy {
  modelId: number;
  learningBlock: string;
  spec: string;
  settings: string;
  weights: Buffer | null;
  metrics: string | null;
  datasetHash: string;
  impulseHash: string;
  seed: number;
  backend: string;
  createdAt: string;
}

const MODEL_COLUMNS = 'learning_block, spec, settings, weights, metrics, dataset_hash, impulse_hash, seed, backend, created_at';

interface ModelDbRow {
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
  created_at: string;
}

function toCopy(r: ModelDbRow): ModelCopy {
  return {
    modelId: r.id,
    learningBlock: r.learning_block,
    spec: r.spec,
    settings: r.settings,
    weights: r.weights,
    metrics: r.metrics,
    datasetHash: r.dataset_hash,
    impulseHash: r.impulse_hash,
    seed: r.seed,
    backend: r.backend,
    createdAt: r.created_at,
  };
}

export class VersionRepository {
  constructor(private readonly db: Db) {}

  /** Stores a version: the snapshot document, the current live samples and copies of the given models. */
  insert(message: string, snapshot: string, snapshotFormat: number, models: ModelCopy[]): number {
    return this.db.transaction(() => {
      const r = this.db
        .prepare('INSERT INTO versions (name, description, snapshot, snapshot_format, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(message, '', snapshot, snapshotFormat, new Date().toISOString());
      const id = Number(r.lastInsertRowid);
      this.db
        .prepare(
          `INSERT INTO version_samples (version_id, sample_id, hash, name, label, category)
           SELECT ?, id, hash, name, label, category FROM samples WHERE deleted_at IS NULL AND status != 'recording' AND hash IS NOT NULL`,
        )
        .run(id);
      const insertModel = this.db.prepare(
        `INSERT INTO version_models (version_id, model_id, ${MODEL_COLUMNS})
         VALUES (@versionId, @modelId, @learningBlock, @spec, @settings, @weights, @metrics, @datasetHash, @impulseHash, @seed, @backend, @createdAt)`,
      );
      for (const m of models) insertModel.run({ versionId: id, ...m });
      return id;
    })();
  }

  list(): VersionRow[] {
    return (this.db.prepare('SELECT id, name, snapshot, snapshot_format, created_at FROM versions ORDER BY id DESC').all() as DbVersion[]).map(toVersion);
  }

  get(id: number): VersionRow | null {
    const r = this.db.prepare('SELECT id, name, snapshot, snapshot_format, created_at FROM versions WHERE id = ?').get(id) as DbVersion | undefined;
    return r ? toVersion(r) : null;
  }

  samples(versionId: number): VersionSampleRow[] {
    return this.db
      .prepare('SELECT sample_id AS sampleId, hash, name, label, category FROM version_samples WHERE version_id = ? ORDER BY sample_id')
      .all(versionId) as VersionSampleRow[];
  }

  models(versionId: number): ModelCopy[] {
    return (
      this.db.prepare(`SELECT model_id AS id, ${MODEL_COLUMNS} FROM version_models WHERE version_id = ? ORDER BY model_id`).all(versionId) as ModelDbRow[]
    ).map(toCopy);
  }

  /** The active models of the working project (one per learning block). */
  activeModels(): ModelCopy[] {
    return (this.db.prepare(`SELECT id, ${MODEL_COLUMNS} FROM models WHERE active = 1 ORDER BY id`).all() as ModelDbRow[]).map(toCopy);
  }

  /** Current hashes of the sample rows a version refers to (a row missing = null). */
  currentHashes(versionId: number): Map<number, string | null> {
    const rows = this.db
      .prepare('SELECT vs.sample_id AS id, s.hash AS hash FROM version_samples vs LEFT JOIN samples s ON s.id = vs.sample_id WHERE vs.version_id = ?')
      .all(versionId) as { id: number; hash: string | null }[];
    return new Map(rows.map((r) => [r.id, r.hash]));
  }

  /**
   * Makes the working dataset exactly the version's: its samples live again with their name,
   * label and category, every other live sample soft-deleted (undo from the trash).
   */
  restoreSamples(versionId: number): { restored: number; removed: number } {
    const now = new Date().toISOString();
    const removed = this.db
      .prepare(
        `UPDATE samples SET deleted_at = ? WHERE deleted_at IS NULL AND status != 'recording'
           AND id NOT IN (SELECT sample_id FROM version_samples WHERE version_id = ?)`,
      )
      .run(now, versionId).changes;
    const restored = this.db
      .prepare(
        `UPDATE samples SET deleted_at = NULL, name = vs.name, label = vs.label, category = vs.category
           FROM version_samples vs WHERE vs.version_id = ? AND vs.sample_id = samples.id`,
      )
      .run(versionId).changes;
    return { restored, removed };
  }

  /**
   * Makes the version's models the active ones: a registry model with the same id and weights is
   * activated, otherwise the copy is added to the registry. Returns the active model ids.
   */
  restoreModels(versionId: number): number[] {
    const copies = this.models(versionId);
    this.db.prepare('UPDATE models SET active = 0 WHERE active = 1').run();
    const same = this.db.prepare('SELECT id FROM models WHERE id = ? AND weights IS ? AND spec = ? AND settings = ?');
    const activate = this.db.prepare('UPDATE models SET active = 1 WHERE id = ?');
    const insert = this.db.prepare(
      `INSERT INTO models (${MODEL_COLUMNS}, active) VALUES (@learningBlock, @spec, @settings, @weights, @metrics, @datasetHash, @impulseHash, @seed, @backend, @createdAt, 1)`,
    );
    return copies.map((m) => {
      const existing = same.get(m.modelId, m.weights, m.spec, m.settings) as { id: number } | undefined;
      if (existing) {
        activate.run(existing.id);
        return existing.id;
      }
      return Number(insert.run(m).lastInsertRowid);
    });
  }

  /** Project settings whose keys start with `prefix` (training settings, specs, last test). */
  projectKeys(prefix: string): Record<string, string> {
    const rows = this.db.prepare("SELECT key, value FROM project WHERE key LIKE ? ESCAPE '\\' ORDER BY key").all(likePrefix(prefix)) as {
      key: string;
      value: string;
    }[];
    return Object.fromEntries(rows.map((r) => [r.key, r.value]));
  }

  /** Replaces every project setting under `prefix` with the given ones. */
  replaceProjectKeys(prefix: string, values: Record<string, string>): void {
    this.db.prepare("DELETE FROM project WHERE key LIKE ? ESCAPE '\\'").run(likePrefix(prefix));
    const put = this.db.prepare('INSERT INTO project (key, value) VALUES (?, ?)');
    for (const [k, v] of Object.entries(values)) if (k.startsWith(prefix)) put.run(k, v);
  }

  /** For a standalone export: drops every version but `keep`, non-active models and deleted unreferenced samples. */
  pruneForExport(keep: number): void {
    this.db.prepare('DELETE FROM versions WHERE id != ?').run(keep);
    this.db.prepare('DELETE FROM models WHERE active = 0').run();
    this.db.prepare('DELETE FROM jobs').run();
  }
}

interface DbVersion {
  id: number;
  name: string;
  snapshot: string;
  snapshot_format: number;
  created_at: string;
}

function toVersion(r: DbVersion): VersionRow {
  return { id: r.id, message: r.name, snapshot: r.snapshot, snapshotFormat: r.snapshot_format, createdAt: r.created_at };
}

function likePrefix(prefix: string): string {
  return prefix.replace(/[\\%_]/g, (c) => '\\' + c) + '%';
}
