import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../app/services';
import { createDispatcher } from '.';
import type { Dispatcher } from './dispatcher';

let services: Services;
let api: Dispatcher;
beforeEach(() => {
  services = createServices({ home: mkdtempSync(path.join(os.tmpdir(), 'kiln-api-')), host: 'cli' });
  api = createDispatcher(services, { validateResults: true });
});
afterEach(() => services.dispose());

describe('the API dispatcher', () => {
  it('refuses an unknown method by name', async () => {
    const r = await api.call('projects.explode', {});
    expect(r).toEqual({ ok: false, error: { code: 'BAD_REQUEST', message: 'Unknown method "projects.explode"' } });
    expect(await api.call(42, {})).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('names the field that is wrong', async () => {
    const r = await api.call('projects.create', { name: '' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('BAD_REQUEST');
      expect(r.error.message).toBe('projects.create: name: Project name is empty');
      expect(r.error.details?.field).toBe('name');
    }
  });

  it('rejects unexpected fields, wrong types and missing arguments', async () => {
    expect(await api.call('projects.create', { name: 'ok', evil: true })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await api.call('projects.create', { name: 7 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await api.call('projects.rename', { name: 'x' })).toMatchObject({ ok: false, error: { message: expect.stringContaining('newName') } });
    expect(await api.call('projects.create', null)).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await api.call('projects.create', { name: '../../etc/passwd' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await api.call('projects.import', {})).toMatchObject({ ok: false, error: { message: expect.stringContaining('uploadId') } });
  });

  it('maps service errors to typed error results', async () => {
    expect(await api.call('projects.info', { project: 'missing' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } });
    await api.call('projects.create', { name: 'twice' });
    expect(await api.call('projects.create', { name: 'twice' })).toMatchObject({
      ok: false,
      error: { code: 'ALREADY_EXISTS', message: 'A project named "twice" already exists' },
    });
  });

  it('creates, lists, renames, deletes and restores projects', async () => {
    const created = await api.call('projects.create', { name: 'Wave study' });
    expect(created).toMatchObject({ ok: true, result: { name: 'Wave study', sampleCount: 0 } });
    expect(await api.call('projects.rename', { name: 'Wave study', newName: 'Waves' })).toMatchObject({ ok: true, result: { name: 'Waves' } });
    const list = await api.call('projects.list', {});
    expect(list.ok && (list.result as { name: string }[]).map((p) => p.name)).toEqual(['Waves']);
    const del = await api.call('projects.delete', { name: 'Waves' });
    expect(del.ok).toBe(true);
    const trashId = del.ok ? (del.result as { trashId: string }).trashId : '';
    expect(await api.call('projects.list', {})).toMatchObject({ ok: true, result: [] });
    expect(await api.call('projects.restore', { trashId })).toMatchObject({ ok: true, result: { name: 'Waves' } });
  });

  it('duplicates a project as a job with progress events', async () => {
    await api.call('projects.create', { name: 'src' });
    const updates: number[] = [];
    services.events.subscribe((e) => {
      if (e.name === 'job.updated') updates.push(e.payload.progress);
    });
    const r = await api.call('projects.duplicate', { name: 'src', newName: 'copy' });
    expect(r.ok).toBe(true);
    const job = await services.jobs.wait((r as { result: { jobId: string } }).result.jobId);
    expect(job.state).toBe('succeeded');
    expect(updates.at(-1)).toBe(1);
    expect(
      services.home
        .list()
        .map((p) => p.name)
        .sort(),
    ).toEqual(['copy', 'src']);
  });

  it('imports an uploaded .kiln file as a job, reports a bad file as a failed job, and takes no path from a client', async () => {
    const other = createServices({ home: mkdtempSync(path.join(os.tmpdir(), 'kiln-other-')), host: 'cli' });
    other.home.create('elsewhere');
    other.dispose();
    const upload = (file: string) => {
      const bytes = readFileSync(file);
      const { uploadId } = services.uploads.begin(path.basename(file), bytes.length);
      services.uploads.chunk(uploadId, 0, bytes.toString('base64'));
      return uploadId;
    };
    const source = path.join(other.home.dir, 'elsewhere.kiln');
    const uploadId = upload(source);
    const ok = await api.call('projects.import', { uploadId });
    const job = await services.jobs.wait((ok as { result: { jobId: string } }).result.jobId);
    expect(job).toMatchObject({ state: 'succeeded', result: { project: 'elsewhere' } });
    // the upload is gone once the job ended
    expect(() => services.uploads.take(uploadId)).toThrow(/Unknown upload/);

    const bogus = path.join(other.home.dir, 'bogus.kiln');
    writeFileSync(bogus, 'not a project');
    const bad = await api.call('projects.import', { uploadId: upload(bogus) });
    const failed = await services.jobs.wait((bad as { result: { jobId: string } }).result.jobId);
    expect(failed).toMatchObject({ state: 'failed', error: { code: 'NOT_A_PROJECT' } });
    expect(await api.call('projects.import', { path: source })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
  });

  it('takes uploads in chunks and refuses out-of-order or oversized chunks', async () => {
    const begin = await api.call('uploads.begin', { fileName: 'x.bin', size: 4 });
    const { uploadId } = (begin as { result: { uploadId: string } }).result;
    expect(await api.call('uploads.chunk', { uploadId, offset: 2, base64: 'AAA=' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } });
    expect(await api.call('uploads.chunk', { uploadId, offset: 0, base64: 'not base64!' })).toMatchObject({ ok: false });
    expect(await api.call('uploads.chunk', { uploadId, offset: 0, base64: 'AAAAAAAA' })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('more bytes') },
    });
    expect(await api.call('uploads.chunk', { uploadId, offset: 0, base64: 'AAECAw==' })).toEqual({ ok: true, result: { received: 4 } });
  });
});
