import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '..';
import { createServices, type Services } from '../../app/services';
import type { Dispatcher } from '../dispatcher';

let dir: string;
let services: Services;
let dispatcher: Dispatcher;

beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'kiln-devapi-'));
  services = createServices({ home: dir, host: 'cli' });
  dispatcher = createDispatcher(services, { validateResults: true });
  services.home.create('lab');
});

afterEach(() => {
  services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

const record = { project: 'lab', device: 'virtual-accelerometer', label: 'wave', lengthMs: 300, category: 'train' };

describe('devices API', () => {
  it('lists devices with results that match the contract', async () => {
    const r = await dispatcher.call('devices.list', {});
    expect(r.ok).toBe(true);
    expect(r.ok && (r.result as { id: string }[]).map((d) => d.id)).toEqual(expect.arrayContaining(['virtual-accelerometer', 'virtual-microphone']));
  });

  it.each([
    ['devices.connect', { path: '/dev/ttyACM0', baudRate: 1234 }, /baudRate: Baud rate must be one of 9600/],
    ['devices.connect', { path: '' }, /path: No port path given/],
    ['devices.connect', { path: '/dev/ttyACM0', protocol: 'modbus' }, /protocol/],
    ['devices.addPort', { path: 'a\nb' }, /control characters/],
    ['devices.setAxes', { path: '/dev/x', axisNames: ['acc,X'] }, /Axis names may use letters/],
    ['devices.record', { ...record, label: 'a,b' }, /label: A label cannot contain commas/],
    ['devices.record', { ...record, label: '  ' }, /label: The label is empty/],
    ['devices.record', { ...record, lengthMs: 50 }, /lengthMs: Length must be at least 100 ms/],
    ['devices.record', { ...record, lengthMs: 1000.5 }, /whole number/],
    ['devices.record', { ...record, category: 'validation' }, /category/],
    ['devices.record', { ...record, frequencyHz: -1 }, /Frequency must be positive/],
    ['devices.record', { ...record, extra: 1 }, /extra/],
  ])('refuses %s with %j', async (method, args, message) => {
    const r = await dispatcher.call(method, args);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.code).toBe('BAD_REQUEST');
    expect(!r.ok && r.error.message).toMatch(message);
  });

  it('records from a virtual device through the API as a job, and names a missing project', async () => {
    const r = await dispatcher.call('devices.record', { ...record, seed: 3 });
    expect(r.ok).toBe(true);
    const job = await services.jobs.wait((r as { result: { jobId: string } }).result.jobId);
    expect(job).toMatchObject({ kind: 'samples.record', state: 'succeeded', project: 'lab' });
    expect(job.result).toMatchObject({ readings: 19, truncated: false, name: 'wave.1' });

    const missing = await dispatcher.call('devices.record', { ...record, project: 'nope' });
    expect(!missing.ok && missing.error.code).toBe('NOT_FOUND');
    const gone = await dispatcher.call('devices.connect', { path: path.join(dir, 'ttyUSB3') });
    expect(!gone.ok && gone.error).toMatchObject({ code: 'DEVICE_GONE', message: expect.stringMatching(/No serial port at .*ttyUSB3/) });
  });
});
