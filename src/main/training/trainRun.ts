/**
 * What the training worker does for one `model.train` job: features of the training windows,
 * the network (or anomaly block), evaluation on the held-out rows, int8 quantization calibrated
 * on training rows, a 2-D feature-explorer projection and the on-device cost figures. Also the
 * `model.test` work: every test sample classified window by window.
 *
 * No worker or job plumbing here: progress, logs and epochs go to a `Reporter`, so tests run it
 * in-process.
 */
import {
  describeValidation,
  type EpochMetrics,
  type ModelMetrics,
  type SampleTestResult,
  type TestResult,
  type TrainSettingsValue,
} from '../../shared/api/training.js';
import { findDspBlock, validateParams } from '../../shared/dsp/index.js';
import { KilnError } from '../../shared/errors.js';
import { blockInputInfo, readingsPerWindow, windowStartMs, type Impulse, type LearningBlockConfig } from '../../shared/impulse/impulse.js';
import { type AnomalyModel, anomalyScores, trainGmm, trainKMeans } from '../../shared/model/anomaly.js';
import { int8FromJson, int8ToJson, quantizeModel, runInt8, type Int8Model } from '../../shared/model/int8.js';
import { lowerFloat } from '../../shared/model/lowerFloat.js';
import { classificationReport, regressionReport, type ClassificationReport } from '../../shared/model/metrics.js';
import { networkFamily, trainingAdvice } from '../../shared/model/defaults.js';
import { analyzeSpec } from '../../shared/model/shapes.js';
import { parseModelSpec, type ModelSpec, type OutputHead } from '../../shared/model/spec.js';
import { exportOnnx } from '../export/onnx/onnxExport.js';
import { OnnxRunner } from '../export/onnx/onnxRunner.js';
import { ENGINE_BACKEND } from './backend.js';
import type { FeatureSet } from './featureSet.js';
import { decodeModel, encodeModel } from './modelBlob.js';
import type { ModelWeights } from './network.js';
import { predict, trainClassifier, trainRegressor } from './trainer.js';

export interface Reporter {
  progress(fraction: number, status: string): void;
  log(message: string): void;
  epoch(metrics: EpochMetrics, epochs: number): void;
  shouldCancel(): boolean;
}

export interface TrainTask {
  kind: 'train';
  /** features of the training windows (from the feature cache) */
  fs: FeatureSet;
  impulse: Impulse;
  block: LearningBlockConfig;
  /** null for anomaly blocks */
  spec: ModelSpec | null;
  settings: TrainSettingsValue;
}

export interface TrainOutput {
  spec: ModelSpec | null;
  datasetHash: string;
  backend: string;
  metrics: ModelMetrics;
  blob: Uint8Array;
}

export interface TestTask {
  kind: 'test';
  /** features of the test windows (from the feature cache) */
  fs: FeatureSet;
  impulse: Impulse;
  block: LearningBlockConfig;
  modelId: number;
  spec: ModelSpec | null;
  settings: TrainSettingsValue;
  classNames: string[];
  blob: Uint8Array;
  /** which engine(s) classify: float32 (default), int8, or both (int8 figures beside float32) */
  precision?: 'float32' | 'int8' | 'both';
}

/** Share of rows whose highest score is the true class, whatever the uncertain threshold. */
function top1Accuracy(scores: Float32Array, labels: ArrayLike<number>, classes: number): number {
  return labels.length ? classificationReport(scores, labels, classes, 0).accuracy : 0;
}

const INT8_ENGINE = 'kiln int8 (integer-only)';

function summariseReport(r: ClassificationReport, loss: number | null, classes: number, rows: number, top1?: number) {
  return {
    ...(top1 !== undefined ? { top1 } : {}),
    accuracy: r.accuracy,
    loss,
    confusion: r.confusion.map((row) => row.slice(0, classes + 1)),
    perClass: r.perClass,
    weightedF1: r.weightedF1,
    uncertain: r.uncertain,
    rows,
  };
}

function gatherRows(features: Float32Array, len: number, rows: ArrayLike<number>): Float32Array {
  const out = new Float32Array(rows.length * len);
  for (let i = 0; i < rows.length; i++) out.set(features.subarray(rows[i]! * len, (rows[i]! + 1) * len), i * len);
  return out;
}

