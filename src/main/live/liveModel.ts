/**
 * What live classification runs on one window: the impulse's DSP blocks (those the active
 * learning blocks read) and the active classifier and anomaly models, loaded once per session.
 * `classifyWindow` is the per-window work: DSP features → scores, top label, anomaly score.
 */
import type { Database } from 'better-sqlite3';
import type { DspBlock, DspParams } from '../../shared/dsp/block';
import { getDspBlock, validateParams } from '../../shared/dsp/index';
import { KilnError } from '../../shared/errors';
import { CUSTOM_BLOCK_PREFIX, type DspBlockConfig, type Impulse, type LearningBlockConfig, type TimeSeriesInput } from '../../shared/impulse/impulse';
import { blockInput } from '../../shared/impulse/windowing';
import { anomalyScore, type AnomalyModel } from '../../shared/model/anomaly';
import { applyScaling } from '../../shared/model/scaling';
import { parseModelSpec, type ModelSpec, type ModelSpecInput } from '../../shared/model/spec';
import { currentImpulse } from '../training/featureSet';
import { decodeModel } from '../training/modelBlob';
import { importWeights, type ModelWeights, type Network } from '../training/network';
import { buildModel } from '../training/trainer';

interface LiveDsp {
  cfg: DspBlockConfig;
  block: DspBlock;
  params: DspParams;
}

/** A classifier ready to run: scores for one feature row. */
export interface LiveClassifierModel {
  modelId: number | null;
  classNames: string[];
  uncertainThreshold: number;
  /** DSP block ids whose features it reads, in order */
  inputs: string[];
  featureLength: number;
  engine: string;
  /** softmax scores for one row of `featureLength` features (ONNX Runtime answers asynchronously) */
  run(row: Float32Array): Float32Array | Promise<Float32Array>;
  /** the float model's parts, for building another engine */
  spec: ModelSpec;
  weights: ModelWeights;
  /** releases the engine (ONNX session) */
  dispose?: () => Promise<void>;
}

export interface LiveAnomalyModel {
  modelId: number | null;
  inputs: string[];
  threshold: number;
  model: AnomalyModel;
}

export interface LiveModel {
  input: TimeSeriesInput;
  impulseHash: string | null;
  dsp: LiveDsp[];
  classifier: LiveClassifierModel | null;
  anomaly: LiveAnomalyModel | null;
  notes: string[];
}

export interface WindowResult {
  /** scores in classNames order (empty without a classifier) */
  scores: Float32Array;
  top: number;
  uncertain: boolean;
  anomaly: number | null;
}

/** The float engine: the network built once from the spec, weights loaded, the feature scaling first, softmax over the logits. */
export function floatClassifier(spec: ModelSpecInput, weights: ModelWeights): { run(row: Float32Array): Float32Array; inSize: number } {
  const net: Network = buildModel(spec, weights.head);
  importWeights(net, weights);
  const scaling = weights.scaling ?? null;
  const scaled = new Float32Array(net.inSize);
  return {
    inSize: net.inSize,
    run(row) {
      const logits = net.forward(scaling ? applyScaling(scaling, row, scaled) : row, 1, false);
      const out = new Float32Array(net.outSize);
      let max = -Infinity;
      for (let i = 0; i < out.length; i++) max = Math.max(max, logits[i]!);
      let sum = 0;
      for (let i = 0; i < out.length; i++) sum += out[i] = Math.exp(logits[i]! - max);
      for (let i = 0; i < out.length; i++) out[i]! /= sum;
      return out;
    },
  };
}

function dspOf(impulse: Impulse, block: LearningBlockConfig): LiveDsp[] {
  return block.inputs.map((id) => {
    const cfg = impulse.dsp.find((d) => d.id === id);
    if (!cfg)
      throw new KilnError(
        'BAD_DATA',
        `Learning block "${block.title || block.id}" reads "${id}", which is not a processing block of the impulse; fix the impulse`,
      );
    if (cfg.block.startsWith(CUSTOM_BLOCK_PREFIX)) {
      throw new KilnError('UNSUPPORTED', `"${cfg.title || cfg.id}" is a custom block; live classification runs built-in blocks only`, { block: cfg.id });
    }
    const b = getDspBlock(cfg.block);
    return { cfg, block: b, params: validateParams(b, cfg.params) };
  });
}

function timeSeries(impulse: Impulse): TimeSeriesInput {
  if (impulse.input.type !== 'time-series') {
    throw new KilnError('UNSUPPORTED', 'The impulse reads images; live classification streams sensor data (time series) only');
  }
  return impulse.input;
}

