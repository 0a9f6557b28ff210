import { describe, expect, it } from 'vitest';
import {
  addDspBlock,
  catalogWith,
  addLearningBlock,
  connectBlocks,
  disconnectBlocks,
  dspOutputLength,
  impulseGraph,
  learningInputLength,
  nextBlockId,
  parseImpulse,
  removeBlock,
  setInputBlock,
  validateImpulse,
  type Impulse,
} from './impulse';
import { defaultImpulseFor } from './defaults';
import { audioFacts, motionFacts } from './testFacts';

const motion = (): Impulse => defaultImpulseFor(motionFacts()).impulse;
const errors = (impulse: Impulse, facts = motionFacts()) =>
  validateImpulse(impulse, facts)
    .filter((i) => i.severity === 'error')
    .map((i) => i.message);

describe('impulse validation', () => {
  it('accepts the default motion impulse for a motion dataset', () => {
    expect(validateImpulse(motion(), motionFacts())).toEqual([]);
  });

  it('explains an unknown block, an axis missing from the data and a learning block with no input', () => {
    const bad: Impulse = {
      ...motion(),
      input: { ...(motion().input as Extract<Impulse['input'], { type: 'time-series' }>), axes: ['accX', 'gyrX'] },
      dsp: [{ id: 'fft', block: 'fast_fourier', title: 'FFT', axes: ['accX'], params: {} }],
      learning: [{ id: 'nn', type: 'classification', title: 'NN', inputs: [] }],
    };
    expect(errors(bad)).toEqual([
      'Axis "gyrX" is not in the data; the samples have "accX", "accY", "accZ"',
      '"FFT" uses an unknown processing block "fast_fourier"',
      'NN has no input; connect at least one processing block to it',
    ]);
  });

  it('refuses a window longer than the shortest sample unless zero-padding is on', () => {
    const facts = motionFacts({ shortest: { name: 'idle.3', durationMs: 1500 } });
    const im = motion();
    expect(errors(im, facts)).toEqual([]);
    const warnings = validateImpulse(im, facts).filter((i) => i.severity === 'warning');
    expect(warnings[0]!.message).toBe('The window (2000 ms) is longer than the shortest sample "idle.3" (1500 ms); it will be padded with zeros');
    const noPad = { ...im, input: { ...im.input, zeroPad: false } } as Impulse;
    expect(errors(noPad, facts)).toEqual([
      'The window (2000 ms) is longer than the shortest sample "idle.3" (1500 ms); shorten the window or turn on zero-padding',
    ]);
  });

  it('names other sampling frequencies, wrong block parameters, single-axis blocks given many axes and image blocks on time series', () => {
    const im = motion();
    const wrong: Impulse = {
      ...im,
      dsp: [
        { ...im.dsp[0]!, params: { 'fft-length': 3000000 } },
        { id: 'mfcc', block: 'mfcc', title: 'MFCC', axes: ['accX', 'accY'], params: {} },
        { id: 'img', block: 'image', title: 'Image', axes: [], params: {} },
      ],
      learning: [{ ...im.learning[0]!, inputs: ['spectral-analysis', 'mfcc', 'img', 'ghost'] }],
    };
    const msgs = errors(wrong, motionFacts({ frequenciesHz: [62.5, 100] }));
    expect(msgs).toContain('The impulse expects 62.5 Hz but some samples are sampled at 100 Hz; set the frequency to match or remove those samples');
    expect(msgs).toContain('Spectral Analysis: parameter "fft-length" must be at most 1048576, got 3000000');
    expect(msgs).toContain('MFCC reads one axis; 2 are selected');
    expect(msgs).toContain('Image reads images, but the input block gives time series');
    expect(msgs).toContain('Classification reads "ghost", which is not a processing block of this impulse');
    const paramIssue = validateImpulse(wrong, motionFacts()).find((i) => i.message.includes('fft-length'))!;
    expect(paramIssue.path).toBe('dsp.spectral-analysis.params.fft-length');
    expect(paramIssue.blockId).toBe('spectral-analysis');
  });

  it('finds parameter combinations a block refuses (a trial run on a silent window)', () => {
    const audio = defaultImpulseFor(audioFacts()).impulse;
    const withParams = (params: Record<string, number>) => ({ ...audio, dsp: [{ ...audio.dsp[0]!, params }] });
    expect(errors(withParams({ high_frequency: 9000 }), audioFacts())).toEqual([
      'Audio (MFCC): Parameter "high_frequency" (9000 Hz) is above half the sampling frequency (8000 Hz)',
    ]);
    expect(errors(withParams({ win_size: 100 }), audioFacts())).toEqual([
      'Audio (MFCC): Parameter "win_size" must be odd (or 0 to disable normalization), got 100',
    ]);
    const issue = validateImpulse(withParams({ low_frequency: 5000, high_frequency: 4000 }), audioFacts()).find((i) => i.severity === 'error')!;
    expect(issue.message).toMatch(/"low_frequency" \(5000 Hz\) must be below/);
    expect(errors(withParams({}), audioFacts())).toEqual([]);
  });

  it('knows custom blocks through a catalog built from the block list', () => {
    const im = motion();
    const withCustom: Impulse = { ...im, dsp: [...im.dsp, { id: 'energy', block: 'custom:energy', title: 'Energy', axes: ['accX'], params: { gain: 2 } }] };
    expect(errors(withCustom)).toEqual(['"Energy" uses an unknown processing block "custom:energy"']);
    const catalog = catalogWith([{ name: 'custom:energy', title: 'Energy', params: [{ key: 'gain', label: 'Gain', type: 'float', default: 1, min: 0 }] }]);
    expect(validateImpulse(withCustom, motionFacts(), catalog).filter((i) => i.severity === 'error')).toEqual([]);
    const bad = { ...withCustom, dsp: [im.dsp[0]!, { ...withCustom.dsp[1]!, params: { gain: -1 } }] };
    expect(validateImpulse(bad, motionFacts(), catalog).map((i) => i.message)).toContain('Energy: parameter "gain" must be at least 0, got -1');
    expect(impulseGraph(withCustom, catalog).nodes[2]!.detail).toBe('Energy · accX');
  });

  it('parses impulse JSON and names the wrong field', () => {
    expect(parseImpulse(JSON.parse(JSON.stringify(motion())))).toEqual(motion());
    expect(() => parseImpulse({ ...motion(), input: { ...motion().input, windowSizeMs: -5 } })).toThrow(
      'impulse: input.windowSizeMs: Window size must be more than 0 ms',
    );
    expect(() => parseImpulse({ ...motion(), dsp: [{ ...motion().dsp[0]!, id: 'Bad Id' }] })).toThrow(/dsp\.0\.id: Block ids use lower-case/);
    expect(() => parseImpulse({ ...motion(), extra: 1 })).toThrow(/extra/);
  });
});

