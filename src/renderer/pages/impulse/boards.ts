/** The target boards (boards/*.json), bundled into the renderer at build time for on-device estimates. */
import { parseBoard, type Board } from '../../../shared/boards/board';

const files = import.meta.glob('../../../../boards/*.json', { eager: true, import: 'default' });

/** Every board, by name; a malformed file is left out (the CLI and main process report it). */
export const BOARDS: Board[] = Object.entries(files)
  .flatMap(([path, json]) => {
    try {
      return [parseBoard(json, path.split('/').pop() ?? path)];
    } catch {
      return [];
    }
  })
  .sort((a, b) => a.name.localeCompare(b.name));
