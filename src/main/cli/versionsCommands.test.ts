import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServices } from '../app/services';
import { saveImpulse } from '../pipeline/impulseStore';
import { SampleRepository, type NewSample } from '../store/sampleRepository';
import { motionImpulse } from '../training/testKit';
import { runKiln } from './testing/runKiln';

let dir: string;
const cli = (...args: string[]) => runKiln(dir, ...args);

function sample(label: string, category: 'train' | 'test', seed: number): NewSample {
  const values = new Float32Array(3 * 200).map((_, i) => Math.cos(i * 0.05 * seed));
  return { label, category, sensors: ['accX', 'accY', 'accZ'].map((name) => ({ name, units: 'm/s2' })), intervalMs: 16, values, source: 'test' };
}

beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-cli-versions-'));
  const services = createServices({ home: dir, host: 'cli' });
  try {
    const db = services.home.create('gestures').db;
    new SampleRepository(db).insertMany([sample('idle', 'train', 1), sample('idle', 'test', 2), sample('wave', 'train', 3), sample('wave', 'test', 4)]);
    saveImpulse(db, motionImpulse(db, 500));
  } finally {
    services.dispose();
  }
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('kiln versions', () => {
  it('creates, lists, diffs, restores and exports versions', async () => {
    expect((await cli('versions', 'create', '--project', 'gestures', '--message', 'baseline')).out).toMatch(
      /Created version #1 "baseline": 4 samples \(idle 1\+1, wave 1\+1\)/,
    );
    await cli('samples', 'rebalance', '--project', 'gestures', '--test', '0');
    expect((await cli('versions', 'create', '--project', 'gestures', '--message', 'all in train')).code).toBe(0);

    const list = await cli('versions', 'list', '--project', 'gestures');
    expect(list.out).toMatch(/all in train[\s\S]*idle 2\+0, wave 2\+0[\s\S]*baseline[\s\S]*idle 1\+1, wave 1\+1/);

    const diff = await cli('--json', 'versions', 'diff', '1', '2', '--project', 'gestures');
    expect(JSON.parse(diff.out).samples).toMatchObject({
      added: 0,
      removed: 0,
      moved: 2,
      byLabel: [
        { label: 'idle', moved: 1 },
        { label: 'wave', moved: 1 },
      ],
    });
    expect((await cli('versions', 'diff', '1', '2', '--project', 'gestures')).out).toMatch(
      /0 samples added, 0 removed, 0 relabelled, 2 moved[\s\S]*Impulse: unchanged/,
    );

    const restore = await cli('versions', 'restore', '1', '--project', 'gestures');
    expect(restore.out).toMatch(/Restored version #1 "baseline" \(4 samples\)\. The state before is version #3/);
    expect((await cli('samples', 'counts', '--project', 'gestures')).out).toMatch(/idle\s+1\s+1/);

    const exported = await cli('--json', 'versions', 'export', '1', '--project', 'gestures');
    expect(exported.code).toBe(0);
    const file = (JSON.parse(exported.out) as { path: string }).path;
    expect(file).toBe(path.join(dir, 'exports', 'gestures-v1.kiln'));
    expect(existsSync(file)).toBe(true);
  });

  it('refuses a bad message or version with a clear line and a usage exit code', async () => {
    const empty = await cli('versions', 'create', '--project', 'gestures', '--message', ' ');
    expect(empty.code).toBe(2);
    expect(empty.err).toMatch(/needs a message/);
    const long = await cli('versions', 'create', '--project', 'gestures', '--message', 'x'.repeat(300));
    expect(long.err).toMatch(/at most 200 characters/);
    const unknown = await cli('versions', 'restore', '7', '--project', 'gestures');
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/no version #7/);
    expect((await cli('versions', 'diff', 'one', '2', '--project', 'gestures')).err).toMatch(/positive whole number, not "one"/);
  });
});

describe('kiln project export-spec / apply-spec', () => {
  it('writes a readable document that applies back, and changes the project when edited', async () => {
    const out = path.join(dir, 'kiln.json');
    expect((await cli('project', 'export-spec', '--project', 'gestures', '--out', out)).code).toBe(0);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as Record<string, Record<string, unknown>>;
    expect(doc).toMatchObject({ kiln: 1, impulse: { input: { windowSizeMs: 2000 } }, training: { seed: 1, epochs: expect.any(Number) }, gates: {} });
    doc.training!.seed = 42;
    doc.training!.epochs = 12;
    doc.gates = { minTestAccuracy: 0.8, minLabelAccuracy: { idle: 0.7 }, maxAccuracyDrop: 0.02 };
    (doc.impulse!.input as Record<string, unknown>).windowIncreaseMs = 250;
    writeFileSync(out, JSON.stringify(doc));
    const applied = await cli('project', 'apply-spec', '--project', 'gestures', '--file', out);
    expect(applied.err).toBe('');
    expect(applied.out).toMatch(/12 epochs, seed 42/);
    const again = JSON.parse((await cli('project', 'export-spec', '--project', 'gestures', '--out', '-')).out) as typeof doc;
    expect(again.training).toMatchObject({ seed: 42, epochs: 12 });
    expect(again.gates).toEqual({ minTestAccuracy: 0.8, minLabelAccuracy: { idle: 0.7 }, maxAccuracyDrop: 0.02 });
    expect(again.impulse!.input).toMatchObject({ windowIncreaseMs: 250 });
  });

  it('refuses unknown fields and invalid values by name, and leaves the project as it was', async () => {
    const out = path.join(dir, 'kiln.json');
    await cli('project', 'export-spec', '--project', 'gestures', '--out', out);
    const good = readFileSync(out, 'utf8');
    const edit = async (change: (d: Record<string, Record<string, unknown>>) => void) => {
      const d = JSON.parse(good) as Record<string, Record<string, unknown>>;
      change(d);
      writeFileSync(out, JSON.stringify(d));
      return cli('project', 'apply-spec', '--project', 'gestures', '--file', out);
    };
    const unknown = await edit((d) => {
      d.training!.epochz = 3;
      d.colour = {};
    });
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/kiln\.json: .*unknown field "colour".*|unknown field "training\.epochz"/);
    expect(unknown.err).toMatch(/training\.epochz/);
    const invalid = await edit((d) => {
      d.training!.epochs = 0;
      d.gates = { minTestAccuracy: 1.5 };
    });
    expect(invalid.err).toMatch(/training\.epochs: Epochs must be at least 1/);
    expect(invalid.err).toMatch(/gates\.minTestAccuracy: minTestAccuracy is a share between 0 and 1/);
    const board = await edit((d) => (d.gates = { board: 'toaster', maxRamBytes: 1000 }));
    expect(board.err).toMatch(/gates\.board: unknown board "toaster"/);
    const noBoard = await edit((d) => (d.gates = { maxFlashBytes: 1000 }));
    expect(noBoard.err).toMatch(/gates\.board: RAM, flash and latency gates need a "board"/);
    writeFileSync(out, '{ not json');
    expect((await cli('project', 'apply-spec', '--project', 'gestures', '--file', out)).err).toMatch(/kiln\.json is not valid JSON/);
    // nothing of the refused documents reached the project
    expect((await cli('project', 'export-spec', '--project', 'gestures', '--out', '-')).out).toBe(`${JSON.stringify(JSON.parse(good), null, 2)}\n`);
  });
});
