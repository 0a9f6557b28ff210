// Loads the DSP conformance vectors from ../shared (never copied into the project) and checks
// outputs against the tolerance stated in their README.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export interface ConformanceCase {
  name: string;
  params: Record<string, number | boolean | string>;
  input: { axes?: string[]; frequency_hz?: number; values: number[]; width?: number; height?: number };
  output: {
    features: number[];
    output_config: { type: string; shape: Record<string, number> };
    labels?: string[];
  };
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..', 'shared/conformance/dsp');

export function conformanceDir(): string {
  return process.env.KILN_CONFORMANCE_DIR ?? root;
}

export function loadConformance(block: string): ConformanceCase[] {
  const file = path.join(conformanceDir(), `${block}.json`);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { block: string; cases: ConformanceCase[] };
  return doc.cases;
}

export interface ToleranceReport {
  ok: boolean;
  message: string;
}

/**
 * README rule: ≥ 99.5 % of features within 1e-3·scale + 1e-3·|expected|, and every feature
 * within 0.02·scale. For quantised outputs (MFE, spectrogram), a one-step (1/256) difference
 * on at most 1 % of features is allowed on top.
 */
export function checkTolerance(actual: ArrayLike<number>, expected: number[], quantised = false): ToleranceReport {
  if (actual.length !== expected.length) {
    return { ok: false, message: `length ${actual.length}, expected ${expected.length}` };
  }
  let scale = 0;
  for (const e of expected) scale = Math.max(scale, Math.abs(e));
  let close = 0;
  let worst = 0;
  let worstAt = -1;
  let stepDiffs = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i]!;
    const e = expected[i]!;
    const d = Math.abs(a - e);
    if (!Number.isFinite(a)) return { ok: false, message: `feature ${i} is ${a}, expected ${e}` };
    if (d <= 1e-3 * scale + 1e-3 * Math.abs(e)) close++;
    else if (quantised && d <= 1 / 256 + 1e-6) stepDiffs++;
    if (d > worst) {
      worst = d;
      worstAt = i;
    }
  }
  const n = expected.length;
  const fracClose = (close + stepDiffs) / n;
  const okClose = quantised ? close / n >= 0.995 - 0.01 && stepDiffs <= 0.01 * n : close / n >= 0.995;
  const okWorst = worst <= 0.02 * scale || (quantised && worst <= 1 / 256 + 1e-6);
  return {
    ok: okClose && okWorst,
    message: `${(fracClose * 100).toFixed(2)}% close, worst |Δ|=${worst.toExponential(3)} at ${worstAt} (actual ${actual[worstAt]}, expected ${expected[worstAt]}), scale ${scale}`,
  };
}