export interface ClassifierParts {
  block: LearningBlockConfig;
  spec: ModelSpecInput;
  weights: ModelWeights;
  classNames: string[];
  uncertainThreshold: number;
  modelId?: number | null;
}

export interface AnomalyParts {
  block: LearningBlockConfig;
  model: AnomalyModel;
  threshold?: number;
  modelId?: number | null;
}

/** Puts a live model together from an impulse and trained parts (the project loader and tests use it). */
export function assembleLiveModel(
  impulse: Impulse,
  parts: { classifier?: ClassifierParts; anomaly?: AnomalyParts; impulseHash?: string | null; notes?: string[] },
): LiveModel {
  const input = timeSeries(impulse);
  const dspById = new Map<string, LiveDsp>();
  let classifier: LiveClassifierModel | null = null;
  let anomaly: LiveAnomalyModel | null = null;
  const featureLength = (dsps: LiveDsp[]): number =>
    dsps.reduce(
      (n, d) =>
        n +
        d.block.outputShape(
          { axes: d.cfg.axes.length, frequencyHz: input.frequencyHz, readings: Math.max(1, Math.round((input.windowSizeMs * input.frequencyHz) / 1000)) },
          d.params,
        ).length,
      0,
    );

  if (parts.classifier) {
    const c = parts.classifier;
    const dsps = dspOf(impulse, c.block);
    for (const d of dsps) dspById.set(d.cfg.id, d);
    const length = featureLength(dsps);
    const spec = parseModelSpec(c.spec);
    const engine = floatClassifier(spec, c.weights);
    if (engine.inSize !== length) {
      throw new KilnError(
        'BAD_DATA',
        `The active model of "${c.block.title || c.block.id}" takes ${engine.inSize} features, but the impulse now gives ${length} per window; train the model again`,
      );
    }
    if (c.weights.head.kind !== 'classification') {
      throw new KilnError('UNSUPPORTED', `"${c.block.title || c.block.id}" is a regression block; live classification needs a classifier`);
    }
    if (c.weights.head.classes !== c.classNames.length) {
      throw new KilnError('CORRUPT_PROJECT', `The active model has ${c.weights.head.classes} outputs but ${c.classNames.length} class names; train it again`);
    }
    classifier = {
      modelId: c.modelId ?? null,
      classNames: [...c.classNames],
      uncertainThreshold: c.uncertainThreshold,
      inputs: [...c.block.inputs],
      featureLength: length,
      engine: 'kiln-js float32',
      run: engine.run,
      spec,
      weights: c.weights,
    };
  }
  if (parts.anomaly) {
    const a = parts.anomaly;
    const dsps = dspOf(impulse, a.block);
    for (const d of dsps) dspById.set(d.cfg.id, d);
    const length = featureLength(dsps);
    const maxAxis = Math.max(-1, ...a.model.axes);
    if (maxAxis >= length) {
      throw new KilnError('BAD_DATA', `The active anomaly model reads feature ${maxAxis}, but the impulse now gives ${length} per window; train it again`);
    }
    anomaly = { modelId: a.modelId ?? null, inputs: [...a.block.inputs], threshold: a.threshold ?? a.model.suggestedThreshold, model: a.model };
  }
  if (!classifier && !anomaly) throw new KilnError('NOT_FOUND', 'There is no trained model to classify with; train a model on the Training page first');
  // DSP blocks in impulse order, each run once per window even when both blocks read it
  const dsp = impulse.dsp.filter((d) => dspById.has(d.id)).map((d) => dspById.get(d.id)!);
  return { input, impulseHash: parts.impulseHash ?? null, dsp, classifier, anomaly, notes: parts.notes ?? [] };
}

/**
 * Runs the DSP blocks on one window (interleaved input axes) and the models on the features.
 * Synchronous with the float engine; a promise when the classifier runs on ONNX Runtime.
 */
