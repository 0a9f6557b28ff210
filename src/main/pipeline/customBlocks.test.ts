import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../api';
import type { Dispatcher } from '../api/dispatcher';
import { createServices, type Services } from '../app/services';
import { SampleRepository } from '../store/sampleRepository';
import type { CustomBlockTestResult, FeaturesGenerateResult, FeaturesStatus, ImpulseState } from '../../shared/api/impulse';

let services: Services;
let api: Dispatcher;

beforeEach(async () => {
  services = createServices({ home: mkdtempSync(path.join(os.tmpdir(), 'kiln-custom-')), host: 'cli' });
  api = createDispatcher(services, { validateResults: true });
  await call('projects.create', { name: 'p' });
  const values = new Float32Array(313 * 3);
  for (let i = 0; i < values.length; i++) values[i] = Math.sin(i * 0.1) * (1 + (i % 3));
  new SampleRepository(services.home.get('p').db).insert({
    label: 'wave',
    category: 'train',
    sensors: ['accX', 'accY', 'accZ'].map((name) => ({ name, units: 'm/s2' })),
    intervalMs: 16,
    values,
    source: 'test',
  });
});
afterEach(() => services.dispose());

async function call<T = unknown>(method: string, args: unknown): Promise<T> {
  const r = await api.call(method, args);
  if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code, details: r.error.details });
  return r.result as T;
}

const energy = `// mean square per axis, times a gain
function process(values, axes, frequencyHz, params) {
  const n = axes.length;
  const out = new Array(n).fill(0);
  for (let i = 0; i < values.length; i++) out[i % n] += values[i] * values[i];
  return out.map((s) => (params.gain * s * n) / values.length);
}`;

const test = (code: string, extra: object = {}) => call<CustomBlockTestResult>('customBlocks.test', { project: 'p', code, ...extra });

