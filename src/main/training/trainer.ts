/**
 * Training of a learning block: checks every input up front, then trains the network with Adam
 * on Kiln's own engine (network.ts). Deterministic: the seed drives the initialisers, the
 * validation split, the per-epoch shuffle, dropout masks and augmentation, each from its own
 * stream, so the same inputs and seed give bit-identical weights and metrics.
 *
 * Plain async functions with no module state: safe to call inside a worker_threads worker.
 */
import { KilnError } from '../../shared/errors.js';
import { type ClassificationReport, classificationReport, regressionReport } from '../../shared/model/metrics.js';
import { type Rng, createRng, shuffleInPlace } from '../../shared/model/random.js';
import { applyScaling, computeScaling } from '../../shared/model/scaling.js';
import { assertValidSpec } from '../../shared/model/shapes.js';
import type { FeatureScaling } from '../../shared/model/int8Model.js';
import { type ModelSpec, type ModelSpecInput, type OutputHead, parseModelSpec, shapeSize } from '../../shared/model/spec.js';
import { type AugmentationSettings, createAugmenter } from './augment.js';
import { type BackendInfo, ENGINE_BACKEND } from './backend.js';
import { type ModelWeights, type Network, buildNetwork, exportWeights, importWeights } from './network.js';

export type { ModelWeights, WeightTensor } from './network.js';
export type { AugmentationSettings } from './augment.js';

export interface TrainSettings {
  epochs: number;
  learningRate: number;
  batchSize: number;
  /** fraction of rows held out for validation, 0 ≤ split < 1 (stratified per class) */
  validationSplit: number;
  seed: number;
  /** weight each class by total / (classes × count), as Keras' "balanced" weights */
  classWeighting?: boolean;
  /** stop when the monitored loss (validation, else training) has not improved by minDelta for patience epochs; the best weights are kept */
  earlyStopping?: {
    patience: number;
    minDelta: number;
    /**
     * 'loss' (default): validation loss (training loss without validation rows); 'accuracy':
     * validation accuracy, ties broken by lower validation loss (classifiers only; small
     * validation sets make the loss rise while accuracy still improves)
     */
    monitor?: 'loss' | 'accuracy';
  };
  augmentation?: AugmentationSettings;
  /**
   * standardise every feature with the training rows' mean and 1/std before the network (stored
   * with the weights, applied by every engine); on unless set to false
   */
  featureScaling?: boolean;
}

export interface ClassifierEpoch {
  loss: number;
  acc: number;
  valLoss: number | null;
  valAcc: number | null;
}

export interface RegressorEpoch {
  loss: number;
  mae: number;
  valLoss: number | null;
  valMae: number | null;
}

interface CommonArgs<E> {
  spec: ModelSpecInput;
  /** rows × featureLength values, row-major */
  features: Float32Array;
  /** shape of one row, e.g. [33] or [49, 13]; its size must equal the spec's input size */
  featureShape: number[];
  settings: TrainSettings;
  /** called after every epoch; `epoch` is 1-based */
  onEpoch?: (epoch: number, metrics: E) => void;
  /** polled between batches (the loop yields to the event loop every ~200 ms, so a worker can flip it from a message); returning true stops training with a CANCELLED error */
  shouldCancel?: () => boolean;
}

export interface TrainClassifierArgs extends CommonArgs<ClassifierEpoch> {
  /** sample id per row: validation holds out whole samples (default: each row its own sample) */
  sampleIds?: Int32Array;
  /** class index per row, 0 … classNames.length - 1 */
  labels: Int32Array;
  classNames: string[];
}

export interface TrainRegressorArgs extends CommonArgs<RegressorEpoch> {
  /** sample id per row: validation holds out whole samples (default: each row its own sample) */
  sampleIds?: Int32Array;
  /** target value per row */
  targets: Float32Array;
}

interface TrainRunInfo {
  weights: ModelWeights;
  /** the parsed spec (defaults filled in) the weights belong to */
  spec: ModelSpec;
  backend: BackendInfo;
  epochsRun: number;
  stoppedEarly: boolean;
  seed: number;
  /** row indices used for training and for validation */
  trainRows: Int32Array;
  validationRows: Int32Array;
  validationSplit: ValidationSplit;
}

