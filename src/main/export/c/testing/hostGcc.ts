/**
 * Test helper: writes a generated library to a folder, compiles it with the host gcc together
 * with the test harness (harness.c) and runs it on rows of numbers. One binary per library.
 */
import { execFileSync } from 'node:child_process';
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

export function buildWithHarness(lib: CLibrary, extraFlags: string[] = []): BuiltLibrary {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiln-c-'));
  writeLibrary(lib, dir);
  writeFileSync(path.join(dir, 'harness.c'), readFileSync(harnessPath));
  const binary = path.join(dir, 'harness');
  const args = [...HOST_CFLAGS, ...extraFlags, ...libraryIncludes(lib).map((d) => `-I${d}`), ...librarySources(lib), 'harness.c', '-lm', '-o', binary];
  try {
    execFileSync('gcc', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const stderr = (e as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`gcc failed in ${dir}:\n${stderr.slice(0, 4000)}`, { cause: e });
  }
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
