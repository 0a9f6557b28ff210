import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../app/services';
import { loadImpulse, saveImpulse } from '../pipeline/impulseStore';
import { ProjectDatabase, type Db } from '../store/projectDatabase';
import { SampleRepository, type NewSample } from '../store/sampleRepository';
import { motionImpulse } from '../training/testKit';

let home: string;
let services: Services;
let db: Db;
const P = 'gestures';

function sample(label: string, category: 'train' | 'test', seed: number): NewSample {
  const values = new Float32Array(3 * 125);
  for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 0.1 * seed) * seed;
  return { label, category, sensors: ['accX', 'accY', 'accZ'].map((name) => ({ name, units: 'm/s2' })), intervalMs: 16, values, source: 'test' };
}

/** A trained model as the training service stores it (the registry row), made active. */
function addModel(weights: Uint8Array, accuracy: number): number {
  db.prepare('UPDATE models SET active = 0').run();
  const r = db
    .prepare(
      `INSERT INTO models (learning_block, spec, settings, weights, metrics, dataset_hash, impulse_hash, seed, backend, active, created_at)
       VALUES ('classifier', '{"layers":[]}', '{"epochs":5}', ?, ?, 'd', 'i', 7, 'kiln-ts', 1, ?)`,
    )
    .run(
      Buffer.from(weights),
      JSON.stringify({ float32: { accuracy }, int8: { accuracy }, sizes: { float32Bytes: 4000, int8Bytes: 1000 } }),
      new Date().toISOString(),
    );
  return Number(r.lastInsertRowid);
}

function blobs(): Map<number, { label: string; category: string; data: string; hash: string }> {
  const rows = db.prepare('SELECT id, label, category, hex(data) AS data, hash FROM samples WHERE deleted_at IS NULL ORDER BY id').all() as {
    id: number;
    label: string;
    category: string;
    data: string;
    hash: string;
  }[];
  return new Map(rows.map((r) => [r.id, r]));
}

function activeWeights(): string[] {
  return (db.prepare('SELECT hex(weights) AS w FROM models WHERE active = 1 ORDER BY id').all() as { w: string }[]).map((r) => r.w);
}

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'kiln-versions-'));
  services = createServices({ home, host: 'cli' });
  db = services.home.create(P).db;
  const repo = new SampleRepository(db);
  repo.insertMany([
    sample('idle', 'train', 1),
    sample('idle', 'train', 2),
    sample('idle', 'test', 3),
    sample('wave', 'train', 4),
    sample('wave', 'train', 5),
    sample('wave', 'test', 6),
  ]);
  saveImpulse(db, motionImpulse(db, 500));
  db.prepare('INSERT INTO project (key, value) VALUES (\'training.settings\', \'{"epochs":30,"seed":1}\')').run();
  addModel(new Uint8Array([1, 2, 3, 4, 5]), 0.9);
});
afterEach(() => {
  services.dispose();
  rmSync(home, { recursive: true, force: true });
});

