import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKilnError } from '../../../shared/errors';
import {
  ARM_TOOLS,
  compileHost,
  crossCompile,
  execTool,
  FILL,
  MARK_OVERHEAD,
  memoryReport,
  missingToolsMessage,
  parseHarnessOutput,
  parseMapFile,
  parseSizeSysv,
  regionCounts,
  requireTools,
  runOnQemu,
} from './index';

// A toy program: an int8 dot product in plain C and with the Cortex-M4's SXTB16/SMLAD through
// ACLE intrinsics, bracketed by markers, plus a hand-written loop whose length is known exactly.
const TOY = String.raw`
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include "kiln_harness.h"
#if defined(__ARM_FEATURE_SIMD32)
#include <arm_acle.h>
#endif
#define N 256
static int8_t a[N], b[N];
__attribute__((noipa)) int32_t dot_plain(const int8_t *x, const int8_t *y, int n) {
  int32_t s = 0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}
__attribute__((noipa)) int32_t dot_simd(const int8_t *x, const int8_t *y, int n) {
#if defined(__ARM_FEATURE_SIMD32)
  int32_t s = 0;
  for (int i = 0; i < n; i += 4) {
    int32_t xa, ya;
    memcpy(&xa, x + i, 4);
    memcpy(&ya, y + i, 4);
    int32_t xr = (int32_t)((uint32_t)xa >> 8 | (uint32_t)xa << 24), yr = (int32_t)((uint32_t)ya >> 8 | (uint32_t)ya << 24);
    s = __smlad(__sxtb16(xa), __sxtb16(ya), s);
    s = __smlad(__sxtb16(xr), __sxtb16(yr), s);
  }
  return s;
#else
  return dot_plain(x, y, n);
#endif
}
int main(void) {
  for (int i = 0; i < N; i++) { a[i] = (int8_t)(i * 37 - 100); b[i] = (int8_t)(77 - i * 13); }
  kiln_stack_paint();
  kiln_mark();
#if defined(__arm__)
  /* exactly 1 + 2 x 1000 instructions, then the closing mark */
  __asm volatile(".syntax unified\n movs r0, #250\n lsls r0, r0, #2\n1: subs r0, #1\n bne 1b\n bl kiln_mark" ::: "r0", "r1", "r2", "r3", "r12", "lr", "cc", "memory");
#else
  kiln_mark();
#endif
  int32_t p = dot_plain(a, b, N);
  kiln_mark();
  int32_t q = dot_simd(a, b, N);
  kiln_mark();
  kiln_report_stack(kiln_stack_used());
  printf("kiln-row dot %ld %ld\n", (long)p, (long)q);
  return p == q ? 0 : 1;
}
`;

describe('finding the tools', () => {
  it('names every missing tool and the Debian packages that provide it', () => {
    const message = missingToolsMessage(ARM_TOOLS, '/nonexistent');
    expect(message).toContain('arm-none-eabi-gcc');
    expect(message).toContain('qemu-system-arm');
    expect(message).toContain('apt-get install --no-install-recommends gcc-arm-none-eabi libnewlib-arm-none-eabi');
    let error: unknown;
    try {
      requireTools(['qemu-system-arm'], '/nonexistent');
    } catch (e) {
      error = e;
    }
    expect(isKilnError(error) && error.code === 'UNSUPPORTED').toBe(true);
  });
});

const missing = missingToolsMessage([...ARM_TOOLS, 'gcc']);
if (missing) console.log(`skipping the Cortex-M toolchain tests: ${missing}`);

