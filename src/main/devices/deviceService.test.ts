import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KilnEvent } from '../../shared/api/contract';
import type { DeviceData } from '../../shared/api/devices';
import { KilnError } from '../../shared/errors';
import { EventBus } from '../api/eventBus';
import { JobRunner } from '../jobs/jobRunner';
import { ProjectHome } from '../store/projectHome';
import { SampleRepository } from '../store/sampleRepository';
import { runBoardSimulator, type BoardSimulator, type BoardSimulatorOptions } from './boardSimulator';
import { DeviceService, USER_PORTS_FILE, portPath } from './deviceService';
import { startPtyPair, type PtyPair } from './testing/ptyPair';

let dir: string;
let home: ProjectHome;
let events: EventBus;
let jobs: JobRunner;
let service: DeviceService;
let seen: KilnEvent[];
let pair: PtyPair | undefined;
let sim: BoardSimulator | undefined;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kiln-devsvc-'));
  home = new ProjectHome(dir);
  home.create('lab');
  events = new EventBus();
  seen = [];
  events.subscribe((e) => seen.push(e));
  jobs = new JobRunner(events, (p) => home.get(p).db);
  // an empty /dev stand-in and a failing lister, like a container without udevadm
  service = newService();
});

afterEach(async () => {
  await service.dispose();
  await sim?.stop().catch(() => undefined);
  await pair?.stop();
  sim = pair = undefined;
  home.closeAll();
  rmSync(dir, { recursive: true, force: true });
});

function newService(): DeviceService {
  return new DeviceService({
    homeDir: dir,
    events,
    jobs,
    projects: home,
    pollMs: 100,
    devDir: path.join(dir, 'no-dev'),
    lister: () => Promise.reject(new Error('spawn udevadm ENOENT')),
  });
}

async function board(options: Omit<BoardSimulatorOptions, 'path'>): Promise<string> {
  pair = await startPtyPair();
  sim = await runBoardSimulator({ path: pair.a, seed: 3, ...options });
  return pair.b;
}

function samples() {
  return new SampleRepository(home.get('lab').db).query().rows;
}

