/**
 * Power spectrum of one real frame, |rfft(frame, n)|² / n, as speechpy's `power_spectrum`
 * computes it (numpy rfft semantics: the frame is truncated or zero-padded to n).
 *
 * Even n packs the real frame into an n/2-point complex transform and untangles the halves,
 * which halves the work of the audio blocks' inner loop. Odd n falls back to `rfft`.
 * When the transform is not radix-2 (Bluestein), the DC and Nyquist bins are summed directly:
 * they are exact for integer PCM like numpy's, so a frame whose DC cancels exactly still gives
 * 0 (and speechpy's 1e-10 floor) instead of a 1e-13 rounding residue.
 * Plans are cached per n; a plan owns its scratch buffers, so it is not re-entrant (one DSP
 * run per thread, as everywhere in src/shared/dsp).
 */
import { fftPlan, isPowerOfTwo, rfft, type FftPlan } from './fft.js';

export interface PowerSpectrumPlan {
  /** FFT length */
  readonly n: number;
  /** number of output bins, floor(n/2) + 1 */
  readonly bins: number;
  /**
   * Writes |X[k]|²/n for k < bins into out[outOffset…] from signal[offset … offset+length)
   * and returns the sum of those bins (the frame energy speechpy uses for MFCC c0).
   */
  power(signal: ArrayLike<number>, offset: number, length: number, out: Float64Array, outOffset: number): number;
}

const plans = new Map<number, PowerSpectrumPlan>();

/** Cached plan for FFT length n (any integer ≥ 1). */
export function powerSpectrumPlan(n: number): PowerSpectrumPlan {
  let plan = plans.get(n);
  if (!plan) {
    plan = n % 2 === 0 ? new PackedRealPlan(n) : new OddLengthPlan(n);
    plans.set(n, plan);
  }
  return plan;
}

class PackedRealPlan implements PowerSpectrumPlan {
  readonly bins: number;
  private readonly half: number;
  private readonly inner: FftPlan | null;
  private readonly radix2: Radix2Kernel | null;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  /** e^{-2πik/n} for k < n/2 */
  private readonly twRe: Float64Array;
  private readonly twIm: Float64Array;
  private readonly exactEdges: boolean;

  constructor(readonly n: number) {
    this.half = n >> 1;
    this.exactEdges = !isPowerOfTwo(this.half);
    this.bins = this.half + 1;
    this.radix2 = this.exactEdges ? null : new Radix2Kernel(this.half);
    this.inner = this.exactEdges ? fftPlan(this.half) : null;
    this.re = new Float64Array(this.half);
    this.im = new Float64Array(this.half);
    this.twRe = new Float64Array(this.half);
    this.twIm = new Float64Array(this.half);
    for (let k = 0; k < this.half; k++) {
      const a = (-2 * Math.PI * k) / n;
      this.twRe[k] = Math.cos(a);
      this.twIm[k] = Math.sin(a);
    }
  }

  power(signal: ArrayLike<number>, offset: number, length: number, out: Float64Array, outOffset: number): number {
    const { n, half, re, im, twRe, twIm } = this;
    const count = Math.min(length, n);
    if (this.radix2) {
      this.radix2.transformPacked(signal, offset, count, re, im);
    } else {
      const pairs = count >> 1;
      for (let k = 0; k < pairs; k++) {
        re[k] = signal[offset + 2 * k]!;
        im[k] = signal[offset + 2 * k + 1]!;
      }
      let k0 = pairs;
      if (count & 1) {
        re[k0] = signal[offset + count - 1]!;
        im[k0] = 0;
        k0++;
      }
      re.fill(0, k0);
      im.fill(0, k0);
      this.inner!.forward(re, im);
    }

    const scale = 1 / n;
    let dc = re[0]! + im[0]!;
    let nyquist = re[0]! - im[0]!;
    if (this.exactEdges) {
      dc = 0;
      nyquist = 0;
      for (let i = 0; i < count; i++) {
        const v = signal[offset + i]!;
        dc += v;
        nyquist += i & 1 ? -v : v;
      }
    }
    let p = dc * dc * scale;
    out[outOffset] = p;
    let energy = p;
    p = nyquist * nyquist * scale;
    out[outOffset + half] = p;
    energy += p;
    for (let k = 1; k < half; k++) {
      const ar = re[k]!;
      const ai = im[k]!;
      const br = re[half - k]!;
      const bi = im[half - k]!;
      // even part E = (Z[k] + conj Z[m-k]) / 2, odd part O = (Z[k] - conj Z[m-k]) / 2i
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai - bi);
      const or = 0.5 * (ai + bi);
      const oi = -0.5 * (ar - br);
      const wr = twRe[k]!;
      const wi = twIm[k]!;
      const xr = er + wr * or - wi * oi;
      const xi = ei + wr * oi + wi * or;
      p = (xr * xr + xi * xi) * scale;
      out[outOffset + k] = p;
      energy += p;
    }
    return energy;
  }
}

