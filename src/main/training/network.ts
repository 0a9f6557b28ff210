/**
 * Kiln's own small training engine for the layer types of `ModelSpec`: forward and backward
 * passes over Float32Array batches in plain TypeScript. It exists because the pure-JS tfjs `cpu`
 * backend is far too slow for conv nets, and because owning every random draw (initialisers,
 * dropout) makes a run exactly reproducible from its seed.
 *
 * Layout and weight shapes follow Keras (channels last; dense kernel [in, out]; conv1d kernel
 * [k, inC, filters]; conv2d kernel [kh, kw, inC, filters]) so weights load into a tfjs model.
 * 1-D convolutions and poolings run as 2-D ones over a height of 1.
 */
import { KilnError } from '../../shared/errors.js';
import { type LayerInfo, assertValidSpec } from '../../shared/model/shapes.js';
import type { Geometry } from '../../shared/model/int8Model.js';
import { BN_EPSILON, BN_MOMENTUM } from '../../shared/model/layers/batchNorm.js';
import { convGeometry, convKernelShape } from '../../shared/model/layers/conv.js';
import { isMaxPool, poolGeometry } from '../../shared/model/layers/pool.js';
import { type Activation, type LayerSpec, type ModelSpec, type OutputHead, OUTPUT_LAYER_NAME } from '../../shared/model/spec.js';
import type { Rng } from '../../shared/model/random.js';
import type { ModelWeights } from '../../shared/model/weights.js';

export interface Param {
  name: string;
  shape: number[];
  values: Float32Array;
  /** gradient accumulated by backward(); null for non-trainable values */
  grad: Float64Array | null;
}

export interface Layer {
  readonly name: string;
  readonly inSize: number;
  readonly outSize: number;
  readonly params: Param[];
  /** y for `n` rows; the returned buffer is owned by the layer and reused */
  forward(x: Float32Array, n: number, training: boolean): Float32Array;
  /** accumulate parameter gradients and return dL/dx (owned by the layer) */
  backward(dy: Float32Array, n: number): Float32Array;
}

export type { ModelWeights, WeightTensor } from '../../shared/model/weights.js';

function grow(buf: Float32Array, size: number): Float32Array {
  return buf.length >= size ? buf : new Float32Array(size);
}

function glorotUniform(values: Float32Array, fanIn: number, fanOut: number, rng: Rng): void {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  for (let i = 0; i < values.length; i++) values[i] = (rng.next() * 2 - 1) * limit;
}

function param(name: string, shape: number[], trainable = true): Param {
  let n = 1;
  for (const d of shape) n *= d;
  return { name, shape, values: new Float32Array(n), grad: trainable ? new Float64Array(n) : null };
}

function activate(y: Float32Array, len: number, act: Activation): void {
  switch (act) {
    case 'linear':
      return;
    case 'relu':
      for (let i = 0; i < len; i++) if (y[i]! < 0) y[i] = 0;
      return;
    case 'relu6':
      for (let i = 0; i < len; i++) {
        const v = y[i]!;
        y[i] = v < 0 ? 0 : v > 6 ? 6 : v;
      }
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) y[i] = Math.tanh(y[i]!);
      return;
    case 'sigmoid':
      for (let i = 0; i < len; i++) y[i] = 1 / (1 + Math.exp(-y[i]!));
      return;
  }
}

/** dz = dy · act'(z), written from the activation's output y. */
function activationGrad(dy: Float32Array, y: Float32Array, dz: Float32Array, len: number, act: Activation): void {
  switch (act) {
    case 'linear':
      for (let i = 0; i < len; i++) dz[i] = dy[i]!;
      return;
    case 'relu':
      for (let i = 0; i < len; i++) dz[i] = y[i]! > 0 ? dy[i]! : 0;
      return;
    case 'relu6':
      for (let i = 0; i < len; i++) {
        const v = y[i]!;
        dz[i] = v > 0 && v < 6 ? dy[i]! : 0;
      }
      return;
    case 'tanh':
      for (let i = 0; i < len; i++) {
        const v = y[i]!;
        dz[i] = dy[i]! * (1 - v * v);
      }
      return;
    case 'sigmoid':
      for (let i = 0; i < len; i++) {
        const v = y[i]!;
        dz[i] = dy[i]! * v * (1 - v);
      }
      return;
  }
}

