// int8 against float32 on the test set, for both demos and every shared dataset
// (../shared/datasets/*): the suggested impulse and the project's default training settings,
// trained through the real services (testKit.trainAndCompare); every test window classified by
// the float model and by the int8 engine stored with the model. For comparison: the same model
// re-quantized with percentile calibration, and the same network trained without feature
// scaling. One JSON line per project and seed.
// Run: npx tsx bench/int8Accuracy.ts [--seeds 1,2,3] [name …]
//      (names: motion keywords door-motion phone-motion casa-speech-lang; default all, seed 1)
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createDispatcher } from '../src/main/api';
import { createServices } from '../src/main/app/services';
import { trainAndCompare, windowAccuracy } from '../src/main/training/testKit';
import { predict, trainClassifier } from '../src/main/training/trainer';
import { quantizeModel, runInt8 } from '../src/shared/model/int8';
import { lowerFloat } from '../src/shared/model/lowerFloat';

const repoRoot = path.resolve(import.meta.dirname, '..');
const datasets = path.resolve(repoRoot, '../shared/datasets');
const all = ['motion', 'keywords', 'door-motion', 'phone-motion', 'casa-speech-lang'];
const argv = process.argv.slice(2);
const seedAt = argv.indexOf('--seeds');
const seeds = seedAt >= 0 ? argv[seedAt + 1]!.split(',').map(Number) : [1];
const names = argv.filter((_, i) => seedAt < 0 || (i !== seedAt && i !== seedAt + 1));
const wanted = names.length ? names : all;

const home = mkdtempSync(path.join(os.tmpdir(), 'kiln-bench-int8-'));
const services = createServices({ home, host: 'cli' });
const api = createDispatcher(services);
const pct = (a: { correct: number; rows: number }) => +((100 * a.correct) / Math.max(1, a.rows)).toFixed(2);

try {
  for (const name of wanted) {
    for (const seed of seeds) {
      const source = name === 'motion' || name === 'keywords' ? { demo: name as 'motion' | 'keywords' } : { folder: path.join(datasets, name) };
      const r = await trainAndCompare(services, api, source, `bench ${name} ${seed}`, seed);
      const { spec, weights, test, train, settings } = r.parts;
      const classes = weights.head.kind === 'classification' ? weights.head.classes : 1;
      const calibration = train.features.subarray(0, Math.min(500, train.rows) * train.layout.length);
      const lowered = lowerFloat(spec, weights.head, weights, weights.scaling ?? null);
      const percentiles: Record<string, number> = {};
      for (const p of [99.99, 99.9]) {
        percentiles[`p${p}`] = pct(windowAccuracy(runInt8(quantizeModel(lowered, calibration, { percentile: p }), test.features), test.labels, classes));
      }
      const unscaled = await trainClassifier({
        spec,
        features: train.features,
        featureShape: train.layout.shape,
        labels: train.labels,
        classNames: train.classNames,
        settings: {
          epochs: settings.epochs as number,
          learningRate: settings.learningRate as number,
          batchSize: settings.batchSize as number,
          validationSplit: settings.validationSplit as number,
          seed,
          featureScaling: false,
        },
      });
      const uq = quantizeModel(lowerFloat(spec, unscaled.weights.head, unscaled.weights, null), calibration);
      const float32 = pct({ correct: r.float32Correct, rows: r.testWindows });
      const int8 = pct({ correct: r.int8Correct, rows: r.testWindows });
      console.log(
        JSON.stringify({
          bench: 'int8-accuracy',
          project: name,
          seed,
          impulse: r.impulse,
          spec: r.spec,
          featuresMs: r.featuresMs,
          trainMs: r.trainMs,
          validation: r.validation,
          testWindows: r.testWindows,
          test: { float32, int8, int8MinusFloat32: +(int8 - float32).toFixed(2), percentileCalibration: percentiles },
          withoutFeatureScaling: {
            float32: pct(windowAccuracy(predict(unscaled.weights, spec, test.features), test.labels, classes)),
            int8: pct(windowAccuracy(runInt8(uq, test.features), test.labels, classes)),
          },
          int8Bytes: r.int8Bytes,
        }),
      );
    }
  }
} finally {
  services.dispose();
  rmSync(home, { recursive: true, force: true });
}
