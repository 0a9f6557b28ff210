/**
 * A straight-line float engine over a `FloatModel`: what the exported C library's float32 path
 * computes, and what int8 calibration observes (the range of every op's output).
 */
import { KilnError } from '../errors.js';
import type { FloatModel, FloatOp } from './floatModel.js';
import { activate as act } from './layers/activation.js';
import { applyScaling } from './scaling.js';

/** One row through one op (x in, y out, both float32). */
export function runFloatOp(op: FloatOp, x: Float32Array, y: Float32Array): void {
  switch (op.op) {
    case 'dense': {
      const { inSize: I, units: O, weights: W, bias: B } = op;
      for (let o = 0; o < O; o++) {
        let acc = B[o]!;
        const wo = o * I;
        for (let i = 0; i < I; i++) acc += x[i]! * W[wo + i]!;
        y[o] = act(acc, op.activation);
      }
      return;
    }
    case 'conv': {
      const { h, w, c: C, kh, kw, sh, sw, oh, ow, padTop, padLeft } = op.g;
      const F = op.filters;
      const P = kh * kw * C;
      for (let oy = 0; oy < oh; oy++) {
        for (let ox = 0; ox < ow; ox++) {
          const yb = (oy * ow + ox) * F;
          for (let f = 0; f < F; f++) {
            let acc = op.bias[f]!;
            const wf = f * P;
            for (let ky = 0; ky < kh; ky++) {
              const iy = oy * sh - padTop + ky;
              if (iy < 0 || iy >= h) continue;
              for (let kx = 0; kx < kw; kx++) {
                const ix = ox * sw - padLeft + kx;
                if (ix < 0 || ix >= w) continue;
                const xb = (iy * w + ix) * C;
                const wb = wf + (ky * kw + kx) * C;
                for (let c = 0; c < C; c++) acc += x[xb + c]! * op.weights[wb + c]!;
              }
            }
            y[yb + f] = act(acc, op.activation);
          }
        }
      }
      return;
    }
    case 'maxPool':
    case 'avgPool': {
      const { h, w, c: C, kh, kw, sh, sw, oh, ow, padTop, padLeft } = op.g;
      for (let oy = 0; oy < oh; oy++) {
        const y0 = Math.max(oy * sh - padTop, 0);
        const y1 = Math.min(oy * sh - padTop + kh, h);
        for (let ox = 0; ox < ow; ox++) {
          const x0 = Math.max(ox * sw - padLeft, 0);
          const x1 = Math.min(ox * sw - padLeft + kw, w);
          for (let c = 0; c < C; c++) {
            let best = -Infinity;
            let sum = 0;
            for (let iy = y0; iy < y1; iy++) {
              for (let ix = x0; ix < x1; ix++) {
                const v = x[(iy * w + ix) * C + c]!;
                if (v > best) best = v;
                sum += v;
              }
            }
            y[(oy * ow + ox) * C + c] = op.op === 'maxPool' ? best : sum / ((y1 - y0) * (x1 - x0));
          }
        }
      }
      return;
    }
    case 'channelAffine':
      for (let i = 0; i < op.size; i++) {
        const c = i % op.channels;
        y[i] = x[i]! * op.mul[c]! + op.add[c]!;
      }
      return;
    case 'activation':
      for (let i = 0; i < op.size; i++) y[i] = act(x[i]!, op.activation);
      return;
    case 'softmax': {
      let max = -Infinity;
      for (let i = 0; i < op.size; i++) max = Math.max(max, x[i]!);
      let sum = 0;
      for (let i = 0; i < op.size; i++) sum += Math.exp(x[i]! - max);
      for (let i = 0; i < op.size; i++) y[i] = Math.exp(x[i]! - max) / sum;
      return;
    }
  }
}

/**
 * Runs rows of features through the model: softmax scores (rows × classes) for a classifier,
 * one value per row for a regressor. `observe(i, values)` sees every op's output per row
 * (i = −1 for the scaled input), for calibration.
 */
export function runFloatModel(model: FloatModel, features: Float32Array, observe?: (op: number, values: Float32Array) => void): Float32Array {
  const { inSize, outSize } = model;
  if (inSize <= 0 || features.length % inSize !== 0) {
    throw new KilnError('BAD_DATA', `${features.length} feature values are not a whole number of rows of ${inSize}`);
  }
  const rows = features.length / inSize;
  const out = new Float32Array(rows * outSize);
  const bufs = model.outSizes.map((n) => new Float32Array(n));
  const input = new Float32Array(inSize);
  for (let r = 0; r < rows; r++) {
    const row = features.subarray(r * inSize, (r + 1) * inSize);
    if (model.scaling) applyScaling(model.scaling, row, input);
    else input.set(row);
    observe?.(-1, input);
    let x = input;
    model.ops.forEach((op, i) => {
      runFloatOp(op, x, bufs[i]!);
      x = bufs[i]!;
      observe?.(i, x);
    });
    out.set(x.subarray(0, outSize), r * outSize);
  }
  return out;
}
