import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '../../shared/model/random.js';
import { type ModelSpecInput, type OutputHead, parseModelSpec } from '../../shared/model/spec.js';
import { runFloatModel } from '../../shared/model/floatRunner.js';
import { lowerFloat } from '../../shared/model/lowerFloat.js';
import { computeScaling } from '../../shared/model/scaling.js';
import { buildNetwork, exportWeights } from './network.js';
import { buildTfModel } from './tfModel.js';
import { predict } from './trainer.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cases: { title: string; spec: ModelSpecInput; head: OutputHead }[] = [
  {
    title: 'dense relu / tanh / sigmoid',
    spec: {
      inputShape: [7],
      layers: [
        { type: 'dense', units: 5, activation: 'relu' },
        { type: 'dense', units: 4, activation: 'tanh' },
        { type: 'dense', units: 3, activation: 'sigmoid' },
      ],
    },
    head: { kind: 'classification', classes: 3 },
  },
  {
    title: 'conv1d same + valid strides, max and avg pooling',
    spec: {
      inputShape: [66],
      layers: [
        { type: 'reshape', targetShape: [11, 6] },
        { type: 'conv1d', filters: 4, kernelSize: 3, padding: 'same' },
        { type: 'maxPool1d', poolSize: 2, padding: 'same' },
        { type: 'conv1d', filters: 5, kernelSize: 2, strides: 2, padding: 'valid', activation: 'relu6' },
        { type: 'avgPool1d', poolSize: 2, strides: 1, padding: 'valid' },
        { type: 'flatten' },
      ],
    },
    head: { kind: 'classification', classes: 4 },
  },
  {
    title: 'conv2d, pooling 2d and batch norm',
    spec: {
      inputShape: [7, 6, 2],
      layers: [
        { type: 'conv2d', filters: 3, kernelSize: 3, padding: 'same', activation: 'linear' },
        { type: 'batchNorm' },
        { type: 'avgPool2d', poolSize: 2, padding: 'valid' },
        { type: 'conv2d', filters: 4, kernelSize: 2, strides: 2, padding: 'same' },
        { type: 'maxPool2d', poolSize: 2, strides: 1, padding: 'valid' },
        { type: 'flatten' },
        { type: 'dense', units: 6 },
      ],
    },
    head: { kind: 'regression' },
  },
];

function randomInput(n: number, len: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: n * len }, () => rng.normal());
}

describe("Kiln's engine matches tfjs", () => {
  for (const c of cases) {
    it(`${c.title}: forward pass and gradients`, () => {
      const spec = parseModelSpec(c.spec);
      const net = buildNetwork(spec, c.head, createRng(3));
      const weights = exportWeights(net);
      const model = buildTfModel(tf, spec, c.head, { weights });
      const n = 5;
      const x = randomInput(n, net.inSize, 11);
      const xt = tf.tensor(x, [n, ...spec.inputShape]);

      // inference
      const ours = new Float32Array(net.forward(x, n, false).subarray(0, n * net.outSize));
      const theirs = (model.predict(xt) as tf.Tensor).dataSync();
      expect(ours.length).toBe(theirs.length);
      for (let i = 0; i < ours.length; i++) expect(ours[i]).toBeCloseTo(theirs[i]!, 4);

      // gradients of sum(out · r) in training mode
      const r = randomInput(n, net.outSize, 12);
      net.zeroGrad();
      net.forward(x, n, true);
      net.backward(r, n);
      const rt = tf.tensor(r, [n, net.outSize]);
      const { grads } = tf.variableGrads(() => tf.sum(tf.mul(model.apply(xt, { training: true }) as tf.Tensor, rt)) as tf.Scalar);
      const trainable = net.allParams().filter((p) => p.param.grad !== null);
      const tfWeights = model.trainableWeights;
      expect(tfWeights.length).toBe(trainable.length);
      const mismatches: string[] = [];
      tfWeights.forEach((w, k) => {
        const g = grads[w.name]!.dataSync();
        const mine = trainable[k]!.param.grad!;
        expect(mine.length).toBe(g.length);
        for (let i = 0; i < g.length; i++) {
          if (Math.abs(mine[i]! - g[i]!) > 1e-3 * Math.max(1, Math.abs(g[i]!))) mismatches.push(`${w.originalName}[${i}]: ${mine[i]} vs ${g[i]}`);
        }
      });
      expect(mismatches.slice(0, 3)).toEqual([]);
    });
  }
});

