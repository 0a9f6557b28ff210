/** Where the harness and the QEMU plugin sources ship: resources/export at the package root. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** resources/export: four levels up from these sources, two from the Electron bundle */
export function exportResourcesDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const candidates = [path.resolve(here, '../../../../resources/export'), path.resolve(here, '../../resources/export')];
  return candidates.find((d) => existsSync(path.join(d, 'qemu', 'icount.c'))) ?? candidates[0]!;
}

/** the Cortex-M semihosting harness (startup, linker script, markers, stack probe) */
export function harnessDir(): string {
  return path.join(exportResourcesDir(), 'c', 'harness', 'm4');
}