describe('versions of a project', () => {
  it('keeps a snapshot, shows what changed since, and restores it bit for bit (undoably)', () => {
    const v = services.versions;
    const first = v.create(P, '  first model  ');
    expect(first).toMatchObject({ message: 'first model', samples: 6, accuracy: 0.9, modelBytes: 1000 });
    expect(first.counts).toEqual([
      { label: 'idle', train: 2, test: 1 },
      { label: 'wave', train: 2, test: 1 },
    ]);
    const before = blobs();
    const beforeImpulse = loadImpulse(db)!;
    const beforeWeights = activeWeights();

    // the user works on: relabels, deletes, adds, moves, changes the impulse and retrains
    const repo = new SampleRepository(db);
    const [a, b, c, , e] = [...before.keys()];
    repo.relabel([a!], 'wave');
    repo.remove([b!]);
    repo.setCategory([e!], 'test');
    repo.insert(sample('circle', 'train', 9));
    repo.crop(c!, 0, 60);
    const changed = motionImpulse(db, 250);
    changed.input = { ...changed.input, windowSizeMs: 1500 } as typeof changed.input;
    saveImpulse(db, changed);
    db.prepare('UPDATE project SET value = \'{"epochs":50,"seed":1}\' WHERE key = \'training.settings\'').run();
    const old = addModel(new Uint8Array([9, 9, 9]), 0.95);
    db.prepare('DELETE FROM models WHERE id != ?').run(old);
    // the trash is emptied: samples the first version refers to survive it
    expect(services.dataset.purge(P).purged).toBe(0);

    const second = v.create(P, 'more data');
    expect(v.list(P).map((x) => x.message)).toEqual(['more data', 'first model']);

    const d = v.diff(P, first.id, second.id);
    expect(d.samples).toMatchObject({ added: 2, removed: 2, relabelled: 1, moved: 1 });
    expect(d.samples.byLabel).toEqual([
      { label: 'circle', added: 1, removed: 0, relabelledIn: 0, relabelledOut: 0, moved: 0 },
      { label: 'idle', added: 1, removed: 2, relabelledIn: 0, relabelledOut: 1, moved: 0 },
      { label: 'wave', added: 0, removed: 0, relabelledIn: 1, relabelledOut: 0, moved: 1 },
    ]);
    expect(d.impulse).toEqual(
      expect.arrayContaining([
        { path: 'input.windowSizeMs', from: 2000, to: 1500 },
        { path: 'input.windowIncreaseMs', from: 500, to: 250 },
      ]),
    );
    expect(d.settings).toEqual([{ path: 'settings.epochs', from: 30, to: 50 }]);
    expect(d.metrics).toContainEqual({ name: 'accuracy', from: 0.9, to: 0.95 });

    const afterSecond = blobs();
    const r = v.restore(P, first.id);
    expect(r.backup.message).toBe(`Before restoring version #${first.id}`);
    expect(blobs()).toEqual(before);
    expect(JSON.stringify(loadImpulse(db)!.impulse)).toBe(JSON.stringify(beforeImpulse.impulse));
    expect(loadImpulse(db)!.hash).toBe(beforeImpulse.hash);
    expect(activeWeights()).toEqual(beforeWeights);
    expect(db.prepare("SELECT value FROM project WHERE key = 'training.settings'").get()).toEqual({ value: '{"epochs":30,"seed":1}' });

    // undo: restoring the backup brings the second state back
    v.restore(P, r.backup.id);
    expect(blobs()).toEqual(afterSecond);
    expect(loadImpulse(db)!.impulse.input).toMatchObject({ windowSizeMs: 1500 });
    expect(activeWeights()).toEqual(['090909']);
  });

  it('is not changed by deleting samples later, even after the trash is purged', () => {
    const v = services.versions;
    const first = v.create(P, 'before the cleanup');
    const repo = new SampleRepository(db);
    const all = repo.ids();
    repo.remove(all);
    services.dataset.purge(P);
    expect(v.get(P, first.id)).toEqual(first);
    v.restore(P, first.id);
    expect(repo.ids()).toEqual(all);
    // once no version refers to them any more a purge drops them (nothing else does)
    expect(services.dataset.trash(P).count).toBe(0);
  });

  it('exports a version as a standalone project file', async () => {
    const v = services.versions;
    const first = v.create(P, 'to share');
    new SampleRepository(db).insert(sample('circle', 'train', 9));
    v.create(P, 'later');
    const { jobId } = v.export(P, first.id);
    const job = await services.jobs.wait(jobId);
    expect(job.state).toBe('succeeded');
    const file = (job.result as { path: string }).path;
    expect(file).toBe(path.join(home, 'exports', `${P}-v${first.id}.kiln`));
    const copy = ProjectDatabase.open(file);
    try {
      expect(new SampleRepository(copy.db).counts()).toEqual(first.counts);
      expect(copy.db.prepare('SELECT count(*) AS n FROM samples').get()).toEqual({ n: 6 });
      expect(copy.db.prepare('SELECT name FROM versions').all()).toEqual([{ name: 'to share' }]);
      expect(loadImpulse(copy.db)!.hash).toBe(loadImpulse(db)!.hash);
    } finally {
      copy.close();
    }
  });

  it('refuses an empty or too long message, an unknown version and a version from a newer Kiln', () => {
    const v = services.versions;
    expect(() => v.create(P, '   ')).toThrow(/needs a message/);
    expect(() => v.create(P, 'x'.repeat(201))).toThrow(/at most 200 characters/);
    expect(() => v.restore(P, 42)).toThrow(/no version #42/);
    const first = v.create(P, 'ok');
    expect(() => v.diff(P, first.id, first.id)).toThrow(/two different versions/);
    db.prepare('UPDATE versions SET snapshot_format = 99 WHERE id = ?').run(first.id);
    const samplesBefore = blobs();
    expect(() => v.restore(P, first.id)).toThrow(expect.objectContaining({ code: 'NEWER_SCHEMA', message: expect.stringMatching(/newer Kiln/) }));
    expect(blobs()).toEqual(samplesBefore);
    expect(v.list(P)).toHaveLength(1);
  });
});
