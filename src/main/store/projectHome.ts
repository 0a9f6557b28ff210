/**
 * The folder that holds a user's projects (KILN_HOME, default ~/Kiln): one `<name>.kiln` file
 * per project. Keeps at most one open handle per project file for this process.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, statSync, unlinkSync } from 'node:fs';
import { open as openFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { KilnError } from '../../shared/errors';
import { projectName as projectNameSchema, type ProjectSummary } from '../../shared/api/projects';
import { inspectProjectFile, ProjectDatabase } from './projectDatabase';
import { SampleRepository } from './sampleRepository';

export const PROJECT_EXTENSION = '.kiln';
const TRASH = '.trash';

export function defaultHome(): string {
  return process.env.KILN_HOME || path.join(os.homedir(), 'Kiln');
}

/** Days a soft-deleted sample is kept before it is purged automatically. */
export const TRASH_KEEP_DAYS = 30;

export class ProjectHome {
  private readonly open = new Map<string, ProjectDatabase>();

  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  /** Path of the project file for a name, or the path itself when given a .kiln path. */
  resolve(nameOrPath: string): string {
    if (nameOrPath.endsWith(PROJECT_EXTENSION) && (nameOrPath.includes('/') || nameOrPath.includes('\\'))) {
      return path.resolve(nameOrPath);
    }
    const name = nameOrPath.endsWith(PROJECT_EXTENSION) ? nameOrPath.slice(0, -PROJECT_EXTENSION.length) : nameOrPath;
    return path.join(this.dir, name + PROJECT_EXTENSION);
  }

  nameOf(file: string): string {
    return path.basename(file, PROJECT_EXTENSION);
  }

  list(): ProjectSummary[] {
    const files = readdirSync(this.dir, { withFileTypes: true })
      .filter((d) => d.isFile() && d.name.endsWith(PROJECT_EXTENSION))
      .map((d) => path.join(this.dir, d.name));
    return files.map((f) => this.summary(f)).sort((a, b) => b.modifiedAt.localeCompare(a.modifiedAt));
  }

  summary(file: string): ProjectSummary {
    this.open.get(file)?.checkpointIfChanged();
    const st = statSync(file);
    // an open project may still hold its latest writes in the WAL: count them in size and time
    const wal = existsSync(file + '-wal') ? statSync(file + '-wal') : null;
    const modified = wal && wal.size > 0 && wal.mtimeMs > st.mtimeMs ? wal.mtime : st.mtime;
    const base = { name: this.nameOf(file), path: file, sizeBytes: st.size + (wal?.size ?? 0), modifiedAt: modified.toISOString() };
    const handle = this.open.get(file);
    try {
      if (handle?.isOpen) {
        const count = handle.db.prepare('SELECT count(*) AS n FROM samples WHERE deleted_at IS NULL').get() as { n: number };
        return { ...base, createdAt: handle.meta().createdAt, sampleCount: count.n, error: null };
      }
      const facts = inspectProjectFile(file, false);
      return { ...base, createdAt: facts.createdAt, sampleCount: facts.sampleCount, error: null };
    } catch (e) {
      return { ...base, createdAt: null, sampleCount: null, error: e instanceof Error ? e.message : String(e) };
    }
  }

  /** Returns the open handle for a project, opening (and migrating) it on first use. */
  get(nameOrPath: string): ProjectDatabase {
    const file = this.resolve(nameOrPath);
    const existing = this.open.get(file);
    if (existing?.isOpen) return existing;
    if (!existsSync(file)) throw new KilnError('NOT_FOUND', `No project named "${this.nameOf(file)}" in ${this.dir}`);
    const db = ProjectDatabase.open(file);
    const samples = new SampleRepository(db.db);
    samples.recoverInterruptedRecordings();
    // deleted samples stay restorable for a month, then go for good
    samples.purgeDeleted(new Date(Date.now() - TRASH_KEEP_DAYS * 86_400_000).toISOString());
    this.open.set(file, db);
    return db;
  }

  create(name: string, description = ''): ProjectDatabase {
    const valid = checkName(name);
    const file = this.resolve(valid);
    if (existsSync(file)) throw new KilnError('ALREADY_EXISTS', `A project named "${valid}" already exists`);
    const db = ProjectDatabase.create(file, description);
    this.open.set(file, db);
    return db;
  }

  rename(name: string, newName: string): string {
    const from = this.existing(name);
    const to = this.resolve(checkName(newName));
    if (from === to) return to;
    if (existsSync(to) && to.toLowerCase() !== from.toLowerCase()) throw new KilnError('ALREADY_EXISTS', `A project named "${newName}" already exists`);
    this.closeFile(from);
    renameSync(from, to);
    return to;
  }

  /** Moves a project to the home's trash; returns an id that `restore` takes. */
  delete(name: string): string {
    const file = this.existing(name);
    this.closeFile(file);
    const trashDir = path.join(this.dir, TRASH);
    mkdirSync(trashDir, { recursive: true });
    const trashId = `${Date.now()}-${path.basename(file)}`;
    renameSync(file, path.join(trashDir, trashId));
    return trashId;
  }