class DenseLayer implements Layer {
  readonly params: Param[];
  private readonly kernel: Param;
  private readonly bias: Param;
  private x: Float32Array = new Float32Array(0);
  private y: Float32Array = new Float32Array(0);
  private dz: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);
  private readonly acc: Float64Array;

  constructor(
    readonly name: string,
    readonly inSize: number,
    readonly outSize: number,
    private readonly act: Activation,
    rng: Rng,
  ) {
    this.kernel = param('kernel', [inSize, outSize]);
    this.bias = param('bias', [outSize]);
    glorotUniform(this.kernel.values, inSize, outSize, rng);
    this.params = [this.kernel, this.bias];
    this.acc = new Float64Array(outSize);
  }

  forward(x: Float32Array, n: number, _training: boolean): Float32Array {
    const I = this.inSize;
    const O = this.outSize;
    const W = this.kernel.values;
    const B = this.bias.values;
    const acc = this.acc;
    this.x = x;
    this.y = grow(this.y, n * O);
    const y = this.y;
    for (let b = 0; b < n; b++) {
      for (let o = 0; o < O; o++) acc[o] = B[o]!;
      const xb = b * I;
      for (let i = 0; i < I; i++) {
        const xv = x[xb + i]!;
        if (xv === 0) continue;
        const wb = i * O;
        for (let o = 0; o < O; o++) acc[o]! += xv * W[wb + o]!;
      }
      const yb = b * O;
      for (let o = 0; o < O; o++) y[yb + o] = acc[o]!;
    }
    activate(y, n * O, this.act);
    return y;
  }

  backward(dy: Float32Array, n: number): Float32Array {
    const I = this.inSize;
    const O = this.outSize;
    const W = this.kernel.values;
    const dW = this.kernel.grad!;
    const dB = this.bias.grad!;
    this.dz = grow(this.dz, n * O);
    this.dx = grow(this.dx, n * I);
    const dz = this.dz;
    const dx = this.dx;
    const x = this.x;
    activationGrad(dy, this.y, dz, n * O, this.act);
    for (let b = 0; b < n; b++) {
      const zb = b * O;
      for (let o = 0; o < O; o++) dB[o]! += dz[zb + o]!;
      const xb = b * I;
      for (let i = 0; i < I; i++) {
        const xv = x[xb + i]!;
        const wb = i * O;
        let s = 0;
        for (let o = 0; o < O; o++) {
          const g = dz[zb + o]!;
          dW[wb + o]! += xv * g;
          s += W[wb + o]! * g;
        }
        dx[xb + i] = s;
      }
    }
    return dx;
  }
}

/**
 * Convolution by patches: the receptive field of an output position is copied into a
 * contiguous patch (zeros where padding), then every filter is one dot product over the patch
 * with a transposed kernel. Two neighbouring positions × four filters are computed together so
 * each loaded value feeds several independent sums; long contiguous inner loops with scalar
 * accumulators are what V8 runs fastest. Every output is still summed in the same order
 * (bias, then the patch in kernel order), whatever the blocking.
 */
