import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KilnEvent } from '../../shared/api/contract';
import { SampleRepository, type NewSample } from '../store/sampleRepository';
import { testStudio, type TestStudio } from './testKit';
import { decimateMinMax, shrinkImage } from './decimate';

let studio: TestStudio;
let events: KilnEvent[];
beforeEach(async () => {
  studio = testStudio();
  await studio.call('projects.create', { name: 'lab' });
  events = [];
  studio.services.events.subscribe((e) => events.push(e));
});
afterEach(() => studio.dispose());

const accel = ['accX', 'accY', 'accZ'].map((name) => ({ name, units: 'm/s2' }));
function add(label: string, readings: number, category: 'train' | 'test' = 'train', name?: string): number {
  const values = new Float32Array(readings * 3).map((_, i) => i);
  const s: NewSample = { label, category, sensors: accel, intervalMs: 10, values, source: 'test', ...(name ? { name } : {}) };
  return new SampleRepository(studio.services.home.get('lab').db).insert(s).id;
}
const changedEvents = () => events.filter((e) => e.name === 'samples.changed');

describe('samples.list', () => {
  it('pages, filters, searches and sorts on the server, with the total of the filter', async () => {
    for (let i = 0; i < 30; i++) add(i % 3 === 0 ? 'wave' : 'idle', 10 + i, i % 5 === 0 ? 'test' : 'train');
    const page = await studio.call('samples.list', { project: 'lab', offset: 10, limit: 5 });
    expect(page.total).toBe(30);
    expect(page.rows.map((r) => r.id)).toEqual([11, 12, 13, 14, 15]);
    const waves = await studio.call('samples.list', { project: 'lab', label: 'wave', category: 'train', offset: 0, limit: 100 });
    expect(waves.rows.every((r) => r.label === 'wave' && r.category === 'train')).toBe(true);
    expect(waves.total).toBe(8);
    const longest = await studio.call('samples.list', { project: 'lab', sort: 'length', descending: true, offset: 0, limit: 1 });
    expect(longest.rows[0]).toMatchObject({ readings: 39, lengthMs: 390, kind: 'time-series' });
    expect((await studio.call('samples.list', { project: 'lab', text: 'wave.1', offset: 0, limit: 100 })).total).toBe(5); // wave.1, .10, .13, .16, .19
  });

  it('refuses a page larger than 1000 rows and a missing project, naming the problem', async () => {
    await expect(studio.call('samples.list', { project: 'lab', offset: 0, limit: 5000 })).rejects.toThrow(/limit/);
    await expect(studio.call('samples.list', { project: 'nope', offset: 0, limit: 10 })).rejects.toThrow(/No project named "nope"/);
  });
});

describe('samples.get', () => {
  it('returns every value of a short sample and min/max buckets of a long one', async () => {
    const short = add('wave', 100);
    const full = await studio.call('samples.get', { project: 'lab', id: short, maxReadings: 1000 });
    expect(full).toMatchObject({ decimated: false, readings: 100, readingIndex: null });
    expect(full.values).toHaveLength(300);
    const long = add('wave', 20_000);
    const small = await studio.call('samples.get', { project: 'lab', id: long, maxReadings: 1000 });
    expect(small.decimated).toBe(true);
    expect(small.readings).toBeLessThanOrEqual(1000);
    expect(small.values).toHaveLength(small.readings * 3);
    // the peak of accZ (last value) survives decimation
    expect(Math.max(...small.values)).toBe(20_000 * 3 - 1);
    expect(small.readingIndex![small.readingIndex!.length - 1]).toBeLessThan(20_000);
  });

  it('shrinks a large image for the view and sends a small one whole', async () => {
    const repo = new SampleRepository(studio.services.home.get('lab').db);
    const big = repo.insert({
      label: 'cat',
      category: 'train',
      sensors: [{ name: 'image', units: 'rgb' }],
      intervalMs: 0,
      width: 400,
      height: 300,
      values: new Float32Array(400 * 300).map((_, i) => i % 400),
      source: 'test',
    });
    const got = await studio.call('samples.get', { project: 'lab', id: big.id, maxReadings: 100, maxPixels: 10_000 });
    expect(got.decimated).toBe(true);
    expect(got.imageSize).toEqual({ width: 115, height: 86 });
    expect(got.values).toHaveLength(115 * 86);
    expect(got.sample).toMatchObject({ kind: 'image', width: 400, height: 300 });
    const whole = await studio.call('samples.get', { project: 'lab', id: big.id });
    expect(whole).toMatchObject({ decimated: false, readings: 120_000, imageSize: { width: 400, height: 300 } });
    // nearest pixel: each output pixel takes the source pixel at its centre
    const row0 = shrinkImage(new Float32Array([0, 1, 2, 3, 10, 11, 12, 13]), 4, 2, 2)!;
    expect(row0).toEqual({ pixels: new Float32Array([11, 13]), width: 2, height: 1 }); // centres of the 2×2 blocks
  });

  it('keeps the per-axis extremes of every bucket', () => {
    const v = new Float32Array([0, 10, 5, -3, 1, 1, 2, 2, 9, 0]);
    const d = decimateMinMax(v, 2, 2)!; // 5 readings, 2 axes → 1 bucket of 5
    expect(Array.from(d.values)).toEqual([0, -3, 9, 10]);
    expect(d.readingIndex).toEqual([0, 2]);
    expect(decimateMinMax(v, 2, 5)).toBeNull();
  });
});

