/**
 * Feature cache: the features of (sample content hash, block config hash), windows × length
 * Float32 in a BLOB. The config hash covers what the features depend on — block name, parameters
 * (defaults filled in), axes, the window settings and, for custom blocks, the code — so a sample
 * is recomputed only when it or its block's settings change. `feature_configs` remembers which
 * impulse block a config belonged to, to tell "stale" from "missing".
 */
import type { DspBlockConfig, Impulse } from '../../shared/impulse/impulse';
import { fromBlob, toBlob } from '../store/sampleRepository';
import type { Db } from '../store/projectDatabase';
import { stableHash } from './stableHash';

/** Bump when the feature computation changes for the same settings (invalidates every cache entry). */
const FEATURE_VERSION = 1;

/** The hash of everything a DSP block's features depend on. */
export function blockConfigHash(impulse: Impulse, dsp: DspBlockConfig, normalisedParams: Record<string, unknown>, code?: string): string {
  const input = impulse.input;
  const window =
    input.type === 'image'
      ? { type: 'image', width: input.width, height: input.height, resizeMode: input.resizeMode }
      : {
          type: 'time-series',
          windowSizeMs: input.windowSizeMs,
          windowIncreaseMs: input.windowIncreaseMs,
          frequencyHz: input.frequencyHz,
          zeroPad: input.zeroPad,
        };
  return stableHash({ v: FEATURE_VERSION, block: dsp.block, params: normalisedParams, axes: dsp.axes, window, ...(code !== undefined ? { code } : {}) });
}

export function registerConfig(db: Db, key: string, dsp: DspBlockConfig, config: unknown): void {
  db.prepare('INSERT OR IGNORE INTO feature_configs (config_hash, block_id, block, config, created_at) VALUES (?, ?, ?, ?, ?)').run(
    key,
    dsp.id,
    dsp.block,
    JSON.stringify(config),
    new Date().toISOString(),
  );
}

export interface CachedFeatures {
  windows: number;
  /** features per window */
  length: number;
  features: Float32Array;
}

export function putFeatures(db: Db, sampleHash: string, key: string, windows: number, features: Float32Array): void {
  db.prepare('INSERT OR REPLACE INTO feature_cache (sample_hash, config_hash, windows, features, created_at) VALUES (?, ?, ?, ?, ?)').run(
    sampleHash,
    key,
    windows,
    toBlob(features),
    new Date().toISOString(),
  );
}

export function readFeatures(db: Db, sampleHash: string, key: string): CachedFeatures | null {
  const row = db.prepare('SELECT windows, features FROM feature_cache WHERE sample_hash = ? AND config_hash = ?').get(sampleHash, key) as
    { windows: number; features: Buffer } | undefined;
  if (!row) return null;
  const features = fromBlob(row.features);
  return { windows: row.windows, length: row.windows > 0 ? features.length / row.windows : 0, features };
}

/** Windows cached for a sample and config (0 when none). */
export function cachedWindowCount(db: Db, sampleHash: string, key: string): number {
  const row = db.prepare('SELECT windows FROM feature_cache WHERE sample_hash = ? AND config_hash = ?').get(sampleHash, key) as { windows: number } | undefined;
  return row?.windows ?? 0;
}

/** Sample hashes that have features for a config. */
export function cachedSampleHashes(db: Db, key: string): Set<string> {
  return new Set((db.prepare('SELECT sample_hash FROM feature_cache WHERE config_hash = ?').all(key) as { sample_hash: string }[]).map((r) => r.sample_hash));
}

/** Sample hashes that have features from another config of the same impulse block. */
export function staleSampleHashes(db: Db, blockId: string, key: string): Set<string> {
  const rows = db
    .prepare(
      `SELECT DISTINCT c.sample_hash FROM feature_cache c JOIN feature_configs f ON f.config_hash = c.config_hash
       WHERE f.block_id = ? AND c.config_hash != ?`,
    )
    .all(blockId, key) as { sample_hash: string }[];
  return new Set(rows.map((r) => r.sample_hash));
}

/** Features per window for a config, from any cached sample (null when none is cached). */
export function cachedLength(db: Db, key: string): number | null {
  const row = db.prepare('SELECT windows, length(features) AS bytes FROM feature_cache WHERE config_hash = ? AND windows > 0 LIMIT 1').get(key) as
    { windows: number; bytes: number } | undefined;
  return row ? row.bytes / 4 / row.windows : null;
}

/**
 * Drops features of configs no block of the impulse uses any more, and of samples that no longer
 * exist (soft-deleted samples keep theirs, for undo). Returns the rows removed.
 */
export function pruneFeatures(db: Db, keep: string[]): number {
  return db.transaction(() => {
    const marks = keep.map(() => '?').join(',');
    const removed =
      db.prepare(`DELETE FROM feature_cache WHERE config_hash NOT IN (${marks || "''"})`).run(...keep).changes +
      db.prepare('DELETE FROM feature_cache WHERE sample_hash NOT IN (SELECT hash FROM samples WHERE hash IS NOT NULL)').run().changes;
    db.prepare(`DELETE FROM feature_configs WHERE config_hash NOT IN (${marks || "''"})`).run(...keep);
    return removed;
  })();
}