class ConvLayer implements Layer {
  readonly params: Param[];
  readonly inSize: number;
  readonly outSize: number;
  private readonly kernel: Param;
  private readonly bias: Param;
  /** patch length kh × kw × inChannels */
  private readonly P: number;
  /** kernel transposed to [filters, P] */
  private readonly wt: Float64Array;
  private readonly dwt: Float64Array;
  private readonly patchA: Float64Array;
  private readonly patchB: Float64Array;
  private readonly dpatchA: Float64Array;
  private readonly dpatchB: Float64Array;
  private readonly relu: boolean;
  private x: Float32Array = new Float32Array(0);
  private y: Float32Array = new Float32Array(0);
  private dz: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);

  constructor(
    readonly name: string,
    private readonly g: Geometry,
    private readonly filters: number,
    private readonly act: Activation,
    kernelShape: number[],
    rng: Rng,
  ) {
    this.inSize = g.h * g.w * g.c;
    this.outSize = g.oh * g.ow * filters;
    this.kernel = param('kernel', kernelShape);
    this.bias = param('bias', [filters]);
    const field = g.kh * g.kw;
    glorotUniform(this.kernel.values, field * g.c, field * filters, rng);
    this.params = [this.kernel, this.bias];
    this.P = field * g.c;
    this.wt = new Float64Array(this.P * filters);
    this.dwt = new Float64Array(this.P * filters);
    this.patchA = new Float64Array(this.P);
    this.patchB = new Float64Array(this.P);
    this.dpatchA = new Float64Array(this.P);
    this.dpatchB = new Float64Array(this.P);
    this.relu = act === 'relu';
  }

  private transposeKernel(): void {
    const { P, filters: F, wt } = this;
    const W = this.kernel.values;
    for (let p = 0; p < P; p++) for (let f = 0; f < F; f++) wt[f * P + p] = W[p * F + f]!;
  }

  /** copy the receptive field of output (oy, ox) of the image at xImg into `patch` */
  private fillPatch(patch: Float64Array, x: Float32Array, xImg: number, oy: number, ox: number): void {
    const { h, w, c: C, kh, kw, sh, sw, padTop, padLeft } = this.g;
    let p = 0;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh + ky - padTop;
      if (iy < 0 || iy >= h) {
        patch.fill(0, p, p + kw * C);
        p += kw * C;
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw + kx - padLeft;
        if (ix < 0 || ix >= w) {
          patch.fill(0, p, p + C);
          p += C;
          continue;
        }
        const xb = xImg + (iy * w + ix) * C;
        for (let c = 0; c < C; c++) patch[p++] = x[xb + c]!;
      }
    }
  }

  /** add `dpatch` back onto the receptive field of output (oy, ox) in dx */
  private scatterPatch(dpatch: Float64Array, dx: Float32Array, xImg: number, oy: number, ox: number): void {
    const { h, w, c: C, kh, kw, sh, sw, padTop, padLeft } = this.g;
    let p = 0;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh + ky - padTop;
      if (iy < 0 || iy >= h) {
        p += kw * C;
        continue;
      }
      for (let kx = 0; kx < kw; kx++) {
        const ix = ox * sw + kx - padLeft;
        if (ix < 0 || ix >= w) {
          p += C;
          continue;
        }
        const xb = xImg + (iy * w + ix) * C;
        for (let c = 0; c < C; c++) dx[xb + c]! += dpatch[p++]!;
      }
    }
  }

  /** outputs of two positions (yA, yB = yA + F) from patchA / patchB */
  private dotPair(y: Float32Array, yA: number): void {
    const { P, filters: F, wt, patchA, patchB, relu } = this;
    const B = this.bias.values;
    const yB = yA + F;
    let f = 0;
    for (; f + 3 < F; f += 4) {
      const w0 = f * P;
      const w1 = w0 + P;
      const w2 = w1 + P;
      const w3 = w2 + P;
      let a0 = B[f]!;
      let a1 = B[f + 1]!;
      let a2 = B[f + 2]!;
      let a3 = B[f + 3]!;
      let b0 = a0;
      let b1 = a1;
      let b2 = a2;
      let b3 = a3;
      for (let p = 0; p < P; p++) {
        const va = patchA[p]!;
        const vb = patchB[p]!;
        const k0 = wt[w0 + p]!;
        const k1 = wt[w1 + p]!;
        const k2 = wt[w2 + p]!;
        const k3 = wt[w3 + p]!;
        a0 += va * k0;
        a1 += va * k1;
        a2 += va * k2;
        a3 += va * k3;
        b0 += vb * k0;
        b1 += vb * k1;
        b2 += vb * k2;
        b3 += vb * k3;
      }
      if (relu) {
        y[yA + f] = a0 > 0 ? a0 : 0;
        y[yA + f + 1] = a1 > 0 ? a1 : 0;
        y[yA + f + 2] = a2 > 0 ? a2 : 0;
        y[yA + f + 3] = a3 > 0 ? a3 : 0;
        y[yB + f] = b0 > 0 ? b0 : 0;
        y[yB + f + 1] = b1 > 0 ? b1 : 0;
        y[yB + f + 2] = b2 > 0 ? b2 : 0;
        y[yB + f + 3] = b3 > 0 ? b3 : 0;
      } else {
        y[yA + f] = a0;
        y[yA + f + 1] = a1;
        y[yA + f + 2] = a2;
        y[yA + f + 3] = a3;
        y[yB + f] = b0;
        y[yB + f + 1] = b1;
        y[yB + f + 2] = b2;
        y[yB + f + 3] = b3;
      }
    }
    for (; f < F; f++) {
      const wb = f * P;
      let a = B[f]!;
      let b = a;
      for (let p = 0; p < P; p++) {
        const k = wt[wb + p]!;
        a += patchA[p]! * k;
        b += patchB[p]! * k;
      }
      y[yA + f] = relu && a < 0 ? 0 : a;
      y[yB + f] = relu && b < 0 ? 0 : b;
    }
  }

  /** outputs of one position from patchA */
  private dotSingle(y: Float32Array, yA: number): void {
    const { P, filters: F, wt, patchA, relu } = this;
    const B = this.bias.values;
    for (let f = 0; f < F; f++) {
      const wb = f * P;
      let a = B[f]!;
      for (let p = 0; p < P; p++) a += patchA[p]! * wt[wb + p]!;
      y[yA + f] = relu && a < 0 ? 0 : a;
    }
  }

  forward(x: Float32Array, n: number, _training: boolean): Float32Array {
    const { oh, ow } = this.g;
    const F = this.filters;
    this.transposeKernel();
    this.x = x;
    this.y = grow(this.y, n * this.outSize);
    const y = this.y;
    for (let b = 0; b < n; b++) {
      const xImg = b * this.inSize;
      for (let oy = 0; oy < oh; oy++) {
        let ox = 0;
        for (; ox + 1 < ow; ox += 2) {
          this.fillPatch(this.patchA, x, xImg, oy, ox);
          this.fillPatch(this.patchB, x, xImg, oy, ox + 1);
          this.dotPair(y, ((b * oh + oy) * ow + ox) * F);
        }
        if (ox < ow) {
          this.fillPatch(this.patchA, x, xImg, oy, ox);
          this.dotSingle(y, ((b * oh + oy) * ow + ox) * F);
        }
      }
    }
    // relu is applied inside the dot products
    if (!this.relu) activate(y, n * this.outSize, this.act);
    return y;
  }

  /** gradient of one position (dz at zb) into dwt, dB and dpatch, from patch */
  private backSingle(dz: Float32Array, zb: number, patch: Float64Array, dpatch: Float64Array): void {
    const { P, filters: F, wt, dwt } = this;
    const dB = this.bias.grad!;
    for (let f = 0; f < F; f++) {
      const g = dz[zb + f]!;
      if (g === 0) continue;
      dB[f]! += g;
      const wb = f * P;
      for (let p = 0; p < P; p++) {
        dwt[wb + p]! += patch[p]! * g;
        dpatch[p]! += wt[wb + p]! * g;
      }
    }
  }

  /** gradient of two neighbouring positions (dz at zA and zA + F) */
  private backPair(dz: Float32Array, zA: number): void {
    const { P, filters: F, wt, dwt, patchA, patchB, dpatchA, dpatchB } = this;
    const dB = this.bias.grad!;
    const zB = zA + F;
    let f = 0;
    for (; f + 3 < F; f += 4) {
      const a0 = dz[zA + f]!;
      const a1 = dz[zA + f + 1]!;
      const a2 = dz[zA + f + 2]!;
      const a3 = dz[zA + f + 3]!;
      const b0 = dz[zB + f]!;
      const b1 = dz[zB + f + 1]!;
      const b2 = dz[zB + f + 2]!;
      const b3 = dz[zB + f + 3]!;
      // ReLU zeroes most gradients: skip whole groups
      if (a0 === 0 && a1 === 0 && a2 === 0 && a3 === 0 && b0 === 0 && b1 === 0 && b2 === 0 && b3 === 0) continue;
      dB[f]! += a0 + b0;
      dB[f + 1]! += a1 + b1;
      dB[f + 2]! += a2 + b2;
      dB[f + 3]! += a3 + b3;
      const w0 = f * P;
      const w1 = w0 + P;
      const w2 = w1 + P;
      const w3 = w2 + P;
      for (let p = 0; p < P; p++) {
        const va = patchA[p]!;
        const vb = patchB[p]!;
        const k0 = wt[w0 + p]!;
        const k1 = wt[w1 + p]!;
        const k2 = wt[w2 + p]!;
        const k3 = wt[w3 + p]!;
        dwt[w0 + p]! += va * a0 + vb * b0;
        dwt[w1 + p]! += va * a1 + vb * b1;
        dwt[w2 + p]! += va * a2 + vb * b2;
        dwt[w3 + p]! += va * a3 + vb * b3;
        dpatchA[p]! += k0 * a0 + k1 * a1 + k2 * a2 + k3 * a3;
        dpatchB[p]! += k0 * b0 + k1 * b1 + k2 * b2 + k3 * b3;
      }
    }
    for (; f < F; f++) {
      const a = dz[zA + f]!;
      const b = dz[zB + f]!;
      if (a === 0 && b === 0) continue;
      dB[f]! += a + b;
      const wb = f * P;
      for (let p = 0; p < P; p++) {
        const k = wt[wb + p]!;
        dwt[wb + p]! += patchA[p]! * a + patchB[p]! * b;
        dpatchA[p]! += k * a;
        dpatchB[p]! += k * b;
      }
    }
  }

  /** true when any of the F gradients at zb is non-zero */
  private anyGrad(dz: Float32Array, zb: number, count: number): boolean {
    for (let i = zb; i < zb + count; i++) if (dz[i] !== 0) return true;
    return false;
  }

  backward(dy: Float32Array, n: number): Float32Array {
    const { oh, ow } = this.g;
    const { P, filters: F, dwt, patchA, patchB, dpatchA, dpatchB } = this;
    this.dz = grow(this.dz, n * this.outSize);
    this.dx = grow(this.dx, n * this.inSize);
    const dz = this.dz;
    const dx = this.dx;
    const x = this.x;
    activationGrad(dy, this.y, dz, n * this.outSize, this.act);
    dx.fill(0, 0, n * this.inSize);
    dwt.fill(0);
    for (let b = 0; b < n; b++) {
      const xImg = b * this.inSize;
      for (let oy = 0; oy < oh; oy++) {
        let ox = 0;
        for (; ox + 1 < ow; ox += 2) {
          const zA = ((b * oh + oy) * ow + ox) * F;
          if (!this.anyGrad(dz, zA, 2 * F)) continue;
          this.fillPatch(patchA, x, xImg, oy, ox);
          this.fillPatch(patchB, x, xImg, oy, ox + 1);
          dpatchA.fill(0);
          dpatchB.fill(0);
          this.backPair(dz, zA);
          this.scatterPatch(dpatchA, dx, xImg, oy, ox);
          this.scatterPatch(dpatchB, dx, xImg, oy, ox + 1);
        }
        if (ox < ow) {
          const zA = ((b * oh + oy) * ow + ox) * F;
          if (!this.anyGrad(dz, zA, F)) continue;
          this.fillPatch(patchA, x, xImg, oy, ox);
          dpatchA.fill(0);
          this.backSingle(dz, zA, patchA, dpatchA);
          this.scatterPatch(dpatchA, dx, xImg, oy, ox);
        }
      }
    }
    const dW = this.kernel.grad!;
    for (let p = 0; p < P; p++) for (let f = 0; f < F; f++) dW[p * F + f]! += dwt[f * P + p]!;
    return dx;
  }
}

