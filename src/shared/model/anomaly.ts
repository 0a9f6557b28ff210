/**
 * Anomaly detection blocks over chosen feature axes: K-means (seeded k-means++ then Lloyd) and a
 * Gaussian mixture model (EM, diagonal or full covariance). Features are standardised per axis
 * with the training mean / std first, so scores are in units of standard deviations.
 *
 * K-means score, roughly as Edge Impulse: distance to the nearest centroid minus that cluster's
 * radius (the 95th percentile of its members' distances), so ≤ 0 means "inside a known cluster".
 * GMM score: negative log-likelihood of the (standardised) row. Both suggest a threshold: the
 * 99th percentile of the training rows' scores.
 */
import { KilnError } from '../errors.js';
import { type Rng, createRng } from './random.js';

interface Scaling {
  /** indices of the feature values used, in order */
  axes: number[];
  mean: number[];
  std: number[];
}

export interface KMeansSettings {
  clusters: number;
  /** feature indices to use; default all */
  axes?: number[];
  seed: number;
  /** Lloyd iterations at most (default 100) */
  maxIterations?: number;
}

export interface KMeansModel extends Scaling {
  kind: 'kmeans';
  /** clusters × axes, in standardised units */
  centroids: number[][];
  /** per cluster, in standardised units */
  radii: number[];
  /** rows per cluster in the training data */
  sizes: number[];
  iterations: number;
  suggestedThreshold: number;
}

export interface GmmSettings {
  components: number;
  covariance: 'diagonal' | 'full';
  axes?: number[];
  seed: number;
  /** EM iterations at most (default 100) */
  maxIterations?: number;
  /** stop when the mean log-likelihood improves by less than this (default 1e-4) */
  tolerance?: number;
  /** added to every variance to keep covariances invertible (default 1e-6) */
  regularization?: number;
}

export interface GmmModel extends Scaling {
  kind: 'gmm';
  covariance: 'diagonal' | 'full';
  weights: number[];
  means: number[][];
  /** diagonal: the variances (axes values); full: the lower Cholesky factor of Σ, row-major axes × axes */
  covariances: number[][];
  iterations: number;
  converged: boolean;
  /** mean log-likelihood of the training rows */
  logLikelihood: number;
  suggestedThreshold: number;
}

export type AnomalyModel = KMeansModel | GmmModel;

const THRESHOLD_QUANTILE = 0.99;
const RADIUS_QUANTILE = 0.95;

/** Validate the data and return standardised rows over the chosen axes. */
function prepare(
  features: Float32Array,
  featureLength: number,
  axesIn: number[] | undefined,
  minRows: number,
  what: string,
): { points: Float64Array[]; scaling: Scaling } {
  if (!Number.isInteger(featureLength) || featureLength < 1) {
    throw new KilnError('BAD_PARAMS', `Feature length must be a whole number ≥ 1, got ${featureLength}`);
  }
  if (features.length % featureLength !== 0) {
    throw new KilnError('BAD_DATA', `${features.length} feature values are not a whole number of rows of ${featureLength}`);
  }
  const rows = features.length / featureLength;
  const axes = axesIn ?? Array.from({ length: featureLength }, (_, i) => i);
  if (axes.length === 0) throw new KilnError('BAD_PARAMS', 'Choose at least one feature axis for the anomaly block', { field: 'axes' });
  for (const a of axes) {
    if (!Number.isInteger(a) || a < 0 || a >= featureLength) {
      throw new KilnError('BAD_PARAMS', `Feature axis ${a} does not exist; rows have axes 0…${featureLength - 1}`, { field: 'axes' });
    }
  }
  if (rows < minRows) {
    throw new KilnError('BAD_DATA', `${what} needs at least ${minRows} training rows, got ${rows}`);
  }
  const d = axes.length;
  const mean = new Array<number>(d).fill(0);
  const std = new Array<number>(d).fill(0);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) {
      const v = features[r * featureLength + axes[j]!]!;
      if (!Number.isFinite(v)) {
        throw new KilnError('BAD_DATA', `Feature row ${r}, value ${axes[j]} is ${v}`, { row: r, index: axes[j] });
      }
      mean[j]! += v;
    }
  }
  for (let j = 0; j < d; j++) mean[j]! /= rows;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) std[j]! += (features[r * featureLength + axes[j]!]! - mean[j]!) ** 2;
  }
  // a constant axis keeps scale 1 so it neither explodes nor divides by zero
  for (let j = 0; j < d; j++) std[j] = Math.sqrt(std[j]! / rows) || 1;
  const scaling = { axes, mean, std };
  const points = Array.from({ length: rows }, (_, r) => standardise(scaling, features.subarray(r * featureLength, (r + 1) * featureLength)));
  return { points, scaling };
}