describe('impulse graph helpers', () => {
  it('lays out input → processing → learning → output with feature counts', () => {
    const { nodes, edges } = impulseGraph(motion());
    expect(nodes.map((n) => [n.id, n.kind, n.column])).toEqual([
      ['input', 'input', 0],
      ['spectral-analysis', 'dsp', 1],
      ['classifier', 'learning', 2],
      ['output', 'output', 3],
    ]);
    expect(nodes[1]!.detail).toBe('Spectral Analysis · accX, accY, accZ · 39 features');
    expect(edges.map((e) => e.id)).toEqual(['input->spectral-analysis', 'spectral-analysis->classifier', 'classifier->output']);
  });

  it('adds, connects, disconnects and removes blocks, keeping ids unique', () => {
    let im = motion();
    const added = addDspBlock(im, 'flatten');
    im = added.impulse;
    expect(added.id).toBe('flatten');
    expect(nextBlockId(im, 'flatten')).toBe('flatten-2');
    expect(im.dsp[1]).toMatchObject({ block: 'flatten', axes: ['accX', 'accY', 'accZ'], params: { average: true, 'scale-axes': 1 } });
    im = connectBlocks(im, 'flatten', 'classifier');
    expect(im.learning[0]!.inputs).toEqual(['spectral-analysis', 'flatten']);
    expect(learningInputLength(im, 'classifier')).toBe(39 + 21);
    const anomaly = addLearningBlock(im, 'anomaly-kmeans');
    expect(anomaly.impulse.learning[1]).toMatchObject({ id: 'anomaly-kmeans', inputs: ['spectral-analysis'] });
    im = disconnectBlocks(im, 'flatten', 'classifier');
    expect(im.learning[0]!.inputs).toEqual(['spectral-analysis']);
    im = removeBlock(connectBlocks(im, 'flatten', 'classifier'), 'spectral-analysis');
    expect(im.dsp.map((d) => d.id)).toEqual(['flatten']);
    expect(im.learning[0]!.inputs).toEqual(['flatten']);
    expect(() => connectBlocks(im, 'nope', 'classifier')).toThrow('No processing block "nope"');
    expect(() => addDspBlock(im, 'nope')).toThrow('Unknown processing block "nope"');
  });

  it('gives single-axis blocks the first axis and drops axes the new input no longer has', () => {
    const audio = defaultImpulseFor(audioFacts()).impulse;
    expect(dspOutputLength(audio, audio.dsp[0]!)).toBe(50 * 13);
    const im = addDspBlock(motion(), 'mfe').impulse;
    expect(im.dsp[1]!.axes).toEqual(['accX']);
    const changed = setInputBlock(im, { type: 'time-series', windowSizeMs: 1000, windowIncreaseMs: 500, frequencyHz: 100, zeroPad: false, axes: ['accY'] });
    expect(changed.dsp.map((d) => d.axes)).toEqual([['accY'], []]);
  });
});
