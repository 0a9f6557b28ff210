/**
 * The feature matrix a learning block trains or is tested on, read from the feature cache the
 * pipeline fills (`features.generate`): every window of every live sample of one category, the
 * DSP blocks the learning block reads concatenated in its input order. Missing or stale
 * features are refused by the pipeline with a message saying to generate them.
 *
 * Also the lineage hashes a model records: the impulse hash (the pipeline's hash of the saved
 * impulse) and a dataset hash (content hash, label and category of every sample used).
 *
 * Main thread only (the project file is locked to it); the worker gets the FeatureSet.
 */
import { createHash } from 'node:crypto';
import { getDspBlock, validateParams } from '../../shared/dsp/index';
import type { DspOutputShape } from '../../shared/dsp/block';
import { KilnError } from '../../shared/errors';
import { UNLABELLED } from '../../shared/formats/eiManifest';
import { blockInputInfo, CUSTOM_BLOCK_PREFIX, type Impulse, type LearningBlockConfig } from '../../shared/impulse/impulse';
import type { FeatureInput } from '../../shared/model/defaults';
import { datasetFeatures, liveSamples, loadImpulse, projectCatalog, resolveBlocks, type SampleMeta } from '../pipeline';
import { cachedLength } from '../pipeline/featureCache';
import type { Db } from '../store/projectDatabase';

export interface StoredImpulse {
  id: number;
  name: string;
  hash: string;
  impulse: Impulse;
}

/** The project's saved impulse. NOT_FOUND when none is saved. */
export function currentImpulse(db: Db): StoredImpulse {
  const saved = loadImpulse(db);
  if (!saved) throw new KilnError('NOT_FOUND', 'This project has no impulse yet: design and save one on the Impulse design page first');
  return { id: saved.id, name: 'Impulse', hash: saved.hash, impulse: saved.impulse };
}

/** The learning block `id` (or the first one) of an impulse. */
export function learningBlock(impulse: Impulse, id?: string): LearningBlockConfig {
  const block = id ? impulse.learning.find((l) => l.id === id) : impulse.learning[0];
  if (!block) {
    const known = impulse.learning.map((l) => `"${l.id}"`).join(', ') || 'none';
    throw new KilnError(
      'NOT_FOUND',
      id ? `The impulse has no learning block "${id}" (it has ${known})` : 'The impulse has no learning block; add one on the Impulse design page',
      {
        field: 'block',
      },
    );
  }
  return block;
}

export interface FeatureLayout {
  /** values per window */
  length: number;
  /** shape of one row for the model and augmentation: [n], [frames, coefficients] or [h, w, ch] */
  shape: number[];
  /** what the default architecture should be built for */
  input: FeatureInput;
}

/**
 * Feature length and shape of a learning block's rows, from the DSP blocks' static output
 * shapes; custom blocks declare no shape, so `knownLength` (from generated features) is used.
 */
