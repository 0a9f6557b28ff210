/**
 * Activations. Float: the function itself. int8 (docs/int8.md): linear, relu and relu6 are
 * fused into the preceding layer as clamp bounds on its int8 output; tanh and sigmoid become a
 * 256-entry lookup table at a fixed output scale.
 */
import type { QuantParams } from '../int8Model.js';
import type { Activation } from '../spec.js';

export function activate(v: number, a: Activation): number {
  switch (a) {
    case 'linear':
      return v;
    case 'relu':
      return v < 0 ? 0 : v;
    case 'relu6':
      return v < 0 ? 0 : v > 6 ? 6 : v;
    case 'tanh':
      return Math.tanh(v);
    case 'sigmoid':
      return 1 / (1 + Math.exp(-v));
  }
}

/** Activations that cannot be a clamp and run as their own (lookup-table) op. */
export function isTableActivation(a: Activation): a is 'tanh' | 'sigmoid' {
  return a === 'tanh' || a === 'sigmoid';
}

/** Clamp bounds of a fused activation on an int8 output with parameters q. */
export function int8ClampBounds(a: 'linear' | 'relu' | 'relu6', q: QuantParams): { actMin: number; actMax: number } {
  switch (a) {
    case 'linear':
      return { actMin: -128, actMax: 127 };
    case 'relu':
      return { actMin: Math.max(q.zeroPoint, -128), actMax: 127 };
    case 'relu6':
      return { actMin: q.zeroPoint, actMax: Math.min(127, q.zeroPoint + Math.round(6 / q.scale)) };
  }
}

/** Output quantization of the lookup-table activations: tanh in [−1, 1), sigmoid in [0, 1). */
export const TABLE_OUTPUT: Record<'tanh' | 'sigmoid', QuantParams> = {
  tanh: { scale: 1 / 128, zeroPoint: 0 },
  sigmoid: { scale: 1 / 256, zeroPoint: -128 },
};
