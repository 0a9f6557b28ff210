/**
 * Export of a trained network as an ONNX model (opset 13), written with our own protobuf writer
 * from the public ONNX schema (onnx.proto): ModelProto → GraphProto → NodeProto / TensorProto /
 * ValueInfoProto. The graph takes flat float rows [batch, inputSize] like Kiln's engine and
 * returns softmax scores (classifier) or one value (regressor).
 *
 * Kiln keeps activations channels-last (Keras layout); ONNX Conv/Pool are channels-first, so
 * each convolution or pooling layer is wrapped in two Transposes. Batch norm (inference) is a
 * per-channel Mul + Add broadcast on the last axis; dropout is dropped. A model with feature
 * scaling starts with Sub (mean) and Mul (1/std) on the flat input.
 */
import { KilnError } from '../../../shared/errors';
import { batchNormAffine } from '../../../shared/model/layers/batchNorm';
import { padding as pads, windowOutputLength } from '../../../shared/model/layers/geometry';
import { isMaxPool, poolStride } from '../../../shared/model/layers/pool';
import { analyzeSpec } from '../../../shared/model/shapes';
import { layerNames, OUTPUT_LAYER_NAME, type Activation, type ModelSpec, type OutputHead } from '../../../shared/model/spec';
import type { FeatureScaling } from '../../../shared/model/int8Model';
import { ProtoWriter } from './protobuf';

export interface WeightsLike {
  head: OutputHead;
  tensors: { layer: string; name: string; shape: number[]; values: ArrayLike<number> }[];
  /** per-feature standardisation: exported as Sub + Mul on the input */
  scaling?: FeatureScaling | null;
}

const FLOAT = 1;
const INT64 = 7;
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_INTS = 7;
const IR_VERSION = 8;
const OPSET = 13;

type Attr = { name: string; int?: number; ints?: number[]; float?: number; string?: string };

interface Node {
  op: string;
  inputs: string[];
  outputs: string[];
  attrs?: Attr[];
}

interface Initializer {
  name: string;
  dims: number[];
  type: 'float' | 'int64';
  values: ArrayLike<number>;
}

class GraphBuilder {
  readonly nodes: Node[] = [];
  readonly inits: Initializer[] = [];
  private n = 0;

  fresh(base: string): string {
    return `${base}_${++this.n}`;
  }

  node(op: string, inputs: string[], attrs?: Attr[], name?: string): string {
    const out = name ?? this.fresh(op.toLowerCase());
    this.nodes.push({ op, inputs, outputs: [out], ...(attrs ? { attrs } : {}) });
    return out;
  }

  init(name: string, dims: number[], values: ArrayLike<number>, type: 'float' | 'int64' = 'float'): string {
    this.inits.push({ name, dims, type, values });
    return name;
  }
}

function activation(g: GraphBuilder, x: string, act: Activation): string {
  switch (act) {
    case 'linear':
      return x;
    case 'relu':
      return g.node('Relu', [x]);
    case 'relu6': {
      const lo = g.init(g.fresh('relu6_min'), [], [0]);
      const hi = g.init(g.fresh('relu6_max'), [], [6]);
      return g.node('Clip', [x, lo, hi]);
    }
    case 'tanh':
      return g.node('Tanh', [x]);
    case 'sigmoid':
      return g.node('Sigmoid', [x]);
  }
}

/** Kernel in Keras layout [kh?, kw, inC, F] → ONNX [F, inC, kh?, kw]. */
function transposeKernel(values: ArrayLike<number>, spatial: number[], inC: number, F: number): Float32Array {
  const S = spatial.reduce((a, b) => a * b, 1);
  const out = new Float32Array(S * inC * F);
  for (let s = 0; s < S; s++) for (let c = 0; c < inC; c++) for (let f = 0; f < F; f++) out[(f * inC + c) * S + s] = values[(s * inC + c) * F + f]!;
  return out;
}

