/**
 * Post-training int8 quantization and the integer-only int8 engine (docs/int8.md).
 *
 * `quantizeModel` takes a lowered `FloatModel` (batch norm folded, kernels [out][…]) and
 * calibration rows, measures the range of every op's output with the float runner, and turns
 * everything the run time needs into integers and tables (`Int8Model`, version 2): int8 weights
 * symmetric per output channel (dense and conv alike), int32 biases, per-channel fixed-point
 * multipliers and shifts, fused ReLU/ReLU6 as clamp bounds, tanh/sigmoid as 256-entry tables,
 * softmax through an exp table. `runInt8Raw` then executes only integer steps; the exported C
 * library executes the same program and must give the same int8 outputs bit for bit.
 */
import { KilnError } from '../errors.js';
import { INT32_MAX, INT32_MIN, quantizeMultiplier, requantize } from './fixedPoint.js';
import type { FloatModel, FloatOp } from './floatModel.js';
import { runFloatModel } from './floatRunner.js';
import type { Geometry, Int8Model, Int8Op, QuantParams, Requant } from './int8Model.js';
import { activate, int8ClampBounds, isTableActivation, TABLE_OUTPUT } from './layers/activation.js';

export type { Int8Model, Int8Op, QuantParams } from './int8Model.js';

export const INT8_MODEL_VERSION = 2;

/** Range of a tensor over the calibration rows. */
export interface ActivationRange {
  min: number;
  max: number;
}

export interface QuantizeOptions {
  /**
   * Activation ranges: the lowest and highest `percentile` % of the calibration values are
   * clipped (100 = plain min/max). See CALIBRATION_PERCENTILE.
   */
  percentile?: number;
}

/** Default calibration: full min/max (see docs/int8.md, "Calibration"). */
export const CALIBRATION_PERCENTILE = 100;

/** Asymmetric int8 parameters covering [min, max] (always including 0). */
export function quantParamsFor(range: ActivationRange): QuantParams {
  const min = Math.min(0, range.min);
  const max = Math.max(0, range.max);
  if (!Number.isFinite(min) || !Number.isFinite(max))
    throw new KilnError('BAD_DATA', `Activation range [${range.min}, ${range.max}] is not finite; cannot quantize`);
  const scale = max - min > 0 ? (max - min) / 255 : 1;
  const zeroPoint = Math.max(-128, Math.min(127, Math.round(-128 - min / scale)));
  return { scale, zeroPoint };
}

/** Quantizes one value (quantization-time helper, double arithmetic). */
export function quantize(x: number, q: QuantParams): number {
  const v = Math.round(x / q.scale) + q.zeroPoint;
  return v < -128 ? -128 : v > 127 ? 127 : v;
}

export function dequantize(v: number, q: QuantParams): number {
  return (v - q.zeroPoint) * q.scale;
}

function roundHalfAway(v: number): number {
  return v < 0 ? -Math.round(-v) : Math.round(v);
}

function clampInt32(v: number): number {
  return v < INT32_MIN ? INT32_MIN : v > INT32_MAX ? INT32_MAX : v;
}

/** Range of each op's output (index i) and of the (scaled) input (index −1 → ranges.input). */
export function calibrate(model: FloatModel, features: Float32Array, percentile = CALIBRATION_PERCENTILE): { input: ActivationRange; ops: ActivationRange[] } {
  const rows = features.length / model.inSize;
  if (!Number.isInteger(rows) || rows <= 0) throw new KilnError('BAD_DATA', 'int8 calibration needs at least one feature row');
  const n = model.ops.length + 1;
  const min = new Float64Array(n).fill(Infinity);
  const max = new Float64Array(n).fill(-Infinity);
  const keep = percentile < 100;
  // for percentiles: every value of every row, per tensor (calibration sets are small)
  const values: number[][] = keep ? Array.from({ length: n }, () => []) : [];
  runFloatModel(model, features, (i, v) => {
    const k = i + 1;
    let lo = min[k]!;
    let hi = max[k]!;
    for (let j = 0; j < v.length; j++) {
      const x = v[j]!;
      if (x < lo) lo = x;
      if (x > hi) hi = x;
    }
    min[k] = lo;
    max[k] = hi;
    if (keep) for (let j = 0; j < v.length; j++) values[k]!.push(v[j]!);
  });
  const range = (k: number): ActivationRange => {
    if (!keep) return { min: min[k]!, max: max[k]! };
    const s = Float64Array.from(values[k]!).sort();
    const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.round((p / 100) * (s.length - 1))))]!;
    return { min: at(100 - percentile), max: at(percentile) };
  };
  return { input: range(0), ops: model.ops.map((_, i) => range(i + 1)) };
}

