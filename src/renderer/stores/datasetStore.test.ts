import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KilnEvent } from '../../shared/api/contract';
import type { JobInfo } from '../../shared/api/jobs';
import type { SampleRow } from '../../shared/api/samples';
import type { Transport } from '../../shared/api/transport';
import { createClient, setClient } from '../api';
import { PAGE_SIZE, useDataset } from './datasetStore';
import { useJobs } from './jobsStore';

/** A small in-memory samples service behind the real client, validating what the store sends. */
function fakeServer(count: number) {
  let rows: SampleRow[] = Array.from({ length: count }, (_, i) => row(i + 1, i % 2 ? 'wave' : 'idle'));
  const listeners = new Set<(e: KilnEvent) => void>();
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const uploads: string[] = [];
  const emit = (e: KilnEvent) => listeners.forEach((l) => l(e));
  const filtered = (a: Record<string, unknown>) =>
    rows
      .filter((r) => (a.label === undefined || r.label === a.label) && (a.category === undefined || r.category === a.category))
      .sort((x, y) => (a.descending ? y.id - x.id : x.id - y.id));
  const handlers: Record<string, (a: Record<string, unknown>) => unknown> = {
    'samples.list': (a) => ({ rows: filtered(a).slice(a.offset as number, (a.offset as number) + (a.limit as number)), total: filtered(a).length }),
    'samples.ids': (a) => filtered(a).map((r) => r.id),
    'samples.counts': () => ({ byLabel: [], train: rows.length, test: 0, total: rows.length }),
    'samples.labels': () => [...new Set(rows.map((r) => r.label))].sort(),
    'samples.get': (a) => ({ sample: rows.find((r) => r.id === a.id), values: [1, 2, 3], readings: 1, decimated: false, readingIndex: null }),
    'samples.delete': (a) => {
      const ids = a.ids as number[];
      rows = rows.filter((r) => !ids.includes(r.id));
      return { deleted: ids.length, undoToken: `deleted:${ids.join(',')}` };
    },
    'uploads.begin': (a) => {
      uploads.push(a.fileName as string);
      return { uploadId: `u${uploads.length}`, chunkSize: 4 };
    },
    'uploads.chunk': (a) => ({ received: (a.offset as number) + atob(a.base64 as string).length }),
    'samples.import': (a) => {
      const job: JobInfo = {
        id: 'job1',
        kind: 'samples.import',
        title: 'Import',
        project: 'p',
        state: 'running',
        progress: 0,
        status: '',
        createdAt: '',
        finishedAt: null,
        error: null,
        result: null,
      };
      setTimeout(() => {
        emit({ name: 'job.updated', payload: { ...job, progress: 0.5 } });
        const failed = (a.uploadIds as string[]).length > 1 ? [{ file: 'bad.csv', code: 'BAD_FILE', message: 'bad.csv line 2: expected 2 columns' }] : [];
        emit({ name: 'job.updated', payload: { ...job, state: 'succeeded', progress: 1, result: { imported: 1, failed, byLabel: { tap: 1 } } } });
      }, 5);
      return { jobId: job.id };
    },
  };
  const transport: Transport = {
    async call(method, args) {
      calls.push({ method, args: args as Record<string, unknown> });
      const h = handlers[method];
      if (!h) return { ok: false, error: { code: 'BAD_REQUEST', message: `unexpected ${method}` } };
      return { ok: true, result: h(args as Record<string, unknown>) };
    },
    subscribe(l) {
      listeners.add(l);
      return () => listeners.delete(l);
    },
  };
  return { transport, calls, uploads, rows: () => rows };
}

function row(id: number, label: string): SampleRow {
  return {
    id,
    name: `${label}.${id}`,
    label,
    category: 'train',
    kind: 'time-series',
    sensors: [{ name: 'x', units: 'N/A' }],
    intervalMs: 10,
    readings: 10,
    lengthMs: 100,
    width: null,
    height: null,
    hash: null,
    source: 'test',
    deviceName: null,
    deviceType: null,
    status: 'complete',
    note: null,
    createdAt: new Date(0).toISOString(),
  };
}