export function featureLayout(impulse: Impulse, block: LearningBlockConfig, knownLength?: number): FeatureLayout {
  const dsps = block.inputs.map((id) => {
    const dsp = impulse.dsp.find((d) => d.id === id);
    if (!dsp) throw new KilnError('BAD_DATA', `Learning block "${block.id}" reads "${id}", which is not a processing block of the impulse`);
    return dsp;
  });
  if (!dsps.length) throw new KilnError('BAD_DATA', `${block.title || block.id} has no input; connect a processing block to it on the Impulse design page`);
  if (dsps.some((d) => d.block.startsWith(CUSTOM_BLOCK_PREFIX))) {
    if (!knownLength)
      throw new KilnError(
        'BAD_DATA',
        `${block.title || block.id} reads a custom block whose output size is known only after features are generated; generate features first`,
      );
    return { length: knownLength, shape: [knownLength], input: { kind: 'flat', length: knownLength } };
  }
  const shapes: { length: number; shape: DspOutputShape }[] = dsps.map((dsp) => {
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
    return {
      length,
      shape: [only.height, only.width, only.channels],
      input: { kind: 'image', width: only.width, height: only.height, channels: only.channels },
    };
  }
  return { length, shape: [length], input: { kind: 'flat', length } };
}

/**
 * Values per window of a learning block without reading features: built-in blocks know their
 * output size; custom blocks take it from generated features (undefined when none yet).
 */
export function knownFeatureLength(db: Db, impulse: Impulse, block: LearningBlockConfig): number | undefined {
  try {
    const all = resolveBlocks(db, impulse, projectCatalog(db));
    let total = 0;
    for (const id of block.inputs) {
      const b = all.find((x) => x.config.id === id);
      const n = b ? (b.featuresPerWindow ?? cachedLength(db, b.task.key)) : null;
      if (!n) return undefined;
      total += n;
    }
    return total || undefined;
  } catch {
    return undefined;
  }
}

/** Live, complete samples of a category. */
export function samplesOf(db: Db, category: 'train' | 'test'): SampleMeta[] {
  return liveSamples(db).filter((s) => s.category === category);
}

/** Hash of what a model learns from: content hash, label and category of every sample used. */
export function datasetHash(samples: readonly Pick<SampleMeta, 'hash' | 'label' | 'category'>[]): string {
  const h = createHash('sha256');
  for (const k of samples.map((s) => `${s.hash}\t${s.label}\t${s.category}`).sort()) h.update(k + '\n');
  return h.digest('hex').slice(0, 16);
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
  /** the label text per window (regression targets are parsed from it) */
  labelText: string[];
  classNames: string[];
  /** the samples the windows come from (id, name, label) */
  samples: { id: number; name: string; label: string }[];
  datasetHash: string;
}

/**
 * Features of every window of one category for a learning block, from the feature cache.
 * Throws BAD_DATA (generate features first) when any sample's features are missing or stale.
 */
export function buildFeatureSet(db: Db, impulse: Impulse, block: LearningBlockConfig, category: 'train' | 'test', classNames?: string[]): FeatureSet {
  const f = datasetFeatures(db, impulse, block.id, category);
  const layout = featureLayout(impulse, block, f.dims);
  if (f.dims !== layout.length) {
    throw new KilnError(
      'BAD_DATA',
      `The generated features have ${f.dims} values per window but the impulse's blocks give ${layout.length}; generate features again`,
    );
  }
  const samples = samplesOf(db, category);
  // unlabelled samples ('') are never a class and never train; in test they are classified, not scored
  const names = classNames ?? [...new Set(samples.map((s) => s.label).filter((l) => l !== UNLABELLED))].sort();
  const index = new Map(names.map((c, i) => [c, i]));
  const keep = category === 'train' ? f.labels.flatMap((l, r) => (l === UNLABELLED ? [] : [r])) : null;
  const pick = <T>(xs: T[]): T[] => (keep && keep.length < xs.length ? keep.map((r) => xs[r]!) : xs);
  const features = keep && keep.length < f.rows ? gatherFeatureRows(f.features, f.dims, keep) : f.features;
  const labelText = pick(f.labels);
  const used = category === 'train' ? samples.filter((s) => s.label !== UNLABELLED) : samples;
  return {
    layout,
    features,
    rows: labelText.length,
    sampleIds: Int32Array.from(pick(f.sampleIds)),
    windowIndex: Int32Array.from(pick(f.windows)),
    labels: Int32Array.from(labelText, (l) => index.get(l) ?? -1),
    labelText,
    classNames: names,
    samples: used.map((s) => ({ id: s.id, name: s.name, label: s.label })),
    datasetHash: datasetHash(samples),
  };
}

function gatherFeatureRows(features: Float32Array, dims: number, rows: number[]): Float32Array {
  const out = new Float32Array(rows.length * dims);
  rows.forEach((r, i) => out.set(features.subarray(r * dims, (r + 1) * dims), i * dims));
  return out;
}
