import { mkdirSync, mkdtempSync, readdirSync, truncateSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ImportResult, ExportResult } from '../../shared/api/samples';
import { serializeCsv, serializeEiCbor, serializeEiJson, serializeWav } from '../../shared/formats';
import { seededBytes } from '../../shared/formats/testKit';
import { SampleRepository } from '../store/sampleRepository';
import { MAX_IMPORT_FILE_BYTES, assignCategories } from './importSamples';
import { audio, pngBytes, series, testStudio, writeMixedFiles, type TestStudio } from './testKit';

let studio: TestStudio;
let dir: string;
beforeEach(async () => {
  studio = testStudio();
  await studio.call('projects.create', { name: 'lab' });
  dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-import-'));
});
afterEach(() => studio.dispose());

const repo = (project = 'lab') => new SampleRepository(studio.services.home.get(project).db);
async function importPaths(paths: string[], extra: Record<string, unknown> = {}, project = 'lab'): Promise<ImportResult> {
  const job = await studio.job('samples.import', { project, paths, category: 'train', ...extra });
  expect(job.state).toBe('succeeded');
  return job.result as ImportResult;
}
/** hash + values of every live sample, to prove nothing earlier was touched */
function snapshot(project = 'lab'): string[] {
  const r = repo(project);
  return r.query().rows.map((s) => `${s.id}:${s.label}:${s.category}:${s.hash}:${Buffer.from(r.data(s.id).buffer).toString('base64')}`);
}

