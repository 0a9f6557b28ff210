/** Builds Kiln's QEMU instruction-count plugin (resources/export/qemu/icount.c) with the host gcc, once per source version, into a cache folder. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execTool } from './exec';
import { exportResourcesDir } from './resources';
import { requireTools } from './tools';

/** cache folder for built helpers: $XDG_CACHE_HOME/kiln or ~/.cache/kiln */
export function toolchainCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'kiln', 'toolchain');
}

/** path of the built plugin (built on first use; concurrent builders each rename a finished file into place) */
export async function icountPlugin(cacheDir = toolchainCacheDir()): Promise<string> {
  const source = path.join(exportResourcesDir(), 'qemu', 'icount.c');
  const hash = createHash('sha256').update(readFileSync(source)).digest('hex').slice(0, 16);
  const lib = path.join(cacheDir, `libkiln-icount-${hash}.so`);
  if (existsSync(lib)) return lib;
  const { gcc } = requireTools(['gcc']);
  mkdirSync(cacheDir, { recursive: true });
  const tmp = `${lib}.${process.pid}.tmp`;
  await execTool(gcc, ['-O2', '-shared', '-fPIC', '-Wall', '-Wextra', '-Werror', source, '-o', tmp], { timeoutMs: 60_000 });
  renameSync(tmp, lib);
  return lib;
}
