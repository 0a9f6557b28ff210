import { describe, expect, it } from 'vitest';
import type { FloatModel } from './floatModel';
import { runFloatModel } from './floatRunner';
import { dequantize, int8FromJson, int8ToJson, quantize, quantizeInput, quantizeModel, quantParamsFor, runInt8, runInt8Raw } from './int8';
import type { Int8Model } from './int8Model';
import { lowerFloat, type TensorLike } from './lowerFloat';
import { createRng } from './random';
import { analyzeSpec } from './shapes';
import { layerNames, OUTPUT_LAYER_NAME, parseModelSpec, type ModelSpecInput, type OutputHead } from './spec';

/** Random Keras-layout weights for every layer of a spec (batch norm with non-trivial statistics). */
function randomTensors(specInput: ModelSpecInput, head: OutputHead, seed: number): TensorLike[] {
  const spec = parseModelSpec(specInput);
  const a = analyzeSpec(spec, head);
  if (!a.ok) throw new Error(a.message);
  const rng = createRng(seed);
  const names = [...layerNames(spec.layers), OUTPUT_LAYER_NAME];
  const out: TensorLike[] = [];
  const t = (layer: string, name: string, n: number, f: () => number) => out.push({ layer, name, shape: [n], values: Float32Array.from({ length: n }, f) });
  [...spec.layers, null].forEach((l, i) => {
    const info = a.layers[i]!;
    const inSize = info.inputShape.reduce((x, y) => x * y, 1);
    if (l === null || l.type === 'dense') {
      const units = info.outputShape[0]!;
      t(names[i]!, 'kernel', inSize * units, () => rng.normal() / Math.sqrt(inSize));
      t(names[i]!, 'bias', units, () => 0.1 * rng.normal());
    } else if (l.type === 'conv1d' || l.type === 'conv2d') {
      const c = info.inputShape[info.inputShape.length - 1]!;
      const k = l.type === 'conv1d' ? l.kernelSize : l.kernelSize * l.kernelSize;
      t(names[i]!, 'kernel', k * c * l.filters, () => rng.normal() / Math.sqrt(k * c));
      t(names[i]!, 'bias', l.filters, () => 0.1 * rng.normal());
    } else if (l.type === 'batchNorm') {
      const c = info.inputShape[info.inputShape.length - 1]!;
      t(names[i]!, 'gamma', c, () => 0.5 + rng.next());
      t(names[i]!, 'beta', c, () => 0.2 * rng.normal());
      t(names[i]!, 'moving_mean', c, () => 0.3 * rng.normal());
      t(names[i]!, 'moving_variance', c, () => 0.5 + rng.next());
    }
  });
  return out;
}

function rows(n: number, len: number, seed: number, spread = 1): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * len }, (_, i) => spread * rng.normal() * (1 + (i % len) / len));
}

/** Every number an int8 program holds at run time, apart from the input/output quantization it reports. */
function runtimeNumbers(m: Int8Model): number[] {
  const nums: number[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'number') nums.push(v);
    else if (ArrayBuffer.isView(v)) {
      expect(v instanceof Int8Array || v instanceof Int32Array).toBe(true);
      nums.push(...Array.from(v as Int8Array));
    } else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(m.ops);
  return nums;
}

const everyOp: ModelSpecInput = {
  inputShape: [48],
  layers: [
    { type: 'reshape', targetShape: [12, 4] },
    { type: 'conv1d', filters: 6, kernelSize: 3, activation: 'linear' },
    { type: 'batchNorm' }, // folded into the linear conv
    { type: 'conv1d', filters: 5, kernelSize: 3, strides: 2, padding: 'valid', activation: 'relu6' },
    { type: 'batchNorm' }, // after relu6: a per-channel affine op
    { type: 'maxPool1d', poolSize: 2 },
    { type: 'reshape', targetShape: [1, 3, 5] },
    { type: 'conv2d', filters: 4, kernelSize: 2, activation: 'tanh' },
    { type: 'avgPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dropout', rate: 0.3 },
    { type: 'dense', units: 7, activation: 'sigmoid' },
    { type: 'dense', units: 6, activation: 'relu' },
  ],
};

