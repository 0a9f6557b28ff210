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

/**
 * A KILN_HOME with a motion demo project "gestures", its impulse saved and features generated
 * (the state the Training page starts from). For e2e tests and benches.
 */
export async function prepareTrainingHome(home: string, project = 'gestures', learning: LearningBlockConfig['type'][] = ['classification']): Promise<void> {
  const { createServices } = await import('../app/services.js');
  const { createDispatcher } = await import('../api/index.js');
  const services = createServices({ home, host: 'cli' });
  try {
    const d = createDispatcher(services);
    const created = await d.call('projects.create', { name: project, demo: 'motion' });
    if (!created.ok) throw new Error(created.error.message);
    const db = services.home.get(project).db;
    saveImpulse(db, motionImpulse(db, 500, learning));
    const r = await d.call('features.generate', { project });
    if (!r.ok) throw new Error(r.error.message);
    const job = await services.jobs.wait((r.result as { jobId: string }).jobId);
    if (job.state !== 'succeeded') throw new Error(`feature generation ${job.state}: ${job.error?.message}`);
  } finally {
    services.dispose();
  }
}
