/**
 * Window geometry of convolution and pooling layers, TensorFlow's rules: output length per axis
 * and the "same" padding split (the odd extra padded position goes at the end). 1-D layers run
 * as 2-D ones over a height of 1. The one definition the trainer, the int8 engine, the float
 * lowering and the ONNX export share.
 */
import type { Geometry } from '../int8Model.js';
import type { Padding } from '../spec.js';

/** Output length of a convolution or pooling window along one axis (TensorFlow's rules). */
export function windowOutputLength(n: number, window: number, stride: number, padding: Padding): number {
  return padding === 'same' ? Math.ceil(n / stride) : Math.floor((n - window) / stride) + 1;
}

/** Padding before and after along one axis: total = max((out − 1)·s + k − n, 0), floor(total / 2) before. */
export function padding(n: number, out: number, k: number, s: number, mode: Padding): [number, number] {
  if (mode === 'valid') return [0, 0];
  const total = Math.max((out - 1) * s + k - n, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Geometry of a window layer from its input and output shapes ([steps, ch] or [h, w, ch]). */
export function windowGeometry(
  inShape: readonly number[],
  outShape: readonly number[],
  kh: number,
  kw: number,
  sh: number,
  sw: number,
  mode: Padding,
): Geometry {
  const [h, w, c] = inShape.length === 2 ? [1, inShape[0]!, inShape[1]!] : [inShape[0]!, inShape[1]!, inShape[2]!];
  const [oh, ow] = outShape.length === 2 ? [1, outShape[0]!] : [outShape[0]!, outShape[1]!];
  return { h, w, c, kh, kw, sh, sw, oh, ow, padTop: padding(h, oh, kh, sh, mode)[0], padLeft: padding(w, ow, kw, sw, mode)[0] };
}