/** Per-output-channel symmetric int8 weights ([out][rest] float in, same layout out) and their scales. */
function quantizeWeights(w: Float32Array, out: number): { weights: Int8Array; scales: Float64Array } {
  const rest = w.length / out;
  const scales = new Float64Array(out);
  const q = new Int8Array(w.length);
  for (let o = 0; o < out; o++) {
    let m = 0;
    for (let i = 0; i < rest; i++) m = Math.max(m, Math.abs(w[o * rest + i]!));
    const s = m > 0 ? m / 127 : 1;
    scales[o] = s;
    for (let i = 0; i < rest; i++) {
      const v = roundHalfAway(w[o * rest + i]! / s);
      q[o * rest + i] = v < -127 ? -127 : v > 127 ? 127 : v;
    }
  }
  return { weights: q, scales };
}

function affineParts(bias: ArrayLike<number>, scales: Float64Array, inQ: QuantParams, outQ: QuantParams) {
  const n = scales.length;
  const b = new Int32Array(n);
  const requant: Requant = { multiplier: new Int32Array(n), shift: new Int32Array(n) };
  for (let o = 0; o < n; o++) {
    b[o] = clampInt32(roundHalfAway(bias[o]! / (inQ.scale * scales[o]!)));
    const m = quantizeMultiplier((inQ.scale * scales[o]!) / outQ.scale);
    requant.multiplier[o] = m.multiplier;
    requant.shift[o] = m.shift;
  }
  return { bias: b, requant };
}

const SOFTMAX_OUT: QuantParams = { scale: 1 / 256, zeroPoint: -128 };
const EXP_ONE = 1 << 20;

/**
 * Builds the int8 program from a lowered float model, calibrated on `calibration` rows (raw
 * features: the model's feature scaling is applied first, as at run time).
 */
export function quantizeModel(model: FloatModel, calibration: Float32Array, options: QuantizeOptions = {}): Int8Model {
  const ranges = calibrate(model, calibration, options.percentile ?? CALIBRATION_PERCENTILE);
  const input = quantParamsFor(ranges.input);
  let q = input;
  let size = 0;
  const ops: Int8Op[] = [];
  model.ops.forEach((f: FloatOp, i) => {
    const range = ranges.ops[i]!;
    switch (f.op) {
      case 'dense':
      case 'conv': {
        const out = f.op === 'dense' ? f.units : f.filters;
        const outQ = quantParamsFor(range);
        const w = quantizeWeights(f.weights, out);
        const parts = affineParts(f.bias, w.scales, q, outQ);
        if (isTableActivation(f.activation))
          throw new KilnError('INTERNAL', `A ${f.activation} activation cannot be fused into ${f.name}; lowerFloat splits it out`);
        const affine = { ...parts, inputZeroPoint: q.zeroPoint, outputZeroPoint: outQ.zeroPoint, ...int8ClampBounds(f.activation, outQ) };
        ops.push(
          f.op === 'dense'
            ? { op: 'dense', name: f.name, inSize: f.inSize, units: f.units, weights: w.weights, ...affine }
            : { op: 'conv', name: f.name, g: { ...f.g }, filters: f.filters, weights: w.weights, ...affine },
        );
        size += w.weights.length + 9 * out;
        q = outQ;
        return;
      }
      case 'channelAffine': {
        const outQ = quantParamsFor(range);
        const w = quantizeWeights(f.mul, f.channels);
        const parts = affineParts(f.add, w.scales, q, outQ);
        ops.push({
          op: 'channelAffine',
          name: f.name,
          channels: f.channels,
          size: f.size,
          weights: w.weights,
          ...parts,
          inputZeroPoint: q.zeroPoint,
          outputZeroPoint: outQ.zeroPoint,
          actMin: -128,
          actMax: 127,
        });
        size += 10 * f.channels;
        q = outQ;
        return;
      }
      case 'maxPool':
      case 'avgPool':
        ops.push({ op: f.op, name: f.name, g: { ...f.g } });
        return;
      case 'activation': {
        const outQ = TABLE_OUTPUT[f.activation];
        const a = f.activation;
        const table = Int8Array.from({ length: 256 }, (_, k) => quantize(activate(dequantize(k - 128, q), a), outQ));
        ops.push({ op: 'lut', name: f.name, size: f.size, table });
        q = outQ;
        return;
      }
      case 'softmax': {
        const s = q.scale;
        const expTable = Int32Array.from({ length: 256 }, (_, d) => Math.round(Math.exp(-d * s) * EXP_ONE));
        ops.push({ op: 'softmax', name: f.name, size: f.size, expTable });
        q = SOFTMAX_OUT;
        return;
      }
    }
  });
  return {
    version: INT8_MODEL_VERSION,
    head: model.head,
    inSize: model.inSize,
    outSize: model.outSize,
    scaling: model.scaling ? { mean: Float32Array.from(model.scaling.mean), invStd: Float32Array.from(model.scaling.invStd) } : null,
    input,
    inputInvScale: Math.fround(1 / input.scale),
    ops,
    output: q,
    outSizes: [...model.outSizes],
    // weights, biases and requantization constants (int32 multiplier + int8 shift per channel), as
    // `Int8Model.sizeBytes` defines it; the lookup and exp tables (256 B / 1 KB) are not counted
    sizeBytes: size,
  };
}