/** Two principal components of up to `max` rows (power iteration, seeded start vectors). */
export function project2d(features: Float32Array, len: number, rows: number): Float64Array {
  const mean = new Float64Array(len);
  for (let r = 0; r < rows; r++) for (let i = 0; i < len; i++) mean[i]! += features[r * len + i]! / rows;
  const std = new Float64Array(len);
  for (let r = 0; r < rows; r++) for (let i = 0; i < len; i++) std[i]! += (features[r * len + i]! - mean[i]!) ** 2 / Math.max(1, rows);
  for (let i = 0; i < len; i++) std[i] = Math.sqrt(std[i]!) || 1;
  const x = (r: number, i: number) => (features[r * len + i]! - mean[i]!) / std[i]!;
  const comps: Float64Array[] = [];
  for (let k = 0; k < 2; k++) {
    let v = Float64Array.from({ length: len }, (_, i) => Math.sin(i * 12.9898 + k * 78.233) + 0.1);
    for (let it = 0; it < 40; it++) {
      const xv = new Float64Array(rows);
      for (let r = 0; r < rows; r++) {
        let s = 0;
        for (let i = 0; i < len; i++) s += x(r, i) * v[i]!;
        xv[r] = s;
      }
      const next = new Float64Array(len);
      for (let r = 0; r < rows; r++) for (let i = 0; i < len; i++) next[i]! += x(r, i) * xv[r]!;
      for (const c of comps) {
        let d = 0;
        for (let i = 0; i < len; i++) d += next[i]! * c[i]!;
        for (let i = 0; i < len; i++) next[i]! -= d * c[i]!;
      }
      const norm = Math.hypot(...next) || 1;
      v = next.map((a) => a / norm);
    }
    comps.push(v);
  }
  const out = new Float64Array(rows * 2);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < 2; k++) {
      let s = 0;
      for (let i = 0; i < len; i++) s += x(r, i) * comps[k]![i]!;
      out[r * 2 + k] = s;
    }
  }
  return out;
}

/** Operation counts for the on-device estimate. */
function costOf(impulse: Impulse, block: LearningBlockConfig, spec: ModelSpec | null, head: OutputHead | null, featureLength: number) {
  let dspOperations = 0;
  const kinds = new Set<string>();
  for (const id of block.inputs) {
    const cfg = impulse.dsp.find((d) => d.id === id)!;
    kinds.add(cfg.block);
    // custom blocks declare no operation count: their cost is left out of the estimate
    const b = findDspBlock(cfg.block);
    if (b) dspOperations += b.operations(blockInputInfo(impulse.input, cfg), validateParams(b, cfg.params));
  }
  const windowValues =
    impulse.input.type === 'image' ? impulse.input.width * impulse.input.height * 3 : readingsPerWindow(impulse.input) * impulse.input.axes.length;
  let modelMacs = 0;
  let modelParams = 0;
  let peak = featureLength;
  if (spec && head) {
    const a = analyzeSpec(spec, head);
    if (a.ok) {
      modelMacs = a.totalMacs;
      modelParams = a.totalParams;
      for (const l of a.layers) peak = Math.max(peak, l.inputShape.reduce((x, y) => x * y, 1) + l.outputShape.reduce((x, y) => x * y, 1));
    }
  } else {
    modelParams = featureLength * 33;
    modelMacs = featureLength * 32;
  }
  return { dspOperations, dspBufferFloats: windowValues + featureLength, modelMacs, modelParams, peakActivationElements: peak, dspBlockKinds: kinds.size };
}

function emptyMetrics(kind: ModelMetrics['kind'], fs: FeatureSet, settings: TrainSettingsValue): ModelMetrics {
  return {
    kind,
    classNames: fs.classNames,
    featureShape: fs.layout.shape,
    trainRows: fs.rows,
    validationRows: 0,
    evaluatedOn: 'train',
    history: [],
    epochsRun: 0,
    stoppedEarly: false,
    trainSeconds: 0,
    uncertainThreshold: settings.uncertainThreshold,
    float32: null,
    int8: null,
    sizes: { float32Bytes: 0, int8Bytes: null },
    regression: null,
    explorer: [],
    anomaly: null,
    cost: null,
  };
}

const EXPLORER_MAX = 1500;
const CALIBRATION_MAX = 500;
/** multiply-accumulates the int8 check may spend (≈ 10–20 s on the int8 engine) */
const INT8_MAC_BUDGET = 1.5e9;