class OddLengthPlan implements PowerSpectrumPlan {
  readonly bins: number;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(readonly n: number) {
    this.bins = (n >> 1) + 1;
    this.re = new Float64Array(this.bins);
    this.im = new Float64Array(this.bins);
  }

  power(signal: ArrayLike<number>, offset: number, length: number, out: Float64Array, outOffset: number): number {
    const { n, bins, re, im } = this;
    rfft(signal, n, re, im, offset, length);
    const count = Math.min(length, n);
    let dc = 0;
    for (let i = 0; i < count; i++) dc += signal[offset + i]!;
    re[0] = dc;
    im[0] = 0;
    const scale = 1 / n;
    let energy = 0;
    for (let k = 0; k < bins; k++) {
      const p = (re[k]! * re[k]! + im[k]! * im[k]!) * scale;
      out[outOffset + k] = p;
      energy += p;
    }
    return energy;
  }
}

/**
 * In-place radix-2 complex FFT of size m (a power of two) with the input loaded straight into
 * bit-reversed order and one contiguous twiddle table per stage, so the butterflies read memory
 * sequentially. The first two stages need no multiplications and are done separately.
 */
class Radix2Kernel {
  private readonly rev: Int32Array;
  /** twiddles of stage s (butterfly span h = 2^s) start at index h − 1… laid out consecutively */
  private readonly twRe: Float64Array;
  private readonly twIm: Float64Array;
  /** the real frame, zero-padded to 2m samples */
  private readonly padded: Float64Array;

  constructor(readonly m: number) {
    this.padded = new Float64Array(2 * m);
    const bits = Math.round(Math.log2(m));
    this.rev = new Int32Array(m);
    for (let i = 0; i < m; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      this.rev[i] = r;
    }
    this.twRe = new Float64Array(Math.max(m, 1));
    this.twIm = new Float64Array(Math.max(m, 1));
    for (let h = 1; h < m; h <<= 1) {
      for (let k = 0; k < h; k++) {
        const a = (-Math.PI * k) / h;
        this.twRe[h - 1 + k] = Math.cos(a);
        this.twIm[h - 1 + k] = Math.sin(a);
      }
    }
  }

