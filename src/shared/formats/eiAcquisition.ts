/**
 * Edge Impulse data acquisition format (JSON or CBOR, same structure):
 * `{ protected: {ver, alg, iat?}, signature, payload: {device_name?, device_type, interval_ms,
 * sensors: [{name, units}], values} }` (the project's shared protocol notes, edge-impulse.md §3, §5).
 *
 * Reads what real firmware writes: indefinite-length CBOR arrays, 0xFF padding after the
 * document, and microphone samples whose `values` is the marker `Ref-BINARY-i16` followed (after
 * the CBOR header) by raw little-endian int16 audio (everything after the header is audio; an odd
 * last byte is ignored).
 */
import { badFile } from './badFile.js';
import { decodeCbor, encodeCbor, type CborValue } from './cbor.js';
import { FLOAT32_MAX, float32Problem, formatFloat32 } from './float32.js';
import { hmacSha256, toHex } from './hmacSha256.js';
import type { ParsedSample, SensorInfo } from './types.js';

const ZERO_SIGNATURE = '0'.repeat(64);
const BINARY_MARKER = 'Ref-BINARY-';
const utf8 = new TextDecoder('utf-8', { fatal: true });
const encoder = new TextEncoder();

/** Options for writing a sample in the data acquisition format. */
export interface EiSerializeOptions {
  /** sign with HS256 using this key; unsigned (`alg: "none"`, zero signature) when absent */
  hmacKey?: string;
  /** `protected.iat`, unix seconds; omitted when absent */
  iat?: number;
  /** defaults to the sample's deviceType, else 'KILN' */
  deviceType?: string;
  deviceName?: string;
}

export interface EiCborSerializeOptions extends EiSerializeOptions {
  /**
   * Write values the compact firmware way: `Ref-BINARY-i16` marker + raw int16 LE after the
   * header. Only valid when every value is an integer in int16 range.
   */
  binaryInt16?: boolean;
}

/**
 * JSON unless the first byte is non-ASCII: a CBOR sample starts with a map (0xA0–0xBF) or a tag
 * (0xC0–0xDB), while text (JSON, or a mislabelled CSV) starts with ASCII or a UTF-8 BOM.
 */
function looksLikeJson(bytes: Uint8Array): boolean {
  const first = bytes[0] ?? 0;
  return first < 0x80 || (first === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf);
}

/**
 * Parse an Edge Impulse data acquisition file (JSON or CBOR, detected from the content).
 * With `hmacKey`, an HS256 signature is checked and reported in `signatureValid` (true/false);
 * unsigned files give `signatureValid: null`; signed files read without a key leave it undefined.
 */
export function parseEiAcquisition(bytes: Uint8Array, fileName: string, hmacKey?: string): ParsedSample {
  if (bytes.length === 0) throw badFile(fileName, 'the file is empty');
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    throw badFile(fileName, 'the file is UTF-16 text; save it as UTF-8 JSON', { offset: 0 });
  }
  return looksLikeJson(bytes) ? parseJson(bytes, fileName, hmacKey) : parseCbor(bytes, fileName, hmacKey);
}

function parseJson(bytes: Uint8Array, fileName: string, hmacKey?: string): ParsedSample {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    throw badFile(fileName, 'the file is not valid UTF-8 text; save it as UTF-8 JSON');
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ');
    const pos = /position (\d+)/.exec(msg);
    const line = pos ? text.slice(0, Number(pos[1])).split('\n').length : undefined;
    throw badFile(fileName, `not valid JSON (${msg})`, line !== undefined ? { line } : {});
  }
  const sample = sampleFromDocument(doc, fileName);
  const { alg, signature } = signatureOf(doc, fileName);
  sample.signatureValid = checkSignature(alg, signature, hmacKey, () => jsonSignedCandidates(bytes, doc, signature));
  return sample;
}

function parseCbor(bytes: Uint8Array, fileName: string, hmacKey?: string): ParsedSample {
  const { value: doc, end, textRanges } = decodeCbor(bytes, fileName, 0, ['signature']);
  if (!isObject(doc)) throw badFile(fileName, 'not an Edge Impulse sample: the document is not a CBOR map (or JSON object)', { offset: 0 });
  const payload = doc['payload'];
  const binary = isObject(payload) ? binaryMarker(payload['values']) : null;
  let audio: Uint8Array | null = null;
  if (binary !== null) {
    if (binary !== 'i16')
      throw badFile(fileName, `raw value type "${BINARY_MARKER}${binary}" is not supported (only ${BINARY_MARKER}i16)`, { field: 'payload.values' });
    audio = bytes.subarray(end, bytes.length - ((bytes.length - end) % 2));
  } else {
    for (let i = end; i < bytes.length; i++) {
      if (bytes[i] !== 0xff) throw badFile(fileName, 'unexpected data after the end of the CBOR document (only 0xFF padding may follow)', { offset: i });
    }
  }
  const sample = audio ? sampleFromDocument(doc, fileName, audio) : sampleFromDocument(doc, fileName);
  const { alg, signature } = signatureOf(doc, fileName);
  sample.signatureValid = checkSignature(alg, signature, hmacKey, () => {
    const range = textRanges.get('signature');
    if (!range) return [];
    const header = bytes.slice(0, end);
    header.fill(0x30, range[0], range[1]);
    return audio ? [[header, audio], [header]] : [[header]];
  });
  return sample;
}

