import { createHmac } from 'node:crypto';

/**
 * Writes samples in the data acquisition format the way Edge Impulse firmware does on the
 * device: definite-length maps, an indefinite-length `values` array of float32 readings, and
 * for audio the `Ref-BINARY-i16` marker followed by raw little-endian int16 data. Used by the
 * board simulator so the decoder is tested against firmware-shaped bytes.
 */

class ByteWriter {
  private parts: number[] = [];
  byte(b: number): this {
    this.parts.push(b & 0xff);
    return this;
  }
  head(major: number, n: number): this {
    const m = major << 5;
    if (n < 24) return this.byte(m | n);
    if (n < 0x100) return this.byte(m | 24).byte(n);
    if (n < 0x10000) return this.byte(m | 25).byte(n >> 8).byte(n);
    return this.byte(m | 26).byte(n >>> 24).byte(n >>> 16).byte(n >>> 8).byte(n);
  }
  text(s: string): this {
    const bytes = Buffer.from(s, 'utf8');
    this.head(3, bytes.length);
    for (const b of bytes) this.byte(b);
    return this;
  }
  uint(n: number): this {
    return this.head(0, n);
  }
  float32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeFloatBE(v);
    this.byte(0xfa);
    for (const x of b) this.byte(x);
    return this;
  }
  map(n: number): this {
    return this.head(5, n);
  }
  array(n: number): this {
    return this.head(4, n);
  }
  get length(): number {
    return this.parts.length;
  }
  bytes(): Buffer {
    return Buffer.from(this.parts);
  }
}

export interface FirmwareSampleOptions {
  deviceName: string;
  deviceType: string;
  intervalMs: number;
  sensors: { name: string; units: string }[];
  /** interleaved readings */
  values: Float32Array;
  /** signs with HS256 when non-empty, else alg "none" */
  hmacKey?: string;
  /** store as Ref-BINARY-i16 (single-sensor audio) */
  binaryI16?: boolean;
  /** trailing 0xFF bytes, as read back from erased flash */
  paddingBytes?: number;
  /** unix seconds for `iat` */
  iat?: number;
}

const ZERO_SIGNATURE = '0'.repeat(64);

export function writeFirmwareSample(o: FirmwareSampleOptions): Buffer {
  const signed = !!o.hmacKey;
  const w = new ByteWriter();
  w.map(3);
  w.text('protected').map(3).text('ver').text('v1').text('alg').text(signed ? 'HS256' : 'none').text('iat').uint(o.iat ?? 1_700_000_000);
  w.text('signature');
  const sigAt = w.length + 2; // after the text head (0x78 0x40) of the 64-char string
  w.text(ZERO_SIGNATURE);
  w.text('payload').map(5);
  w.text('device_name').text(o.deviceName);
  w.text('device_type').text(o.deviceType);
  w.text('interval_ms').float32(o.intervalMs);
  w.text('sensors').array(o.sensors.length);
  for (const s of o.sensors) w.map(2).text('name').text(s.name).text('units').text(s.units);
  w.text('values').byte(0x9f);
  let doc: Buffer;
  if (o.binaryI16) {
    // Marker padded with spaces so the audio that follows starts 4-byte aligned.
    let marker = 'Ref-BINARY-i16';
    while ((w.length + 1 + marker.length + 1) % 4 !== 0) marker += ' ';
    w.text(marker).byte(0xff);
    const header = w.bytes();
    const audio = Buffer.alloc(o.values.length * 2);
    for (let i = 0; i < o.values.length; i++) {
      audio.writeInt16LE(Math.max(-32768, Math.min(32767, Math.round(o.values[i]!))), i * 2);
    }
    doc = Buffer.concat([header, audio]);
  } else {
    const axes = o.sensors.length;
    const n = Math.floor(o.values.length / axes);
    for (let r = 0; r < n; r++) {
      if (axes > 1) w.array(axes);
      for (let a = 0; a < axes; a++) w.float32(o.values[r * axes + a]!);
    }
    w.byte(0xff);
    doc = w.bytes();
  }
  if (signed) {
    const sig = createHmac('sha256', o.hmacKey!).update(doc).digest('hex');
    doc.write(sig, sigAt, 'latin1');
  }
  return o.paddingBytes ? Buffer.concat([doc, Buffer.alloc(o.paddingBytes, 0xff)]) : doc;
}