function standardise(s: Scaling, row: ArrayLike<number>): Float64Array {
  const out = new Float64Array(s.axes.length);
  for (let j = 0; j < s.axes.length; j++) out[j] = (row[s.axes[j]!]! - s.mean[j]!) / s.std[j]!;
  return out;
}

function dist2(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < a.length; j++) {
    const d = a[j]! - b[j]!;
    s += d * d;
  }
  return s;
}

function quantile(values: number[], q: number): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

/** k-means++ seeding then Lloyd iterations; returns centroids and assignments. */
function kmeans(points: Float64Array[], k: number, rng: Rng, maxIterations: number) {
  const n = points.length;
  const d = points[0]!.length;
  const centroids: Float64Array[] = [Float64Array.from(points[rng.int(n)]!)];
  const nearest = points.map((p) => dist2(p, centroids[0]!));
  while (centroids.length < k) {
    let total = 0;
    for (const v of nearest) total += v;
    let pick = n - 1;
    if (total > 0) {
      let u = rng.next() * total;
      for (let i = 0; i < n; i++) {
        u -= nearest[i]!;
        if (u < 0) {
          pick = i;
          break;
        }
      }
    } else {
      pick = rng.int(n);
    }
    const c = Float64Array.from(points[pick]!);
    centroids.push(c);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i]!, dist2(points[i]!, c));
  }
  const assign = new Int32Array(n).fill(-1);
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    let changed = false;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestD = Infinity;
      for (let c = 0; c < k; c++) {
        const dd = dist2(points[i]!, centroids[c]!);
        if (dd < bestD) {
          bestD = dd;
          best = c;
        }
      }
      if (assign[i] !== best) {
        assign[i] = best;
        changed = true;
      }
    }
    if (!changed) break;
    const sums = Array.from({ length: k }, () => new Float64Array(d));
    const counts = new Int32Array(k);
    for (let i = 0; i < n; i++) {
      const c = assign[i]!;
      counts[c]!++;
      const s = sums[c]!;
      for (let j = 0; j < d; j++) s[j]! += points[i]![j]!;
    }
    for (let c = 0; c < k; c++) {
      if (counts[c]! > 0) {
        for (let j = 0; j < d; j++) centroids[c]![j] = sums[c]![j]! / counts[c]!;
      } else {
        // an empty cluster takes the point farthest from its own centroid
        let far = 0;
        let farD = -1;
        for (let i = 0; i < n; i++) {
          const dd = dist2(points[i]!, centroids[assign[i]!]!);
          if (dd > farD) {
            farD = dd;
            far = i;
          }
        }
        centroids[c] = Float64Array.from(points[far]!);
      }
    }
  }
  return { centroids, assign, iterations };
}

/** Train a K-means anomaly block. */
export function trainKMeans(features: Float32Array, featureLength: number, settings: KMeansSettings): KMeansModel {
  const k = settings.clusters;
  if (!Number.isInteger(k) || k < 1) {
    throw new KilnError('BAD_PARAMS', `Cluster count must be a whole number ≥ 1, got ${k}`, { field: 'clusters' });
  }
  const { points, scaling } = prepare(features, featureLength, settings.axes, k, `K-means with ${k} clusters`);
  const rng = createRng(settings.seed).fork('kmeans');
  const { centroids, assign, iterations } = kmeans(points, k, rng, settings.maxIterations ?? 100);
  const members: number[][] = Array.from({ length: k }, () => []);
  points.forEach((p, i) => members[assign[i]!]!.push(Math.sqrt(dist2(p, centroids[assign[i]!]!))));
  const radii = members.map((m) => quantile(m, RADIUS_QUANTILE));
  const model: KMeansModel = {
    kind: 'kmeans',
    ...scaling,
    centroids: centroids.map((c) => Array.from(c)),
    radii,
    sizes: members.map((m) => m.length),
    iterations,
    suggestedThreshold: 0,
  };
  model.suggestedThreshold = Math.max(
    0,
    quantile(
      points.map((p) => kmeansScoreStandardised(model, p)),
      THRESHOLD_QUANTILE,
    ),
  );
  return model;
}

