/** What every layer module computes for one layer: its output shape and its costs. */
export interface LayerShape {
  outputShape: number[];
  /** all parameters, including non-trainable ones (batch norm moving statistics) */
  params: number;
  trainableParams: number;
  /** multiply-accumulates for one row (pooling counts compared/added values) */
  macs: number;
}

/** A LayerShape, or the sentence that explains why the layer cannot take its input. */
export type LayerShapeResult = LayerShape | string;

export function fmtShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}
