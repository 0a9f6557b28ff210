import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { runKiln } from './testing/runKiln';

let home: string;
beforeEach(() => {
  home = mkdtempSync(path.join(os.tmpdir(), 'kiln-cli-projects-'));
});

const cli = (...args: string[]) => runKiln(home, ...args);

describe('kiln projects', () => {
  it('creates, lists, renames, duplicates, deletes and restores, in text and JSON', async () => {
    expect(await cli('projects', 'create', 'Bench one')).toMatchObject({ code: 0, out: expect.stringContaining('Created Bench one') });
    const listed = await cli('--json', 'projects', 'list');
    expect(JSON.parse(listed.out)).toEqual([expect.objectContaining({ name: 'Bench one', sampleCount: 0, error: null })]);
    expect((await cli('projects', 'list')).out).toMatch(/NAME\s+SAMPLES[\s\S]*Bench one\s+0/);
    expect((await cli('projects', 'rename', 'Bench one', 'Bench two')).code).toBe(0);
    expect((await cli('projects', 'duplicate', 'Bench two', 'Copy')).code).toBe(0);
    expect(existsSync(path.join(home, 'Copy.kiln'))).toBe(true);
    const info = JSON.parse((await cli('--json', 'projects', 'info', 'Copy')).out) as { name: string; schemaVersion: number };
    expect(info).toMatchObject({ name: 'Copy', schemaVersion: expect.any(Number) });
    const deleted = JSON.parse((await cli('--json', 'projects', 'delete', 'Copy', '--yes')).out) as { trashId: string };
    expect(existsSync(path.join(home, 'Copy.kiln'))).toBe(false);
    expect((await cli('projects', 'restore', deleted.trashId)).code).toBe(0);
    expect(existsSync(path.join(home, 'Copy.kiln'))).toBe(true);
  });

  it('refuses bad input with a clear line and a non-zero exit code', async () => {
    expect(await cli('projects', 'create', '../escape')).toMatchObject({ code: 2, err: expect.stringContaining('name: Use letters') });
    expect(await cli('projects', 'rename', 'missing', 'x')).toMatchObject({ code: 1, err: 'kiln: No project named "missing" in ' + home + '\n' });
    await cli('projects', 'create', 'keep');
    // not on a terminal: deleting needs --yes, and nothing is deleted
    expect(await cli('projects', 'delete', 'keep')).toMatchObject({ code: 2, err: expect.stringContaining('without --yes') });
    expect(existsSync(path.join(home, 'keep.kiln'))).toBe(true);
    const bogus = path.join(home, 'bogus.txt');
    writeFileSync(bogus, 'not a project');
    expect(await cli('projects', 'import', bogus)).toMatchObject({ code: 1, err: expect.stringContaining('not a Kiln project') });
    expect(await cli('--json', 'projects', 'create', '')).toMatchObject({ code: 2, err: expect.stringContaining('"code":"BAD_REQUEST"') });
    expect((await cli('projects', 'frobnicate')).code).not.toBe(0);
  });
});
