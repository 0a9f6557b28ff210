/**
 * Per-feature standardisation of DSP features before the network: (x − mean_i) · invStd_i, with
 * mean and 1/std computed on the training rows and stored with the model. The float network,
 * the int8 engine, live classification, ONNX export and the C library all apply it the same
 * way: in float32, one rounding after each operation (docs/int8.md).
 */
import { KilnError } from '../errors.js';
import type { FeatureScaling } from './int8Model.js';

/** Standard deviations below this (constant features) are treated as 1: the feature is only centred. */
export const MIN_FEATURE_STD = 1e-6;

/** Mean and 1/std per feature over the given rows (all rows when `rows` is omitted). */
export function computeScaling(features: Float32Array, len: number, rows?: ArrayLike<number>): FeatureScaling {
  const n = rows ? rows.length : features.length / len;
  if (!Number.isInteger(n) || n <= 0) throw new KilnError('BAD_DATA', 'Feature scaling needs at least one training row');
  const sum = new Float64Array(len);
  const row = (r: number) => (rows ? rows[r]! : r);
  for (let r = 0; r < n; r++) {
    const o = row(r) * len;
    for (let i = 0; i < len; i++) sum[i]! += features[o + i]!;
  }
  const mean = new Float64Array(len);
  for (let i = 0; i < len; i++) mean[i] = sum[i]! / n;
  const sq = new Float64Array(len);
  for (let r = 0; r < n; r++) {
    const o = row(r) * len;
    for (let i = 0; i < len; i++) {
      const d = features[o + i]! - mean[i]!;
      sq[i]! += d * d;
    }
  }
  const invStd = new Float32Array(len);
  for (let i = 0; i < len; i++) {
    const std = Math.sqrt(sq[i]! / n);
    invStd[i] = std > MIN_FEATURE_STD ? 1 / std : 1;
  }
  return { mean: Float32Array.from(mean), invStd };
}

/** v = (x − mean)·invStd in float32 arithmetic, for `rows` rows of `len` values (into `out`, may be `x`). */
export function applyScaling(s: FeatureScaling, x: Float32Array, out: Float32Array = new Float32Array(x.length)): Float32Array {
  const len = s.mean.length;
  if (x.length % len !== 0) throw new KilnError('BAD_DATA', `${x.length} feature values are not a whole number of rows of ${len}`);
  const { mean, invStd } = s;
  for (let o = 0; o < x.length; o += len) {
    for (let i = 0; i < len; i++) out[o + i] = Math.fround(Math.fround(x[o + i]! - mean[i]!) * invStd[i]!);
  }
  return out;
}

/** JSON-safe form (number arrays) for storage. */
export function scalingToJson(s: FeatureScaling | null): { mean: number[]; invStd: number[] } | null {
  return s ? { mean: Array.from(s.mean), invStd: Array.from(s.invStd) } : null;
}

/** Inverse of scalingToJson; BAD_DATA naming `what` when the stored value is malformed. */
export function scalingFromJson(v: unknown, what = 'feature scaling'): FeatureScaling | null {
  if (v === null || v === undefined) return null;
  const o = v as { mean?: unknown; invStd?: unknown };
  if (!Array.isArray(o.mean) || !Array.isArray(o.invStd) || o.mean.length !== o.invStd.length || o.mean.some((x) => typeof x !== 'number')) {
    throw new KilnError('BAD_DATA', `The stored ${what} is malformed (mean and invStd must be number arrays of one length); train the model again`);
  }
  return { mean: Float32Array.from(o.mean as number[]), invStd: Float32Array.from(o.invStd as number[]) };
}