class PoolLayer implements Layer {
  readonly params: Param[] = [];
  readonly inSize: number;
  readonly outSize: number;
  private y: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);
  /** max pooling: flat input index of the winner per output value */
  private argmax: Int32Array = new Int32Array(0);

  constructor(
    readonly name: string,
    private readonly g: Geometry,
    private readonly kind: 'max' | 'avg',
  ) {
    this.inSize = g.h * g.w * g.c;
    this.outSize = g.oh * g.ow * g.c;
  }

  forward(x: Float32Array, n: number, _training: boolean): Float32Array {
    const { h, w, c: C, kh, kw, sh, sw, oh, ow, padTop, padLeft } = this.g;
    this.y = grow(this.y, n * this.outSize);
    if (this.kind === 'max' && this.argmax.length < n * this.outSize) this.argmax = new Int32Array(n * this.outSize);
    const y = this.y;
    const am = this.argmax;
    const isMax = this.kind === 'max';
    for (let b = 0; b < n; b++) {
      const xImg = b * this.inSize;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = Math.max(oy * sh - padTop, 0);
        const y1 = Math.min(oy * sh - padTop + kh, h);
        for (let ox = 0; ox < ow; ox++) {
          const x0 = Math.max(ox * sw - padLeft, 0);
          const x1 = Math.min(ox * sw - padLeft + kw, w);
          const yb = ((b * oh + oy) * ow + ox) * C;
          const count = (y1 - y0) * (x1 - x0);
          for (let c = 0; c < C; c++) {
            if (isMax) {
              let best = -Infinity;
              let bi = -1;
              for (let iy = y0; iy < y1; iy++) {
                for (let ix = x0; ix < x1; ix++) {
                  const idx = xImg + (iy * w + ix) * C + c;
                  const v = x[idx]!;
                  if (v > best || bi < 0) {
                    best = v;
                    bi = idx;
                  }
                }
              }
              y[yb + c] = best;
              am[yb + c] = bi;
            } else {
              let s = 0;
              for (let iy = y0; iy < y1; iy++) {
                for (let ix = x0; ix < x1; ix++) s += x[xImg + (iy * w + ix) * C + c]!;
              }
              y[yb + c] = s / count;
            }
          }
        }
      }
    }
    return y;
  }

  backward(dy: Float32Array, n: number): Float32Array {
    const { h, w, c: C, kh, kw, sh, sw, oh, ow, padTop, padLeft } = this.g;
    this.dx = grow(this.dx, n * this.inSize);
    const dx = this.dx;
    dx.fill(0, 0, n * this.inSize);
    if (this.kind === 'max') {
      const am = this.argmax;
      for (let i = 0; i < n * this.outSize; i++) dx[am[i]!]! += dy[i]!;
      return dx;
    }
    for (let b = 0; b < n; b++) {
      const xImg = b * this.inSize;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = Math.max(oy * sh - padTop, 0);
        const y1 = Math.min(oy * sh - padTop + kh, h);
        for (let ox = 0; ox < ow; ox++) {
          const x0 = Math.max(ox * sw - padLeft, 0);
          const x1 = Math.min(ox * sw - padLeft + kw, w);
          const yb = ((b * oh + oy) * ow + ox) * C;
          const count = (y1 - y0) * (x1 - x0);
          for (let c = 0; c < C; c++) {
            const g = dy[yb + c]! / count;
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) dx[xImg + (iy * w + ix) * C + c]! += g;
            }
          }
        }
      }
    }
    return dx;
  }
}

