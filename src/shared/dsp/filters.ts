/**
 * IIR filters as second-order sections (SOS), designed the way scipy.signal does for
 * `butter(..., output='sos')` and `cheby1(..., output='sos')`: analog prototype → frequency
 * transform → bilinear transform (fs = 2, pre-warped) → conjugate pole pairs, the pair farthest
 * from the unit circle first and the overall gain in the first section.
 * Filtering is direct form II transposed per section, like `scipy.signal.sosfilt`.
 *
 * SOS layout: Float64Array of 6 × sections, each `[b0, b1, b2, a0 (=1), a1, a2]`.
 */

export type FilterType = 'low' | 'high';

/** Butterworth SOS for normalised cutoff wn (0 < wn < 1, 1 = Nyquist). */
export function butterworthSos(order: number, wn: number, type: FilterType): Float64Array {
  checkDesign(order, wn);
  const poles = new Float64Array(2 * order);
  for (let i = 0; i < order; i++) {
    // buttap: p = -exp(iπm/2N), m = -N+1, -N+3, …, N-1
    const theta = (Math.PI * (-order + 1 + 2 * i)) / (2 * order);
    poles[2 * i] = -Math.cos(theta);
    poles[2 * i + 1] = -Math.sin(theta);
  }
  return digitalSos(poles, 1, wn, type);
}

/** Chebyshev type I low-pass SOS with passband ripple rippleDb (dB) and normalised edge wn. */
export function chebyshev1Sos(order: number, rippleDb: number, wn: number): Float64Array {
  checkDesign(order, wn);
  const eps = Math.sqrt(10 ** (0.1 * rippleDb) - 1);
  const mu = Math.asinh(1 / eps) / order;
  const poles = new Float64Array(2 * order);
  for (let i = 0; i < order; i++) {
    const theta = (Math.PI * (-order + 1 + 2 * i)) / (2 * order);
    // p = -sinh(mu + iθ)
    poles[2 * i] = -Math.sinh(mu) * Math.cos(theta);
    poles[2 * i + 1] = -Math.cosh(mu) * Math.sin(theta);
  }
  // k = Re(Π −p), and divided by √(1+ε²) for even orders so the passband peaks at 0 dB
  let kr = 1;
  let ki = 0;
  for (let i = 0; i < order; i++) {
    const pr = -poles[2 * i]!;
    const pi = -poles[2 * i + 1]!;
    const r = kr * pr - ki * pi;
    ki = kr * pi + ki * pr;
    kr = r;
  }
  let k = kr;
  if (order % 2 === 0) k /= Math.sqrt(1 + eps * eps);
  return digitalSos(poles, k, wn, 'low');
}

function checkDesign(order: number, wn: number): void {
  if (!Number.isInteger(order) || order < 1) throw new RangeError(`filter order must be a positive integer, got ${order}`);
  if (!(wn > 0 && wn < 1)) throw new RangeError(`normalised cutoff must be in (0, 1), got ${wn}`);
}

/**
 * Analog low-pass prototype (poles as interleaved re/im, gain k, no finite zeros) → digital SOS.
 * Mirrors scipy's lp2lp_zpk / lp2hp_zpk + bilinear_zpk with fs = 2 and zpk2sos 'nearest'.
 */
