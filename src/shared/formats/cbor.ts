/**
 * A small CBOR (RFC 8949) codec for Edge Impulse sample files.
 *
 * Written here rather than using cbor-x because firmware-written files need a decoder that
 * reports where the document ends (trailing 0xFF padding or raw audio follows it), the byte
 * range of the signature (to check HS256 over the original bytes), and precise, located errors
 * for truncated or corrupt input.
 */
import { badFile } from './badFile.js';

export type CborValue = number | string | boolean | null | undefined | Uint8Array | CborValue[] | { [key: string]: CborValue };

export interface CborDecodeResult {
  value: CborValue;
  /** offset just past the document */
  end: number;
  /** byte ranges [start, end) of the content of definite text strings found under watched keys */
  textRanges: Map<string, [number, number]>;
}

const MAX_DEPTH = 64;
const BREAK = Symbol('break');
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Decode one CBOR document starting at `start`. `watchKeys` names map keys whose text-string
 * value's content range is recorded (first occurrence). Throws BAD_FILE with the byte offset.
 */
export function decodeCbor(bytes: Uint8Array, fileName: string, start = 0, watchKeys: readonly string[] = []): CborDecodeResult {
  const d = new Decoder(bytes, fileName, start, watchKeys);
  const value = d.item(0);
  if (value === BREAK) throw badFile(fileName, 'unexpected CBOR "break" byte (0xFF) at the start of the document', { offset: start });
  return { value, end: d.pos, textRanges: d.textRanges };
}

class Decoder {
  pos: number;
  readonly view: DataView;
  readonly textRanges = new Map<string, [number, number]>();
  private lastText: [number, number] | null = null;

