/**
 * Binary form of a trained model as stored in `models.weights`: a 4-byte magic ("KMW1"), a
 * little-endian uint32 header length, a UTF-8 JSON header, then every float tensor's values
 * (float32, little-endian, 4-byte aligned) in header order. The header also carries the feature
 * scaling, the int8 model and anomaly models (JSON). Blobs written before feature scaling
 * existed have no `scaling` field and read as unscaled.
 */
import { KilnError } from '../../shared/errors.js';
import type { AnomalyModel } from '../../shared/model/anomaly.js';
import { scalingFromJson, scalingToJson } from '../../shared/model/scaling.js';
import type { OutputHead } from '../../shared/model/spec.js';
import type { ModelWeights } from './network.js';

const MAGIC = 0x3157_4d4b; // 'KMW1' little-endian

export interface StoredModel {
  weights: ModelWeights | null;
  /** int8ToJson output */
  int8: unknown;
  anomaly: AnomalyModel | null;
}

interface Header {
  head: OutputHead | null;
  tensors: { layer: string; name: string; shape: number[]; length: number }[];
  /** per-feature standardisation (absent in older blobs) */
  scaling?: { mean: number[]; invStd: number[] } | null;
  int8: unknown;
  anomaly: AnomalyModel | null;
}

export function encodeModel(m: StoredModel): Buffer {
  const header: Header = {
    head: m.weights?.head ?? null,
    tensors: (m.weights?.tensors ?? []).map((t) => ({ layer: t.layer, name: t.name, shape: t.shape, length: t.values.length })),
    scaling: scalingToJson(m.weights?.scaling ?? null),
    int8: m.int8 ?? null,
    anomaly: m.anomaly,
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (4 - ((8 + json.length) % 4)) % 4;
  const floats = header.tensors.reduce((a, t) => a + t.length, 0);
  const out = Buffer.alloc(8 + json.length + pad + floats * 4);
  out.writeUInt32LE(MAGIC, 0);
  out.writeUInt32LE(json.length + pad, 4);
  json.copy(out, 8);
  out.fill(0x20, 8 + json.length, 8 + json.length + pad);
  let at = 8 + json.length + pad;
  for (const t of m.weights?.tensors ?? []) {
    for (let i = 0; i < t.values.length; i++) {
      out.writeFloatLE(t.values[i]!, at);
      at += 4;
    }
  }
  return out;
}

export function decodeModel(blob: Buffer | Uint8Array | null, what = 'model'): StoredModel {
  if (!blob || blob.length < 8) throw new KilnError('CORRUPT_PROJECT', `The stored ${what} has no weights; train it again`);
  const buf = Buffer.from(blob.buffer, blob.byteOffset, blob.byteLength);
  if (buf.readUInt32LE(0) !== MAGIC) throw new KilnError('CORRUPT_PROJECT', `The stored ${what} is not in Kiln's weight format; train it again`);
  const len = buf.readUInt32LE(4);
  let header: Header;
  try {
    header = JSON.parse(buf.subarray(8, 8 + len).toString('utf8')) as Header;
  } catch {
    throw new KilnError('CORRUPT_PROJECT', `The stored ${what} has a damaged header; train it again`);
  }
  let at = 8 + len;
  const tensors = header.tensors.map((t) => {
    if (at + t.length * 4 > buf.length) throw new KilnError('CORRUPT_PROJECT', `The stored ${what} is truncated (tensor ${t.layer}/${t.name}); train it again`);
    const values = new Float32Array(t.length);
    for (let i = 0; i < t.length; i++) values[i] = buf.readFloatLE(at + i * 4);
    at += t.length * 4;
    return { layer: t.layer, name: t.name, shape: t.shape, values };
  });
  const scaling = scalingFromJson(header.scaling, `feature scaling of the ${what}`);
  return { weights: header.head ? { head: header.head, tensors, scaling } : null, int8: header.int8, anomaly: header.anomaly };
}
