import { describe, expect, it } from 'vitest';
import { AUDIO_AUGMENTATION_DEFAULT, TRAINING_DEFAULTS, defaultSpec, defaultTrainingSettings, networkFamily, trainingAdvice } from './defaults.js';
import { assertValidSpec } from './shapes.js';
import { parseModelSpec } from './spec.js';

describe('defaultSpec', () => {
  it('proposes dense 20 → dense 10 for flat features', () => {
    const s = defaultSpec({ kind: 'flat', length: 33 });
    expect(s.inputShape).toEqual([33]);
    expect(s.layers.map((l) => (l.type === 'dense' ? l.units : l.type))).toEqual([20, 10]);
  });

  it('proposes the reshape + conv1d stack for MFCC features', () => {
    const s = defaultSpec({ kind: 'spectrogram', frames: 49, coefficients: 13 });
    expect(s.layers.map((l) => l.type)).toEqual(['reshape', 'conv1d', 'maxPool1d', 'dropout', 'conv1d', 'maxPool1d', 'dropout', 'flatten']);
    expect(assertValidSpec(s, { kind: 'classification', classes: 2 }).outputShape).toEqual([2]);
  });

  it('proposes a conv2d stack for images', () => {
    const s = defaultSpec({ kind: 'image', width: 48, height: 48, channels: 3 });
    expect(s.layers.filter((l) => l.type === 'conv2d')).toHaveLength(2);
    expect(assertValidSpec(s, { kind: 'regression' }).outputShape).toEqual([1]);
  });

  it('round-trips through the schema unchanged', () => {
    for (const s of [
      defaultSpec({ kind: 'flat', length: 5 }),
      defaultSpec({ kind: 'spectrogram', frames: 10, coefficients: 4 }),
      defaultSpec({ kind: 'image', width: 8, height: 8, channels: 1 }),
    ]) {
      expect(parseModelSpec(JSON.parse(JSON.stringify(s)))).toEqual(s);
    }
  });
});

describe('training defaults, one place for the page and the CLI', () => {
  it('learns dense nets at 0.0005 and conv stacks at 0.005, early stopping on, augmentation for audio only', () => {
    const dense = defaultTrainingSettings({ kind: 'flat', length: 33 }, false);
    expect(dense).toMatchObject({ learningRate: 0.0005, epochs: TRAINING_DEFAULTS.dense.epochs, augmentation: {} });
    expect(dense.earlyStopping).toMatchObject({ monitor: 'accuracy', patience: TRAINING_DEFAULTS.dense.patience });
    const audio = defaultTrainingSettings({ kind: 'spectrogram', frames: 49, coefficients: 13 }, true);
    expect(audio.learningRate).toBe(0.005);
    expect(audio.augmentation).toEqual(AUDIO_AUGMENTATION_DEFAULT);
    expect(defaultTrainingSettings({ kind: 'spectrogram', frames: 49, coefficients: 13 }, false).augmentation).toEqual({});
    expect(networkFamily({ kind: 'image', width: 8, height: 8, channels: 1 })).toBe('conv2d');
  });

  it('says when training ended under-fitted or unsure, and what to change', () => {
    const base = { uncertainThreshold: 0.6, learningRate: 0.0001, epochsRun: 30, epochs: 30, stoppedEarly: false, family: 'dense' as const };
    const low = trainingAdvice({ ...base, trainAccuracy: 0.55, uncertainShare: 0.1 });
    expect(low.map((a) => a.code)).toEqual(['UNDERFIT']);
    expect(low[0]!.message).toMatch(/55 %.*raise the learning rate to 0\.0005.*more cycles \(ran 30\)/);
    const unsure = trainingAdvice({ ...base, trainAccuracy: 0.95, uncertainShare: 0.9 });
    expect(unsure.map((a) => a.code)).toEqual(['UNCERTAIN']);
    expect(unsure[0]!.message).toMatch(/90 % of validation windows are uncertain \(top score below 0\.6\)/);
    expect(trainingAdvice({ ...base, trainAccuracy: 0.99, uncertainShare: 0.02 })).toEqual([]);
  });
});
