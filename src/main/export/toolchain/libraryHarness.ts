/**
 * Runs an exported C library on windows of raw values, built for the host and for a Cortex-M
 * core under QEMU, through the same harness main: per-window outputs of both builds, exact
 * instruction counts (whole classification, DSP, network), flash and RAM split into library
 * code, weights, DSP and arena, and the stack high-water mark.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { KilnError } from '../../../shared/errors';
import { compileHost, crossCompile, HOST_CFLAGS, type CSources } from './compile';
import { execTool } from './exec';
import { parseHarnessOutput } from './harnessOutput';
import { FILL, memoryReport, parseMapFile, rootObject, type InputSection, type MemoryReport, type ParsedMap } from './memoryMap';
import { regionCounts, runOnQemu, symbolTable } from './qemu';
import { harnessDir } from './resources';
import type { CortexTargetId } from './targets';

/** what one build printed for every window */
export interface WindowOutputs {
  /** int8 network outputs (int8 libraries only) */
  int8: number[][];
  /** per-label scores of kiln_run_classifier */
  scores: Float32Array[];
  /** the same from kiln_impulse_dsp + kiln_classify_features */
  splitScores: Float32Array[];
  anomaly: number[];
  features: Float32Array[];
}

export interface InstructionFigures {
  /** kiln_run_classifier: DSP, network and anomaly together, per window */
  classify: number[];
  /** kiln_impulse_dsp alone, per window */
  dsp: number[];
  /** kiln_classify_features alone (network + anomaly block), per window */
  network: number[];
}

export type MemoryCategory = 'code' | 'weights' | 'dsp' | 'arena' | 'data' | 'harness' | 'padding';

export interface LibraryRun {
  /** null when the host build was skipped */
  host: WindowOutputs | null;
  target: WindowOutputs;
  instructions: InstructionFigures;
  memory: MemoryReport;
  /** bytes of stack the library calls used at most (kiln_run_classifier and the split calls) */
  stackBytes: number;
  /** true when the library (not the harness) pulls malloc in */
  libraryUsesHeap: boolean;
  /** instructions executed inside each int8 MAC kernel and dot-product function per network inference (those linked in) */
  kernelInstructions: Record<string, number>;
}

/** the int8 MAC kernels and their dot-product inner loops (kiln_dot*), counted per function */
export const MAC_KERNEL_PATTERN = /^kiln_(dense_s8|conv_s8|dot\w*)$/;

/** library sources that are not part of the library proper (the example program) */
function isLibrarySource(file: string): boolean {
  return file.endsWith('.c') && !/(^|\/)(examples?\/|main\.c$)/.test(file);
}