describe('the lowered FloatModel (what the C library float32 path runs)', () => {
  const extra: (typeof cases)[number] = {
    title: 'batch norm after relu (not foldable), tanh and sigmoid convolutions',
    spec: {
      inputShape: [40],
      layers: [
        { type: 'reshape', targetShape: [10, 4] },
        { type: 'conv1d', filters: 5, kernelSize: 3, activation: 'tanh' },
        { type: 'batchNorm' },
        { type: 'conv1d', filters: 3, kernelSize: 3, activation: 'linear' },
        { type: 'dropout', rate: 0.5 },
        { type: 'batchNorm' },
        { type: 'maxPool1d', poolSize: 3, padding: 'same' },
        { type: 'conv1d', filters: 4, kernelSize: 2, activation: 'sigmoid', padding: 'valid' },
        { type: 'flatten' },
      ],
    },
    head: { kind: 'classification', classes: 3 },
  };
  for (const c of [...cases, extra]) {
    it(`${c.title}: equals predict within 1e-5, batch norm folded, with feature scaling`, () => {
      const spec = parseModelSpec(c.spec);
      const net = buildNetwork(spec, c.head, createRng(5));
      const weights = exportWeights(net);
      // batch norms with real statistics, so folding has something to get wrong
      const rng = createRng(9);
      for (const t of weights.tensors) {
        if (t.name === 'gamma') t.values.forEach((_, i) => (t.values[i] = 0.5 + rng.next()));
        if (t.name === 'beta' || t.name === 'moving_mean') t.values.forEach((_, i) => (t.values[i] = 0.3 * rng.normal()));
        if (t.name === 'moving_variance') t.values.forEach((_, i) => (t.values[i] = 0.2 + rng.next()));
      }
      const x = randomInput(20, net.inSize, 13);
      for (let i = 0; i < x.length; i++) x[i] = x[i]! * (1 + (i % 7)) + (i % 5);
      const scaled = { ...weights, scaling: computeScaling(x, net.inSize) };
      const f = lowerFloat(spec, c.head, scaled, scaled.scaling);
      expect(f.ops.some((o) => o.op === 'channelAffine')).toBe(c === extra);
      const want = predict(scaled, spec, x);
      const got = runFloatModel(f, x);
      expect(got.length).toBe(want.length);
      let max = 0;
      for (let i = 0; i < got.length; i++) max = Math.max(max, Math.abs(got[i]! - want[i]!));
      expect(max).toBeLessThan(1e-5);
    });
  }
});

// tfjs's cpu AvgPoolGrad divides by the full window even where 'same' padding leaves fewer
// values (its forward pass divides by the valid count, like TensorFlow), so 'same' average
// pooling is checked against finite differences instead.
describe('gradients by finite differences', () => {
  it("'same' average pooling with partial windows", () => {
    const spec = parseModelSpec({
      inputShape: [5, 5, 2],
      layers: [
        { type: 'conv2d', filters: 2, kernelSize: 3, padding: 'same', activation: 'tanh' },
        { type: 'avgPool2d', poolSize: 2, padding: 'same' },
        { type: 'reshape', targetShape: [9, 2] },
        { type: 'avgPool1d', poolSize: 2, padding: 'same' },
        { type: 'flatten' },
      ],
    });
    const net = buildNetwork(spec, { kind: 'regression' }, createRng(5));
    const n = 3;
    const x = randomInput(n, net.inSize, 1);
    const r = randomInput(n, 1, 2);
    const loss = () => {
      const y = net.forward(x, n, false);
      let s = 0;
      for (let i = 0; i < n; i++) s += y[i]! * r[i]!;
      return s;
    };
    net.zeroGrad();
    net.forward(x, n, true);
    net.backward(r, n);
    const kernel = net.layers[0]!.params[0]!;
    const eps = 1e-2;
    for (let i = 0; i < kernel.values.length; i += 5) {
      const w0 = kernel.values[i]!;
      kernel.values[i] = w0 + eps;
      const up = loss();
      kernel.values[i] = w0 - eps;
      const down = loss();
      kernel.values[i] = w0;
      expect(kernel.grad![i]).toBeCloseTo((up - down) / (2 * eps), 2);
    }
  });
});
