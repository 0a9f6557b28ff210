/**
 * Test kit: compiles C test programs against resources/export/c/dsp with the host gcc (the
 * flags the exported library promises to build with) and runs them with binary float32 data
 * on stdin and stdout. One gcc run per program, sources and test main together.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { dspConfigHeader } from './plan.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');
export const cDspDir = path.join(repoRoot, 'resources/export/c/dsp');
export const conformanceDspDir = path.resolve(repoRoot, '../shared/conformance/dsp');

export const HOST_CFLAGS = ['-std=c99', '-O2', '-Wall', '-Wextra', '-Werror', '-ffp-contract=off'];
/** KILN_C_SANITIZE=1 builds the test programs with AddressSanitizer and UBSan (any finding aborts). */
const SANITIZE = process.env.KILN_C_SANITIZE === '1' ? ['-fsanitize=address,undefined', '-fno-sanitize-recover=all'] : [];
export const ARM_CFLAGS = ['-mcpu=cortex-m4', '-mthumb', '-mfloat-abi=hard', '-mfpu=fpv4-sp-d16', '-Os', '-std=c99', '-Wall', '-Wextra', '-Werror'];

export function hasCompiler(name: string): boolean {
  return spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0;
}

export interface CProgram {
  /** file names under resources/export/c/dsp (headers are skipped when compiling) */
  sources: readonly string[];
  defines: readonly string[];
  /** the test's main.c */
  main: string;
  /** compile main as C++11 with g++ (the library sources stay C) to check the headers from C++ */
  cxxMain?: boolean;
}

/** Compiles the program; returns a function running it with stdin bytes, giving stdout bytes. */
export function buildHostProgram(program: CProgram): { run(stdin: Uint8Array): Buffer; dispose(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), 'kiln-cdsp-'));
  writeFileSync(path.join(dir, 'kiln_dsp_config.h'), dspConfigHeader([{ defines: [...program.defines] }]));
  const cFiles = [...new Set(program.sources)].filter((f) => f.endsWith('.c')).map((f) => path.join(cDspDir, f));
  const exe = path.join(dir, 'test');
  const include = [`-I${dir}`, `-I${cDspDir}`];
  if (program.cxxMain) {
    writeFileSync(path.join(dir, 'main.cpp'), program.main);
    const objects = cFiles.map((f) => path.join(dir, `${path.basename(f, '.c')}.o`));
    cFiles.forEach((f, i) => execFileSync('gcc', [...HOST_CFLAGS, ...SANITIZE, ...include, '-c', f, '-o', objects[i]!], { stdio: 'pipe' }));
    const cxxFlags = ['-std=c++11', '-O2', '-Wall', '-Wextra', '-Werror', '-ffp-contract=off'];
    execFileSync('g++', [...cxxFlags, ...SANITIZE, ...include, path.join(dir, 'main.cpp'), ...objects, '-o', exe, '-lm'], { stdio: 'pipe' });
  } else {
    writeFileSync(path.join(dir, 'main.c'), program.main);
    execFileSync('gcc', [...HOST_CFLAGS, ...SANITIZE, ...include, path.join(dir, 'main.c'), ...cFiles, '-o', exe, '-lm'], { stdio: 'pipe' });
  }
  return {
    run: (stdin) => execFileSync(exe, [], { input: stdin, maxBuffer: 256 << 20 }),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/**
 * Sources cross-compiled for the Cortex-M4 into objects (throws on any warning); std null
 * leaves the language standard at the compiler's default (GNU C, as Arduino builds).
 */
export function crossCompile(
  sources: readonly string[],
  defines: readonly string[],
  extraC = '',
  std: string | null = 'c99',
): { dir: string; objects: string[] } {
  const flags = ARM_CFLAGS.filter((f) => !f.startsWith('-std=')).concat(std ? [`-std=${std}`] : []);
  const dir = mkdtempSync(path.join(tmpdir(), 'kiln-cdsp-arm-'));
  writeFileSync(path.join(dir, 'kiln_dsp_config.h'), dspConfigHeader([{ defines: [...defines] }]));
  const files = [...new Set(sources)].filter((f) => f.endsWith('.c')).map((f) => path.join(cDspDir, f));
  if (extraC) {
    writeFileSync(path.join(dir, 'extra.c'), extraC);
    files.push(path.join(dir, 'extra.c'));
  }
  const objects = files.map((f) => path.join(dir, `${path.basename(f, '.c')}.o`));
  files.forEach((f, i) => execFileSync('arm-none-eabi-gcc', [...flags, `-I${dir}`, `-I${cDspDir}`, '-c', f, '-o', objects[i]!], { stdio: 'pipe' }));
  return { dir, objects };
}

/** Float32 values as stdin bytes. */
export function floatBytes(values: ArrayLike<number>): Uint8Array {
  const f = Float32Array.from(values as ArrayLike<number>);
  return new Uint8Array(f.buffer, f.byteOffset, f.byteLength);
}

/** A program's stdout read back as float32 values. */
export function readFloats(out: Buffer): Float32Array {
  const copy = new Uint8Array(out.byteLength);
  copy.set(out);
  return new Float32Array(copy.buffer, 0, copy.byteLength >> 2);
}