/** 'i16' for `["Ref-BINARY-i16   "]`, null when values are ordinary readings */
function binaryMarker(values: unknown): string | null {
  const first = Array.isArray(values) && values.length === 1 ? values[0] : values;
  if (typeof first === 'string' && first.startsWith(BINARY_MARKER)) return first.slice(BINARY_MARKER.length).trimEnd();
  return null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);
}

function sampleFromDocument(doc: unknown, fileName: string, rawInt16?: Uint8Array): ParsedSample {
  if (!isObject(doc)) throw badFile(fileName, 'not an Edge Impulse sample: the document is not an object');
  const payload = doc['payload'];
  if (!isObject(payload)) throw badFile(fileName, 'not an Edge Impulse sample: "payload" is missing or not an object', { field: 'payload' });
  const interval = payload['interval_ms'];
  if (typeof interval !== 'number' || !(interval > 0) || !Number.isFinite(interval)) {
    throw badFile(fileName, `must be a positive number of milliseconds, found ${JSON.stringify(interval) ?? 'nothing'}`, { field: 'payload.interval_ms' });
  }
  const sensors = readSensors(payload['sensors'], fileName);
  const values = rawInt16 ? int16Values(rawInt16, sensors.length, fileName) : readValues(payload['values'], sensors.length, fileName);
  const sample: ParsedSample = {
    intervalMs: interval,
    sensors,
    values,
    readings: values.length / sensors.length,
  };
  const deviceName = payload['device_name'];
  const deviceType = payload['device_type'];
  if (typeof deviceName === 'string' && deviceName !== '') sample.deviceName = deviceName;
  if (typeof deviceType === 'string' && deviceType !== '') sample.deviceType = deviceType;
  return sample;
}

function readSensors(raw: unknown, fileName: string): SensorInfo[] {
  if (!Array.isArray(raw) || raw.length === 0) throw badFile(fileName, 'must be a non-empty list of {name, units}', { field: 'payload.sensors' });
  return raw.map((s: unknown, i) => {
    if (!isObject(s) || typeof s['name'] !== 'string' || s['name'] === '') {
      throw badFile(fileName, 'each sensor needs a "name" text', { field: `payload.sensors[${i}]` });
    }
    const units = s['units'];
    if (units !== undefined && typeof units !== 'string') throw badFile(fileName, '"units" must be text', { field: `payload.sensors[${i}].units` });
    return { name: s['name'], units: units ?? 'N/A' };
  });
}

function readValues(raw: unknown, axes: number, fileName: string): Float32Array {
  if (!Array.isArray(raw)) throw badFile(fileName, 'must be a list of readings', { field: 'payload.values' });
  if (raw.length === 0) throw badFile(fileName, 'the sample has no readings', { field: 'payload.values' });
  const out = new Float32Array(raw.length * axes);
  for (let r = 0; r < raw.length; r++) {
    const reading: unknown = raw[r];
    if (typeof reading === 'number' && axes === 1) {
      out[r] = checked(reading, fileName, r, -1);
      continue;
    }
    if (!Array.isArray(reading)) {
      throw badFile(fileName, axes === 1 ? 'expected a number or a list of 1 number' : `expected a list of ${axes} numbers (one per sensor)`, {
        field: `payload.values[${r}]`,
      });
    }
    if (reading.length !== axes) {
      throw badFile(fileName, `expected ${axes} numbers (one per sensor), found ${reading.length}`, { field: `payload.values[${r}]` });
    }
    for (let a = 0; a < axes; a++) out[r * axes + a] = checked(reading[a], fileName, r, a);
  }
  return out;
}

/** the value itself when it fits a float32; the field name is only built for the error */
function checked(v: unknown, fileName: string, reading: number, axis: number): number {
  if (typeof v === 'number' && Number.isFinite(v) && Math.abs(v) <= FLOAT32_MAX) return v;
  const field = axis < 0 ? `payload.values[${reading}]` : `payload.values[${reading}][${axis}]`;
  if (typeof v !== 'number') throw badFile(fileName, `expected a number, found ${describe(v)}`, { field });
  const problem = float32Problem(v);
  if (problem) throw badFile(fileName, problem, { field });
  return v;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return `text "${v.length > 20 ? v.slice(0, 20) + '…' : v}"`;
  if (Array.isArray(v)) return 'a list';
  return typeof v;
}

