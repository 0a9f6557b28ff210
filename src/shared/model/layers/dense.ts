/**
 * Dense (fully connected) layer, and the appended output layer. Keras kernel [inputs, units];
 * engines store it [units][inputs]. int8: weights symmetric per output unit, int32 bias,
 * fixed-point requantization per unit, relu/relu6 fused as clamps (docs/int8.md).
 */
import { type LayerShapeResult, fmtShape } from './types.js';

export function denseShape(units: number, inShape: readonly number[], at: string): LayerShapeResult {
  if (inShape.length !== 1) return `${at}) needs a flat input but gets ${fmtShape(inShape)}; add a flatten layer before it`;
  const n = inShape[0]! * units + units;
  return { outputShape: [units], params: n, trainableParams: n, macs: inShape[0]! * units };
}

/** Keras kernel [..rest, out] (output channel last) → [out][rest], the layout every engine runs. */
export function kernelOutMajor(values: ArrayLike<number>, outChannels: number): Float32Array {
  const rest = values.length / outChannels;
  const w = new Float32Array(values.length);
  for (let o = 0; o < outChannels; o++) for (let i = 0; i < rest; i++) w[o * rest + i] = values[i * outChannels + o]!;
  return w;
}
