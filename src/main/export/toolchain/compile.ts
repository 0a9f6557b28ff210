/** Compiles a set of C sources for the host or for a Cortex-M core (one object per source, so the map file can say which source each byte came from). */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { HARNESS_LINK_FLAGS, CORTEX_TARGETS, type CortexTargetId } from './targets';
import { execTool } from './exec';
import { harnessDir } from './resources';
import { requireTools } from './tools';

export interface CSources {
  /** folder the sources and include folders are relative to */
  root: string;
  /** .c files relative to root */
  files: readonly string[];
  /** include folders relative to root (or absolute) */
  includeDirs?: readonly string[];
  /** -D definitions */
  defines?: Readonly<Record<string, string | number | true>>;
}

/** the warnings-as-errors C99 flags the exported library must pass */
export const HOST_CFLAGS: readonly string[] = ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror'];

function commonFlags(src: CSources): string[] {
  const inc = (src.includeDirs ?? []).map((d) => `-I${path.resolve(src.root, d)}`);
  const defs = Object.entries(src.defines ?? {}).map(([k, v]) => (v === true ? `-D${k}` : `-D${k}=${v}`));
  return [...inc, ...defs];
}

/** builds a host executable with gcc (with the harness's host fallbacks when asked); returns its path */
export async function compileHost(
  src: CSources,
  opts: { out: string; cflags?: readonly string[]; ldflags?: readonly string[]; timeoutMs?: number; withHarness?: boolean },
): Promise<string> {
  const { gcc } = requireTools(['gcc']);
  mkdirSync(path.dirname(opts.out), { recursive: true });
  const files = src.files.map((f) => path.resolve(src.root, f));
  const harness = opts.withHarness ? [`-I${harnessDir()}`, path.join(harnessDir(), 'kiln_harness.c')] : [];
  await execTool(gcc, [...(opts.cflags ?? HOST_CFLAGS), ...commonFlags(src), ...harness, ...files, '-o', opts.out, ...(opts.ldflags ?? ['-lm'])], {
    timeoutMs: opts.timeoutMs ?? 120_000,
  });
  return opts.out;
}

export interface CrossBuild {
  target: CortexTargetId;
  elf: string;
  map: string;
  /** object file → source it was compiled from (relative to root; harness files under "harness/") */
  objects: Map<string, string>;
}

/** runs at most `limit` jobs at once (the machines have few cores) */
async function inBatches<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < items.length; i += limit) await Promise.all(items.slice(i, i + limit).map(fn));
}

/**
 * Cross-compiles the sources together with the semihosting harness (vector table, reset handler,
 * markers, stack probe) into an ELF for QEMU, with a linker map; sources see kiln_harness.h.
 */
export async function crossCompile(
  src: CSources,
  opts: { target: CortexTargetId; outDir: string; name?: string; cflags?: readonly string[]; timeoutMs?: number },
): Promise<CrossBuild> {
  const tools = requireTools(['arm-none-eabi-gcc']);
  const target = CORTEX_TARGETS[opts.target];
  const hdir = harnessDir();
  const cflags = [...target.cflags, ...(opts.cflags ?? ['-std=c99', '-Wall', '-Wextra']), `-I${hdir}`, ...commonFlags(src)];
  const units = [
    ...['startup.c', 'kiln_harness.c'].map((f) => ({ source: path.join(hdir, f), label: `harness/${f}` })),
    ...src.files.map((f) => ({ source: path.resolve(src.root, f), label: f })),
  ];
  const objects = new Map<string, string>();
  const timeoutMs = opts.timeoutMs ?? 120_000;
  await inBatches(units, 2, async (u) => {
    const obj = path.join(opts.outDir, 'obj', u.label.replace(/\.c$/, '.o'));
    mkdirSync(path.dirname(obj), { recursive: true });
    await execTool(tools['arm-none-eabi-gcc'], [...cflags, '-c', u.source, '-o', obj], { timeoutMs });
    objects.set(obj, u.label);
  });
  const name = opts.name ?? 'prog';
  const elf = path.join(opts.outDir, `${name}.elf`);
  const map = path.join(opts.outDir, `${name}.map`);
  const objs = units.map((u) => path.join(opts.outDir, 'obj', u.label.replace(/\.c$/, '.o')));
  await execTool(
    tools['arm-none-eabi-gcc'],
    [...target.cflags, ...HARNESS_LINK_FLAGS, '-T', path.join(hdir, 'link.ld'), ...objs, `-Wl,-Map=${map}`, '-o', elf, '-lm'],
    { timeoutMs },
  );
  return { target: opts.target, elf, map, objects };
}