describe('int8 quantization', () => {
  it('maps the calibration range onto -128…127 with an exact zero', () => {
    const q = quantParamsFor({ min: -1, max: 3 });
    expect(quantize(-1, q)).toBe(-128);
    expect(quantize(3, q)).toBe(127);
    expect(dequantize(quantize(0, q), q)).toBe(0);
    expect(quantize(100, q)).toBe(127);
    expect(quantize(-100, q)).toBe(-128);
    // a range that excludes 0 is widened to include it (zero padding must be exact)
    const pos = quantParamsFor({ min: 2, max: 4 });
    expect(dequantize(quantize(0, pos), pos)).toBe(0);
    expect(() => quantParamsFor({ min: NaN, max: 1 })).toThrow(/not finite/);
  });

  it('lowers every layer kind, folds only the batch norm that follows a linear layer, and stays close to float', () => {
    const head: OutputHead = { kind: 'classification', classes: 3 };
    const f = lowerFloat(parseModelSpec(everyOp), head, { tensors: randomTensors(everyOp, head, 5) });
    expect(f.ops.map((o) => o.op)).toEqual([
      'conv',
      'conv',
      'channelAffine',
      'maxPool',
      'conv',
      'activation',
      'avgPool',
      'dense',
      'activation',
      'dense',
      'dense',
      'softmax',
    ]);
    const cal = rows(200, 48, 1);
    const m = quantizeModel(f, cal);
    expect(m.ops.map((o) => o.op)).toEqual(['conv', 'conv', 'channelAffine', 'maxPool', 'conv', 'lut', 'avgPool', 'dense', 'lut', 'dense', 'dense', 'softmax']);
    // integers only between the quantized input and the quantized output
    expect(runtimeNumbers(m).every(Number.isInteger)).toBe(true);
    const test = rows(100, 48, 2);
    const fp = runFloatModel(f, test);
    const q8 = runInt8(m, test);
    let agree = 0;
    let maxDiff = 0;
    for (let r = 0; r < 100; r++) {
      const arg = (v: Float32Array) => [0, 1, 2].reduce((b, k) => (v[r * 3 + k]! > v[r * 3 + b]! ? k : b), 0);
      if (arg(fp) === arg(q8)) agree++;
      for (let k = 0; k < 3; k++) maxDiff = Math.max(maxDiff, Math.abs(fp[r * 3 + k]! - q8[r * 3 + k]!));
    }
    expect(agree).toBeGreaterThanOrEqual(90);
    expect(maxDiff).toBeLessThan(0.2);
    // softmax output: probabilities in steps of 1/256 that sum to about 1
    for (let r = 0; r < 100; r++) expect(Math.abs(q8[r * 3]! + q8[r * 3 + 1]! + q8[r * 3 + 2]! - 1)).toBeLessThanOrEqual(3 / 256);
  });

  it('survives JSON storage bit for bit and refuses a model stored by the old float-requantizing engine', () => {
    const head: OutputHead = { kind: 'classification', classes: 3 };
    const m = quantizeModel(lowerFloat(parseModelSpec(everyOp), head, { tensors: randomTensors(everyOp, head, 6) }), rows(50, 48, 3));
    const xq = new Int8Array(20 * 48);
    const test = rows(20, 48, 4);
    for (let r = 0; r < 20; r++) quantizeInput(m, test, r, xq.subarray(r * 48, (r + 1) * 48));
    const back = int8FromJson(JSON.parse(JSON.stringify(int8ToJson(m))));
    expect(Array.from(runInt8Raw(back, xq))).toEqual(Array.from(runInt8Raw(m, xq)));
    expect(() => int8FromJson({ head, inSize: 48, layers: [] })).toThrow(/format 1 .*train the model again/);
    expect(() => runInt8(m, new Float32Array(47))).toThrow(/not a whole number of rows of 48/);
  });

  it('quantizes the input in float32 with floor(v + 0.5), after the feature scaling', () => {
    const head: OutputHead = { kind: 'regression' };
    const f = lowerFloat(parseModelSpec({ inputShape: [3], layers: [] }), head, {
      tensors: [
        { layer: 'output', name: 'kernel', shape: [3, 1], values: [0.5, -0.25, 1] },
        { layer: 'output', name: 'bias', shape: [1], values: [0.1] },
      ],
    });
    const m = quantizeModel(f, Float32Array.from([-1, 0, 1, 1.55, -2, 0.5]));
    // hand-set an input scale of exactly 1/2 with zero point 0: v = 2x, then floor(v + 0.5)
    const exact: Int8Model = { ...m, input: { scale: 0.5, zeroPoint: 0 }, inputInvScale: 2 };
    // 1.25 → 2.5 → 3 (half up); -1.25 → -2.5 → -2 (half up, not away from zero); 100 saturates
    expect(Array.from(quantizeInput(exact, Float32Array.from([1.25, -1.25, 100])))).toEqual([3, -2, 127]);
    const scaled: Int8Model = { ...exact, scaling: { mean: Float32Array.from([1, 1, 1]), invStd: Float32Array.from([2, 2, 2]) } };
    // (x − 1)·2 first: 1.625 → 1.25 → 2.5 → 3
    expect(Array.from(quantizeInput(scaled, Float32Array.from([1.625, 1, -100])))).toEqual([3, 0, -128]);
  });

  it('runs pooling, clamps and softmax exactly as docs/int8.md writes them', () => {
    const g = { h: 1, w: 4, c: 1, kh: 1, kw: 2, sh: 1, sw: 2, oh: 1, ow: 2, padTop: 0, padLeft: 0 };
    const base = {
      version: 2 as const,
      head: { kind: 'regression' as const },
      inSize: 4,
      outSize: 2,
      scaling: null,
      input: { scale: 1, zeroPoint: 0 },
      inputInvScale: 1,
      output: { scale: 1, zeroPoint: 0 },
      outSizes: [2],
      sizeBytes: 0,
    };
    const avg: Int8Model = { ...base, ops: [{ op: 'avgPool', name: 'p', g }] };
    // (−3 + −2) = −5 → (−5 − 1) / 2 = −3; (−3 + −1) = −4 → (−4 − 1) / 2 = −2 (truncated)
    expect(Array.from(runInt8Raw(avg, Int8Array.from([-3, -2, -3, -1])))).toEqual([-3, -2]);
    expect(Array.from(runInt8Raw(avg, Int8Array.from([3, 2, 127, 126])))).toEqual([3, 127]);
    const max: Int8Model = { ...base, ops: [{ op: 'maxPool', name: 'p', g }] };
    expect(Array.from(runInt8Raw(max, Int8Array.from([-128, -128, 5, -7])))).toEqual([-128, 5]);
    // a dense layer with relu6 bounds [zp, zp + round(6 / scale)] = [−100, −40]
    const dense: Int8Model = {
      ...base,
      inSize: 1,
      outSize: 1,
      outSizes: [1],
      ops: [
        {
          op: 'dense',
          name: 'd',
          inSize: 1,
          units: 1,
          weights: Int8Array.from([1]),
          bias: Int32Array.from([0]),
          requant: { multiplier: Int32Array.from([1 << 30]), shift: Int32Array.from([1]) },
          inputZeroPoint: 0,
          outputZeroPoint: -100,
          actMin: -100,
          actMax: -40,
        },
      ],
    };
    expect([-5, 3, 90].map((v) => runInt8Raw(dense, Int8Array.from([v]))[0])).toEqual([-100, -97, -40]);
    // softmax: equal logits share 256 steps; a dominant logit saturates at 127 (probability 255/256)
    const expTable = Int32Array.from({ length: 256 }, (_, d) => Math.round(Math.exp(-d * 0.1) * 2 ** 20));
    const sm: Int8Model = { ...base, inSize: 4, outSize: 4, outSizes: [4], ops: [{ op: 'softmax', name: 's', size: 4, expTable }] };
    expect(Array.from(runInt8Raw(sm, Int8Array.from([7, 7, 7, 7])))).toEqual([-64, -64, -64, -64]);
    expect(Array.from(runInt8Raw(sm, Int8Array.from([127, -128, -128, -128])))).toEqual([127, -128, -128, -128]);
  });

  it('keeps a regression head as the last dense layer, dequantized for display', () => {
    const spec = parseModelSpec({ inputShape: [2], layers: [] });
    const f: FloatModel = lowerFloat(
      spec,
      { kind: 'regression' },
      {
        tensors: [
          { layer: 'output', name: 'kernel', shape: [2, 1], values: [0.5, -0.25] },
          { layer: 'output', name: 'bias', shape: [1], values: [0.1] },
        ],
      },
    );
    const m = quantizeModel(f, Float32Array.from([-2, 2, 2, -2, 1, 1]));
    const x = Float32Array.from([1, 1, -2, 0.5, 0.3, -0.7]);
    const y = runInt8(m, x);
    const want = [0.5 - 0.25 + 0.1, -1 - 0.125 + 0.1, 0.15 + 0.175 + 0.1];
    want.forEach((w, i) => expect(Math.abs(y[i]! - w)).toBeLessThan(0.02));
  });
});