export interface ClassifierResult extends TrainRunInfo {
  history: ClassifierEpoch[];
  validation: {
    /** 'train' when no validation rows were held out */
    set: 'validation' | 'train';
    /** softmax scores, rows × classes */
    predictions: Float32Array;
    labels: Int32Array;
    /** confusion[true][predicted], classes × classes (no uncertain threshold applied) */
    confusion: number[][];
    accuracy: number;
    loss: number;
    report: ClassificationReport;
  };
}

export interface RegressorResult extends TrainRunInfo {
  history: RegressorEpoch[];
  validation: {
    set: 'validation' | 'train';
    predictions: Float32Array;
    targets: Float32Array;
    /** mean squared error */
    loss: number;
    mae: number;
  };
}

/** Loss over a batch: sums of loss and metric (correct rows / absolute error) and dL/dout. */
interface Objective {
  outSize: number;
  batch(out: Float32Array, rows: Int32Array, n: number, grad: Float32Array | null): { loss: number; metric: number };
}

function classificationObjective(labels: Int32Array, classes: number, classWeight: Float64Array | null): Objective {
  return {
    outSize: classes,
    batch(out, rows, n, grad) {
      let loss = 0;
      let correct = 0;
      for (let b = 0; b < n; b++) {
        const label = labels[rows[b]!]!;
        const o = b * classes;
        let max = -Infinity;
        let arg = 0;
        for (let c = 0; c < classes; c++) {
          const v = out[o + c]!;
          if (v > max) {
            max = v;
            arg = c;
          }
        }
        let sum = 0;
        for (let c = 0; c < classes; c++) sum += Math.exp(out[o + c]! - max);
        const logSum = Math.log(sum);
        const w = classWeight ? classWeight[label]! : 1;
        loss += w * (logSum - (out[o + label]! - max));
        if (arg === label) correct++;
        if (grad) {
          for (let c = 0; c < classes; c++) {
            const p = Math.exp(out[o + c]! - max - logSum);
            grad[o + c] = (w * (p - (c === label ? 1 : 0))) / n;
          }
        }
      }
      return { loss, metric: correct };
    },
  };
}

function regressionObjective(targets: Float32Array): Objective {
  return {
    outSize: 1,
    batch(out, rows, n, grad) {
      let loss = 0;
      let ae = 0;
      for (let b = 0; b < n; b++) {
        const d = out[b]! - targets[rows[b]!]!;
        loss += d * d;
        ae += Math.abs(d);
        if (grad) grad[b] = (2 * d) / n;
      }
      return { loss, metric: ae };
    },
  };
}

const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-7;

/** Adam as Keras implements it (bias correction folded into the step size). */
function createAdam(net: Network, learningRate: number): () => void {
  const params = net
    .allParams()
    .map((p) => p.param)
    .filter((p) => p.grad !== null);
  const m = params.map((p) => new Float64Array(p.values.length));
  const v = params.map((p) => new Float64Array(p.values.length));
  let t = 0;
  return () => {
    t++;
    const lr = (learningRate * Math.sqrt(1 - ADAM_BETA2 ** t)) / (1 - ADAM_BETA1 ** t);
    for (let k = 0; k < params.length; k++) {
      const p = params[k]!;
      const g = p.grad!;
      const mk = m[k]!;
      const vk = v[k]!;
      const w = p.values;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i]!;
        const mi = ADAM_BETA1 * mk[i]! + (1 - ADAM_BETA1) * gi;
        const vi = ADAM_BETA2 * vk[i]! + (1 - ADAM_BETA2) * gi * gi;
        mk[i] = mi;
        vk[i] = vi;
        w[i] = w[i]! - (lr * mi) / (Math.sqrt(vi) + ADAM_EPSILON);
      }
    }
  };
}

