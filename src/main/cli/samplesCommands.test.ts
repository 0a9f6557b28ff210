import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SampleRow } from '../../shared/api/samples';
import { writeMixedFiles } from '../dataset/testKit';
import { runKiln } from './testing/runKiln';

let home: string;
let files: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'kiln-cli-samples-'));
  files = mkdtempSync(path.join(os.tmpdir(), 'kiln-cli-files-'));
});
afterEach(() => vi.restoreAllMocks());

const cli = (...args: string[]) => runKiln(home, ...args);

describe('kiln import / samples list / export-data', () => {
  it('imports a folder, lists the samples, exports them and imports the export into another project', async () => {
    writeMixedFiles(files);
    expect((await cli('projects', 'create', 'lab')).code).toBe(0);
    const imported = await cli('import', files, '--project', 'lab', '--category', 'train');
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.out).toContain('Imported 5 samples (cat: 1, idle: 1, noise: 1, wave: 2)');

    const listed = await cli('--json', 'samples', 'list', '--project', 'lab', '--label', 'wave');
    const rows = JSON.parse(listed.out) as SampleRow[];
    expect(rows.map((r) => r.name).sort()).toEqual(['wave.01', 'wave.02']);
    const table = await cli('samples', 'list', '--project', 'lab');
    expect(table.out.split('\n')[0]).toMatch(/^ID\s+NAME\s+LABEL\s+CATEGORY\s+LENGTH\s+AXES\s+SOURCE$/);
    expect(table.out).toContain('8×6');

    const out = path.join(files, 'export');
    const exported = await cli('export-data', '--project', 'lab', '--format', 'csv', '--out', out);
    expect(exported.code).toBe(0);
    expect(exported.out).toContain(`Exported 5 samples`);
    expect(readdirSync(path.join(out, 'training')).sort()).toEqual(['cat.01.png', 'idle.01.csv', 'noise.01.csv', 'wave.01.csv', 'wave.02.csv']);

    expect((await cli('projects', 'create', 'copy')).code).toBe(0);
    expect((await cli('import', out, '--project', 'copy')).code).toBe(0);
    const counts = JSON.parse((await cli('--json', 'samples', 'counts', '--project', 'copy')).out) as { total: number; byLabel: { label: string }[] };
    expect(counts.total).toBe(5);
    expect(counts.byLabel.map((l) => l.label)).toEqual(['cat', 'idle', 'noise', 'wave']);
  });

  it('lists the files that failed with their reasons and exits 1, keeping the good ones', async () => {
    expect((await cli('projects', 'create', 'lab')).code).toBe(0);
    mkdirSync(path.join(files, 'in'));
    writeFileSync(path.join(files, 'in', 'tap.01.csv'), 'timestamp,x\n0,1\n10,2\n');
    writeFileSync(path.join(files, 'in', 'tap.02.csv'), 'timestamp,x\n0,1\n10\n');
    writeFileSync(path.join(files, 'in', 'notes.txt'), 'hello');
    const r = await cli('import', path.join(files, 'in'), path.join(files, 'nowhere'), '--project', 'lab');
    expect(r.code).toBe(1);
    expect(r.out).toContain('Imported 1 sample (tap: 1)');
    expect(r.err).toContain('failed: tap.02.csv line 3');
    expect(r.err).toContain('failed: notes.txt: no timestamp column found'); // text is read as CSV
    expect(r.err).toMatch(/failed: .*nowhere: no such file or folder/);
    expect(r.err).toContain('kiln: 3 files could not be imported (listed above); the others were imported');
  });

  it('refuses bad options with a clear message', async () => {
    expect((await cli('projects', 'create', 'lab')).code).toBe(0);
    const r1 = await cli('import', files, '--project', 'lab', '--interval-ms', 'fast');
    expect(r1.code).toBe(2);
    expect(r1.err).toContain('--interval-ms must be a positive number of ms, not "fast"');
    const r2 = await cli('export-data', '--project', 'lab', '--out', path.join(files, 'x'));
    expect(r2.code).toBe(1);
    expect(r2.err).toContain('No samples match: nothing to export');
    const r3 = await cli('samples', 'list', '--project', 'missing');
    expect(r3.err).toContain('No project named "missing"');
    const r4 = await cli('samples', 'rebalance', '--project', 'lab', '--test', '150');
    expect(r4.err).toContain('--test must be a percentage 0…100, not "150"');
  });
});
