import { beforeAll, describe, expect, it } from 'vitest';
import { generateCLibrary, type CLibrary } from '../c/index';
import { spectralLowPass, trainedDemoLibrary, type DemoLibrary } from './demoLibrary';
import { runLibraryHarness, type LibraryRun } from './libraryHarness';
import { ARM_TOOLS, missingToolsMessage } from './tools';

const missing = missingToolsMessage([...ARM_TOOLS, 'gcc']);
if (missing) console.log(`skipping the on-target library tests: ${missing}`);

describe.skipIf(missing !== undefined)('the motion demo library on an emulated Cortex-M4', () => {
  let demo: DemoLibrary;
  let library: CLibrary;
  let m4: LibraryRun;
  const WINDOWS = 24;

  beforeAll(async () => {
    demo = await trainedDemoLibrary({ demo: 'motion', impulse: spectralLowPass, epochs: 5 });
    library = generateCLibrary(demo.input);
    m4 = await runLibraryHarness(library.files, demo.testWindows.slice(0, WINDOWS), { frameSize: demo.frameSize, target: 'cortex-m4' });
  }, 120_000);

  it('gives exactly the host build’s int8 outputs and scores on every window', () => {
    expect(m4.target.int8).toHaveLength(WINDOWS);
    expect(m4.target.int8).toEqual(m4.host!.int8);
    expect(m4.target.scores).toEqual(m4.host!.scores);
    // the split calls (DSP, then network) agree with kiln_run_classifier
    expect(m4.target.splitScores).toEqual(m4.target.scores);
  });

  it('counts DSP and network instructions per classification exactly, the same on every window', () => {
    const { classify, dsp, network } = m4.instructions;
    expect(new Set(network).size).toBe(1);
    // SMLAD's peak is two MACs per instruction
    expect(network[0]!).toBeGreaterThan(demo.macs / 2);
    expect(classify[0]!).toBeGreaterThan(dsp[0]! + network[0]! - 100);
    // counted inside the MAC kernels and their dot-product loops: SMLAD's peak is half an instruction per MAC
    const kernels = Object.entries(m4.kernelInstructions);
    expect(kernels.map(([f]) => f)).toContain('kiln_dense_s8');
    const inKernels = kernels.reduce((n, [, c]) => n + c, 0);
    const inLoops = kernels.filter(([f]) => f.startsWith('kiln_dot')).reduce((n, [, c]) => n + c, 0);
    expect(inKernels).toBeGreaterThan(demo.kernelMacs / 2);
    expect(inKernels).toBeLessThan(network[0]!);
    expect(inLoops).toBeLessThan(inKernels);
    console.log(
      `int8 kernels: ${inKernels} instructions for ${demo.kernelMacs} MACs (${(inKernels / demo.kernelMacs).toFixed(2)} per MAC; dot-product loops ${(inLoops / demo.kernelMacs).toFixed(2)})`,
    );
    console.log(
      `motion (spectral, 6th-order low-pass) int8 on Cortex-M4: ${classify[0]} instructions per classification, DSP ${dsp[0]}, network ${network[0]} (${(network[0]! / demo.macs).toFixed(2)} per MAC, ${demo.macs} MACs)`,
    );
  });

  it('splits flash and RAM into library code, weights and arena, with no heap', () => {
    const { flash, ram } = m4.memory;
    expect(flash.byCategory.weights).toBeGreaterThanOrEqual(library.summary.weightBytes);
    expect(ram.byCategory.arena).toBe(library.summary.arenaBytes);
    expect(flash.byCategory.code).toBeGreaterThan(500);
    expect(m4.libraryUsesHeap).toBe(false);
    expect(m4.stackBytes).toBeGreaterThan(0);
    expect(m4.stackBytes).toBeLessThan(4096);
    console.log(
      `motion (spectral, 6th-order low-pass) int8 memory: flash ${JSON.stringify(flash.byCategory)}, RAM ${JSON.stringify(ram.byCategory)}, stack ${m4.stackBytes} B`,
    );
  });

  it('gives the float32 library’s scores within 1e-5 of the host build (newlib’s libm against glibc’s)', async () => {
    const float = generateCLibrary({ ...demo.input, precision: 'float32' });
    const run = await runLibraryHarness(float.files, demo.testWindows.slice(0, 8), { frameSize: demo.frameSize, target: 'cortex-m4' });
    expect(run.target.scores).toHaveLength(8);
    run.target.scores.forEach((scores, w) => scores.forEach((v, i) => expect(Math.abs(v - run.host!.scores[w]![i]!)).toBeLessThan(1e-5)));
  });

  it('gives the same outputs on a Cortex-M0+ (portable C kernels, soft float)', async () => {
    const m0 = await runLibraryHarness(library.files, demo.testWindows.slice(0, 4), { frameSize: demo.frameSize, target: 'cortex-m0plus', skipHost: true });
    expect(m0.target.int8).toEqual(m4.host!.int8.slice(0, 4));
    expect(m0.target.scores).toEqual(m4.host!.scores.slice(0, 4));
  });
});
