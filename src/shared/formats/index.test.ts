import { describe, expect, it } from 'vitest';
import { parseSampleFile, serializeCsv, serializeEiCbor, serializeEiJson, serializeWav } from './index.js';
import { badFileError, bits, seededBytes, seededFloats } from './testKit.js';
import type { ParsedSample } from './types.js';

const sample: ParsedSample = {
  intervalMs: 10,
  sensors: [
    { name: 'accX', units: 'N/A' },
    { name: 'accY', units: 'N/A' },
  ],
  values: seededFloats(11, 200, 20),
  readings: 100,
};

describe('importing any sample file', () => {
  it.each([
    ['updown.1.csv', new TextEncoder().encode(serializeCsv(sample)), 'csv'],
    ['updown.2.json', serializeEiJson(sample), 'ei-json'],
    ['updown.3.cbor', serializeEiCbor(sample), 'ei-cbor'],
    ['updown.4.wav', serializeWav(sample), 'wav'],
  ] as const)('reads %s with its label from the name and the same values', (name, bytes, format) => {
    const s = parseSampleFile(name, bytes);
    expect(s.format).toBe(format);
    expect(s.label).toBe('updown');
    expect(s.intervalMs).toBe(10);
    expect(bits(s.values)).toEqual(bits(sample.values));
  });

  it('passes CSV choices and the HMAC key through', () => {
    const csv = new TextEncoder().encode('a;b\n1;2\n3;4\n');
    expect(parseSampleFile('x.csv', csv, { csv: { intervalMs: 5, columns: ['b'] } })).toMatchObject({ intervalMs: 5, readings: 2 });
    const signed = serializeEiCbor(sample, { hmacKey: 'k' });
    expect(parseSampleFile('x.cbor', signed, { hmacKey: 'k' }).signatureValid).toBe(true);
  });

  it('refuses empty files and unknown types, naming the file', () => {
    expect(badFileError(() => parseSampleFile('a.csv', new Uint8Array(0)), 'a.csv').message).toBe('a.csv: the file is empty');
    expect(badFileError(() => parseSampleFile('a.gif', new TextEncoder().encode('GIF89a')), 'a.gif').message).toMatch(/unknown file type/);
  });

  it('answers random bytes under every name with BAD_FILE, never another error', () => {
    const names = ['r.csv', 'r.json', 'r.cbor', 'r.wav', 'r.png', 'r.jpg'];
    for (let seed = 1; seed <= 240; seed++) {
      const name = names[seed % names.length] ?? 'r.csv';
      try {
        parseSampleFile(name, seededBytes(seed * 31, 1 + (seed % 40) * 9));
      } catch (e) {
        badFileError(() => {
          throw e;
        }, name);
      }
    }
  });
});
