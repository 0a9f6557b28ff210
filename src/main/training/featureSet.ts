/**
 * The feature matrix a learning block trains or is tested on: every window of every live sample
 * of one category, run through the DSP blocks the learning block reads (their features
 * concatenated in the block's input order). Also the lineage hashes a model records: the
 * impulse hash (from the `impulses` row) and a dataset hash (content hash, label and category
 * of every sample used), so a model trained on other data or another impulse is recognised.
 *
 * The project file is locked to the main thread, so the main thread loads the samples
 * (`loadSamples`) and the worker computes the features from them (`buildFeatureSet`).
 */
import { createHash } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import { getDspBlock, validateParams } from '../../shared/dsp/index.js';
import type { DspOutputShape } from '../../shared/dsp/block.js';
import { KilnError } from '../../shared/errors.js';
import { blockInputInfo, CUSTOM_BLOCK_PREFIX, parseImpulse, type DspBlockConfig, type Impulse, type LearningBlockConfig } from '../../shared/impulse/impulse.js';
import { blockInput, SampleWindows } from '../../shared/impulse/windowing.js';
import type { FeatureInput } from '../../shared/model/defaults.js';
import { SampleRepository, type Category, type SampleRecord } from '../store/sampleRepository.js';

export interface StoredImpulse {
  id: number;
  name: string;
  hash: string;
  impulse: Impulse;
}

/** The project's current impulse: the most recently saved one. NOT_FOUND when none exists. */
export function currentImpulse(db: Database): StoredImpulse {
  const row = db.prepare('SELECT id, name, definition, hash FROM impulses ORDER BY updated_at DESC, id DESC LIMIT 1').get() as
    | { id: number; name: string; definition: string; hash: string }
    | undefined;
  if (!row) throw new KilnError('NOT_FOUND', 'This project has no impulse yet: design one on the Impulse design page first');
  let json: unknown;
  try {
    json = JSON.parse(row.definition);
  } catch {
    throw new KilnError('CORRUPT_PROJECT', `Impulse "${row.name}" is not valid JSON; save it again on the Impulse design page`);
  }
  return { id: row.id, name: row.name, hash: row.hash, impulse: parseImpulse(json, `Impulse "${row.name}"`) };
}

/** The learning block `id` (or the first one) of an impulse. */
export function learningBlock(impulse: Impulse, id?: string): LearningBlockConfig {
  const block = id ? impulse.learning.find((l) => l.id === id) : impulse.learning[0];
  if (!block) {
    const known = impulse.learning.map((l) => `"${l.id}"`).join(', ') || 'none';
    throw new KilnError('NOT_FOUND', id ? `The impulse has no learning block "${id}" (it has ${known})` : 'The impulse has no learning block; add one on the Impulse design page', {
      field: 'block',
    });
  }
  return block;
}

/** The DSP blocks a learning block reads, in its input order. */
function inputBlocks(impulse: Impulse, block: LearningBlockConfig): DspBlockConfig[] {
  return block.inputs.map((id) => {
    const dsp = impulse.dsp.find((d) => d.id === id);
    if (!dsp) throw new KilnError('BAD_DATA', `Learning block "${block.id}" reads "${id}", which is not a processing block of the impulse`);
    if (dsp.block.startsWith(CUSTOM_BLOCK_PREFIX)) {
      throw new KilnError('UNSUPPORTED', `"${dsp.title || dsp.id}" is a custom block; training from custom blocks is not supported yet — use a built-in block`, { block: dsp.id });
    }
    return dsp;
  });
}

export interface FeatureLayout {
  /** values per window */
  length: number;
  /** shape of one row for the model and augmentation: [n], [frames, coefficients] or [h, w, ch] */
  shape: number[];
  /** what the default architecture should be built for */
  input: FeatureInput;
}

/** Feature length and shape of a learning block's rows, from the DSP blocks' static output shapes. */
export function featureLayout(impulse: Impulse, block: LearningBlockConfig): FeatureLayout {
  const shapes: { length: number; shape: DspOutputShape }[] = inputBlocks(impulse, block).map((dsp) => {
    const b = getDspBlock(dsp.block);
    return b.outputShape(blockInputInfo(impulse.input, dsp), validateParams(b, dsp.params));
  });
  const length = shapes.reduce((a, s) => a + s.length, 0);
  if (length === 0) throw new KilnError('BAD_DATA', `The processing blocks of "${block.title || block.id}" produce no features; change their parameters`);
  const only = shapes.length === 1 ? shapes[0]!.shape : null;
  if (only?.type === 'spectrogram' && only.width && only.height && only.width * only.height === length) {
    return { length, shape: [only.width, only.height], input: { kind: 'spectrogram', frames: only.width, coefficients: only.height } };
  }
  if (only?.type === 'image' && only.width && only.height && only.channels && only.width * only.height * only.channels === length) {
    return { length, shape: [only.height, only.width, only.channels], input: { kind: 'image', width: only.width, height: only.height, channels: only.channels } };
  }
  return { length, shape: [length], input: { kind: 'flat', length } };
}

