import { describe, expect, it } from 'vitest';
import { audioFftLength, defaultImpulseFor } from './defaults';
import { emptyFacts, validateImpulse } from './impulse';
import { audioFacts, motionFacts } from './testFacts';

describe('default impulses', () => {
  it('suggests 2 s windows → spectral analysis → classifier for 3-axis motion at 62.5 Hz', () => {
    const { impulse, kind } = defaultImpulseFor(motionFacts());
    expect(kind).toBe('motion');
    expect(impulse.input).toEqual({
      type: 'time-series',
      windowSizeMs: 2000,
      windowIncreaseMs: 200,
      frequencyHz: 62.5,
      zeroPad: true,
      axes: ['accX', 'accY', 'accZ'],
    });
    expect(impulse.dsp.map((d) => [d.block, d.axes.length])).toEqual([['spectral_analysis', 3]]);
    expect(impulse.learning).toEqual([{ id: 'classifier', type: 'classification', title: 'Classification', inputs: ['spectral-analysis'] }]);
    expect(validateImpulse(impulse, motionFacts())).toEqual([]);
  });

  it('suggests 1 s windows every 250 ms → MFCC for 16 kHz audio', () => {
    const { impulse, kind } = defaultImpulseFor(audioFacts());
    expect(kind).toBe('audio');
    expect(impulse.input).toMatchObject({ windowSizeMs: 1000, windowIncreaseMs: 250, frequencyHz: 16000, axes: ['audio'] });
    expect(impulse.dsp[0]).toMatchObject({ block: 'mfcc', axes: ['audio'], params: { num_cepstral: 13 } });
    expect(validateImpulse(impulse, audioFacts())).toEqual([]);
  });

  it('sizes the window from the sample lengths: the median when most samples are shorter, padding the rest', () => {
    const clips = { ...audioFacts(), shortest: { name: 'a', durationMs: 529 }, longest: { name: 'b', durationMs: 3789 } };
    // casa-speech-lang: most clips are about a second long, so one short clip does not shrink the window
    expect(defaultImpulseFor({ ...clips, medianDurationMs: 1010 }).impulse.input).toMatchObject({ windowSizeMs: 1000, zeroPad: true });
    expect(defaultImpulseFor({ ...clips, medianDurationMs: 805 }).impulse.input).toMatchObject({ windowSizeMs: 800, windowIncreaseMs: 250 });
  });

  it('suggests an image block for images, flatten for slow sensors, and fits the window into short samples', () => {
    const images = { ...emptyFacts(), samples: 5, images: 5, imageSizes: [{ width: 320, height: 240 }], labels: ['a', 'b'] };
    const img = defaultImpulseFor(images);
    expect(img.kind).toBe('image');
    expect(img.impulse.input).toEqual({ type: 'image', width: 96, height: 96, resizeMode: 'fit-short' });
    expect(img.impulse.dsp[0]!.block).toBe('image');
    expect(validateImpulse(img.impulse, images)).toEqual([]);
    const slow = defaultImpulseFor(motionFacts({ axes: ['temp'], frequenciesHz: [1], shortest: { name: 't.1', durationMs: 60_000 } }));
    expect(slow.kind).toBe('slow-sensor');
    expect(slow.impulse.dsp[0]!.block).toBe('flatten');
    const short = defaultImpulseFor(motionFacts({ shortest: { name: 'tap.1', durationMs: 1234 } }));
    expect(short.impulse.input).toMatchObject({ windowSizeMs: 1230 });
  });

  it('suggests a 3-axis accelerometer impulse for an empty project', () => {
    const { impulse, kind } = defaultImpulseFor(emptyFacts());
    expect(kind).toBe('empty');
    expect(impulse.input).toMatchObject({ axes: ['accX', 'accY', 'accZ'], frequencyHz: 62.5 });
  });
});

describe('fixes seen on real audio', () => {
  const at = (hz: number) => ({ ...audioFacts(), frequenciesHz: [hz] });

  it('suggests an MFCC impulse for 44.1 kHz audio that passes validation (fft_length scaled to 1024)', () => {
    const { impulse } = defaultImpulseFor(at(44100));
    expect(impulse.dsp[0]!.params.fft_length).toBe(1024);
    expect(validateImpulse(impulse, at(44100))).toEqual([]);
    expect(audioFftLength(16000, 256)).toBe(256);
  });

  it('names a num_filters value that passes when the filters do not fit the FFT', () => {
    const { impulse } = defaultImpulseFor(at(44100));
    const tight = { ...impulse, dsp: [{ ...impulse.dsp[0]!, params: { ...impulse.dsp[0]!.params, fft_length: 256 } }] };
    const issue = validateImpulse(tight, at(44100)).find((i) => i.path.endsWith('num_filters'));
    const n = Number(/lower "num_filters" to (\d+) or fewer/.exec(issue?.message ?? '')?.[1]);
    expect(n).toBeGreaterThan(1);
    const fixed = { ...tight, dsp: [{ ...tight.dsp[0]!, params: { ...tight.dsp[0]!.params, num_filters: n } }] };
    expect(validateImpulse(fixed, at(44100))).toEqual([]);
  });

  it('refuses a non-power-of-two fft_length for MFCC, MFE and spectrogram, as Edge Impulse does', () => {
    const { impulse } = defaultImpulseFor(audioFacts());
    for (const block of ['mfcc', 'mfe', 'spectrogram']) {
      const odd = { ...impulse, dsp: [{ ...impulse.dsp[0]!, block, params: { fft_length: 300 } }] };
      const issues = validateImpulse(odd, audioFacts());
      expect(issues.map((i) => [i.path, i.message])).toContainEqual([
        'dsp.mfcc.params.fft_length',
        expect.stringMatching(/"fft_length" must be a power of two \(as in Edge Impulse\), got 300; use 256 or 512/),
      ]);
    }
  });
});
