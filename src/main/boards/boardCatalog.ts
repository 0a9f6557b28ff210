/** Loads the target boards from the boards/ folder. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBoard, type Board } from '../../shared/boards/board';

/** boards/ at the package root: three levels up from the sources, two from the Electron bundle */
export function boardsDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../../boards'), path.resolve(here, '../../boards')];
  return candidates.find((d) => existsSync(path.join(d, 'README.md'))) ?? candidates[0]!;
}

let cache: Board[] | null = null;

export function loadBoards(dir = boardsDir()): Board[] {
  if (dir === boardsDir() && cache) return cache;
  const boards = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      let json: unknown;
      try {
        json = JSON.parse(readFileSync(path.join(dir, f), 'utf8'));
      } catch (e) {
        throw new Error(`${f}: not valid JSON (${e instanceof Error ? e.message : String(e)})`, { cause: e });
      }
      const board = parseBoard(json, f);
      if (board.id + '.json' !== f) throw new Error(`${f}: id "${board.id}" must match the file name`);
      return board;
    });
  if (dir === boardsDir()) cache = boards;
  return boards;
}