function int16Values(raw: Uint8Array, axes: number, fileName: string): Float32Array {
  const count = raw.length / 2;
  if (count === 0) throw badFile(fileName, 'the raw int16 audio after the header is empty', { field: 'payload.values' });
  if (count % axes !== 0) throw badFile(fileName, `${count} raw int16 values cannot be split evenly over ${axes} sensors`, { field: 'payload.values' });
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
  return out;
}

function signatureOf(doc: unknown, fileName: string): { alg: string; signature: string } {
  const prot = isObject(doc) ? doc['protected'] : undefined;
  const alg = isObject(prot) && typeof prot['alg'] === 'string' ? prot['alg'] : 'none';
  if (alg !== 'none' && alg !== 'HS256') throw badFile(fileName, `signature algorithm "${alg}" is not supported (HS256 or none)`, { field: 'protected.alg' });
  const sig = isObject(doc) ? doc['signature'] : undefined;
  const signature = typeof sig === 'string' ? sig : '';
  if (alg === 'HS256' && !/^[0-9a-fA-F]{64}$/.test(signature)) {
    throw badFile(fileName, 'an HS256 signature must be 64 hex characters', { field: 'signature' });
  }
  return { alg, signature: signature.toLowerCase() };
}

/** Each candidate is a list of byte ranges hashed as one message. */
function checkSignature(alg: string, signature: string, key: string | undefined, candidates: () => Iterable<Uint8Array[]>): boolean | null | undefined {
  if (alg === 'none') return null;
  if (key === undefined) return undefined;
  for (const parts of candidates()) {
    if (toHex(hmacSha256(key, ...parts)) === signature) return true;
  }
  return false;
}

/**
 * What a signer may have hashed for a JSON file: the file's own bytes with the signature set to
 * zeros (exactly, or without trailing white space), or the compact JSON.stringify of the document
 * (what Edge Impulse's tools hash before pretty-printing).
 */
function* jsonSignedCandidates(bytes: Uint8Array, doc: unknown, signature: string): Generator<Uint8Array[]> {
  const at = findJsonSignature(bytes, signature);
  if (at >= 0) {
    const zeroed = bytes.slice();
    zeroed.fill(0x30, at, at + 64);
    yield [zeroed];
    let end = zeroed.length;
    while (end > 0 && (zeroed[end - 1] === 0x0a || zeroed[end - 1] === 0x0d || zeroed[end - 1] === 0x20)) end--;
    if (end !== zeroed.length) yield [zeroed.subarray(0, end)];
  }
  let compact: string | null = null;
  try {
    compact = JSON.stringify({ ...(doc as object), signature: ZERO_SIGNATURE });
  } catch {
    // absurdly deep documents overflow the stack: such a file cannot have been signed this way
  }
  if (compact !== null) yield [encoder.encode(compact)];
}

/** byte offset of the 64 signature characters after `"signature"\s*:\s*"` (case as written) */
function findJsonSignature(bytes: Uint8Array, signature: string): number {
  const key = encoder.encode('"signature"');
  outer: for (let i = 0; i + key.length < bytes.length; i++) {
    for (let k = 0; k < key.length; k++) if (bytes[i + k] !== key[k]) continue outer;
    let p = i + key.length;
    while (isSpace(bytes[p])) p++;
    if (bytes[p] !== 0x3a) continue;
    p++;
    while (isSpace(bytes[p])) p++;
    if (bytes[p] !== 0x22 || p + 65 >= bytes.length) continue;
    let text = '';
    for (let k = 1; k <= 64; k++) text += String.fromCharCode(bytes[p + k] ?? 0);
    if (text.toLowerCase() === signature && bytes[p + 65] === 0x22) return p + 1;
  }
  return -1;
}

function isSpace(b: number | undefined): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
}

function checkSerializable(sample: ParsedSample): void {
  const axes = sample.sensors.length;
  if (axes === 0) throw new RangeError('sample has no sensors');
  if (sample.values.length !== sample.readings * axes) {
    throw new RangeError(`sample has ${sample.values.length} values; expected readings × sensors = ${sample.readings * axes}`);
  }
}

function protectedHeader(opts: EiSerializeOptions): Record<string, CborValue> {
  const p: Record<string, CborValue> = { ver: 'v1', alg: opts.hmacKey !== undefined ? 'HS256' : 'none' };
  if (opts.iat !== undefined) p['iat'] = opts.iat;
  return p;
}

