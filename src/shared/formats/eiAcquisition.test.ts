import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseEiAcquisition, serializeEiCbor, serializeEiJson } from './eiAcquisition.js';
import { badFileError, bits, seededBytes, seededFloats } from './testKit.js';
import type { ParsedSample } from './types.js';

/** Writes CBOR byte by byte the way Edge Impulse firmware does, independent of cbor.ts. */
class FirmwareCbor {
  readonly out: number[] = [];
  head(major: number, n: number): this {
    if (n < 24) this.out.push((major << 5) | n);
    else if (n < 256) this.out.push((major << 5) | 24, n);
    else this.out.push((major << 5) | 25, n >> 8, n & 0xff);
    return this;
  }
  map(n: number): this {
    return this.head(5, n);
  }
  array(n: number): this {
    return this.head(4, n);
  }
  indefiniteArray(): this {
    this.out.push(0x9f);
    return this;
  }
  end(): this {
    this.out.push(0xff);
    return this;
  }
  text(s: string): this {
    const b = new TextEncoder().encode(s);
    this.head(3, b.length);
    this.out.push(...b);
    return this;
  }
  f32(v: number): this {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setFloat32(0, v);
    this.out.push(0xfa, ...b);
    return this;
  }
  f16(raw: number): this {
    this.out.push(0xf9, raw >> 8, raw & 0xff);
    return this;
  }
  f64(v: number): this {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setFloat64(0, v);
    this.out.push(0xfb, ...b);
    return this;
  }
  int(n: number): this {
    return n >= 0 ? this.head(0, n) : this.head(1, -1 - n);
  }
  bytes(): Uint8Array {
    return Uint8Array.from(this.out);
  }
}

const SENSORS = [
  ['accX', 'm/s2'],
  ['accY', 'm/s2'],
  ['accZ', 'm/s2'],
] as const;

/** A firmware accelerometer sample: indefinite `values`, float32 readings. */
function firmwareAccel(readings: number[][], alg: 'HS256' | 'none' = 'none', interval = 16): FirmwareCbor {
  const c = new FirmwareCbor().map(3);
  c.text('protected').map(3).text('ver').text('v1').text('alg').text(alg).text('iat').int(1234);
  c.text('signature').text('0'.repeat(64));
  c.text('payload').map(4).text('device_type').text('DISCO-L475VG-IOT01A').text('interval_ms').f32(interval);
  c.text('sensors').array(SENSORS.length);
  for (const [name, units] of SENSORS) c.map(2).text('name').text(name).text('units').text(units);
  c.text('values').indefiniteArray();
  for (const r of readings) {
    c.indefiniteArray();
    for (const v of r) c.f32(v);
    c.end();
  }
  return c.end();
}

/** Put the HMAC (over `signed`) into the 64 signature characters of `doc`, like firmware does at the end. */
function sign(doc: Uint8Array, key: string, signed: Uint8Array = doc): Uint8Array {
  const at = Buffer.from(doc).indexOf('0'.repeat(64));
  const mac = createHmac('sha256', key).update(signed).digest('hex');
  const out = doc.slice();
  out.set(new TextEncoder().encode(mac), at);
  return out;
}

const readings = [
  [0.1, -9.81, 3.25],
  [0.2, -9.8, 3.5],
  [1e-7, 123456.789, -0],
];

