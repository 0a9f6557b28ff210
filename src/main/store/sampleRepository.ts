/**
 * Samples of one project: metadata columns + Float32 little-endian data in a BLOB.
 * Recordings are written chunk by chunk as they arrive (`sample_chunks`), and joined into the
 * sample when they finish, so a crash or an unplugged board loses at most the last chunk.
 * Deletion is soft (undo); every multi-row change runs in one transaction.
 */
import { createHash } from 'node:crypto';
import type { SensorInfo } from '../../shared/formats/types';
import { KilnError } from '../../shared/errors';
import type { Db } from './projectDatabase';

export type Category = 'train' | 'test';
export type SampleStatus = 'recording' | 'complete' | 'truncated';

export interface SampleRecord {
  id: number;
  name: string;
  label: string;
  category: Category;
  sensors: SensorInfo[];
  intervalMs: number;
  readings: number;
  width: number | null;
  height: number | null;
  /** content hash (data + layout); null while recording */
  hash: string | null;
  source: string;
  deviceName: string | null;
  deviceType: string | null;
  status: SampleStatus;
  note: string | null;
  createdAt: string;
}

export interface NewSample {
  name?: string;
  label: string;
  category: Category;
  sensors: SensorInfo[];
  intervalMs: number;
  /** interleaved readings (images: one packed 0xRRGGBB per pixel) */
  values: Float32Array;
  width?: number | null;
  height?: number | null;
  source: string;
  deviceName?: string | null;
  deviceType?: string | null;
  status?: SampleStatus;
  note?: string | null;
}

export interface SampleQuery {
  label?: string;
  category?: Category;
  /** matches name, label or source */
  text?: string;
  sort?: 'created' | 'name' | 'label' | 'length' | 'category';
  descending?: boolean;
  offset?: number;
  limit?: number;
}

interface Row {
  id: number;
  name: string;
  label: string;
  category: Category;
  sensors: string;
  interval_ms: number;
  readings: number;
  width: number | null;
  height: number | null;
  hash: string | null;
  source: string;
  device_name: string | null;
  device_type: string | null;
  status: SampleStatus;
  note: string | null;
  created_at: string;
}

const COLUMNS = 'id, name, label, category, sensors, interval_ms, readings, width, height, hash, source, device_name, device_type, status, note, created_at';

/** samples no version refers to (only those may be purged) */
const UNREFERENCED = 'id NOT IN (SELECT sample_id FROM version_samples)';

const SORT_COLUMNS: Record<NonNullable<SampleQuery['sort']>, string> = {
  created: 'id',
  name: 'name COLLATE NOCASE',
  label: 'label COLLATE NOCASE',
  length: 'readings * interval_ms',
  category: 'category',
};

export function toBlob(values: Float32Array): Buffer {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

export function fromBlob(blob: Buffer | Uint8Array): Float32Array {
  // copy: SQLite's buffer may not be 4-byte aligned
  const copy = new Uint8Array(blob.byteLength);
  copy.set(blob);
  return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
}

/** Hash of what a sample's features depend on: the values and their layout. */
export function sampleHash(values: Float32Array, sensors: SensorInfo[], intervalMs: number, width?: number | null, height?: number | null): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ s: sensors.map((s) => s.name), i: intervalMs, w: width ?? null, h: height ?? null }));
  h.update(toBlob(values));
  return h.digest('hex').slice(0, 32);
}

export class SampleRepository {
  constructor(private readonly db: Db) {}

  insert(s: NewSample): SampleRecord {
    validateNew(s);
    return this.db.transaction(() => this.insertOne(s))();
  }

  /** Inserts many samples in one transaction (all or nothing). */
  insertMany(samples: NewSample[]): SampleRecord[] {
    samples.forEach(validateNew);
    return this.db.transaction(() => samples.map((s) => this.insertOne(s)))();
  }

