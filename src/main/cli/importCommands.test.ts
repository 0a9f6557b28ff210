import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ImportResult } from '../../shared/api/samples';
import { runKiln } from './testing/runKiln';

const datasets = path.resolve(__dirname, '../../..', '../shared/datasets');

describe.skipIf(!existsSync(datasets))('kiln import <Edge Impulse export>', () => {
  it('imports phone-motion as exported, exits 0 and says what it kept unlabelled', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-cli-ei-'));
    expect((await runKiln(home, 'projects', 'create', 'phone')).code).toBe(0);
    const run = await runKiln(home, 'import', path.join(datasets, 'phone-motion'), '--project', 'phone');
    expect(run.code, run.err).toBe(0);
    expect(run.out).toContain('Imported 84 samples (circle: 20, idle: 21, left-right: 20, unlabelled: 3, up-down: 20): 65 train, 19 test');
    expect(run.err).not.toMatch(/failed|info\.labels/);
    const json = await runKiln(home, '--json', 'import', path.join(datasets, 'door-motion'), '--project', 'phone');
    expect(json.code).toBe(0);
    const r = JSON.parse(json.out) as ImportResult;
    expect(r).toMatchObject({ imported: 60, failed: [], byCategory: { train: 45, test: 15 }, warnings: [] });
  });
});

describe.skipIf(!existsSync(datasets))('kiln impulse suggest + kiln train on a real export', () => {
  it('suggests and saves the impulse, trains with flags for this run only, and says how validation was split', async () => {
    const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-cli-train-'));
    await runKiln(home, 'projects', 'create', 'door');
    expect((await runKiln(home, 'import', path.join(datasets, 'door-motion'), '--project', 'door')).code).toBe(0);
    const suggested = await runKiln(home, 'impulse', 'suggest', '--project', 'door', '--apply');
    expect(suggested.code, suggested.err).toBe(0);
    expect(suggested.err).toContain('Saved the suggested motion impulse');
    expect((await runKiln(home, 'features', '--project', 'door')).code).toBe(0);
    const trained = await runKiln(home, '--json', 'train', '--project', 'door', '--epochs', '3');
    expect(trained.code, trained.err).toBe(0);
    const r = JSON.parse(trained.out) as { validationSplit: string; uncertain: string; settings: { epochs: number }; metrics: { validation: { by: string } } };
    expect(r.settings.epochs).toBe(3);
    expect(r.metrics.validation.by).toBe('sample');
    // 45 training samples, 20 % of each label's 15 held out: 3 × 3
    expect(r.validationSplit).toMatch(/^Validation split by sample, stratified by label \(seed 1\): 9 samples \/ \d+ windows held out, 36 samples/);
    expect(r.uncertain).toMatch(/below 0\.6/);
    // flags apply to one run unless --save, and the help says so
    const help = await runKiln(home, 'train', '--help');
    expect(help.out.replace(/\s+/g, ' ')).toContain('apply to this run only unless --save is given');
    const info = await runKiln(home, '--json', 'models', 'list', '--project', 'door');
    expect((JSON.parse(info.out) as unknown[]).length).toBe(1);
  }, 60_000);
});