  /**
   * Transform of z[k] = x[2k] + i·x[2k+1] built from count real samples (zero beyond). The
   * frame is first copied into a zero-padded buffer so that the bit-reversed gather can be
   * fused with the first two (multiplication-free) stages.
   */
  transformPacked(x: ArrayLike<number>, offset: number, count: number, re: Float64Array, im: Float64Array): void {
    const { m, rev, padded } = this;
    for (let i = 0; i < count; i++) padded[i] = x[offset + i]!;
    padded.fill(0, count);
    if (m < 4) {
      for (let k = 0; k < m; k++) {
        re[rev[k]!] = padded[2 * k]!;
        im[rev[k]!] = padded[2 * k + 1]!;
      }
      if (m === 2) {
        const r0 = re[0]!,
          i0 = im[0]!,
          r1 = re[1]!,
          i1 = im[1]!;
        re[0] = r0 + r1;
        im[0] = i0 + i1;
        re[1] = r0 - r1;
        im[1] = i0 - i1;
      }
      return;
    }
    // spans 1 and 2 together: a 4-point DFT per group, twiddles 1 and −i, no multiplications
    for (let a = 0; a < m; a += 4) {
      let j = 2 * rev[a]!;
      const r0 = padded[j]!,
        i0 = padded[j + 1]!;
      j = 2 * rev[a + 1]!;
      const r1 = padded[j]!,
        i1 = padded[j + 1]!;
      j = 2 * rev[a + 2]!;
      const r2 = padded[j]!,
        i2 = padded[j + 1]!;
      j = 2 * rev[a + 3]!;
      const r3 = padded[j]!,
        i3 = padded[j + 1]!;
      const s01r = r0 + r1,
        s01i = i0 + i1,
        d01r = r0 - r1,
        d01i = i0 - i1;
      const s23r = r2 + r3,
        s23i = i2 + i3,
        d23r = r2 - r3,
        d23i = i2 - i3;
      re[a] = s01r + s23r;
      im[a] = s01i + s23i;
      re[a + 2] = s01r - s23r;
      im[a + 2] = s01i - s23i;
      // (d23)·(−i) = d23i − i·d23r
      re[a + 1] = d01r + d23i;
      im[a + 1] = d01i - d23r;
      re[a + 3] = d01r - d23i;
      im[a + 3] = d01i + d23r;
    }
    this.laterStages(re, im);
  }

  /** Stages with span ≥ 4, after the fused first pass. */
  private laterStages(re: Float64Array, im: Float64Array): void {
    const { m, twRe, twIm } = this;
    let h = 4;
    // two radix-2 stages (spans h and 2h) per pass over the data
    for (; 4 * h <= m; h <<= 2) {
      const quad = h << 2;
      const base1 = h - 1;
      const base2 = 2 * h - 1;
      for (let start = 0; start < m; start += quad) {
        for (let k = 0; k < h; k++) {
          const i0 = start + k;
          const i1 = i0 + h;
          const i2 = i1 + h;
          const i3 = i2 + h;
          const w1r = twRe[base1 + k]!,
            w1i = twIm[base1 + k]!;
          // span h: (x0, x1) and (x2, x3) with twiddle w1
          let tr = re[i1]! * w1r - im[i1]! * w1i;
          let ti = re[i1]! * w1i + im[i1]! * w1r;
          const b0r = re[i0]! + tr,
            b0i = im[i0]! + ti;
          const b1r = re[i0]! - tr,
            b1i = im[i0]! - ti;
          tr = re[i3]! * w1r - im[i3]! * w1i;
          ti = re[i3]! * w1i + im[i3]! * w1r;
          const b2r = re[i2]! + tr,
            b2i = im[i2]! + ti;
          const b3r = re[i2]! - tr,
            b3i = im[i2]! - ti;
          // span 2h: (b0, b2) with twiddle w2 = e^{−iπk/2h}, (b1, b3) with w2·(−i)
          const w2r = twRe[base2 + k]!,
            w2i = twIm[base2 + k]!;
          tr = b2r * w2r - b2i * w2i;
          ti = b2r * w2i + b2i * w2r;
          re[i0] = b0r + tr;
          im[i0] = b0i + ti;
          re[i2] = b0r - tr;
          im[i2] = b0i - ti;
          // b3·w2·(−i) = (b3·w2)i − i·(b3·w2)r
          const ur = b3r * w2r - b3i * w2i;
          const ui = b3r * w2i + b3i * w2r;
          re[i1] = b1r + ui;
          im[i1] = b1i - ur;
          re[i3] = b1r - ui;
          im[i3] = b1i + ur;
        }
      }
    }
    // a last single radix-2 stage when the number of remaining stages is odd
    if (h < m) {
      const base = h - 1;
      for (let k = 0; k < h; k++) {
        const a = k;
        const b = a + h;
        const wr = twRe[base + k]!;
        const wi = twIm[base + k]!;
        const br = re[b]!;
        const bi = im[b]!;
        const xr = br * wr - bi * wi;
        const xi = br * wi + bi * wr;
        const ar = re[a]!;
        const ai = im[a]!;
        re[b] = ar - xr;
        im[b] = ai - xi;
        re[a] = ar + xr;
        im[a] = ai + xi;
      }
    }
  }
}