function checkSettings(s: TrainSettings): void {
  const bad = (field: string, msg: string) => new KilnError('BAD_PARAMS', msg, { field: `settings.${field}` });
  if (!Number.isInteger(s.epochs) || s.epochs < 1) throw bad('epochs', `Epochs must be a whole number ≥ 1, got ${s.epochs}`);
  if (!(s.learningRate > 0) || !Number.isFinite(s.learningRate)) {
    throw bad('learningRate', `Learning rate must be a number > 0, got ${s.learningRate}`);
  }
  if (!Number.isInteger(s.batchSize) || s.batchSize < 1) {
    throw bad('batchSize', `Batch size must be a whole number ≥ 1, got ${s.batchSize}`);
  }
  if (!(s.validationSplit >= 0 && s.validationSplit < 1)) {
    throw bad('validationSplit', `Validation split must be between 0 and 1 (e.g. 0.2), got ${s.validationSplit}`);
  }
  if (!Number.isInteger(s.seed)) throw bad('seed', `Seed must be a whole number, got ${s.seed}`);
  if (s.earlyStopping) {
    const { patience, minDelta } = s.earlyStopping;
    if (!Number.isInteger(patience) || patience < 1) {
      throw bad('earlyStopping.patience', `Early stopping patience must be a whole number of epochs ≥ 1, got ${patience}`);
    }
    if (!(minDelta >= 0)) throw bad('earlyStopping.minDelta', `Early stopping minDelta must be ≥ 0, got ${minDelta}`);
  }
}

interface Prepared {
  spec: ModelSpec;
  rows: number;
  featureLength: number;
}

/** Checks shared by both tasks; throws before any work starts. */
function prepare(args: Omit<CommonArgs<unknown>, 'onEpoch'>, head: OutputHead, targetCount: number, targetName: string): Prepared {
  checkSettings(args.settings);
  const spec = parseModelSpec(args.spec);
  assertValidSpec(spec, head);
  const featureLength = shapeSize(args.featureShape);
  const inputLength = shapeSize(spec.inputShape);
  if (args.featureShape.length === 0 || args.featureShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new KilnError('BAD_PARAMS', `Feature shape [${args.featureShape.join(', ')}] must list positive whole numbers`, {
      field: 'featureShape',
    });
  }
  if (featureLength !== inputLength) {
    throw new KilnError(
      'BAD_DATA',
      `Each feature row has ${featureLength} values ([${args.featureShape.join(', ')}]) but the model input [${spec.inputShape.join(', ')}] needs ${inputLength}; regenerate features or change the input shape`,
      { field: 'featureShape' },
    );
  }
  const { features } = args;
  if (features.length % featureLength !== 0) {
    throw new KilnError('BAD_DATA', `${features.length} feature values are not a whole number of rows of ${featureLength}`, { field: 'features' });
  }
  const rows = features.length / featureLength;
  if (rows === 0) throw new KilnError('BAD_DATA', 'The training set is empty: add samples to the training set first');
  if (rows !== targetCount) {
    throw new KilnError('BAD_DATA', `There are ${rows} feature rows but ${targetCount} ${targetName}`, { field: targetName });
  }
  for (let i = 0; i < features.length; i++) {
    if (!Number.isFinite(features[i]!)) {
      const r = Math.floor(i / featureLength);
      throw new KilnError('BAD_DATA', `Feature row ${r}, value ${i - r * featureLength} is ${features[i]}; check the sample and the DSP block's parameters`, {
        row: r,
        index: i - r * featureLength,
      });
    }
  }
  return { spec, rows, featureLength };
}

/** How the validation rows were chosen, for the metrics the user reads. */
export interface ValidationSplit {
  /** 'sample': every window of a sample on the same side; 'window': rows drawn one by one (no sample ids given) */
  by: 'sample' | 'window';
  /** the same share of each label's samples held out */
  stratified: boolean;
  seed: number;
  /** requested share of samples (or rows) held out */
  fraction: number;
  trainSamples: number;
  validationSamples: number;
  trainWindows: number;
  validationWindows: number;
}

/**
 * Seeded validation split by sample: the samples of each stratum (label) are shuffled and
 * round(count × split) of them (at least one when the stratum has two or more) are held out
 * with all of their windows, so no window of a validation sample ever trains. Without sample
 * ids every row is its own sample.
 */
