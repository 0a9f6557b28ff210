import { describe, expect, it } from 'vitest';
import { KilnError } from '../errors';
import { builtinDspBlocks, getDspBlock, paramsWithDefaults, validateParams, visibleParams } from '.';

function badParams(fn: () => unknown): KilnError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe('BAD_PARAMS');
    return e as KilnError;
  }
  throw new Error('expected a BAD_PARAMS error');
}

describe('the DSP block registry', () => {
  it('holds every block under its Edge Impulse name', () => {
    expect(builtinDspBlocks.map((b) => b.name).sort()).toEqual(['flatten', 'image', 'mfcc', 'mfe', 'raw', 'spectral_analysis', 'spectrogram']);
    expect(getDspBlock('mfcc').title).toBe('Audio (MFCC)');
    expect(() => getDspBlock('fft')).toThrow(/Unknown DSP block "fft"; known blocks: spectral_analysis/);
  });

  it('fills missing parameters with their defaults', () => {
    const p = paramsWithDefaults(getDspBlock('mfe').params, { num_filters: 20 });
    expect(p).toMatchObject({ num_filters: 20, frame_length: 0.02, frame_stride: 0.01, fft_length: 256, noise_floor_db: -52 });
    expect(validateParams(getDspBlock('raw'), {})).toEqual({ 'scale-axes': 1 });
  });

  it('normalises form values (numeric strings, boolean strings, numeric options)', () => {
    const p = validateParams(getDspBlock('spectral_analysis'), { 'fft-length': '64', 'do-log': 'false', 'input-decimation-ratio': '10' });
    expect(p['fft-length']).toBe(64);
    expect(p['do-log']).toBe(false);
    expect(p['input-decimation-ratio']).toBe(10);
  });

  it('names the parameter that is out of range, of the wrong type, not an option or unknown', () => {
    expect(badParams(() => validateParams(getDspBlock('mfcc'), { num_cepstral: 0 })).message).toBe(
      'Audio (MFCC): parameter "num_cepstral" must be at least 1, got 0',
    );
    expect(badParams(() => validateParams(getDspBlock('mfcc'), { num_filters: 3.5 })).message).toMatch(/"num_filters" must be a whole number/);
    expect(badParams(() => validateParams(getDspBlock('mfcc'), { fft_length: 'lots' })).details).toEqual({ field: 'fft_length' });
    expect(badParams(() => validateParams(getDspBlock('image'), { channels: 'CMYK' })).message).toMatch(/"channels" must be one of RGB, Grayscale/);
    expect(badParams(() => validateParams(getDspBlock('spectral_analysis'), { 'input-decimation-ratio': 7 })).message).toMatch(/one of 1, 3, 10/);
    expect(badParams(() => validateParams(getDspBlock('flatten'), { average: 'maybe' })).message).toMatch(/"average" must be true or false/);
    expect(badParams(() => validateParams(getDspBlock('raw'), { scale: 2 })).message).toMatch(
      /"scale" is not a parameter of this block; known parameters: scale-axes/,
    );
  });

  it('shows only the parameters whose conditions hold', () => {
    const specs = getDspBlock('spectral_analysis').params;
    const fft = visibleParams(specs, {}).map((s) => s.key);
    expect(fft).toContain('fft-length');
    expect(fft).not.toContain('wavelet');
    expect(fft).not.toContain('filter-cutoff');
    const wavelet = visibleParams(specs, { 'analysis-type': 'Wavelet', 'filter-type': 'low' }).map((s) => s.key);
    expect(wavelet).toContain('wavelet');
    expect(wavelet).toContain('filter-cutoff');
    expect(wavelet).not.toContain('fft-length');
  });
});
