/**
 * Inference time per window: Kiln's float engine, tfjs (tfjs-node when installed, else the cpu
 * backend), onnxruntime-node on the exported ONNX model, and Kiln's integer-only int8 engine.
 * Prints one JSON object. Run: npx tsx bench/inference.ts
 *
 * (a) dense 20 → 10 on 33 features   (b) default MFCC conv1d stack on 49 × 13
 * (c) default conv2d stack on 48 × 48 × 1. Weights are random (speed does not depend on them).
 */
import { defaultSpec } from '../src/shared/model/defaults.js';
import { quantizeModel, runInt8 } from '../src/shared/model/int8.js';
import { lowerFloat } from '../src/shared/model/lowerFloat.js';
import { createRng } from '../src/shared/model/random.js';
import type { ModelSpec, OutputHead } from '../src/shared/model/spec.js';
import { exportOnnx } from '../src/main/export/onnx/onnxExport.js';
import { OnnxRunner } from '../src/main/export/onnx/onnxRunner.js';
import { loadTf } from '../src/main/training/backend.js';
import { exportWeights } from '../src/main/training/network.js';
import { buildTfModel } from '../src/main/training/tfModel.js';
import { buildModel, predict } from '../src/main/training/trainer.js';

const CASES: { name: string; spec: ModelSpec; rows: number }[] = [
  { name: 'dense-33', spec: defaultSpec({ kind: 'flat', length: 33 }), rows: 2000 },
  { name: 'conv1d-mfcc-49x13', spec: defaultSpec({ kind: 'spectrogram', frames: 49, coefficients: 13 }), rows: 400 },
  { name: 'conv2d-48x48x1', spec: defaultSpec({ kind: 'image', width: 48, height: 48, channels: 1 }), rows: 60 },
];

function usPerRow(ms: number, rows: number): number {
  return +((ms * 1000) / rows).toFixed(2);
}

async function timeIt(fn: () => unknown | Promise<unknown>, rows: number): Promise<number> {
  await fn(); // warm-up
  const t0 = performance.now();
  await fn();
  return usPerRow(performance.now() - t0, rows);
}

const head: OutputHead = { kind: 'classification', classes: 4 };
const results: Record<string, unknown> = {};
const { tf, backend } = await loadTf();
for (const c of CASES) {
  const len = c.spec.inputShape.reduce((a, b) => a * b, 1);
  const rng = createRng(7);
  const features = Float32Array.from({ length: c.rows * len }, () => rng.normal());
  const weights = exportWeights(buildModel(c.spec, head, 3));
  const kiln = await timeIt(() => predict(weights, c.spec, features), c.rows);
  const onnx = await OnnxRunner.create(exportOnnx(c.spec, weights), len);
  const ort = await timeIt(() => onnx.run(features, 256), c.rows);
  await onnx.dispose();
  const int8 = quantizeModel(lowerFloat(c.spec, head, weights), features.subarray(0, Math.min(c.rows, 200) * len));
  const int8Rows = Math.min(c.rows, 200);
  const int8Us = await timeIt(() => runInt8(int8, features.subarray(0, int8Rows * len)), int8Rows);
  const model = buildTfModel(tf, c.spec, head, { weights, softmax: true });
  const x = tf.tensor2d(features, [c.rows, len]);
  const tfjs = await timeIt(async () => {
    const y = model.predict(x) as import('@tensorflow/tfjs').Tensor;
    await y.data();
    y.dispose();
  }, c.rows);
  x.dispose();
  results[c.name] = { rows: c.rows, usPerWindow: { kilnFloat32: kiln, onnxruntime: ort, int8Reference: int8Us, tfjs } };
}
process.stdout.write(JSON.stringify({ bench: 'inference', tfjsBackend: backend.name, threads: 1, results }, null, 2) + '\n');
