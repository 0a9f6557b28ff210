/**
 * Post-training int8 quantization and a reference int8 inference engine.
 *
 * Weights: symmetric int8 per output channel (scale = max|w| / 127, zero point 0); biases int32
 * at scale inputScale × weightScale. Activations: asymmetric int8 per tensor (scale and zero
 * point from the min/max seen on calibration rows, widened to include 0 so padding is exact).
 * Dense and convolution layers accumulate (x − zx)·w in int32 exactly as TFLite Micro does; the
 * requantization to the next layer's scale uses a double multiplier (TFLite uses a fixed-point
 * one: results can differ by one step in rare ties). Pooling runs on int8 values; batch norm,
 * tanh and sigmoid are applied to dequantized values and requantized (reference, not fast).
 */
import { KilnError } from '../errors.js';
import { analyzeSpec } from './shapes.js';
import { type Activation, type LayerSpec, type ModelSpec, type OutputHead, type Padding, layerNames, OUTPUT_LAYER_NAME } from './spec.js';

export interface QuantParams {
  scale: number;
  zeroPoint: number;
}

/** Min and max of a tensor over the calibration rows. */
export interface ActivationRange {
  min: number;
  max: number;
}

export interface WeightTensorLike {
  layer: string;
  name: string;
  shape: number[];
  values: ArrayLike<number>;
}

interface Geometry {
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  oh: number;
  ow: number;
  padTop: number;
  padLeft: number;
}

export type Int8Layer =
  | {
      type: 'dense';
      name: string;
      inSize: number;
      units: number;
      /** [units][inSize] */
      weights: Int8Array;
      weightScales: Float32Array;
      bias: Int32Array;
      activation: Activation;
      out: QuantParams;
    }
  | {
      type: 'conv';
      name: string;
      g: Geometry;
      filters: number;
      /** [filters][kh × kw × c], kernel order */
      weights: Int8Array;
      weightScales: Float32Array;
      bias: Int32Array;
      activation: Activation;
      out: QuantParams;
    }
  | { type: 'pool'; name: string; g: Geometry; kind: 'max' | 'avg' }
  | { type: 'batchNorm'; name: string; channels: number; mul: Float32Array; add: Float32Array; out: QuantParams }
  | { type: 'identity'; name: string };

export interface Int8Model {
  head: OutputHead;
  inSize: number;
  outSize: number;
  input: QuantParams;
  layers: Int8Layer[];
  /** quantization of the final output (logits for a classifier) */
  output: QuantParams;
  /** bytes of weights, biases and scales */
  sizeBytes: number;
}

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

/** Quantizes one value. */
export function quantize(x: number, q: QuantParams): number {
  const v = Math.round(x / q.scale) + q.zeroPoint;
  return v < -128 ? -128 : v > 127 ? 127 : v;
}

export function dequantize(v: number, q: QuantParams): number {
  return (v - q.zeroPoint) * q.scale;
}

function samePad(n: number, out: number, k: number, s: number, padding: Padding): number {
  if (padding === 'valid') return 0;
  return Math.floor(Math.max((out - 1) * s + k - n, 0) / 2);
}

function geometry(inShape: number[], outShape: number[], kh: number, kw: number, sh: number, sw: number, padding: Padding): Geometry {
  const [h, w, c] = inShape.length === 2 ? [1, inShape[0]!, inShape[1]!] : [inShape[0]!, inShape[1]!, inShape[2]!];
  const [oh, ow] = outShape.length === 2 ? [1, outShape[0]!] : [outShape[0]!, outShape[1]!];
  return { h, w, c, kh, kw, sh, sw, oh, ow, padTop: samePad(h, oh, kh, sh, padding), padLeft: samePad(w, ow, kw, sw, padding) };
}

/**
 * Per-output-channel symmetric quantization of a kernel whose last axis is the output channel;
 * returns [out][rest] int8 values.
 */
function quantizeKernel(values: ArrayLike<number>, outChannels: number): { weights: Int8Array; scales: Float32Array } {
  const rest = values.length / outChannels;
  const scales = new Float32Array(outChannels);
  for (let o = 0; o < outChannels; o++) {
    let m = 0;
    for (let i = 0; i < rest; i++) m = Math.max(m, Math.abs(values[i * outChannels + o]!));
    scales[o] = m > 0 ? m / 127 : 1;
  }
  const weights = new Int8Array(values.length);
  for (let o = 0; o < outChannels; o++) {
    for (let i = 0; i < rest; i++) {
      const v = Math.round(values[i * outChannels + o]! / scales[o]!);
      weights[o * rest + i] = v < -127 ? -127 : v > 127 ? 127 : v;
    }
  }
  return { weights, scales };
}

function quantizeBias(values: ArrayLike<number>, inScale: number, weightScales: Float32Array): Int32Array {
  return Int32Array.from({ length: weightScales.length }, (_, o) => Math.round(values[o]! / (inScale * weightScales[o]!)));
}

