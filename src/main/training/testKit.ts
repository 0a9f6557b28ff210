/** Helpers for the training tests, bench and e2e setup (not used by production code). */
import type { Database } from 'better-sqlite3';
import { getDspBlock, paramsWithDefaults } from '../../shared/dsp/index.js';
import type { Impulse, LearningBlockConfig } from '../../shared/impulse/impulse.js';
import { saveImpulse as savePipelineImpulse } from '../pipeline/impulseStore.js';
import { SampleRepository } from '../store/sampleRepository.js';

/** A motion impulse for the demo accelerometer data: 2 s windows every `increaseMs`, spectral analysis. */
export function motionImpulse(db: Database, increaseMs = 1000, learning: LearningBlockConfig['type'][] = ['classification']): Impulse {
  const first = new SampleRepository(db).query({ limit: 1 }).rows[0];
  const axes = first ? first.sensors.map((s) => s.name) : ['accX', 'accY', 'accZ'];
  const hz = first ? 1000 / first.intervalMs : 62.5;
  const block = getDspBlock('spectral_analysis');
  return {
    input: { type: 'time-series', windowSizeMs: 2000, windowIncreaseMs: increaseMs, frequencyHz: hz, zeroPad: true, axes },
    dsp: [{ id: 'spectral', block: 'spectral_analysis', title: 'Spectral features', axes, params: paramsWithDefaults(block.params) }],
    learning: learning.map((type, i) => ({ id: i === 0 ? 'classifier' : `${type}-${i}`, type, title: type, inputs: ['spectral'] })),
  };
}

/** Saves an impulse as the project's impulse (what the impulse page does), returns its hash. */
export function saveImpulse(db: Database, impulse: Impulse): string {
  return savePipelineImpulse(db, impulse).hash;
}
