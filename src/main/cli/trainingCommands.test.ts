import { existsSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareTrainingHome } from '../training/testKit';
import { runKiln } from './testing/runKiln';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-cli-training-'));
  await prepareTrainingHome(dir, 'gestures');
});
afterEach(() => vi.restoreAllMocks());

const cli = (...args: string[]) => runKiln(dir, ...args);

describe('kiln train / test / models', () => {
  it('refuses bad options with a message naming the option, and nothing is trained', async () => {
    const r = await cli('train', '--project', 'gestures', '--epochs', 'many');
    expect(r.code).not.toBe(0);
    expect(r.err).toContain('--epochs must be a whole number ≥ 1, not "many"');
    const bad = await cli('train', '--project', 'gestures', '--learning-rate', '0');
    expect(bad.err).toContain('--learning-rate must be a number in (0, 1]');
    const none = await cli('models', 'list', '--project', 'gestures', '--json');
    expect(JSON.parse(none.out)).toEqual([]);
    const missing = await cli('train', '--project', 'nope');
    expect(missing.err).toMatch(/No project named "nope"/);
  });

  it('trains with --json (metrics and lineage), tests, lists, activates, exports and deletes', async () => {
    const t = await cli('train', '--project', 'gestures', '--epochs', '3', '--seed', '9', '--learning-rate', '0.005', '--json');
    expect(t.code, t.err).toBe(0);
    const m = JSON.parse(t.out) as {
      id: number;
      seed: number;
      settings: { epochs: number };
      metrics: { float32: { accuracy: number; confusion: number[][] }; int8: { accuracy: number }; history: unknown[] };
    };
    expect(m.seed).toBe(9);
    expect(m.settings.epochs).toBe(3);
    expect(m.metrics.history).toHaveLength(3);
    expect(m.metrics.float32.confusion).toHaveLength(4);
    expect(m.metrics.int8.accuracy).toBeGreaterThan(0);

    const human = await cli('test', '--project', 'gestures');
    expect(human.code, human.err).toBe(0);
    expect(human.out).toMatch(/Model #\d+ on 8 test samples: sample accuracy [\d.]+ %/);
    const tj = JSON.parse((await cli('test', '--project', 'gestures', '--json')).out) as { samples: unknown[]; windows: { confusion: number[][] } };
    expect(tj.samples).toHaveLength(8);
    const both = await cli('test', '--project', 'gestures', '--precision', 'both', '--json');
    const bj = JSON.parse(both.out) as { engine: string; int8: { engine: string; windows: { rows: number } } };
    expect(bj.engine).toMatch(/float32/);
    expect(bj.int8.engine).toMatch(/int8/);
    expect(bj.int8.windows.rows).toBeGreaterThan(0);
    expect((await cli('test', '--project', 'gestures', '--precision', 'int8')).out).toMatch(/window accuracy [\d.]+ % .*\[kiln int8/);
    expect((await cli('test', '--project', 'gestures', '--precision', 'int4')).err).toContain('--precision must be float32, int8 or both');

    await cli('train', '--project', 'gestures', '--epochs', '1');
    const list = JSON.parse((await cli('models', 'list', '--project', 'gestures', '--json')).out) as { id: number; active: boolean }[];
    expect(list).toHaveLength(2);
    expect(list.find((x) => x.active)!.id).not.toBe(m.id);
    expect((await cli('models', 'activate', String(m.id), '--project', 'gestures')).out).toContain(`Model #${m.id} is now active`);
    const out = path.join(dir, 'm.onnx');
    expect((await cli('models', 'export-onnx', String(m.id), '--project', 'gestures', '--out', out)).code).toBe(0);
    expect(existsSync(out)).toBe(true);
    expect((await cli('models', 'delete', String(m.id), '--project', 'gestures')).out).toContain(`Deleted model #${m.id}`);
    const gone = await cli('models', 'activate', String(m.id), '--project', 'gestures');
    expect(gone.code).not.toBe(0);
    expect(gone.err).toContain(`There is no model #${m.id}`);
  });
});