export async function runTrainTask(task: TrainTask, rep: Reporter): Promise<TrainOutput> {
  {
    const { settings, block } = task;
    const started = Date.now();
    const fs = task.fs;
    if (fs.rows === 0) throw new KilnError('NO_DATA', 'The training samples give no windows; make the window shorter or turn on zero-padding');
    rep.log(`${fs.rows} training windows from ${fs.samples.length} samples, ${fs.layout.length} features each (shape [${fs.layout.shape.join(', ')}])`);
    const metrics = emptyMetrics(block.type, fs, settings);
    const len = fs.layout.length;

    if (block.type === 'anomaly-kmeans' || block.type === 'anomaly-gmm') {
      rep.progress(0.2, block.type === 'anomaly-kmeans' ? 'K-means clustering' : 'Fitting Gaussian mixture');
      const clusters = Math.min(settings.clusters, fs.rows);
      if (clusters < settings.clusters) rep.log(`Only ${fs.rows} windows: using ${clusters} clusters instead of ${settings.clusters}`);
      const model: AnomalyModel =
        block.type === 'anomaly-kmeans'
          ? trainKMeans(fs.features, len, { clusters, seed: settings.seed })
          : trainGmm(fs.features, len, { components: clusters, covariance: settings.covariance, seed: settings.seed });
      const scores = Array.from(anomalyScores(model, fs.features, len)).sort((a, b) => a - b);
      metrics.anomaly = {
        clusters:
          model.kind === 'kmeans'
            ? model.sizes.map((size, i) => ({ size, radius: model.radii[i]! }))
            : model.weights.map((w) => ({ size: Math.round(w * fs.rows), radius: null })),
        threshold: model.suggestedThreshold,
        scores: { min: scores[0]!, median: scores[Math.floor(scores.length / 2)]!, max: scores[scores.length - 1]! },
      };
      metrics.trainSeconds = (Date.now() - started) / 1000;
      metrics.cost = costOf(task.impulse, block, null, null, len);
      const proj = project2d(fs.features, len, Math.min(fs.rows, EXPLORER_MAX));
      metrics.explorer = Array.from({ length: proj.length / 2 }, (_, r) => ({
        x: proj[r * 2]!,
        y: proj[r * 2 + 1]!,
        label: fs.labels[r]!,
        predicted: fs.labels[r]!,
        sampleId: fs.sampleIds[r]!,
      }));
      rep.log(
        `Anomaly threshold ${model.suggestedThreshold.toFixed(3)} (scores ${metrics.anomaly.scores.min.toFixed(3)} … ${metrics.anomaly.scores.max.toFixed(3)})`,
      );
      return {
        spec: null,
        datasetHash: fs.datasetHash,
        backend: ENGINE_BACKEND.name,
        metrics,
        blob: encodeModel({ weights: null, int8: null, anomaly: model }),
      };
    }

    const spec = task.spec!;
    /** the int8 program of a trained network, calibrated on (up to CALIBRATION_MAX) training rows */
    const quantizeRows = (res: { spec: ModelSpec; weights: ModelWeights; trainRows: Int32Array }, head: OutputHead): Int8Model => {
      const calRows = res.trainRows.subarray(0, Math.min(CALIBRATION_MAX, res.trainRows.length));
      return quantizeModel(lowerFloat(res.spec, head, res.weights, res.weights.scaling ?? null), gatherRows(fs.features, len, calRows));
    };
    const common = {
      spec,
      features: fs.features,
      featureShape: fs.layout.shape,
      settings: {
        epochs: settings.epochs,
        learningRate: settings.learningRate,
        batchSize: settings.batchSize,
        validationSplit: settings.validationSplit,
        seed: settings.seed,
        classWeighting: settings.classWeighting,
        ...(settings.earlyStopping ? { earlyStopping: settings.earlyStopping } : {}),
        augmentation: settings.augmentation,
        featureScaling: settings.featureScaling,
      },
      shouldCancel: () => rep.shouldCancel(),
    };
    const onEpoch = (epoch: number, loss: number, metric: number, valLoss: number | null, valMetric: number | null) => {
      rep.epoch({ epoch, loss, metric, valLoss, valMetric }, settings.epochs);
      rep.progress(0.15 + (0.7 * epoch) / settings.epochs, `Epoch ${epoch} / ${settings.epochs}`);
      rep.log(
        `Epoch ${epoch}: loss ${loss.toFixed(4)}${valLoss !== null ? `, validation loss ${valLoss.toFixed(4)}` : ''}${valMetric !== null ? `, validation ${block.type === 'regression' ? 'MAE' : 'accuracy'} ${valMetric.toFixed(4)}` : ''}`,
      );
    };
    rep.log(`Training on ${ENGINE_BACKEND.name} (${ENGINE_BACKEND.note}), seed ${settings.seed}`);

    if (block.type === 'regression') {
      const targets = Float32Array.from(fs.labelText, (l) => {
        const v = Number(l);
        if (l.trim() === '' || !Number.isFinite(v))
          throw new KilnError('BAD_DATA', `Regression needs numeric labels; "${l}" is not a number`, { field: 'labels' });
        return v;
      });
      const res = await trainRegressor({ ...common, targets, sampleIds: fs.sampleIds, onEpoch: (e, m) => onEpoch(e, m.loss, m.mae, m.valLoss, m.valMae) });
      const rr = regressionReport(res.validation.predictions, res.validation.targets);
      Object.assign(metrics, {
        history: res.history.map((h, i) => ({ epoch: i + 1, loss: h.loss, metric: h.mae, valLoss: h.valLoss, valMetric: h.valMae })),
        epochsRun: res.epochsRun,
        stoppedEarly: res.stoppedEarly,
        trainRows: res.trainRows.length,
        validationRows: res.validationRows.length,
        evaluatedOn: res.validation.set,
        validation: res.validationSplit,
        regression: { mse: rr.mse, mae: rr.mae },
        sizes: { float32Bytes: (analyzeSpec(res.spec, { kind: 'regression' }) as { totalParams?: number }).totalParams! * 4, int8Bytes: null },
        trainSeconds: (Date.now() - started) / 1000,
        cost: costOf(task.impulse, block, res.spec, { kind: 'regression' }, len),
      });
      return {
        spec: res.spec,
        datasetHash: fs.datasetHash,
        backend: res.backend.name,
        metrics,
        // the int8 program is stored for deployment (C library); regression metrics stay float32
        blob: encodeModel({ weights: res.weights, int8: int8ToJson(quantizeRows(res, { kind: 'regression' })), anomaly: null }),
      };
    }

    const classes = fs.classNames.length;
    const res = await trainClassifier({
      ...common,
      sampleIds: fs.sampleIds,
      labels: fs.labels,
      classNames: fs.classNames,
      onEpoch: (e, m) => onEpoch(e, m.loss, m.acc, m.valLoss, m.valAcc),
    });
    const head: OutputHead = { kind: 'classification', classes };
    rep.progress(0.87, 'Evaluating');
    const evalRows = res.validation.set === 'validation' ? res.validationRows : res.trainRows;
    const report = classificationReport(res.validation.predictions, res.validation.labels, classes, settings.uncertainThreshold);
    metrics.float32 = summariseReport(
      report,
      res.validation.loss,
      classes,
      evalRows.length,
      top1Accuracy(res.validation.predictions, res.validation.labels, classes),
    );
    metrics.validation = res.validationSplit;
    rep.log(describeValidation(res.validationSplit));
    metrics.advice = trainingAdvice({
      trainAccuracy: res.history.at(-1)?.acc ?? null,
      uncertainShare: evalRows.length ? report.uncertain / evalRows.length : null,
      uncertainThreshold: settings.uncertainThreshold,
      learningRate: settings.learningRate,
      epochsRun: res.epochsRun,
      epochs: settings.epochs,
      stoppedEarly: res.stoppedEarly,
      family: networkFamily(fs.layout.input),
    });
    for (const a of metrics.advice) rep.log(a.message);
    Object.assign(metrics, {
      history: res.history.map((h, i) => ({ epoch: i + 1, loss: h.loss, metric: h.acc, valLoss: h.valLoss, valMetric: h.valAcc })),
      epochsRun: res.epochsRun,
      stoppedEarly: res.stoppedEarly,
      trainRows: res.trainRows.length,
      validationRows: res.validationRows.length,
      evaluatedOn: res.validation.set,
    });

    rep.progress(0.9, 'Quantizing to int8');
    const int8 = quantizeRows(res, head);
    const evalFeatures = gatherRows(fs.features, len, evalRows);
    const analysis = analyzeSpec(res.spec, head);
    // the int8 engine runs plain TypeScript integers (about 10 ns per MAC): big nets are checked on the first
    // rows only, so quantization never takes much longer than training
    const int8Rows = Math.min(evalRows.length, Math.max(100, Math.floor(INT8_MAC_BUDGET / Math.max(1, analysis.ok ? analysis.totalMacs : 1))));
    if (int8Rows < evalRows.length) rep.log(`int8 accuracy is measured on the first ${int8Rows} of ${evalRows.length} evaluation rows (large network)`);
    const int8Scores = runInt8(int8, evalFeatures.subarray(0, int8Rows * len));
    const int8Report = classificationReport(int8Scores, res.validation.labels.subarray(0, int8Rows), classes, settings.uncertainThreshold);
    metrics.int8 = summariseReport(int8Report, null, classes, int8Rows, top1Accuracy(int8Scores, res.validation.labels.subarray(0, int8Rows), classes));
    metrics.sizes = { float32Bytes: (analysis.ok ? analysis.totalParams : 0) * 4, int8Bytes: int8.sizeBytes };
    rep.log(`Validation accuracy: float32 ${(report.accuracy * 100).toFixed(1)} %, int8 ${(int8Report.accuracy * 100).toFixed(1)} %`);

    rep.progress(0.95, 'Feature explorer');
    const nExp = Math.min(evalRows.length, EXPLORER_MAX);
    const proj = project2d(evalFeatures, len, nExp);
    metrics.explorer = Array.from({ length: nExp }, (_, r) => ({
      x: proj[r * 2]!,
      y: proj[r * 2 + 1]!,
      label: res.validation.labels[r]!,
      predicted: report.predicted[r]!,
      sampleId: fs.sampleIds[evalRows[r]!]!,
    }));
    metrics.trainSeconds = (Date.now() - started) / 1000;
    metrics.cost = costOf(task.impulse, block, res.spec, head, len);
    return {
      spec: res.spec,
      datasetHash: fs.datasetHash,
      backend: res.backend.name,
      metrics,
      blob: encodeModel({ weights: res.weights, int8: int8ToJson(int8), anomaly: null }),
    };
  }
}

