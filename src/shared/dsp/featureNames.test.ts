import { describe, expect, it } from 'vitest';
import { featureNames } from './featureNames';
import { spectralAnalysisBlock } from './spectralAnalysis';

describe('feature names', () => {
  it('names spectral features axis by axis, as the block computes them', () => {
    const values = new Float32Array(125 * 3).map((_, i) => Math.sin(i / 7) * (1 + (i % 3)));
    const out = spectralAnalysisBlock.run({ axes: ['accX', 'accY', 'accZ'], frequencyHz: 62.5, values }, {});
    const names = featureNames(out.labels, ['accX', 'accY', 'accZ'], out.features.length)!;
    expect(names).toHaveLength(out.features.length);
    expect(names[0]).toBe('accX RMS');
    expect(names[names.length / 3]).toBe('accY RMS');
    expect(names.find((n) => n.startsWith('accZ Spectral Power'))).toMatch(/^accZ Spectral Power [\d.]+ - [\d.]+ Hz$/);
    // the RMS of the third axis is the largest, and it is the one named accZ RMS
    const rms = ['accX RMS', 'accY RMS', 'accZ RMS'].map((n) => out.features[names.indexOf(n)]!);
    expect(rms[2]).toBeGreaterThan(rms[1]!);
    expect(rms[1]).toBeGreaterThan(rms[0]!);
  });

  it('keeps names that already cover every feature, and gives none when they do not fit', () => {
    expect(featureNames(['a', 'b'], ['x'], 2)).toEqual(['a', 'b']);
    expect(featureNames(['a', 'b'], ['x', 'y'], 5)).toBeNull();
    expect(featureNames(undefined, ['x'], 3)).toBeNull();
  });
});
