import { mkdirSync, mkdtempSync, readdirSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { unzipSync } from 'fflate';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExportResult } from '../../shared/api/samples';
import { SampleRepository } from '../store/sampleRepository';
import { series, testStudio, type TestStudio } from './testKit';

let studio: TestStudio;

beforeEach(async () => {
  studio = testStudio();
  await studio.call('projects.create', { name: 'lab' });
  const repo = new SampleRepository(studio.services.home.get('lab').db);
  for (const [label, category] of [
    ['wave', 'train'],
    ['idle', 'test'],
  ] as const) {
    const s = series(20, ['accX', 'accY'], 10);
    repo.insert({ label, category, sensors: s.sensors, intervalMs: s.intervalMs, values: s.values, source: 'test' });
  }
});
afterEach(() => studio.dispose());

const read = (s: Readable) =>
  new Promise<Buffer>((resolve) => {
    const parts: Buffer[] = [];
    s.on('data', (c: Buffer) => parts.push(c));
    s.on('end', () => resolve(Buffer.concat(parts)));
  });

describe('samples.export from the studio page', () => {
  it('offers the export as one .zip download and leaves no loose files behind', async () => {
    const { jobId, dir } = await studio.call('samples.export', { project: 'lab', format: 'csv' });
    expect(dir).toBeNull();
    const job = await studio.services.jobs.wait(jobId);
    expect(job.state).toBe('succeeded');
    const result = job.result as ExportResult;
    expect(result).toMatchObject({ files: 2, format: 'csv', dir: 'lab-csv.zip', download: { fileName: 'lab-csv.zip' } });
    const d = studio.services.transfers.takeDownload(result.download!.downloadId);
    expect(d.mime).toBe('application/zip');
    const entries = unzipSync(new Uint8Array(await read(d.open())));
    expect(Object.keys(entries).sort()).toEqual([expect.stringMatching(/^testing\/idle\.\w+\.csv$/), expect.stringMatching(/^training\/wave\.\w+\.csv$/)]);
    expect(new TextDecoder().decode(Object.values(entries)[0]).split('\n')[0]).toContain('accX');
    d.done();
    // served once: the zip and the loose files are gone
    expect(readdirSync(studio.services.transfers.dir)).toEqual([]);
  });

  it('keeps a folder argument inside the home exports folder: no "..", no absolute path, no symbolic link out', async () => {
    const exportsDir = path.join(studio.home, 'exports');
    mkdirSync(exportsDir, { recursive: true });
    const outside = mkdtempSync(path.join(os.tmpdir(), 'kiln-outside-'));
    symlinkSync(outside, path.join(exportsDir, 'link'));
    for (const out of ['../escaped', 'a/../../escaped', outside, '/tmp/escaped', 'link/inside-the-link']) {
      await expect(studio.call('samples.export', { project: 'lab', format: 'csv', out }), out).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    }
    expect(readdirSync(outside)).toEqual([]);
    const { dir } = await studio.call('samples.export', { project: 'lab', format: 'csv', out: 'ok' });
    expect(dir).toBe(path.join(studio.home, 'exports', 'ok'));
  });
});