class DropoutLayer implements Layer {
  readonly params: Param[] = [];
  readonly outSize: number;
  private y: Float32Array = new Float32Array(0);
  private mask: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);
  private masked = false;

  constructor(
    readonly name: string,
    readonly inSize: number,
    private readonly rate: number,
    private readonly rng: Rng,
  ) {
    this.outSize = inSize;
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    this.masked = training && this.rate > 0;
    if (!this.masked) return x;
    const len = n * this.inSize;
    this.y = grow(this.y, len);
    this.mask = grow(this.mask, len);
    const scale = 1 / (1 - this.rate);
    for (let i = 0; i < len; i++) {
      const m = this.rng.next() < this.rate ? 0 : scale;
      this.mask[i] = m;
      this.y[i] = x[i]! * m;
    }
    return this.y;
  }

  backward(dy: Float32Array, n: number): Float32Array {
    if (!this.masked) return dy;
    const len = n * this.inSize;
    this.dx = grow(this.dx, len);
    for (let i = 0; i < len; i++) this.dx[i] = dy[i]! * this.mask[i]!;
    return this.dx;
  }
}

/** flatten and reshape: row-major channels-last data is already in the target order */
class PassThroughLayer implements Layer {
  readonly params: Param[] = [];
  readonly outSize: number;
  constructor(
    readonly name: string,
    readonly inSize: number,
  ) {
    this.outSize = inSize;
  }
  forward(x: Float32Array): Float32Array {
    return x;
  }
  backward(dy: Float32Array): Float32Array {
    return dy;
  }
}

