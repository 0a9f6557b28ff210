// Dataset facts for impulse tests: a motion dataset and an audio dataset.
import { emptyFacts, type DatasetFacts } from './impulse.js';

export function motionFacts(over: Partial<DatasetFacts> = {}): DatasetFacts {
  return {
    ...emptyFacts(),
    samples: 20,
    timeSeries: 20,
    axes: ['accX', 'accY', 'accZ'],
    units: { accX: 'm/s2', accY: 'm/s2', accZ: 'm/s2' },
    frequenciesHz: [62.5],
    shortest: { name: 'idle.3', durationMs: 10_000 },
    longest: { name: 'wave.1', durationMs: 10_000 },
    labels: ['idle', 'wave'],
    ...over,
  };
}

export function audioFacts(over: Partial<DatasetFacts> = {}): DatasetFacts {
  return {
    ...emptyFacts(),
    samples: 10,
    timeSeries: 10,
    axes: ['audio'],
    units: { audio: 'wav' },
    frequenciesHz: [16000],
    shortest: { name: 'yes.1', durationMs: 1000 },
    longest: { name: 'noise.4', durationMs: 1000 },
    labels: ['noise', 'yes'],
    ...over,
  };
}