/** Live, complete samples of a category, oldest first. */
export function samplesOf(db: Database, category: Category): SampleRecord[] {
  return new SampleRepository(db)
    .query({ category })
    .rows.filter((s) => s.status !== 'recording');
}

/** Hash of what a model learns from: content hash, label and category of every sample used. */
export function datasetHash(samples: readonly SampleRecord[]): string {
  const h = createHash('sha256');
  const keys = samples.map((s) => `${s.hash ?? `id:${s.id}`}\t${s.label}\t${s.category}`).sort();
  for (const k of keys) h.update(k + '\n');
  return h.digest('hex').slice(0, 16);
}

/** A sample's record and its values, as handed to the worker. */
export interface LoadedSample {
  record: SampleRecord;
  values: Float32Array;
}

/** Values of the given samples (main thread: the project file is opened there). */
export function loadSamples(db: Database, samples: readonly SampleRecord[]): LoadedSample[] {
  const repo = new SampleRepository(db);
  return samples.map((record) => ({ record, values: repo.data(record.id) }));
}

export interface FeatureSet {
  layout: FeatureLayout;
  /** windows × layout.length */
  features: Float32Array;
  /** window count */
  rows: number;
  /** sample id of each window */
  sampleIds: Int32Array;
  /** window index within its sample */
  windowIndex: Int32Array;
  /** class index per window (-1 when the label is not one of classNames) */
  labels: Int32Array;
  classNames: string[];
  samples: SampleRecord[];
  datasetHash: string;
}

export interface BuildOptions {
  /** class order; default: the sorted labels of these samples */
  classNames?: string[];
  /** 0…1 */
  onProgress?: (fraction: number, status: string) => void;
  shouldCancel?: () => boolean;
}

/**
 * Features of every window of the given samples for a learning block. Refuses NaN/∞ in a sample
 * or a feature (naming the sample), and samples the input block cannot read.
 */
export function buildFeatureSet(impulse: Impulse, block: LearningBlockConfig, loaded: readonly LoadedSample[], options: BuildOptions = {}): FeatureSet {
  const samples = loaded.map((l) => l.record);
  const layout = featureLayout(impulse, block);
  const dsps = inputBlocks(impulse, block).map((cfg) => {
    const b = getDspBlock(cfg.block);
    return { cfg, block: b, params: validateParams(b, cfg.params) };
  });
  const classNames = options.classNames ?? [...new Set(samples.map((s) => s.label))].sort();
  const classIndex = new Map(classNames.map((c, i) => [c, i]));
  const chunks: Float32Array[] = [];
  const sampleIds: number[] = [];
  const windowIndex: number[] = [];
  const labels: number[] = [];
  for (let si = 0; si < samples.length; si++) {
    if (options.shouldCancel?.()) throw new KilnError('CANCELLED', 'Feature extraction was cancelled');
    const s = samples[si]!;
    const windows = new SampleWindows(impulse.input, {
      name: s.name,
      axes: s.sensors.map((x) => x.name),
      intervalMs: s.intervalMs,
      values: loaded[si]!.values,
      width: s.width,
      height: s.height,
    });
    for (let w = 0; w < windows.count; w++) {
      const row = new Float32Array(layout.length);
      let at = 0;
      const win = windows.window(w);
      for (const d of dsps) {
        const out = d.block.run(blockInput(impulse.input, d.cfg, win), d.params).features;
        row.set(out.subarray(0, Math.min(out.length, layout.length - at)), at);
        at += out.length;
      }
      if (at !== layout.length) {
        throw new KilnError('BAD_DATA', `Sample "${s.name}" gave ${at} features per window but the blocks declare ${layout.length}; check the processing blocks' parameters`, { sample: s.name });
      }
      for (let i = 0; i < row.length; i++) {
        if (!Number.isFinite(row[i]!)) {
          throw new KilnError('BAD_DATA', `Sample "${s.name}", window ${w + 1}: feature ${i} is ${row[i]}; check the sample and the processing block's parameters`, {
            sample: s.name,
            window: w,
            index: i,
          });
        }
      }
      chunks.push(row);
      sampleIds.push(s.id);
      windowIndex.push(w);
      labels.push(classIndex.get(s.label) ?? -1);
    }
    options.onProgress?.((si + 1) / samples.length, `Features: ${si + 1} / ${samples.length} samples`);
  }
  const features = new Float32Array(chunks.length * layout.length);
  chunks.forEach((c, i) => features.set(c, i * layout.length));
  return {
    layout,
    features,
    rows: chunks.length,
    sampleIds: Int32Array.from(sampleIds),
    windowIndex: Int32Array.from(windowIndex),
    labels: Int32Array.from(labels),
    classNames,
    samples: [...samples],
    datasetHash: datasetHash(samples),
  };
}