/** Feature row `row` of `features` as the network's int8 input (docs/int8.md, "Input quantization"). */
export function quantizeInput(model: Int8Model, features: Float32Array, row = 0, out: Int8Array = new Int8Array(model.inSize)): Int8Array {
  const n = model.inSize;
  const o = row * n;
  if (o + n > features.length) throw new KilnError('BAD_DATA', `Feature row ${row} is past the end of ${features.length} values (rows of ${n})`);
  const inv = model.inputInvScale;
  const zp = model.input.zeroPoint;
  const s = model.scaling;
  for (let i = 0; i < n; i++) {
    let v = features[o + i]!;
    if (s) v = Math.fround(Math.fround(v - s.mean[i]!) * s.invStd[i]!);
    v = Math.fround(v * inv);
    const r = Math.floor(Math.fround(v + 0.5)) + zp;
    out[i] = r < -128 ? -128 : r > 127 ? 127 : r;
  }
  return out;
}

function clamp8(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

/** One row through one op, int8 in and out: integer arithmetic only. */
function runOp(op: Int8Op, x: Int8Array, y: Int8Array, scratch: Int32Array): void {
  switch (op.op) {
    case 'dense': {
      const { inSize: I, units: O, weights: W, bias, requant, inputZeroPoint: zx, outputZeroPoint: zy, actMin, actMax } = op;
      for (let i = 0; i < I; i++) scratch[i] = x[i]! - zx;
      for (let o = 0; o < O; o++) {
        let acc = bias[o]!;
        const wo = o * I;
        for (let i = 0; i < I; i++) acc += scratch[i]! * W[wo + i]!;
        y[o] = clamp8(requantize(acc | 0, requant.multiplier[o]!, requant.shift[o]!) + zy, actMin, actMax);
      }
      return;
    }
    case 'conv': {
      const { h, w, c: C, kh, kw, sh, sw, oh, ow, padTop, padLeft } = op.g;
      const { filters: F, weights: W, bias, requant, inputZeroPoint: zx, outputZeroPoint: zy, actMin, actMax } = op;
      const P = kh * kw * C;
      // the receptive field as (x − zx), 0 where padded: every filter is one contiguous dot product
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          let k = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - padTop + ky;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - padLeft + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                scratch.fill(0, k, k + C);
              } else {
                const xb = (iy * w + ix) * C;
                for (let c = 0; c < C; c++) scratch[k + c] = x[xb + c]! - zx;
              }
              k += C;
            }
          }
          const yb = (oy * ow + ox) * F;
          for (let f = 0; f < F; f++) {
            let acc = bias[f]!;
            const wf = f * P;
            for (let p = 0; p < P; p++) acc += scratch[p]! * W[wf + p]!;
            y[yb + f] = clamp8(requantize(acc | 0, requant.multiplier[f]!, requant.shift[f]!) + zy, actMin, actMax);
          }
        }
      }
      return;
    }
    case 'channelAffine': {
      const { channels: C, size, weights: W, bias, requant, inputZeroPoint: zx, outputZeroPoint: zy, actMin, actMax } = op;
      for (let i = 0; i < size; i++) {
        const c = i % C;
        const acc = bias[c]! + (x[i]! - zx) * W[c]!;
        y[i] = clamp8(requantize(acc | 0, requant.multiplier[c]!, requant.shift[c]!) + zy, actMin, actMax);
      }
      return;
    }
    case 'maxPool':
    case 'avgPool': {
      const { h, w, c: C, kh, kw, sh, sw, oh, ow, padTop, padLeft } = op.g;
      const isMax = op.op === 'maxPool';
      for (let oy = 0; oy < oh; oy++) {
        const y0 = Math.max(oy * sh - padTop, 0);
        const y1 = Math.min(oy * sh - padTop + kh, h);
        for (let ox = 0; ox < ow; ox++) {
          const x0 = Math.max(ox * sw - padLeft, 0);
          const x1 = Math.min(ox * sw - padLeft + kw, w);
          const count = (y1 - y0) * (x1 - x0);
          const half = count >> 1;
          for (let c = 0; c < C; c++) {
            let best = -128;
            let sum = 0;
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                const v = x[(iy * w + ix) * C + c]!;
                if (v > best) best = v;
                sum += v;
              }
            }
            // C integer division truncates toward zero
            y[(oy * ow + ox) * C + c] = isMax ? best : Math.trunc(sum >= 0 ? (sum + half) / count : (sum - half) / count);
          }
        }
      }
      return;
    }
    case 'lut':
      for (let i = 0; i < op.size; i++) y[i] = op.table[x[i]! + 128]!;
      return;
    case 'softmax': {
      const { size, expTable } = op;
      let m = -128;
      for (let k = 0; k < size; k++) if (x[k]! > m) m = x[k]!;
      let sum = 0;
      for (let k = 0; k < size; k++) sum += expTable[m - x[k]!]!;
      const half = Math.floor(sum / 2);
      for (let k = 0; k < size; k++) y[k] = clamp8(Math.floor((expTable[m - x[k]!]! * 256 + half) / sum) - 128, -128, 127);
      return;
    }
  }
}