/** Builds the ONNX graph for a spec and its trained weights; returns the serialised model. */
export function exportOnnx(spec: ModelSpec, weights: WeightsLike, options: { name?: string } = {}): Uint8Array {
  const head = weights.head;
  const a = analyzeSpec(spec, head);
  if (!a.ok) throw new KilnError('BAD_PARAMS', a.message);
  const tensors = new Map(weights.tensors.map((t) => [`${t.layer}/${t.name}`, t]));
  const tensor = (layer: string, name: string) => {
    const t = tensors.get(`${layer}/${name}`);
    if (!t) throw new KilnError('BAD_DATA', `The weights have no tensor "${layer}/${name}"; were they trained with another spec?`);
    return t;
  };
  const g = new GraphBuilder();
  const names = [...layerNames(spec.layers), OUTPUT_LAYER_NAME];
  const inSize = spec.inputShape.reduce((x, y) => x * y, 1);
  let x = 'input';
  if (weights.scaling) {
    // (x − mean) · invStd, each in float32 like every Kiln engine
    x = g.node('Sub', [x, g.init('scaling/mean', [inSize], weights.scaling.mean)]);
    x = g.node('Mul', [x, g.init('scaling/inv_std', [inSize], weights.scaling.invStd)]);
  }
  const shape = spec.inputShape;
  if (shape.length > 1) x = g.node('Reshape', [x, g.init('input_shape', [shape.length + 1], [-1, ...shape], 'int64')]);

  const all = [...spec.layers, null];
  for (let i = 0; i < all.length; i++) {
    const l = all[i]!;
    const info = a.layers[i]!;
    const name = names[i]!;
    if (l === null || l.type === 'dense') {
      const units = info.outputShape[0]!;
      const k = tensor(name, 'kernel');
      const b = tensor(name, 'bias');
      const gemm = g.node('Gemm', [x, g.init(`${name}/kernel`, [info.inputShape[0]!, units], k.values), g.init(`${name}/bias`, [units], b.values)]);
      x = l === null ? gemm : activation(g, gemm, l.activation);
    } else if (l.type === 'conv1d' || l.type === 'conv2d' || l.type.includes('Pool')) {
      const rank = info.inputShape.length; // 2: [steps, ch], 3: [h, w, ch]
      const toFirst = rank === 2 ? [0, 2, 1] : [0, 3, 1, 2];
      const toLast = rank === 2 ? [0, 2, 1] : [0, 2, 3, 1];
      const spatialIn = info.inputShape.slice(0, -1);
      const spatialOut = info.outputShape.slice(0, -1);
      const inC = info.inputShape[rank - 1]!;
      const t = g.node('Transpose', [x], [{ name: 'perm', ints: toFirst }]);
      let y: string;
      if (l.type === 'conv1d' || l.type === 'conv2d') {
        const k = l.kernelSize;
        const kernel = spatialIn.map(() => k);
        const strides = spatialIn.map(() => l.strides);
        const p = spatialIn.map((n, d) => pads(n, spatialOut[d]!, k, l.strides, l.padding));
        const W = transposeKernel(tensor(name, 'kernel').values, kernel, inC, l.filters);
        y = g.node(
          'Conv',
          [t, g.init(`${name}/kernel`, [l.filters, inC, ...kernel], W), g.init(`${name}/bias`, [l.filters], tensor(name, 'bias').values)],
          [
            { name: 'kernel_shape', ints: kernel },
            { name: 'strides', ints: strides },
            { name: 'pads', ints: [...p.map((q) => q[0]), ...p.map((q) => q[1])] },
          ],
        );
        y = activation(g, y, l.activation);
      } else {
        const pool = l as Extract<typeof l, { poolSize: number }>;
        const s = poolStride(pool);
        const kernel = spatialIn.map(() => pool.poolSize);
        const p = spatialIn.map((n) => pads(n, windowOutputLength(n, pool.poolSize, s, pool.padding), pool.poolSize, s, pool.padding));
        const attrs: Attr[] = [
          { name: 'kernel_shape', ints: kernel },
          { name: 'strides', ints: spatialIn.map(() => s) },
          { name: 'pads', ints: [...p.map((q) => q[0]), ...p.map((q) => q[1])] },
        ];
        if (!isMaxPool(pool)) attrs.push({ name: 'count_include_pad', int: 0 });
        y = g.node(isMaxPool(pool) ? 'MaxPool' : 'AveragePool', [t], attrs);
      }
      x = g.node('Transpose', [y], [{ name: 'perm', ints: toLast }]);
    } else if (l.type === 'flatten' || l.type === 'reshape') {
      x = g.node('Reshape', [x, g.init(`${name}/shape`, [info.outputShape.length + 1], [-1, ...info.outputShape], 'int64')]);
    } else if (l.type === 'batchNorm') {
      const C = info.inputShape[info.inputShape.length - 1]!;
      const { mul, add } = batchNormAffine(
        {
          gamma: tensor(name, 'gamma').values,
          beta: tensor(name, 'beta').values,
          movingMean: tensor(name, 'moving_mean').values,
          movingVariance: tensor(name, 'moving_variance').values,
        },
        C,
      );
      x = g.node('Add', [g.node('Mul', [x, g.init(`${name}/scale`, [C], mul)]), g.init(`${name}/offset`, [C], add)]);
    }
    // dropout: identity at inference
  }
  const outUnits = a.outputShape[0]!;
  const output = head.kind === 'classification' ? g.node('Softmax', [x], [{ name: 'axis', int: 1 }], 'output') : g.node('Identity', [x], undefined, 'output');

  const w = new ProtoWriter();
  w.int(1, IR_VERSION);
  w.string(2, 'kiln');
  w.string(3, '1');
  w.message(7, (gw) => {
    for (const n of g.nodes) {
      gw.message(1, (nw) => {
        for (const i of n.inputs) nw.string(1, i);
        for (const o of n.outputs) nw.string(2, o);
        nw.string(3, n.outputs[0]!);
        nw.string(4, n.op);
        for (const at of n.attrs ?? []) {
          nw.message(5, (aw) => {
            aw.string(1, at.name);
            if (at.float !== undefined) aw.float(2, at.float).int(20, ATTR_FLOAT);
            else if (at.int !== undefined) aw.int(3, at.int).int(20, ATTR_INT);
            else if (at.string !== undefined) aw.bytes(4, new TextEncoder().encode(at.string)).int(20, ATTR_STRING);
            else if (at.ints) {
              for (const v of at.ints) aw.int(8, v);
              aw.int(20, ATTR_INTS);
            }
          });
        }
      });
    }
    gw.string(2, options.name ?? 'kiln_model');
    for (const t of g.inits) {
      gw.message(5, (tw) => {
        for (const d of t.dims) tw.int(1, d);
        tw.int(2, t.type === 'float' ? FLOAT : INT64);
        tw.string(8, t.name);
        if (t.type === 'float') {
          const f = Float32Array.from(t.values);
          tw.bytes(9, new Uint8Array(f.buffer));
        } else {
          const b = BigInt64Array.from(Array.from(t.values, (v) => BigInt(v)));
          tw.bytes(9, new Uint8Array(b.buffer));
        }
      });
    }
    const valueInfo = (field: number, name: string, dim: number) =>
      gw.message(field, (vw) => {
        vw.string(1, name);
        vw.message(2, (tp) =>
          tp.message(1, (tt) => {
            tt.int(1, FLOAT);
            tt.message(2, (sh) => {
              sh.message(1, (d) => d.string(2, 'batch'));
              sh.message(1, (d) => d.int(1, dim));
            });
          }),
        );
      });
    valueInfo(11, 'input', inSize);
    valueInfo(12, output, outUnits);
  });
  w.message(8, (ow) => ow.string(1, '').int(2, OPSET));
  return w.finish();
}