class BatchNormLayer implements Layer {
  readonly params: Param[];
  readonly outSize: number;
  private readonly gamma: Param;
  private readonly beta: Param;
  private readonly movingMean: Param;
  private readonly movingVar: Param;
  private y: Float32Array = new Float32Array(0);
  private xhat: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);
  private readonly invStd: Float64Array;
  private readonly sum1: Float64Array;
  private readonly sum2: Float64Array;

  constructor(
    readonly name: string,
    readonly inSize: number,
    private readonly channels: number,
  ) {
    this.outSize = inSize;
    this.gamma = param('gamma', [channels]);
    this.beta = param('beta', [channels]);
    this.movingMean = param('moving_mean', [channels], false);
    this.movingVar = param('moving_variance', [channels], false);
    this.gamma.values.fill(1);
    this.movingVar.values.fill(1);
    this.params = [this.gamma, this.beta, this.movingMean, this.movingVar];
    this.invStd = new Float64Array(channels);
    this.sum1 = new Float64Array(channels);
    this.sum2 = new Float64Array(channels);
  }

  forward(x: Float32Array, n: number, training: boolean): Float32Array {
    const C = this.channels;
    const len = n * this.inSize;
    const m = len / C;
    this.y = grow(this.y, len);
    this.xhat = grow(this.xhat, len);
    const mean = this.sum1;
    const inv = this.invStd;
    const G = this.gamma.values;
    const Bt = this.beta.values;
    if (training) {
      mean.fill(0);
      this.sum2.fill(0);
      for (let i = 0; i < len; i++) mean[i % C]! += x[i]!;
      for (let c = 0; c < C; c++) mean[c]! /= m;
      for (let i = 0; i < len; i++) {
        const d = x[i]! - mean[i % C]!;
        this.sum2[i % C]! += d * d;
      }
      const mm = this.movingMean.values;
      const mv = this.movingVar.values;
      for (let c = 0; c < C; c++) {
        const v = this.sum2[c]! / m;
        inv[c] = 1 / Math.sqrt(v + BN_EPSILON);
        const unbiased = m > 1 ? (v * m) / (m - 1) : v;
        mm[c] = mm[c]! * BN_MOMENTUM + mean[c]! * (1 - BN_MOMENTUM);
        mv[c] = mv[c]! * BN_MOMENTUM + unbiased * (1 - BN_MOMENTUM);
      }
    } else {
      for (let c = 0; c < C; c++) {
        mean[c] = this.movingMean.values[c]!;
        inv[c] = 1 / Math.sqrt(this.movingVar.values[c]! + BN_EPSILON);
      }
    }
    for (let i = 0; i < len; i++) {
      const c = i % C;
      const xh = (x[i]! - mean[c]!) * inv[c]!;
      this.xhat[i] = xh;
      this.y[i] = G[c]! * xh + Bt[c]!;
    }
    return this.y;
  }

  backward(dy: Float32Array, n: number): Float32Array {
    const C = this.channels;
    const len = n * this.inSize;
    const m = len / C;
    this.dx = grow(this.dx, len);
    const G = this.gamma.values;
    const dG = this.gamma.grad!;
    const dBt = this.beta.grad!;
    const sumDy = this.sum1;
    const sumDyXhat = this.sum2;
    sumDy.fill(0);
    sumDyXhat.fill(0);
    for (let i = 0; i < len; i++) {
      const c = i % C;
      sumDy[c]! += dy[i]!;
      sumDyXhat[c]! += dy[i]! * this.xhat[i]!;
    }
    for (let c = 0; c < C; c++) {
      dG[c]! += sumDyXhat[c]!;
      dBt[c]! += sumDy[c]!;
    }
    for (let i = 0; i < len; i++) {
      const c = i % C;
      const k = (G[c]! * this.invStd[c]!) / m;
      this.dx[i] = k * (m * dy[i]! - sumDy[c]! - this.xhat[i]! * sumDyXhat[c]!);
    }
    return this.dx;
  }
}