export function classifyWindow(m: LiveModel, window: Float32Array): WindowResult | Promise<WindowResult> {
  const features = new Map<string, Float32Array>();
  for (const d of m.dsp) features.set(d.cfg.id, d.block.run(blockInput(m.input, d.cfg, window), d.params).features);
  const row = (inputs: string[], length: number): Float32Array => {
    const out = new Float32Array(length);
    let at = 0;
    for (const id of inputs) {
      const f = features.get(id)!;
      out.set(f.subarray(0, Math.max(0, Math.min(f.length, length - at))), at);
      at += f.length;
    }
    return out;
  };
  let anomaly: number | null = null;
  if (m.anomaly) {
    const length = m.anomaly.inputs.reduce((n, id) => n + features.get(id)!.length, 0);
    anomaly = anomalyScore(m.anomaly.model, row(m.anomaly.inputs, length));
    if (!Number.isFinite(anomaly)) anomaly = null;
  }
  const c = m.classifier;
  if (!c) return { scores: new Float32Array(0), top: -1, uncertain: false, anomaly };
  const finish = (scores: Float32Array): WindowResult => {
    let top = 0;
    for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[top]!) top = i;
    return { scores, top, uncertain: !(scores[top]! >= c.uncertainThreshold), anomaly };
  };
  const scores = c.run(row(c.inputs, c.featureLength));
  return scores instanceof Float32Array ? finish(scores) : scores.then(finish);
}

interface ModelRow {
  id: number;
  learning_block: string;
  spec: string;
  settings: string;
  weights: Buffer | null;
  metrics: string | null;
  impulse_hash: string;
}

function activeRow(db: Database, blockId: string): ModelRow | undefined {
  return db
    .prepare(
      'SELECT id, learning_block, spec, settings, weights, metrics, impulse_hash FROM models WHERE learning_block = ? AND active = 1 ORDER BY id DESC LIMIT 1',
    )
    .get(blockId) as ModelRow | undefined;
}

function parseJson(text: string | null, what: string): Record<string, unknown> {
  if (!text) return {};
  try {
    const v = JSON.parse(text) as unknown;
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    throw new KilnError('CORRUPT_PROJECT', `The stored ${what} is not valid JSON; train the model again`);
  }
}

/**
 * The project's impulse with its active models: the first classification block that has an
 * active model, and the first anomaly block that has one. NOT_FOUND (with what to do) when
 * there is no impulse or no trained model.
 */
export function loadLiveModel(db: Database): LiveModel {
  const stored = currentImpulse(db);
  const impulse = stored.impulse;
  timeSeries(impulse);
  const notes: string[] = [];
  let classifier: ClassifierParts | undefined;
  let anomaly: AnomalyParts | undefined;
  for (const block of impulse.learning) {
    const kind = block.type;
    if (kind === 'regression') continue;
    if (kind === 'classification' ? classifier : anomaly) continue;
    const row = activeRow(db, block.id);
    if (!row) continue;
    if (row.impulse_hash !== stored.hash)
      notes.push(`The active model of "${block.title || block.id}" was trained on an earlier version of the impulse; retrain it if results look wrong.`);
    const stored_ = decodeModel(row.weights, `model #${row.id}`);
    const metrics = parseJson(row.metrics, `metrics of model #${row.id}`);
    const settings = parseJson(row.settings, `settings of model #${row.id}`);
    if (kind === 'classification') {
      if (!stored_.weights) throw new KilnError('CORRUPT_PROJECT', `Model #${row.id} has no network weights; train it again`);
      const classNames = Array.isArray(metrics['classNames']) ? (metrics['classNames'] as unknown[]).map(String) : null;
      if (!classNames) throw new KilnError('CORRUPT_PROJECT', `Model #${row.id} does not list its classes; train it again`);
      const threshold =
        typeof metrics['uncertainThreshold'] === 'number'
          ? metrics['uncertainThreshold']
          : typeof settings['uncertainThreshold'] === 'number'
            ? settings['uncertainThreshold']
            : 0.6;
      classifier = {
        block,
        spec: parseJson(row.spec, `architecture of model #${row.id}`) as ModelSpecInput,
        weights: stored_.weights,
        classNames,
        uncertainThreshold: threshold,
        modelId: row.id,
      };
    } else {
      if (!stored_.anomaly) throw new KilnError('CORRUPT_PROJECT', `Anomaly model #${row.id} has no clusters stored; train it again`);
      const a = metrics['anomaly'] as { threshold?: unknown } | null | undefined;
      anomaly = { block, model: stored_.anomaly, modelId: row.id, ...(typeof a?.threshold === 'number' ? { threshold: a.threshold } : {}) };
    }
  }
  if (!classifier && !anomaly) {
    const hasClassifier = impulse.learning.some((l) => l.type === 'classification' || l.type.startsWith('anomaly'));
    throw new KilnError(
      'NOT_FOUND',
      hasClassifier
        ? 'No trained model yet: train a model on the Training page first, then come back to classify live'
        : 'The impulse has no classification or anomaly block; add one on the Impulse design page and train it',
    );
  }
  return assembleLiveModel(impulse, { ...(classifier ? { classifier } : {}), ...(anomaly ? { anomaly } : {}), impulseHash: stored.hash, notes });
}
