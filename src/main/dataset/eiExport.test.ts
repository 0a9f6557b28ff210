import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { zipSync } from 'fflate';
import { afterEach, describe, expect, it } from 'vitest';
import type { ImportResult } from '../../shared/api/samples';
import { serializeEiJson } from '../../shared/formats';
import { series, testStudio, type TestStudio } from './testKit';

const repoRoot = path.resolve(__dirname, '../../..');
const datasets = path.resolve(repoRoot, '../shared/datasets');
const haveDatasets = existsSync(datasets);
if (!haveDatasets) console.warn(`Skipping the Edge Impulse export tests on real recordings: ${datasets} is absent`);

let studio: TestStudio | null = null;
afterEach(() => {
  studio?.dispose();
  studio = null;
});

async function importInto(paths: string[], project = 'ei'): Promise<{ result: ImportResult; studio: TestStudio }> {
  studio = testStudio();
  await studio.call('projects.create', { name: project });
  const job = await studio.job('samples.import', { project, paths, category: 'split' });
  expect(job.state, job.error?.message).toBe('succeeded');
  return { result: job.result as ImportResult, studio };
}

/** label → [train, test], as SOURCE.md lists them ('' = unlabelled) */
async function countsOf(s: TestStudio, project = 'ei'): Promise<Record<string, [number, number]>> {
  const c = await s.call('samples.counts', { project });
  return Object.fromEntries(c.byLabel.map((r) => [r.label, [r.train, r.test]]));
}

/** The counts each shared dataset's SOURCE.md gives. */
const EXPECTED: Record<string, Record<string, [number, number]>> = {
  'door-motion': { closed: [15, 5], knock: [15, 5], opening: [15, 5] },
  'phone-motion': { circle: [16, 4], idle: [17, 4], 'left-right': [16, 4], 'up-down': [16, 4], '': [0, 3] },
  'casa-speech-lang': { Chinese: [80, 20], English: [94, 22], noise: [31, 8] },
};

describe.skipIf(!haveDatasets)('Edge Impulse exports people published import as they are', () => {
  it.each(Object.keys(EXPECTED))('%s imports with exactly the counts of its SOURCE.md, none failed', async (name) => {
    const { result, studio: s } = await importInto([path.join(datasets, name)]);
    expect(result.failed).toEqual([]);
    expect(await countsOf(s)).toEqual(EXPECTED[name]);
    const total = Object.values(EXPECTED[name]!).reduce((n, [a, b]) => n + a + b, 0);
    expect(result.imported).toBe(total);
  });

  it('lists the casa manifest entries that have no file once, as a warning, not as failures', async () => {
    const { result } = await importInto([path.join(datasets, 'casa-speech-lang')]);
    const missing = result.warnings.filter((w) => w.code === 'MANIFEST_ENTRY_WITHOUT_FILE');
    expect(missing).toHaveLength(1);
    // 620 + 148 entries for 205 + 50 files
    expect(missing[0]!.files).toHaveLength(620 + 148 - 255);
    expect(result.warnings.filter((w) => w.code === 'FILE_WITHOUT_MANIFEST_ENTRY')).toEqual([]);
  });

  it('names samples without the ingestion suffix and keeps "testing" recordings unlabelled', async () => {
    const { studio: s } = await importInto([path.join(datasets, 'phone-motion')]);
    const rows = (await s.call('samples.list', { project: 'ei', limit: 1000 })).rows;
    expect(rows.map((r) => r.name)).toContain('circle.3r7ufsr5');
    expect(rows.some((r) => r.name.includes('ingestion'))).toBe(false);
    const unlabelled = rows.filter((r) => r.label === '');
    expect(unlabelled.map((r) => r.name).sort()).toEqual(['testing.3rbv6oq7', 'testing.3rcbnv6k', 'testing.3rcc62o4']);
    expect(unlabelled.every((r) => r.category === 'test')).toBe(true);
  });

  it('imports the zip of an export the same as its folder', async () => {
    const dir = path.join(datasets, 'door-motion');
    const files: Record<string, Uint8Array> = {};
    const walk = (d: string, rel: string) => {
      for (const n of readdirSync(d)) {
        const full = path.join(d, n);
        if (statSync(full).isDirectory()) walk(full, `${rel}${n}/`);
        else files[`door-motion/${rel}${n}`] = new Uint8Array(readFileSync(full));
      }
    };
    walk(dir, '');
    const zip = path.join(mkdtempSync(path.join(os.tmpdir(), 'kiln-zip-')), 'door-motion.zip');
    writeFileSync(zip, zipSync(files));
    const { result, studio: s } = await importInto([zip]);
    expect(result.failed).toEqual([]);
    expect(await countsOf(s)).toEqual(EXPECTED['door-motion']);
  });
});

