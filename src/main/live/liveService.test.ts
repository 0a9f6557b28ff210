import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EventMap } from '../../shared/api/contract';
import { testStudio, type TestStudio } from '../dataset/testKit';
import { runBoardSimulator } from '../devices/boardSimulator';
import { startPtyPair } from '../devices/testing/ptyPair';
import { insertActiveModels, motionImpulse, saveTestImpulse, trainMotionModel } from './testKit';

const impulse = motionImpulse(250, true);
let parts: Awaited<ReturnType<typeof trainMotionModel>>;
let studio: TestStudio;
const P = 'live';

beforeAll(async () => {
  parts = await trainMotionModel(impulse);
}, 60_000);

beforeEach(async () => {
  studio = testStudio();
  await studio.call('projects.create', { name: P });
});
afterEach(() => studio.dispose());

function db() {
  return studio.services.home.get(P).db;
}

async function expectCode(p: Promise<unknown>, code: string, message?: RegExp): Promise<void> {
  const e = await p.then(
    () => null,
    (err: unknown) => err as Error & { code: string },
  );
  expect(e, 'expected an error').not.toBeNull();
  expect(e!.code).toBe(code);
  if (message) expect(e!.message).toMatch(message);
}

function listen() {
  const results: EventMap['live.result'][] = [];
  const states: EventMap['live.state'][] = [];
  const off = studio.services.events.subscribe((e) => {
    if (e.name === 'live.result') results.push(e.payload);
    if (e.name === 'live.state') states.push(e.payload);
  });
  return { results, states, off };
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('live API', () => {
  it('refuses to start without an impulse or a trained model, saying what to do', async () => {
    await expectCode(studio.call('live.start', { project: P, source: { kind: 'virtual', device: 'virtual-accelerometer' } }), 'NOT_FOUND', /no impulse yet/);
    saveTestImpulse(db(), impulse);
    await expectCode(
      studio.call('live.start', { project: P, source: { kind: 'virtual', device: 'virtual-accelerometer' } }),
      'NOT_FOUND',
      /train a model on the Training page first/,
    );
    await expectCode(
      studio.call('live.start', { project: 'nope', source: { kind: 'virtual', device: 'virtual-accelerometer' } }),
      'NOT_FOUND',
      /No project named "nope"/,
    );
    await expectCode(studio.call('live.check', { project: 'nope' }), 'NOT_FOUND');
  });

  it('tells the page whether it can classify, what to fix, and which virtual device fits', async () => {
    expect(await studio.call('live.check', { project: P })).toMatchObject({
      ready: false,
      fix: 'impulse',
      problem: expect.stringMatching(/no impulse yet/),
      input: null,
      suggestedDevice: null,
    });
    const hash = saveTestImpulse(db(), impulse);
    expect(await studio.call('live.check', { project: P })).toEqual({
      ready: false,
      fix: 'training',
      problem: expect.stringMatching(/train a model on the Training page first/),
      classes: [],
      input: { axes: ['accX', 'accY', 'accZ'], frequencyHz: 62.5, windowMs: 2000, increaseMs: 250 },
      suggestedDevice: 'virtual-accelerometer',
    });
    insertActiveModels(db(), hash, parts);
    expect(await studio.call('live.check', { project: P })).toMatchObject({
      ready: true,
      fix: null,
      problem: null,
      classes: ['idle', 'wave', 'circle', 'updown'],
    });
    // an impulse no virtual device fits
    const odd = motionImpulse(250);
    odd.input = { ...odd.input, frequencyHz: 50 } as typeof odd.input;
    saveTestImpulse(db(), odd);
    expect((await studio.call('live.check', { project: P })).suggestedDevice).toBeNull();
  });

  it('refuses bad sources: unknown device, bad variant, bad baud, missing port', async () => {
    const hash = saveTestImpulse(db(), impulse);
    insertActiveModels(db(), hash, parts);
    await expectCode(studio.call('live.start', { project: P, source: { kind: 'virtual', device: 'virtual-gyro' as never } }), 'BAD_REQUEST', /source\.device/);
    await expectCode(
      studio.call('live.start', { project: P, source: { kind: 'virtual', device: 'virtual-accelerometer', variant: 'jump' } }),
      'BAD_PARAMS',
      /cannot produce "jump"/,
    );
    await expectCode(
      studio.call('live.start', { project: P, source: { kind: 'serial', path: '/dev/ttyUSB0', baudRate: 1234 } }),
      'BAD_REQUEST',
      /Baud rate must be one of/,
    );
    await expectCode(
      studio.call('live.start', { project: P, source: { kind: 'serial', path: '/tmp/kiln-no-such-port' } }),
      'DEVICE_GONE',
      /No serial port at \/tmp\/kiln-no-such-port/,
    );
    await expectCode(studio.call('live.start', { project: P, source: { kind: 'serial', path: '' } }), 'BAD_REQUEST', /No port path given/);
    // the microphone does not fit a motion impulse
    await expectCode(
      studio.call('live.start', { project: P, source: { kind: 'virtual', device: 'virtual-microphone' } }),
      'BAD_PARAMS',
      /does not fit the impulse.*16000 Hz.*62.5 Hz/,
    );
    expect(await studio.call('live.sessions', {})).toEqual([]);
  });

  it('streams results of the active model as events, switches motion, and stops', async () => {
    const hash = saveTestImpulse(db(), impulse);
    insertActiveModels(db(), hash, parts);
    const ev = listen();
    const info = await studio.call('live.start', { project: P, source: { kind: 'virtual', device: 'virtual-accelerometer', variant: 'updown', seed: 31 } });
    expect(info).toMatchObject({
      project: P,
      source: 'Virtual accelerometer (updown)',
      classes: ['idle', 'wave', 'circle', 'updown'],
      axes: ['accX', 'accY', 'accZ'],
      frequencyHz: 62.5,
      windowMs: 2000,
      increaseMs: 250,
      uncertainThreshold: 0.6,
      notes: [],
    });
    expect(info.modelId).toBeGreaterThan(0);
    // the faster engine of the two, with the figures measured
    expect(info.engine).toMatch(/^(kiln-js|onnxruntime) float32 \(model [\d.]+ ms per window; kiln-js [\d.]+ ms, onnxruntime [\d.]+ ms\)$/);
    expect(info.anomaly?.threshold).toBeGreaterThan(0);
    expect(ev.states[0]).toMatchObject({ sessionId: info.sessionId, state: 'running' });
    await waitFor(() => ev.results.length >= 3, 5000);
    expect(ev.results.every((r) => r.sessionId === info.sessionId)).toBe(true);
    expect(ev.results.filter((r) => r.label === 'updown').length).toBeGreaterThanOrEqual(2);
    expect((await studio.call('live.sessions', {})).map((s) => s.sessionId)).toEqual([info.sessionId]);
    expect(await studio.call('live.setVariant', { sessionId: info.sessionId, variant: 'idle' })).toEqual({ variant: 'idle' });
    expect((await studio.call('live.sessions', {}))[0]!.source).toBe('Virtual accelerometer (idle)');
    expect(await studio.call('live.stop', { sessionId: info.sessionId })).toEqual({ stopped: true });
    expect(ev.states.at(-1)).toMatchObject({ sessionId: info.sessionId, state: 'stopped' });
    expect(await studio.call('live.stop', { sessionId: info.sessionId })).toEqual({ stopped: false });
    await expectCode(studio.call('live.setVariant', { sessionId: info.sessionId, variant: 'wave' }), 'NOT_FOUND', /has ended/);
    ev.off();
  }, 15_000);

  it('says when the model was trained on another impulse version, a new session replaces the old one, and dispose stops them all', async () => {
    const hash = saveTestImpulse(db(), impulse);
    insertActiveModels(db(), hash, parts);
    // same features, different increase: usable, with a note
    saveTestImpulse(db(), motionImpulse(500, true));
    const ev = listen();
    const a = await studio.call('live.start', { project: P, source: { kind: 'virtual', device: 'virtual-accelerometer' } });
    expect(a.notes.join(' ')).toMatch(/trained on an earlier version of the impulse/);
    const b = await studio.call('live.start', { project: P, source: { kind: 'virtual', device: 'virtual-accelerometer' } });
    expect(ev.states.find((s) => s.sessionId === a.sessionId && s.state === 'stopped')).toBeTruthy();
    expect((await studio.call('live.sessions', {})).map((s) => s.sessionId)).toEqual([b.sessionId]);
    // disposing the services stops every session
    await studio.services.live.dispose();
    expect(ev.states.find((s) => s.sessionId === b.sessionId && s.state === 'stopped')).toBeTruthy();
    ev.off();
    await expectCode(studio.services.live.start(P, { kind: 'virtual', device: 'virtual-accelerometer' }), 'BAD_REQUEST', /shutting down/);
  });

  it('takes over a board connected on the Devices page, reusing its detection, and refuses a second session on the same port', async () => {
    const hash = saveTestImpulse(db(), impulse);
    insertActiveModels(db(), hash, parts);
    const pty = await startPtyPair();
    const sim = await runBoardSimulator({ path: pty.a, protocol: 'forwarder', hz: 62.5, axes: 3, signal: 'wave', seed: 5 });
    try {
      const row = await studio.call('devices.connect', { path: pty.b, baudRate: 115200, protocol: 'forwarder' });
      expect(row).toMatchObject({ status: 'connected', protocol: 'forwarder' });
      const ev = listen();
      const t0 = Date.now();
      const info = await studio.call('live.start', { project: P, source: { kind: 'serial', path: pty.b } });
      // no new probe / rate measurement (those take ~3.5 s)
      expect(Date.now() - t0).toBeLessThan(1500);
      expect(info.source).toMatch(/data forwarder on .* \(3 axes at 62.5 Hz\)/);
      expect(info.notes.join(' ')).toMatch(/Reading the board's fields in order as accX, accY, accZ/);
      expect((await studio.call('devices.list', {})).find((d) => d.id === pty.b)?.status).not.toBe('connected');
      await expectCode(studio.call('live.start', { project: 'other', source: { kind: 'serial', path: pty.b } }), 'NOT_FOUND');
      await studio.call('projects.create', { name: 'other' });
      const db2 = studio.services.home.get('other').db;
      insertActiveModels(db2, saveTestImpulse(db2, impulse), parts);
      await expectCode(studio.call('live.start', { project: 'other', source: { kind: 'serial', path: pty.b } }), 'DEVICE_ERROR', /already classifying/);
      await waitFor(() => ev.results.length >= 3, 6000);
      expect(ev.results.filter((r) => r.label === 'wave').length).toBeGreaterThanOrEqual(2);
      await studio.call('live.stop', { sessionId: info.sessionId });
      ev.off();
    } finally {
      await sim.stop();
      await pty.stop();
    }
  }, 20_000);

  it('refuses a model whose features no longer fit the impulse', async () => {
    const hash = saveTestImpulse(db(), impulse);
    insertActiveModels(db(), hash, { classifier: parts.classifier });
    const changed = motionImpulse(250, false);
    changed.dsp[0]!.params['fft-length'] = 64;
    saveTestImpulse(db(), changed);
    await expectCode(
      studio.call('live.start', { project: P, source: { kind: 'virtual', device: 'virtual-accelerometer' } }),
      'BAD_DATA',
      /takes \d+ features, but the impulse now gives \d+ per window; train the model again/,
    );
  });
});
