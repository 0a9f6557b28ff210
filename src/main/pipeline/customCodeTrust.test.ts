import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../api';
import { createServices, type Services } from '../app/services';
import { runKiln } from '../cli/testing/runKiln';
import { ProjectDatabase } from '../store/projectDatabase';
import { SampleRepository } from '../store/sampleRepository';
import type { ImpulseState } from '../../shared/api/impulse';
import { TRUST_FILE } from './customCodeTrust';

let home: string;
let services: Services;

/** A project with a custom block, made elsewhere (another machine's home) and copied into this home. */
async function strangersProject(name: string): Promise<void> {
  const elsewhere = createServices({ home: mkdtempSync(path.join(os.tmpdir(), 'kiln-elsewhere-')), host: 'cli' });
  const api = createDispatcher(elsewhere);
  await api.call('projects.create', { name });
  new SampleRepository(elsewhere.home.get(name).db).insert({
    label: 'wave',
    category: 'train',
    sensors: [{ name: 'accX', units: 'm/s2' }],
    intervalMs: 10,
    values: new Float32Array(300).map((_, i) => Math.sin(i)),
    source: 'test',
  });
  await api.call('customBlocks.save', { project: name, name: 'gain', title: 'Gain', code: 'function process(v) { return [v[0] * 2]; }' });
  const state = (await api.call('impulse.get', { project: name })) as { ok: true; result: ImpulseState };
  const impulse = { ...state.result.impulse, dsp: [{ id: 'gain', block: 'custom:gain', title: 'Gain', axes: ['accX'], params: {} }] };
  impulse.learning = [{ ...impulse.learning[0]!, inputs: ['gain'] }];
  expect(await api.call('impulse.set', { project: name, impulse })).toMatchObject({ ok: true });
  const file = elsewhere.home.get(name).file;
  elsewhere.dispose();
  copyFileSync(file, path.join(home, `${name}.kiln`));
}

beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'kiln-trust-'));
  services = createServices({ home, host: 'web' });
});
afterEach(() => services.dispose());

describe("a project's custom code", () => {
  it('does not run until the user allows it on this machine, and the answer is kept in the home, not the project', async () => {
    await strangersProject('shared');
    const api = createDispatcher(services);
    expect(await api.call('projects.codeTrust', { project: 'shared' })).toEqual({ ok: true, result: { state: 'unknown', blocks: ['Gain'] } });
    for (const [method, args] of [
      ['features.generate', { project: 'shared' }],
      ['customBlocks.test', { project: 'shared', code: 'function process() { return [1]; }' }],
      ['dsp.run', { project: 'shared', block: 'custom:gain', params: {}, input: { axes: ['x'], frequencyHz: 1, values: [1] } }],
    ] as const) {
      expect(await api.call(method, args), method).toMatchObject({
        ok: false,
        error: {
          code: 'CODE_NOT_TRUSTED',
          message: expect.stringContaining('Project "shared" contains custom code ("Gain") that has not run on this machine yet'),
        },
      });
    }
    expect(await api.call('projects.setCodeTrust', { project: 'shared', trusted: false })).toMatchObject({ ok: true, result: { state: 'distrusted' } });
    expect(await api.call('features.generate', { project: 'shared' })).toMatchObject({
      ok: false,
      error: { message: expect.stringContaining('You chose not to run') },
    });

    const before = readFileSync(path.join(home, 'shared.kiln'));
    expect(await api.call('projects.setCodeTrust', { project: 'shared', trusted: true })).toMatchObject({ ok: true, result: { state: 'trusted' } });
    const r = await api.call('features.generate', { project: 'shared' });
    expect(r.ok).toBe(true);
    expect((await services.jobs.wait((r as { result: { jobId: string } }).result.jobId)).state).toBe('succeeded');
    expect(JSON.parse(readFileSync(path.join(home, TRUST_FILE), 'utf8'))).toEqual({
      [`${path.join(home, 'shared.kiln')}|${services.home.get('shared').meta().createdAt}`]: { trusted: true, decidedAt: expect.any(String) },
    });
    // the project file does not carry the answer
    expect(before.includes(Buffer.from('trusted'))).toBe(false);

    // remembered across runs; another file under the same name is asked about again
    services.dispose();
    services = createServices({ home, host: 'web' });
    expect(services.pipeline.codeTrust('shared').state).toBe('trusted');
    services.home.closeAll();
    rmSync(path.join(home, 'shared.kiln'));
    await new Promise((r) => setTimeout(r, 5));
    await strangersProject('shared');
    expect(services.pipeline.codeTrust('shared').state).toBe('unknown');
  });

  it('trusts projects made on this machine, and code typed into a project with no custom block yet', async () => {
    const api = createDispatcher(services);
    await api.call('projects.create', { name: 'mine' });
    expect(services.pipeline.codeTrust('mine')).toEqual({ state: 'trusted', blocks: [] });
    ProjectDatabase.create(path.join(home, 'blank.kiln')).close();
    expect(
      await api.call('customBlocks.test', { project: 'blank', code: 'function process() { return [1]; }', input: { axes: ['x'], values: [1] } }),
    ).toMatchObject({
      ok: true,
      result: { ok: true, features: [1] },
    });
  });

  it('on the command line, refuses with a clear message unless --trust-custom-code is given', async () => {
    services.dispose();
    await strangersProject('cli');
    const refused = await runKiln(home, 'features', '--project', 'cli');
    expect(refused.code).not.toBe(0);
    expect(refused.err).toContain('contains custom code ("Gain") that has not run on this machine yet');
    expect(refused.err).toContain('--trust-custom-code');
    const ran = await runKiln(home, '--trust-custom-code', 'features', '--project', 'cli');
    expect(ran.code).toBe(0);
    expect(ran.out).toContain('Features of 1 samples');
    services = createServices({ home, host: 'web' });
    // the flag is for that run only
    expect(services.pipeline.codeTrust('cli').state).toBe('unknown');
  });
});