describe('an export made by hand', () => {
  function exportDir(): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-ei-'));
    mkdirSync(path.join(dir, 'training'));
    mkdirSync(path.join(dir, 'testing'));
    return dir;
  }
  const sample = (seed: number) => serializeEiJson(series(40, ['accX', 'accY', 'accZ'], 10, seed));

  it('compares manifest paths after Unicode normalisation and reads labels from the manifest, not the file name', async () => {
    const dir = exportDir();
    // the file name is decomposed (NFD: e + combining acute), the manifest composed (NFC)
    const nfd = 'cafe\u0301.abc123.ingestion-1-2.json';
    writeFileSync(path.join(dir, 'training', nfd), sample(1));
    writeFileSync(path.join(dir, 'testing', 'x.json.def456.ingestion-1-2.json'), sample(2));
    writeFileSync(path.join(dir, 'README.md'), '# my export\n');
    const manifest = {
      version: 1,
      files: [
        { path: `training/${nfd.normalize('NFC')}`, category: 'training', label: { type: 'label', label: 'wave' } },
        { path: 'testing/x.json.def456.ingestion-1-2.json', category: 'testing', label: { type: 'unlabeled' } },
        { path: 'testing/gone.json', category: 'testing', label: { type: 'label', label: 'wave' } },
      ],
    };
    writeFileSync(path.join(dir, 'info.labels'), JSON.stringify(manifest));
    const { result, studio: s } = await importInto([dir]);
    expect(result.failed).toEqual([]);
    expect(await countsOf(s)).toEqual({ wave: [1, 0], '': [0, 1] });
    expect(result.warnings.map((w) => [w.code, w.files])).toEqual([['MANIFEST_ENTRY_WITHOUT_FILE', ['testing/gone.json']]]);
    const names = (await s.call('samples.list', { project: 'ei' })).rows.map((r) => r.name.normalize('NFC')).sort();
    expect(names).toEqual(['café.abc123', 'x.def456']);
  });

  it('takes categories from the folder names when there is no manifest, and warns about files the manifest misses', async () => {
    const dir = exportDir();
    writeFileSync(path.join(dir, 'training', 'idle.1.json'), sample(1));
    writeFileSync(path.join(dir, 'training', 'wave.1.json'), sample(2));
    writeFileSync(path.join(dir, 'testing', 'wave.2.json'), sample(3));
    const first = await importInto([dir]);
    expect(first.result.warnings).toEqual([]);
    expect(await countsOf(first.studio)).toEqual({ idle: [1, 0], wave: [1, 1] });
    first.studio.dispose();
    studio = null;

    writeFileSync(
      path.join(dir, 'training', 'info.labels'),
      JSON.stringify({ version: 1, files: [{ path: 'idle.1.json', category: 'training', label: { type: 'label', label: 'idle' } }] }),
    );
    const second = await importInto([dir]);
    expect(second.result.failed).toEqual([]);
    const w = second.result.warnings.find((x) => x.code === 'FILE_WITHOUT_MANIFEST_ENTRY');
    expect(w?.files.sort()).toEqual(['testing/wave.2.json', 'training/wave.1.json']);
  });

  it('refuses a manifest that is not one, naming the file', async () => {
    const dir = exportDir();
    writeFileSync(path.join(dir, 'info.labels'), '{"nope": 1}');
    studio = testStudio();
    await studio.call('projects.create', { name: 'ei' });
    await expect(studio.call('samples.import', { project: 'ei', paths: [dir], category: 'split' })).rejects.toThrow(/info\.labels: has no "files" list/);
  });
});