describe('custom DSP blocks', () => {
  it('runs user code on the first windows of a sample', async () => {
    const r = await test(energy, { params: { gain: 2 }, paramSpecs: [{ key: 'gain', label: 'Gain', type: 'float', default: 1 }] });
    expect(r).toMatchObject({ ok: true, featuresPerWindow: 3, windowsTested: 3, sampleName: 'wave.1' });
    if (r.ok) expect(r.features[0]).toBeGreaterThan(0);
  });

  it('reports syntax and runtime errors with the line of the user’s code', async () => {
    expect(await test('function process(values) {\n  return [1, 2\n}')).toMatchObject({
      ok: false,
      line: 3,
      message: expect.stringMatching(/^Custom block "custom block", line 3: SyntaxError/),
    });
    expect(await test('function process(values) {\n  const x = 1;\n  return x.nope.deeper;\n}')).toMatchObject({
      ok: false,
      line: 3,
      message: expect.stringContaining("TypeError: Cannot read properties of undefined (reading 'deeper')"),
    });
    expect(await test('function proc(values) { return [1]; }')).toMatchObject({ ok: false, message: expect.stringContaining('define a function process') });
    expect(await test('function process(values) { return [1, NaN]; }')).toMatchObject({
      ok: false,
      message: expect.stringContaining('process() returned NaN at index 1'),
    });
    expect(await test('function process(values) { return "no"; }')).toMatchObject({
      ok: false,
      message: expect.stringContaining('must return an array of numbers, got string'),
    });
    expect(await test('let calls = 0;\nfunction process(values) { calls++; return new Array(calls).fill(1); }')).toMatchObject({
      ok: false,
      message: 'Sample "wave.1", window 2 of 3, custom block: gave 2 features, but 1 for the first window; a block must give the same number for every window',
    });
  });

  it('has no require, process, timers or code generation, and stops endless loops and memory hogs', async () => {
    const probe = `function process(values) {
  return [typeof require, typeof globalThis.process, typeof setTimeout, typeof fetch, typeof Buffer].map((t) => (t === 'undefined' ? 0 : 1));
}`;
    expect(await test(probe)).toMatchObject({ ok: true, features: [0, 1, 0, 0, 0] });
    // globalThis.process is the user's own function; nothing from Node
    expect(await test('function process(values) { return [values.constructor.constructor("return 1")()]; }')).toMatchObject({
      ok: false,
      message: expect.stringContaining('EvalError'),
    });
    const started = Date.now();
    expect(await test('function process(values) { for (;;) {} }')).toMatchObject({
      ok: false,
      code: 'TIMEOUT',
      message: 'Sample "wave.1", window 1 of 3, Custom block "custom block": process() on one window took longer than 1000 ms and was stopped',
    });
    expect(Date.now() - started).toBeLessThan(10_000);
    // grows in 0.8 MB steps: Node stops a worker at its heap limit with 16 MB of leeway, and a
    // single allocation larger than that aborts the whole process (a known Node limitation)
    expect(await test('function process(values) { const a = []; for (;;) a.push(new Array(1e5).fill(0.5)); }')).toMatchObject({
      ok: false,
      message: expect.stringMatching(/ran out of memory \(limit 256 MB\)|took longer than 1000 ms/),
    });
  });

  it('keeps user tricks with getters and prototypes inside the time limit', async () => {
    const tricks = `Object.defineProperty(Object.prototype, 'kind', { get() { for (;;) {} } });
Object.defineProperty(Object.getPrototypeOf(Float64Array.prototype), 'length', { get() { for (;;) {} } });
globalThis.__kiln = null;
const process = (values) => [values.length];`;
    expect(await test(tricks)).toMatchObject({ ok: true, features: [125 * 3] });
    const hijack = 'function process(values) { Object.defineProperty(globalThis, "__kiln", { value: 1 }); return [1]; }';
    expect(await test(hijack)).toMatchObject({ ok: false, message: expect.stringContaining('TypeError: Cannot redefine property: __kiln') });
  });

  it('saves blocks in the project, uses them in an impulse like a built-in block, and refuses to remove one in use', async () => {
    expect(await call('customBlocks.list', { project: 'p' })).toEqual([]);
    await expect(call('customBlocks.save', { project: 'p', name: 'energy', title: 'Energy', code: 'function process( {' })).rejects.toThrow(
      /^Custom block "Energy", line 1: SyntaxError/,
    );
    const saved = await call<{ registryName: string }>('customBlocks.save', {
      project: 'p',
      name: 'energy',
      title: 'Energy',
      code: energy,
      params: [{ key: 'gain', label: 'Gain', type: 'float', default: 1, min: 0 }],
    });
    expect(saved.registryName).toBe('custom:energy');
    const blocks = await call<{ name: string; custom: boolean }[]>('dsp.blocks', { project: 'p' });
    expect(blocks.at(-1)).toMatchObject({ name: 'custom:energy', custom: true });

    const state = await call<ImpulseState>('impulse.get', { project: 'p' });
    const impulse = {
      ...state.impulse,
      dsp: [...state.impulse.dsp, { id: 'energy', block: 'custom:energy', title: 'Energy', axes: ['accX', 'accY'], params: { gain: 3 } }],
    };
    impulse.learning = [{ ...impulse.learning[0]!, inputs: ['spectral-analysis', 'energy'] }];
    await expect(
      call('impulse.set', { project: 'p', impulse: { ...impulse, dsp: [impulse.dsp[0]!, { ...impulse.dsp[1]!, params: { gain: -1 } }] } }),
    ).rejects.toThrow('The impulse was not saved: Energy: parameter "gain" must be at least 0, got -1');
    await call('impulse.set', { project: 'p', impulse });
    const { jobId } = await call<{ jobId: string }>('features.generate', { project: 'p' });
    const job = await services.jobs.wait(jobId);
    expect(job.state).toBe('succeeded');
    expect(job.result as FeaturesGenerateResult).toMatchObject({ computedWindows: 2 * 15 });
    const status = await call<FeaturesStatus>('features.status', { project: 'p' });
    expect(status.blocks.map((b) => [b.blockId, b.generated, b.featuresPerWindow])).toEqual([
      ['spectral-analysis', 1, 39],
      ['energy', 1, 2],
    ]);
    // editing the code recomputes that block only
    await call('customBlocks.save', {
      project: 'p',
      name: 'energy',
      title: 'Energy',
      code: energy + '\n',
      params: [{ key: 'gain', label: 'Gain', type: 'float', default: 1, min: 0 }],
    });
    expect((await call<FeaturesStatus>('features.status', { project: 'p' })).blocks.map((b) => b.generated)).toEqual([1, 0]);

    const run = await call<{ features: number[] }>('dsp.run', {
      project: 'p',
      block: 'custom:energy',
      params: { gain: 1 },
      input: { axes: ['x'], frequencyHz: 10, values: [1, 2, 3] },
    });
    expect(run.features[0]).toBeCloseTo(14 / 3, 5);
    await expect(call('customBlocks.remove', { project: 'p', name: 'energy' })).rejects.toThrow(
      'Custom block "energy" is used by the impulse (block "Energy"); remove it from the impulse first',
    );
  });
});