export interface Network {
  layers: Layer[];
  info: LayerInfo[];
  head: OutputHead;
  inSize: number;
  outSize: number;
  /** forward pass; the output layer is linear (logits for classification) */
  forward(x: Float32Array, n: number, training: boolean): Float32Array;
  /** backward pass from dL/dlogits; accumulates gradients into every trainable Param */
  backward(dOut: Float32Array, n: number): void;
  zeroGrad(): void;
  /** every Param, prefixed with its layer name */
  allParams(): { layer: string; param: Param }[];
}

function buildLayer(spec: LayerSpec, info: LayerInfo, rng: Rng): Layer {
  const inSize = info.inputShape.reduce((a, b) => a * b, 1);
  switch (spec.type) {
    case 'dense':
      return new DenseLayer(info.name, inSize, spec.units, spec.activation, rng.fork(info.name));
    case 'conv1d':
    case 'conv2d': {
      const g = convGeometry(spec, info.inputShape, info.outputShape);
      return new ConvLayer(info.name, g, spec.filters, spec.activation, convKernelShape(spec, g.c), rng.fork(info.name));
    }
    case 'maxPool1d':
    case 'avgPool1d':
    case 'maxPool2d':
    case 'avgPool2d':
      return new PoolLayer(info.name, poolGeometry(spec, info.inputShape, info.outputShape), isMaxPool(spec) ? 'max' : 'avg');
    case 'dropout':
      return new DropoutLayer(info.name, inSize, spec.rate, rng.fork(`${info.name}/mask`));
    case 'flatten':
    case 'reshape':
      return new PassThroughLayer(info.name, inSize);
    case 'batchNorm':
      return new BatchNormLayer(info.name, inSize, info.inputShape[info.inputShape.length - 1]!);
  }
}

