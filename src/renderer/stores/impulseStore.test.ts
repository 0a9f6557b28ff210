import { beforeEach, describe, expect, it } from 'vitest';
import { emptyFacts, type Impulse } from '../../shared/impulse/impulse';
import { catalogFor, draftIssues, HISTORY_LIMIT, isDirty, useImpulse } from './impulseStore';

const base: Impulse = {
  input: { type: 'time-series', windowSizeMs: 2000, windowIncreaseMs: 200, frequencyHz: 62.5, zeroPad: true, axes: ['accX', 'accY', 'accZ'] },
  dsp: [],
  learning: [],
};

function reset(impulse: Impulse = base, saved: Impulse | null = base) {
  useImpulse.setState({
    project: 'p',
    impulse,
    saved,
    past: [],
    future: [],
    editError: null,
    customBlocks: [],
    facts: { ...emptyFacts(), samples: 4, timeSeries: 4, axes: ['accX', 'accY', 'accZ'], frequenciesHz: [62.5], labels: ['idle', 'wave'] },
  });
}

describe('impulse store (no React, no server)', () => {
  beforeEach(() => reset());

  it('adds blocks that connect themselves, and undo / redo walk the history', () => {
    const s = useImpulse.getState();
    const l = s.addLearning('classification');
    const d = s.addDsp('spectral_analysis');
    expect(l).toBe('classification');
    expect(d).toBe('spectral-analysis');
    expect(useImpulse.getState().impulse!.learning[0]!.inputs).toEqual(['spectral-analysis']);
    expect(isDirty(useImpulse.getState())).toBe(true);
    s.undo();
    expect(useImpulse.getState().impulse!.dsp).toHaveLength(0);
    s.undo();
    expect(useImpulse.getState().impulse).toEqual(base);
    expect(isDirty(useImpulse.getState())).toBe(false);
    s.redo();
    s.redo();
    expect(useImpulse.getState().impulse!.dsp.map((b) => b.id)).toEqual(['spectral-analysis']);
    expect(useImpulse.getState().future).toHaveLength(0);
  });

  it('a new edit after undo drops the redo branch', () => {
    const s = useImpulse.getState();
    s.addDsp('flatten');
    s.undo();
    s.addDsp('raw');
    expect(useImpulse.getState().future).toHaveLength(0);
    s.redo();
    expect(useImpulse.getState().impulse!.dsp.map((b) => b.block)).toEqual(['raw']);
  });

  it('connect, disconnect and delete go through the graph helpers and explain refusals', () => {
    const s = useImpulse.getState();
    s.addLearning('classification');
    s.addDsp('flatten');
    s.addDsp('raw');
    s.connect('raw', 'classification');
    expect(useImpulse.getState().impulse!.learning[0]!.inputs).toEqual(['flatten', 'raw']);
    s.disconnect('flatten', 'classification');
    expect(useImpulse.getState().impulse!.learning[0]!.inputs).toEqual(['raw']);
    s.remove('raw');
    expect(useImpulse.getState().impulse!.learning[0]!.inputs).toEqual([]);
    const before = useImpulse.getState().past.length;
    s.connect('nope', 'classification');
    expect(useImpulse.getState().editError).toMatch(/No processing block "nope"/);
    expect(useImpulse.getState().past.length).toBe(before);
    expect(s.addDsp('no_such_block')).toBeNull();
    expect(useImpulse.getState().editError).toMatch(/Unknown processing block "no_such_block"/);
  });

  it('a change that changes nothing is not recorded', () => {
    const s = useImpulse.getState();
    s.addLearning('classification');
    s.addDsp('flatten');
    const n = useImpulse.getState().past.length;
    s.connect('flatten', 'classification'); // already connected
    expect(useImpulse.getState().past.length).toBe(n);
  });

  it('keeps at most HISTORY_LIMIT steps', () => {
    const s = useImpulse.getState();
    s.addDsp('flatten');
    for (let i = 0; i < HISTORY_LIMIT + 20; i++) s.setTitle('flatten', `t${i}`);
    expect(useImpulse.getState().past.length).toBe(HISTORY_LIMIT);
  });

  it('revert goes back to the saved impulse as one undoable step', () => {
    const s = useImpulse.getState();
    s.addDsp('flatten');
    s.addLearning('regression');
    s.revert();
    expect(useImpulse.getState().impulse).toEqual(base);
    s.undo();
    expect(useImpulse.getState().impulse!.learning).toHaveLength(1);
  });

  it('validation issues point at the block (axis the data does not have)', () => {
    const s = useImpulse.getState();
    s.addLearning('classification');
    s.addDsp('flatten');
    s.updateDsp('flatten', { axes: ['accW'] });
    const issues = draftIssues(useImpulse.getState());
    expect(issues.find((i) => i.blockId === 'flatten' && i.severity === 'error')!.message).toMatch(/axis "accW"/);
  });

  it('custom blocks enter the catalog by their registry name', () => {
    const catalog = catalogFor([
      { name: 'energy', registryName: 'custom:energy', title: 'Energy', code: 'function process(){return [1]}', params: [], createdAt: '', updatedAt: '' },
    ]);
    expect(catalog('custom:energy')).toMatchObject({ title: 'Energy', custom: true, inputKind: 'time-series' });
    expect(catalog('custom:other')).toBeUndefined();
    expect(catalog('flatten')?.custom).toBe(false);
  });
});
