import { describe, expect, it } from 'vitest';
import { decodeModel, encodeModel } from './modelBlob';

const weights = {
  head: { kind: 'classification' as const, classes: 2 },
  tensors: [{ layer: 'output', name: 'bias', shape: [2], values: Float32Array.from([0.5, -1.25]) }],
  scaling: { mean: Float32Array.from([1.5, -2]), invStd: Float32Array.from([0.25, 4]) },
};

describe('stored model blob', () => {
  it('keeps the weights and the feature scaling bit for bit', () => {
    const back = decodeModel(encodeModel({ weights, int8: { version: 2 }, anomaly: null }));
    expect(Array.from(back.weights!.tensors[0]!.values)).toEqual([0.5, -1.25]);
    expect(Array.from(back.weights!.scaling!.mean)).toEqual([1.5, -2]);
    expect(Array.from(back.weights!.scaling!.invStd)).toEqual([0.25, 4]);
    expect(back.int8).toEqual({ version: 2 });
  });

  it('reads a blob written before feature scaling existed as an unscaled model', () => {
    // the header exactly as older Kiln wrote it: no "scaling" key
    const header = Buffer.from(
      JSON.stringify({ head: weights.head, tensors: [{ layer: 'output', name: 'bias', shape: [2], length: 2 }], int8: null, anomaly: null }),
    );
    const pad = (4 - ((8 + header.length) % 4)) % 4;
    const blob = Buffer.alloc(8 + header.length + pad + 8, 0x20);
    blob.writeUInt32LE(0x3157_4d4b, 0);
    blob.writeUInt32LE(header.length + pad, 4);
    header.copy(blob, 8);
    blob.writeFloatLE(0.5, 8 + header.length + pad);
    blob.writeFloatLE(-1.25, 12 + header.length + pad);
    const back = decodeModel(blob);
    expect(back.weights!.scaling).toBeNull();
    expect(Array.from(back.weights!.tensors[0]!.values)).toEqual([0.5, -1.25]);
  });

  it('names a damaged scaling instead of running with it', () => {
    const blob = encodeModel({
      weights: { ...weights, scaling: { mean: Float32Array.from([1]), invStd: Float32Array.from([1, 2]) } },
      int8: null,
      anomaly: null,
    });
    expect(() => decodeModel(blob, 'model #4')).toThrow(/feature scaling of the model #4 is malformed/);
  });
});