export function splitBySample(
  rows: number,
  sampleOfRow: Int32Array | undefined,
  stratumOfRow: (row: number) => number,
  split: number,
  seed: number,
  rng: Rng,
): { train: Int32Array; val: Int32Array; info: ValidationSplit } {
  const rowsOf = new Map<number, number[]>();
  for (let r = 0; r < rows; r++) {
    const id = sampleOfRow ? sampleOfRow[r]! : r;
    let list = rowsOf.get(id);
    if (!list) rowsOf.set(id, (list = []));
    list.push(r);
  }
  const strata = new Map<number, number[]>();
  for (const [id, list] of rowsOf) {
    const k = stratumOfRow(list[0]!);
    let ids = strata.get(k);
    if (!ids) strata.set(k, (ids = []));
    ids.push(id);
  }
  const valSamples = new Set<number>();
  for (const k of [...strata.keys()].sort((a, b) => a - b)) {
    const ids = shuffleInPlace(
      [...strata.get(k)!].sort((a, b) => a - b),
      rng,
    );
    let nVal = split > 0 && ids.length >= 2 ? Math.max(1, Math.round(ids.length * split)) : 0;
    if (nVal >= ids.length) nVal = ids.length - 1;
    for (const id of ids.slice(0, nVal)) valSamples.add(id);
  }
  const train: number[] = [];
  const val: number[] = [];
  for (let r = 0; r < rows; r++) (valSamples.has(sampleOfRow ? sampleOfRow[r]! : r) ? val : train).push(r);
  return {
    train: Int32Array.from(train),
    val: Int32Array.from(val),
    info: {
      by: sampleOfRow ? 'sample' : 'window',
      stratified: strata.size > 1,
      seed,
      fraction: split,
      trainSamples: rowsOf.size - valSamples.size,
      validationSamples: valSamples.size,
      trainWindows: train.length,
      validationWindows: val.length,
    },
  };
}

interface LoopResult<E> {
  net: Network;
  history: E[];
  epochsRun: number;
  stoppedEarly: boolean;
}

function featureStd(features: Float32Array, rows: Int32Array, len: number): number {
  let s = 0;
  let s2 = 0;
  for (const r of rows) {
    for (let i = r * len; i < (r + 1) * len; i++) {
      const v = features[i]!;
      s += v;
      s2 += v * v;
    }
  }
  const n = rows.length * len;
  return n ? Math.sqrt(Math.max(s2 / n - (s / n) ** 2, 0)) : 0;
}

function gather(features: Float32Array, len: number, rows: Int32Array, from: number, n: number, out: Float32Array): void {
  for (let b = 0; b < n; b++) {
    const r = rows[from + b]!;
    out.set(features.subarray(r * len, (r + 1) * len), b * len);
  }
}

/** Loss and metric sums plus outputs over a set of rows, in inference mode. */
function evaluate(
  net: Network,
  objective: Objective,
  features: Float32Array,
  len: number,
  rows: Int32Array,
  outputs: Float32Array | null,
): { loss: number; metric: number } {
  const bs = 256;
  const x = new Float32Array(bs * len);
  let loss = 0;
  let metric = 0;
  for (let from = 0; from < rows.length; from += bs) {
    const n = Math.min(bs, rows.length - from);
    gather(features, len, rows, from, n, x);
    const out = net.forward(x, n, false);
    const r = objective.batch(out, rows.subarray(from, from + n), n, null);
    loss += r.loss;
    metric += r.metric;
    outputs?.set(out.subarray(0, n * objective.outSize), from * objective.outSize);
  }
  return { loss, metric };
}

const YIELD_EVERY_MS = 200;

function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) => setTimeout(resolve, 0));
}

