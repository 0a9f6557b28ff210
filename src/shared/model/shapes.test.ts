import { describe, expect, it } from 'vitest';
import { KilnError } from '../errors.js';
import { defaultSpec } from './defaults.js';
import { analyzeSpec, assertValidSpec } from './shapes.js';
import { layerNames, parseModelSpec } from './spec.js';

describe('model spec', () => {
  it('fills in defaults and names layers like Keras', () => {
    const spec = parseModelSpec({
      inputShape: [20, 3],
      layers: [{ type: 'conv1d', filters: 4, kernelSize: 3 }, { type: 'conv1d', filters: 4, kernelSize: 3 }, { type: 'flatten' }],
    });
    expect(spec.layers[0]).toEqual({
      type: 'conv1d',
      filters: 4,
      kernelSize: 3,
      strides: 1,
      padding: 'same',
      activation: 'relu',
    });
    expect(layerNames(spec.layers)).toEqual(['conv1d_1', 'conv1d_2', 'flatten_1']);
  });

  it('names the layer and field of a malformed spec', () => {
    expect(() => parseModelSpec({ inputShape: [10], layers: [{ type: 'dense', units: 0 }] })).toThrow(/layer 1 field "units"/);
    try {
      parseModelSpec({ inputShape: [10], layers: [{ type: 'dropout', rate: 1.5 }] });
    } catch (e) {
      expect(e).toBeInstanceOf(KilnError);
      expect((e as KilnError).code).toBe('BAD_PARAMS');
    }
  });
});

describe('analyzeSpec', () => {
  it('counts shapes, parameters and MACs of the default dense net', () => {
    const a = assertValidSpec(defaultSpec({ kind: 'flat', length: 33 }), { kind: 'classification', classes: 4 });
    expect(a.layers.map((l) => l.outputShape)).toEqual([[20], [10], [4]]);
    expect(a.layers.map((l) => l.params)).toEqual([33 * 20 + 20, 20 * 10 + 10, 10 * 4 + 4]);
    expect(a.totalMacs).toBe(33 * 20 + 20 * 10 + 10 * 4);
  });

  it('follows the default MFCC conv1d stack like Keras does', () => {
    const a = assertValidSpec(defaultSpec({ kind: 'spectrogram', frames: 49, coefficients: 13 }), {
      kind: 'classification',
      classes: 3,
    });
    expect(a.layers.map((l) => l.outputShape)).toEqual([[49, 13], [49, 8], [25, 8], [25, 8], [25, 16], [13, 16], [13, 16], [208], [3]]);
    expect(a.layers[1]!.params).toBe(3 * 13 * 8 + 8);
    expect(a.layers[1]!.macs).toBe(49 * 8 * 3 * 13);
    expect(a.totalParams).toBe(3 * 13 * 8 + 8 + 3 * 8 * 16 + 16 + 208 * 3 + 3);
  });

  it('handles the image conv2d stack and batch norm', () => {
    const spec = defaultSpec({ kind: 'image', width: 32, height: 24, channels: 1 });
    spec.layers.splice(2, 0, { type: 'batchNorm' });
    const a = assertValidSpec(spec);
    expect(a.outputShape).toEqual([6 * 8 * 16]);
    const bn = a.layers[2]!;
    expect(bn.params).toBe(4 * 32);
    expect(bn.trainableParams).toBe(2 * 32);
  });

  it('explains a kernel larger than its input', () => {
    const a = analyzeSpec({
      inputShape: [6, 2],
      layers: [
        { type: 'conv1d', filters: 4, kernelSize: 2, strides: 2, padding: 'valid', activation: 'relu' },
        { type: 'dense', units: 3, activation: 'relu' },
      ],
    });
    expect(a.ok).toBe(false);
    const b = analyzeSpec({
      inputShape: [4, 2],
      layers: [
        { type: 'conv1d', filters: 4, kernelSize: 2, strides: 1, padding: 'valid', activation: 'relu' },
        { type: 'conv1d', filters: 4, kernelSize: 5, strides: 1, padding: 'valid', activation: 'relu' },
      ],
    });
    expect(b.ok).toBe(false);
    if (!b.ok) {
      expect(b.message).toBe('Layer 2 (conv1d, kernel 5) needs at least 5 steps but gets 3');
      expect(b.layerIndex).toBe(2);
    }
  });

  it('asks for a flatten or reshape where one is missing', () => {
    const a = analyzeSpec({ inputShape: [6, 2], layers: [{ type: 'dense', units: 3, activation: 'relu' }] });
    expect(!a.ok && a.message).toMatch(/Layer 1 \(dense\) needs a flat input but gets \[6, 2\]; add a flatten/);
    const b = analyzeSpec({ inputShape: [12], layers: [{ type: 'conv1d', filters: 2, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }] });
    expect(!b.ok && b.message).toMatch(/add a reshape layer/);
    const c = analyzeSpec({ inputShape: [12], layers: [{ type: 'reshape', targetShape: [5, -1] }] });
    expect(!c.ok && c.message).toMatch(/12 is not a multiple of 5/);
    const d = analyzeSpec({ inputShape: [2, 3], layers: [] }, { kind: 'regression' });
    expect(!d.ok && d.message).toMatch(/add a flatten layer at the end/);
    expect(() => assertValidSpec({ inputShape: [12], layers: [{ type: 'reshape', targetShape: [5, 2] }] })).toThrow(KilnError);
  });

  it('infers a -1 reshape dimension', () => {
    const a = assertValidSpec({ inputShape: [637], layers: [{ type: 'reshape', targetShape: [-1, 13] }] });
    expect(a.outputShape).toEqual([49, 13]);
  });
});