/** memory category of an input section of one of the program's objects, by library path and section name */
export function libraryCategory(source: string | undefined, section: InputSection): MemoryCategory {
  if (section.file === FILL) return 'padding';
  if (source === undefined || source.startsWith('harness/')) return 'harness';
  if (/arena/i.test(section.name)) return 'arena';
  if (/(^|\/)dsp\//.test(source)) return 'dsp';
  // the generated model's constants are the weights, biases and requantization tables
  if (/(^|\/)kiln_model\.c$/.test(source) && section.output === '.rodata') return 'weights';
  if (section.output === '.bss' || section.output === '.data') return 'data';
  return 'code';
}

function windowsSource(windows: readonly Float32Array[], frameSize: number): string {
  const rows = windows.map((w, i) => {
    if (w.length !== frameSize) throw new KilnError('BAD_DATA', `window ${i} has ${w.length} values; the library expects ${frameSize}`);
    return `  {${Array.from(new Uint32Array(w.buffer, w.byteOffset, w.length), (u) => `0x${u.toString(16)}u`).join(',')}}`;
  });
  return [
    '/* windows for the Kiln test harness, as IEEE-754 bit patterns (generated) */',
    '#include <stdint.h>',
    `const uint32_t kiln_harness_window_count = ${windows.length};`,
    `const uint32_t kiln_harness_windows[${windows.length}][${frameSize}] = {`,
    rows.join(',\n'),
    '};',
    '',
  ].join('\n');
}

function bitsToFloats(row: readonly number[]): Float32Array {
  return new Float32Array(Uint32Array.from(row).buffer);
}

function outputsOf(stdout: string): WindowOutputs {
  const error = /kiln-error (\d+) (-?\d+) (-?\d+) (-?\d+)/.exec(stdout);
  if (error)
    throw new KilnError('INTERNAL', `window ${error[1]}: kiln_run_classifier ${error[2]}, kiln_impulse_dsp ${error[3]}, kiln_classify_features ${error[4]}`);
  const rows = parseHarnessOutput(stdout).rows;
  const strip = (tag: string) => (rows.get(tag) ?? []).map((r) => r.slice(1));
  return {
    int8: strip('int8'),
    scores: strip('scores').map(bitsToFloats),
    splitScores: strip('split-scores').map(bitsToFloats),
    anomaly: strip('anomaly').map((r) => bitsToFloats(r)[0]!),
    features: strip('features').map(bitsToFloats),
  };
}

/** true when an allocator from libc was linked in because of a library object (not the harness's stdio) */
function usesHeap(map: ParsedMap, sourceOf: (object: string) => string | undefined): boolean {
  return map.sections.some((s) => /malloc/i.test(s.file) && libraryCategory(sourceOf(rootObject(s.file, map.pulledInBy)), s) !== 'harness');
}

/**
 * Builds the library with the harness main for the host and for `target`, runs both on the
 * windows (each `frameSize` raw values, interleaved axes) and returns both outputs and the
 * target's figures. Builds in a temporary folder removed afterwards (unless `keep`), or in `workDir`, which is kept.
 */
export async function runLibraryHarness(
  files: ReadonlyMap<string, string | Uint8Array>,
  windows: readonly Float32Array[],
  opts: { frameSize: number; target?: CortexTargetId; workDir?: string; keep?: boolean; timeoutMs?: number; skipHost?: boolean },
): Promise<LibraryRun> {
  const target = opts.target ?? 'cortex-m4';
  const dir = opts.workDir ?? mkdtempSync(path.join(os.tmpdir(), 'kiln-library-run-'));
  try {
    const libDir = path.join(dir, 'library');
    for (const [rel, content] of files) {
      const file = path.join(libDir, rel);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, content);
    }
    writeFileSync(path.join(libDir, 'kiln_harness_windows.c'), windowsSource(windows, opts.frameSize));
    const libraryFiles = [...files.keys()].filter(isLibrarySource);
    const includeDirs = [...new Set([...files.keys()].filter((f) => f.endsWith('.h')).map((f) => path.dirname(f)))];
    const src: CSources = { root: libDir, files: [...libraryFiles, 'kiln_harness_windows.c', path.join(harnessDir(), 'kiln_harness_main.c')], includeDirs };

    let host: WindowOutputs | null = null;
    if (!opts.skipHost) {
      const exe = await compileHost(src, { out: path.join(dir, 'host', 'harness'), withHarness: true, cflags: [...HOST_CFLAGS, '-ffp-contract=off'] });
      host = outputsOf((await execTool(exe, [], { timeoutMs: opts.timeoutMs ?? 60_000 })).stdout);
    }

    const build = await crossCompile(src, { target, outDir: path.join(dir, target), name: 'harness' });
    const kernels = [...(await symbolTable(build.elf)).keys()].filter((name) => MAC_KERNEL_PATTERN.test(name));
    const run = await runOnQemu(build.elf, { target, countInstructions: true, countFunctions: kernels, timeoutMs: opts.timeoutMs ?? 60_000 });
    if (run.exitCode !== 0) throw new KilnError('INTERNAL', `the ${target} harness exited with ${run.exitCode}:\n${run.stdout.slice(-1000)}`);
    const targetOut = outputsOf(run.stdout);
    // four marks per window: classify | dsp | network
    const regions = regionCounts(run.marks!);
    const instructions: InstructionFigures = { classify: [], dsp: [], network: [] };
    for (let w = 0; w < windows.length; w++) {
      instructions.classify.push(regions[w * 4]!);
      instructions.dsp.push(regions[w * 4 + 1]!);
      instructions.network.push(regions[w * 4 + 2]!);
    }
    const map = parseMapFile(readFileSync(build.map, 'utf8'));
    const sourceOf = (object: string) => {
      const s = build.objects.get(object);
      // the windows and the harness main are harness data, not library
      return s === 'kiln_harness_windows.c' || s?.endsWith('kiln_harness_main.c') ? 'harness/' + s : s;
    };
    return {
      host,
      target: targetOut,
      instructions,
      memory: memoryReport(map, (object, section) => libraryCategory(sourceOf(object), section)),
      stackBytes: parseHarnessOutput(run.stdout).stackBytes ?? 0,
      libraryUsesHeap: usesHeap(map, sourceOf),
      // the network runs twice per window: inside kiln_run_classifier and in kiln_classify_features
      kernelInstructions: Object.fromEntries(Object.entries(run.functionInstructions ?? {}).map(([f, n]) => [f, n / (2 * windows.length)])),
    };
  } finally {
    if (!opts.keep && !opts.workDir) rmSync(dir, { recursive: true, force: true });
  }
}
