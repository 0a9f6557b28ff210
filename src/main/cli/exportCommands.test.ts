import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareTrainingHome } from '../training/testKit';
import { runKiln } from './testing/runKiln';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-cli-export-'));
  await prepareTrainingHome(dir, 'gestures');
}, 120_000);
afterEach(() => vi.restoreAllMocks());

const cli = (...args: string[]) => runKiln(dir, ...args);

describe('kiln export', () => {
  it('refuses bad arguments with exit code 2 and a line naming the option, before any work', async () => {
    const out = path.join(dir, 'never');
    expect(await cli('export', '--project', 'gestures', '--format', 'rust', '--out', out)).toMatchObject({
      code: 2,
      err: expect.stringContaining('--format must be one of c, arduino, onnx, not "rust"'),
    });
    expect(await cli('export', '--project', 'gestures', '--format', 'onnx', '--precision', 'int4', '--out', out)).toMatchObject({
      code: 2,
      err: expect.stringContaining('--precision must be one of int8, float32, not "int4"'),
    });
    expect(await cli('export', '--project', 'gestures', '--format', 'onnx')).toMatchObject({ code: 2, err: expect.stringContaining('--out is required') });
    const json = await cli('--json', 'export', '--format', 'onnx', '--out', out);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.err)).toEqual({ error: { code: 'BAD_REQUEST', message: expect.stringContaining('--project is required') } });
    expect(existsSync(out)).toBe(false);
  });

  it('says there is no trained model yet', async () => {
    const r = await cli('export', '--project', 'gestures', '--format', 'onnx', '--precision', 'float32', '--out', path.join(dir, 'x'));
    expect(r.code).toBe(1);
    expect(r.err).toContain('There is no trained model to export yet');
  });

  it('builds into a folder and a zip after training, prints the estimate, and keeps each build in the project', async () => {
    expect((await cli('train', '--project', 'gestures', '--epochs', '2', '--seed', '4')).code).toBe(0);
    const out = path.join(dir, 'lib');
    const r = await cli('export', '--project', 'gestures', '--format', 'onnx', '--precision', 'float32', '--board', 'arduino-nano-33-ble-sense', '--out', out);
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/Estimate on Arduino Nano 33 BLE Sense: flash [\d.]+ KB of 1024 KB, RAM [\d.]+ KB of 256 KB, [\d.]+ ms per window/);
    expect(r.out).toMatch(/Built the ONNX model \(float32\) into .*lib: 3 files, zip [\d.]+ KB, sha256 [0-9a-f]{64}; kept in the project as library #1/);
    expect(readdirSync(out).sort()).toEqual(['README.md', 'gestures.onnx', 'labels.txt']);

    const zip = path.join(dir, 'gestures.zip');
    const j = await cli('--json', 'export', '--project', 'gestures', '--format', 'onnx', '--precision', 'float32', '--out', zip);
    expect(j.code, j.err).toBe(0);
    const result = JSON.parse(j.out) as { libraryId: number; sha256: string; path: string; board: string | null; estimate: unknown };
    expect(result).toMatchObject({ libraryId: 2, path: zip, board: null, estimate: null });
    expect(createHash('sha256').update(readFileSync(zip)).digest('hex')).toBe(result.sha256);

    // the C library (int8 by default) of the same model, with its build files
    const cOut = path.join(dir, 'c-lib');
    const c = await cli('export', '--project', 'gestures', '--format', 'c', '--board', 'arduino-nano-33-ble-sense', '--out', cOut);
    expect(c.code, c.err).toBe(0);
    expect(c.out).toMatch(/Built the C library \(int8\) into .*c-lib: \d+ files/);
    expect(readdirSync(cOut)).toEqual(expect.arrayContaining(['Makefile', 'CMakeLists.txt', 'README.md', 'example', 'model']));
  });

  it('refuses an output folder that is not empty, an unknown board and int8 ONNX, leaving the folder as it was', async () => {
    const full = path.join(dir, 'full');
    mkdirSync(full);
    writeFileSync(path.join(full, 'main.c'), '');
    const r = await cli('export', '--project', 'gestures', '--format', 'onnx', '--precision', 'float32', '--out', full);
    expect(r).toMatchObject({ code: 1, err: expect.stringContaining('exists and is not empty') });
    expect(readdirSync(full)).toEqual(['main.c']);
    const board = await cli(
      'export',
      '--project',
      'gestures',
      '--format',
      'onnx',
      '--precision',
      'float32',
      '--board',
      'toaster',
      '--out',
      path.join(dir, 'b'),
    );
    expect(board).toMatchObject({ code: 1, err: expect.stringContaining('Unknown board "toaster"') });
    const int8 = await cli('export', '--project', 'gestures', '--format', 'onnx', '--out', path.join(dir, 'c'));
    expect(int8).toMatchObject({ code: 2, err: expect.stringContaining('ONNX export is float32 only') });
  });
});
