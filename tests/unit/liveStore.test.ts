// The live store against the real dispatcher and services (no React, no mocks).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/main/api';
import { createServices, type Services } from '../../src/main/app/services';
import { insertActiveModels, motionImpulse, saveTestImpulse, trainMotionModel } from '../../src/main/live/testKit';
import { createClient, setClient } from '../../src/renderer/api';
import { appendResult, HISTORY_POINTS, sourceOf, useLive } from '../../src/renderer/stores/liveStore';

let dir: string;
let services: Services;
let off: () => void;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'kiln-live-store-'));
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
  off = useLive.getState().subscribe();
}, 60_000);

afterAll(() => {
  off();
  services.dispose();
  rmSync(dir, { recursive: true, force: true });
});

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('live store', () => {
  it('builds API sources from the form', () => {
    const form = { kind: 'virtual' as const, device: 'virtual-microphone' as const, variant: '', path: ' /dev/ttyACM0 ', baud: 9600 };
    expect(sourceOf(form)).toEqual({ kind: 'virtual', device: 'virtual-microphone' });
    expect(sourceOf({ ...form, variant: 'no' })).toEqual({ kind: 'virtual', device: 'virtual-microphone', variant: 'no' });
    expect(sourceOf({ ...form, kind: 'serial' })).toEqual({ kind: 'serial', path: '/dev/ttyACM0', baudRate: 9600 });
  });

  it('keeps the last HISTORY_POINTS results per class', () => {
    let h = { t: [] as number[], scores: [[], []] as number[][], anomaly: [] as (number | null)[], labels: [] as string[] };
    for (let i = 0; i < HISTORY_POINTS + 5; i++) {
      h = appendResult(
        h,
        {
          sessionId: 's',
          t: i * 250,
          scores: { a: 0.25, b: 0.75 },
          label: 'b',
          uncertain: false,
          anomaly: i % 2 ? 1 : null,
          latencyMs: 1,
          signal: { step: 1, values: [] },
        },
        ['a', 'b'],
      );
    }
    expect(h.t.length).toBe(HISTORY_POINTS);
    expect(h.t[0]).toBe(5 * 0.25);
    expect(h.scores[1]!.length).toBe(HISTORY_POINTS);
    expect(h.scores[0]![0]).toBe(0.25);
    expect(h.anomaly.slice(0, 2)).toEqual([1, null]); // results 5 and 6 are the oldest kept
  });

  it('checks readiness, starts, collects results, switches motion, and shows a start error', async () => {
    await useLive.getState().check('lab');
    expect(useLive.getState().readiness).toMatchObject({ ready: false, fix: 'impulse' });

    const impulse = motionImpulse(250);
    const db = services.home.get('lab').db;
    const hash = saveTestImpulse(db, impulse);
    insertActiveModels(db, hash, { classifier: (await trainMotionModel(impulse)).classifier });
    await useLive.getState().check('lab');
    expect(useLive.getState().readiness).toMatchObject({
      ready: true,
      classes: ['idle', 'wave', 'circle', 'updown'],
      suggestedDevice: 'virtual-accelerometer',
    });
    expect(useLive.getState().form.device).toBe('virtual-accelerometer');

    useLive.getState().setForm({ variant: 'circle' });
    await useLive.getState().start('lab');
    const s = useLive.getState();
    expect(s.error).toBeNull();
    expect(s.session?.source).toBe('Virtual accelerometer (circle)');
    await waitFor(() => useLive.getState().history.t.length >= 2, 5000);
    expect(useLive.getState().last?.label).toBe('circle');
    expect(useLive.getState().history.scores.length).toBe(4);

    await useLive.getState().setVariant('wave');
    expect(useLive.getState().session?.source).toBe('Virtual accelerometer (wave)');
    await useLive.getState().stop();
    expect(useLive.getState().session).toBeNull();
    // the last results stay on screen after stopping
    expect(useLive.getState().shown?.source).toBe('Virtual accelerometer (wave)');
    expect(await services.live.list()).toEqual([]);

    useLive.getState().setForm({ kind: 'serial', path: path.join(dir, 'no-board') });
    await useLive.getState().start('lab');
    expect(useLive.getState().errorKind).toBe('start');
    expect(useLive.getState().error).toMatch(/No serial port at .*no-board/);
    expect(useLive.getState().session).toBeNull();
  }, 60_000);
});
