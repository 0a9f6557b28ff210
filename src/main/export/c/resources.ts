/** The static C sources shipped with every library (resources/export/c at the package root). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** resources/export/c: four levels up from the sources, two from the Electron bundle. */
export function cResourcesDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../../../resources/export/c'), path.resolve(here, '../../resources/export/c')];
  return candidates.find((d) => existsSync(path.join(d, 'nn', 'kiln_nn.h'))) ?? candidates[0]!;
}

/** Every file of one resources folder (`nn`, `runtime`, `project`), by name. */
export function readResourceFolder(folder: string, dir = cResourcesDir()): Map<string, string> {
  const out = new Map<string, string>();
  const root = path.join(dir, folder);
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(root, rel), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.set(r, readFileSync(path.join(root, r), 'utf8'));
    }
  };
  walk('');
  return out;
}
