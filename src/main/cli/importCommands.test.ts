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
