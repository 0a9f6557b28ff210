import { describe, expect, it } from 'vitest';
import { defaultSpec } from './defaults.js';
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