describe('firmware-written CBOR', () => {
  it('reads indefinite-length arrays followed by 0xFF padding', () => {
    const doc = firmwareAccel(readings).bytes();
    const padded = new Uint8Array([...doc, ...new Array(37).fill(0xff)]);
    const s = parseEiAcquisition(padded, 'idle.cbor');
    expect(s).toMatchObject({ intervalMs: 16, readings: 3, deviceType: 'DISCO-L475VG-IOT01A', signatureValid: null });
    expect(s.sensors).toEqual(SENSORS.map(([name, units]) => ({ name, units })));
    expect(bits(s.values)).toEqual(bits(Float32Array.from(readings.flat())));
  });

  it('checks a firmware HS256 signature over the document, ignoring the padding', () => {
    const signed = sign(firmwareAccel(readings, 'HS256').bytes(), 'board-key');
    const padded = new Uint8Array([...signed, 0xff, 0xff, 0xff]);
    expect(parseEiAcquisition(padded, 's.cbor', 'board-key').signatureValid).toBe(true);
    expect(parseEiAcquisition(padded, 's.cbor', 'other-key').signatureValid).toBe(false);
    expect(parseEiAcquisition(padded, 's.cbor').signatureValid).toBeUndefined();
  });

  it('notices a tampered reading in a signed file', () => {
    const signed = sign(firmwareAccel(readings, 'HS256').bytes(), 'board-key');
    const tampered = signed.slice();
    tampered[tampered.length - 3] = (tampered[tampered.length - 3] ?? 0) ^ 1;
    expect(parseEiAcquisition(tampered, 't.cbor', 'board-key').signatureValid).toBe(false);
  });

  it('takes raw int16 audio after a Ref-BINARY-i16 header, with signature over header and audio', () => {
    const c = new FirmwareCbor().map(3);
    c.text('protected').map(2).text('ver').text('v1').text('alg').text('HS256');
    c.text('signature').text('0'.repeat(64));
    c.text('payload').map(4).text('device_type').text('NANO33BLE').text('interval_ms').f32(0.0625);
    c.text('sensors').array(1).map(2).text('name').text('audio').text('units').text('wav');
    c.text('values').indefiniteArray();
    const headerLength = c.out.length + 1 + 'Ref-BINARY-i16'.length + 1;
    c.text('Ref-BINARY-i16' + ' '.repeat((4 - (headerLength % 4)) % 4)).end();
    const header = c.bytes();
    expect(header.length % 4).toBe(0);
    const pcm = Int16Array.from([0, 1, -1, 32767, -32768, 1234, -4321, 7]);
    const audio = new Uint8Array(pcm.buffer.slice(0));
    const file = sign(new Uint8Array([...header, ...audio]), 'mic-key', new Uint8Array([...header, ...audio]));
    const s = parseEiAcquisition(file, 'noise.cbor', 'mic-key');
    expect(s).toMatchObject({ intervalMs: 0.0625, readings: 8, signatureValid: true, sensors: [{ name: 'audio', units: 'wav' }] });
    expect(Array.from(s.values)).toEqual(Array.from(pcm));
  });

  it('reads one plain number per reading for a single sensor, half floats, float64 and a self-describe tag', () => {
    const c = new FirmwareCbor();
    c.out.push(0xd9, 0xd9, 0xf7);
    c.map(3).text('protected').map(2).text('ver').text('v1').text('alg').text('none');
    c.text('signature').text('0'.repeat(64));
    c.text('payload').map(4).text('device_type').text('X').text('interval_ms').int(10);
    c.text('sensors').array(1).map(2).text('name').text('temp').text('units').text('C');
    c.text('values').array(5).f16(0x3c00).f64(0.5).int(-3).int(300).array(1).f32(2.5);
    const s = parseEiAcquisition(c.bytes(), 'temp.cbor');
    expect(Array.from(s.values)).toEqual([1, 0.5, -3, 300, 2.5]);
    expect(s.intervalMs).toBe(10);
  });
});

const sample = (values: Float32Array, names: string[], intervalMs = 10): ParsedSample => ({
  intervalMs,
  sensors: names.map((name) => ({ name, units: 'm/s2' })),
  values,
  readings: values.length / names.length,
});