describe('bulk edits', () => {
  it('relabel and move many samples and tell open pages', async () => {
    const ids = [add('a', 5), add('a', 5), add('b', 5)];
    expect(await studio.call('samples.relabel', { project: 'lab', ids: ids.slice(0, 2), label: '  wave ' })).toEqual({ changed: 2 });
    expect(await studio.call('samples.move', { project: 'lab', ids, category: 'test' })).toEqual({ changed: 3 });
    const counts = await studio.call('samples.counts', { project: 'lab' });
    expect(counts).toEqual({
      byLabel: [
        { label: 'b', train: 0, test: 1 },
        { label: 'wave', train: 0, test: 2 },
      ],
      train: 0,
      test: 3,
      total: 3,
    });
    expect(await studio.call('samples.labels', { project: 'lab' })).toEqual(['b', 'wave']);
    expect(changedEvents()).toHaveLength(2);
    expect(changedEvents()[0]!.payload).toEqual({ project: 'lab' });
    await expect(studio.call('samples.relabel', { project: 'lab', ids, label: '   ' })).rejects.toThrow(/label cannot be empty/);
    await expect(studio.call('samples.move', { project: 'lab', ids: [], category: 'test' })).rejects.toThrow(/Select at least one sample/);
  });

  it('delete gives an undo token that restores exactly what it deleted', async () => {
    const older = add('a', 5);
    await studio.call('samples.delete', { project: 'lab', ids: [older] });
    const ids = [add('a', 5), add('b', 5)];
    const { deleted, undoToken } = await studio.call('samples.delete', { project: 'lab', ids: [...ids, older] });
    expect(deleted).toBe(2);
    expect((await studio.call('samples.counts', { project: 'lab' })).total).toBe(0);
    expect(await studio.call('samples.restore', { project: 'lab', undoToken })).toEqual({ restored: 2, removed: 0 });
    const rows = (await studio.call('samples.list', { project: 'lab', offset: 0, limit: 10 })).rows;
    expect(rows.map((r) => r.id)).toEqual(ids); // the earlier deletion stays deleted
    await expect(studio.call('samples.restore', { project: 'lab', undoToken: 'rm -rf' })).rejects.toThrow(/undo token is not valid/);
  });

  it('shows the trash with its size, purges it for good and frees the space in the file', async () => {
    const ids = Array.from({ length: 20 }, () => add('a', 20_000));
    const keep = add('b', 10);
    await studio.call('samples.delete', { project: 'lab', ids });
    const trash = await studio.call('samples.trash', { project: 'lab' });
    expect(trash).toEqual({ count: 20, bytes: 20 * 20_000 * 3 * 4, keepDays: 30 });
    const { purged, freedBytes } = await studio.call('samples.purge', { project: 'lab' });
    expect(purged).toBe(20);
    expect(freedBytes).toBeGreaterThan(0.9 * trash.bytes);
    expect(await studio.call('samples.trash', { project: 'lab' })).toMatchObject({ count: 0, bytes: 0 });
    // purged means gone: undo cannot bring them back, the live sample is untouched
    expect(await studio.call('samples.restore', { project: 'lab', ids })).toEqual({ restored: 0, removed: 0 });
    expect((await studio.call('samples.list', { project: 'lab', offset: 0, limit: 10 })).rows.map((r) => r.id)).toEqual([keep]);
  });

  it('purges samples deleted more than 30 days ago when the project is opened', async () => {
    const old = add('a', 5);
    const recent = add('a', 5);
    await studio.call('samples.delete', { project: 'lab', ids: [old, recent] });
    const db = studio.services.home.get('lab').db;
    db.prepare('UPDATE samples SET deleted_at = ? WHERE id = ?').run(new Date(Date.now() - 31 * 86_400_000).toISOString(), old);
    studio.services.home.close('lab');
    expect(await studio.call('samples.trash', { project: 'lab' })).toMatchObject({ count: 1 });
    expect(await studio.call('samples.restore', { project: 'lab', ids: [old, recent] })).toEqual({ restored: 1, removed: 0 });
  });

  it('rebalance puts the asked share of each label in test', async () => {
    for (let i = 0; i < 10; i++) add('a', 5);
    for (let i = 0; i < 5; i++) add('b', 5, 'test');
    const r = await studio.call('samples.rebalance', { project: 'lab', testFraction: 0.2, seed: 3 });
    expect(r.counts.byLabel).toEqual([
      { label: 'a', train: 8, test: 2 },
      { label: 'b', train: 4, test: 1 },
    ]);
    expect(r.moved).toBe(6);
    await expect(studio.call('samples.rebalance', { project: 'lab', testFraction: 1.5 })).rejects.toThrow(/testFraction/);
  });
});