function kmeansScoreStandardised(model: KMeansModel, p: Float64Array): number {
  let best = Infinity;
  for (let c = 0; c < model.centroids.length; c++) {
    best = Math.min(best, Math.sqrt(dist2(p, model.centroids[c]!)) - model.radii[c]!);
  }
  return best;
}

/** Anomaly score of one feature row (full row; the model picks its axes). Higher = more unusual. */
export function anomalyScore(model: AnomalyModel, row: ArrayLike<number>): number {
  const p = standardise(model, row);
  return model.kind === 'kmeans' ? kmeansScoreStandardised(model, p) : -gmmLogLikelihood(model, p);
}

/** Scores for every row of a rows × featureLength matrix. */
export function anomalyScores(model: AnomalyModel, features: Float32Array, featureLength: number): Float32Array {
  const rows = Math.floor(features.length / featureLength);
  const out = new Float32Array(rows);
  for (let r = 0; r < rows; r++) out[r] = anomalyScore(model, features.subarray(r * featureLength, (r + 1) * featureLength));
  return out;
}

const LOG_2PI = Math.log(2 * Math.PI);

/** Lower Cholesky factor of a symmetric positive-definite d × d matrix (row-major), or null. */
function cholesky(a: Float64Array, d: number): Float64Array | null {
  const l = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = a[i * d + j]!;
      for (let k = 0; k < j; k++) s -= l[i * d + k]! * l[j * d + k]!;
      if (i === j) {
        if (!(s > 0)) return null;
        l[i * d + i] = Math.sqrt(s);
      } else {
        l[i * d + j] = s / l[j * d + j]!;
      }
    }
  }
  return l;
}

/** log N(p | mean, Σ) with Σ given as variances (diagonal) or its Cholesky factor (full). */
function logGaussian(p: ArrayLike<number>, mean: ArrayLike<number>, cov: ArrayLike<number>, full: boolean): number {
  const d = p.length;
  let logDet = 0;
  let maha = 0;
  if (!full) {
    for (let j = 0; j < d; j++) {
      const v = cov[j]!;
      const diff = p[j]! - mean[j]!;
      logDet += Math.log(v);
      maha += (diff * diff) / v;
    }
  } else {
    // solve L z = (p - mean) by forward substitution; maha = |z|²
    const z = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      let s = p[i]! - mean[i]!;
      for (let k = 0; k < i; k++) s -= cov[i * d + k]! * z[k]!;
      const lii = cov[i * d + i]!;
      z[i] = s / lii;
      logDet += 2 * Math.log(lii);
      maha += z[i]! * z[i]!;
    }
  }
  return -0.5 * (d * LOG_2PI + logDet + maha);
}

function logSumExp(v: Float64Array): number {
  let max = -Infinity;
  for (const x of v) max = Math.max(max, x);
  if (max === -Infinity) return max;
  let s = 0;
  for (const x of v) s += Math.exp(x - max);
  return max + Math.log(s);
}

function gmmLogLikelihood(model: GmmModel, p: ArrayLike<number>): number {
  const k = model.weights.length;
  const terms = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    terms[c] = Math.log(model.weights[c]!) + logGaussian(p, model.means[c]!, model.covariances[c]!, model.covariance === 'full');
  }
  return logSumExp(terms);
}

