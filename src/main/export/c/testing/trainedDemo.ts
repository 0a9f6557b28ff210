/**
 * Test support: a demo project (motion or keywords) trained through the studio's services, and
 * everything the C generator and the comparisons need from it — the stored float and int8
 * models, the resolved impulse, and the test set's windows with the features the studio cached.
 */
import type { Impulse } from '../../../../shared/impulse/impulse';
import { SampleWindows } from '../../../../shared/impulse/windowing';
import type { AnomalyModel } from '../../../../shared/model/anomaly';
import type { FloatModel } from '../../../../shared/model/floatModel';
import { int8FromJson } from '../../../../shared/model/int8';
import type { Int8Model } from '../../../../shared/model/int8Model';
import { lowerFloat } from '../../../../shared/model/lowerFloat';
import { parseModelSpec } from '../../../../shared/model/spec';
import { testStudio, type TestStudio } from '../../../dataset/testKit';
import { datasetFeatures, liveSamples, loadImpulse, projectCatalog, resolveBlocks } from '../../../pipeline';
import { SampleRepository } from '../../../store/sampleRepository';
import { decodeModel } from '../../../training/modelBlob';
import { motionImpulse, saveImpulse } from '../../../training/testKit';
import type { CLibraryImpulse } from '../index';

export interface TrainedDemo {
  studio: TestStudio;
  impulse: CLibraryImpulse;
  labels: string[];
  float: FloatModel;
  int8: Int8Model;
  anomaly: AnomalyModel | null;
  /** test-set rows: the studio's cached features and the raw window they came from */
  features: Float32Array[];
  windows: Float32Array[];
}

/**
 * `anomaly`: the motion demo with a K-means block beside the classifier (both read the spectral
 * features), trained too.
 */
export async function trainedDemo(kind: 'motion' | 'keywords', epochs = 1, anomaly = false): Promise<TrainedDemo> {
  const studio = testStudio();
  const project = kind;
  await studio.call('projects.create', { name: project, demo: kind });
  if (anomaly)
    saveImpulse(studio.services.home.get(project).db, motionImpulse(studio.services.home.get(project).db, 500, ['classification', 'anomaly-kmeans']));
  const gen = await studio.services.jobs.wait((await studio.call('features.generate', { project })).jobId);
  if (gen.state !== 'succeeded') throw new Error(`features: ${gen.error?.message}`);
  const settings = { epochs, learningRate: 0.005, batchSize: 32, validationSplit: 0.2, seed: 3 };
  const db = studio.services.home.get(project).db;
  const definition: Impulse = loadImpulse(db)!.impulse;
  const learning = definition.learning.find((l) => l.type === 'classification')!;
  const anomalyBlock = definition.learning.find((l) => l.type === 'anomaly-kmeans') ?? null;
  for (const block of [learning, anomalyBlock]) {
    if (!block) continue;
    const job = await studio.services.jobs.wait((await studio.call('model.train', { project, block: block.id, settings: { ...settings, clusters: 4 } })).jobId);
    if (job.state !== 'succeeded') throw new Error(`training ${block.id}: ${job.error?.message}`);
  }
  const anomalyModel = anomalyBlock
    ? decodeModel((db.prepare('SELECT weights FROM models WHERE active = 1 AND learning_block = ?').get(anomalyBlock.id) as { weights: Buffer }).weights)
        .anomaly
    : null;
  const row = db.prepare('SELECT spec, weights FROM models WHERE active = 1 AND learning_block = ?').get(learning.id) as { spec: string; weights: Buffer };
  const stored = decodeModel(row.weights);
  const weights = stored.weights!;
  const float = lowerFloat(parseModelSpec(JSON.parse(row.spec)), weights.head, weights, weights.scaling ?? null);
  const int8 = int8FromJson(stored.int8);
  const blocks = resolveBlocks(db, definition, projectCatalog(db));
  const test = datasetFeatures(db, definition, learning.id, 'test');
  const repo = new SampleRepository(db);
  const metas = new Map(liveSamples(db).map((s) => [s.id, s]));
  const windowsOf = new Map<number, SampleWindows>();
  const features: Float32Array[] = [];
  const windows: Float32Array[] = [];
  for (let r = 0; r < test.rows; r++) {
    const id = test.sampleIds[r]!;
    let sw = windowsOf.get(id);
    if (!sw) {
      const m = metas.get(id)!;
      sw = new SampleWindows(definition.input, {
        name: m.name,
        axes: m.axes,
        intervalMs: m.intervalMs,
        values: repo.data(id),
        ...(m.width ? { width: m.width, height: m.height! } : {}),
      });
      windowsOf.set(id, sw);
    }
    features.push(test.features.subarray(r * test.dims, (r + 1) * test.dims));
    windows.push(Float32Array.from(sw.window(test.windows[r]!)));
  }
  const labels = (await studio.call('training.info', { project })).classes.map((c) => c.label);
  return {
    studio,
    impulse: { definition, blocks, classifier: learning.id, anomaly: anomalyBlock?.id ?? null },
    labels,
    float,
    int8,
    anomaly: anomalyModel,
    features,
    windows,
  };
}
