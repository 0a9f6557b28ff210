import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDispatcher } from '../api';
import type { Dispatcher } from '../api/dispatcher';
import { createServices, type Services } from '../app/services';
import { SampleRepository } from '../store/sampleRepository';
import type { CustomBlockTestResult, ImpulseState } from '../../shared/api/impulse';
import { CustomBlockProcess, permissionFlag } from './customBlockProcess';

let services: Services;
let api: Dispatcher;

beforeAll(async () => {
  services = createServices({ home: mkdtempSync(path.join(os.tmpdir(), 'kiln-sandbox-')), host: 'cli' });
  api = createDispatcher(services, { validateResults: true });
  await call('projects.create', { name: 'p' });
  const values = new Float32Array(313 * 3).map((_, i) => Math.sin(i * 0.1));
  new SampleRepository(services.home.get('p').db).insert({
    label: 'wave',
    category: 'train',
    sensors: ['accX', 'accY', 'accZ'].map((name) => ({ name, units: 'm/s2' })),
    intervalMs: 16,
    values,
    source: 'test',
  });
});
afterAll(() => services.dispose());

async function call<T = unknown>(method: string, args: unknown): Promise<T> {
  const r = await api.call(method, args);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
  return r.result as T;
}

/** One window of explicit input through the code, in a fresh sandbox process. */
const once = (code: string) =>
  call<CustomBlockTestResult>('customBlocks.test', { project: 'p', code, input: { axes: ['x'], frequencyHz: 10, values: [1, 2, 3] } });
const fine = 'function process(values) { return [values.length]; }';

/** After a hostile block: the API still answers and an honest block still runs. */
async function stillServing(): Promise<void> {
  expect(await call('app.info', {})).toMatchObject({ name: 'Kiln' });
  expect(await once(fine)).toMatchObject({ ok: true, features: [3] });
}

