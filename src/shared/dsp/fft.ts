/**
 * Fast Fourier transforms over Float64Array.
 * Powers of two use an iterative radix-2 transform; other lengths use Bluestein's chirp-z
 * algorithm on top of it, so every length n ≥ 1 is supported with O(n log n) work.
 * Plans are cached per length because DSP blocks call the same sizes over and over.
 */

export interface FftPlan {
  /** transform length */
  readonly n: number;
  /** In-place forward transform (e^{-2πi kn/N}); re and im must have length n. */
  forward(re: Float64Array, im: Float64Array): void;
}

const planCache = new Map<number, FftPlan>();

/** Returns a cached FFT plan for length n. */
export function fftPlan(n: number): FftPlan {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`FFT length must be a positive integer, got ${n}`);
  let plan = planCache.get(n);
  if (!plan) {
    plan = isPowerOfTwo(n) ? new Radix2Plan(n) : new BluesteinPlan(n);
    planCache.set(n, plan);
  }
  return plan;
}

export function isPowerOfTwo(n: number): boolean {
  return n > 0 && (n & (n - 1)) === 0;
}

export function nextPowerOfTwo(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

class Radix2Plan implements FftPlan {
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly rev: Uint32Array;

  constructor(readonly n: number) {
    const half = n >> 1;
    this.cos = new Float64Array(half);
    this.sin = new Float64Array(half);
    for (let k = 0; k < half; k++) {
      const a = (-2 * Math.PI * k) / n;
      this.cos[k] = Math.cos(a);
      this.sin[k] = Math.sin(a);
    }
    this.rev = new Uint32Array(n);
    const bits = Math.round(Math.log2(n));
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
  }

  forward(re: Float64Array, im: Float64Array): void {
    const { n, rev, cos, sin } = this;
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        const tr = re[i]!;
        re[i] = re[j]!;
        re[j] = tr;
        const ti = im[i]!;
        im[i] = im[j]!;
        im[j] = ti;
      }
    }
    for (let size = 2; size <= n; size <<= 1) {
      const halfSize = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0, t = 0; k < halfSize; k++, t += step) {
          const a = start + k;
          const b = a + halfSize;
          const wr = cos[t]!;
          const wi = sin[t]!;
          const br = re[b]!;
          const bi = im[b]!;
          const xr = br * wr - bi * wi;
          const xi = br * wi + bi * wr;
          re[b] = re[a]! - xr;
          im[b] = im[a]! - xi;
          re[a] = re[a]! + xr;
          im[a] = im[a]! + xi;
        }
      }
    }
  }
}

class BluesteinPlan implements FftPlan {
  private readonly m: number;
  private readonly inner: FftPlan;
  private readonly chirpRe: Float64Array;
  private readonly chirpIm: Float64Array;
  private readonly kernelRe: Float64Array;
  private readonly kernelIm: Float64Array;
  private readonly workRe: Float64Array;
  private readonly workIm: Float64Array;

  constructor(readonly n: number) {
    this.m = nextPowerOfTwo(2 * n - 1);
    this.inner = fftPlan(this.m);
    this.chirpRe = new Float64Array(n);
    this.chirpIm = new Float64Array(n);
    for (let k = 0; k < n; k++) {
      // k² mod 2n keeps the angle small and exact for large k
      const a = (Math.PI * ((k * k) % (2 * n))) / n;
      this.chirpRe[k] = Math.cos(a);
      this.chirpIm[k] = -Math.sin(a);
    }
    this.kernelRe = new Float64Array(this.m);
    this.kernelIm = new Float64Array(this.m);
    this.kernelRe[0] = this.chirpRe[0]!;
    this.kernelIm[0] = -this.chirpIm[0]!;
    for (let k = 1; k < n; k++) {
      this.kernelRe[k] = this.kernelRe[this.m - k] = this.chirpRe[k]!;
      this.kernelIm[k] = this.kernelIm[this.m - k] = -this.chirpIm[k]!;
    }
    this.inner.forward(this.kernelRe, this.kernelIm);
    this.workRe = new Float64Array(this.m);
    this.workIm = new Float64Array(this.m);
  }

  forward(re: Float64Array, im: Float64Array): void {
    const { n, m, chirpRe, chirpIm, kernelRe, kernelIm, workRe, workIm } = this;
    workRe.fill(0);
    workIm.fill(0);
    for (let k = 0; k < n; k++) {
      workRe[k] = re[k]! * chirpRe[k]! - im[k]! * chirpIm[k]!;
      workIm[k] = re[k]! * chirpIm[k]! + im[k]! * chirpRe[k]!;
    }
    this.inner.forward(workRe, workIm);
    for (let k = 0; k < m; k++) {
      const r = workRe[k]! * kernelRe[k]! - workIm[k]! * kernelIm[k]!;
      const i = workRe[k]! * kernelIm[k]! + workIm[k]! * kernelRe[k]!;
      // conjugate so that a second forward transform acts as an inverse
      workRe[k] = r;
      workIm[k] = -i;
    }
    this.inner.forward(workRe, workIm);
    for (let k = 0; k < n; k++) {
      const r = workRe[k]! / m;
      const i = -workIm[k]! / m;
      re[k] = r * chirpRe[k]! - i * chirpIm[k]!;
      im[k] = r * chirpIm[k]! + i * chirpRe[k]!;
    }
  }
}

/**
 * Real-input FFT with numpy's `rfft(x, n)` semantics: x is truncated or zero-padded to n and
 * the n/2+1 non-negative frequency bins are written to outRe/outIm (length ≥ n/2+1).
 */
export function rfft(
  x: ArrayLike<number>,
  n: number,
  outRe: Float64Array,
  outIm: Float64Array,
  offset = 0,
  length = x.length - offset,
): void {
  const plan = fftPlan(n);
  const re = scratch(n, 0);
  const im = scratch(n, 1);
  const count = Math.min(n, length);
  for (let i = 0; i < count; i++) re[i] = x[offset + i]!;
  re.fill(0, count, n);
  im.fill(0, 0, n);
  plan.forward(re, im);
  const bins = (n >> 1) + 1;
  for (let k = 0; k < bins; k++) {
    outRe[k] = re[k]!;
    outIm[k] = im[k]!;
  }
}

/** |rfft(x, n)|² into out (length ≥ n/2+1). */
export function rfftPower(x: ArrayLike<number>, n: number, out: Float64Array, offset = 0, length = x.length - offset): void {
  const bins = (n >> 1) + 1;
  const re = scratch(bins, 2);
  const im = scratch(bins, 3);
  rfft(x, n, re, im, offset, length);
  for (let k = 0; k < bins; k++) out[k] = re[k]! * re[k]! + im[k]! * im[k]!;
}

/** |rfft(x, n)| into out (length ≥ n/2+1). */
export function rfftMagnitude(x: ArrayLike<number>, n: number, out: Float64Array, offset = 0, length = x.length - offset): void {
  rfftPower(x, n, out, offset, length);
  const bins = (n >> 1) + 1;
  for (let k = 0; k < bins; k++) out[k] = Math.sqrt(out[k]!);
}

// Reused work buffers: DSP runs single-threaded per worker, so one set per slot is enough.
const scratchBuffers: Float64Array[] = [];
function scratch(n: number, slot: number): Float64Array {
  let buf = scratchBuffers[slot];
  if (!buf || buf.length < n) {
    buf = new Float64Array(Math.max(n, 16));
    scratchBuffers[slot] = buf;
  }
  return buf;
}