/**
 * Builds the int8 model from float weights. `ranges` holds the calibration range of the input
 * and of every layer's output: spec layers then the output layer (layers.length + 2 entries).
 */
export function quantizeModel(spec: ModelSpec, head: OutputHead, tensors: readonly WeightTensorLike[], ranges: readonly ActivationRange[]): Int8Model {
  const a = analyzeSpec(spec, head);
  if (!a.ok) throw new KilnError('BAD_PARAMS', a.message);
  if (ranges.length !== spec.layers.length + 2) {
    throw new KilnError('BAD_PARAMS', `Quantization needs ${spec.layers.length + 2} calibration ranges (input + every layer), got ${ranges.length}`);
  }
  const byKey = new Map(tensors.map((t) => [`${t.layer}/${t.name}`, t]));
  const tensor = (layer: string, name: string): WeightTensorLike => {
    const t = byKey.get(`${layer}/${name}`);
    if (!t) throw new KilnError('BAD_DATA', `The weights have no tensor "${layer}/${name}"`);
    return t;
  };
  const names = [...layerNames(spec.layers), OUTPUT_LAYER_NAME];
  const input = quantParamsFor(ranges[0]!);
  let q = input;
  let size = 0;
  const layers: Int8Layer[] = [];
  const all: (LayerSpec | null)[] = [...spec.layers, null];
  for (let i = 0; i < all.length; i++) {
    const l = all[i]!;
    const info = a.layers[i]!;
    const name = names[i]!;
    const outRange = ranges[i + 1]!;
    if (l === null || l.type === 'dense') {
      const units = info.outputShape[0]!;
      const k = quantizeKernel(tensor(name, 'kernel').values, units);
      const out = quantParamsFor(outRange);
      layers.push({
        type: 'dense',
        name,
        inSize: info.inputShape[0]!,
        units,
        weights: k.weights,
        weightScales: k.scales,
        bias: quantizeBias(tensor(name, 'bias').values, q.scale, k.scales),
        activation: l === null ? 'linear' : l.activation,
        out,
      });
      size += k.weights.length + 8 * units;
      q = out;
    } else if (l.type === 'conv1d' || l.type === 'conv2d') {
      const kh = l.type === 'conv1d' ? 1 : l.kernelSize;
      const sh = l.type === 'conv1d' ? 1 : l.strides;
      const g = geometry(info.inputShape, info.outputShape, kh, l.kernelSize, sh, l.strides, l.padding);
      const k = quantizeKernel(tensor(name, 'kernel').values, l.filters);
      const out = quantParamsFor(outRange);
      layers.push({
        type: 'conv',
        name,
        g,
        filters: l.filters,
        weights: k.weights,
        weightScales: k.scales,
        bias: quantizeBias(tensor(name, 'bias').values, q.scale, k.scales),
        activation: l.activation,
        out,
      });
      size += k.weights.length + 8 * l.filters;
      q = out;
    } else if (l.type === 'maxPool1d' || l.type === 'avgPool1d' || l.type === 'maxPool2d' || l.type === 'avgPool2d') {
      const one = l.type.endsWith('1d');
      const s = l.strides ?? l.poolSize;
      const g = geometry(info.inputShape, info.outputShape, one ? 1 : l.poolSize, l.poolSize, one ? 1 : s, s, l.padding);
      layers.push({ type: 'pool', name, g, kind: l.type.startsWith('max') ? 'max' : 'avg' });
    } else if (l.type === 'batchNorm') {
      const C = info.inputShape[info.inputShape.length - 1]!;
      const gamma = tensor(name, 'gamma').values;
      const beta = tensor(name, 'beta').values;
      const mean = tensor(name, 'moving_mean').values;
      const variance = tensor(name, 'moving_variance').values;
      const mul = new Float32Array(C);
      const add = new Float32Array(C);
      for (let c = 0; c < C; c++) {
        mul[c] = gamma[c]! / Math.sqrt(variance[c]! + 1e-3);
        add[c] = beta[c]! - mean[c]! * mul[c]!;
      }
      const out = quantParamsFor(outRange);
      layers.push({ type: 'batchNorm', name, channels: C, mul, add, out });
      size += 8 * C;
      q = out;
    } else {
      layers.push({ type: 'identity', name });
    }
  }
  return {
    head,
    inSize: a.layers[0] ? a.layers[0].inputShape.reduce((x, y) => x * y, 1) : 0,
    outSize: a.outputShape[0]!,
    input,
    layers,
    output: q,
    sizeBytes: size,
  };
}

function applyActivation(v: number, act: Activation): number {
  switch (act) {
    case 'linear':
      return v;
    case 'relu':
      return v < 0 ? 0 : v;
    case 'relu6':
      return v < 0 ? 0 : v > 6 ? 6 : v;
    case 'tanh':
      return Math.tanh(v);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
  }
}

