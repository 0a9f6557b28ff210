/** Finds the compilers and the emulator the C export checks need, and says which are missing. */
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import { KilnError } from '../../../shared/errors';

export type ToolName = 'gcc' | 'arm-none-eabi-gcc' | 'arm-none-eabi-g++' | 'arm-none-eabi-size' | 'arm-none-eabi-nm' | 'qemu-system-arm';

/** the Debian package that provides each tool, for the message when it is missing */
const PACKAGE: Record<ToolName, string> = {
  gcc: 'gcc',
  'arm-none-eabi-gcc': 'gcc-arm-none-eabi libnewlib-arm-none-eabi',
  'arm-none-eabi-g++': 'gcc-arm-none-eabi',
  'arm-none-eabi-size': 'binutils-arm-none-eabi',
  'arm-none-eabi-nm': 'binutils-arm-none-eabi',
  'qemu-system-arm': 'qemu-system-arm',
};

/** the tools a Cortex-M build that runs under QEMU needs */
export const ARM_TOOLS: readonly ToolName[] = ['arm-none-eabi-gcc', 'arm-none-eabi-size', 'arm-none-eabi-nm', 'qemu-system-arm'];

/** absolute path of a tool found on PATH, or undefined */
export function findTool(name: ToolName, searchPath = process.env.PATH ?? ''): string | undefined {
  for (const dir of searchPath.split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

export function missingTools(names: readonly ToolName[], searchPath?: string): ToolName[] {
  return names.filter((n) => findTool(n, searchPath) === undefined);
}

/** one sentence naming the missing tools and the packages that provide them; undefined when none is missing */
export function missingToolsMessage(names: readonly ToolName[], searchPath?: string): string | undefined {
  const missing = missingTools(names, searchPath);
  if (missing.length === 0) return undefined;
  const packages = [...new Set(missing.flatMap((t) => PACKAGE[t].split(' ')))].join(' ');
  return `Missing ${missing.join(', ')} on PATH (Debian: apt-get install --no-install-recommends ${packages})`;
}

/** paths of the named tools; throws UNSUPPORTED naming every missing one */
export function requireTools<T extends ToolName>(names: readonly T[], searchPath?: string): Record<T, string> {
  const message = missingToolsMessage(names, searchPath);
  if (message) throw new KilnError('UNSUPPORTED', message, { missing: missingTools(names, searchPath) });
  return Object.fromEntries(names.map((n) => [n, findTool(n, searchPath)!])) as Record<T, string>;
}