  private insertOne(s: NewSample): SampleRecord {
    const readings = s.values.length / Math.max(1, s.width && s.height ? 1 : s.sensors.length);
    const result = this.db
      .prepare(
        `INSERT INTO samples (name, label, category, sensors, interval_ms, readings, width, height, data, hash, source, device_name, device_type, status, note, created_at)
         VALUES (@name, @label, @category, @sensors, @intervalMs, @readings, @width, @height, @data, @hash, @source, @deviceName, @deviceType, @status, @note, @createdAt)`,
      )
      .run({
        name: s.name ?? '',
        label: s.label,
        category: s.category,
        sensors: JSON.stringify(s.sensors),
        intervalMs: s.intervalMs,
        readings,
        width: s.width ?? null,
        height: s.height ?? null,
        data: toBlob(s.values),
        hash: sampleHash(s.values, s.sensors, s.intervalMs, s.width, s.height),
        source: s.source,
        deviceName: s.deviceName ?? null,
        deviceType: s.deviceType ?? null,
        status: s.status ?? 'complete',
        note: s.note ?? null,
        createdAt: new Date().toISOString(),
      });
    const id = Number(result.lastInsertRowid);
    if (!s.name) this.db.prepare('UPDATE samples SET name = ? WHERE id = ?').run(`${s.label || 'unlabelled'}.${id}`, id);
    return this.get(id);
  }

  get(id: number): SampleRecord {
    const row = this.db.prepare(`SELECT ${COLUMNS} FROM samples WHERE id = ? AND deleted_at IS NULL`).get(id) as Row | undefined;
    if (!row) throw new KilnError('NOT_FOUND', `Sample ${id} does not exist (it may have been deleted)`);
    return toRecord(row);
  }

  /** The sample's values (interleaved readings). */
  data(id: number): Float32Array {
    const row = this.db.prepare('SELECT data, status FROM samples WHERE id = ? AND deleted_at IS NULL').get(id) as
      { data: Buffer; status: SampleStatus } | undefined;
    if (!row) throw new KilnError('NOT_FOUND', `Sample ${id} does not exist (it may have been deleted)`);
    if (row.status === 'recording') return this.chunkData(id);
    return fromBlob(row.data);
  }

