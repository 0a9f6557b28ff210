import { describe, expect, it } from 'vitest';
import type { ModelSpecInput } from '../../../shared/model/spec';
import { predict, trainClassifier, trainRegressor } from '../../training/trainer';
import { exportOnnx } from './onnxExport';
import { OnnxRunner } from './onnxRunner';
import { ProtoWriter } from './protobuf';

/** Deterministic pseudo-random rows with a learnable class per row. */
function data(rows: number, len: number, classes: number, seed = 1) {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff) * 2 - 1;
  const features = new Float32Array(rows * len);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    labels[r] = r % classes;
    for (let i = 0; i < len; i++) features[r * len + i] = rnd() + (i % classes === labels[r] ? 1.5 : 0);
  }
  return { features, labels };
}

const settings = { epochs: 2, learningRate: 0.01, batchSize: 16, validationSplit: 0.2, seed: 3 };

async function parity(spec: ModelSpecInput, len: number, classes = 3): Promise<number> {
  const { features, labels } = data(96, len, classes);
  const res = await trainClassifier({ spec, features, featureShape: [len], labels, classNames: Array.from({ length: classes }, (_, i) => `c${i}`), settings });
  // trained models carry feature scaling: the export must start with its Sub + Mul
  expect(res.weights.scaling).not.toBeNull();
  const model = exportOnnx(res.spec, res.weights);
  const runner = await OnnxRunner.create(model, len);
  const ours = predict(res.weights, res.spec, features);
  const theirs = await runner.run(features, 40);
  await runner.dispose();
  expect(theirs.length).toBe(ours.length);
  let max = 0;
  for (let i = 0; i < ours.length; i++) max = Math.max(max, Math.abs(ours[i]! - theirs[i]!));
  return max;
}

describe('ONNX export', () => {
  it('writes protobuf varints, negative int64 and nested messages as the wire format says', () => {
    const w = new ProtoWriter();
    w.int(1, 300)
      .int(2, -1)
      .string(3, 'hi')
      .message(4, (m) => m.int(1, 1))
      .float(5, 1);
    expect(Array.from(w.finish())).toEqual([
      0x08, 0xac, 0x02, 0x10, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01, 0x1a, 2, 0x68, 0x69, 0x22, 2, 0x08, 1, 0x2d, 0, 0, 0x80, 0x3f,
    ]);
  });

  it('dense network: ONNX Runtime matches the float model within 1e-4', async () => {
    expect(
      await parity(
        {
          inputShape: [12],
          layers: [
            { type: 'dense', units: 8, activation: 'relu' },
            { type: 'dropout', rate: 0.2 },
            { type: 'dense', units: 6, activation: 'tanh' },
          ],
        },
        12,
      ),
    ).toBeLessThan(1e-4);
  });

  it('conv1d + pools + batch norm + relu6 (the spectrogram default shape): matches within 1e-4', async () => {
    const spec: ModelSpecInput = {
      inputShape: [40],
      layers: [
        { type: 'reshape', targetShape: [10, 4] },
        { type: 'conv1d', filters: 5, kernelSize: 3, padding: 'same', activation: 'relu6' },
        { type: 'batchNorm' },
        { type: 'maxPool1d', poolSize: 2, padding: 'same' },
        { type: 'conv1d', filters: 4, kernelSize: 2, strides: 2, padding: 'valid', activation: 'sigmoid' },
        { type: 'avgPool1d', poolSize: 2, padding: 'same' },
        { type: 'flatten' },
      ],
    };
    expect(await parity(spec, 40)).toBeLessThan(1e-4);
  });

  it('conv2d + odd sizes with same padding (image default shape): matches within 1e-4', async () => {
    const spec: ModelSpecInput = {
      inputShape: [7 * 5 * 2],
      layers: [
        { type: 'reshape', targetShape: [7, 5, 2] },
        { type: 'conv2d', filters: 4, kernelSize: 3, strides: 2, padding: 'same', activation: 'relu' },
        { type: 'avgPool2d', poolSize: 2, padding: 'same' },
        { type: 'conv2d', filters: 3, kernelSize: 1, activation: 'linear' },
        { type: 'maxPool2d', poolSize: 2, strides: 1, padding: 'valid' },
        { type: 'flatten' },
        { type: 'dense', units: 5 },
      ],
    };
    expect(await parity(spec, 70)).toBeLessThan(1e-4);
  });

  it('regressor: one linear output, no softmax', async () => {
    const { features } = data(64, 6, 2);
    const targets = Float32Array.from({ length: 64 }, (_, r) => features[r * 6]! * 2 - features[r * 6 + 1]!);
    const res = await trainRegressor({ spec: { inputShape: [6], layers: [{ type: 'dense', units: 4 }] }, features, featureShape: [6], targets, settings });
    const runner = await OnnxRunner.create(exportOnnx(res.spec, res.weights), 6);
    const theirs = await runner.run(features);
    const ours = predict(res.weights, res.spec, features);
    for (let i = 0; i < ours.length; i++) expect(Math.abs(ours[i]! - theirs[i]!)).toBeLessThan(1e-4);
  });

  it('refuses weights that do not belong to the spec, naming the tensor', () => {
    expect(() =>
      exportOnnx({ inputShape: [4], layers: [{ type: 'dense', units: 2, activation: 'relu' }] }, { head: { kind: 'classification', classes: 2 }, tensors: [] }),
    ).toThrow(/no tensor "dense_1\/kernel"/);
  });
});
