/**
 * Picks the inference engine for a live session: the model is exported to ONNX and run with
 * ONNX Runtime when that is clearly (20 %) faster per window than Kiln's float engine (and gives
 * the same scores); otherwise the float engine stays. Small dense nets usually stay on the
 * float engine (no per-call overhead); convolutional nets usually go to ONNX Runtime.
 */
import { exportOnnx } from '../export/onnx/onnxExport';
import { OnnxRunner } from '../export/onnx/onnxRunner';
import type { LiveModel } from './liveModel';

export interface EngineChoice {
  engine: string;
  /** median ms per window of each engine (null when ONNX Runtime could not run the model) */
  floatMs: number;
  onnxMs: number | null;
  /** why ONNX Runtime was not used, when it failed */
  note: string | null;
}

const WARMUP = 5;
const RUNS = 30;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function timeRuns(run: (row: Float32Array) => Float32Array | Promise<Float32Array>, row: Float32Array): Promise<number> {
  for (let i = 0; i < WARMUP; i++) await run(row);
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await run(row);
    times.push(performance.now() - t0);
  }
  return median(times);
}

/** Measures both engines on a test row and switches the model's classifier to the faster one. */
export async function chooseEngine(
  model: LiveModel,
  options: { allowOnnx?: boolean; /** tests: take this engine whatever the timings */ force?: 'onnx' | 'float' } = {},
): Promise<EngineChoice> {
  const c = model.classifier;
  if (!c) return { engine: 'anomaly only', floatMs: 0, onnxMs: null, note: null };
  const row = Float32Array.from({ length: c.featureLength }, (_, i) => Math.sin(i * 0.7) * 2);
  const floatRun = c.run;
  const floatMs = await timeRuns(floatRun, row);
  if (options.allowOnnx === false || options.force === 'float') return { engine: c.engine, floatMs, onnxMs: null, note: null };
  let runner: OnnxRunner;
  try {
    runner = await OnnxRunner.create(exportOnnx(c.spec, c.weights), c.featureLength);
  } catch (e) {
    return {
      engine: c.engine,
      floatMs,
      onnxMs: null,
      note: `ONNX Runtime could not run the model (${e instanceof Error ? e.message : String(e)}); using Kiln's float engine.`,
    };
  }
  const onnxRun = (r: Float32Array) => runner.run(r, 1);
  const expected = await floatRun(row);
  const got = await onnxRun(row);
  let diff = got.length === expected.length ? 0 : Infinity;
  for (let i = 0; i < expected.length && diff < Infinity; i++) diff = Math.max(diff, Math.abs(got[i]! - expected[i]!));
  if (!(diff <= 1e-3)) {
    await runner.dispose();
    return {
      engine: c.engine,
      floatMs,
      onnxMs: null,
      note: `ONNX Runtime's scores differ from the float model's by ${diff.toPrecision(2)}; using Kiln's float engine.`,
    };
  }
  const onnxMs = await timeRuns(onnxRun, row);
  if (options.force === 'onnx' || onnxMs < floatMs * 0.8) {
    c.run = onnxRun;
    c.engine = 'onnxruntime float32';
    c.dispose = () => runner.dispose();
  } else {
    await runner.dispose();
  }
  return { engine: c.engine, floatMs, onnxMs, note: null };
}
