/**
 * Test fixtures: small networks with random (seeded) weights lowered and quantized by the
 * studio's own code, and raw-data impulses they read, so the C library can be compared with the
 * TypeScript engines on identical features.
 */
import { getDspBlock, paramsWithDefaults } from '../../../../shared/dsp/index';
import type { Impulse } from '../../../../shared/impulse/impulse';
import type { FloatModel } from '../../../../shared/model/floatModel';
import { quantizeModel } from '../../../../shared/model/int8';
import type { Int8Model } from '../../../../shared/model/int8Model';
import { lowerFloat } from '../../../../shared/model/lowerFloat';
import { createRng } from '../../../../shared/model/random';
import { computeScaling } from '../../../../shared/model/scaling';
import type { ModelSpecInput, OutputHead } from '../../../../shared/model/spec';
import { modelSpecSchema } from '../../../../shared/model/spec';
import { buildNetwork, exportWeights } from '../../../training/network';
import type { ResolvedBlock } from '../../../pipeline/resolvedImpulse';
import type { CLibraryImpulse } from '../index';

export interface RandomNetwork {
  float: FloatModel;
  int8: Int8Model;
  /** rows × inSize features (also the calibration set) */
  features: Float32Array;
  rows: number;
}

/** Seeded random features, a spread of magnitudes per column. */
export function randomFeatures(rows: number, length: number, seed: number): Float32Array {
  const rng = createRng(seed);
  const out = new Float32Array(rows * length);
  for (let r = 0; r < rows; r++) for (let i = 0; i < length; i++) out[r * length + i] = rng.normal() * (1 + (i % 5)) + (i % 3) - 1;
  return out;
}

/**
 * A network for `spec` with Glorot weights, every tensor then perturbed (batch norm statistics
 * too, variances kept positive) so folding and per-channel scales are exercised.
 */
export function randomNetwork(specInput: ModelSpecInput, head: OutputHead, seed: number, opts: { scaling?: boolean; rows?: number } = {}): RandomNetwork {
  const spec = modelSpecSchema.parse(specInput);
  const rng = createRng(seed);
  const net = buildNetwork(spec, head, rng.fork('init'));
  const weights = exportWeights(net);
  for (const t of weights.tensors) {
    for (let i = 0; i < t.values.length; i++) {
      const noise = rng.normal();
      if (t.name === 'moving_variance') t.values[i] = 0.3 + Math.abs(noise);
      else if (t.name === 'gamma') t.values[i] = 1 + 0.3 * noise;
      else if (t.name === 'beta' || t.name === 'moving_mean' || t.name === 'bias') t.values[i] = 0.2 * noise;
      else t.values[i] = t.values[i]! * (1 + 0.2 * noise);
    }
  }
  const inSize = spec.inputShape.reduce((a, b) => a * b, 1);
  const rows = opts.rows ?? 40;
  const features = randomFeatures(rows, inSize, seed + 1);
  const float = lowerFloat(spec, head, weights, opts.scaling ? computeScaling(features, inSize) : null);
  return { float, int8: quantizeModel(float, features), features, rows };
}

/** Row `r` of a rows × length matrix. */
export function row(values: Float32Array, length: number, r: number): Float32Array {
  return values.subarray(r * length, (r + 1) * length);
}

/** A time-series impulse whose only DSP block is raw data over `axes` (features = the window). */
export function rawImpulse(opts: {
  readings: number;
  axes: string[];
  blockAxes?: string[];
  scale?: number;
  anomaly?: 'kmeans' | 'gmm';
  classifier?: boolean;
}): CLibraryImpulse {
  const hz = 50;
  const raw = getDspBlock('raw');
  const params = { ...paramsWithDefaults(raw.params), 'scale-axes': opts.scale ?? 1 };
  const blockAxes = opts.blockAxes ?? opts.axes;
  const definition: Impulse = {
    input: { type: 'time-series', windowSizeMs: (opts.readings * 1000) / hz, windowIncreaseMs: 100, frequencyHz: hz, zeroPad: false, axes: opts.axes },
    dsp: [{ id: 'raw', block: 'raw', title: 'Raw data', axes: blockAxes, params }],
    learning: [
      ...(opts.classifier === false ? [] : [{ id: 'nn', type: 'classification' as const, title: 'Classifier', inputs: ['raw'] }]),
      ...(opts.anomaly
        ? [{ id: 'anomaly', type: opts.anomaly === 'kmeans' ? ('anomaly-kmeans' as const) : ('anomaly-gmm' as const), title: 'Anomaly', inputs: ['raw'] }]
        : []),
    ],
  };
  const block: ResolvedBlock = {
    config: definition.dsp[0]!,
    featuresPerWindow: opts.readings * blockAxes.length,
    task: { key: 'test', id: 'raw', block: 'raw', title: 'Raw data', axes: blockAxes, params },
  };
  return { definition, blocks: [block], classifier: opts.classifier === false ? null : 'nn', anomaly: opts.anomaly ? 'anomaly' : null };
}
