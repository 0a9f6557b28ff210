import { describe, expect, it } from 'vitest';
import { KilnError } from '../../shared/errors.js';
import { defaultSpec } from '../../shared/model/defaults.js';
import { createRng } from '../../shared/model/random.js';
import type { ModelSpecInput } from '../../shared/model/spec.js';
import { type TrainSettings, predict, splitBySample, trainClassifier, trainRegressor } from './trainer.js';

/** Gaussian blobs: class c centred at a seeded random point. */
function blobs(rows: number, dims: number, classes: number, seed: number, spread = 0.5) {
  const rng = createRng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: dims }, () => rng.normal() * 2));
  const features = new Float32Array(rows * dims);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % classes;
    labels[r] = c;
    for (let d = 0; d < dims; d++) features[r * dims + d] = centres[c]![d]! + rng.normal() * spread;
  }
  return { features, labels };
}

/** Spectrogram-like rows [frames, coeffs]: class c has a bump that moves with c. */
function spectrograms(rows: number, frames: number, coeffs: number, classes: number, seed: number) {
  const rng = createRng(seed);
  const features = new Float32Array(rows * frames * coeffs);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % classes;
    labels[r] = c;
    const offset = rng.int(3);
    for (let t = 0; t < frames; t++) {
      for (let k = 0; k < coeffs; k++) {
        const bump = k === (c * 2) % coeffs && (t + offset) % (c + 2) === 0 ? 2 : 0;
        features[(r * frames + t) * coeffs + k] = bump + rng.normal() * 0.3;
      }
    }
  }
  return { features, labels };
}

const settings: TrainSettings = {
  epochs: 15,
  learningRate: 0.01,
  batchSize: 16,
  validationSplit: 0.2,
  seed: 1,
};

const dense: ModelSpecInput = defaultSpec({ kind: 'flat', length: 6 });
const classNames = ['idle', 'wave', 'circle'];

function flatArgs(over: Partial<TrainSettings> = {}) {
  const { features, labels } = blobs(150, 6, 3, 7);
  return { spec: dense, features, featureShape: [6], labels, classNames, settings: { ...settings, ...over } };
}

function allWeights(w: { tensors: { values: Float32Array }[] }): number[] {
  return w.tensors.flatMap((t) => Array.from(t.values));
}