describe.skipIf(missing !== undefined)('a toy program on an emulated Cortex-M', () => {
  let dir = '';
  let src = { root: '', files: ['toy.c'] };
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-toolchain-'));
    writeFileSync(path.join(dir, 'toy.c'), TOY);
    src = { root: dir, files: ['toy.c'] };
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('counts instructions exactly and repeatably under QEMU, per marked region', async () => {
    const build = await crossCompile(src, { target: 'cortex-m4', outDir: path.join(dir, 'm4') });
    const first = await runOnQemu(build.elf, { target: 'cortex-m4', countInstructions: true, countFunctions: ['dot_plain', 'not_linked'] });
    const second = await runOnQemu(build.elf, { target: 'cortex-m4', countInstructions: true });
    expect(first.exitCode).toBe(0);
    expect(second.instructions).toBe(first.instructions);
    expect(second.marks).toEqual(first.marks);
    const [loop, plain, simd] = regionCounts(first.marks!);
    // movs + lsls + 1000 × (subs, bne) + the mark's overhead
    expect(loop).toBe(2 + 2000 + MARK_OVERHEAD);
    const out = parseHarnessOutput(first.stdout);
    const [p, q] = out.rows.get('dot')![0]!;
    expect(q).toBe(p);
    // SMLAD does two MACs per instruction: fewer instructions than plain C for 256 MACs
    expect(simd!).toBeLessThan(plain!);
    // inside dot_plain alone: the region minus the few call and setup instructions around it
    const inside = first.functionInstructions!.dot_plain!;
    expect(inside).toBeLessThan(plain!);
    expect(inside).toBeGreaterThan(plain! - 12);
    expect(first.functionInstructions).not.toHaveProperty('not_linked');
    expect(out.stackBytes).toBeGreaterThan(0);
    expect(out.stackBytes).toBeLessThan(256);
    console.log(`toy dot product, 256 MACs on Cortex-M4 -Os: plain C ${plain} instructions, SMLAD ${simd}`);
  });

  it('gives the host build’s answer on a Cortex-M0+ (no DSP extension, no FPU), run on mps2-an385', async () => {
    const host = await compileHost(src, { out: path.join(dir, 'toy-host'), withHarness: true });
    const onHost = parseHarnessOutput((await execTool(host, [])).stdout).rows.get('dot');
    const build = await crossCompile(src, { target: 'cortex-m0plus', outDir: path.join(dir, 'm0') });
    const run = await runOnQemu(build.elf, { target: 'cortex-m0plus', countInstructions: true });
    expect(run.exitCode).toBe(0);
    expect(parseHarnessOutput(run.stdout).rows.get('dot')).toEqual(onHost);
    // without SIMD32 the "simd" path is the plain one: the two regions differ only by one call
    const [loop, plain, simd] = regionCounts(run.marks!);
    expect(loop).toBe(2 + 2000 + MARK_OVERHEAD);
    expect(Math.abs(simd! - plain!)).toBeLessThan(10);
  });

  it('splits flash and RAM by object file from the map, matching arm-none-eabi-size', async () => {
    const build = await crossCompile(src, { target: 'cortex-m4', outDir: path.join(dir, 'm4map'), name: 'toy' });
    const map = parseMapFile(readFileSync(build.map, 'utf8'));
    const report = memoryReport(map, (object) =>
      object === FILL ? 'padding' : (build.objects.get(object)?.startsWith('harness/') ?? true) ? 'harness' : 'program',
    );
    const { stdout } = await execTool(requireTools(['arm-none-eabi-size'])['arm-none-eabi-size'], ['-A', build.elf]);
    const sizes = parseSizeSysv(stdout);
    const flashSections = ['.text', '.rodata', '.ARM.exidx', '.data'].reduce((s, k) => s + (sizes[k] ?? 0), 0);
    expect(report.flash.total).toBe(flashSections);
    expect(report.ram.total).toBe((sizes['.data'] ?? 0) + (sizes['.bss'] ?? 0));
    // the toy's own code and its two 256-byte arrays; printf and stdio belong to the harness
    expect(report.flash.byCategory.program).toBeGreaterThan(100);
    expect(report.ram.byCategory.program).toBe(512);
    expect(report.flash.byCategory.harness).toBeGreaterThan(report.flash.byCategory.program!);
  });
});
