/**
 * Trained weights as plain data, and a compact binary form for storing them (SQLite BLOB, files):
 * magic "KWT1", a little-endian uint32 header length, a JSON header (head + tensor names and
 * shapes), zero padding to a multiple of 4, then every tensor's float32 values in order.
 */
import { KilnError } from '../errors.js';
import type { FeatureScaling } from './int8Model.js';
import type { OutputHead } from './spec.js';

/** One tensor, named `<layer>/<name>` like Keras (kernel, bias, gamma, beta, moving_mean, …). */
export interface WeightTensor {
  layer: string;
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface ModelWeights {
  head: OutputHead;
  tensors: WeightTensor[];
  /** per-feature standardisation applied before the network; null or absent for none (older models) */
  scaling?: FeatureScaling | null;
}

const MAGIC = [0x4b, 0x57, 0x54, 0x31]; // "KWT1"

interface Header {
  head: OutputHead;
  tensors: { layer: string; name: string; shape: number[] }[];
}

/** Encode weights as bytes. */
export function encodeWeights(weights: ModelWeights): Uint8Array {
  const header: Header = {
    head: weights.head,
    tensors: weights.tensors.map(({ layer, name, shape }) => ({ layer, name, shape })),
  };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const dataStart = Math.ceil((8 + json.length) / 4) * 4;
  let floats = 0;
  for (const t of weights.tensors) floats += t.values.length;
  const bytes = new Uint8Array(dataStart + floats * 4);
  bytes.set(MAGIC, 0);
  new DataView(bytes.buffer).setUint32(4, json.length, true);
  bytes.set(json, 8);
  const view = new DataView(bytes.buffer);
  let off = dataStart;
  for (const t of weights.tensors) {
    for (let i = 0; i < t.values.length; i++, off += 4) view.setFloat32(off, t.values[i]!, true);
  }
  return bytes;
}

/** Decode bytes written by encodeWeights; BAD_DATA when they are not a Kiln weights blob. */
export function decodeWeights(bytes: Uint8Array): ModelWeights {
  const bad = (why: string) => new KilnError('BAD_DATA', `The stored model weights are unreadable: ${why}; retrain the model`);
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m)) throw bad('not a Kiln weights blob');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const jsonLength = view.getUint32(4, true);
  if (8 + jsonLength > bytes.length) throw bad('the header is cut short');
  let header: Header;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + jsonLength))) as Header;
  } catch {
    throw bad('the header is not JSON');
  }
  let off = Math.ceil((8 + jsonLength) / 4) * 4;
  const tensors: WeightTensor[] = [];
  for (const t of header.tensors) {
    const n = t.shape.reduce((a, b) => a * b, 1);
    if (off + n * 4 > bytes.length) throw bad(`tensor ${t.layer}/${t.name} is cut short`);
    const values = new Float32Array(n);
    for (let i = 0; i < n; i++, off += 4) values[i] = view.getFloat32(off, true);
    tensors.push({ layer: t.layer, name: t.name, shape: t.shape, values });
  }
  if (off !== bytes.length) throw bad(`${bytes.length - off} unexpected bytes at the end`);
  return { head: header.head, tensors };
}

/** Total number of weight values. */
export function weightCount(weights: ModelWeights): number {
  let n = 0;
  for (const t of weights.tensors) n += t.values.length;
  return n;
}
