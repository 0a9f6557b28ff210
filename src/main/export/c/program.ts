/**
 * The plain data the generator's passes hand to each other: a network lowered to C kernel calls
 * over numbered tensors, then the arena plan that places those tensors.
 */

/** C element type of a constant array. */
export type CType = 'int8_t' | 'int16_t' | 'int32_t' | 'float';

/** A constant array the emitter writes to flash (`static const`). */
export interface ConstArray {
  name: string;
  ctype: CType;
  values: ArrayLike<number>;
}

/** A buffer in the arena: an op's output or one op's scratch. */
export interface TensorDecl {
  id: number;
  name: string;
  bytes: number;
  kind: 'activation' | 'scratch';
}

/** A value of a C struct initializer: a number, a nested struct, a constant array's name, or NULL. */
export type CInit = number | { float: number } | { ref: string } | null | CInit[];

/**
 * One kernel call. `kernel` names the template (and the C function); `params` is the initializer
 * of its parameter struct; `arrays` the constant arrays the call passes, in argument order.
 */
export interface LoweredOp {
  kernel: LoweredKernel;
  /** layer name in the model (for comments) */
  layer: string;
  /** tensor read; -1 = the caller's feature buffer */
  input: number;
  output: number;
  scratch: number | null;
  params: CInit[];
  arrays: string[];
}

export type LoweredKernel =
  | 'quantize_s8'
  | 'dense_s8'
  | 'conv_s8'
  | 'channel_affine_s8'
  | 'max_pool_s8'
  | 'avg_pool_s8'
  | 'lut_s8'
  | 'softmax_s8'
  | 'standardise_f32'
  | 'dense_f32'
  | 'conv_f32'
  | 'channel_affine_f32'
  | 'max_pool_f32'
  | 'avg_pool_f32'
  | 'activation_f32'
  | 'softmax_f32';

/** A network as a list of kernel calls: what the lifetime and arena passes read. */
export interface NetworkProgram {
  precision: 'int8' | 'float32';
  /** network input length (float features) */
  inSize: number;
  /** output values (classes, or 1 for regression) */
  outSize: number;
  tensors: TensorDecl[];
  ops: LoweredOp[];
  consts: ConstArray[];
  /** int8 only: dequantization of the last tensor */
  output: { scale: number; zeroPoint: number } | null;
  input: { scale: number; zeroPoint: number } | null;
}

/** Where one tensor lives in the arena and while which ops it is alive. */
export interface ArenaSlot {
  tensor: number;
  name: string;
  offset: number;
  bytes: number;
  /** first and last op index (inclusive) that touch it */
  first: number;
  last: number;
}

export interface ArenaPlan {
  /** bytes, a multiple of the alignment */
  size: number;
  slots: ArenaSlot[];
}

/** Bytes of a constant array's element type. */
export function ctypeBytes(t: CType): number {
  return t === 'int8_t' ? 1 : t === 'int16_t' ? 2 : 4;
}