describe('samples.import', () => {
  it('imports CSV, EI JSON, EI CBOR, WAV and PNG files from a folder, labels from file names', async () => {
    writeMixedFiles(dir);
    const result = await importPaths([dir]);
    expect(result).toEqual({ imported: 5, failed: [], byLabel: { cat: 1, idle: 1, noise: 1, wave: 2 }, byCategory: { train: 5, test: 0 }, warnings: [] });
    const rows = repo().query({ sort: 'name' }).rows;
    expect(rows.map((r) => [r.name, r.label, r.source])).toEqual([
      ['cat.01', 'cat', 'import:png'],
      ['idle.01', 'idle', 'import:ei-cbor'],
      ['noise.01', 'noise', 'import:wav'],
      ['wave.01', 'wave', 'import:csv'],
      ['wave.02', 'wave', 'import:ei-json'],
    ]);
    expect(rows[0]).toMatchObject({ width: 8, height: 6 });
    expect(rows[2]!.intervalMs).toBeCloseTo(1000 / 16000, 9);
  });

  it('takes uploads, a fixed label and CSV options, and discards the uploads afterwards', async () => {
    const csv = 'a;b\n1;2\n3;4\n5;6\n';
    const file = path.join(dir, 'whatever.csv');
    writeFileSync(file, csv);
    const { uploadId } = studio.services.uploads.begin('whatever.csv', csv.length);
    studio.services.uploads.chunk(uploadId, 0, Buffer.from(csv).toString('base64'));
    const job = await studio.job('samples.import', {
      project: 'lab',
      uploadIds: [uploadId],
      label: 'tap',
      category: 'test',
      csv: { intervalMs: 5, timestampColumn: null },
    });
    expect(job.result).toEqual({ imported: 1, failed: [], byLabel: { tap: 1 }, byCategory: { train: 0, test: 1 }, warnings: [] });
    expect(repo().query().rows[0]).toMatchObject({ label: 'tap', category: 'test', intervalMs: 5, readings: 3 });
    expect(() => studio.services.uploads.take(uploadId)).toThrow(/Unknown upload/);
  });

  it('splits 80/20 per label when asked, the same way every time', async () => {
    const names = [...Array.from({ length: 10 }, (_, i) => `wave.${i}.csv`), ...Array.from({ length: 5 }, (_, i) => `idle.${i}.csv`)];
    const sources = names.map((fileName) => ({ file: fileName, fileName }));
    const a = assignCategories(sources, { category: 'split' });
    expect(a.slice(0, 10).filter((c) => c === 'test')).toHaveLength(2);
    expect(a.slice(10).filter((c) => c === 'test')).toHaveLength(1);
    expect(assignCategories([...sources].reverse(), { category: 'split' })).toEqual([...a].reverse());
    for (const n of names) writeFileSync(path.join(dir, n), serializeCsv(series(5, ['x'], 10)));
    await importPaths([dir], { category: 'split' });
    expect(repo().counts()).toEqual([
      { label: 'idle', train: 4, test: 1 },
      { label: 'wave', train: 8, test: 2 },
    ]);
  });

  it('lists every bad file by name with its reason, imports the rest and leaves earlier samples untouched', async () => {
    writeMixedFiles(dir);
    await importPaths([dir]);
    const before = snapshot();

    const bad = path.join(dir, 'bad');
    mkdirSync(bad);
    const good = serializeCsv(series(20, ['accX', 'accY'], 10, 5));
    const wav = serializeWav(audio(800));
    const png = pngBytes(4, 4);
    const json = serializeEiJson(series(10, ['x'], 10));
    const cbor = serializeEiCbor(series(10, ['x'], 10));
    const files: Record<string, Uint8Array | string> = {
      'good.01.csv': good,
      'empty.01.csv': '',
      'empty.02.json': '',
      'trunc.01.wav': wav.subarray(0, 30),
      'trunc.02.wav': wav.subarray(0, wav.length - 101),
      'trunc.03.png': png.subarray(0, png.length - 20),
      'trunc.04.json': json.subarray(0, json.length - 15),
      'trunc.05.cbor': cbor.subarray(0, cbor.length - 9),
      'trunc.06.csv': good.slice(0, good.length - 12) + ',',
      'random.01.csv': seededBytes(1, 4000),
      'random.02.json': seededBytes(2, 4000),
      'random.03.cbor': seededBytes(3, 4000),
      'random.04.wav': seededBytes(4, 4000),
      'random.05.png': seededBytes(5, 4000),
      'random.06.bin': seededBytes(6, 4000),
      'random.07.jpg': new Uint8Array([0xff, 0xd8, 0xff, ...seededBytes(7, 3000)]),
      'nan.01.csv': 'timestamp,x\n0,1\n10,NaN\n',
      '.05.csv': good,
    };
    for (const [n, data] of Object.entries(files)) writeFileSync(path.join(bad, n), data);
    const hiddenSkipped = '.05.csv';
    // a sparse file just over the limit: refused before it is read
    const huge = path.join(bad, 'huge.01.csv');
    writeFileSync(huge, 'timestamp,x\n');
    truncateSync(huge, MAX_IMPORT_FILE_BYTES + 1);

    const result = await importPaths([bad, path.join(dir, 'missing.csv')]);
    expect(result.imported).toBe(1);
    expect(result.byLabel).toEqual({ good: 1 });
    const failedNames = result.failed.map((f) => f.file).sort();
    const expected = [...Object.keys(files).filter((n) => n !== 'good.01.csv' && n !== hiddenSkipped), 'huge.01.csv', path.join(dir, 'missing.csv')].sort();
    expect(failedNames).toEqual(expected);
    for (const f of result.failed) {
      // every reason names its file and says something about it
      expect(f.message.startsWith(path.basename(f.file)) || f.message.startsWith(f.file)).toBe(true);
      expect(f.message.length).toBeGreaterThan(f.file.length + 10);
      expect(f.code).not.toBe('INTERNAL');
    }
    expect(result.failed.find((f) => f.file === 'huge.01.csv')!.message).toMatch(/up to 256 MB/);
    expect(result.failed.find((f) => f.file === 'nan.01.csv')!.message).toMatch(/NaN|number/i);
    expect(result.failed.find((f) => f.file === 'random.06.bin')!.message).toMatch(/unknown file type/);

    // nothing half-written: the earlier samples are identical, and only the good file was added
    const after = snapshot();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after).toHaveLength(before.length + 1);
    const db = studio.services.home.get('lab').db;
    expect((db.prepare('SELECT count(*) AS n FROM samples').get() as { n: number }).n).toBe(before.length + 1);
    expect((db.prepare('SELECT count(*) AS n FROM sample_chunks').get() as { n: number }).n).toBe(0);
  });

  it('stops between files when cancelled: what was stored stays whole, the rest is not started', async () => {
    for (let i = 0; i < 20; i++) writeFileSync(path.join(dir, `wave.${String(i).padStart(2, '0')}.csv`), serializeCsv(series(50, ['x', 'y'], 10, i)));
    const { jobId } = await studio.call('samples.import', { project: 'lab', paths: [dir], category: 'train' });
    await studio.call('jobs.cancel', { jobId });
    const job = await studio.services.jobs.wait(jobId);
    expect(job.state).toBe('cancelled');
    const stored = repo().query().rows;
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThan(20);
    for (const s of stored) expect(repo().data(s.id)).toHaveLength(100);
    expect(
      studio.services.jobs
        .get(jobId)
        .log.map((l) => l.message)
        .join('\n'),
    ).toMatch(new RegExp(`Cancelled: ${stored.length} samples? imported`));
  });

  it('refuses a call with no files and a missing project before starting a job', async () => {
    await expect(
      studio.call('samples.import', { project: 'lab', paths: [mkdtempSync(path.join(os.tmpdir(), 'kiln-empty-'))], category: 'train' }),
    ).rejects.toThrow(/No files found/);
    await expect(studio.call('samples.import', { project: 'lab', category: 'train' } as never)).rejects.toThrow(/uploadIds or paths/);
    await expect(studio.call('samples.import', { project: 'nope', paths: [dir], category: 'train' })).rejects.toThrow(/No project named/);
    await expect(studio.call('samples.import', { project: 'lab', uploadIds: ['x'], category: 'train' })).rejects.toThrow(/Unknown upload/);
  });
});