async function trainLoop<E>(
  args: CommonArgs<E>,
  prepared: Prepared,
  head: OutputHead,
  objective: Objective,
  /** validation loss: without class weights, as Keras reports it */
  evalObjective: Objective,
  split: { train: Int32Array; val: Int32Array },
  rng: Rng,
  toEpoch: (loss: number, metric: number, valLoss: number | null, valMetric: number | null) => E,
  /** the metric is an accuracy (higher is better): early stopping may monitor it */
  metricIsAccuracy = false,
): Promise<LoopResult<E>> {
  const { settings } = args;
  const { featureLength: len } = prepared;
  const net = buildNetwork(prepared.spec, head, rng.fork('init'));
  const step = createAdam(net, settings.learningRate);
  const shuffleRng = rng.fork('shuffle');
  const augRng = rng.fork('augment');
  const augmenter = createAugmenter(settings.augmentation, args.featureShape, settings.augmentation?.noise ? featureStd(args.features, split.train, len) : 0);
  const bs = Math.min(settings.batchSize, split.train.length);
  const x = new Float32Array(bs * len);
  const grad = new Float32Array(bs * objective.outSize);
  const order = new Int32Array(split.train);
  const history: E[] = [];
  const monitorVal = split.val.length > 0;
  let best = Infinity;
  let bestAccuracy = -Infinity;
  let bestWeights: ModelWeights | null = null;
  let wait = 0;
  let stoppedEarly = false;
  let lastYield = performance.now();
  for (let epoch = 1; epoch <= settings.epochs; epoch++) {
    shuffleInPlace(order, shuffleRng);
    let lossSum = 0;
    let metricSum = 0;
    for (let from = 0; from < order.length; from += bs) {
      // yield now and then so a worker sees a cancel message during long epochs
      if (performance.now() - lastYield > YIELD_EVERY_MS) {
        await yieldToEventLoop();
        lastYield = performance.now();
      }
      if (args.shouldCancel?.()) throw new KilnError('CANCELLED', `Training was cancelled in epoch ${epoch}`);
      const n = Math.min(bs, order.length - from);
      gather(args.features, len, order, from, n, x);
      if (augmenter) for (let b = 0; b < n; b++) augmenter.apply(x.subarray(b * len, (b + 1) * len), augRng);
      net.zeroGrad();
      const out = net.forward(x, n, true);
      const r = objective.batch(out, order.subarray(from, from + n), n, grad);
      lossSum += r.loss;
      metricSum += r.metric;
      net.backward(grad, n);
      step();
    }
    const trainN = order.length;
    let valLoss: number | null = null;
    let valMetric: number | null = null;
    if (monitorVal) {
      const v = evaluate(net, evalObjective, args.features, len, split.val, null);
      valLoss = v.loss / split.val.length;
      valMetric = v.metric / split.val.length;
    }
    const loss = lossSum / trainN;
    if (!Number.isFinite(loss)) {
      throw new KilnError(
        'BAD_PARAMS',
        `Training diverged in epoch ${epoch} (loss is ${loss}); lower the learning rate (now ${settings.learningRate}) or normalise the features`,
      );
    }
    const metrics = toEpoch(loss, metricSum / trainN, valLoss, valMetric);
    history.push(metrics);
    args.onEpoch?.(epoch, metrics);
    if (settings.earlyStopping) {
      const byAccuracy = settings.earlyStopping.monitor === 'accuracy' && metricIsAccuracy && monitorVal;
      let improved: boolean;
      if (byAccuracy) {
        improved = valMetric! - bestAccuracy > settings.earlyStopping.minDelta || (valMetric! >= bestAccuracy && valLoss! < best);
        if (improved) {
          bestAccuracy = Math.max(bestAccuracy, valMetric!);
          best = valLoss!;
        }
      } else {
        const monitored = monitorVal ? valLoss! : loss;
        improved = best - monitored > settings.earlyStopping.minDelta;
        if (improved) best = monitored;
      }
      if (improved) {
        bestWeights = exportWeights(net);
        wait = 0;
      } else if (++wait >= settings.earlyStopping.patience) {
        stoppedEarly = true;
        break;
      }
    }
    // let the worker deliver progress messages and see cancellation between epochs
    await yieldToEventLoop();
    lastYield = performance.now();
  }
  if (bestWeights) importWeights(net, bestWeights);
  return { net, history, epochsRun: history.length, stoppedEarly };
}

