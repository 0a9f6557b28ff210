/**
 * Descriptive statistics over a slice of a typed array, with the definitions Edge Impulse's
 * blocks get from numpy/scipy: population (biased) moments, `scipy.stats.skew` and Fisher
 * `scipy.stats.kurtosis` (excess, biased). All sums run in float64.
 *
 * scipy returns NaN for skewness/kurtosis of a (numerically) constant signal; a feature vector
 * must stay finite, so these return 0 there instead.
 */

/** arithmetic mean of x[offset … offset+length) */
export function mean(x: ArrayLike<number>, offset = 0, length = x.length - offset): number {
  let s = 0;
  for (let i = offset, end = offset + length; i < end; i++) s += x[i]!;
  return length > 0 ? s / length : 0;
}

/** root mean square √(Σx²/n) */
export function rms(x: ArrayLike<number>, offset = 0, length = x.length - offset): number {
  let s = 0;
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i]!;
    s += v * v;
  }
  return length > 0 ? Math.sqrt(s / length) : 0;
}

/** Central moments m2, m3, m4 (divided by n) and the mean, in one reusable object. */
export interface Moments {
  mean: number;
  m2: number;
  m3: number;
  m4: number;
}

/** Fills `out` with the mean and the 2nd…4th central moments (population, ÷n). */
export function centralMoments(x: ArrayLike<number>, offset = 0, length = x.length - offset, out: Moments = { mean: 0, m2: 0, m3: 0, m4: 0 }): Moments {
  const mu = mean(x, offset, length);
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  for (let i = offset, end = offset + length; i < end; i++) {
    const d = x[i]! - mu;
    const d2 = d * d;
    s2 += d2;
    s3 += d2 * d;
    s4 += d2 * d2;
  }
  out.mean = mu;
  out.m2 = length > 0 ? s2 / length : 0;
  out.m3 = length > 0 ? s3 / length : 0;
  out.m4 = length > 0 ? s4 / length : 0;
  return out;
}

/** scipy's test for "all values equal up to rounding", where it would return NaN */
function isDegenerate(m: Moments): boolean {
  return m.m2 === 0 || m.m2 <= (1e-15 * m.mean) ** 2;
}

/** population standard deviation (numpy `std`, ddof 0) */
export function stdev(x: ArrayLike<number>, offset = 0, length = x.length - offset): number {
  return Math.sqrt(centralMoments(x, offset, length, scratchMoments).m2);
}

/** variance with `ddof` delta degrees of freedom (numpy `var(x, ddof)`) */
export function variance(x: ArrayLike<number>, ddof = 0, offset = 0, length = x.length - offset): number {
  const m = centralMoments(x, offset, length, scratchMoments);
  const dof = length - ddof;
  return dof > 0 ? (m.m2 * length) / dof : 0;
}

/** scipy.stats.skew (biased): m3 / m2^1.5; 0 for a constant signal */
export function skewness(x: ArrayLike<number>, offset = 0, length = x.length - offset): number {
  return skewnessFromMoments(centralMoments(x, offset, length, scratchMoments));
}

/** scipy.stats.kurtosis (Fisher, biased): m4 / m2² − 3; 0 for a constant signal */
export function kurtosis(x: ArrayLike<number>, offset = 0, length = x.length - offset): number {
  return kurtosisFromMoments(centralMoments(x, offset, length, scratchMoments));
}

export function skewnessFromMoments(m: Moments): number {
  return isDegenerate(m) ? 0 : m.m3 / m.m2 ** 1.5;
}

export function kurtosisFromMoments(m: Moments): number {
  return isDegenerate(m) ? 0 : m.m4 / (m.m2 * m.m2) - 3;
}

const scratchMoments: Moments = { mean: 0, m2: 0, m3: 0, m4: 0 };

/**
 * Shannon entropy (nats) of the 100-bin histogram of x over [min, max], as
 * `scipy.stats.entropy(np.histogram(x, bins=100, density=True)[0])` computes it.
 * `counts` is scratch space of at least `bins` entries.
 */
export function histogramEntropy(x: ArrayLike<number>, offset: number, length: number, bins = 100, counts: Float64Array = new Float64Array(bins)): number {
  if (length === 0) return 0;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i]!;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    // numpy widens an empty range by ±0.5
    lo -= 0.5;
    hi += 0.5;
  }
  counts.fill(0, 0, bins);
  const span = hi - lo;
  const step = span / bins;
  for (let i = offset, end = offset + length; i < end; i++) {
    const v = x[i]!;
    // numpy's uniform-bin fast path, then the same edge corrections against linspace edges
    let b = Math.trunc(((v - lo) / span) * bins);
    if (b === bins) b--;
    if (v < b * step + lo) b--;
    else if (b !== bins - 1 && v >= edge(b + 1, bins, step, lo, hi)) b++;
    counts[b]!++;
  }
  let h = 0;
  for (let b = 0; b < bins; b++) {
    const c = counts[b]!;
    if (c > 0) {
      const p = c / length;
      h -= p * Math.log(p);
    }
  }
  return h;
}

function edge(i: number, bins: number, step: number, lo: number, hi: number): number {
  return i === bins ? hi : i * step + lo;
}

/** Fraction of consecutive pairs where (x > level) changes: numpy `len(nonzero(diff(x > level))) / n`. */
export function crossingRate(x: ArrayLike<number>, offset: number, length: number, level: number): number {
  if (length === 0) return 0;
  let count = 0;
  let prev = x[offset]! > level;
  for (let i = offset + 1, end = offset + length; i < end; i++) {
    const cur = x[i]! > level;
    if (cur !== prev) count++;
    prev = cur;
  }
  return count / length;
}

/** Edge Impulse's percentile of an ascending-sorted array: element ⌊(n−1)·p/100 + 0.5⌋. */
export function sortedPercentile(sorted: ArrayLike<number>, length: number, percentile: number): number {
  return sorted[Math.trunc(((length - 1) * percentile) / 100 + 0.5)]!;
}
