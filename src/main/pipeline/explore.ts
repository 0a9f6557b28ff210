/**
 * Feature explorer: projects feature vectors (one per window) to 2 or 3 dimensions.
 * PCA: standardised features, top components by power iteration on the data (never forms the
 * d × d covariance, so 27 648-long image features are fine). UMAP: umap-js with a seeded
 * generator, on the first ≤ 30 principal components.
 */
import { UMAP } from 'umap-js';
import { mulberry32 } from './random';

/** Centres and scales each column to unit variance (constant columns become 0). In place. */
export function standardise(rows: Float64Array[], dims: number): void {
  const n = rows.length;
  for (let j = 0; j < dims; j++) {
    let mean = 0;
    for (const r of rows) mean += r[j]!;
    mean /= n;
    let v = 0;
    for (const r of rows) v += (r[j]! - mean) ** 2;
    const sd = Math.sqrt(v / Math.max(1, n - 1));
    for (const r of rows) r[j] = sd > 1e-12 ? (r[j]! - mean) / sd : 0;
  }
}

/** Top-k principal components of centred rows: projections (n × k) and explained variance shares. */
export function pca(rows: Float64Array[], dims: number, k: number, seed = 1): { projected: number[][]; explained: number[] } {
  const n = rows.length;
  const random = mulberry32(seed);
  let total = 0;
  for (const r of rows) for (let j = 0; j < dims; j++) total += r[j]! * r[j]!;
  const components: Float64Array[] = [];
  const explained: number[] = [];
  const xv = new Float64Array(n);
  for (let c = 0; c < Math.min(k, dims); c++) {
    let v = new Float64Array(dims);
    for (let j = 0; j < dims; j++) v[j] = random() - 0.5;
    let eigen = 0;
    for (let iter = 0; iter < 60; iter++) {
      // w = Xᵀ X v, minus the components already found (deflation)
      for (let i = 0; i < n; i++) {
        let s = 0;
        const r = rows[i]!;
        for (let j = 0; j < dims; j++) s += r[j]! * v[j]!;
        xv[i] = s;
      }
      const w = new Float64Array(dims);
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        const s = xv[i]!;
        if (s !== 0) for (let j = 0; j < dims; j++) w[j]! += r[j]! * s;
      }
      for (const u of components) {
        let d = 0;
        for (let j = 0; j < dims; j++) d += u[j]! * w[j]!;
        for (let j = 0; j < dims; j++) w[j]! -= d * u[j]!;
      }
      let norm = 0;
      for (let j = 0; j < dims; j++) norm += w[j]! * w[j]!;
      norm = Math.sqrt(norm);
      if (norm < 1e-12) {
        eigen = 0;
        break;
      }
      let change = 0;
      for (let j = 0; j < dims; j++) {
        const next = w[j]! / norm;
        change += Math.abs(next - v[j]!);
        w[j] = next;
      }
      v = w;
      eigen = norm;
      if (change < 1e-7 * dims) break;
    }
    // fixed sign: the largest coefficient is positive, so results are stable between runs
    let big = 0;
    for (let j = 0; j < dims; j++) if (Math.abs(v[j]!) > Math.abs(v[big]!)) big = j;
    if (v[big]! < 0) for (let j = 0; j < dims; j++) v[j] = -v[j]!;
    components.push(v);
    explained.push(total > 0 ? eigen / total : 0);
  }
  const projected = rows.map((r) =>
    components.map((u) => {
      let s = 0;
      for (let j = 0; j < dims; j++) s += r[j]! * u[j]!;
      return s;
    }),
  );
  while (projected.length && projected[0]!.length < k) for (const p of projected) p.push(0);
  return { projected, explained };
}

/** One row with neighbouring columns averaged down to at most `max` (the row itself when short enough). */
export function poolRow(row: Float64Array, max = 2048): Float64Array {
  const dims = row.length;
  if (dims <= max) return row;
  const out = new Float64Array(max);
  for (let c = 0; c < max; c++) {
    const from = Math.floor((c * dims) / max);
    const to = Math.floor(((c + 1) * dims) / max);
    let s = 0;
    for (let j = from; j < to; j++) s += row[j]!;
    out[c] = s / (to - from);
  }
  return out;
}

/** Averages neighbouring columns so rows have at most `max` (long image features stay cheap to project). */
export function poolColumns(rows: Float64Array[], dims: number, max = 2048): { rows: Float64Array[]; dims: number } {
  if (dims <= max) return { rows, dims };
  const out = rows.map(() => new Float64Array(max));
  for (let c = 0; c < max; c++) {
    const from = Math.floor((c * dims) / max);
    const to = Math.floor(((c + 1) * dims) / max);
    for (let i = 0; i < rows.length; i++) {
      let s = 0;
      const r = rows[i]!;
      for (let j = from; j < to; j++) s += r[j]!;
      out[i]![c] = s / (to - from);
    }
  }
  return { rows: out, dims: max };
}

/** UMAP embedding (seeded), on at most 30 principal components. */
export function umap(rows: Float64Array[], dims: number, k: number, seed = 1): number[][] {
  const n = rows.length;
  if (n < 4) return pca(rows, dims, k, seed).projected;
  const reduced = dims > 30 ? pca(rows, dims, 30, seed).projected : rows.map((r) => Array.from(r.subarray(0, dims)));
  const model = new UMAP({
    nComponents: k,
    nNeighbors: Math.max(2, Math.min(15, n - 1)),
    minDist: 0.1,
    nEpochs: n > 2000 ? 200 : 400,
    random: mulberry32(seed),
  });
  return model.fit(reduced);
}
