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
  private readonly inner: FftPlan;
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
    this.inner = fftPlan(this.half);
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
    this.inner.forward(re, im);

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
