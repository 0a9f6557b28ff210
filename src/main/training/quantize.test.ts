import { describe, expect, it } from 'vitest';
import { quantizeModel, runInt8 } from '../../shared/model/int8';
import { lowerFloat } from '../../shared/model/lowerFloat';
import { classificationReport } from '../../shared/model/metrics';
import { createRng } from '../../shared/model/random';
import type { ModelSpecInput } from '../../shared/model/spec';
import { predict, trainClassifier } from './trainer';

function blobs(rows: number, len: number, classes: number, seed: number) {
  const rng = createRng(seed);
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: len }, () => rng.normal()));
  const features = new Float32Array(rows * len);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    labels[r] = r % classes;
    for (let i = 0; i < len; i++) features[r * len + i] = centres[labels[r]!]![i]! + 0.8 * rng.normal();
  }
  return { features, labels };
}

async function compare(spec: ModelSpecInput, len: number) {
  const classes = 3;
  const all = blobs(360, len, classes, 1);
  const train = { features: all.features.subarray(0, 240 * len), labels: all.labels.subarray(0, 240) };
  const test = { features: all.features.subarray(240 * len), labels: all.labels.subarray(240) };
  const res = await trainClassifier({
    spec,
    features: train.features,
    featureShape: [len],
    labels: train.labels,
    classNames: ['a', 'b', 'c'],
    settings: { epochs: 8, learningRate: 0.01, batchSize: 16, validationSplit: 0, seed: 4 },
  });
  const int8 = quantizeModel(lowerFloat(res.spec, { kind: 'classification', classes }, res.weights, res.weights.scaling ?? null), train.features);
  const f = classificationReport(predict(res.weights, res.spec, test.features), test.labels, classes).accuracy;
  const q = runInt8(int8, test.features);
  const i8 = classificationReport(q, test.labels, classes).accuracy;
  const fp = predict(res.weights, res.spec, test.features);
  let maxDiff = 0;
  for (let i = 0; i < q.length; i++) maxDiff = Math.max(maxDiff, Math.abs(q[i]! - fp[i]!));
  return { f, i8, maxDiff, size: int8.sizeBytes };
}

describe('int8 post-training quantization', () => {
  it('keeps a dense classifier within 3 points of float accuracy', async () => {
    const r = await compare(
      {
        inputShape: [20],
        layers: [
          { type: 'dense', units: 16 },
          { type: 'dense', units: 8 },
        ],
      },
      20,
    );
    expect(r.f).toBeGreaterThan(0.8);
    expect(Math.abs(r.f - r.i8)).toBeLessThanOrEqual(0.03);
    expect(r.maxDiff).toBeLessThan(0.15);
  });

  it('keeps a conv1d + batch norm + pooling classifier within 3 points of float accuracy', async () => {
    const spec: ModelSpecInput = {
      inputShape: [48],
      layers: [
        { type: 'reshape', targetShape: [12, 4] },
        { type: 'conv1d', filters: 6, kernelSize: 3 },
        { type: 'batchNorm' },
        { type: 'maxPool1d', poolSize: 2 },
        { type: 'conv1d', filters: 4, kernelSize: 3, activation: 'relu6' },
        { type: 'avgPool1d', poolSize: 2 },
        { type: 'flatten' },
      ],
    };
    const r = await compare(spec, 48);
    expect(r.f).toBeGreaterThan(0.8);
    expect(Math.abs(r.f - r.i8)).toBeLessThanOrEqual(0.03);
  });

  it('keeps a conv2d classifier within 3 points of float accuracy', async () => {
    const spec: ModelSpecInput = {
      inputShape: [6 * 6 * 2],
      layers: [
        { type: 'reshape', targetShape: [6, 6, 2] },
        { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2 },
        { type: 'maxPool2d', poolSize: 2 },
        { type: 'flatten' },
      ],
    };
    const r = await compare(spec, 72);
    expect(r.f).toBeGreaterThan(0.8);
    expect(Math.abs(r.f - r.i8)).toBeLessThanOrEqual(0.03);
  });
});
