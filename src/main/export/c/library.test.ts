/**
 * The generated library compiled with the host gcc (-std=c99 -O2 -Wall -Wextra -Werror
 * -ffp-contract=off) and run on the same features as the studio's engines: int8 outputs equal
 * `runInt8Raw` exactly, float32 scores are within 1e-5 of `runFloatModel`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getDspBlock, paramsWithDefaults } from '../../../shared/dsp/index';
import type { Impulse } from '../../../shared/impulse/impulse';
import { blockInput } from '../../../shared/impulse/windowing';
import { anomalyScore, anomalyScores, trainGmm, trainKMeans, type AnomalyModel } from '../../../shared/model/anomaly';
import { createRng } from '../../../shared/model/random';
import { quantizeInput, runInt8Raw } from '../../../shared/model/int8';
import type { Int8Model } from '../../../shared/model/int8Model';
import { runFloatModel } from '../../../shared/model/floatRunner';
import type { ModelSpecInput, OutputHead } from '../../../shared/model/spec';
import { generateCLibrary, type CLibraryImpulse } from './index';
import { buildWithHarness, disposeKernelCache, SANITIZE_CFLAGS, writeLibrary, type BuiltLibrary } from './testing/hostGcc';
import { randomFeatures, randomNetwork, rawImpulse, row, type RandomNetwork } from './testing/fixtures';

const built: BuiltLibrary[] = [];
afterAll(() => {
  built.forEach((b) => b.dispose());
  disposeKernelCache();
});

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

describe('the Cortex-M DSP-extension path', () => {
  it('gives the portable path’s integers (ACLE intrinsics emulated on the host, under ASan and UBSan)', () => {
    const c = cases[1]!;
    const net = randomNetwork(c.spec, c.head, 101);
    const lib = build(libraryFor(net, c.head, 'int8'), ['-DKILN_EMULATE_DSP_EXT', ...SANITIZE_CFLAGS]);
    const got = lib.run('features', rowsOf(net.features, net.float.inSize));
    expect(got.map((g) => g.quantized)).toEqual(tsInt8(net.int8, net.features));
  });
});

describe('anomaly blocks in C', () => {
  const readings = 6;
  const axes = ['x', 'y'];
  const features = randomFeatures(60, readings * axes.length, 7);
  const net = randomNetwork({ inputShape: [12], layers: [{ type: 'dense', units: 5 }] }, { kind: 'classification', classes: 3 }, 9);
  const models: [string, AnomalyModel][] = [
    ['K-means', trainKMeans(features, 12, { clusters: 3, seed: 1, axes: [0, 3, 4, 11] })],
    ['a diagonal GMM', trainGmm(features, 12, { components: 2, covariance: 'diagonal', seed: 2 })],
    ['a full-covariance GMM', trainGmm(features, 12, { components: 3, covariance: 'full', seed: 3, axes: [1, 2, 5, 6, 7] })],
  ];
  for (const [title, model] of models) {
    it(`scores ${title} like the studio (relative 1e-4) beside the int8 classifier`, () => {
      const kind = model.kind === 'kmeans' ? 'kmeans' : 'gmm';
      const lib = build(
        generateCLibrary({
          name: 'anomaly',
          precision: 'int8',
          labels: ['a', 'b', 'c'],
          impulse: rawImpulse({ readings, axes, anomaly: kind }),
          float: net.float,
          int8: net.int8,
          anomaly: model,
        }),
      );
      const got = lib.run('features', rowsOf(features, 12));
      const want = anomalyScores(model, features, 12);
      got.forEach((g, r) => expect(Math.abs(g.anomaly - want[r]!)).toBeLessThanOrEqual(1e-4 * Math.max(1, Math.abs(want[r]!))));
      expect(got.map((g) => g.quantized)).toEqual(tsInt8(net.int8, features));
    });
  }
});

describe('windows through kiln_run_classifier', () => {
  const readings = 10;
  const axes = ['accX', 'accY', 'accZ'];
  // the network reads axes z and x (in that order), scaled by 2: the raw block's own choice
  const impulse = rawImpulse({ readings, axes, blockAxes: ['accZ', 'accX'], scale: 2 });
  const net = randomNetwork({ inputShape: [20], layers: [{ type: 'dense', units: 8 }] }, { kind: 'classification', classes: 3 }, 21, { scaling: true });
  const windows = rowsOf(randomFeatures(12, readings * axes.length, 22), readings * axes.length);
  const dspFeatures = (w: Float32Array) =>
    getDspBlock('raw').run(
      {
        axes: ['accZ', 'accX'],
        frequencyHz: 50,
        values: Float32Array.from({ length: readings * 2 }, (_, i) => w[Math.floor(i / 2) * 3 + (i % 2 === 0 ? 2 : 0)]!),
      },
      impulse.blocks[0]!.task.params,
    ).features;
  const lib = () =>
    build(generateCLibrary({ name: 'windows', precision: 'int8', labels: ['a', 'b', 'c'], impulse, float: net.float, int8: net.int8, anomaly: null }));

  it('runs the raw block and the network on each window as the studio does', () => {
    const got = lib().run('windows', windows);
    const want = windows.map((w) => tsInt8(net.int8, dspFeatures(w))[0]);
    expect(got.map((g) => g.quantized)).toEqual(want);
    got.forEach((g) => expect(g.scores.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 1));
  });

  it('continuous mode: fills the rolling window slice by slice, then classifies the latest window', () => {
    const slice = (readings / 4) | 0;
    const stream = Float32Array.from(windows.slice(0, 3).flatMap((w) => Array.from(w)));
    const slices = rowsOf(stream.subarray(0, Math.floor(stream.length / (slice * 3)) * slice * 3), slice * 3);
    const got = lib().run('continuous', slices);
    const windowValues = readings * 3;
    const fillSlices = Math.ceil(windowValues / (slice * 3));
    got.forEach((g, i) => {
      if (i + 1 < fillSlices) return expect(g.status).toBe(1);
      expect(g.status).toBe(0);
      const end = (i + 1) * slice * 3;
      const window = stream.subarray(end - windowValues, end);
      expect(g.quantized).toEqual(tsInt8(net.int8, dspFeatures(window))[0]);
    });
  });
});

describe('what the generator refuses', () => {
  const net = randomNetwork({ inputShape: [6], layers: [{ type: 'dense', units: 4 }] }, { kind: 'classification', classes: 2 }, 5);
  const base = { name: 'refuse', precision: 'int8' as const, labels: ['a', 'b'], float: net.float, int8: net.int8, anomaly: null };

  it('says that custom blocks cannot be exported yet', () => {
    const impulse = rawImpulse({ readings: 2, axes: ['x', 'y', 'z'] });
    impulse.blocks[0]!.task.block = 'custom:my-filter';
    impulse.blocks[0]!.task.title = 'My filter';
    expect(() => generateCLibrary({ ...base, impulse })).toThrow(/"My filter" is a custom block: custom blocks cannot be exported yet/);
  });

  it('refuses a network whose input does not match the DSP output', () => {
    expect(() => generateCLibrary({ ...base, impulse: rawImpulse({ readings: 3, axes: ['x', 'y', 'z'] }) })).toThrow(
      /reads 6 features but its DSP blocks give 9/,
    );
  });

  it('refuses an int8 export without an int8 model, and names a bad library name', () => {
    const impulse = rawImpulse({ readings: 2, axes: ['x', 'y', 'z'] });
    expect(() => generateCLibrary({ ...base, impulse, int8: null })).toThrow(/no int8 version/);
    expect(() => generateCLibrary({ ...base, impulse, name: '1 bad name' })).toThrow(/Library name "1 bad name"/);
  });
});

describe('the library as a user gets it', () => {
  it('builds with its Makefile and CMakeLists, classifies a window file (one value per line or CSV) like the harness, and its headers compile as C++', () => {
    const net = randomNetwork({ inputShape: [12], layers: [{ type: 'dense', units: 6 }] }, { kind: 'classification', classes: 3 }, 31);
    const lib = generateCLibrary({
      name: 'user-lib',
      precision: 'int8',
      labels: ['idle', 'wave', 'snake'],
      impulse: rawImpulse({ readings: 4, axes: ['x', 'y', 'z'] }),
      float: net.float,
      int8: net.int8,
      anomaly: null,
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'kiln-user-'));
    try {
      writeLibrary(lib, dir);
      execFileSync('make', ['-s', 'CFLAGS=-std=c99 -O2 -Wall -Wextra -Werror'], { cwd: dir, stdio: 'pipe' });
      const window = row(net.features, 12, 0);
      writeFileSync(path.join(dir, 'lines.txt'), Array.from(window).join('\n') + '\n');
      writeFileSync(path.join(dir, 'window.csv'), Array.from(window).join(', ') + '\n');
      const byLine = execFileSync(path.join(dir, 'build/classify'), ['lines.txt'], { cwd: dir }).toString();
      const byCsv = execFileSync(path.join(dir, 'build/classify'), ['window.csv'], { cwd: dir }).toString();
      const want = tsInt8(net.int8, window)[0]!.map((q) => (q + 128) / 256);
      expect(byLine).toBe(byCsv);
      const printed = [...byLine.matchAll(/^(\w+): ([\d.]+)$/gm)].map((m) => [m[1], Number(m[2])] as const);
      expect(printed.map(([label]) => label)).toEqual(['idle', 'wave', 'snake']);
      printed.forEach(([, v], k) => expect(Math.abs(v - want[k]!)).toBeLessThanOrEqual(5e-6));
      execFileSync('cmake', ['-S', '.', '-B', 'cmake-build', '-DCMAKE_BUILD_TYPE=Release'], { cwd: dir, stdio: 'pipe' });
      execFileSync('cmake', ['--build', 'cmake-build'], { cwd: dir, stdio: 'pipe' });
      expect(execFileSync(path.join(dir, 'cmake-build/classify'), ['window.csv'], { cwd: dir }).toString()).toBe(byCsv);
      writeFileSync(
        path.join(dir, 'cpp.cpp'),
        '#include "kiln_classifier.h"\n#include "kiln_nn.h"\n#include "kiln_anomaly.h"\nint main() { kiln_result_t r; return kiln_classify_features(nullptr, &r) == KILN_ERR_ARGUMENT ? 0 : 1; }\n',
      );
      execFileSync(
        'g++',
        ['-std=c++11', '-Wall', '-Wextra', '-Werror', '-Ikiln-sdk/nn', '-Ikiln-sdk/runtime', '-Imodel', 'cpp.cpp', 'libkiln.a', '-lm', '-o', 'cpp'],
        { cwd: dir, stdio: 'pipe' },
      );
      execFileSync(path.join(dir, 'cpp'), { cwd: dir });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('exports an impulse with only an anomaly block', () => {
    const features = randomFeatures(30, 6, 41);
    const model = trainKMeans(features, 6, { clusters: 2, seed: 1 });
    const lib = build(
      generateCLibrary({
        name: 'only-anomaly',
        precision: 'int8',
        labels: [],
        impulse: rawImpulse({ readings: 2, axes: ['x', 'y', 'z'], classifier: false, anomaly: 'kmeans' }),
        float: null,
        int8: null,
        anomaly: model,
      }),
    );
    const got = lib.run('windows', rowsOf(features, 6));
    const want = anomalyScores(model, features, 6);
    got.forEach((g, r) => expect(g.anomaly).toBeCloseTo(want[r]!, 4));
  });
});

describe('kiln_model_metadata.h', () => {
  it('carries the constants a sketch needs, matching the summary', () => {
    const net = randomNetwork({ inputShape: [24], layers: [{ type: 'dense', units: 5 }] }, { kind: 'classification', classes: 3 }, 51);
    const lib = generateCLibrary({
      name: 'meta',
      precision: 'int8',
      labels: ['idle', 'up "down"', 'wave'],
      impulse: rawImpulse({ readings: 8, axes: ['accX', 'accY', 'accZ'] }),
      float: net.float,
      int8: net.int8,
      anomaly: null,
    });
    const h = lib.files.get('model/kiln_model_metadata.h') as string;
    const value = (name: string) => new RegExp(`#define ${name} +(.+?)(?: /\\*|$)`, 'm').exec(h)?.[1];
    expect(value('KILN_RAW_SAMPLE_COUNT')).toBe('8');
    expect(value('KILN_RAW_SAMPLES_PER_FRAME')).toBe('3');
    expect(value('KILN_DSP_INPUT_FRAME_SIZE')).toBe('24');
    expect(value('KILN_AXES')).toBe('"accX,accY,accZ"');
    expect(value('KILN_FREQUENCY')).toBe('50.0f');
    expect(value('KILN_INTERVAL_MS')).toBe('20.0f');
    expect(value('KILN_LABEL_COUNT')).toBe('3');
    expect(value('KILN_LABELS')).toBe('{"idle", "up \\"down\\"", "wave"}');
    expect(value('KILN_FEATURE_COUNT')).toBe('24');
    expect(value('KILN_OUTPUT_SCALE')).toBe('0.00390625f');
    expect(value('KILN_OUTPUT_ZERO_POINT')).toBe('-128');
    expect(value('KILN_INPUT_ZERO_POINT')).toBe(String(net.int8.input.zeroPoint));
    expect(value('KILN_ARENA_SIZE')).toBe(String(lib.summary.arenaBytes));
    expect(value('KILN_HAS_ANOMALY')).toBe('0');
    expect(lib.summary).toMatchObject({ featureCount: 24, labels: ['idle', 'up "down"', 'wave'], precision: 'int8' });
    expect(lib.summary.weightBytes).toBeGreaterThan(24 * 5);
  });
});

describe('an image impulse', () => {
  for (const channels of ['RGB', 'Grayscale'] as const) {
    it(`runs the ${channels} image block and the network on packed 0xRRGGBB pixels like the studio`, () => {
      const width = 4;
      const height = 3;
      const perPixel = channels === 'RGB' ? 3 : 1;
      const net = randomNetwork({ inputShape: [width * height * perPixel], layers: [{ type: 'dense', units: 6 }] }, { kind: 'classification', classes: 2 }, 61);
      const params = { channels };
      const definition = {
        input: { type: 'image' as const, width, height, resizeMode: 'squash' as const },
        dsp: [{ id: 'image', block: 'image', title: 'Image', axes: ['image'], params }],
        learning: [{ id: 'nn', type: 'classification' as const, title: 'Classifier', inputs: ['image'] }],
      };
      const impulse = {
        definition,
        blocks: [
          {
            config: definition.dsp[0]!,
            featuresPerWindow: width * height * perPixel,
            task: { key: 'image', id: 'image', block: 'image', title: 'Image', axes: ['image'], params },
          },
        ],
        classifier: 'nn',
        anomaly: null,
      };
      const lib = build(
        generateCLibrary({ name: 'image', precision: 'int8', labels: ['cat', 'dog'], impulse, float: net.float, int8: net.int8, anomaly: null }),
      );
      const rng = createRng(62);
      const images = Array.from({ length: 10 }, () => Float32Array.from({ length: width * height }, () => rng.int(0x1000000)));
      const want = images.map(
        (img) => tsInt8(net.int8, getDspBlock('image').run({ axes: ['image'], frequencyHz: 0, values: img, width, height }, params).features)[0],
      );
      expect(lib.run('windows', images).map((r) => r.quantized)).toEqual(want);
    });
  }
});

describe('several DSP blocks', () => {
  it('lays out the network’s blocks in its input order and an anomaly block that also reads a block of its own', () => {
    const readings = 8;
    const axes = ['x', 'y', 'z'];
    const raw = getDspBlock('raw');
    const flatten = getDspBlock('flatten');
    const blocks = [
      { id: 'rawz', block: 'raw', axes: ['z'], params: { ...paramsWithDefaults(raw.params), 'scale-axes': 0.5 } },
      { id: 'flat', block: 'flatten', axes: ['x', 'y'], params: paramsWithDefaults(flatten.params) },
      { id: 'flatz', block: 'flatten', axes: ['z'], params: paramsWithDefaults(flatten.params) },
    ];
    const definition: Impulse = {
      input: { type: 'time-series', windowSizeMs: 160, windowIncreaseMs: 100, frequencyHz: 50, zeroPad: false, axes },
      dsp: blocks.map((b) => ({ ...b, title: b.id })),
      learning: [
        { id: 'nn', type: 'classification', title: 'Classifier', inputs: ['flat', 'rawz'] },
        { id: 'anomaly', type: 'anomaly-kmeans', title: 'Anomaly', inputs: ['rawz', 'flatz'] },
      ],
    };
    const resolved = definition.dsp.map((d) => ({
      config: d,
      featuresPerWindow: getDspBlock(d.block).outputShape({ axes: d.axes.length, readings, frequencyHz: 50 }, d.params).length,
      task: { key: d.id, id: d.id, block: d.block, title: d.id, axes: d.axes, params: d.params },
    }));
    const windows = rowsOf(randomFeatures(30, readings * 3, 71), readings * 3);
    const featuresOf = (w: Float32Array, ids: string[]) =>
      Float32Array.from(
        ids.flatMap((id) =>
          Array.from(
            getDspBlock(definition.dsp.find((d) => d.id === id)!.block).run(
              blockInput(
                definition.input,
                definition.dsp.find((d) => d.id === id)!,
                w,
              ),
              definition.dsp.find((d) => d.id === id)!.params,
            ).features,
          ),
        ),
      );
    const netRows = windows.map((w) => featuresOf(w, ['flat', 'rawz']));
    const anomalyRows = windows.map((w) => featuresOf(w, ['rawz', 'flatz']));
    const inSize = netRows[0]!.length;
    const net = randomNetwork({ inputShape: [inSize], layers: [{ type: 'dense', units: 5 }] }, { kind: 'classification', classes: 2 }, 72);
    const anomalyLen = anomalyRows[0]!.length;
    const model = trainKMeans(Float32Array.from(anomalyRows.flatMap((r) => Array.from(r))), anomalyLen, { clusters: 2, seed: 3 });
    const lib = generateCLibrary({
      name: 'blocks',
      precision: 'int8',
      labels: ['a', 'b'],
      impulse: { definition, blocks: resolved, classifier: 'nn', anomaly: 'anomaly' },
      float: net.float,
      int8: net.int8,
      anomaly: model,
    });
    expect(lib.summary.featureCount).toBe(inSize + anomalyLen - readings);
    const got = build(lib).run('windows', windows);
    got.forEach((g, i) => {
      expect(g.quantized).toEqual(tsInt8(net.int8, netRows[i]!)[0]);
      expect(g.anomaly).toBeCloseTo(anomalyScore(model, anomalyRows[i]!), 3);
    });
  });
});