const settle = () => new Promise((r) => setTimeout(r, 20));
let server: ReturnType<typeof fakeServer>;
let disconnect: () => void;
beforeEach(async () => {
  server = fakeServer(250);
  setClient(createClient(server.transport));
  disconnect = useJobs.getState().connect();
  useDataset.setState({ project: null });
  useDataset.getState().open('p');
  await settle();
});
afterEach(() => disconnect());

describe('dataset store', () => {
  it('loads the first page, then other pages only when asked, newest first', async () => {
    const s = useDataset.getState();
    expect(s.total).toBe(250);
    expect(Object.keys(s.pages)).toEqual(['0']);
    expect(s.rowAt(0)!.id).toBe(250);
    expect(s.rowAt(PAGE_SIZE)).toBeUndefined();
    await s.ensurePage(2);
    expect(useDataset.getState().rowAt(249)!.id).toBe(1);
    expect(server.calls.filter((c) => c.method === 'samples.list').map((c) => c.args.offset)).toEqual([0, 200]);
  });

  it('selects with click, ctrl-click and shift-click ranges across pages', async () => {
    const { click } = useDataset.getState();
    await click(1, { shift: false, ctrl: false });
    expect([...useDataset.getState().selected]).toEqual([249]);
    await click(3, { shift: false, ctrl: true });
    expect([...useDataset.getState().selected].sort()).toEqual([247, 249]);
    await click(3, { shift: false, ctrl: true });
    expect([...useDataset.getState().selected]).toEqual([249]);
    await useDataset.getState().ensurePage(1);
    await click(150, { shift: true, ctrl: false }); // anchor is 3 (the last ctrl-click)
    const sel = useDataset.getState().selected;
    expect(sel.size).toBe(148);
    expect(sel.has(247) && sel.has(100) && !sel.has(248) && !sel.has(99)).toBe(true);
  });

  it('select all takes every sample of the filter, not just the loaded pages', async () => {
    useDataset.getState().setFilter({ label: 'wave' });
    await settle();
    await useDataset.getState().selectAll();
    expect(useDataset.getState().selected.size).toBe(125);
    expect(server.calls.find((c) => c.method === 'samples.ids')!.args).toMatchObject({ label: 'wave' });
  });

  it('a filter change drops the selection and reloads from the first page', async () => {
    await useDataset.getState().click(0, { shift: false, ctrl: false });
    useDataset.getState().setFilter({ label: 'idle' });
    expect(useDataset.getState().selected.size).toBe(0);
    await settle();
    expect(useDataset.getState().total).toBe(125);
    expect(useDataset.getState().rowAt(0)!.label).toBe('idle');
  });

  it('refresh keeps the rows on screen until the fresh ones arrive, then swaps them', async () => {
    await useDataset.getState().click(0, { shift: false, ctrl: false });
    const { undoToken } = await useDataset.getState().deleteSelected();
    expect(undoToken).toBe('deleted:250');
    expect(useDataset.getState().selected.size).toBe(0);
    expect(useDataset.getState().viewId).toBeNull();
    const refreshing = useDataset.getState().refresh();
    expect(useDataset.getState().rowAt(0)!.id).toBe(250); // still the old rows, no blank table
    await refreshing;
    expect(useDataset.getState().rowAt(0)!.id).toBe(249);
    expect(useDataset.getState().total).toBe(249);
  });

  it('imports files: uploads each, follows the job, and keeps the failures to show', async () => {
    const files = [new File(['timestamp,x\n0,1\n'], 'tap.01.csv'), new File(['a,b\n1\n'], 'bad.csv')];
    const result = await useDataset.getState().importFiles(files, { category: 'split' });
    expect(server.uploads).toEqual(['tap.01.csv', 'bad.csv']);
    expect(server.calls.find((c) => c.method === 'samples.import')!.args).toEqual({ project: 'p', uploadIds: ['u1', 'u2'], category: 'split' });
    expect(result!.failed).toHaveLength(1);
    expect(useDataset.getState().importing).toMatchObject({ phase: 'done', progress: 1, error: null });
    useDataset.getState().dismissImport();
    expect(useDataset.getState().importing).toBeNull();
  });
});
