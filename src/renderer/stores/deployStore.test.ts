import { beforeEach, describe, expect, it } from 'vitest';
import type { KilnEvent } from '../../shared/api/contract';
import type { BuiltLibrary, DeployOptions } from '../../shared/api/deploy';
import type { JobInfo } from '../../shared/api/jobs';
import type { Transport } from '../../shared/api/transport';
import { createClient, setClient } from '../api';
import { isBuilding, selectBuildBlocker, useDeploy } from './deployStore';

const boards = [
  { id: 'arduino-nano-33-ble-sense', name: 'Arduino Nano 33 BLE Sense', ramKb: 256, flashKb: 1024, clockMhz: 64 },
  { id: 'tiny', name: 'Tiny board', ramKb: 2, flashKb: 16, clockMhz: 16 },
];

/** A small deploy service behind the real client: estimates fit the Nano, not the tiny board. */
function fakeServer(options: Partial<DeployOptions> = {}) {
  const listeners = new Set<(e: KilnEvent) => void>();
  const calls: { method: string; args: Record<string, unknown> }[] = [];
  const libraries: BuiltLibrary[] = [];
  const emit = (e: KilnEvent) => listeners.forEach((l) => l(e));
  const opts: DeployOptions = {
    model: { id: 3, block: 'classifier', kind: 'classification', createdAt: '', current: true, hasInt8: true, anomalyModelId: null },
    problem: null,
    formats: [
      { format: 'c', title: 'C library', available: true, reason: null },
      { format: 'arduino', title: 'Arduino library', available: true, reason: null },
      { format: 'onnx', title: 'ONNX model', available: true, reason: null },
    ],
    boards,
    kilnVersion: '0.1.0',
    ...options,
  };
  const job: JobInfo = {
    id: 'b1',
    kind: 'library.build',
    title: 'Build',
    project: 'p',
    state: 'running',
    progress: 0,
    status: '',
    createdAt: '',
    finishedAt: null,
    error: null,
    result: null,
  };
  const handlers: Record<string, (a: Record<string, unknown>) => unknown> = {
    'deploy.options': () => opts,
    'deploy.list': () => libraries,
    'jobs.list': () => [],
    'jobs.get': () => ({ job, log: [] }),
    'deploy.estimate': (a) => {
      const board = boards.find((b) => b.id === a.board)!;
      const flashBytes = a.precision === 'int8' ? 20_000 : 60_000;
      const fits = flashBytes <= board.flashKb * 1024;
      return {
        modelId: 3,
        format: a.format,
        precision: a.precision,
        board,
        fits,
        estimate: {
          board: board.id,
          numeric: a.precision,
          dspMs: 1,
          modelMs: 0.5,
          totalMs: 1.5,
          ramBytes: 1000,
          flashBytes,
          fitsRam: true,
          fitsFlash: fits,
          notes: [],
        },
      };
    },
    'deploy.build': (a) => {
      setTimeout(() => {
        emit({ name: 'job.updated', payload: { ...job, progress: 0.5 } });
        libraries.unshift({
          id: 1,
          modelId: 3,
          name: 'p_c_int8.zip',
          format: a.format as 'c',
          precision: a.precision as 'int8',
          board: (a.board as string) ?? null,
          kilnVersion: '0.1.0',
          sizeBytes: 1234,
          sha256: 'ab'.repeat(32),
          summary: {},
          createdAt: '2026-12-01T00:00:00Z',
        });
        emit({ name: 'job.updated', payload: { ...job, state: 'succeeded', progress: 1 } });
      }, 5);
      return { jobId: job.id };
    },
    'deploy.download': (a) => ({ downloadId: `d${a.id}`, fileName: 'p_c_int8.zip', bytes: 1234 }),
    'transfers.save': () => ({ savedTo: '/chosen/in/the/dialog.zip' }),
    'deploy.delete': (a) => {
      libraries.splice(
        libraries.findIndex((l) => l.id === a.id),
        1,
      );
      return {};
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
  return { transport, calls };
}

const settle = () => new Promise((r) => setTimeout(r, 20));
let server: ReturnType<typeof fakeServer>;

function start(options?: Partial<DeployOptions>) {
  server = fakeServer(options);
  setClient(createClient(server.transport));
  useDeploy.setState({ project: null, format: 'c', precision: 'int8', board: null });
  return useDeploy.getState().connect();
}

describe('deploy store', () => {
  beforeEach(() => {
    useDeploy.setState({ project: null });
  });

  it('starts on the Nano 33 BLE Sense with the C library in int8 and estimates it', async () => {
    const off = start();
    await useDeploy.getState().load('p');
    const s = useDeploy.getState();
    expect(s.board).toBe('arduino-nano-33-ble-sense');
    expect(s.estimate).toMatchObject({ fits: true, precision: 'int8', format: 'c' });
    expect(selectBuildBlocker(s)).toBeNull();
    off();
  });

  it('re-estimates on every choice and blocks the build on a board it does not fit', async () => {
    const off = start();
    await useDeploy.getState().load('p');
    await useDeploy.getState().setBoard('tiny');
    await useDeploy.getState().setPrecision('float32');
    expect(useDeploy.getState().estimate?.fits).toBe(false);
    expect(selectBuildBlocker(useDeploy.getState())).toBe('Does not fit the Tiny board: choose a bigger board or int8');
    // ONNX is float32 only: the precision follows the format
    await useDeploy.getState().setPrecision('int8');
    await useDeploy.getState().setFormat('onnx');
    expect(useDeploy.getState().precision).toBe('float32');
    expect(server.calls.filter((c) => c.method === 'deploy.estimate').at(-1)!.args).toEqual({
      project: 'p',
      format: 'onnx',
      precision: 'float32',
      board: 'tiny',
    });
    off();
  });

  it('builds, follows the job and lists the new library; downloads it through the host and deletes it', async () => {
    const off = start();
    await useDeploy.getState().load('p');
    await useDeploy.getState().build();
    expect(isBuilding(useDeploy.getState())).toBe(true);
    expect(selectBuildBlocker(useDeploy.getState())).toBe('A build is running');
    await settle();
    expect(useDeploy.getState().job?.state).toBe('succeeded');
    expect(useDeploy.getState().libraries.map((l) => l.board)).toEqual(['arduino-nano-33-ble-sense']);
    expect(await useDeploy.getState().download(1)).toEqual({ savedTo: '/chosen/in/the/dialog.zip' });
    expect(server.calls.find((c) => c.method === 'transfers.save')!.args).toEqual({ downloadId: 'd1' });
    await useDeploy.getState().remove(1);
    expect(useDeploy.getState().libraries).toEqual([]);
    off();
  });

  it('says why nothing can be built and does not estimate', async () => {
    const off = start({ problem: 'Processing block "Energy" is a custom block; custom blocks cannot be exported yet.' });
    await useDeploy.getState().load('p');
    expect(useDeploy.getState().estimate).toBeNull();
    expect(selectBuildBlocker(useDeploy.getState())).toMatch(/custom blocks cannot be exported yet/);
    expect(server.calls.some((c) => c.method === 'deploy.estimate')).toBe(false);
    off();
  });
});