describe('samples.export', () => {
  // absolute folders are for the CLI, which calls the service directly (the API confines `out` to the home)
  const exportTo = (req: { project: string; format: 'ei-json' | 'csv'; out: string; label?: string; category?: 'train' | 'test' }) =>
    studio.services.jobs.wait(studio.services.dataset.startExport(req).jobId);
  async function roundTrip(format: 'ei-json' | 'csv') {
    writeMixedFiles(dir);
    await importPaths([dir]);
    repo().setCategory([2, 4], 'test');
    const out = path.join(dir, `out-${format}`);
    const job = await exportTo({ project: 'lab', format, out });
    expect(job.state).toBe('succeeded');
    const result = job.result as ExportResult;
    expect(result).toMatchObject({ dir: out, files: 5, format });
    expect(readdirSync(out).sort()).toEqual(['testing', 'training']);

    await studio.call('projects.create', { name: 'copy' });
    await importPaths([path.join(out, 'training')], { category: 'train' }, 'copy');
    await importPaths([path.join(out, 'testing')], { category: 'test' }, 'copy');
    const a = repo('lab').query({ sort: 'name' }).rows;
    const b = repo('copy').query({ sort: 'name' }).rows;
    expect(b.map((r) => r.name)).toEqual(a.map((r) => r.name));
    for (let i = 0; i < a.length; i++) {
      const [x, y] = [a[i]!, b[i]!];
      // CSV has no place for units: only the axis names travel
      const axes = (r: typeof x) => (format === 'csv' && !r.width ? r.sensors.map((s) => s.name) : r.sensors);
      expect({ label: y.label, category: y.category, sensors: axes(y), readings: y.readings, width: y.width, height: y.height }).toEqual({
        label: x.label,
        category: x.category,
        sensors: axes(x),
        readings: x.readings,
        width: x.width,
        height: x.height,
      });
      expect(y.intervalMs).toBeCloseTo(x.intervalMs, 9);
      // bit-identical float32 values
      expect(Buffer.from(repo('copy').data(y.id).buffer).equals(Buffer.from(repo('lab').data(x.id).buffer))).toBe(true);
    }
    return out;
  }

  it('EI JSON: export then import gives bit-identical values, labels, intervals and axes', async () => {
    const out = await roundTrip('ei-json');
    expect(readdirSync(path.join(out, 'training')).sort()).toEqual(['cat.01.png', 'noise.01.json', 'wave.02.json']);
  });

  it('CSV: export then import gives bit-identical values, labels, intervals and axes', async () => {
    const out = await roundTrip('csv');
    expect(readdirSync(path.join(out, 'testing')).sort()).toEqual(['idle.01.csv', 'wave.01.csv']);
  });

  it('never writes into a folder that holds files, and filters by label and category', async () => {
    writeMixedFiles(dir);
    await importPaths([dir]);
    const job = await exportTo({ project: 'lab', format: 'csv', out: dir });
    expect(job.state).toBe('failed');
    expect(job.error!.message).toMatch(/is not empty/);
    const only = await exportTo({ project: 'lab', format: 'csv', out: path.join(dir, 'waves'), label: 'wave' });
    expect((only.result as ExportResult).files).toBe(2);
    const none = await exportTo({ project: 'lab', format: 'csv', out: path.join(dir, 'none'), category: 'test' });
    expect(none.error!.message).toMatch(/nothing to export/);
  });

  it('puts a relative folder under the home exports folder', async () => {
    const { dir: out } = await studio.call('samples.export', { project: 'lab', format: 'csv', out: 'lab-2026' });
    expect(out).toBe(path.join(studio.home, 'exports', 'lab-2026'));
  });
});