function payloadHead(sample: ParsedSample, opts: EiSerializeOptions): Record<string, CborValue> {
  const p: Record<string, CborValue> = {};
  const name = opts.deviceName ?? sample.deviceName;
  if (name !== undefined) p['device_name'] = name;
  p['device_type'] = opts.deviceType ?? sample.deviceType ?? 'KILN';
  p['interval_ms'] = sample.intervalMs;
  p['sensors'] = sample.sensors.map((s) => ({ name: s.name, units: s.units }));
  return p;
}

/**
 * Write a sample as Edge Impulse JSON (UTF-8 bytes). Values are printed with the fewest digits
 * that read back as the same float32, so a round trip is bit-exact.
 */
export function serializeEiJson(sample: ParsedSample, opts: EiSerializeOptions = {}): Uint8Array {
  checkSerializable(sample);
  const axes = sample.sensors.length;
  const head = payloadHead(sample, opts);
  const parts: string[] = [];
  for (let r = 0; r < sample.readings; r++) {
    if (axes === 1) {
      parts.push(formatFloat32(sample.values[r] ?? 0));
      continue;
    }
    const row: string[] = [];
    for (let a = 0; a < axes; a++) row.push(formatFloat32(sample.values[r * axes + a] ?? 0));
    parts.push(`[${row.join(',')}]`);
  }
  const headJson = JSON.stringify(head);
  const payloadJson = `${headJson.slice(0, -1)},"values":[${parts.join(',')}]}`;
  const text = `{"protected":${JSON.stringify(protectedHeader(opts))},"signature":"${ZERO_SIGNATURE}","payload":${payloadJson}}`;
  const bytes = encoder.encode(text);
  if (opts.hmacKey !== undefined) {
    const at = findJsonSignature(bytes, ZERO_SIGNATURE);
    bytes.set(encoder.encode(toHex(hmacSha256(opts.hmacKey, bytes))), at);
  }
  return bytes;
}

/**
 * Write a sample as Edge Impulse CBOR: integers as CBOR integers, other values as 32-bit floats
 * (bit-exact round trip); optionally in the firmware's compact `Ref-BINARY-i16` form.
 */
export function serializeEiCbor(sample: ParsedSample, opts: EiCborSerializeOptions = {}): Uint8Array {
  checkSerializable(sample);
  const axes = sample.sensors.length;
  const payload = payloadHead(sample, opts);
  let raw: Uint8Array | null = null;
  if (opts.binaryInt16) {
    raw = new Uint8Array(sample.values.length * 2);
    const view = new DataView(raw.buffer);
    sample.values.forEach((v, i) => {
      if (!Number.isInteger(v) || v < -32768 || v > 32767) throw new RangeError(`value ${v} at index ${i} is not an int16; cannot write Ref-BINARY-i16`);
      view.setInt16(i * 2, v, true);
    });
    payload['values'] = [BINARY_MARKER + 'i16'];
  } else {
    const values: CborValue[] = [];
    for (let r = 0; r < sample.readings; r++) {
      if (axes === 1) values.push(sample.values[r] ?? 0);
      else values.push(Array.from(sample.values.subarray(r * axes, (r + 1) * axes)));
    }
    payload['values'] = values;
  }
  const doc = { protected: protectedHeader(opts), signature: ZERO_SIGNATURE, payload };
  let header = encodeCbor(doc);
  if (raw) {
    // like the firmware: pad the marker with spaces so the raw data starts 4-byte aligned
    const pad = (4 - (header.length % 4)) % 4;
    payload['values'] = [BINARY_MARKER + 'i16' + ' '.repeat(pad)];
    header = encodeCbor(doc);
  }
  const out = new Uint8Array(header.length + (raw?.length ?? 0));
  out.set(header);
  if (raw) out.set(raw, header.length);
  if (opts.hmacKey !== undefined) {
    const at = findCborSignature(header);
    const mac = raw ? hmacSha256(opts.hmacKey, header, raw) : hmacSha256(opts.hmacKey, header);
    out.set(encoder.encode(toHex(mac)), at);
  }
  return out;
}

function findCborSignature(header: Uint8Array): number {
  const needle = encoder.encode('signature');
  for (let i = 1; i + needle.length + 2 + 64 <= header.length; i++) {
    if (header[i - 1] !== 0x69) continue;
    let match = true;
    for (let k = 0; k < needle.length && match; k++) match = header[i + k] === needle[k];
    const p = i + needle.length;
    if (match && header[p] === 0x78 && header[p + 1] === 64) return p + 2;
  }
  throw new Error('internal: signature field not found in encoded CBOR');
}