/** Train a Gaussian mixture anomaly block with EM, initialised from seeded k-means. */
export function trainGmm(features: Float32Array, featureLength: number, settings: GmmSettings): GmmModel {
  const k = settings.components;
  if (!Number.isInteger(k) || k < 1) {
    throw new KilnError('BAD_PARAMS', `Component count must be a whole number ≥ 1, got ${k}`, { field: 'components' });
  }
  const full = settings.covariance === 'full';
  const { points, scaling } = prepare(features, featureLength, settings.axes, Math.max(2, k), `A GMM with ${k} components`);
  const n = points.length;
  const d = scaling.axes.length;
  const reg = settings.regularization ?? 1e-6;
  const tol = settings.tolerance ?? 1e-4;
  const maxIterations = settings.maxIterations ?? 100;
  const rng = createRng(settings.seed).fork('gmm');
  const init = kmeans(points, k, rng, 20);

  // responsibilities start as the hard k-means assignment
  let resp: Float64Array[] = Array.from({ length: n }, (_, i) => {
    const r = new Float64Array(k);
    r[init.assign[i]!] = 1;
    return r;
  });
  let weights: number[] = [];
  let means: number[][] = [];
  let covs: number[][] = [];

  const mStep = () => {
    weights = [];
    means = [];
    covs = [];
    for (let c = 0; c < k; c++) {
      let nk = 0;
      const mu = new Float64Array(d);
      for (let i = 0; i < n; i++) {
        const w = resp[i]![c]!;
        nk += w;
        for (let j = 0; j < d; j++) mu[j]! += w * points[i]![j]!;
      }
      const nkSafe = nk > 1e-10 ? nk : 1e-10;
      for (let j = 0; j < d; j++) mu[j]! /= nkSafe;
      if (!full) {
        const v = new Float64Array(d);
        for (let i = 0; i < n; i++) {
          const w = resp[i]![c]!;
          for (let j = 0; j < d; j++) v[j]! += w * (points[i]![j]! - mu[j]!) ** 2;
        }
        covs.push(Array.from(v, (x) => x / nkSafe + reg));
      } else {
        const s = new Float64Array(d * d);
        for (let i = 0; i < n; i++) {
          const w = resp[i]![c]!;
          if (w === 0) continue;
          for (let a = 0; a < d; a++) {
            const da = points[i]![a]! - mu[a]!;
            for (let b = 0; b <= a; b++) s[a * d + b]! += w * da * (points[i]![b]! - mu[b]!);
          }
        }
        for (let a = 0; a < d; a++) {
          for (let b = 0; b <= a; b++) {
            const v = s[a * d + b]! / nkSafe + (a === b ? reg : 0);
            s[a * d + b] = v;
            s[b * d + a] = v;
          }
        }
        const l = cholesky(s, d);
        if (!l) {
          throw new KilnError(
            'BAD_DATA',
            `GMM component ${c + 1} collapsed (its covariance is singular); use fewer components, the diagonal covariance, or a larger regularization`,
          );
        }
        covs.push(Array.from(l));
      }
      weights.push(nk / n);
      means.push(Array.from(mu));
    }
  };

  let logLikelihood = -Infinity;
  let converged = false;
  let iterations = 0;
  mStep();
  for (; iterations < maxIterations; iterations++) {
    let total = 0;
    const next: Float64Array[] = [];
    for (let i = 0; i < n; i++) {
      const terms = new Float64Array(k);
      for (let c = 0; c < k; c++) {
        terms[c] = (weights[c]! > 0 ? Math.log(weights[c]!) : -Infinity) + logGaussian(points[i]!, means[c]!, covs[c]!, full);
      }
      const lse = logSumExp(terms);
      total += lse;
      for (let c = 0; c < k; c++) terms[c] = Math.exp(terms[c]! - lse);
      next.push(terms);
    }
    const mean = total / n;
    resp = next;
    if (Math.abs(mean - logLikelihood) < tol) {
      logLikelihood = mean;
      converged = true;
      break;
    }
    logLikelihood = mean;
    mStep();
  }
  const model: GmmModel = {
    kind: 'gmm',
    ...scaling,
    covariance: settings.covariance,
    weights,
    means,
    covariances: covs,
    iterations,
    converged,
    logLikelihood,
    suggestedThreshold: 0,
  };
  model.suggestedThreshold = quantile(
    points.map((p) => -gmmLogLikelihood(model, p)),
    THRESHOLD_QUANTILE,
  );
  return model;
}
