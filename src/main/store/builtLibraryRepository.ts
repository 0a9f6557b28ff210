/**
 * Libraries built on the Deployment page or by `kiln export`, kept in the project: which model,
 * format, precision and board they were built for, by which Kiln, and the zip itself with its
 * SHA-256, so a firmware team can tell later exactly what they shipped.
 * The model id is not a foreign key: a built library stays valid after its model is deleted.
 */
import { KilnError } from '../../shared/errors';
import type { LibraryFormat, LibraryPrecision } from '../../shared/api/deploy';
import type { Db } from './projectDatabase';

export interface BuiltLibraryRecord {
  id: number;
  modelId: number;
  /** file name of the zip, e.g. `gestures_c_int8.zip` */
  name: string;
  format: LibraryFormat;
  precision: LibraryPrecision;
  board: string | null;
  kilnVersion: string;
  sizeBytes: number;
  sha256: string;
  /** what the generator reported (arena, weights, features, labels), JSON-safe */
  summary: Record<string, unknown>;
  createdAt: string;
}

export type NewBuiltLibrary = Omit<BuiltLibraryRecord, 'id' | 'createdAt' | 'sizeBytes'> & { zip: Uint8Array; createdAt?: string };

interface Row {
  id: number;
  model_id: number;
  name: string;
  format: LibraryFormat;
  precision: LibraryPrecision;
  board: string | null;
  kiln_version: string;
  size_bytes: number;
  sha256: string;
  summary: string;
  created_at: string;
}

const COLUMNS = 'id, model_id, name, format, precision, board, kiln_version, size_bytes, sha256, summary, created_at';

function toRecord(r: Row): BuiltLibraryRecord {
  return {
    id: r.id,
    modelId: r.model_id,
    name: r.name,
    format: r.format,
    precision: r.precision,
    board: r.board,
    kilnVersion: r.kiln_version,
    sizeBytes: r.size_bytes,
    sha256: r.sha256,
    summary: JSON.parse(r.summary) as Record<string, unknown>,
    createdAt: r.created_at,
  };
}

export class BuiltLibraryRepository {
  constructor(private readonly db: Db) {}

  add(lib: NewBuiltLibrary): BuiltLibraryRecord {
    const r = this.db
      .prepare(
        `INSERT INTO built_libraries (model_id, name, format, precision, board, kiln_version, size_bytes, sha256, summary, zip, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        lib.modelId,
        lib.name,
        lib.format,
        lib.precision,
        lib.board,
        lib.kilnVersion,
        lib.zip.byteLength,
        lib.sha256,
        JSON.stringify(lib.summary),
        Buffer.from(lib.zip.buffer, lib.zip.byteOffset, lib.zip.byteLength),
        lib.createdAt ?? new Date().toISOString(),
      );
    return this.get(Number(r.lastInsertRowid));
  }

  /** Newest first, without the zip bytes. */
  list(): BuiltLibraryRecord[] {
    return (this.db.prepare(`SELECT ${COLUMNS} FROM built_libraries ORDER BY created_at DESC, id DESC`).all() as Row[]).map(toRecord);
  }

  get(id: number): BuiltLibraryRecord {
    const r = this.db.prepare(`SELECT ${COLUMNS} FROM built_libraries WHERE id = ?`).get(id) as Row | undefined;
    if (!r) throw new KilnError('NOT_FOUND', `There is no built library #${id} in this project (see the list on the Deployment page)`, { field: 'id' });
    return toRecord(r);
  }

  zip(id: number): Buffer {
    const r = this.db.prepare('SELECT zip FROM built_libraries WHERE id = ?').get(id) as { zip: Buffer } | undefined;
    if (!r) throw new KilnError('NOT_FOUND', `There is no built library #${id} in this project (see the list on the Deployment page)`, { field: 'id' });
    return r.zip;
  }

  delete(id: number): void {
    const r = this.db.prepare('DELETE FROM built_libraries WHERE id = ?').run(id);
    if (r.changes === 0) throw new KilnError('NOT_FOUND', `There is no built library #${id} in this project`, { field: 'id' });
  }
}
