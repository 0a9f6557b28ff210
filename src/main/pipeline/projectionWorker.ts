// Worker thread entry: standardises feature rows and projects them with PCA or UMAP (explore.ts).
import { pca, poolColumns, standardise, umap } from './explore';
import type { ProjectionResult, ProjectionTask } from './projectionTask';
import { serveTasks } from './workerProtocol';

serveTasks<ProjectionTask, ProjectionResult>((t) => {
  const rows = Array.from({ length: t.rows }, (_, i) => t.data.subarray(i * t.dims, (i + 1) * t.dims));
  const pooled = poolColumns(rows, t.dims);
  // poolColumns returns the same rows when nothing is pooled: copy, so standardising does not touch the input
  const work = pooled.rows === rows ? rows.map((r) => Float64Array.from(r)) : pooled.rows;
  standardise(work, pooled.dims);
  let coords: number[][];
  let explained: number[] | undefined;
  if (t.method === 'pca') {
    const r = pca(work, pooled.dims, t.k, t.seed);
    coords = r.projected;
    explained = r.explained;
  } else {
    coords = umap(work, pooled.dims, t.k, t.seed);
  }
  const flat = new Float64Array(t.rows * t.k);
  coords.forEach((c, i) => c.forEach((v, j) => (flat[i * t.k + j] = Number.isFinite(v) ? v : 0)));
  return { result: { coords: flat, ...(explained ? { explained } : {}) }, transfer: [flat.buffer as ArrayBuffer] };
});