/** Train a classifier (softmax output over classNames) on feature rows. */
export async function trainClassifier(args: TrainClassifierArgs): Promise<ClassifierResult> {
  const classes = args.classNames.length;
  if (classes < 2) {
    throw new KilnError('BAD_DATA', `A classifier needs at least 2 classes; got ${classes} (${args.classNames.join(', ') || 'none'})`, {
      field: 'classNames',
    });
  }
  const head: OutputHead = { kind: 'classification', classes };
  const prepared = prepare(args, head, args.labels.length, 'labels');
  const { labels } = args;
  const groups: number[][] = Array.from({ length: classes }, () => []);
  for (let r = 0; r < labels.length; r++) {
    const l = labels[r]!;
    if (!Number.isInteger(l) || l < 0 || l >= classes) {
      throw new KilnError('BAD_DATA', `Row ${r} has label ${l}; labels must be 0…${classes - 1} (${args.classNames.join(', ')})`, {
        row: r,
      });
    }
    groups[l]!.push(r);
  }
  const present = groups.map((g, c) => (g.length ? c : -1)).filter((c) => c >= 0);
  if (present.length < 2) {
    throw new KilnError('BAD_DATA', `Only one class ("${args.classNames[present[0] ?? 0]}") has training data; add samples for at least one more class`, {
      field: 'labels',
    });
  }
  const rng = createRng(args.settings.seed);
  const split = splitBySample(prepared.rows, args.sampleIds, (r) => labels[r]!, args.settings.validationSplit, args.settings.seed, rng.fork('split'));
  let classWeight: Float64Array | null = null;
  if (args.settings.classWeighting) {
    const counts = new Float64Array(classes);
    for (const r of split.train) counts[labels[r]!]!++;
    classWeight = new Float64Array(classes);
    for (let c = 0; c < classes; c++) {
      classWeight[c] = counts[c]! > 0 ? split.train.length / (present.length * counts[c]!) : 0;
    }
  }
  const objective = classificationObjective(labels, classes, classWeight);
  const unweighted = classificationObjective(labels, classes, null);
  const { scaling, features } = scaleFeatures(args, prepared, split.train);
  args = { ...args, features };
  const run = await trainLoop<ClassifierEpoch>(
    args,
    prepared,
    head,
    objective,
    unweighted,
    split,
    rng,
    (loss, acc, valLoss, valAcc) => ({ loss, acc, valLoss, valAcc }),
    true,
  );
  const evalRows = split.val.length ? split.val : split.train;
  const logits = new Float32Array(evalRows.length * classes);
  // the reported loss is unweighted so it is comparable between runs
  const ev = evaluate(run.net, unweighted, args.features, prepared.featureLength, evalRows, logits);
  const predictions = softmaxRows(logits, classes);
  const evalLabels = Int32Array.from(evalRows, (r) => labels[r]!);
  const report = classificationReport(predictions, evalLabels, classes);
  return {
    ...runInfo(run, prepared, args.settings.seed, split, scaling),
    history: run.history,
    validation: {
      set: split.val.length ? 'validation' : 'train',
      predictions,
      labels: evalLabels,
      confusion: report.confusion.map((row) => row.slice(0, classes)),
      accuracy: report.accuracy,
      loss: ev.loss / evalRows.length,
      report,
    },
  };
}

