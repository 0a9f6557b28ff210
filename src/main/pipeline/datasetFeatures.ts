/**
 * The generated features of a learning block's inputs, one row per window, for training and
 * testing: the DSP blocks the learning block reads, concatenated in its input order.
 * Refuses (naming what to do) when features are missing or stale.
 */
import { KilnError } from '../../shared/errors';
import type { Impulse } from '../../shared/impulse/impulse';
import type { Db } from '../store/projectDatabase';
import { projectCatalog } from './customBlocks';
import { liveSamples } from './datasetFacts';
import { readFeatures } from './featureCache';
import { resolveBlocks } from './resolvedImpulse';

export interface DatasetFeatures {
  /** rows × dims, row-major */
  features: Float32Array;
  rows: number;
  dims: number;
  /** per row */
  labels: string[];
  sampleIds: number[];
  categories: ('train' | 'test')[];
  windows: number[];
  /** features per DSP block, in order (for slicing rows per block) */
  blocks: { blockId: string; length: number }[];
}

/** Features for a learning block of the impulse (all of its inputs), optionally one category only. */
export function datasetFeatures(db: Db, impulse: Impulse, learningId: string, category?: 'train' | 'test'): DatasetFeatures {
  const learning = impulse.learning.find((l) => l.id === learningId);
  if (!learning)
    throw new KilnError('NOT_FOUND', `The impulse has no learning block "${learningId}" (blocks: ${impulse.learning.map((l) => l.id).join(', ') || 'none'})`);
  if (!learning.inputs.length) throw new KilnError('BAD_DATA', `${learning.title || learning.id} has no input; connect a processing block to it`);
  const all = resolveBlocks(db, impulse, projectCatalog(db));
  const blocks = learning.inputs.map((id) => all.find((b) => b.config.id === id)!);
  const samples = liveSamples(db).filter((s) => !category || s.category === category);
  const parts: { sample: (typeof samples)[number]; cached: NonNullable<ReturnType<typeof readFeatures>>[] }[] = [];
  const missing: string[] = [];
  for (const s of samples) {
    const cached = blocks.map((b) => readFeatures(db, s.hash, b.task.key));
    if (cached.some((c) => c === null)) missing.push(s.name);
    else parts.push({ sample: s, cached: cached as NonNullable<ReturnType<typeof readFeatures>>[] });
  }
  if (missing.length) {
    throw new KilnError(
      'BAD_DATA',
      `Features are missing or out of date for ${missing.length} sample${missing.length === 1 ? '' : 's'} (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', …' : ''}); generate features first`,
    );
  }
  const lengths = blocks.map((b, i) => parts[0]?.cached[i]!.length ?? b.featuresPerWindow ?? 0);
  const dims = lengths.reduce((a, b) => a + b, 0);
  const rows = parts.reduce((n, p) => n + p.cached[0]!.windows, 0);
  const features = new Float32Array(rows * dims);
  const out: DatasetFeatures = {
    features,
    rows,
    dims,
    labels: [],
    sampleIds: [],
    categories: [],
    windows: [],
    blocks: blocks.map((b, i) => ({ blockId: b.config.id, length: lengths[i]! })),
  };
  let row = 0;
  for (const p of parts) {
    const windows = p.cached[0]!.windows;
    for (let w = 0; w < windows; w++, row++) {
      let off = row * dims;
      p.cached.forEach((c, i) => {
        if (c.length !== lengths[i])
          throw new KilnError(
            'BAD_DATA',
            `Sample "${p.sample.name}" has ${c.length} features from block "${blocks[i]!.config.id}", others ${lengths[i]}; generate features again`,
          );
        features.set(c.features.subarray(w * c.length, (w + 1) * c.length), off);
        off += c.length;
      });
      out.labels.push(p.sample.label);
      out.sampleIds.push(p.sample.id);
      out.categories.push(p.sample.category);
      out.windows.push(w);
    }
  }
  return out;
}
