/** A feature-explorer projection for the projection worker: rows × dims in, rows × k out. */
export interface ProjectionTask {
  /** rows × dims, row-major */
  data: Float64Array;
  rows: number;
  dims: number;
  method: 'pca' | 'umap';
  k: 2 | 3;
  seed: number;
}

export interface ProjectionResult {
  /** rows × k, row-major */
  coords: Float64Array;
  explained?: number[];
}