describe('trainClassifier', () => {
  it('learns separable blobs to high accuracy and reports every epoch', async () => {
    const epochs: number[] = [];
    const r = await trainClassifier({ ...flatArgs(), onEpoch: (e) => epochs.push(e) });
    expect(epochs).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
    expect(r.validation.set).toBe('validation');
    expect(r.validation.labels.length).toBe(30);
    expect(r.validation.accuracy).toBeGreaterThan(0.9);
    expect(r.history.at(-1)!.loss).toBeLessThan(r.history[0]!.loss);
    expect(r.validation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(30);
    expect(r.backend.name).toBe('kiln-js');
    expect(r.weights.tensors.map((t) => `${t.layer}/${t.name}`)).toEqual([
      'dense_1/kernel',
      'dense_1/bias',
      'dense_2/kernel',
      'dense_2/bias',
      'output/kernel',
      'output/bias',
    ]);
  });

  it('gives identical weights and metrics for the same seed, and different ones for another seed', async () => {
    const aug = { augmentation: { noise: 0.1 } };
    const a = await trainClassifier(flatArgs({ epochs: 4, ...aug }));
    const b = await trainClassifier(flatArgs({ epochs: 4, ...aug }));
    const c = await trainClassifier(flatArgs({ epochs: 4, seed: 2, ...aug }));
    expect(allWeights(a.weights)).toEqual(allWeights(b.weights));
    expect(a.history).toEqual(b.history);
    expect(Array.from(a.validationRows)).toEqual(Array.from(b.validationRows));
    expect(allWeights(a.weights)).not.toEqual(allWeights(c.weights));
  });

  it('trains the default conv1d stack (with dropout and augmentation) on spectrogram rows deterministically', async () => {
    const { features, labels } = spectrograms(120, 12, 5, 3, 3);
    const spec = defaultSpec({ kind: 'spectrogram', frames: 12, coefficients: 5 });
    const args = {
      spec,
      features,
      featureShape: [12, 5],
      labels,
      classNames,
      settings: { ...settings, epochs: 12, augmentation: { timeShift: 1, timeMask: 2, freqMask: 1, noise: 0.05 } },
    };
    const a = await trainClassifier(args);
    expect(a.validation.accuracy).toBeGreaterThan(0.8);
    const b = await trainClassifier(args);
    expect(allWeights(a.weights)).toEqual(allWeights(b.weights));
    // rebuilt from the saved weights, the model gives the same validation scores
    const rows = a.validationRows;
    const x = new Float32Array(rows.length * 60);
    rows.forEach((r, i) => x.set(features.subarray(r * 60, r * 60 + 60), i * 60));
    expect(Array.from(predict(a.weights, spec, x))).toEqual(Array.from(a.validation.predictions));
  });

  it('balances classes with class weighting and stops early when validation loss stalls', async () => {
    const r = await trainClassifier(flatArgs({ epochs: 200, classWeighting: true, earlyStopping: { patience: 3, minDelta: 0.001 } }));
    expect(r.stoppedEarly).toBe(true);
    expect(r.epochsRun).toBeLessThan(200);
    expect(r.validation.accuracy).toBeGreaterThan(0.9);
  });

  it('stops with CANCELLED when asked to', async () => {
    let polls = 0;
    await expect(trainClassifier({ ...flatArgs(), shouldCancel: () => ++polls > 5 })).rejects.toMatchObject({
      code: 'CANCELLED',
    });
  });

  it('sees a cancel flag set from a timer while it runs', async () => {
    let cancelled = false;
    setTimeout(() => (cancelled = true), 30);
    const err = await trainClassifier({ ...flatArgs({ epochs: 100_000 }), shouldCancel: () => cancelled }).catch((e: unknown) => e);
    expect((err as KilnError).code).toBe('CANCELLED');
  });

  it('evaluates on the training rows when there is no validation split', async () => {
    const r = await trainClassifier(flatArgs({ validationSplit: 0, epochs: 2 }));
    expect(r.validation.set).toBe('train');
    expect(r.validation.labels.length).toBe(150);
    expect(r.history[0]!.valLoss).toBeNull();
  });
});

describe('feature scaling', () => {
  it('standardises features on the training rows only, stores the statistics with the weights, and learns features of very different ranges', async () => {
    // blobs whose features span 1e-3 … 1e3 (as spectral features do)
    const { features, labels } = blobs(150, 6, 3, 7);
    const ranges = [1e-3, 1, 1e3, 5, 0.02, 300];
    for (let i = 0; i < features.length; i++) features[i] = features[i]! * ranges[i % 6]! + 10 * ranges[i % 6]!;
    const args = { spec: dense, features, featureShape: [6], labels, classNames, settings: { ...settings, epochs: 10 } };
    const scaled = await trainClassifier(args);
    const s = scaled.weights.scaling!;
    expect(s.mean).toHaveLength(6);
    // the mean of feature 2 over the training rows, not over all rows (validation never shapes it)
    let sum = 0;
    for (const r of scaled.trainRows) sum += features[r * 6 + 2]!;
    expect(s.mean[2]).toBeCloseTo(sum / scaled.trainRows.length, 1);
    expect(s.invStd[2]! * ranges[2]!).toBeGreaterThan(0.1);
    const raw = await trainClassifier({ ...args, settings: { ...args.settings, featureScaling: false } });
    expect(raw.weights.scaling).toBeNull();
    expect(scaled.validation.accuracy).toBeGreaterThan(0.95);
    expect(scaled.validation.accuracy).toBeGreaterThan(raw.validation.accuracy);
    // predict applies the stored scaling: the same scores as the network on pre-scaled rows
    const p = predict(scaled.weights, scaled.spec, features);
    const pre = new Float32Array(features.length);
    for (let i = 0; i < features.length; i++) pre[i] = Math.fround(Math.fround(features[i]! - s.mean[i % 6]!) * s.invStd[i % 6]!);
    expect(Array.from(predict({ ...scaled.weights, scaling: null }, scaled.spec, pre))).toEqual(Array.from(p));
  });
});

describe('bad input is refused before training starts', () => {
  async function refused(over: Record<string, unknown>, code: string, message: RegExp) {
    let epochs = 0;
    const err = await trainClassifier({ ...flatArgs(), ...over, onEpoch: () => epochs++ }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe(code);
    expect((err as KilnError).message).toMatch(message);
    expect(epochs).toBe(0);
  }

  it('one class only', async () => {
    const { features } = flatArgs();
    await refused({ labels: new Int32Array(150).fill(1) }, 'BAD_DATA', /Only one class \("wave"\) has training data/);
    await refused({ features, classNames: ['idle'] }, 'BAD_DATA', /at least 2 classes/);
  });

  it('an empty training set', async () => {
    await refused({ features: new Float32Array(0), labels: new Int32Array(0) }, 'BAD_DATA', /training set is empty/);
  });

  it('NaN features, naming the row', async () => {
    const { features } = flatArgs();
    features[6 * 42 + 3] = NaN;
    await refused({ features }, 'BAD_DATA', /Feature row 42, value 3 is NaN/);
  });

  it('features that do not fit the input shape', async () => {
    await refused({ featureShape: [7] }, 'BAD_DATA', /7 values \(\[7\]\) but the model input \[6\] needs 6/);
    await refused({ labels: new Int32Array(149) }, 'BAD_DATA', /150 feature rows but 149 labels/);
  });

  it('a spec whose layers are invalid', async () => {
    await refused(
      { spec: { inputShape: [6], layers: [{ type: 'conv1d', filters: 4, kernelSize: 3 }] } },
      'BAD_PARAMS',
      /Layer 1 \(conv1d\) needs input shaped \[steps, channels\]/,
    );
    await refused({ spec: { inputShape: [6], layers: [{ type: 'dense', units: -2 }] } }, 'BAD_PARAMS', /layer 1 field "units"/);
  });

  it('bad settings', async () => {
    await refused({ settings: { ...settings, learningRate: 0 } }, 'BAD_PARAMS', /Learning rate/);
    await refused({ settings: { ...settings, validationSplit: 1 } }, 'BAD_PARAMS', /Validation split/);
    await refused({ settings: { ...settings, augmentation: { timeShift: 2 } } }, 'BAD_PARAMS', /need features shaped \[frames, coefficients\]/);
  });
});

describe('trainRegressor', () => {
  it('fits a linear target and is deterministic', async () => {
    const rng = createRng(4);
    const rows = 200;
    const features = Float32Array.from({ length: rows * 4 }, () => rng.normal());
    const targets = Float32Array.from({ length: rows }, (_, r) => 2 * features[r * 4]! - features[r * 4 + 2]! + 0.5);
    const args = {
      spec: { inputShape: [4], layers: [{ type: 'dense' as const, units: 16 }] },
      features,
      featureShape: [4],
      targets,
      settings: { ...settings, epochs: 40 },
    };
    const a = await trainRegressor(args);
    expect(a.validation.mae).toBeLessThan(0.25);
    const b = await trainRegressor(args);
    expect(allWeights(a.weights)).toEqual(allWeights(b.weights));
    const err = await trainRegressor({ ...args, targets: targets.map((t, i) => (i === 5 ? NaN : t)) }).catch((e: unknown) => e);
    expect((err as KilnError).message).toMatch(/Row 5 has target value NaN/);
  });
});

describe('validation split by sample', () => {
  it('keeps every window of a sample on one side, stratified by label, the same for the same seed', () => {
    // 10 samples of 2 labels, 7 windows each
    const sampleOfRow = Int32Array.from({ length: 70 }, (_, r) => 100 + Math.floor(r / 7));
    const label = (r: number) => Math.floor(r / 7) % 2;
    const a = splitBySample(70, sampleOfRow, label, 0.2, 3, createRng(3).fork('split'));
    const b = splitBySample(70, sampleOfRow, label, 0.2, 3, createRng(3).fork('split'));
    expect(Array.from(a.val)).toEqual(Array.from(b.val));
    const valSamples = new Set(Array.from(a.val, (r) => sampleOfRow[r]!));
    const trainSamples = new Set(Array.from(a.train, (r) => sampleOfRow[r]!));
    expect([...valSamples].filter((s) => trainSamples.has(s))).toEqual([]);
    // one of the five samples of each label
    expect([...valSamples].map((s) => (s - 100) % 2).sort()).toEqual([0, 1]);
    expect(a.info).toEqual({
      by: 'sample',
      stratified: true,
      seed: 3,
      fraction: 0.2,
      trainSamples: 8,
      validationSamples: 2,
      trainWindows: 56,
      validationWindows: 14,
    });
  });
});