  query(q: SampleQuery = {}): { rows: SampleRecord[]; total: number } {
    const where: string[] = ['deleted_at IS NULL'];
    const params: Record<string, unknown> = {};
    if (q.label !== undefined) {
      where.push('label = @label');
      params.label = q.label;
    }
    if (q.category) {
      where.push('category = @category');
      params.category = q.category;
    }
    if (q.text) {
      where.push("(name LIKE @text ESCAPE '\\' OR label LIKE @text ESCAPE '\\' OR source LIKE @text ESCAPE '\\')");
      params.text = `%${q.text.replace(/[\\%_]/g, (c) => '\\' + c)}%`;
    }
    const clause = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM samples WHERE ${clause}`).get(params) as { n: number }).n;
    const order = `${SORT_COLUMNS[q.sort ?? 'created']} ${q.descending ? 'DESC' : 'ASC'}, id ${q.descending ? 'DESC' : 'ASC'}`;
    // pick the page's ids on the covering index (samples_list), then read only those rows:
    // filtering, sorting and skipping never touch the rows that hold sample data
    const rows = this.db
      .prepare(
        `SELECT ${COLUMNS} FROM samples WHERE id IN (SELECT id FROM samples WHERE ${clause} ORDER BY ${order} LIMIT @limit OFFSET @offset) ORDER BY ${order}`,
      )
      .all({ ...params, limit: q.limit ?? -1, offset: q.offset ?? 0 }) as Row[];
    return { rows: rows.map(toRecord), total };
  }

  /** ids of every live sample matching a query (for "select all" actions) */
  ids(q: Omit<SampleQuery, 'offset' | 'limit'> = {}): number[] {
    return this.query(q).rows.map((r) => r.id);
  }

  counts(): { label: string; train: number; test: number }[] {
    return this.db
      .prepare(
        `SELECT label, sum(category = 'train') AS train, sum(category = 'test') AS test FROM samples WHERE deleted_at IS NULL GROUP BY label ORDER BY label`,
      )
      .all() as { label: string; train: number; test: number }[];
  }

  relabel(ids: number[], label: string): number {
    if (!label.trim()) throw new KilnError('BAD_REQUEST', 'A label cannot be empty');
    return this.updateMany(ids, 'UPDATE samples SET label = ? WHERE id = ? AND deleted_at IS NULL', label.trim());
  }

  setCategory(ids: number[], category: Category): number {
    return this.updateMany(ids, 'UPDATE samples SET category = ? WHERE id = ? AND deleted_at IS NULL', category);
  }

  /** Soft-deletes; `restore` with the same ids undoes it. */
  remove(ids: number[]): number {
    return this.updateMany(ids, 'UPDATE samples SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL', new Date().toISOString());
  }

  restore(ids: number[]): number {
    return this.updateMany(ids, 'UPDATE samples SET deleted_at = NULL WHERE id = ? AND deleted_at IS NOT NULL');
  }

  /** The ids among these that name live (not deleted) samples. */
  liveIds(ids: number[]): number[] {
    const stmt = this.db.prepare('SELECT 1 FROM samples WHERE id = ? AND deleted_at IS NULL');
    return ids.filter((id) => stmt.get(id) !== undefined);
  }

  /** Soft-deleted samples that a purge would drop (kept for undo until then) and the bytes of their data. */
  trash(): { count: number; bytes: number } {
    const r = this.db
      .prepare(`SELECT count(*) AS n, coalesce(sum(length(data)), 0) AS bytes FROM samples WHERE deleted_at IS NOT NULL AND ${UNREFERENCED}`)
      .get() as {
      n: number;
      bytes: number;
    };
    return { count: r.n, bytes: r.bytes };
  }

  /**
   * Drops soft-deleted samples for good (only those deleted before `before`, an ISO time, when
   * given). Samples a version refers to are kept, so every version stays restorable.
   */
  purgeDeleted(before?: string): number {
    if (before === undefined) return this.db.prepare(`DELETE FROM samples WHERE deleted_at IS NOT NULL AND ${UNREFERENCED}`).run().changes;
    return this.db.prepare(`DELETE FROM samples WHERE deleted_at IS NOT NULL AND deleted_at < ? AND ${UNREFERENCED}`).run(before).changes;
  }

  /**
   * Moves samples between train and test so that each label has `testFraction` of its samples in
   * test (stratified), choosing which ones with a seeded shuffle. Returns how many moved.
   */
  rebalance(testFraction: number, seed = 1): number {
    if (!(testFraction >= 0 && testFraction <= 1)) throw new KilnError('BAD_REQUEST', 'The test share must be between 0 and 100 %');
    const rows = this.db.prepare('SELECT id, label, category FROM samples WHERE deleted_at IS NULL ORDER BY id').all() as {
      id: number;
      label: string;
      category: Category;
    }[];
    const byLabel = new Map<string, typeof rows>();
    for (const r of rows) byLabel.set(r.label, [...(byLabel.get(r.label) ?? []), r]);
    const moves: [number, Category][] = [];
    for (const group of byLabel.values()) {
      const shuffled = seededShuffle(group, seed);
      const wantTest = Math.round(group.length * testFraction);
      // keep samples where they are when possible: pick test samples from current test first
      const currentTest = shuffled.filter((r) => r.category === 'test');
      const currentTrain = shuffled.filter((r) => r.category === 'train');
      const ordered = [...currentTest, ...currentTrain];
      ordered.forEach((r, i) => {
        const target: Category = i < wantTest ? 'test' : 'train';
        if (r.category !== target) moves.push([r.id, target]);
      });
    }
    const stmt = this.db.prepare('UPDATE samples SET category = ? WHERE id = ?');
    this.db.transaction(() => moves.forEach(([id, c]) => stmt.run(c, id)))();
    return moves.length;
  }

  /** Keeps readings [start, end) of a sample; the original is kept soft-deleted for undo. */
  crop(id: number, start: number, end: number): { created: SampleRecord; replaced: number } {
    const s = this.get(id);
    if (s.width) throw new KilnError('UNSUPPORTED', 'Images cannot be cropped in time');
    if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && end <= s.readings && end - start >= 1)) {
      throw new KilnError('BAD_REQUEST', `Crop range ${start}…${end} is outside the sample (0…${s.readings} readings)`);
    }
    const axes = s.sensors.length;
    const values = this.data(id).slice(start * axes, end * axes);
    return this.db.transaction(() => {
      const created = this.insertOne({ ...recordToNew(s), values, name: s.name, note: `cropped from ${s.name}` });
      this.remove([id]);
      return { created, replaced: id };
    })();
  }

  /** Splits a sample at the given reading indexes; the original is kept soft-deleted for undo. */
  split(id: number, cuts: number[]): { created: SampleRecord[]; replaced: number } {
    const s = this.get(id);
    if (s.width) throw new KilnError('UNSUPPORTED', 'Images cannot be split');
    const points = [...new Set(cuts)].sort((a, b) => a - b);
    if (points.length === 0 || points.some((c) => !Number.isInteger(c) || c <= 0 || c >= s.readings)) {
      throw new KilnError('BAD_REQUEST', `Split points must be whole readings inside the sample (1…${s.readings - 1})`);
    }
    const axes = s.sensors.length;
    const all = this.data(id);
    const bounds = [0, ...points, s.readings];
    return this.db.transaction(() => {
      const created = bounds.slice(0, -1).map((from, i) =>
        this.insertOne({
          ...recordToNew(s),
          values: all.slice(from * axes, bounds[i + 1]! * axes),
          name: `${s.name}.${i + 1}`,
          note: `split from ${s.name}`,
        }),
      );
      this.remove([id]);
      return { created, replaced: id };
    })();
  }

  // --- recordings written as they arrive ---

  beginRecording(meta: {
    label: string;
    category: Category;
    sensors: SensorInfo[];
    intervalMs: number;
    source: string;
    deviceName?: string;
    deviceType?: string;
  }): number {
    const result = this.db
      .prepare(
        `INSERT INTO samples (name, label, category, sensors, interval_ms, readings, source, device_name, device_type, status, created_at)
         VALUES ('', ?, ?, ?, ?, 0, ?, ?, ?, 'recording', ?)`,
      )
      .run(
        meta.label,
        meta.category,
        JSON.stringify(meta.sensors),
        meta.intervalMs,
        meta.source,
        meta.deviceName ?? null,
        meta.deviceType ?? null,
        new Date().toISOString(),
      );
    const id = Number(result.lastInsertRowid);
    this.db.prepare('UPDATE samples SET name = ? WHERE id = ?').run(`${meta.label}.${id}`, id);
    return id;
  }

  appendChunk(id: number, values: Float32Array): void {
    const row = this.db.prepare("SELECT sensors FROM samples WHERE id = ? AND status = 'recording'").get(id) as { sensors: string } | undefined;
    if (!row) throw new KilnError('NOT_FOUND', `Sample ${id} is not being recorded`);
    const axes = (JSON.parse(row.sensors) as SensorInfo[]).length;
    if (values.length % axes !== 0) throw new KilnError('BAD_DATA', `A chunk of ${values.length} values does not divide into ${axes} axes`);
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO sample_chunks (sample_id, seq, data) VALUES (?, (SELECT coalesce(max(seq), 0) + 1 FROM sample_chunks WHERE sample_id = ?), ?)')
        .run(id, id, toBlob(values));
      this.db.prepare('UPDATE samples SET readings = readings + ? WHERE id = ?').run(values.length / axes, id);
    })();
  }

  /** Joins the chunks into the sample. A recording with no data is removed and null returned. */
  finishRecording(id: number, result: { truncated: boolean; reason?: string }): SampleRecord | null {
    return this.db.transaction(() => {
      const values = this.chunkData(id);
      const row = this.db.prepare('SELECT sensors, interval_ms FROM samples WHERE id = ?').get(id) as { sensors: string; interval_ms: number } | undefined;
      if (!row) throw new KilnError('NOT_FOUND', `Sample ${id} is not being recorded`);
      if (values.length === 0) {
        this.db.prepare('DELETE FROM samples WHERE id = ?').run(id);
        return null;
      }
      const sensors = JSON.parse(row.sensors) as SensorInfo[];
      this.db
        .prepare('UPDATE samples SET data = ?, hash = ?, status = ?, note = ?, readings = ? WHERE id = ?')
        .run(
          toBlob(values),
          sampleHash(values, sensors, row.interval_ms),
          result.truncated ? 'truncated' : 'complete',
          result.reason ?? null,
          values.length / sensors.length,
          id,
        );
      this.db.prepare('DELETE FROM sample_chunks WHERE sample_id = ?').run(id);
      return this.get(id);
    })();
  }

  /** Recordings a crash left open: keep what arrived, marked truncated. */
  recoverInterruptedRecordings(): number {
    const ids = (this.db.prepare("SELECT id FROM samples WHERE status = 'recording'").all() as { id: number }[]).map((r) => r.id);
    for (const id of ids) this.finishRecording(id, { truncated: true, reason: 'Kiln stopped while recording' });
    return ids.length;
  }

  private chunkData(id: number): Float32Array {
    const chunks = this.db.prepare('SELECT data FROM sample_chunks WHERE sample_id = ? ORDER BY seq').all(id) as { data: Buffer }[];
    const total = chunks.reduce((n, c) => n + c.data.byteLength, 0);
    const out = new Uint8Array(total);
    let at = 0;
    for (const c of chunks) {
      out.set(c.data, at);
      at += c.data.byteLength;
    }
    return new Float32Array(out.buffer, 0, total / 4);
  }

  private updateMany(ids: number[], sql: string, ...lead: unknown[]): number {
    const stmt = this.db.prepare(sql);
    return this.db.transaction(() => ids.reduce((n, id) => n + stmt.run(...lead, id).changes, 0))();
  }
}

function validateNew(s: NewSample): void {
  const isImage = !!(s.width && s.height);
  // '' is "unlabelled" (kept, never a class); a label of only spaces is a mistake
  if (s.label !== '' && !s.label.trim()) throw new KilnError('BAD_REQUEST', 'A sample needs a label');
  if (s.sensors.length === 0) throw new KilnError('BAD_DATA', 'A sample needs at least one sensor');
  if (isImage ? s.values.length !== s.width! * s.height! : s.values.length % s.sensors.length !== 0) {
    throw new KilnError(
      'BAD_DATA',
      `Sample "${s.name ?? s.label}" has ${s.values.length} values, which does not fit ${isImage ? `${s.width}×${s.height} pixels` : `${s.sensors.length} axes`}`,
    );
  }
  if (!isImage && !(s.intervalMs > 0)) throw new KilnError('BAD_DATA', `Sample "${s.name ?? s.label}" has no valid interval (${s.intervalMs} ms)`);
  for (let i = 0; i < s.values.length; i++) {
    if (!Number.isFinite(s.values[i]!)) {
      const axes = s.sensors.length;
      throw new KilnError(
        'BAD_DATA',
        `Sample "${s.name ?? s.label}" has a non-finite value (${s.values[i]}) at reading ${Math.floor(i / axes)}, axis ${s.sensors[i % axes]?.name}`,
      );
    }
  }
}

function toRecord(r: Row): SampleRecord {
  return {
    id: r.id,
    name: r.name,
    label: r.label,
    category: r.category,
    sensors: JSON.parse(r.sensors) as SensorInfo[],
    intervalMs: r.interval_ms,
    readings: r.readings,
    width: r.width,
    height: r.height,
    hash: r.hash,
    source: r.source,
    deviceName: r.device_name,
    deviceType: r.device_type,
    status: r.status,
    note: r.note,
    createdAt: r.created_at,
  };
}

function recordToNew(s: SampleRecord): Omit<NewSample, 'values'> {
  return {
    label: s.label,
    category: s.category,
    sensors: s.sensors,
    intervalMs: s.intervalMs,
    width: s.width,
    height: s.height,
    source: s.source,
    deviceName: s.deviceName,
    deviceType: s.deviceType,
    status: s.status,
  };
}

/** Deterministic Fisher–Yates with a small xorshift generator. */
export function seededShuffle<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let x = seed >>> 0 || 0x9e3779b9;
  const next = () => {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    return x / 0x100000000;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}