describe('custom blocks run in a sandbox process', () => {
  it('starts Node with the permission model (this Node: ' + permissionFlag() + '), no code generation, and an empty environment', async () => {
    // the flag this Node accepts: on Node 20 it is still the experimental one
    expect(permissionFlag()).toBe(process.allowedNodeEnvironmentFlags.has('--permission') ? '--permission' : '--experimental-permission');
    const p = new CustomBlockProcess('probe');
    await p.compile(fine);
    expect(await p.run([new Float32Array(4)], ['x'], 10, {})).toEqual([new Float32Array([4])]);
    p.kill();
  });

  it('stops one huge allocation with a clear error on that block, and Kiln goes on', async () => {
    // a dictionary array this long fills slowly in a builtin that ignores vm's time limit: the
    // sandbox either reaches its heap limit or is killed by the hard limit, whichever comes first
    const r = await once('function process(values) { const a = new Array(6e7).fill(0.5); return [a.length]; }');
    expect(r).toMatchObject({
      ok: false,
      message: expect.stringMatching(/Custom block "custom block"(:| ran out of memory \(limit 256 MB\) and was stopped)/),
    });
    expect(r.ok ? '' : r.message).toMatch(/ran out of memory|took longer than 2\.5 s and the sandbox was stopped/);
    await stillServing();
  });

  it('reports the heap limit when the sandbox reaches it (with a time limit long enough to get there)', async () => {
    const p = new CustomBlockProcess('Hog');
    await p.compile('function process() { const a = []; for (let i = 0; i < 5; i++) a.push(new Array(2e7).fill(0.5)); return [a.length]; }', 30_000);
    await expect(p.run([new Float32Array(2)], ['x'], 10, {}, 30_000)).rejects.toThrow('Custom block "Hog" ran out of memory (limit 256 MB) and was stopped');
    expect(p.alive).toBe(false);
  });

  it('describes thrown objects with hostile getters, toString or valueOf inside the sandbox', async () => {
    expect(await once('function process() { throw { get message() { for (;;) {} } }; }')).toMatchObject({
      ok: false,
      code: 'TIMEOUT',
      message: expect.stringContaining('took longer than 1000 ms'),
    });
    expect(await once('function process() { throw { get name() { throw new Error("again"); }, message: "inner" }; }')).toMatchObject({
      ok: false,
      message: expect.stringContaining('Error: inner'),
    });
    expect(await once('function process() { throw { toString() { for (;;) {} }, valueOf() { for (;;) {} } }; }')).toMatchObject({
      ok: false,
      message: expect.stringContaining('Error: (no message)'),
    });
    expect(await once('function process() { throw { message: { toString() { for (;;) {} } } }; }')).toMatchObject({
      ok: false,
      message: expect.stringContaining('(no message)'),
    });
    expect(await once('function process() { throw Symbol("s"); }')).toMatchObject({ ok: false, message: expect.stringContaining('threw a symbol') });
    expect(await once('function process() { throw "plain text"; }')).toMatchObject({ ok: false, message: expect.stringContaining('threw "plain text"') });
    // thrown at the top level, before process() exists
    expect(await once('throw { get stack() { for (;;) {} } };\nfunction process() { return [1]; }')).toMatchObject({ ok: false, code: 'TIMEOUT' });
    await stillServing();
  });

  it('describes a thrown proxy without running its traps outside the time limit', async () => {
    expect(await once('function process() { throw new Proxy({}, { get() { for (;;) {} }, getPrototypeOf() { for (;;) {} } }); }')).toMatchObject({
      ok: false,
      code: 'TIMEOUT',
    });
    expect(await once('function process() { throw new Proxy(new Error("x"), { get() { throw 1; } }); }')).toMatchObject({
      ok: false,
      message: expect.stringContaining('(no message)'),
    });
    expect(await once('function process() { return new Proxy([1, 2], { get() { for (;;) {} } }); }')).toMatchObject({ ok: false, code: 'TIMEOUT' });
    await stillServing();
  });

  it('has no process, require or import(), and no way back to a Function that evaluates strings', async () => {
    expect(
      await once('function process(values) { return [typeof require, typeof module, typeof Buffer, typeof fetch].map((t) => (t === "undefined" ? 0 : 1)); }'),
    ).toMatchObject({
      ok: true,
      features: [0, 0, 0, 0],
    });
    expect(await once('function process() { return [require("fs") ? 1 : 0]; }')).toMatchObject({
      ok: false,
      message: expect.stringContaining('ReferenceError: require is not defined'),
    });
    expect(await once('function process(values) { return [values.constructor.constructor("return process")().pid]; }')).toMatchObject({
      ok: false,
      message: expect.stringContaining('EvalError'),
    });
    expect(await once('function process() { return [(function () {}).constructor("return globalThis.process")().pid]; }')).toMatchObject({
      ok: false,
      message: expect.stringContaining('EvalError'),
    });
    expect(await once('function process() { return import("node:fs"); }')).toMatchObject({
      ok: false,
      message: expect.stringContaining('must return an array of numbers, got object'),
    });
    expect(await once('import("node:fs").then((fs) => fs.writeFileSync("/tmp/kiln-pwned", "x"));\nfunction process() { return [1]; }')).toMatchObject({
      ok: true,
    });
    // promise callbacks run inside the time limit too
    expect(await once('function process() { Promise.resolve().then(() => { for (;;) {} }); return [1]; }')).toMatchObject({ ok: false, code: 'TIMEOUT' });
    await stillServing();
  });

  it('fails feature generation on the hostile block only, naming it, and keeps serving', async () => {
    await call('customBlocks.save', {
      project: 'p',
      name: 'hog',
      title: 'Hog',
      code: 'function process() { const a = new Array(6e7).fill(0.5); return [a.length]; }',
    });
    const state = await call<ImpulseState>('impulse.get', { project: 'p' });
    const impulse = { ...state.impulse, dsp: [...state.impulse.dsp, { id: 'hog', block: 'custom:hog', title: 'Hog', axes: ['accX'], params: {} }] };
    impulse.learning = [{ ...impulse.learning[0]!, inputs: [impulse.dsp[0]!.id, 'hog'] }];
    await call('impulse.set', { project: 'p', impulse });
    const { jobId } = await call<{ jobId: string }>('features.generate', { project: 'p' });
    const job = await services.jobs.wait(jobId);
    expect(job.state).toBe('failed');
    expect(job.error!.message).toMatch(
      /^Sample "wave\.1", window 1 of \d+, Custom block "Hog"( ran out of memory \(limit 256 MB\)|: process\(\) on one window took longer)/,
    );
    await stillServing();
  }, 30_000);
});