describe('crop and split', () => {
  it('crop keeps the chosen readings; undo brings the original back and removes the crop', async () => {
    const id = add('wave', 100);
    const { sample, replaced } = await studio.call('samples.crop', { project: 'lab', id, start: 10, end: 30 });
    expect(replaced).toBe(id);
    expect(sample).toMatchObject({ readings: 20, label: 'wave' });
    const got = await studio.call('samples.get', { project: 'lab', id: sample.id });
    expect(got.values.slice(0, 3)).toEqual([30, 31, 32]);
    await expect(studio.call('samples.get', { project: 'lab', id })).rejects.toThrow(/does not exist/);
    expect(await studio.call('samples.restore', { project: 'lab', ids: [replaced], remove: [sample.id] })).toEqual({ restored: 1, removed: 1 });
    const rows = (await studio.call('samples.list', { project: 'lab', offset: 0, limit: 10 })).rows;
    expect(rows.map((r) => [r.id, r.readings])).toEqual([[id, 100]]);
    await expect(studio.call('samples.crop', { project: 'lab', id, start: 50, end: 200 })).rejects.toThrow(/outside the sample/);
  });

  it('split cuts at reading indexes into consecutive samples, with undo', async () => {
    const id = add('wave', 90, 'test', 'wave.long');
    const { samples, replaced } = await studio.call('samples.split', { project: 'lab', id, cuts: [60, 30] });
    expect(samples.map((s) => [s.name, s.readings, s.category])).toEqual([
      ['wave.long.1', 30, 'test'],
      ['wave.long.2', 30, 'test'],
      ['wave.long.3', 30, 'test'],
    ]);
    const second = await studio.call('samples.get', { project: 'lab', id: samples[1]!.id });
    expect(second.values[0]).toBe(90);
    await studio.call('samples.restore', { project: 'lab', ids: [replaced], remove: samples.map((s) => s.id) });
    expect((await studio.call('samples.counts', { project: 'lab' })).total).toBe(1);
    await expect(studio.call('samples.split', { project: 'lab', id, cuts: [90] })).rejects.toThrow(/Split points/);
  });
});