function scratchSize(model: Int8Model): number {
  let n = 1;
  for (const op of model.ops) {
    if (op.op === 'dense') n = Math.max(n, op.inSize);
    else if (op.op === 'conv') n = Math.max(n, op.g.kh * op.g.kw * op.g.c);
  }
  return n;
}

/**
 * The integer program on quantized input rows (xq: rows × inSize int8): the int8 output values
 * (rows × outSize), the numbers the C library must reproduce bit for bit.
 */
export function runInt8Raw(model: Int8Model, xq: Int8Array): Int8Array {
  const { inSize, outSize } = model;
  if (inSize <= 0 || xq.length % inSize !== 0) throw new KilnError('BAD_DATA', `${xq.length} int8 inputs are not a whole number of rows of ${inSize}`);
  const rows = xq.length / inSize;
  const out = new Int8Array(rows * outSize);
  const bufs = model.outSizes.map((n) => new Int8Array(n));
  const scratch = new Int32Array(scratchSize(model));
  for (let r = 0; r < rows; r++) {
    let x = xq.subarray(r * inSize, (r + 1) * inSize);
    for (let i = 0; i < model.ops.length; i++) {
      runOp(model.ops[i]!, x, bufs[i]!, scratch);
      x = bufs[i]!;
    }
    out.set(x.subarray(0, outSize), r * outSize);
  }
  return out;
}

/**
 * Runs the int8 model on float feature rows (quantized on the way in): dequantized scores
 * (rows × classes, softmax at 1/256 steps) for a classifier, one value per row for a regressor.
 */
export function runInt8(model: Int8Model, features: Float32Array): Float32Array {
  if (model.inSize <= 0 || features.length % model.inSize !== 0) {
    throw new KilnError('BAD_DATA', `${features.length} feature values are not a whole number of rows of ${model.inSize}`);
  }
  const rows = features.length / model.inSize;
  const xq = new Int8Array(rows * model.inSize);
  for (let r = 0; r < rows; r++) quantizeInput(model, features, r, xq.subarray(r * model.inSize, (r + 1) * model.inSize));
  const y = runInt8Raw(model, xq);
  return Float32Array.from(y, (v) => dequantize(v, model.output));
}

/** JSON-safe form of an int8 model (typed arrays as number arrays) for storage. */
export function int8ToJson(model: Int8Model): unknown {
  return JSON.parse(
    JSON.stringify(model, (_k, v: unknown) =>
      ArrayBuffer.isView(v) && !(v instanceof DataView) ? { $t: v.constructor.name, v: Array.from(v as unknown as ArrayLike<number>) } : v,
    ),
  );
}

const typed: Record<string, (v: number[]) => unknown> = {
  Int8Array: (v) => Int8Array.from(v),
  Int32Array: (v) => Int32Array.from(v),
  Float32Array: (v) => Float32Array.from(v),
};

/**
 * Inverse of int8ToJson. A model stored by an older Kiln (format 1: float requantization) is
 * refused with a clear message rather than re-quantized: re-quantizing needs the calibration
 * rows, which only training has; `null` is returned for a model stored without int8.
 */
export function int8FromJson(json: unknown): Int8Model {
  const version = json && typeof json === 'object' ? (json as { version?: unknown }).version : undefined;
  if (version !== INT8_MODEL_VERSION) {
    throw new KilnError(
      'UNSUPPORTED',
      `The stored int8 model is format ${typeof version === 'number' ? version : 1} (an older Kiln, float requantization); this Kiln runs format ${INT8_MODEL_VERSION}: train the model again to quantize it`,
    );
  }
  return JSON.parse(JSON.stringify(json), (_k, v: unknown) => {
    if (v && typeof v === 'object' && '$t' in v && 'v' in v) {
      const t = (v as { $t: string; v: number[] }).$t;
      const make = typed[t];
      if (!make) throw new KilnError('BAD_DATA', `Stored int8 model has an unknown array type "${t}"`);
      return make((v as { v: number[] }).v);
    }
    return v;
  }) as Int8Model;
}

export type { Geometry };
