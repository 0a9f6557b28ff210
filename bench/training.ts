/**
 * Training speed: Kiln's engine against tfjs (pure-JS cpu backend, or tfjs-node when installed).
 * Prints one JSON object. Run: npx tsx bench/training.ts [--skip-tfjs] [--tfjs-image]
 *
 * (a) dense 20 → 10 on 33 features, 1 500 rows, 4 classes, 30 epochs, batch 32
 * (b) default MFCC conv1d stack on 49 × 13 features, 800 rows, 4 classes, 30 epochs, batch 32
 * (c) default conv2d stack on 48 × 48 × 1 images, 300 rows, 3 classes, 5 epochs, batch 32
 * tfjs runs 2 epochs of (b) and, with --tfjs-image, 1 of (c) (secondsFor30Epochs extrapolates), to keep the bench short.
 */
import { defaultSpec } from '../src/shared/model/defaults.js';
import { createRng } from '../src/shared/model/random.js';
import type { ModelSpec } from '../src/shared/model/spec.js';
import { loadTf } from '../src/main/training/backend.js';
import { buildTfModel } from '../src/main/training/tfModel.js';
import { trainClassifier } from '../src/main/training/trainer.js';

function dataset(rows: number, shape: number[], classes: number, seed: number) {
  const len = shape.reduce((a, b) => a * b, 1);
  const rng = createRng(seed);
  const centres = Array.from({ length: classes }, () => Float32Array.from({ length: len }, () => rng.normal()));
  const features = new Float32Array(rows * len);
  const labels = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    const c = r % classes;
    labels[r] = c;
    for (let i = 0; i < len; i++) features[r * len + i] = centres[c]![i]! + rng.normal();
  }
  return { features, labels, shape };
}

async function kiln(spec: ModelSpec, d: ReturnType<typeof dataset>, classes: number, epochs = 30) {
  const t0 = performance.now();
  const r = await trainClassifier({
    spec,
    features: d.features,
    featureShape: d.shape,
    labels: d.labels,
    classNames: Array.from({ length: classes }, (_, i) => `c${i}`),
    settings: { epochs, learningRate: 0.005, batchSize: 32, validationSplit: 0.2, seed: 1 },
  });
  return {
    backend: r.backend.name,
    seconds: +((performance.now() - t0) / 1000).toFixed(3),
    valAccuracy: +r.validation.accuracy.toFixed(4),
    epochsRun: epochs,
  };
}

async function tfjs(spec: ModelSpec, d: ReturnType<typeof dataset>, classes: number, epochs: number) {
  const { tf, backend } = await loadTf();
  const model = buildTfModel(tf, spec, { kind: 'classification', classes }, { softmax: true });
  model.compile({ optimizer: tf.train.adam(0.005), loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const rows = d.labels.length;
  const x = tf.tensor(d.features, [rows, ...spec.inputShape]);
  const y = tf.tensor(Float32Array.from(d.labels), [rows, 1]);
  const t0 = performance.now();
  await model.fit(x, y, { epochs, batchSize: 32, validationSplit: 0.2, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([x, y]);
  model.dispose();
  return {
    backend: backend.name,
    epochsRun: epochs,
    seconds: +seconds.toFixed(3),
    secondsFor30Epochs: +((seconds / epochs) * 30).toFixed(2),
  };
}

const skipTfjs = process.argv.includes('--skip-tfjs');
const denseSpec = defaultSpec({ kind: 'flat', length: 33 });
const denseData = dataset(1500, [33], 4, 1);
const convSpec = defaultSpec({ kind: 'spectrogram', frames: 49, coefficients: 13 });
const convData = dataset(800, [49, 13], 4, 2);
const imageSpec = defaultSpec({ kind: 'image', width: 48, height: 48, channels: 1 });
const imageData = dataset(300, [48 * 48], 3, 3);

const out = {
  machine: { cpus: (await import('node:os')).cpus().length, node: process.version },
  dense: {
    task: 'dense 20→10, 33 features, 1500 rows, 4 classes, 30 epochs, batch 32',
    kiln: await kiln(denseSpec, denseData, 4),
    tfjs: skipTfjs ? null : await tfjs(denseSpec, denseData, 4, 30),
  },
  conv1d: {
    task: 'default MFCC conv1d stack, 49×13 features, 800 rows, 4 classes, 30 epochs, batch 32',
    kiln: await kiln(convSpec, convData, 4),
    tfjs: skipTfjs ? null : await tfjs(convSpec, convData, 4, 2),
  },
  image: {
    task: 'default conv2d stack, 48×48×1 images, 300 rows, 3 classes, 5 epochs, batch 32',
    kiln: await kiln(imageSpec, imageData, 3, 5),
    // tfjs-cpu needs ~290 s for one epoch of this (measured 2026-11-25): opt in with --tfjs-image
    tfjs: skipTfjs || !process.argv.includes('--tfjs-image') ? null : await tfjs(imageSpec, imageData, 3, 1),
  },
};
console.log(JSON.stringify(out, null, 2));
