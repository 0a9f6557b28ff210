/**
 * One project file: a SQLite database in WAL mode with foreign keys on, held with an exclusive
 * lock while open so that a second Kiln process cannot write to it at the same time.
 * Opening checks the file before anything is written to it, so a file that is not a Kiln project,
 * is corrupt, is locked or comes from a newer Kiln is left exactly as it was.
 */
import { closeSync, existsSync, openSync, readSync, statSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { KilnError } from '../../shared/errors';
import { CURRENT_SCHEMA_VERSION, KILN_APPLICATION_ID, migrations } from './schema';
import { KILN_VERSION } from '../app/version';

const SQLITE_MAGIC = 'SQLite format 3\0';

export type Db = Database.Database;

export interface ProjectMeta {
  createdAt: string;
  kilnVersion: string;
  description: string;
}

export class ProjectDatabase {
  private closed = false;

  private constructor(
    readonly file: string,
    readonly db: Db,
  ) {}

  /** Creates a new, empty project file; fails if the file exists. */
  static create(file: string, description = ''): ProjectDatabase {
    if (existsSync(file)) throw new KilnError('ALREADY_EXISTS', `${path.basename(file)} already exists`);
    let db: Db | undefined;
    try {
      db = new Database(file);
      db.pragma(`application_id = ${KILN_APPLICATION_ID}`);
      const project = ProjectDatabase.configure(file, db);
      project.migrate();
      const insert = db.prepare('INSERT INTO project (key, value) VALUES (?, ?)');
      db.transaction(() => {
        insert.run('created_at', new Date().toISOString());
        insert.run('kiln_version', KILN_VERSION);
        insert.run('description', description);
      })();
      return project;
    } catch (e) {
      db?.close();
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(file + suffix)) unlinkSync(file + suffix);
      throw translateSqliteError(e, file);
    }
  }

  /** Opens an existing project file for reading and writing, migrating it forward if needed. */
  static open(file: string): ProjectDatabase {
    inspectProjectFile(file);
    let db: Db | undefined;
    try {
      db = new Database(file, { fileMustExist: true });
      const project = ProjectDatabase.configure(file, db);
      project.migrate();
      return project;
    } catch (e) {
      db?.close();
      throw translateSqliteError(e, file);
    }
  }

  private static configure(file: string, db: Db): ProjectDatabase {
    db.pragma('busy_timeout = 0');
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('synchronous = NORMAL');
    // take the exclusive lock now rather than at the first write
    db.exec('BEGIN IMMEDIATE; COMMIT;');
    return new ProjectDatabase(file, db);
  }

  get schemaVersion(): number {
    return this.db.pragma('user_version', { simple: true }) as number;
  }

  private migrate(): void {
    const from = this.schemaVersion;
    for (const m of migrations) {
      if (m.version <= from) continue;
      this.db.transaction(() => {
        this.db.exec(m.sql);
        this.db.pragma(`user_version = ${m.version}`);
      })();
    }
  }

  meta(): ProjectMeta {
    const rows = this.db.prepare('SELECT key, value FROM project').all() as { key: string; value: string }[];
    const map = new Map(rows.map((r) => [r.key, r.value]));
    return {
      createdAt: map.get('created_at') ?? '',
      kilnVersion: map.get('kiln_version') ?? '',
      description: map.get('description') ?? '',
    };
  }

  setMeta(key: string, value: string): void {
    this.db.prepare('INSERT INTO project (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  get isOpen(): boolean {
    return !this.closed;
  }

  /** `total_changes()` when the WAL was last written back into the main file */
  private checkpointedChanges = -1;

  /**
   * Writes the WAL back into the project file when anything changed since the last time, so a
   * plain copy of the `.kiln` file (without its `-wal`) holds every committed row. Cheap when
   * nothing changed; skipped inside an open transaction.
   */
  checkpointIfChanged(): boolean {
    if (this.closed || this.db.inTransaction) return false;
    const changes = (this.db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
    if (changes === this.checkpointedChanges) return false;
    this.db.pragma('wal_checkpoint(TRUNCATE)');
    this.checkpointedChanges = changes;
    return true;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      // a closed project is exactly one file (easy to copy, rename, mail): leave WAL mode
      this.db.pragma('journal_mode = DELETE');
    } finally {
      this.db.close();
    }
  }
}

export interface ProjectFileFacts {
  schemaVersion: number;
  createdAt: string | null;
  sampleCount: number | null;
}

/**
 * Checks, without writing anything, that a file is a Kiln project this version can open.
 * Throws NOT_FOUND, NOT_A_PROJECT, CORRUPT_PROJECT, PROJECT_LOCKED or NEWER_SCHEMA.
 */
export function inspectProjectFile(file: string, thorough = true): ProjectFileFacts {
  const name = path.basename(file);
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new KilnError('NOT_A_PROJECT', `${name} is not a file`);
    size = st.size;
  } catch (e) {
    if (e instanceof KilnError) throw e;
    throw new KilnError('NOT_FOUND', `${name} does not exist`, { file });
  }
  if (size < 100 || readHeader(file) !== SQLITE_MAGIC) {
    throw new KilnError('NOT_A_PROJECT', `${name} is not a Kiln project (it is not a SQLite database)`, { file });
  }
  let db: Db | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
    db.pragma('busy_timeout = 0');
    const appId = db.pragma('application_id', { simple: true }) as number;
    if (appId !== KILN_APPLICATION_ID) {
      throw new KilnError('NOT_A_PROJECT', `${name} is a SQLite database but not a Kiln project`, { file });
    }
    const version = db.pragma('user_version', { simple: true }) as number;
    if (version > CURRENT_SCHEMA_VERSION) {
      throw new KilnError(
        'NEWER_SCHEMA',
        `${name} was saved by a newer Kiln (project schema ${version}; this Kiln reads up to ${CURRENT_SCHEMA_VERSION}). Update Kiln to open it.`,
        { file, version },
      );
    }
    if (thorough) {
      const check = db.pragma('quick_check', { simple: true }) as string;
      if (check !== 'ok') throw new KilnError('CORRUPT_PROJECT', `${name} is damaged (${check}). Restore it from a backup or a version export.`, { file });
    }
    let createdAt: string | null = null;
    let sampleCount: number | null = null;
    if (version >= 1) {
      const row = db.prepare("SELECT value FROM project WHERE key = 'created_at'").get() as { value: string } | undefined;
      createdAt = row?.value ?? null;
      sampleCount = (db.prepare('SELECT count(*) AS n FROM samples WHERE deleted_at IS NULL').get() as { n: number }).n;
    }
    return { schemaVersion: version, createdAt, sampleCount };
  } catch (e) {
    throw translateSqliteError(e, file);
  } finally {
    db?.close();
  }
}

function readHeader(file: string): string {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(16);
    readSync(fd, buf, 0, 16, 0);
    return buf.toString('latin1');
  } finally {
    closeSync(fd);
  }
}

/** Maps SQLite's error codes to errors a person can act on. */
export function translateSqliteError(e: unknown, file: string): KilnError {
  if (e instanceof KilnError) return e;
  const name = path.basename(file);
  const code = (e as { code?: string }).code ?? '';
  const message = e instanceof Error ? e.message : String(e);
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new KilnError('PROJECT_LOCKED', `${name} is open in another Kiln window or process. Close it there first.`, { file });
  }
  if (code === 'SQLITE_NOTADB') return new KilnError('NOT_A_PROJECT', `${name} is not a Kiln project (it is not a SQLite database)`, { file });
  if (code.startsWith('SQLITE_CORRUPT')) return new KilnError('CORRUPT_PROJECT', `${name} is damaged (${message}). Restore it from a backup.`, { file });
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_PERM')) {
    return new KilnError('BAD_FILE', `${name} cannot be opened for writing (${message})`, { file });
  }
  return new KilnError('INTERNAL', `${name}: ${message}`, { file });
}
