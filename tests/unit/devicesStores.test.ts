// The devices and record stores against the real dispatcher and services (no React, no mocks).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/main/api';
import { createServices, type Services } from '../../src/main/app/services';
import { createClient, setClient } from '../../src/renderer/api';
import { useDevices } from '../../src/renderer/stores/devicesStore';
import { useJobs } from '../../src/renderer/stores/jobsStore';
import { useRecord } from '../../src/renderer/stores/recordStore';

let dir: string;
let services: Services;
let disconnect: () => void;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kiln-stores-'));
  services = createServices({ home: dir, host: 'web' });
  services.home.create('lab');
  const dispatcher = createDispatcher(services, { validateResults: true });
  // JSON round trip, like the WebSocket: results and events must survive it
  setClient(
    createClient({
      call: async (method, args) => JSON.parse(JSON.stringify(await dispatcher.call(method, JSON.parse(JSON.stringify(args))))),
      subscribe: (listener) => services.events.subscribe((e) => listener(JSON.parse(JSON.stringify(e)))),
    }),
  );
  disconnect = useJobs.getState().connect();
});

afterAll(() => {
  disconnect();
  services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('devices store', () => {
  it('loads the devices and keeps a connect error per port', async () => {
    await useDevices.getState().load();
    const s = useDevices.getState();
    expect(s.loaded).toBe(true);
    expect(s.devices.filter((d) => d.kind === 'virtual').map((d) => d.id)).toEqual(['virtual-accelerometer', 'virtual-microphone']);

    await expect(useDevices.getState().addPort(path.join(dir, 'nothing'))).rejects.toThrow(/Nothing exists at/);
    const missing = path.join(dir, 'ttyACM0');
    expect(await useDevices.getState().connect(missing)).toBeNull();
    expect(useDevices.getState().connectErrors[missing]).toMatch(/No serial port at/);
    expect(useDevices.getState().busy[missing]).toBeUndefined();
  });
});

describe('record store', () => {
  it('records from the virtual accelerometer, streams live readings and returns the saved sample', async () => {
    const off = useRecord.getState().subscribe();
    useRecord.getState().setForm({ device: 'virtual-accelerometer', label: 'circle', lengthMs: 800, category: 'test', frequencyHz: 100 });
    const result = await useRecord.getState().start('lab');
    off();
    expect(result).toMatchObject({ label: 'circle', category: 'test', readings: 80, truncated: false, name: 'circle.1' });
    const s = useRecord.getState();
    expect(s.jobId).toBeNull();
    expect(s.result).toEqual(result);
    expect(s.live?.axes).toEqual(['accX', 'accY', 'accZ']);
    expect(s.live!.t.length).toBe(80);
    expect(s.live!.ys[2]!.length).toBe(80);
    expect(s.live!.t[79]).toBeCloseTo(0.79, 5);
  });

  it('shows the API error for a bad form and starts nothing', async () => {
    useRecord.getState().setForm({ label: 'a,b' });
    expect(await useRecord.getState().start('lab')).toBeNull();
    expect(useRecord.getState().error).toMatch(/label: A label cannot contain commas/);
    useRecord.getState().setForm({ label: 'ok', device: 'virtual-microphone', frequencyHz: 8000 });
    expect(await useRecord.getState().start('lab')).toBeNull();
    expect(useRecord.getState().error).toMatch(/16000 Hz, not 8000 Hz/);
    expect(Object.values(useJobs.getState().jobs).filter((j) => j.kind === 'samples.record')).toHaveLength(1);
  });
});
