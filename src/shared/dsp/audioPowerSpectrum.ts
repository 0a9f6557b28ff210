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
  /** The same bins as power, without summing them (for blocks that do not use the energy). */
  spectrum(signal: ArrayLike<number>, offset: number, length: number, out: Float64Array, outOffset: number): void;
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
  private readonly kernel: Radix4Kernel | null;
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
    this.kernel = this.exactEdges ? null : new Radix4Kernel(this.half);
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

  spectrum(signal: ArrayLike<number>, offset: number, length: number, out: Float64Array, outOffset: number): void {
    if (this.kernel) this.kernel.power(signal, offset, Math.min(length, this.n), out, outOffset);
    else this.power(signal, offset, length, out, outOffset);
  }

  power(signal: ArrayLike<number>, offset: number, length: number, out: Float64Array, outOffset: number): number {
    if (this.kernel) {
      this.kernel.power(signal, offset, Math.min(length, this.n), out, outOffset);
      // two running sums halve the chain of dependent additions
      const bins = this.bins;
      let even = 0;
      let odd = 0;
      let k = 0;
      for (; k + 1 < bins; k += 2) {
        even += out[outOffset + k]!;
        odd += out[outOffset + k + 1]!;
      }
      if (k < bins) even += out[outOffset + k]!;
      return even + odd;
    }
    const { n, half, re, im, twRe, twIm } = this;
    const count = Math.min(length, n);
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

    // the DC and Nyquist bins summed directly: exact for integer PCM (see the file comment)
    const scale = 1 / n;
    let dc = 0;
    let nyquist = 0;
    for (let i = 0; i < count; i++) {
      const v = signal[offset + i]!;
      dc += v;
      nyquist += i & 1 ? -v : v;
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

  spectrum(signal: ArrayLike<number>, offset: number, length: number, out: Float64Array, outOffset: number): void {
    this.power(signal, offset, length, out, outOffset);
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
 * Power spectrum of a real frame of n = 2m samples (m a power of two) through one m-point
 * complex FFT of z[j] = x[2j] + i·x[2j+1].
 *
 * The complex FFT is decimation in frequency, radix 4 (two radix-2 stages merged, so three
 * twiddle products per four points instead of four), with a last radix-2 stage when log2 m is
 * odd. It runs in place on one interleaved (re, im) buffer and leaves the result in bit-reversed
 * order, so the input needs no permutation; the final untangling of even and odd samples reads
 * Z[k] and Z[m−k] through a precomputed table and produces bins k and m−k together, because
 * X[m−k] = conj(E[k] − W^k·O[k]).
 */
class Radix4Kernel {
  private readonly work: Float64Array;
  /** per radix-4 pass with quarter span h > 1: for k < h the twiddles t, t², t³ (t = e^{−2πik/4h}), (re, im) each */
  private readonly tw: Float64Array;
  /** quarter spans of the radix-4 passes, largest first */
  private readonly spans: number[];
  private readonly lastRadix2: boolean;
  /** for k = 1 … m/2: interleaved positions of Z[k] and Z[m−k] in the bit-reversed buffer */
  private readonly pairs: Int32Array;
  /** e^{−2πik/n} for k < m/2 */
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;

  constructor(private readonly m: number) {
    this.work = new Float64Array(2 * m);
    const bits = Math.round(Math.log2(m));
    this.spans = [];
    let h = m >> 2;
    for (let s = 0; s + 2 <= bits; s += 2, h >>= 2) this.spans.push(h);
    this.lastRadix2 = bits % 2 === 1;
    let size = 0;
    for (const q of this.spans) size += 6 * q;
    this.tw = new Float64Array(size);
    let o = 0;
    for (const q of this.spans) {
      for (let k = 0; k < q; k++) {
        for (let p = 1; p <= 3; p++) {
          const a = (-2 * Math.PI * p * k) / (4 * q);
          this.tw[o++] = Math.cos(a);
          this.tw[o++] = Math.sin(a);
        }
      }
    }
    const rev = (i: number): number => {
      let r = 0;
      for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
      return r;
    };
    const halfM = m >> 1;
    this.pairs = new Int32Array(2 * (halfM + 1));
    for (let k = 1; k <= halfM; k++) {
      this.pairs[2 * k] = 2 * rev(k);
      this.pairs[2 * k + 1] = 2 * rev(m - k);
    }
    this.wRe = new Float64Array(Math.max(halfM, 1));
    this.wIm = new Float64Array(Math.max(halfM, 1));
    for (let k = 0; k < halfM; k++) {
      const a = (-Math.PI * k) / m;
      this.wRe[k] = Math.cos(a);
      this.wIm[k] = Math.sin(a);
    }
  }

  /** See PowerSpectrumPlan.power; count ≤ 2m samples are read, the rest of the frame is zero. */
  power(x: ArrayLike<number>, offset: number, count: number, out: Float64Array, outOffset: number): void {
    const { m, work, spans } = this;
    let pass = 0;
    if (count === 2 * m && m >= 16) {
      // a whole frame: the first pass reads the signal itself, no copy
      this.radix4(x, offset, spans[0]!, 0);
      pass = 1;
    } else {
      for (let i = 0; i < count; i++) work[i] = x[offset + i]!;
      if (count < 2 * m) work.fill(0, count);
    }
    this.laterPasses(pass);
    this.untangle(out, outOffset);
  }

  /**
   * One radix-4 DIF pass with quarter span h (twiddles from tw[o…]) reading src[so…] and
   * writing work. Per group of four points x0…x3 spaced h apart, with a = x0 + x2,
   * b = x0 − x2, c = x1 + x3, d = x1 − x3 and t = e^{−2πik/4h}:
   * x0 ← a + c, x1 ← (a − c)·t², x2 ← (b − i·d)·t, x3 ← (b + i·d)·t³.
   */
  private radix4(src: ArrayLike<number>, so: number, h: number, o: number): void {
    const { m, work: z, tw } = this;
    const h2 = 2 * h;
    for (let start = 0; start < 2 * m; start += 4 * h2) {
      for (let k = 0, t = o; k < h; k++, t += 6) {
        const i0 = start + 2 * k;
        const i1 = i0 + h2;
        const i2 = i1 + h2;
        const i3 = i2 + h2;
        const x0r = src[so + i0]!,
          x0i = src[so + i0 + 1]!,
          x1r = src[so + i1]!,
          x1i = src[so + i1 + 1]!,
          x2r = src[so + i2]!,
          x2i = src[so + i2 + 1]!,
          x3r = src[so + i3]!,
          x3i = src[so + i3 + 1]!;
        const ar = x0r + x2r,
          ai = x0i + x2i,
          br = x0r - x2r,
          bi = x0i - x2i;
        const cr = x1r + x3r,
          ci = x1i + x3i,
          dr = x1r - x3r,
          di = x1i - x3i;
        z[i0] = ar + cr;
        z[i0 + 1] = ai + ci;
        const t1r = tw[t]!,
          t1i = tw[t + 1]!,
          t2r = tw[t + 2]!,
          t2i = tw[t + 3]!,
          t3r = tw[t + 4]!,
          t3i = tw[t + 5]!;
        let ur = ar - cr,
          ui = ai - ci;
        z[i1] = ur * t2r - ui * t2i;
        z[i1 + 1] = ur * t2i + ui * t2r;
        ur = br + di;
        ui = bi - dr;
        z[i2] = ur * t1r - ui * t1i;
        z[i2 + 1] = ur * t1i + ui * t1r;
        ur = br - di;
        ui = bi + dr;
        z[i3] = ur * t3r - ui * t3i;
        z[i3 + 1] = ur * t3i + ui * t3r;
      }
    }
  }

  /** The radix-4 passes from number `first` on, in place, then the radix-2 stage if any. */
  private laterPasses(first: number): void {
    const { m, work: z, spans } = this;
    let o = 0;
    for (let s = 0; s < first; s++) o += 6 * spans[s]!;
    for (let s = first; s < spans.length; s++) {
      const h = spans[s]!;
      if (h === 1) {
        this.radix4Unit();
      } else if (h === 2 && this.lastRadix2) {
        this.radix8Tail();
        return;
      } else {
        this.radix4(z, 0, h, o);
      }
      o += 6 * h;
    }
    if (this.lastRadix2) {
      for (let b = 0; b < 2 * m; b += 4) {
        const ar = z[b]!,
          ai = z[b + 1]!,
          br = z[b + 2]!,
          bi = z[b + 3]!;
        z[b] = ar + br;
        z[b + 1] = ai + bi;
        z[b + 2] = ar - br;
        z[b + 3] = ai - bi;
      }
    }
  }

  /** Radix-4 pass with quarter span 1: every twiddle is 1. */
  private radix4Unit(): void {
    const { m, work: z } = this;
    for (let b = 0; b < 2 * m; b += 8) {
      const x0r = z[b]!,
        x0i = z[b + 1]!,
        x1r = z[b + 2]!,
        x1i = z[b + 3]!,
        x2r = z[b + 4]!,
        x2i = z[b + 5]!,
        x3r = z[b + 6]!,
        x3i = z[b + 7]!;
      const ar = x0r + x2r,
        ai = x0i + x2i,
        br = x0r - x2r,
        bi = x0i - x2i;
      const cr = x1r + x3r,
        ci = x1i + x3i,
        dr = x1r - x3r,
        di = x1i - x3i;
      z[b] = ar + cr;
      z[b + 1] = ai + ci;
      z[b + 2] = ar - cr;
      z[b + 3] = ai - ci;
      z[b + 4] = br + di;
      z[b + 5] = bi - dr;
      z[b + 6] = br - di;
      z[b + 7] = bi + dr;
    }
  }

  /**
   * The last three stages when log2 m is odd: the radix-4 pass with quarter span 2 (twiddles
   * 1 and e^{−iπ/4}, −i, e^{−3iπ/4}) and the final radix-2 stage, per group of eight points
   * in registers.
   */
  private radix8Tail(): void {
    const { m, work: z } = this;
    const r = Math.SQRT1_2;
    for (let b = 0; b < 2 * m; b += 16) {
      // k = 0: points 0, 2, 4, 6 (twiddles 1)
      let x0r = z[b]!,
        x0i = z[b + 1]!,
        x1r = z[b + 4]!,
        x1i = z[b + 5]!,
        x2r = z[b + 8]!,
        x2i = z[b + 9]!,
        x3r = z[b + 12]!,
        x3i = z[b + 13]!;
      let ar = x0r + x2r,
        ai = x0i + x2i,
        br = x0r - x2r,
        bi = x0i - x2i;
      let cr = x1r + x3r,
        ci = x1i + x3i,
        dr = x1r - x3r,
        di = x1i - x3i;
      const p0r = ar + cr,
        p0i = ai + ci,
        p2r = ar - cr,
        p2i = ai - ci,
        p4r = br + di,
        p4i = bi - dr,
        p6r = br - di,
        p6i = bi + dr;
      // k = 1: points 1, 3, 5, 7 (twiddles t = e^{−iπ/4}, t² = −i, t³ = e^{−3iπ/4})
      x0r = z[b + 2]!;
      x0i = z[b + 3]!;
      x1r = z[b + 6]!;
      x1i = z[b + 7]!;
      x2r = z[b + 10]!;
      x2i = z[b + 11]!;
      x3r = z[b + 14]!;
      x3i = z[b + 15]!;
      ar = x0r + x2r;
      ai = x0i + x2i;
      br = x0r - x2r;
      bi = x0i - x2i;
      cr = x1r + x3r;
      ci = x1i + x3i;
      dr = x1r - x3r;
      di = x1i - x3i;
      const p1r = ar + cr,
        p1i = ai + ci;
      // (a − c)·(−i)
      const p3r = ai - ci,
        p3i = cr - ar;
      // (b − i·d)·(1 − i)/√2
      let ur = br + di,
        ui = bi - dr;
      const p5r = (ur + ui) * r,
        p5i = (ui - ur) * r;
      // (b + i·d)·(−1 − i)/√2
      ur = br - di;
      ui = bi + dr;
      const p7r = (ui - ur) * r,
        p7i = -(ur + ui) * r;
      // radix-2 stage on neighbours
      z[b] = p0r + p1r;
      z[b + 1] = p0i + p1i;
      z[b + 2] = p0r - p1r;
      z[b + 3] = p0i - p1i;
      z[b + 4] = p2r + p3r;
      z[b + 5] = p2i + p3i;
      z[b + 6] = p2r - p3r;
      z[b + 7] = p2i - p3i;
      z[b + 8] = p4r + p5r;
      z[b + 9] = p4i + p5i;
      z[b + 10] = p4r - p5r;
      z[b + 11] = p4i - p5i;
      z[b + 12] = p6r + p7r;
      z[b + 13] = p6i + p7i;
      z[b + 14] = p6r - p7r;
      z[b + 15] = p6i - p7i;
    }
  }

  /** Bins 0 … m of the real frame's power spectrum (scaled by 1/n) from the packed transform. */
  private untangle(out: Float64Array, outOffset: number): void {
    const { m, work: z, pairs, wRe, wIm } = this;
    const scale = 1 / (2 * m);
    // Z[0] = E[0] + i·O[0] with E[0], O[0] real: DC = E + O, Nyquist = E − O
    const dc = z[0]! + z[1]!;
    const nyquist = z[0]! - z[1]!;
    out[outOffset] = dc * dc * scale;
    out[outOffset + m] = nyquist * nyquist * scale;
    if (m === 1) return;
    // with E2 = 2E, O2 = 2O: X[k] = (E2 + W^k·O2)/2, so |X[k]|²/n = |E2 + W^k·O2|²·scale/4
    const q = 0.25 * scale;
    const halfM = m >> 1;
    for (let k = 1; k < halfM; k++) {
      const a = pairs[2 * k]!;
      const b = pairs[2 * k + 1]!;
      const ar = z[a]!,
        ai = z[a + 1]!,
        br = z[b]!,
        bi = z[b + 1]!;
      const er = ar + br,
        ei = ai - bi,
        or = ai + bi,
        oi = br - ar;
      const wr = wRe[k]!,
        wi = wIm[k]!;
      const tr = wr * or - wi * oi,
        ti = wr * oi + wi * or;
      const xr = er + tr,
        xi = ei + ti,
        yr = er - tr,
        yi = ei - ti;
      out[outOffset + k] = (xr * xr + xi * xi) * q;
      out[outOffset + m - k] = (yr * yr + yi * yi) * q;
    }
    // k = m/2 pairs with itself: X = Re Z − i·Im Z
    const c = pairs[2 * halfM]!;
    out[outOffset + halfM] = (z[c]! * z[c]! + z[c + 1]! * z[c + 1]!) * scale;
  }
}
