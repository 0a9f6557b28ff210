import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProjectDatabase } from './projectDatabase';
import { SampleRepository, type NewSample } from './sampleRepository';

let project: ProjectDatabase;
let repo: SampleRepository;
beforeEach(() => {
  project = ProjectDatabase.create(path.join(mkdtempSync(path.join(os.tmpdir(), 'kiln-samples-')), 's.kiln'));
  repo = new SampleRepository(project.db);
});
afterEach(() => project.close());

const accel = [
  { name: 'accX', units: 'm/s2' },
  { name: 'accY', units: 'm/s2' },
  { name: 'accZ', units: 'm/s2' },
];
function sample(label: string, readings = 10, category: 'train' | 'test' = 'train'): NewSample {
  const values = new Float32Array(readings * 3).map((_, i) => Math.sin(i) * 9.81);
  return { label, category, sensors: accel, intervalMs: 16, values, source: 'test' };
}

describe('samples', () => {
  it('are stored bit-exactly and named label.id', () => {
    const s = sample('wave');
    const rec = repo.insert(s);
    expect(rec).toMatchObject({ label: 'wave', name: `wave.${rec.id}`, readings: 10, status: 'complete' });
    expect(Array.from(repo.data(rec.id))).toEqual(Array.from(s.values));
    expect(rec.hash).toMatch(/^[0-9a-f]{32}$/);
  });

  it('refuse NaN values, wrong value counts and empty labels, storing nothing', () => {
    const bad = sample('x');
    bad.values[7] = NaN;
    expect(() => repo.insert(bad)).toThrow(/non-finite value \(NaN\) at reading 2, axis accY/);
    expect(() => repo.insert({ ...sample('x'), values: new Float32Array(7) })).toThrow(/does not fit 3 axes/);
    expect(() => repo.insert(sample(' '))).toThrow(/needs a label/);
    expect(() => repo.insertMany([sample('ok'), { ...sample('x'), values: new Float32Array(7) }])).toThrow();
    expect(repo.query().total).toBe(0);
  });

  it('are filtered, searched, sorted and paged', () => {
    for (let i = 0; i < 5; i++) repo.insert(sample('idle', 5 + i));
    for (let i = 0; i < 3; i++) repo.insert(sample('wave', 20, 'test'));
    expect(repo.query({ label: 'idle' }).total).toBe(5);
    expect(repo.query({ category: 'test' }).total).toBe(3);
    expect(repo.query({ text: 'wav' }).total).toBe(3);
    expect(repo.query({ text: '%' }).total).toBe(0);
    const page = repo.query({ sort: 'length', descending: true, limit: 2, offset: 0 });
    expect(page.rows).toHaveLength(2);
    expect(page.total).toBe(8);
    expect(page.rows[0]!.readings).toBe(20);
    expect(repo.counts()).toEqual([
      { label: 'idle', train: 5, test: 0 },
      { label: 'wave', train: 0, test: 3 },
    ]);
  });

  it('are relabelled, moved, deleted and restored (undo)', () => {
    const ids = [repo.insert(sample('a')).id, repo.insert(sample('a')).id];
    expect(repo.relabel(ids, 'b')).toBe(2);
    expect(repo.setCategory(ids, 'test')).toBe(2);
    expect(repo.remove(ids)).toBe(2);
    expect(repo.query().total).toBe(0);
    expect(repo.restore(ids)).toBe(2);
    expect(repo.query({ label: 'b', category: 'test' }).total).toBe(2);
  });

  it('rebalance to a stratified split, deterministically', () => {
    for (let i = 0; i < 10; i++) repo.insert(sample('idle'));
    for (let i = 0; i < 5; i++) repo.insert(sample('wave'));
    repo.rebalance(0.2, 7);
    expect(repo.counts()).toEqual([
      { label: 'idle', train: 8, test: 2 },
      { label: 'wave', train: 4, test: 1 },
    ]);
    expect(repo.rebalance(0.2, 7)).toBe(0);
  });

  it('are cropped and split, keeping the original for undo', () => {
    const rec = repo.insert(sample('wave', 10));
    const original = repo.data(rec.id);
    const { created } = repo.crop(rec.id, 2, 6);
    expect(created.readings).toBe(4);
    expect(Array.from(repo.data(created.id))).toEqual(Array.from(original.slice(6, 18)));
    expect(() => repo.get(rec.id)).toThrow(/deleted/);
    repo.restore([rec.id]);
    const parts = repo.split(rec.id, [3, 7]);
    expect(parts.created.map((c) => c.readings)).toEqual([3, 4, 3]);
    expect(() => repo.split(created.id, [0])).toThrow(/Split points/);
    expect(() => repo.crop(created.id, 3, 99)).toThrow(/outside the sample/);
  });

  it('keep what arrived of a recording when it is cut short', () => {
    const id = repo.beginRecording({ label: 'live', category: 'train', sensors: accel, intervalMs: 10, source: 'device:test' });
    repo.appendChunk(id, new Float32Array(30).fill(1));
    repo.appendChunk(id, new Float32Array(15).fill(2));
    expect(() => repo.appendChunk(id, new Float32Array(4))).toThrow(/does not divide/);
    expect(repo.data(id).length).toBe(45);
    const rec = repo.finishRecording(id, { truncated: true, reason: 'Board unplugged' });
    expect(rec).toMatchObject({ status: 'truncated', readings: 15, note: 'Board unplugged' });
    expect(repo.data(id)[44]).toBe(2);
  });

  it('recover recordings a crash left open', () => {
    const id = repo.beginRecording({ label: 'live', category: 'train', sensors: accel, intervalMs: 10, source: 'device:test' });
    repo.appendChunk(id, new Float32Array(30).fill(1));
    expect(repo.recoverInterruptedRecordings()).toBe(1);
    expect(repo.get(id)).toMatchObject({ status: 'truncated', readings: 10 });
  });
});
