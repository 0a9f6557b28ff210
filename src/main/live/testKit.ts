/** Helpers for the live classification tests (not used by production code). */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { getDspBlock, paramsWithDefaults } from '../../shared/dsp/index';
import type { Impulse } from '../../shared/impulse/impulse';
import { blockInput, SampleWindows } from '../../shared/impulse/windowing';
import { trainKMeans } from '../../shared/model/anomaly';
import { defaultSpec } from '../../shared/model/defaults';
import { MOTIONS } from '../devices/virtual/virtualAccelerometer';
import { virtualAccelerometer } from '../devices/virtual/virtualDevice';
import { encodeModel } from '../training/modelBlob';
import { trainClassifier } from '../training/trainer';
import type { AnomalyParts, ClassifierParts } from './liveModel';

/** 2 s windows every `increaseMs` at 62.5 Hz, spectral analysis, a classifier (and optionally K-means). */
export function motionImpulse(increaseMs = 250, anomaly = false): Impulse {
  const axes = ['accX', 'accY', 'accZ'];
  return {
    input: { type: 'time-series', windowSizeMs: 2000, windowIncreaseMs: increaseMs, frequencyHz: 62.5, zeroPad: true, axes },
    dsp: [
      { id: 'spectral', block: 'spectral_analysis', title: 'Spectral features', axes, params: paramsWithDefaults(getDspBlock('spectral_analysis').params) },
    ],
    learning: [
      { id: 'classifier', type: 'classification', title: 'Classifier', inputs: ['spectral'] },
      ...(anomaly ? [{ id: 'anomaly', type: 'anomaly-kmeans' as const, title: 'Anomaly', inputs: ['spectral'] }] : []),
    ],
  };
}

/** Spectral features of `seeds` people doing every motion of the virtual accelerometer for 6 s. */
function motionFeatures(impulse: Impulse, seeds: number[]): { features: Float32Array; labels: Int32Array; length: number } {
  const dsp = impulse.dsp[0]!;
  const block = getDspBlock(dsp.block);
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  MOTIONS.forEach((motion, c) => {
    for (const seed of seeds) {
      const values = virtualAccelerometer.generate({ motion, lengthMs: 6000, frequencyHz: 62.5, seed });
      const windows = new SampleWindows(impulse.input, { name: `${motion}.${seed}`, axes: ['accX', 'accY', 'accZ'], intervalMs: 16, values });
      for (let w = 0; w < windows.count; w += 2) {
        rows.push(block.run(blockInput(impulse.input, dsp, windows.window(w)), dsp.params).features);
        labels.push(c);
      }
    }
  });
  const length = rows[0]!.length;
  const features = new Float32Array(rows.length * length);
  rows.forEach((r, i) => features.set(r, i * length));
  return { features, labels: Int32Array.from(labels), length };
}

/** Trains a small classifier (and a K-means anomaly block) on the virtual accelerometer's motions. */
export async function trainMotionModel(impulse: Impulse): Promise<{ classifier: ClassifierParts; anomaly: AnomalyParts }> {
  const { features, labels, length } = motionFeatures(impulse, [1, 2, 3, 4, 5, 6]);
  const spec = defaultSpec({ kind: 'flat', length });
  const result = await trainClassifier({
    spec,
    features,
    featureShape: [length],
    labels,
    classNames: [...MOTIONS],
    settings: { epochs: 40, learningRate: 0.005, batchSize: 16, validationSplit: 0.2, seed: 3 },
  });
  const kmeans = trainKMeans(features, length, { clusters: 8, seed: 1 });
  return {
    classifier: { block: impulse.learning[0]!, spec: result.spec, weights: result.weights, classNames: [...MOTIONS], uncertainThreshold: 0.6 },
    anomaly: { block: impulse.learning[1] ?? { id: 'anomaly', type: 'anomaly-kmeans', title: 'Anomaly', inputs: ['spectral'] }, model: kmeans },
  };
}

/** Saves the impulse as the project's current one; returns its hash. */
export function saveTestImpulse(db: Database, impulse: Impulse): string {
  const definition = JSON.stringify(impulse);
  const hash = createHash('sha256').update(definition).digest('hex').slice(0, 16);
  const now = new Date().toISOString();
  db.prepare('INSERT INTO impulses (name, definition, hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?)').run('default', definition, hash, now, now);
  return hash;
}

/** Stores trained parts as active models the way the training service does. */
export function insertActiveModels(db: Database, impulseHash: string, parts: { classifier?: ClassifierParts; anomaly?: AnomalyParts }): void {
  const insert = db.prepare(
    `INSERT INTO models (impulse_id, learning_block, spec, settings, weights, metrics, dataset_hash, impulse_hash, seed, backend, active, created_at)
     VALUES (NULL, ?, ?, ?, ?, ?, 'test', ?, 3, 'kiln-js', 1, ?)`,
  );
  const now = new Date().toISOString();
  if (parts.classifier) {
    const c = parts.classifier;
    insert.run(
      c.block.id,
      JSON.stringify(c.spec),
      JSON.stringify({ uncertainThreshold: c.uncertainThreshold }),
      encodeModel({ weights: c.weights, int8: null, anomaly: null }),
      JSON.stringify({ kind: 'classification', classNames: c.classNames, uncertainThreshold: c.uncertainThreshold }),
      impulseHash,
      now,
    );
  }
  if (parts.anomaly) {
    const a = parts.anomaly;
    insert.run(
      a.block.id,
      JSON.stringify({ type: a.block.type }),
      '{}',
      encodeModel({ weights: null, int8: null, anomaly: a.model }),
      JSON.stringify({ kind: a.block.type, classNames: [], anomaly: { threshold: a.model.suggestedThreshold } }),
      impulseHash,
      now,
    );
  }
}
