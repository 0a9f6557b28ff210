import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { checkTolerance, loadConformance } from '../../../tests/support/conformance';
import { createServices } from '../app/services';
import { SampleRepository } from '../store/sampleRepository';
import { runKiln } from './testing/runKiln';

const run = promisify(execFile);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-cli-impulse-'));
});
afterEach(() => vi.restoreAllMocks());

const cli = (...args: string[]) => runKiln(dir, ...args);

const blocks = ['spectral_analysis', 'flatten', 'raw', 'mfcc', 'mfe', 'spectrogram', 'image'];

describe('kiln dsp run', () => {
  it.each(blocks)('reproduces the first %s conformance case from its input file', async (block) => {
    const c = loadConformance(block)[0]!;
    const input = path.join(dir, `${block}.json`);
    writeFileSync(input, JSON.stringify(c.input));
    const r = await cli('dsp', 'run', '--block', block, '--params', JSON.stringify(c.params), '--input', input);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const printed = JSON.parse(r.out) as { features: number[]; output_config: { type: string; shape: Record<string, number> }; labels?: string[] };
    const check = checkTolerance(printed.features, c.output.features, block === 'mfe' || block === 'spectrogram');
    expect(check.ok, check.message).toBe(true);
    expect(printed.output_config).toEqual(c.output.output_config);
    if (c.output.labels) expect(printed.labels).toEqual(c.output.labels);
  });

  it('fills missing parameters with defaults', async () => {
    const c = loadConformance('mfcc')[0]!;
    const input = path.join(dir, 'in.json');
    writeFileSync(input, JSON.stringify(c.input));
    const r = await cli('dsp', 'run', '--block', 'mfcc', '--input', input);
    expect(checkTolerance((JSON.parse(r.out) as { features: number[] }).features, c.output.features).ok).toBe(true);
  });

  it('names what is wrong: block, parameter, JSON, input file and values', async () => {
    const input = path.join(dir, 'in.json');
    writeFileSync(input, JSON.stringify({ axes: ['x'], frequency_hz: 100, values: [1, 2, 3] }));
    expect(await cli('dsp', 'run', '--block', 'fft', '--input', input)).toMatchObject({
      code: 1,
      err: 'kiln: Unknown DSP block "fft"; known blocks: spectral_analysis, mfcc, mfe, spectrogram, flatten, raw, image\n',
    });
    expect(await cli('dsp', 'run', '--block', 'raw', '--params', '{"scale-axes": "big"}', '--input', input)).toMatchObject({
      code: 2,
      err: 'kiln: Raw data: parameter "scale-axes" must be a number, got "big"\n',
    });
    expect((await cli('dsp', 'run', '--block', 'raw', '--params', '{scale', '--input', input)).err).toMatch(/^kiln: --params is not valid JSON/);
    expect((await cli('dsp', 'run', '--block', 'raw', '--input', path.join(dir, 'nope.json'))).err).toMatch(
      /Cannot read the input file ".*nope\.json": no such file/,
    );
    writeFileSync(input, '{"values": [1, null]}');
    expect((await cli('dsp', 'run', '--block', 'raw', '--input', input)).err).toMatch(/values\[1\] is null; every value must be a finite number/);
    writeFileSync(input, '{"axes": ["x", "y"], "values": [1, 2, 3]}');
    expect((await cli('dsp', 'run', '--block', 'raw', '--input', input)).err).toBe(
      'kiln: The input has 3 values, which do not split into readings of 2 axes (x, y)\n',
    );
  });
});

describe('kiln impulse and kiln features (bin/kiln.js, worker threads)', () => {
  it('shows the suggested impulse, saves it from a file, and generates features with a second run from the cache', async () => {
    const services = createServices({ home: dir, host: 'cli' });
    try {
      services.home.create('gestures');
      const repo = new SampleRepository(services.home.get('gestures').db);
      for (let i = 0; i < 3; i++) {
        const values = Float32Array.from({ length: 250 * 3 }, (_, k) => Math.sin(k * (0.05 + i * 0.02)));
        repo.insert({
          label: i % 2 ? 'wave' : 'idle',
          category: 'train',
          sensors: ['accX', 'accY', 'accZ'].map((name) => ({ name, units: 'm/s2' })),
          intervalMs: 16,
          values,
          source: 'test',
        });
      }
    } finally {
      services.dispose();
    }
    const kiln = (...args: string[]) => run(process.execPath, [path.join(root, 'bin/kiln.js'), '--home', dir, ...args], { cwd: root });
    const shown = await kiln('impulse', 'show', '--project', 'gestures');
    expect(shown.stderr).toContain('(suggested motion impulse, not saved');
    const file = path.join(dir, 'impulse.json');
    writeFileSync(file, shown.stdout);
    expect((await kiln('impulse', 'set', '--project', 'gestures', '--file', file)).stdout).toBe(
      'Saved the impulse of gestures (1 processing, 1 learning block)\n',
    );
    const first = JSON.parse((await kiln('--json', 'features', '--project', 'gestures')).stdout) as { computedWindows: number; workers: number };
    expect(first).toMatchObject({ computedWindows: 30, workers: Math.min(3, os.availableParallelism()) });
    const second = JSON.parse((await kiln('--json', 'features', '--project', 'gestures')).stdout) as { computedWindows: number; cachedWindows: number };
    expect(second).toMatchObject({ computedWindows: 0, cachedWindows: 30 });
    expect((await kiln('features', '--project', 'gestures', '--status')).stdout).toContain('Features are up to date');
    writeFileSync(file, '{"input": {"type": "time-series"}}');
    await expect(kiln('impulse', 'set', '--project', 'gestures', '--file', file)).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^kiln: impulse\.set: impulse\.input\.windowSizeMs/),
    });
  }, 60_000);
});