/** One row through one layer, int8 in and out. */
function runLayer(l: Int8Layer, x: Int8Array, inQ: QuantParams): { y: Int8Array; q: QuantParams } {
  switch (l.type) {
    case 'identity':
      return { y: x, q: inQ };
    case 'dense': {
      const y = new Int8Array(l.units);
      const zx = inQ.zeroPoint;
      for (let o = 0; o < l.units; o++) {
        let acc = l.bias[o]!;
        const wo = o * l.inSize;
        for (let i = 0; i < l.inSize; i++) acc += (x[i]! - zx) * l.weights[wo + i]!;
        y[o] = quantize(applyActivation(acc * inQ.scale * l.weightScales[o]!, l.activation), l.out);
      }
      return { y, q: l.out };
    }
    case 'conv': {
      const { h, w, c: C, kh, kw, sh, sw, oh, ow, padTop, padLeft } = l.g;
      const F = l.filters;
      const P = kh * kw * C;
      const y = new Int8Array(oh * ow * F);
      const zx = inQ.zeroPoint;
      // the receptive field of one output position as (x − zx), zeros where padded: then every
      // filter is one contiguous integer dot product
      const patch = new Int32Array(P);
      const W = l.weights;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          let k = 0;
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - padTop + ky;
            for (let kx = 0; kx < kw; kx++) {
              const ix = ox * sw - padLeft + kx;
              if (iy < 0 || iy >= h || ix < 0 || ix >= w) {
                patch.fill(0, k, k + C);
              } else {
                const xb = (iy * w + ix) * C;
                for (let c = 0; c < C; c++) patch[k + c] = x[xb + c]! - zx;
              }
              k += C;
            }
          }
          const yb = (oy * ow + ox) * F;
          for (let f = 0; f < F; f++) {
            let acc = l.bias[f]!;
            const wf = f * P;
            for (let i = 0; i < P; i++) acc += patch[i]! * W[wf + i]!;
            y[yb + f] = quantize(applyActivation(acc * inQ.scale * l.weightScales[f]!, l.activation), l.out);
          }
        }
      }
      return { y, q: l.out };
    }
    case 'pool': {
      const { h, w, c: C, kh, kw, sh, sw, oh, ow, padTop, padLeft } = l.g;
      const y = new Int8Array(oh * ow * C);
      for (let oy = 0; oy < oh; oy++) {
        const y0 = Math.max(oy * sh - padTop, 0);
        const y1 = Math.min(oy * sh - padTop + kh, h);
        for (let ox = 0; ox < ow; ox++) {
          const x0 = Math.max(ox * sw - padLeft, 0);
          const x1 = Math.min(ox * sw - padLeft + kw, w);
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
            const count = (y1 - y0) * (x1 - x0);
            y[(oy * ow + ox) * C + c] = l.kind === 'max' ? best : Math.round(sum / count);
          }
        }
      }
      return { y, q: inQ };
    }
    case 'batchNorm': {
      const y = new Int8Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const c = i % l.channels;
        y[i] = quantize(dequantize(x[i]!, inQ) * l.mul[c]! + l.add[c]!, l.out);
      }
      return { y, q: l.out };
    }
  }
}

/**
 * Runs the int8 model on float feature rows (quantized on the way in): softmax scores
 * (rows × classes) for a classifier, one value per row for a regressor.
 */
export function runInt8(model: Int8Model, features: Float32Array): Float32Array {
  if (model.inSize <= 0 || features.length % model.inSize !== 0) {
    throw new KilnError('BAD_DATA', `${features.length} feature values are not a whole number of rows of ${model.inSize}`);
  }
  const rows = features.length / model.inSize;
  const out = new Float32Array(rows * model.outSize);
  const xq = new Int8Array(model.inSize);
  for (let r = 0; r < rows; r++) {
    for (let i = 0; i < model.inSize; i++) xq[i] = quantize(features[r * model.inSize + i]!, model.input);
    let x: Int8Array = xq;
    let q = model.input;
    for (const l of model.layers) ({ y: x, q } = runLayer(l, x, q));
    const o = r * model.outSize;
    for (let k = 0; k < model.outSize; k++) out[o + k] = dequantize(x[k]!, q);
    if (model.head.kind === 'classification') {
      let max = -Infinity;
      for (let k = 0; k < model.outSize; k++) max = Math.max(max, out[o + k]!);
      let sum = 0;
      for (let k = 0; k < model.outSize; k++) sum += Math.exp(out[o + k]! - max);
      for (let k = 0; k < model.outSize; k++) out[o + k] = Math.exp(out[o + k]! - max) / sum;
    }
  }
  return out;
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

/** Inverse of int8ToJson. */
export function int8FromJson(json: unknown): Int8Model {
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
