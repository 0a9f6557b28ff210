/**
 * The generated library compiled with the host gcc (-std=c99 -O2 -Wall -Wextra -Werror
 * -ffp-contract=off) and run on the same features as the studio's engines: int8 outputs equal
 * `runInt8Raw` exactly, float32 scores are within 1e-5 of `runFloatModel`.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { quantizeInput, runInt8Raw } from '../../../shared/model/int8';
import type { Int8Model } from '../../../shared/model/int8Model';
import { runFloatModel } from '../../../shared/model/floatRunner';
import type { ModelSpecInput, OutputHead } from '../../../shared/model/spec';
import { generateCLibrary, type CLibraryImpulse } from './index';
import { buildWithHarness, type BuiltLibrary } from './testing/hostGcc';
import { randomNetwork, rawImpulse, row, type RandomNetwork } from './testing/fixtures';

const built: BuiltLibrary[] = [];
afterAll(() => built.forEach((b) => b.dispose()));

function build(lib: Parameters<typeof buildWithHarness>[0], flags: string[] = []): BuiltLibrary {
  const b = buildWithHarness(lib, flags);
  built.push(b);
  return b;
}

function rowsOf(features: Float32Array, length: number): Float32Array[] {
  return Array.from({ length: features.length / length }, (_, r) => row(features, length, r));
}

/** int8 outputs of the TypeScript engine, per row. */
function tsInt8(model: Int8Model, features: Float32Array): number[][] {
  const out: number[][] = [];
  for (let r = 0; r < features.length / model.inSize; r++) out.push(Array.from(runInt8Raw(model, quantizeInput(model, features, r))));
  return out;
}

function labelsFor(head: OutputHead): string[] {
  return head.kind === 'classification' ? Array.from({ length: head.classes }, (_, i) => `class ${i}`) : [];
}

/** A raw impulse that reads `inSize` features as `readings` × `axes`. */
function impulseFor(inSize: number): CLibraryImpulse {
  const axes = inSize % 3 === 0 ? ['x', 'y', 'z'] : ['x'];
  return rawImpulse({ readings: inSize / axes.length, axes });
}

function libraryFor(net: RandomNetwork, head: OutputHead, precision: 'int8' | 'float32') {
  return generateCLibrary({
    name: 'test',
    precision,
    labels: labelsFor(head),
    impulse: impulseFor(net.float.inSize),
    float: net.float,
    int8: net.int8,
    anomaly: null,
  });
}

const cases: { title: string; spec: ModelSpecInput; head: OutputHead; scaling?: boolean }[] = [
  {
    title: 'dense 33→20→10→4 with feature scaling',
    spec: {
      inputShape: [33],
      layers: [
        { type: 'dense', units: 20 },
        { type: 'dense', units: 10 },
      ],
    },
    head: { kind: 'classification', classes: 4 },
    scaling: true,
  },
  {
    title: 'conv1d + max pool + batch norm + dense (odd sizes)',
    spec: {
      inputShape: [51],
      layers: [
        { type: 'reshape', targetShape: [17, 3] },
        { type: 'conv1d', filters: 7, kernelSize: 3 },
        { type: 'maxPool1d', poolSize: 2 },
        { type: 'batchNorm' },
        { type: 'conv1d', filters: 5, kernelSize: 5, strides: 2, padding: 'valid', activation: 'relu6' },
        { type: 'flatten' },
        { type: 'dropout', rate: 0.2 },
        { type: 'dense', units: 9, activation: 'tanh' },
      ],
    },
    head: { kind: 'classification', classes: 3 },
  },
  {
    title: 'conv2d + average pool + sigmoid',
    spec: {
      inputShape: [48],
      layers: [
        { type: 'reshape', targetShape: [4, 4, 3] },
        { type: 'conv2d', filters: 6, kernelSize: 3 },
        { type: 'avgPool2d', poolSize: 3, strides: 2 },
        { type: 'batchNorm' },
        { type: 'flatten' },
        { type: 'dense', units: 8, activation: 'sigmoid' },
      ],
    },
    head: { kind: 'classification', classes: 5 },
  },
  { title: 'a regression head', spec: { inputShape: [12], layers: [{ type: 'dense', units: 6 }] }, head: { kind: 'regression' }, scaling: true },
];

describe('generated C library on the host', () => {
  for (const [i, c] of cases.entries()) {
    it(`int8: ${c.title} gives the TypeScript engine's int8 outputs exactly`, () => {
      const net = randomNetwork(c.spec, c.head, 100 + i, { scaling: c.scaling });
      const lib = build(libraryFor(net, c.head, 'int8'));
      const got = lib.run('features', rowsOf(net.features, net.float.inSize));
      expect(got.map((g) => g.status)).toEqual(got.map(() => 0));
      expect(got.map((g) => g.quantized)).toEqual(tsInt8(net.int8, net.features));
    });

    it(`float32: ${c.title} is within 1e-5 of the TypeScript float engine`, () => {
      const net = randomNetwork(c.spec, c.head, 100 + i, { scaling: c.scaling });
      const lib = build(libraryFor(net, c.head, 'float32'));
      const got = lib.run('features', rowsOf(net.features, net.float.inSize));
      const want = runFloatModel(net.float, net.features);
      const out = net.float.outSize;
      let worst = 0;
      got.forEach((g, r) => g.scores.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - want[r * out + k]!)))));
      expect(got).toHaveLength(net.rows);
      expect(worst).toBeLessThan(1e-5);
    });
  }
});
