import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectDatabase, inspectProjectFile } from './projectDatabase';
import { CURRENT_SCHEMA_VERSION, KILN_APPLICATION_ID, migrations } from './schema';
import { KilnError } from '../../shared/errors';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-db-'));
});
const opened: ProjectDatabase[] = [];
afterEach(() => {
  for (const p of opened.splice(0)) p.close();
});

function sha(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

function expectCode(fn: () => unknown, code: string): KilnError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe(code);
    return e as KilnError;
  }
  throw new Error(`expected ${code}`);
}

describe('a project file', () => {
  it('is created in WAL mode with foreign keys, the Kiln application id and the latest schema', () => {
    const p = ProjectDatabase.create(path.join(dir, 'a.kiln'));
    opened.push(p);
    expect(p.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(p.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(p.db.pragma('application_id', { simple: true })).toBe(KILN_APPLICATION_ID);
    expect(p.schemaVersion).toBe(CURRENT_SCHEMA_VERSION);
    const tables = (p.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['project', 'samples', 'jobs', 'impulses', 'feature_cache', 'models', 'tuner_trials', 'versions']));
    expect(p.meta().createdAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('is a single file once closed, and opens again with its data', () => {
    const file = path.join(dir, 'b.kiln');
    const p = ProjectDatabase.create(file, 'my description');
    p.close();
    expect(readdirSync(dir)).toEqual(['b.kiln']);
    const again = ProjectDatabase.open(file);
    opened.push(again);
    expect(again.meta().description).toBe('my description');
  });

  it('migrates an older project forward, one migration after another', () => {
    const file = path.join(dir, 'old.kiln');
    const db = new Database(file);
    db.pragma(`application_id = ${KILN_APPLICATION_ID}`);
    db.exec('CREATE TABLE legacy (x INTEGER)');
    db.pragma('user_version = 0');
    db.close();
    const p = ProjectDatabase.open(file);
    opened.push(p);
    expect(p.schemaVersion).toBe(migrations[migrations.length - 1]!.version);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
  });

  it('refuses a file that is not SQLite and leaves it untouched', () => {
    const file = path.join(dir, 'text.kiln');
    writeFileSync(file, 'hello, this is not a database at all'.repeat(10));
    const before = sha(file);
    const e = expectCode(() => ProjectDatabase.open(file), 'NOT_A_PROJECT');
    expect(e.message).toContain('text.kiln');
    expect(sha(file)).toBe(before);
    expect(readdirSync(dir)).toEqual(['text.kiln']);
  });

  it('refuses an empty file', () => {
    const file = path.join(dir, 'empty.kiln');
    writeFileSync(file, '');
    expectCode(() => ProjectDatabase.open(file), 'NOT_A_PROJECT');
    expect(readFileSync(file).length).toBe(0);
  });

  it('refuses a SQLite database of another application and leaves it untouched', () => {
    const file = path.join(dir, 'other.kiln');
    const db = new Database(file);
    db.exec('CREATE TABLE t (x); INSERT INTO t VALUES (1);');
    db.close();
    const before = sha(file);
    expectCode(() => ProjectDatabase.open(file), 'NOT_A_PROJECT');
    expect(sha(file)).toBe(before);
  });

  it('refuses a corrupt project and leaves it untouched', () => {
    const file = path.join(dir, 'corrupt.kiln');
    const p = ProjectDatabase.create(file);
    p.db.exec(
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300) INSERT INTO project (key, value) SELECT 'k' || i, hex(randomblob(200)) FROM n",
    );
    p.close();
    const bytes = readFileSync(file);
    // overwrite the middle pages with garbage, keeping the header intact
    for (let i = 4096 * 2; i < bytes.length - 4096; i++) bytes[i] = (i * 7919) & 0xff;
    writeFileSync(file, bytes);
    const before = sha(file);
    const e = expectCode(() => ProjectDatabase.open(file), 'CORRUPT_PROJECT');
    expect(e.message).toContain('corrupt.kiln');
    expect(sha(file)).toBe(before);
  });

  it('refuses a project from a newer Kiln and leaves it untouched', () => {
    const file = path.join(dir, 'future.kiln');
    ProjectDatabase.create(file).close();
    const db = new Database(file);
    db.pragma(`user_version = ${CURRENT_SCHEMA_VERSION + 5}`);
    db.close();
    const before = sha(file);
    const e = expectCode(() => ProjectDatabase.open(file), 'NEWER_SCHEMA');
    expect(e.message).toMatch(/newer Kiln/);
    expect(sha(file)).toBe(before);
  });

  it('refuses a project that another Kiln has open', () => {
    const file = path.join(dir, 'busy.kiln');
    const first = ProjectDatabase.create(file);
    opened.push(first);
    const e = expectCode(() => ProjectDatabase.open(file), 'PROJECT_LOCKED');
    expect(e.message).toMatch(/open in another Kiln/);
    // the first holder keeps working
    first.setMeta('still', 'mine');
    expect(first.meta()).toBeTruthy();
  });

  it('inspects a missing file as NOT_FOUND', () => {
    expectCode(() => inspectProjectFile(path.join(dir, 'nope.kiln')), 'NOT_FOUND');
    expect(existsSync(path.join(dir, 'nope.kiln'))).toBe(false);
  });

  it('does not leave a half-created file behind when creation fails', () => {
    const file = path.join(dir, 'exists.kiln');
    writeFileSync(file, 'x');
    expectCode(() => ProjectDatabase.create(file), 'ALREADY_EXISTS');
    expect(readFileSync(file, 'utf8')).toBe('x');
  });
});
