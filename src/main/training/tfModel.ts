/**
 * The same network as a tfjs LayersModel, for interop (saving in tfjs / Keras layouts, running
 * on tfjs-node) and for cross-checking Kiln's engine against tfjs in tests.
 */
import { KilnError } from '../../shared/errors.js';
import { BN_EPSILON, BN_MOMENTUM } from '../../shared/model/layers/batchNorm.js';
import { assertValidSpec } from '../../shared/model/shapes.js';
import { type ModelSpecInput, type OutputHead, OUTPUT_LAYER_NAME, layerNames, parseModelSpec } from '../../shared/model/spec.js';
import type { Tf } from './backend.js';
import type { ModelWeights } from './network.js';

type TfLayersModel = ReturnType<Tf['sequential']>;

/**
 * Build a tfjs Sequential model for `spec` + output head. With `weights`, the model gets them
 * (tensor order as in Kiln's engine); the output layer is linear unless `softmax` is set. The
 * weights' feature scaling is not part of the tfjs model: scale the rows with `applyScaling`
 * before `predict`.
 */
export function buildTfModel(tf: Tf, specInput: ModelSpecInput, head: OutputHead, options: { weights?: ModelWeights; softmax?: boolean } = {}): TfLayersModel {
  const spec = parseModelSpec(specInput);
  assertValidSpec(spec, head);
  const names = layerNames(spec.layers);
  const model = tf.sequential();
  model.add(tf.layers.inputLayer({ inputShape: spec.inputShape }));
  spec.layers.forEach((l, i) => {
    const name = names[i]!;
    switch (l.type) {
      case 'dense':
        model.add(tf.layers.dense({ name, units: l.units, activation: l.activation }));
        break;
      case 'conv1d':
        model.add(tf.layers.conv1d({ name, filters: l.filters, kernelSize: l.kernelSize, strides: l.strides, padding: l.padding, activation: l.activation }));
        break;
      case 'conv2d':
        model.add(tf.layers.conv2d({ name, filters: l.filters, kernelSize: l.kernelSize, strides: l.strides, padding: l.padding, activation: l.activation }));
        break;
      case 'maxPool1d':
        model.add(tf.layers.maxPooling1d({ name, poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding }));
        break;
      case 'avgPool1d':
        model.add(tf.layers.averagePooling1d({ name, poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding }));
        break;
      case 'maxPool2d':
        model.add(tf.layers.maxPooling2d({ name, poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding }));
        break;
      case 'avgPool2d':
        model.add(tf.layers.averagePooling2d({ name, poolSize: l.poolSize, strides: l.strides ?? l.poolSize, padding: l.padding }));
        break;
      case 'dropout':
        model.add(tf.layers.dropout({ name, rate: l.rate }));
        break;
      case 'flatten':
        model.add(tf.layers.flatten({ name }));
        break;
      case 'reshape':
        model.add(tf.layers.reshape({ name, targetShape: l.targetShape }));
        break;
      case 'batchNorm':
        model.add(tf.layers.batchNormalization({ name, momentum: BN_MOMENTUM, epsilon: BN_EPSILON }));
        break;
    }
  });
  const units = head.kind === 'classification' ? head.classes : 1;
  model.add(tf.layers.dense({ name: OUTPUT_LAYER_NAME, units, activation: options.softmax ? 'softmax' : 'linear' }));
  if (options.weights) {
    // per layer: Sequential.getWeights() lists all trainable tensors before the non-trainable ones
    const byLayer = new Map<string, ModelWeights['tensors']>();
    for (const t of options.weights.tensors) byLayer.set(t.layer, [...(byLayer.get(t.layer) ?? []), t]);
    for (const layer of model.layers) {
      const expected = layer.weights.length;
      const saved = byLayer.get(layer.name) ?? [];
      if (saved.length !== expected) {
        throw new KilnError('BAD_DATA', `The saved weights hold ${saved.length} tensors for layer "${layer.name}"; it needs ${expected}`);
      }
      if (expected) layer.setWeights(saved.map((t) => tf.tensor(t.values, t.shape)));
    }
  }
  return model;
}
