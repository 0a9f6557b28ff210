/**
 * Pass 1: lower an Int8Model or a FloatModel to kernel calls over numbered tensors, with every
 * constant the calls need. Export-time folding happens here: −input_zero_point · Σw goes into
 * the int8 dense/conv bias (docs/int8.md allows it; the integers are the same).
 */
import { KilnError } from '../../../shared/errors';
import type { Activation } from '../../../shared/model/spec';
import type { FloatModel, FloatOp } from '../../../shared/model/floatModel';
import type { Geometry, Int8Model, Int8Op } from '../../../shared/model/int8Model';
import type { CInit, ConstArray, LoweredOp, NetworkProgram, TensorDecl } from './program';

/** Builds tensors, constants and ops in order; names are C identifiers. */
class ProgramBuilder {
  readonly tensors: TensorDecl[] = [];
  readonly ops: LoweredOp[] = [];
  readonly consts: ConstArray[] = [];

  tensor(name: string, bytes: number, kind: TensorDecl['kind'] = 'activation'): number {
    const id = this.tensors.length;
    this.tensors.push({ id, name, bytes, kind });
    return id;
  }

  array(name: string, ctype: ConstArray['ctype'], values: ArrayLike<number>): string {
    this.consts.push({ name, ctype, values });
    return name;
  }
}

/** C identifier from a layer name and index. */
function ident(i: number, layer: string): string {
  const clean = layer
    .toLowerCase()
    .replace(/[^a-z0-9_]/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_|_$/g, '');
  return `l${i}_${clean || 'op'}`;
}

function geometryInit(g: Geometry): CInit[] {
  return [g.h, g.w, g.c, g.kh, g.kw, g.sh, g.sw, g.oh, g.ow, g.padTop, g.padLeft];
}

/** Output values of an op, from its own fields (checked against the model's outSizes). */
function outputSize(op: Int8Op | FloatOp): number {
  switch (op.op) {
    case 'dense':
      return op.units;
    case 'conv':
      return op.g.oh * op.g.ow * op.filters;
    case 'maxPool':
    case 'avgPool':
      return op.g.oh * op.g.ow * op.g.c;
    case 'channelAffine':
      return op.size;
    default:
      return op.size;
  }
}

function checkSizes(ops: readonly (Int8Op | FloatOp)[], outSizes: readonly number[], what: string): void {
  if (ops.length === 0) throw new KilnError('BAD_DATA', `The ${what} network has no operations`);
  if (outSizes.length !== ops.length) {
    throw new KilnError('BAD_DATA', `The ${what} network lists ${outSizes.length} output sizes for ${ops.length} operations`);
  }
  ops.forEach((op, i) => {
    if (outputSize(op) !== outSizes[i]) {
      throw new KilnError('BAD_DATA', `Operation ${i} ("${op.name}") of the ${what} network writes ${outputSize(op)} values but outSizes says ${outSizes[i]}`);
    }
  });
}

/** −zx · Σw folded into the bias, per output row of `rowLength` weights. */
function foldBias(bias: Int32Array, weights: Int8Array, rowLength: number, zx: number): Int32Array {
  const out = new Int32Array(bias.length);
  for (let o = 0; o < bias.length; o++) {
    let sum = 0;
    for (let i = 0; i < rowLength; i++) sum += weights[o * rowLength + i]!;
    const v = bias[o]! - zx * sum;
    if (v > 2147483647 || v < -2147483648) throw new KilnError('BAD_DATA', `Bias ${o} overflows int32 after folding the input zero point`);
    out[o] = v;
  }
  return out;
}

/**
 * The int8 kernels' weight layout (kiln_nn.h): each block of four rows interleaved per group of
 * four inputs (16 bytes), the rows' last n % 4 weights after; rows past the last block unchanged.
 */
export function interleaveRowBlocks(weights: Int8Array, rows: number, n: number): Int8Array {
  const out = Int8Array.from(weights);
  const groups = n >> 2;
  const tail = n & 3;
  for (let b = 0; b + 4 <= rows; b += 4) {
    const base = b * n;
    let k = base;
    for (let g = 0; g < groups; g++) for (let r = 0; r < 4; r++) for (let j = 0; j < 4; j++) out[k++] = weights[base + r * n + g * 4 + j]!;
    for (let r = 0; r < 4; r++) for (let j = 0; j < tail; j++) out[k++] = weights[base + r * n + groups * 4 + j]!;
  }
  return out;
}

