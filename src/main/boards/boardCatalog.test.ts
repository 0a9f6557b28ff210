import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadBoards } from './boardCatalog';

describe('the board catalog', () => {
  it('reads every board file and each one is valid', () => {
    const boards = loadBoards();
    expect(boards.length).toBeGreaterThanOrEqual(8);
    expect(new Set(boards.map((b) => b.id)).size).toBe(boards.length);
    expect(boards.find((b) => b.id === 'arduino-nano-33-ble-sense')).toMatchObject({ core: 'cortex-m4f', ramKb: 256, flashKb: 1024 });
  });

  it('names the file and field of a bad board', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-boards-'));
    writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ id: 'bad', name: 'Bad' }));
    expect(() => loadBoards(dir)).toThrow(/^bad\.json: vendor: /);
    writeFileSync(path.join(dir, 'bad.json'), '{ nope');
    expect(() => loadBoards(dir)).toThrow(/bad\.json: not valid JSON/);
  });
});
