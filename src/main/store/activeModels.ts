/** Read-only look-up of the active model of a learning block (what a deployment exports). */
import type { Db } from './projectDatabase';

export interface ActiveModelRow {
  id: number;
  learningBlock: string;
  spec: string;
  metrics: string | null;
  weights: Buffer | null;
  impulseHash: string;
  datasetHash: string;
  createdAt: string;
}

/** The active model of a learning block, or null when none is trained. */
export function activeModelOf(db: Db, learningBlock: string): ActiveModelRow | null {
  const r = db
    .prepare(
      `SELECT id, learning_block AS learningBlock, spec, metrics, weights, impulse_hash AS impulseHash, dataset_hash AS datasetHash, created_at AS createdAt
       FROM models WHERE active = 1 AND learning_block = ? ORDER BY id DESC LIMIT 1`,
    )
    .get(learningBlock) as ActiveModelRow | undefined;
  return r ?? null;
}