describe('listing devices', () => {
  it('lists the virtual devices even when udevadm is missing and no board is plugged in', async () => {
    const rows = await service.list();
    expect(rows.map((r) => r.id)).toEqual(['virtual-accelerometer', 'virtual-microphone']);
    const acc = rows[0]!;
    expect(acc).toMatchObject({ kind: 'virtual', protocol: 'virtual', status: 'available', present: true });
    expect(acc.sensors[0]!.frequencies).toEqual([62.5, 100]);
    expect(acc.sensors[0]!.axes).toEqual(['accX', 'accY', 'accZ']);
    expect(rows[1]!.sensors[0]!.frequencies).toEqual([16000]);
  });

  it('remembers a path added by hand, refuses paths that are not serial ports, and forgets on remove', async () => {
    const p = await board({ protocol: 'forwarder', hz: 50 });
    await expect(service.addPort(path.join(dir, 'nope'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    writeFileSync(path.join(dir, 'plain.txt'), 'x');
    await expect(service.addPort(path.join(dir, 'plain.txt'))).rejects.toThrow(/regular file, not a serial port/);
    await expect(service.addPort(dir)).rejects.toThrow(/a folder, not a serial port/);

    const rows = await service.addPort(p);
    expect(rows.find((r) => r.id === p)).toMatchObject({ kind: 'serial', source: 'user', present: true, status: 'available', userAdded: true });
    expect(JSON.parse(readFileSync(path.join(dir, USER_PORTS_FILE), 'utf8'))).toEqual({ version: 1, ports: [p], axes: {} });

    // a new service (app restart) still lists it
    const again = newService();
    expect((await again.list()).some((r) => r.id === p)).toBe(true);
    await again.dispose();

    // the pty goes away: the row stays, marked missing, and devices.changed is pushed
    await service.list();
    seen.length = 0;
    await sim!.stop();
    await pair!.stop();
    await waitFor(() => seen.some((e) => e.name === 'devices.changed'), 3000);
    const changed = seen.find((e) => e.name === 'devices.changed')!;
    expect(changed.name === 'devices.changed' && changed.payload.devices.find((r) => r.id === p)).toMatchObject({ present: false, status: 'missing' });

    const after = await service.removePort(p);
    expect(after.some((r) => r.id === p)).toBe(false);
    await expect(service.removePort(p)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps Windows port names and makes other paths absolute', () => {
    expect(portPath(' COM3 ')).toBe('COM3');
    expect(portPath('\\\\.\\COM12')).toBe('\\\\.\\COM12');
    expect(portPath('/dev/ttyACM0')).toBe('/dev/ttyACM0');
    expect(portPath('pty-b')).toBe(path.resolve('pty-b'));
  });

  it('survives a corrupt user port file', async () => {
    writeFileSync(path.join(dir, USER_PORTS_FILE), '{not json');
    const s = newService();
    expect((await s.list()).length).toBe(2);
    await s.dispose();
  });
});

describe('connecting', () => {
  it('detects a simulated data forwarder: axes, frequency and a sample line; axes can be named', async () => {
    const p = await board({ protocol: 'forwarder', hz: 62.5, axes: 3 });
    const row = await service.connect(p, 115200, 'auto');
    expect(row).toMatchObject({ protocol: 'forwarder', status: 'connected', baudRate: 115200 });
    expect(row.detection).toMatchObject({ axes: 3, frequencyHz: 62.5, malformedLines: 0 });
    expect(row.detection!.sampleLine.split(',')).toHaveLength(3);
    expect(row.sensors[0]!.axes).toEqual(['axis1', 'axis2', 'axis3']);

    expect(() => service.setAxes(p, ['x', 'y'])).toThrow(/prints 3 fields per line; give 3 axis names, not 2/);
    expect(() => service.setAxes(p, ['x', 'x', 'z'])).toThrow(/used twice/);
    expect(service.setAxes(p, ['accX', 'accY', 'accZ']).sensors[0]!.axes).toEqual(['accX', 'accY', 'accZ']);
    // detecting again (or after a restart) keeps the names while the board prints as many fields
    await service.dispose();
    service = newService();
    expect((await service.connect(p, 115200, 'forwarder')).sensors[0]!.axes).toEqual(['accX', 'accY', 'accZ']);

    const rows = await service.disconnect(p);
    expect(rows.find((r) => r.id === p)?.status ?? 'gone').not.toBe('connected');
  });

  it('gives a clear NO_DATA error for a board that sends garbage, and leaves the port closed', async () => {
    const p = await board({ protocol: 'forwarder', hz: 100, faults: { garbage: true } });
    const err = await service.connect(p, 9600, 'forwarder').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe('NO_DATA');
    expect((err as KilnError).message).toMatch(/wrong baud rate\?/);
    expect(service.rows().some((r) => r.status === 'connected')).toBe(false);
  });

  it('refuses a missing port with DEVICE_GONE', async () => {
    await expect(service.connect(path.join(dir, 'ttyACM9'))).rejects.toMatchObject({ code: 'DEVICE_GONE' });
  });

  it('says when a board is not running Edge Impulse firmware but ei-at was asked for', async () => {
    const p = await board({ protocol: 'forwarder', hz: 50 });
    await expect(service.connect(p, 115200, 'ei-at')).rejects.toThrow(/No Edge Impulse AT firmware answered/);
  });
});

describe('recording', () => {
  it('records 2 s from a simulated forwarder into the project, with live data for the plot', async () => {
    const p = await board({ protocol: 'forwarder', hz: 100, axes: 3, signal: 'wave' });
    await service.connect(p);
    const started = Date.now();
    const job = service.record({ project: 'lab', device: p, label: 'wave', lengthMs: 2000, category: 'test', axisNames: ['accX', 'accY', 'accZ'] });
    expect(service.rows().find((r) => r.id === p)?.status).toBe('recording');
    const done = await jobs.wait(job.id);
    expect(done.state).toBe('succeeded');
    expect(done.result).toMatchObject({ truncated: false, readings: 200, expectedReadings: 200, label: 'wave', category: 'test' });

    const [s] = samples();
    expect(s).toMatchObject({ label: 'wave', category: 'test', readings: 200, status: 'complete', intervalMs: 10, deviceType: 'DATA_FORWARDER' });
    expect(s!.sensors.map((x) => x.name)).toEqual(['accX', 'accY', 'accZ']);
    const values = new SampleRepository(home.get('lab').db).data(s!.id);
    expect(values.length).toBe(600);
    expect(values.some((v) => v !== 0)).toBe(true);

    const data = seen.filter((e) => e.name === 'device.data').map((e) => e.payload as DeviceData);
    const secs = (Date.now() - started) / 1000;
    expect(data.length).toBeGreaterThan(5);
    expect(data.length / secs).toBeLessThanOrEqual(50);
    expect(data.reduce((n, d) => n + d.values.length / 3, 0)).toBe(200);
    expect(data[0]!.axes).toEqual(['accX', 'accY', 'accZ']);
    // progress went up over time
    const progress = seen.filter((e) => e.name === 'job.updated' && e.payload.id === job.id).map((e) => (e.name === 'job.updated' ? e.payload.progress : 0));
    expect(progress.filter((x) => x > 0 && x < 1).length).toBeGreaterThan(3);
    expect(service.rows().find((r) => r.id === p)?.status).toBe('connected');
  });

  it('keeps the received part when the board is unplugged mid-recording, marked truncated', async () => {
    pair = await startPtyPair();
    const unplug = pair;
    sim = await runBoardSimulator({
      path: pair.a,
      protocol: 'forwarder',
      hz: 100,
      axes: 3,
      seed: 5,
      faults: { disappearAfterMs: 3500 },
      onDisappear: () => void unplug.stop(),
    });
    await service.connect(pair.b, 115200, 'forwarder'); // ~2 s of detection
    const job = service.record({ project: 'lab', device: pair.b, label: 'idle', lengthMs: 5000, category: 'train' });
    const done = await jobs.wait(job.id);
    expect(done.state).toBe('succeeded');
    const result = done.result as { truncated: boolean; readings: number; reason: string };
    expect(result.truncated).toBe(true);
    expect(result.readings).toBeGreaterThan(20);
    expect(result.readings).toBeLessThan(500);
    expect(result.reason).toMatch(/went away|Lost|stopped sending/);

    const [s] = samples();
    expect(s).toMatchObject({ status: 'truncated', readings: result.readings });
    expect(s!.note).toMatch(/Kept \d+ of 500 readings|kept \d+ of 500 readings/);
    expect(seen.some((e) => e.name === 'job.log' && e.payload.jobId === job.id && e.payload.line.level === 'warn')).toBe(true);
    // the service keeps working: the board is no longer listed as connected, virtual devices still record
    expect(service.rows().find((r) => r.id === pair!.b)?.status ?? 'gone').not.toBe('connected');
    const v = await jobs.wait(service.record({ project: 'lab', device: 'virtual-accelerometer', label: 'idle', lengthMs: 200, category: 'train' }).id);
    expect(v.state).toBe('succeeded');
  });

  it('records from an Edge Impulse AT board (connecting inside the job)', async () => {
    const p = await board({ protocol: 'ei-at', at: { startDelayMs: 100, deviceType: 'SIM_BOARD' } });
    const job = service.record({
      project: 'lab',
      device: p,
      label: 'updown',
      lengthMs: 1000,
      frequencyHz: 62.5,
      category: 'train',
      sensor: 'Built-in accelerometer',
    });
    const done = await jobs.wait(job.id);
    expect(done.error).toBeNull();
    expect(done.result).toMatchObject({ truncated: false, label: 'updown' });
    const [s] = samples();
    expect(s!.readings).toBeGreaterThanOrEqual(62);
    expect(s!.readings).toBeLessThanOrEqual(63);
    expect(s!.sensors).toHaveLength(3);
    expect(s!.intervalMs).toBeCloseTo(16, 5);
    const row = service.rows().find((r) => r.id === p)!;
    expect(row).toMatchObject({ protocol: 'ei-at', status: 'connected' });
    expect(row.sensors.map((x) => x.name)).toContain('Built-in microphone');

    // a frequency the sensor does not offer is refused before anything starts
    expect(() => service.record({ project: 'lab', device: p, label: 'x', lengthMs: 1000, frequencyHz: 50, category: 'train' })).toThrow(
      /62.5 or 100 Hz, not 50 Hz/,
    );
    expect(() => service.record({ project: 'lab', device: p, label: 'x', lengthMs: 1000, category: 'train', sensor: 'Camera' })).toThrow(/no sensor "Camera"/);
  });

  it('fails clearly when an Edge Impulse board disappears while sampling, and saves nothing half-made', async () => {
    pair = await startPtyPair();
    const unplug = pair;
    sim = await runBoardSimulator({
      path: pair.a,
      protocol: 'ei-at',
      at: { startDelayMs: 50, disappearWhileSampling: true },
      onDisappear: () => void unplug.stop(),
    });
    await service.connect(pair.b);
    const done = await jobs.wait(service.record({ project: 'lab', device: pair.b, label: 'wave', lengthMs: 1000, category: 'train' }).id);
    expect(done.state).toBe('failed');
    expect(done.error).toMatchObject({ code: 'DEVICE_GONE' });
    expect(done.error!.message).toMatch(/went away|Lost/);
    expect(samples()).toHaveLength(0);
    expect(service.rows().find((r) => r.id === pair!.b)?.status ?? 'gone').not.toMatch(/connected|recording/);
  });

  it('records from the virtual accelerometer in real time and refuses bad settings', async () => {
    const t0 = Date.now();
    const job = service.record({ project: 'lab', device: 'virtual-accelerometer', label: 'circle', lengthMs: 1000, category: 'train', seed: 9 });
    const done = await jobs.wait(job.id);
    expect(Date.now() - t0).toBeGreaterThan(800);
    expect(done.result).toMatchObject({ truncated: false, readings: 63, expectedReadings: 63 });
    expect(samples()[0]).toMatchObject({ label: 'circle', readings: 63, status: 'complete', source: 'virtual:accelerometer' });
    expect(seen.some((e) => e.name === 'device.data')).toBe(true);

    expect(() => service.record({ project: 'lab', device: 'virtual-accelerometer', label: 'x', lengthMs: 1000, frequencyHz: 50, category: 'train' })).toThrow(
      /62.5 or 100 Hz, not 50 Hz/,
    );
    expect(() => service.record({ project: 'lab', device: 'virtual-microphone', label: 'x', lengthMs: 1000, variant: 'hello', category: 'train' })).toThrow(
      /cannot produce "hello"/,
    );
    expect(() => service.record({ project: 'nope', device: 'virtual-microphone', label: 'x', lengthMs: 1000, category: 'train' })).toThrow(KilnError);
    expect(() => service.record({ project: 'lab', device: path.join(dir, 'ttyUSB7'), label: 'x', lengthMs: 1000, category: 'train' })).toThrow(
      /No serial port at/,
    );
  });

  it('decimates 16 kHz microphone data for the live plot and keeps a cancelled recording as truncated', async () => {
    const job = service.record({ project: 'lab', device: 'virtual-microphone', label: 'yes', lengthMs: 3000, category: 'train', seed: 2 });
    expect(() => service.record({ project: 'lab', device: 'virtual-microphone', label: 'yes', lengthMs: 1000, category: 'train' })).toThrow(
      /already recording/,
    );
    await new Promise((r) => setTimeout(r, 700));
    jobs.cancel(job.id);
    const done = await jobs.wait(job.id);
    expect(done.state).toBe('cancelled');
    const [s] = samples();
    expect(s!.status).toBe('truncated');
    expect(s!.readings).toBeGreaterThan(4000);
    expect(s!.readings).toBeLessThan(48000);
    const data = seen.filter((e) => e.name === 'device.data').map((e) => e.payload as DeviceData);
    expect(data[0]!.step).toBe(32);
    expect(Math.max(...data.map((d) => d.values.length))).toBeLessThan(1000);
  });
});

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}