describe('Kiln-written JSON and CBOR', () => {
  it.each(['json', 'cbor'] as const)('round-trips random float32 values bit-exactly through %s', (kind) => {
    const values = seededFloats(3, 3 * 500, 50);
    values[4] = -0;
    values[5] = 3.4028234663852886e38;
    values[6] = 7;
    const original = sample(values, ['accX', 'accY', 'accZ'], 1000 / 62.5);
    const bytes = kind === 'json' ? serializeEiJson(original, { deviceName: 'bench' }) : serializeEiCbor(original, { deviceName: 'bench' });
    const back = parseEiAcquisition(bytes, `r.${kind}`);
    expect(back).toMatchObject({ intervalMs: 16, readings: 500, deviceName: 'bench', deviceType: 'KILN', signatureValid: null });
    expect(back.sensors).toEqual(original.sensors);
    expect(bits(back.values)).toEqual(bits(values));
  });

  it('writes one sensor as plain numbers, as Edge Impulse does', () => {
    const json = new TextDecoder().decode(serializeEiJson(sample(Float32Array.from([1, 0.1, -2]), ['t'])));
    expect(json).toContain('"values":[1,0.1,-2]');
    expect(JSON.parse(json).protected).toEqual({ ver: 'v1', alg: 'none' });
  });

  it.each(['json', 'cbor'] as const)('signs %s files that verify with the key and fail when tampered', (kind) => {
    const original = sample(Float32Array.from([1, 2, 3, 4, 5, 6]), ['a', 'b', 'c']);
    const bytes =
      kind === 'json' ? serializeEiJson(original, { hmacKey: 'secret', iat: 1700000000 }) : serializeEiCbor(original, { hmacKey: 'secret', iat: 1700000000 });
    expect(parseEiAcquisition(bytes, 'x', 'secret').signatureValid).toBe(true);
    expect(parseEiAcquisition(bytes, 'x', 'wrong').signatureValid).toBe(false);
    const tampered = bytes.slice();
    const at = kind === 'json' ? Buffer.from(bytes).lastIndexOf('6') : bytes.length - 1;
    tampered[at] = kind === 'json' ? 0x37 : 7;
    const t = parseEiAcquisition(tampered, 'x', 'secret');
    expect(Array.from(t.values)).toEqual([1, 2, 3, 4, 5, 7]);
    expect(t.signatureValid).toBe(false);
  });

  it('verifies JSON signed the Edge Impulse way (compact stringify) but saved pretty-printed', () => {
    const doc = {
      protected: { ver: 'v1', alg: 'HS256', iat: 1 },
      signature: '0'.repeat(64),
      payload: { device_type: 'CLI', interval_ms: 10, sensors: [{ name: 'x', units: 'N/A' }], values: [1, 2, 3] },
    };
    doc.signature = createHmac('sha256', 'k').update(JSON.stringify(doc)).digest('hex');
    const pretty = new TextEncoder().encode(JSON.stringify(doc, null, 4) + '\n');
    expect(parseEiAcquisition(pretty, 'p.json', 'k').signatureValid).toBe(true);
  });

  it('round-trips int16 audio in the compact Ref-BINARY-i16 form, signed', () => {
    const pcm = Float32Array.from(seededBytes(9, 1000), (b, i) => (b - 128) * 256 + (i % 256));
    const original: ParsedSample = { intervalMs: 0.0625, sensors: [{ name: 'audio', units: 'wav' }], values: pcm, readings: pcm.length };
    const bytes = serializeEiCbor(original, { binaryInt16: true, hmacKey: 'mic' });
    expect(bytes.length).toBeLessThan(2 * pcm.length + 300);
    const back = parseEiAcquisition(bytes, 'a.cbor', 'mic');
    expect(back.signatureValid).toBe(true);
    expect(bits(back.values)).toEqual(bits(pcm));
  });
});

