/**
 * Lowers a trained network (spec + output head + Keras-layout weights) to a `FloatModel`: a flat
 * list of operations with kernels in engine order ([out][kh][kw][c]), batch norm folded into
 * the dense/conv layer before it when that layer is linear (else a per-channel affine op),
 * tanh/sigmoid split out as their own op (so their input range can be calibrated), and
 * dropout, flatten and reshape removed (they change nothing in channels-last memory).
 */
import { KilnError } from '../errors.js';
import type { FloatModel, FloatOp } from './floatModel.js';
import type { FeatureScaling } from './int8Model.js';
import { batchNormAffine, foldBatchNorm } from './layers/batchNorm.js';
import { isTableActivation } from './layers/activation.js';
import { convGeometry } from './layers/conv.js';
import { kernelOutMajor } from './layers/dense.js';
import { isMaxPool, poolGeometry } from './layers/pool.js';
import { analyzeSpec } from './shapes.js';
import { type ModelSpec, type OutputHead, layerNames, OUTPUT_LAYER_NAME, shapeSize } from './spec.js';

export interface TensorLike {
  layer: string;
  name: string;
  shape: number[];
  values: ArrayLike<number>;
}

export function lowerFloat(spec: ModelSpec, head: OutputHead, weights: { tensors: readonly TensorLike[] }, scaling: FeatureScaling | null = null): FloatModel {
  const a = analyzeSpec(spec, head);
  if (!a.ok) throw new KilnError('BAD_PARAMS', a.message);
  const inSize = shapeSize(spec.inputShape);
  if (scaling && (scaling.mean.length !== inSize || scaling.invStd.length !== inSize)) {
    throw new KilnError('BAD_DATA', `The stored feature scaling has ${scaling.mean.length} features but the model takes ${inSize}; train the model again`);
  }
  const byKey = new Map(weights.tensors.map((t) => [`${t.layer}/${t.name}`, t]));
  const tensor = (layer: string, name: string): TensorLike => {
    const t = byKey.get(`${layer}/${name}`);
    if (!t) throw new KilnError('BAD_DATA', `The weights have no tensor "${layer}/${name}"; were they trained with another spec?`);
    return t;
  };
  const names = [...layerNames(spec.layers), OUTPUT_LAYER_NAME];
  const ops: FloatOp[] = [];
  const outSizes: number[] = [];
  const push = (op: FloatOp, size: number) => {
    ops.push(op);
    outSizes.push(size);
  };
  /** the op a batch norm may fold into: the last op, when it is a linear dense/conv and nothing but dropout came between */
  let foldable: Extract<FloatOp, { op: 'dense' | 'conv' }> | null = null;
  const all = [...spec.layers, null];
  for (let i = 0; i < all.length; i++) {
    const l = all[i]!;
    const info = a.layers[i]!;
    const name = names[i]!;
    const outSize = shapeSize(info.outputShape);
    if (l === null || l.type === 'dense') {
      const units = info.outputShape[0]!;
      const activation = l === null ? 'linear' : l.activation;
      const fused = isTableActivation(activation) ? 'linear' : activation;
      const op: FloatOp = {
        op: 'dense',
        name,
        inSize: info.inputShape[0]!,
        units,
        weights: kernelOutMajor(tensor(name, 'kernel').values, units),
        bias: Float32Array.from(tensor(name, 'bias').values),
        activation: fused,
      };
      push(op, outSize);
      if (isTableActivation(activation)) push({ op: 'activation', name: `${name}/${activation}`, size: outSize, activation }, outSize);
      foldable = fused === activation && fused === 'linear' ? op : null;
      if (l === null && head.kind === 'classification') push({ op: 'softmax', name: `${name}/softmax`, size: outSize }, outSize);
    } else if (l.type === 'conv1d' || l.type === 'conv2d') {
      const g = convGeometry(l, info.inputShape, info.outputShape);
      const fused = isTableActivation(l.activation) ? 'linear' : l.activation;
      const op: FloatOp = {
        op: 'conv',
        name,
        g,
        filters: l.filters,
        weights: kernelOutMajor(tensor(name, 'kernel').values, l.filters),
        bias: Float32Array.from(tensor(name, 'bias').values),
        activation: fused,
      };
      push(op, outSize);
      if (fused !== l.activation)
        push({ op: 'activation', name: `${name}/${l.activation}`, size: outSize, activation: l.activation as 'tanh' | 'sigmoid' }, outSize);
      foldable = fused === l.activation && fused === 'linear' ? op : null;
    } else if (l.type === 'maxPool1d' || l.type === 'avgPool1d' || l.type === 'maxPool2d' || l.type === 'avgPool2d') {
      push({ op: isMaxPool(l) ? 'maxPool' : 'avgPool', name, g: poolGeometry(l, info.inputShape, info.outputShape) }, outSize);
      foldable = null;
    } else if (l.type === 'batchNorm') {
      const C = info.inputShape[info.inputShape.length - 1]!;
      const bn = batchNormAffine(
        {
          gamma: tensor(name, 'gamma').values,
          beta: tensor(name, 'beta').values,
          movingMean: tensor(name, 'moving_mean').values,
          movingVariance: tensor(name, 'moving_variance').values,
        },
        C,
      );
      const prev = foldable as Extract<FloatOp, { op: 'dense' | 'conv' }> | null;
      if (prev && (prev.op === 'dense' ? prev.units : prev.filters) === C) {
        foldBatchNorm(prev.weights, prev.bias, bn);
      } else {
        push({ op: 'channelAffine', name, channels: C, size: outSize, mul: Float32Array.from(bn.mul), add: Float32Array.from(bn.add) }, outSize);
      }
      foldable = null;
    } else if (l.type !== 'dropout') {
      // flatten / reshape: nothing to do in memory, but a later batch norm no longer sees the conv's channels
      foldable = null;
    }
  }
  return { head, inSize, outSize: a.outputShape[0]!, scaling, ops, outSizes };
}