/**
 * Build the network for `spec` plus its output layer, with Glorot-uniform kernels drawn from
 * `rng` (every layer from its own named stream) and dropout masks from further streams.
 * Throws BAD_PARAMS when the layer stack is invalid.
 */
export function buildNetwork(spec: ModelSpec, head: OutputHead, rng: Rng): Network {
  if (head.kind === 'classification' && (!Number.isInteger(head.classes) || head.classes < 2)) {
    throw new KilnError('BAD_PARAMS', `A classifier needs at least 2 classes, got ${head.classes}`);
  }
  const analysis = assertValidSpec(spec, head);
  const layers: Layer[] = spec.layers.map((l, i) => buildLayer(l, analysis.layers[i]!, rng));
  const outInfo = analysis.layers[analysis.layers.length - 1]!;
  layers.push(new DenseLayer(OUTPUT_LAYER_NAME, outInfo.inputShape[0]!, outInfo.outputShape[0]!, 'linear', rng.fork(OUTPUT_LAYER_NAME)));
  const inSize = spec.inputShape.reduce((a, b) => a * b, 1);
  return {
    layers,
    info: analysis.layers,
    head,
    inSize,
    outSize: outInfo.outputShape[0]!,
    forward(x, n, training) {
      let h = x;
      for (const l of layers) h = l.forward(h, n, training);
      return h;
    },
    backward(dOut, n) {
      let g = dOut;
      for (let i = layers.length - 1; i >= 0; i--) g = layers[i]!.backward(g, n);
    },
    zeroGrad() {
      for (const l of layers) for (const p of l.params) p.grad?.fill(0);
    },
    allParams() {
      return layers.flatMap((l) => l.params.map((p) => ({ layer: l.name, param: p })));
    },
  };
}

/** Copy the network's current values into serialisable weights. */
export function exportWeights(net: Network): ModelWeights {
  return {
    head: net.head,
    tensors: net.allParams().map(({ layer, param: p }) => ({
      layer,
      name: p.name,
      shape: [...p.shape],
      values: new Float32Array(p.values),
    })),
  };
}

/** Load saved weights into a network built from the same spec; names and shapes must match. */
export function importWeights(net: Network, weights: ModelWeights): void {
  const byKey = new Map(weights.tensors.map((t) => [`${t.layer}/${t.name}`, t]));
  for (const { layer, param: p } of net.allParams()) {
    const key = `${layer}/${p.name}`;
    const t = byKey.get(key);
    if (!t) throw new KilnError('BAD_DATA', `Saved weights have no tensor "${key}"; were they trained with another spec?`);
    if (t.values.length !== p.values.length || t.shape.join('x') !== p.shape.join('x')) {
      throw new KilnError('BAD_DATA', `Saved tensor "${key}" has shape [${t.shape.join(', ')}] but the spec needs [${p.shape.join(', ')}]`);
    }
    p.values.set(t.values);
  }
}