/** Train a regressor (one linear output) on feature rows. */
export async function trainRegressor(args: TrainRegressorArgs): Promise<RegressorResult> {
  const head: OutputHead = { kind: 'regression' };
  const prepared = prepare(args, head, args.targets.length, 'targets');
  for (let r = 0; r < args.targets.length; r++) {
    if (!Number.isFinite(args.targets[r]!)) {
      throw new KilnError('BAD_DATA', `Row ${r} has target value ${args.targets[r]}; every row needs a number`, { row: r });
    }
  }
  if (args.settings.classWeighting) {
    throw new KilnError('BAD_PARAMS', 'Class weighting applies to classification only; turn it off for regression', {
      field: 'settings.classWeighting',
    });
  }
  const rng = createRng(args.settings.seed);
  const split = splitBySample(prepared.rows, args.sampleIds, () => 0, args.settings.validationSplit, args.settings.seed, rng.fork('split'));
  const objective = regressionObjective(args.targets);
  const { scaling, features } = scaleFeatures(args, prepared, split.train);
  args = { ...args, features };
  const run = await trainLoop<RegressorEpoch>(args, prepared, head, objective, objective, split, rng, (loss, mae, valLoss, valMae) => ({
    loss,
    mae,
    valLoss,
    valMae,
  }));
  const evalRows = split.val.length ? split.val : split.train;
  const predictions = new Float32Array(evalRows.length);
  evaluate(run.net, objective, args.features, prepared.featureLength, evalRows, predictions);
  const targets = Float32Array.from(evalRows, (r) => args.targets[r]!);
  const rep = regressionReport(predictions, targets);
  return {
    ...runInfo(run, prepared, args.settings.seed, split, scaling),
    history: run.history,
    validation: { set: split.val.length ? 'validation' : 'train', predictions, targets, loss: rep.mse, mae: rep.mae },
  };
}

/**
 * The per-feature standardisation fitted on the training rows (validation rows never shape it)
 * and every row scaled with it, or the features unchanged when `featureScaling` is false.
 */
function scaleFeatures(
  args: { features: Float32Array; settings: TrainSettings },
  prepared: Prepared,
  trainRows: Int32Array,
): { scaling: FeatureScaling | null; features: Float32Array } {
  if (args.settings.featureScaling === false) return { scaling: null, features: args.features };
  const scaling = computeScaling(args.features, prepared.featureLength, trainRows);
  return { scaling, features: applyScaling(scaling, args.features) };
}

function runInfo(
  run: LoopResult<unknown>,
  prepared: Prepared,
  seed: number,
  split: { train: Int32Array; val: Int32Array; info: ValidationSplit },
  scaling: FeatureScaling | null,
): TrainRunInfo {
  return {
    weights: { ...exportWeights(run.net), scaling },
    spec: prepared.spec,
    backend: { ...ENGINE_BACKEND },
    epochsRun: run.epochsRun,
    stoppedEarly: run.stoppedEarly,
    seed,
    trainRows: split.train,
    validationRows: split.val,
    validationSplit: split.info,
  };
}

function softmaxRows(logits: Float32Array, classes: number): Float32Array {
  const out = new Float32Array(logits.length);
  for (let o = 0; o < logits.length; o += classes) {
    let max = -Infinity;
    for (let c = 0; c < classes; c++) max = Math.max(max, logits[o + c]!);
    let sum = 0;
    for (let c = 0; c < classes; c++) sum += Math.exp(logits[o + c]! - max);
    for (let c = 0; c < classes; c++) out[o + c] = Math.exp(logits[o + c]! - max) / sum;
  }
  return out;
}

/** Build the untrained network for a spec and output head (weights from `seed`). */
export function buildModel(spec: ModelSpecInput, head: OutputHead, seed = 0): Network {
  return buildNetwork(parseModelSpec(spec), head, createRng(seed).fork('init'));
}

/**
 * Run saved weights on feature rows (their feature scaling applied first): softmax scores
 * (rows × classes) for a classifier, one value per row for a regressor.
 */
export function predict(weights: ModelWeights, spec: ModelSpecInput, features: Float32Array): Float32Array {
  const net = buildModel(spec, weights.head);
  importWeights(net, weights);
  const len = net.inSize;
  if (features.length % len !== 0) {
    throw new KilnError('BAD_DATA', `${features.length} feature values are not a whole number of rows of ${len}`);
  }
  const rows = features.length / len;
  const out = new Float32Array(rows * net.outSize);
  const bs = 256;
  const scaled = weights.scaling ? new Float32Array(bs * len) : null;
  for (let from = 0; from < rows; from += bs) {
    const n = Math.min(bs, rows - from);
    const x = features.subarray(from * len, (from + n) * len);
    const y = net.forward(scaled ? applyScaling(weights.scaling!, x, scaled) : x, n, false);
    out.set(y.subarray(0, n * net.outSize), from * net.outSize);
  }
  return weights.head.kind === 'classification' ? softmaxRows(out, net.outSize) : out;
}