function digitalSos(protoPoles: Float64Array, protoGain: number, wn: number, type: FilterType): Float64Array {
  const n = protoPoles.length / 2;
  const fs2 = 4; // 2·fs with fs = 2
  const warped = fs2 * Math.tan((Math.PI * wn) / 2);
  const zp = new Float64Array(2 * n);
  // overall digital gain: k · Π(fs2 − z) / Π(fs2 − p), with the transform's own gain factor
  let gainRe = protoGain;
  let gainIm = 0;
  if (type === 'low') {
    gainRe *= warped ** n;
  } else {
    // lp2hp: k · Re(Π(−z)/Π(−p)), no prototype zeros
    let dr = 1;
    let di = 0;
    for (let i = 0; i < n; i++) {
      const pr = -protoPoles[2 * i]!;
      const pi = -protoPoles[2 * i + 1]!;
      const r = dr * pr - di * pi;
      di = dr * pi + di * pr;
      dr = r;
    }
    gainRe *= dr / (dr * dr + di * di);
  }
  for (let i = 0; i < n; i++) {
    let pr = protoPoles[2 * i]!;
    let pi = protoPoles[2 * i + 1]!;
    if (type === 'low') {
      pr *= warped;
      pi *= warped;
    } else {
      const d = pr * pr + pi * pi;
      pr = (warped * pr) / d;
      pi = (-warped * pi) / d;
    }
    // bilinear: z = (fs2 + p) / (fs2 − p)
    const nr = fs2 + pr;
    const ni = pi;
    const dr = fs2 - pr;
    const di = -pi;
    const dd = dr * dr + di * di;
    zp[2 * i] = (nr * dr + ni * di) / dd;
    zp[2 * i + 1] = (ni * dr - nr * di) / dd;
    // gain /= (fs2 − p)
    const gr = (gainRe * dr + gainIm * di) / dd;
    const gi = (gainIm * dr - gainRe * di) / dd;
    gainRe = gr;
    gainIm = gi;
  }
  if (type === 'high') {
    // zeros moved to s = 0 map to z = 1 and contribute fs2 each to Π(fs2 − z); only the real part is kept
    gainRe *= fs2 ** n;
  }
  const zero = type === 'low' ? -1 : 1;

  // pair each pole with its conjugate (im ≥ 0 representative), keep real poles apart
  const pairs: { re: number; im: number }[] = [];
  const reals: number[] = [];
  for (let i = 0; i < n; i++) {
    const re = zp[2 * i]!;
    const im = zp[2 * i + 1]!;
    if (Math.abs(im) <= 1e-12 * Math.max(1, Math.abs(re))) reals.push(re);
    else if (im > 0) pairs.push({ re, im });
  }
  // farthest from the unit circle first, closest last (as scipy's 'nearest' pairing ends)
  pairs.sort((a, b) => Math.abs(1 - Math.hypot(b.re, b.im)) - Math.abs(1 - Math.hypot(a.re, a.im)));
  reals.sort((a, b) => Math.abs(1 - Math.abs(b)) - Math.abs(1 - Math.abs(a)));
  const sections = pairs.length + Math.ceil(reals.length / 2);
  const sos = new Float64Array(6 * sections);
  let s = 0;
  for (let i = 0; i < reals.length; i += 2, s++) {
    const p1 = reals[i]!;
    const p2 = reals[i + 1];
    if (p2 === undefined) sos.set([1, -zero, 0, 1, -p1, 0], 6 * s);
    else sos.set([1, -2 * zero, 1, 1, -(p1 + p2), p1 * p2], 6 * s);
  }
  for (const p of pairs) {
    sos.set([1, -2 * zero, 1, 1, -2 * p.re, p.re * p.re + p.im * p.im], 6 * s);
    s++;
  }
  sos[0] = sos[0]! * gainRe;
  sos[1] = sos[1]! * gainRe;
  sos[2] = sos[2]! * gainRe;
  return sos;
}

/**
 * Runs x[0…n) through the sections into out (may be the same array as x).
 * state (2 per section, scipy's `zi` layout) is used as initial conditions and updated; zeros
 * when omitted.
 */
export function sosFilter(sos: Float64Array, x: ArrayLike<number>, n: number, out: { [i: number]: number }, state?: Float64Array): void {
  const sections = sos.length / 6;
  const z = state ?? zeroState(sections);
  for (let i = 0; i < n; i++) {
    let v = x[i]!;
    for (let s = 0, o = 0; s < sections; s++, o += 6) {
      const y = sos[o]! * v + z[2 * s]!;
      z[2 * s] = sos[o + 1]! * v - sos[o + 4]! * y + z[2 * s + 1]!;
      z[2 * s + 1] = sos[o + 2]! * v - sos[o + 5]! * y;
      v = y;
    }
    out[i] = v;
  }
}

let zeroStateBuf = new Float64Array(16);
function zeroState(sections: number): Float64Array {
  if (zeroStateBuf.length < 2 * sections) zeroStateBuf = new Float64Array(2 * sections);
  zeroStateBuf.fill(0);
  return zeroStateBuf;
}

/** scipy.signal.sosfilt_zi: per-section states for a unit step's steady state. */
export function sosSteadyState(sos: Float64Array): Float64Array {
  const sections = sos.length / 6;
  const zi = new Float64Array(2 * sections);
  let scale = 1;
  for (let s = 0; s < sections; s++) {
    const o = 6 * s;
    const b0 = sos[o]! / sos[o + 3]!;
    const b1 = sos[o + 1]! / sos[o + 3]!;
    const b2 = sos[o + 2]! / sos[o + 3]!;
    const a1 = sos[o + 4]! / sos[o + 3]!;
    const a2 = sos[o + 5]! / sos[o + 3]!;
    const dc = (b0 + b1 + b2) / (1 + a1 + a2);
    zi[2 * s] = scale * (b1 + b2 - (a1 + a2) * dc);
    zi[2 * s + 1] = scale * (b2 - a2 * dc);
    scale *= dc;
  }
  return zi;
}