  constructor(
    readonly bytes: Uint8Array,
    readonly file: string,
    start: number,
    readonly watchKeys: readonly string[],
  ) {
    this.pos = start;
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private fail(problem: string, offset = this.pos): never {
    throw badFile(this.file, problem, { offset });
  }

  private need(n: number, what: string): void {
    if (n > this.bytes.length - this.pos) {
      this.fail(`the file ends in the middle of ${what} (truncated CBOR?)`);
    }
  }

  /** reads the argument that follows an initial byte; returns -1 for "indefinite" */
  private argument(info: number, at: number): number {
    if (info < 24) return info;
    const v = this.view;
    switch (info) {
      case 24:
        this.need(1, 'a length');
        return v.getUint8(this.pos++);
      case 25: {
        this.need(2, 'a length');
        const r = v.getUint16(this.pos);
        this.pos += 2;
        return r;
      }
      case 26: {
        this.need(4, 'a length');
        const r = v.getUint32(this.pos);
        this.pos += 4;
        return r;
      }
      case 27: {
        this.need(8, 'a length');
        const r = v.getUint32(this.pos) * 0x100000000 + v.getUint32(this.pos + 4);
        this.pos += 8;
        return r;
      }
      case 31:
        return -1;
      default:
        return this.fail(`invalid CBOR byte 0x${(this.bytes[at] ?? 0).toString(16)}`, at);
    }
  }

  item(depth: number): CborValue | typeof BREAK {
    if (depth > MAX_DEPTH) this.fail(`CBOR nested deeper than ${MAX_DEPTH} levels`);
    const at = this.pos;
    this.need(1, 'a CBOR item');
    const initial = this.bytes[this.pos++] ?? 0;
    const major = initial >> 5;
    const info = initial & 0x1f;
    switch (major) {
      case 0: {
        const n = this.argument(info, at);
        if (n < 0) this.fail('invalid indefinite-length integer', at);
        return n;
      }
      case 1: {
        const n = this.argument(info, at);
        if (n < 0) this.fail('invalid indefinite-length integer', at);
        return -1 - n;
      }
      case 2:
        return this.byteString(info, at);
      case 3:
        return this.textString(info, at);
      case 4:
        return this.array(info, at, depth);
      case 5:
        return this.map(info, at, depth);
      case 6: {
        // tags (e.g. 55799 "self-described CBOR"): keep the tagged value, drop the tag
        if (this.argument(info, at) < 0) this.fail('invalid indefinite-length tag', at);
        const inner = this.item(depth + 1);
        if (inner === BREAK) this.fail('a CBOR tag is followed by a "break" byte', at);
        return inner;
      }
      default:
        return this.simple(info, at);
    }
  }

  private simple(info: number, at: number): CborValue | typeof BREAK {
    const v = this.view;
    switch (info) {
      case 20:
        return false;
      case 21:
        return true;
      case 22:
        return null;
      case 23:
        return undefined;
      case 24:
        this.need(1, 'a simple value');
        this.pos++;
        return undefined;
      case 25: {
        this.need(2, 'a 16-bit float');
        const r = halfToNumber(v.getUint16(this.pos));
        this.pos += 2;
        return r;
      }
      case 26: {
        this.need(4, 'a 32-bit float');
        const r = v.getFloat32(this.pos);
        this.pos += 4;
        return r;
      }
      case 27: {
        this.need(8, 'a 64-bit float');
        const r = v.getFloat64(this.pos);
        this.pos += 8;
        return r;
      }
      case 31:
        return BREAK;
      default:
        if (info < 20) return undefined; // unassigned simple values
        return this.fail(`invalid CBOR byte 0x${(this.bytes[at] ?? 0).toString(16)}`, at);
    }
  }

  private chunks(major: number, what: string): Uint8Array[] {
    const parts: Uint8Array[] = [];
    for (;;) {
      this.need(1, what);
      const b = this.bytes[this.pos] ?? 0;
      if (b === 0xff) {
        this.pos++;
        return parts;
      }
      if (b >> 5 !== major || (b & 0x1f) === 31) this.fail(`a chunk of an indefinite-length ${what} has the wrong type`);
      this.pos++;
      const len = this.argument(b & 0x1f, this.pos - 1);
      this.need(len, what);
      parts.push(this.bytes.subarray(this.pos, this.pos + len));
      this.pos += len;
    }
  }

  private byteString(info: number, at: number): Uint8Array {
    const len = this.argument(info, at);
    if (len < 0) return concat(this.chunks(2, 'byte string'));
    this.need(len, 'a byte string');
    const r = this.bytes.slice(this.pos, this.pos + len);
    this.pos += len;
    return r;
  }

  private textString(info: number, at: number): string {
    const len = this.argument(info, at);
    let raw: Uint8Array;
    if (len < 0) {
      raw = concat(this.chunks(3, 'text string'));
      this.lastText = null;
    } else {
      this.need(len, 'a text string');
      raw = this.bytes.subarray(this.pos, this.pos + len);
      this.lastText = [this.pos, this.pos + len];
      this.pos += len;
    }
    try {
      return utf8.decode(raw);
    } catch {
      return this.fail('a CBOR text string is not valid UTF-8', at);
    }
  }

  private array(info: number, at: number, depth: number): CborValue[] {
    const count = this.argument(info, at);
    const out: CborValue[] = [];
    if (count < 0) {
      for (;;) {
        const v = this.item(depth + 1);
        if (v === BREAK) return out;
        out.push(v);
      }
    }
    // every item takes at least one byte: a larger count can only mean a truncated file
    this.need(count, `an array of ${count} items`);
    for (let i = 0; i < count; i++) {
      const v = this.item(depth + 1);
      if (v === BREAK) this.fail('unexpected "break" byte inside a definite-length array', this.pos - 1);
      out.push(v);
    }
    return out;
  }

  private map(info: number, at: number, depth: number): { [key: string]: CborValue } {
    const count = this.argument(info, at);
    const out = Object.create(null) as { [key: string]: CborValue };
    if (count >= 0) this.need(count * 2, `a map of ${count} entries`);
    for (let i = 0; count < 0 || i < count; i++) {
      const keyAt = this.pos;
      const key = this.item(depth + 1);
      if (key === BREAK) {
        if (count < 0) return out;
        this.fail('unexpected "break" byte inside a definite-length map', keyAt);
      }
      if (typeof key !== 'string' && typeof key !== 'number') this.fail('a map key is not a text string', keyAt);
      this.lastText = null;
      const value = this.item(depth + 1);
      if (value === BREAK) this.fail(`map key "${String(key)}" has no value`, this.pos - 1);
      const k = String(key);
      if (this.lastText && typeof value === 'string' && this.watchKeys.includes(k) && !this.textRanges.has(k)) {
        this.textRanges.set(k, this.lastText);
      }
      out[k] = value;
    }
    return out;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function halfToNumber(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** Growable byte buffer used by the encoder. */
class ByteWriter {
  buf = new Uint8Array(1024);
  view = new DataView(this.buf.buffer);
  length = 0;

  reserve(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.length + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  head(major: number, n: number): void {
    this.reserve(9);
    const m = major << 5;
    if (n < 24) this.buf[this.length++] = m | n;
    else if (n < 0x100) {
      this.buf[this.length++] = m | 24;
      this.buf[this.length++] = n;
    } else if (n < 0x10000) {
      this.buf[this.length++] = m | 25;
      this.view.setUint16(this.length, n);
      this.length += 2;
    } else if (n < 0x100000000) {
      this.buf[this.length++] = m | 26;
      this.view.setUint32(this.length, n);
      this.length += 4;
    } else {
      this.buf[this.length++] = m | 27;
      this.view.setUint32(this.length, Math.floor(n / 0x100000000));
      this.view.setUint32(this.length + 4, n >>> 0);
      this.length += 8;
    }
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
}

const utf8Encoder = new TextEncoder();

/**
 * Encode a value as CBOR with definite lengths. Numbers: integers (not -0) as CBOR integers,
 * values exactly representable in float32 as 32-bit floats (as firmware writes them), others
 * as 64-bit floats.
 */
export function encodeCbor(value: CborValue): Uint8Array {
  const w = new ByteWriter();
  encodeInto(w, value, 0);
  return w.buf.slice(0, w.length);
}

function encodeInto(w: ByteWriter, value: CborValue, depth: number): void {
  if (depth > MAX_DEPTH) throw new Error('encodeCbor: value nested too deeply');
  if (typeof value === 'number') return encodeNumber(w, value);
  if (typeof value === 'string') {
    const b = utf8Encoder.encode(value);
    w.head(3, b.length);
    return w.bytes(b);
  }
  if (typeof value === 'boolean') {
    w.reserve(1);
    w.buf[w.length++] = value ? 0xf5 : 0xf4;
    return;
  }
  if (value === null || value === undefined) {
    w.reserve(1);
    w.buf[w.length++] = value === null ? 0xf6 : 0xf7;
    return;
  }
  if (value instanceof Uint8Array) {
    w.head(2, value.length);
    return w.bytes(value);
  }
  if (Array.isArray(value)) {
    w.head(4, value.length);
    for (const v of value) encodeInto(w, v, depth + 1);
    return;
  }
  const keys = Object.keys(value);
  w.head(5, keys.length);
  for (const k of keys) {
    encodeInto(w, k, depth + 1);
    encodeInto(w, value[k], depth + 1);
  }
}

function encodeNumber(w: ByteWriter, v: number): void {
  if (Number.isSafeInteger(v) && !Object.is(v, -0)) {
    if (v >= 0) w.head(0, v);
    else w.head(1, -1 - v);
    return;
  }
  w.reserve(9);
  if (Math.fround(v) === v || Number.isNaN(v)) {
    w.buf[w.length++] = 0xfa;
    w.view.setFloat32(w.length, v);
    w.length += 4;
  } else {
    w.buf[w.length++] = 0xfb;
    w.view.setFloat64(w.length, v);
    w.length += 8;
  }
}
