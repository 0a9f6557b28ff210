/**
 * Test support for the time-series and image DSP planners: one host program holding many
 * planned blocks with their inputs as const data, compiled once with gcc (cHostTestKit's flags),
 * printing each block's status and features.
 */
import { buildHostProgram } from './cHostTestKit.js';
import { cArray, cFloat } from './cSource.js';
import type { DspBlockPlan } from './plan.js';

export interface CDspCase {
  plan: DspBlockPlan;
  input: ArrayLike<number>;
}

export interface CDspResult {
  status: number;
  features: number[];
}

/** Input samples may be NaN or infinite (to test the blocks' refusals). */
function inputLiteral(v: number): string {
  if (Number.isNaN(v)) return 'NAN';
  if (!Number.isFinite(v)) return v > 0 ? 'INFINITY' : '-INFINITY';
  return cFloat(v);
}

/** The C program: every case's config and input, then one call per case printing its features. */
export function cDspProgram(cases: readonly CDspCase[]): string {
  const headers = new Set<string>();
  for (const c of cases) for (const f of c.plan.sources) if (f.endsWith('.h')) headers.add(f);
  let body = '';
  const buffers: string[] = [];
  cases.forEach((c, i) => {
    // exactly the planned sizes, so a sanitizer build catches a block writing past them
    buffers.push(`static float case${i}_output[${Math.max(1, c.plan.outputLength)}];`);
    if (c.plan.scratchFloats > 0) buffers.push(`static float case${i}_scratch[${c.plan.scratchFloats}];`);
    body += `    status = ${c.plan.call(`case${i}_input`, `case${i}_output`, c.plan.scratchFloats > 0 ? `case${i}_scratch` : 'NULL')};\n`;
    body += `    print_case(${i}, status, case${i}_output, ${c.plan.outputLength}u);\n`;
  });
  return [
    '#include <math.h>',
    '#include <stdio.h>',
    ...[...headers].sort().map((h) => `#include "${h}"`),
    '',
    ...cases.map((c, i) => `${c.plan.configDecl}${cArray('float', `case${i}_input`, Array.from(c.input, inputLiteral))}\n`),
    ...buffers,
    '',
    'static void print_case(int index, int status, const float *output, unsigned length)',
    '{',
    '    unsigned i;',
    '    printf("case %d %d", index, status);',
    '    for (i = 0; i < length; i++) printf(" %.9g", (double)output[i]);',
    '    printf("\\n");',
    '}',
    '',
    'int main(void)',
    '{',
    '    int status;',
    body + '    return 0;',
    '}',
    '',
  ].join('\n');
}

/** Compiles the cases into one program with host gcc, runs it and parses its output. */
export function runCDsp(cases: readonly CDspCase[]): CDspResult[] {
  const program = buildHostProgram({
    sources: cases.flatMap((c) => c.plan.sources),
    defines: [...new Set(cases.flatMap((c) => c.plan.defines))],
    main: cDspProgram(cases),
  });
  try {
    const text = program.run(new Uint8Array(0)).toString('utf8');
    const results: CDspResult[] = [];
    for (const line of text.trim().split('\n')) {
      const [tag, index, status, ...values] = line.split(' ');
      if (tag !== 'case' || Number(index) !== results.length) throw new Error(`unexpected output line: ${line.slice(0, 80)}`);
      results.push({ status: Number(status), features: values.map(Number) });
    }
    if (results.length !== cases.length) throw new Error(`program printed ${results.length} of ${cases.length} cases`);
    return results;
  } finally {
    program.dispose();
  }
}

/** Largest |a − e| and the same relative to the largest |e| (a case's "scale"). */
export function deviation(actual: ArrayLike<number>, expected: ArrayLike<number>): { abs: number; rel: number } {
  let abs = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    abs = Math.max(abs, Math.abs(actual[i]! - expected[i]!));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return { abs, rel: scale > 0 ? abs / scale : abs };
}