/** Lowers an int8 network (docs/int8.md) to kernel calls. */
export function lowerInt8(model: Int8Model): NetworkProgram {
  checkSizes(model.ops, model.outSizes, 'int8');
  const b = new ProgramBuilder();
  const inputT = b.tensor('input_q', model.inSize);
  const scaling = model.scaling;
  b.ops.push({
    kernel: 'quantize_s8',
    layer: 'input',
    input: -1,
    output: inputT,
    scratch: null,
    params: [
      model.inSize,
      scaling ? { ref: b.array('input_mean', 'float', scaling.mean) } : null,
      scaling ? { ref: b.array('input_inv_std', 'float', scaling.invStd) } : null,
      { float: model.inputInvScale },
      model.input.zeroPoint,
    ],
    arrays: [],
  });
  let prev = inputT;
  model.ops.forEach((op, i) => {
    const id = ident(i, op.name);
    const out = b.tensor(id, model.outSizes[i]!);
    const base = { layer: op.name, input: prev, output: out };
    switch (op.op) {
      case 'dense': {
        const scratch = b.tensor(`${id}_scratch`, op.inSize * 2, 'scratch');
        b.ops.push({
          ...base,
          kernel: 'dense_s8',
          scratch,
          params: [op.inSize, op.units, [op.outputZeroPoint, op.actMin, op.actMax]],
          arrays: [
            b.array(`${id}_multiplier`, 'int32_t', op.requant.multiplier),
            b.array(`${id}_shift`, 'int32_t', op.requant.shift),
            b.array(`${id}_weights`, 'int8_t', interleaveRowBlocks(op.weights, op.units, op.inSize)),
            b.array(`${id}_bias`, 'int32_t', foldBias(op.bias, op.weights, op.inSize, op.inputZeroPoint)),
          ],
        });
        break;
      }
      case 'conv': {
        const k = op.g.kh * op.g.kw * op.g.c;
        const scratch = b.tensor(`${id}_scratch`, k * 2, 'scratch');
        b.ops.push({
          ...base,
          kernel: 'conv_s8',
          scratch,
          params: [geometryInit(op.g), op.filters, op.inputZeroPoint, [op.outputZeroPoint, op.actMin, op.actMax]],
          arrays: [
            b.array(`${id}_multiplier`, 'int32_t', op.requant.multiplier),
            b.array(`${id}_shift`, 'int32_t', op.requant.shift),
            b.array(`${id}_weights`, 'int8_t', interleaveRowBlocks(op.weights, op.filters, k)),
            b.array(`${id}_bias`, 'int32_t', foldBias(op.bias, op.weights, k, op.inputZeroPoint)),
          ],
        });
        break;
      }
      case 'channelAffine':
        b.ops.push({
          ...base,
          kernel: 'channel_affine_s8',
          scratch: null,
          params: [op.size, op.channels, op.inputZeroPoint, [op.outputZeroPoint, op.actMin, op.actMax]],
          arrays: [
            b.array(`${id}_multiplier`, 'int32_t', op.requant.multiplier),
            b.array(`${id}_shift`, 'int32_t', op.requant.shift),
            b.array(`${id}_weights`, 'int8_t', op.weights),
            b.array(`${id}_bias`, 'int32_t', op.bias),
          ],
        });
        break;
      case 'maxPool':
      case 'avgPool':
        b.ops.push({ ...base, kernel: op.op === 'maxPool' ? 'max_pool_s8' : 'avg_pool_s8', scratch: null, params: geometryInit(op.g), arrays: [] });
        break;
      case 'lut':
        b.ops.push({ ...base, kernel: 'lut_s8', scratch: null, params: [op.size], arrays: [b.array(`${id}_table`, 'int8_t', op.table)] });
        break;
      case 'softmax':
        b.ops.push({ ...base, kernel: 'softmax_s8', scratch: null, params: [op.size], arrays: [b.array(`${id}_exp`, 'int32_t', op.expTable)] });
        break;
    }
    prev = out;
  });
  return {
    precision: 'int8',
    inSize: model.inSize,
    outSize: model.outSize,
    tensors: b.tensors,
    ops: b.ops,
    consts: b.consts,
    output: { scale: model.output.scale, zeroPoint: model.output.zeroPoint },
    input: { scale: model.input.scale, zeroPoint: model.input.zeroPoint },
  };
}

const ACT: Record<Activation, number> = { linear: 0, relu: 1, relu6: 2, tanh: 3, sigmoid: 4 };

/** Lowers a float32 network to kernel calls. */
export function lowerFloat(model: FloatModel): NetworkProgram {
  checkSizes(model.ops, model.outSizes, 'float32');
  const b = new ProgramBuilder();
  let prev = -1;
  if (model.scaling) {
    const t = b.tensor('input_scaled', model.inSize * 4);
    b.ops.push({
      kernel: 'standardise_f32',
      layer: 'input',
      input: -1,
      output: t,
      scratch: null,
      params: [model.inSize],
      arrays: [b.array('input_mean', 'float', model.scaling.mean), b.array('input_inv_std', 'float', model.scaling.invStd)],
    });
    prev = t;
  }
  model.ops.forEach((op, i) => {
    const id = ident(i, op.name);
    const out = b.tensor(id, model.outSizes[i]! * 4);
    const base = { layer: op.name, input: prev, output: out, scratch: null };
    switch (op.op) {
      case 'dense':
        b.ops.push({
          ...base,
          kernel: 'dense_f32',
          params: [op.inSize, op.units, ACT[op.activation]],
          arrays: [b.array(`${id}_weights`, 'float', op.weights), b.array(`${id}_bias`, 'float', op.bias)],
        });
        break;
      case 'conv':
        b.ops.push({
          ...base,
          kernel: 'conv_f32',
          params: [geometryInit(op.g), op.filters, ACT[op.activation]],
          arrays: [b.array(`${id}_weights`, 'float', op.weights), b.array(`${id}_bias`, 'float', op.bias)],
        });
        break;
      case 'channelAffine':
        b.ops.push({
          ...base,
          kernel: 'channel_affine_f32',
          params: [op.size, op.channels],
          arrays: [b.array(`${id}_mul`, 'float', op.mul), b.array(`${id}_add`, 'float', op.add)],
        });
        break;
      case 'maxPool':
      case 'avgPool':
        b.ops.push({ ...base, kernel: op.op === 'maxPool' ? 'max_pool_f32' : 'avg_pool_f32', params: geometryInit(op.g), arrays: [] });
        break;
      case 'activation':
        b.ops.push({ ...base, kernel: 'activation_f32', params: [op.size, ACT[op.activation]], arrays: [] });
        break;
      case 'softmax':
        b.ops.push({ ...base, kernel: 'softmax_f32', params: [op.size], arrays: [] });
        break;
    }
    prev = out;
  });
  return { precision: 'float32', inSize: model.inSize, outSize: model.outSize, tensors: b.tensors, ops: b.ops, consts: b.consts, output: null, input: null };
}
