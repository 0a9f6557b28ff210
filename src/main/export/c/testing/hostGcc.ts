/**
 * Test helper: writes a generated library to a folder, compiles it with the host gcc together
 * with the test harness (harness.c) and runs it on rows of numbers. One binary per library.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CLibrary } from '../index';

/** The flags the issue asks for: strict C99, warnings as errors, no fused multiply-add. */
export const HOST_CFLAGS = ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', '-ffp-contract=off'];
export const SANITIZE_CFLAGS = ['-fsanitize=address,undefined', '-fno-sanitize-recover=all', '-g'];

const harnessPath = path.join(path.dirname(fileURLToPath(import.meta.url)), 'harness.c');

export interface BuiltLibrary {
  dir: string;
  binary: string;
  /** runs the binary; `rows` become stdin lines; returns one parsed result per line */
  run(mode: 'features' | 'windows' | 'continuous', rows: ArrayLike<number>[]): HarnessResult[];
  dispose(): void;
}

export interface HarnessResult {
  status: number;
  quantized: number[];
  scores: number[];
  anomaly: number;
}

/** Writes the library's files under `dir`. */
export function writeLibrary(lib: CLibrary, dir: string): void {
  for (const [file, content] of lib.files) {
    const target = path.join(dir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
}

/** The C sources of a written library (what its Makefile compiles). */
export function librarySources(lib: CLibrary): string[] {
  return [...lib.files.keys()].filter((f) => f.endsWith('.c') && !f.startsWith('example/'));
}

/** Include folders of a written library. */
export function libraryIncludes(lib: CLibrary): string[] {
  return [...new Set([...lib.files.keys()].filter((f) => f.endsWith('.h')).map((f) => path.dirname(f)))];
}

function gcc(args: string[], cwd: string): void {
  try {
    execFileSync('gcc', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`gcc failed in ${cwd}:\n${stderr.slice(0, 4000)}`, { cause: e });
  }
}

/** Objects of the model-independent kernels (kiln-sdk/nn), compiled once per content and flags. */
const kernelObjects = new Map<string, string>();
let kernelDir: string | null = null;

function kernelObject(lib: CLibrary, file: string, flags: string[]): string {
  const key = createHash('sha256').update(flags.join(' ')).update('\0').update(lib.files.get(file)!).digest('hex').slice(0, 20);
  let obj = kernelObjects.get(key);
  if (!obj) {
    kernelDir ??= mkdtempSync(path.join(tmpdir(), 'kiln-nn-'));
    // the kernels include only their own headers, written beside them
    for (const [f, text] of lib.files)
      if (f.endsWith('.h') && path.dirname(f) === path.dirname(file)) writeFileSync(path.join(kernelDir, path.basename(f)), text);
    const src = path.join(kernelDir, `${key}.c`);
    writeFileSync(src, lib.files.get(file)!);
    obj = path.join(kernelDir, `${key}.o`);
    gcc([...flags, '-c', src, '-o', obj], kernelDir);
    kernelObjects.set(key, obj);
  }
  return obj;
}

/** Compiles the library with the test harness; the kernels are compiled once per test run. */
export function buildWithHarness(lib: CLibrary, extraFlags: string[] = []): BuiltLibrary {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiln-c-'));
  writeLibrary(lib, dir);
  writeFileSync(path.join(dir, 'harness.c'), readFileSync(harnessPath));
  const binary = path.join(dir, 'harness');
  const flags = [...HOST_CFLAGS, ...extraFlags];
  const sources = librarySources(lib);
  const kernels = sources.filter((f) => f.includes('/nn/')).map((f) => kernelObject(lib, f, flags));
  const rest = sources.filter((f) => !f.includes('/nn/'));
  gcc([...flags, ...libraryIncludes(lib).map((d) => `-I${d}`), ...rest, 'harness.c', ...kernels, '-lm', '-o', binary], dir);
  return {
    dir,
    binary,
    run(mode, rows) {
      const input = rows.map((r) => Array.from(r, (v) => (Object.is(v, -0) ? '0' : String(v))).join(' ')).join('\n') + '\n';
      const out = execFileSync(binary, [mode], { input, maxBuffer: 1 << 28, env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=0' } }).toString();
      return out
        .trim()
        .split('\n')
        .filter((l) => l.length > 0)
        .map((line) => {
          const [status, q, s, a] = line.split('|').map((p) => p.trim());
          const nums = (p: string | undefined) => (p ? p.split(/\s+/).map(Number) : []);
          return { status: Number(status), quantized: nums(q), scores: nums(s), anomaly: Number(a) };
        });
    },
    dispose() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Removes the compiled kernels (call once after the tests). */
export function disposeKernelCache(): void {
  if (kernelDir) rmSync(kernelDir, { recursive: true, force: true });
  kernelDir = null;
  kernelObjects.clear();
}