/** |H(e^{iω})| of the cascade at normalised frequency f (0…1, 1 = Nyquist). */
export function sosMagnitude(sos: Float64Array, f: number): number {
  const w = Math.PI * f;
  const c1 = Math.cos(w);
  const s1 = Math.sin(w);
  const c2 = Math.cos(2 * w);
  const s2 = Math.sin(2 * w);
  let mag = 1;
  for (let o = 0; o < sos.length; o += 6) {
    const nr = sos[o]! + sos[o + 1]! * c1 + sos[o + 2]! * c2;
    const ni = -(sos[o + 1]! * s1 + sos[o + 2]! * s2);
    const dr = sos[o + 3]! + sos[o + 4]! * c1 + sos[o + 5]! * c2;
    const di = -(sos[o + 4]! * s1 + sos[o + 5]! * s2);
    mag *= Math.hypot(nr, ni) / Math.hypot(dr, di);
  }
  return mag;
}

/** Largest pole magnitude of the cascade (< 1 means stable). */
export function sosMaxPoleRadius(sos: Float64Array): number {
  let max = 0;
  for (let o = 0; o < sos.length; o += 6) {
    max = Math.max(max, quadraticMaxRootRadius(sos[o + 4]! / sos[o + 3]!, sos[o + 5]! / sos[o + 3]!));
  }
  return max;
}

/** max |root| of z² + a1·z + a2 */
function quadraticMaxRootRadius(a1: number, a2: number): number {
  const disc = a1 * a1 - 4 * a2;
  if (disc < 0) return Math.sqrt(a2);
  const r = Math.sqrt(disc);
  return Math.max(Math.abs((-a1 + r) / 2), Math.abs((-a1 - r) / 2));
}

/**
 * Edge Impulse's design-time stability check for its on-device Butterworth (float32 biquads):
 * true when every biquad's poles stay inside the unit circle.
 */
export function butterworthIsStableOnDevice(order: number, cutoffHz: number, samplingHz: number): boolean {
  const f = Math.fround;
  const steps = Math.trunc(order / 2);
  const a = f(Math.tan((Math.PI * cutoffHz) / samplingHz));
  const a2 = f(a * a);
  let max = 0;
  for (let i = 0; i < steps; i++) {
    const r = Math.sin((Math.PI * (2 * i + 1)) / (2 * order));
    const s = a2 + 2 * a * r + 1;
    const d1 = f((2 * (1 - a2)) / s);
    const d2 = f(-(a2 - 2 * a * r + 1) / s);
    max = Math.max(max, quadraticMaxRootRadius(-d1, -d2));
  }
  return max < 1;
}

/** Decimation ratios the spectral block accepts and how they are split into stages. */
export const DECIMATION_STAGES: ReadonlyMap<number, readonly number[]> = new Map([
  [1, []],
  [3, [3]],
  [10, [10]],
  [30, [3, 10]],
  [100, [10, 10]],
  [1000, [10, 10, 10]],
]);

export interface DecimationFilter {
  sos: Float64Array;
  zi: Float64Array;
  state: Float64Array;
}
const decimationFilters = new Map<number, DecimationFilter>();

/** The Chebyshev I stage `decimate` uses for a ratio (cached; also emitted by the C exporter). */
export function decimationFilter(ratio: number): DecimationFilter {
  let filter = decimationFilters.get(ratio);
  if (!filter) {
    const sos = chebyshev1Sos(8, 0.05, 0.8 / ratio);
    const zi = sosSteadyState(sos);
    filter = { sos, zi, state: new Float64Array(zi.length) };
    decimationFilters.set(ratio, filter);
  }
  return filter;
}

/** Output length of one decimation stage: ⌈n / ratio⌉. */
export function decimatedLength(n: number, ratio: number): number {
  return Math.ceil(n / ratio);
}

/**
 * Edge Impulse's `decimate_simple`: 8th-order Chebyshev I low-pass at 0.8/ratio of Nyquist,
 * started in the steady state of x[0], then every ratio-th sample. Works in place
 * (out may be x); returns the output length.
 */
export function decimate(x: { [i: number]: number }, n: number, ratio: number, out: { [i: number]: number }): number {
  if (ratio === 1) {
    if (out !== x) for (let i = 0; i < n; i++) out[i] = x[i]!;
    return n;
  }
  if (n === 0) return 0;
  const { sos, zi, state } = decimationFilter(ratio);
  const x0 = x[0]!;
  for (let i = 0; i < zi.length; i++) state[i] = zi[i]! * x0;
  const sections = sos.length / 6;
  let m = 0;
  for (let i = 0; i < n; i++) {
    let v = x[i]!;
    for (let s = 0, o = 0; s < sections; s++, o += 6) {
      const y = sos[o]! * v + state[2 * s]!;
      state[2 * s] = sos[o + 1]! * v - sos[o + 4]! * y + state[2 * s + 1]!;
      state[2 * s + 1] = sos[o + 2]! * v - sos[o + 5]! * y;
      v = y;
    }
    // i ≥ m·ratio always, so writing in place never overwrites an unread sample
    if (i % ratio === 0) out[m++] = v;
  }
  return m;
}