/** Majority vote over confident windows; -1 when no window is confident. */
function sampleVote(predicted: number[], classes: number): number {
  const counts = new Array<number>(classes).fill(0);
  for (const p of predicted) if (p >= 0) counts[p]!++;
  let best = -1;
  let bestN = 0;
  counts.forEach((n, c) => {
    if (n > bestN) {
      bestN = n;
      best = c;
    }
  });
  return best;
}

export async function runTestTask(task: TestTask, rep: Reporter): Promise<TestResult> {
  {
    const fs = task.fs;
    const samples = fs.samples;
    if (samples.length === 0) throw new KilnError('NO_DATA', 'The test set is empty: move some samples to the test set first');
    const stored = decodeModel(task.blob);
    const classes = task.classNames.length;
    rep.progress(0.65, 'Classifying');
    let scores: Float32Array;
    let anomaly: Float32Array | null = null;
    let engine = 'kiln-js (float32)';
    if (stored.anomaly) {
      anomaly = anomalyScores(stored.anomaly, fs.features, fs.layout.length);
      scores = new Float32Array(0);
      engine = stored.anomaly.kind === 'kmeans' ? 'K-means' : 'GMM';
    } else if (stored.weights && task.spec) {
      // ONNX Runtime is 10–30× faster than Kiln's reference engine (bench/inference.ts); the
      // reference engine stays as the fallback when the runtime cannot load
      try {
        const runner = await OnnxRunner.create(exportOnnx(task.spec, stored.weights), fs.layout.length);
        try {
          scores = await runner.run(fs.features);
        } finally {
          await runner.dispose();
        }
        engine = 'onnxruntime-node (float32)';
      } catch (e) {
        rep.log(`ONNX Runtime unavailable (${e instanceof Error ? e.message : String(e)}); using Kiln's engine`);
        scores = predict(stored.weights, task.spec, fs.features);
      }
    } else {
      throw new KilnError('CORRUPT_PROJECT', `Model ${task.modelId} has no network weights; train it again`);
    }
    let int8Scores: Float32Array | null = null;
    if ((task.precision ?? 'float32') !== 'float32' && stored.weights) {
      if (stored.weights.head.kind !== 'classification' || !stored.int8) {
        throw new KilnError('UNSUPPORTED', `Model ${task.modelId} has no int8 version (only classifiers are quantized); test it with precision float32`);
      }
      rep.progress(0.75, 'Classifying with the int8 engine');
      int8Scores = runInt8(int8FromJson(stored.int8), fs.features);
    }
    // unlabelled samples ('') are classified but not scored, and are no unknown label
    const unknownLabels = [...new Set(samples.filter((s) => s.label !== '' && !task.classNames.includes(s.label)).map((s) => s.label))];
    const increaseMs = task.impulse.input.type === 'time-series' ? task.impulse.input.windowIncreaseMs : 0;
    /** window report, per-sample votes and sample accuracy of one engine's scores */
    const judge = (scores: Float32Array, label: string) => {
      const known = Int32Array.from(fs.labels);
      const isClassifier = !stored.anomaly && stored.weights?.head.kind === 'classification';
      // window-level report over windows whose label the model knows
      const keep: number[] = [];
      for (let r = 0; r < fs.rows; r++) if (known[r]! >= 0) keep.push(r);
      let windowsEval = {
        accuracy: 0,
        loss: null as number | null,
        confusion: [] as number[][],
        perClass: [] as ClassificationReport['perClass'],
        weightedF1: 0,
        uncertain: 0,
        rows: keep.length,
      };
      let predicted: Int32Array = new Int32Array(fs.rows).fill(-1);
      if (isClassifier) {
        const all = classificationReport(
          scores,
          Int32Array.from({ length: fs.rows }, (_, r) => Math.max(0, known[r]!)),
          classes,
          task.settings.uncertainThreshold,
        );
        predicted = all.predicted;
        const sub = classificationReport(
          gatherRows(scores, classes, keep),
          Int32Array.from(keep, (r) => known[r]!),
          classes,
          task.settings.uncertainThreshold,
        );
        const keptScores = gatherRows(scores, classes, keep);
        windowsEval = summariseReport(
          sub,
          null,
          classes,
          keep.length,
          top1Accuracy(
            keptScores,
            Int32Array.from(keep, (r) => known[r]!),
            classes,
          ),
        );
      }
      rep.progress(0.9, 'Summarising');
      const results: SampleTestResult[] = [];
      let correctSamples = 0;
      let judged = 0;
      let r = 0;
      for (const s of samples) {
        const windows: SampleTestResult['windows'] = [];
        const preds: number[] = [];
        let maxAnomaly = -Infinity;
        while (r < fs.rows && fs.sampleIds[r] === s.id) {
          const p = predicted[r]!;
          const score = isClassifier ? (p >= 0 ? scores[r * classes + p]! : Math.max(...scores.subarray(r * classes, (r + 1) * classes))) : (anomaly?.[r] ?? 0);
          const start = task.impulse.input.type === 'time-series' ? windowStartMs(task.impulse.input, fs.windowIndex[r]!) : 0;
          windows.push({ start, predicted: p, score });
          preds.push(p);
          if (anomaly) maxAnomaly = Math.max(maxAnomaly, anomaly[r]!);
          r++;
        }
        const vote = isClassifier ? sampleVote(preds, classes) : -1;
        const labelIndex = task.classNames.indexOf(s.label);
        const correct = isClassifier && labelIndex >= 0 && vote === labelIndex;
        if (labelIndex >= 0) {
          judged++;
          if (correct) correctSamples++;
        }
        results.push({ sampleId: s.id, name: s.name, label: s.label, predicted: vote, correct, windows, anomaly: anomaly ? maxAnomaly : null });
      }
      rep.log(
        `${label}: tested ${samples.length} samples (${fs.rows} windows): window accuracy ${(windowsEval.accuracy * 100).toFixed(1)} %, sample accuracy ${judged ? ((correctSamples / judged) * 100).toFixed(1) : '0'} %`,
      );
      return { windowsEval, results, sampleAccuracy: judged ? correctSamples / judged : 0 };
    };
    const precision = task.precision ?? 'float32';
    const main = judge(precision === 'int8' && int8Scores ? int8Scores : scores, precision === 'int8' && int8Scores ? INT8_ENGINE : engine);
    const int8 = precision === 'both' && int8Scores ? judge(int8Scores, INT8_ENGINE) : null;
    if (unknownLabels.length) rep.log(`Labels not seen in training (not scored): ${unknownLabels.join(', ')}`);
    return {
      modelId: task.modelId,
      at: new Date().toISOString(),
      engine: precision === 'int8' && int8Scores ? INT8_ENGINE : engine,
      classNames: task.classNames,
      sampleAccuracy: main.sampleAccuracy,
      windows: main.windowsEval,
      samples: main.results,
      int8: int8 ? { engine: INT8_ENGINE, sampleAccuracy: int8.sampleAccuracy, windows: int8.windowsEval } : null,
      unknownLabels,
      windowMs: task.impulse.input.type === 'time-series' ? task.impulse.input.windowSizeMs : 0,
      increaseMs: increaseMs,
    };
  }
}

/** Re-parse a spec coming from the API, storage or the UI (fills defaults, names the bad field). */
export function specFrom(input: unknown): ModelSpec {
  return parseModelSpec(input);
}

export { int8FromJson, type Int8Model };