  restore(trashId: string): string {
    if (trashId.includes('/') || trashId.includes('\\') || trashId.startsWith('.')) throw new KilnError('BAD_REQUEST', 'Not a trash id');
    const from = path.join(this.dir, TRASH, trashId);
    if (!existsSync(from)) throw new KilnError('NOT_FOUND', 'That deleted project is no longer in the trash');
    const to = path.join(this.dir, trashId.replace(/^\d+-/, ''));
    if (existsSync(to)) throw new KilnError('ALREADY_EXISTS', `A project named "${this.nameOf(to)}" exists again; rename it first`);
    renameSync(from, to);
    return to;
  }

  /** Copies a project with SQLite's online backup; reports progress 0…1. */
  async duplicate(name: string, newName: string, onProgress: (p: number) => void): Promise<string> {
    const source = this.get(name);
    const to = this.resolve(checkName(newName));
    if (existsSync(to)) throw new KilnError('ALREADY_EXISTS', `A project named "${newName}" already exists`);
    const partial = to + '.partial';
    try {
      await source.db.backup(partial, {
        progress({ totalPages, remainingPages }) {
          onProgress(totalPages ? (totalPages - remainingPages) / totalPages : 1);
          return 256;
        },
      });
      // the backup is in WAL mode; a closed project is one self-contained file
      const copy = new Database(partial);
      copy.pragma('journal_mode = DELETE');
      copy.close();
      renameSync(partial, to);
    } catch (e) {
      if (existsSync(partial)) unlinkSync(partial);
      throw e;
    }
    onProgress(1);
    return to;
  }

  /**
   * Imports a .kiln file from elsewhere: checks it (the source is never written to), copies it
   * into the home under a free name and opens the copy, which migrates it forward if needed.
   */
  async importFile(source: string, preferredName: string, onProgress: (p: number) => void, isCancelled: () => boolean = () => false): Promise<string> {
    inspectProjectFile(source, true);
    const name = this.freeName(checkName(preferredName));
    const to = this.resolve(name);
    const partial = to + '.partial';
    try {
      await copyWithProgress(source, partial, onProgress, isCancelled);
      renameSync(partial, to);
    } catch (e) {
      if (existsSync(partial)) unlinkSync(partial);
      throw e;
    }
    this.get(to);
    return to;
  }

  freeName(name: string): string {
    if (!existsSync(this.resolve(name))) return name;
    for (let i = 2; ; i++) {
      const candidate = `${name} ${i}`;
      if (!existsSync(this.resolve(candidate))) return candidate;
    }
  }

  closeFile(file: string): void {
    const handle = this.open.get(file);
    if (handle) {
      handle.close();
      this.open.delete(file);
    }
  }

  /** Checkpoints every open project that changed (see ProjectDatabase.checkpointIfChanged). */
  settle(): void {
    for (const handle of this.open.values()) {
      try {
        handle.checkpointIfChanged();
      } catch {
        // a busy or vanished file is checkpointed on the next round or at close
      }
    }
  }

  /** Closes a project by name (a no-op when it is not open). */
  close(nameOrPath: string): void {
    this.closeFile(this.resolve(nameOrPath));
  }

  /** Whether a project is open in this process. */
  isOpen(nameOrPath: string): boolean {
    return this.open.get(this.resolve(nameOrPath))?.isOpen ?? false;
  }

  closeAll(): void {
    for (const file of [...this.open.keys()]) this.closeFile(file);
  }

  private existing(name: string): string {
    const file = this.resolve(name);
    if (!existsSync(file)) throw new KilnError('NOT_FOUND', `No project named "${this.nameOf(file)}" in ${this.dir}`);
    return file;
  }
}

function checkName(name: string): string {
  const parsed = projectNameSchema.safeParse(name);
  if (!parsed.success) throw new KilnError('BAD_REQUEST', `Project name "${name}": ${parsed.error.issues[0]?.message ?? 'invalid'}`, { field: 'name' });
  return parsed.data;
}

async function copyWithProgress(from: string, to: string, onProgress: (p: number) => void, isCancelled: () => boolean): Promise<void> {
  const size = statSync(from).size;
  if (size < 8 * 1024 * 1024) {
    copyFileSync(from, to);
    onProgress(1);
    return;
  }
  const src = await openFile(from, 'r');
  const dst = await openFile(to, 'wx');
  try {
    const buf = Buffer.alloc(4 * 1024 * 1024);
    let done = 0;
    while (done < size) {
      if (isCancelled()) throw new KilnError('CANCELLED', 'Import cancelled');
      const { bytesRead } = await src.read(buf, 0, buf.length, done);
      if (bytesRead === 0) break;
      await dst.write(buf, 0, bytesRead);
      done += bytesRead;
      onProgress(done / size);
    }
  } finally {
    await src.close();
    await dst.close();
  }
}