describe('refusing bad Edge Impulse files with the file and the place', () => {
  const enc = (o: unknown): Uint8Array => new TextEncoder().encode(typeof o === 'string' ? o : JSON.stringify(o));
  const doc = (payload: Record<string, unknown>): Uint8Array =>
    enc({
      protected: { ver: 'v1', alg: 'none' },
      signature: '0'.repeat(64),
      payload: {
        device_type: 'X',
        interval_ms: 10,
        sensors: [
          { name: 'a', units: 'N/A' },
          { name: 'b', units: 'N/A' },
        ],
        values: [[1, 2]],
        ...payload,
      },
    });

  it('refuses an empty file', () => {
    expect(badFileError(() => parseEiAcquisition(new Uint8Array(0), 'e.cbor'), 'e.cbor').message).toBe('e.cbor: the file is empty');
  });

  it.each([
    ['a reading with too few numbers', { values: [[1, 2], [3]] }, /payload.values\[1\]: expected 2 numbers \(one per sensor\), found 1/],
    ['a value beyond float32', { values: [[1, 1e39]] }, /payload.values\[0\]\[1\]: 1e\+39 is too large for a 32-bit float/],
    ['a text value', { values: [[1, 'nan']] }, /payload.values\[0\]\[1\]: expected a number, found text "nan"/],
    ['a null value', { values: [[null, 1]] }, /payload.values\[0\]\[0\]: expected a number, found null/],
    ['no readings', { values: [] }, /payload.values: the sample has no readings/],
    ['a zero interval', { interval_ms: 0 }, /payload.interval_ms: must be a positive number/],
    ['no sensors', { sensors: [] }, /payload.sensors: must be a non-empty list/],
    ['a nameless sensor', { sensors: [{ units: 'x' }, { name: 'b' }] }, /payload.sensors\[0\]: each sensor needs a "name"/],
  ])('refuses %s, naming the field', (_, payload, pattern) => {
    expect(badFileError(() => parseEiAcquisition(doc(payload), 'bad.json'), 'bad.json').message).toMatch(pattern);
  });

  it('refuses NaN, Infinity and huge floats in CBOR', () => {
    for (const v of [NaN, Infinity, -Infinity, 1e39]) {
      const bytes = v === 1e39 ? firmwareAccel([[1, 2, 3]]).bytes() : firmwareAccel([[1, 2, v]]).bytes();
      if (v === 1e39) {
        // float64 1e39 in place of the first float32
        const c = new FirmwareCbor().map(3);
        c.text('protected').map(1).text('alg').text('none').text('signature').text('');
        c.text('payload').map(3).text('interval_ms').int(1).text('sensors').array(1).map(1).text('name').text('x');
        c.text('values').array(1).f64(1e39);
        expect(badFileError(() => parseEiAcquisition(c.bytes(), 'h.cbor'), 'h.cbor').message).toMatch(/payload.values\[0\]: 1e\+39 is too large/);
      } else {
        expect(badFileError(() => parseEiAcquisition(bytes, 'n.cbor'), 'n.cbor').message).toMatch(
          /payload.values\[0\]\[2\]: (NaN|-?Infinity) is not a valid reading/,
        );
      }
    }
  });

  it('refuses JSON that is not JSON, not UTF-8, or not a sample', () => {
    expect(badFileError(() => parseEiAcquisition(enc('{"payload": [1,2,'), 'x.json'), 'x.json').message).toMatch(/not valid JSON/);
    expect(badFileError(() => parseEiAcquisition(new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), 'x.json'), 'x.json').message).toMatch(/not valid UTF-8/);
    expect(badFileError(() => parseEiAcquisition(enc({ hello: 1 }), 'x.json'), 'x.json').message).toMatch(/"payload" is missing/);
    expect(badFileError(() => parseEiAcquisition(enc('[1,2]'), 'x.json'), 'x.json').message).toMatch(/the document is not an object/);
    expect(badFileError(() => parseEiAcquisition(enc('timestamp,x\n0,1\n'), 'x.json'), 'x.json').message).toMatch(/^x\.json: not valid JSON \(.*\)$/);
    expect(badFileError(() => parseEiAcquisition(enc({ protected: { alg: 'RS256' }, payload: {} }), 'x.json'), 'x.json').message).toMatch(
      /payload.interval_ms/,
    );
  });

  it('names the line of a JSON syntax error and refuses UTF-16 JSON', () => {
    const broken = enc('{\n  "protected": {"ver": "v1"},\n  "payload": {"interval_ms": 10,,}\n}');
    expect(badFileError(() => parseEiAcquisition(broken, 'b.json'), 'b.json').message).toMatch(/^b\.json line 3: not valid JSON/);
    const utf16 = Uint8Array.from([0xff, 0xfe, ...Array.from('{"a":1}').flatMap((c) => [c.charCodeAt(0), 0])]);
    expect(badFileError(() => parseEiAcquisition(utf16, 'w.json'), 'w.json').message).toMatch(/UTF-16 text; save it as UTF-8/);
  });

  it('reports a deeply nested signed JSON file as badly signed rather than crashing', () => {
    const deep = '['.repeat(200_000) + ']'.repeat(200_000);
    const text = `{"protected":{"ver":"v1","alg":"HS256","x":${deep}},"signature":"${'a'.repeat(64)}","payload":{"interval_ms":1,"sensors":[{"name":"x"}],"values":[1]}}`;
    expect(parseEiAcquisition(enc(text), 'deep.json', 'k').signatureValid).toBe(false);
  });

  it('refuses unsupported signature algorithms and malformed HS256 signatures', () => {
    const withAlg = (alg: string, signature: string): Uint8Array =>
      enc({ protected: { ver: 'v1', alg }, signature, payload: { device_type: 'X', interval_ms: 1, sensors: [{ name: 'x', units: '' }], values: [1] } });
    expect(badFileError(() => parseEiAcquisition(withAlg('RS256', ''), 'a.json'), 'a.json').message).toMatch(/protected.alg: signature algorithm "RS256"/);
    expect(badFileError(() => parseEiAcquisition(withAlg('HS256', 'abc'), 'a.json'), 'a.json').message).toMatch(/signature: an HS256 signature must be 64 hex/);
  });

  it('refuses data after the CBOR document that is not 0xFF padding, and unsupported raw types', () => {
    const doc = firmwareAccel(readings).bytes();
    const e = badFileError(() => parseEiAcquisition(new Uint8Array([...doc, 0xff, 0x00]), 'g.cbor'), 'g.cbor');
    expect(e.message).toBe(`g.cbor byte ${doc.length + 1}: unexpected data after the end of the CBOR document (only 0xFF padding may follow)`);
    const c = new FirmwareCbor().map(1).text('payload').map(3).text('interval_ms').int(1).text('sensors').array(1).map(1).text('name').text('x');
    c.text('values').array(1).text('Ref-BINARY-f32');
    expect(badFileError(() => parseEiAcquisition(c.bytes(), 'f.cbor'), 'f.cbor').message).toMatch(/"Ref-BINARY-f32" is not supported/);
  });

  it('refuses a CBOR file truncated at every offset, naming the byte', () => {
    const doc = firmwareAccel(readings, 'HS256').bytes();
    for (let n = 1; n < doc.length; n++) {
      const e = badFileError(() => parseEiAcquisition(doc.subarray(0, n), 't.cbor', 'k'), 't.cbor');
      expect(e.message).toMatch(/^t\.cbor byte \d+: /);
    }
  });

  it('refuses a JSON file truncated at many offsets', () => {
    const json = serializeEiJson(sample(seededFloats(1, 30), ['a', 'b', 'c']), { hmacKey: 'k' });
    for (let n = 1; n < json.length; n += 3) badFileError(() => parseEiAcquisition(json.subarray(0, n), 't.json', 'k'), 't.json');
  });

  it('never hangs or throws anything but BAD_FILE on random bytes, deep nesting or huge counts', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const bytes = seededBytes(seed, 1 + (seed % 64) * 5);
      if (seed % 3 === 0) bytes[0] = 0xa3; // look like a CBOR map
      if (seed % 3 === 1) bytes[0] = 0x7b; // look like JSON
      try {
        parseEiAcquisition(bytes, 'r.cbor', 'k');
      } catch (e) {
        badFileError(() => {
          throw e;
        }, 'r.cbor');
      }
    }
    expect(badFileError(() => parseEiAcquisition(new Uint8Array(100_000).fill(0x81), 'd.cbor'), 'd.cbor').message).toMatch(/nested deeper than 64/);
    const huge = Uint8Array.from([0xa1, 0x61, 0x78, 0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
    expect(badFileError(() => parseEiAcquisition(huge, 'h.cbor'), 'h.cbor').message).toMatch(/truncated/);
  });
});
