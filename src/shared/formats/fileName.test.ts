import { describe, expect, it } from 'vitest';
import { detectFormat, labelFromFileName } from './fileName.js';

const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

describe('labels from file names, as the Edge Impulse uploader takes them', () => {
  it.each([
    ['wave.s1.json', 'wave'],
    ['idle.cbor', 'idle'],
    ['/home/me/data/updown.3.csv', 'updown'],
    ['C:\\data\\noise.wav', 'noise'],
    ['.idle.csv', 'idle'],
    ['no_extension', 'no_extension'],
  ])('%s → %s', (name, label) => {
    expect(labelFromFileName(name)).toBe(label);
  });
});

describe('detecting the format of a file', () => {
  it('trusts magic bytes over the extension', () => {
    expect(detectFormat('photo.csv', bytes(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a))).toBe('png');
    expect(detectFormat('x.bin', bytes(0xff, 0xd8, 0xff, 0xe0))).toBe('jpeg');
    expect(detectFormat('x', text('RIFF\0\0\0\0WAVEfmt '))).toBe('wav');
    expect(detectFormat('x.cbor', text('\uFEFF  {"protected":{}}'))).toBe('ei-json');
    expect(detectFormat('x.json', bytes(0xa3, 0x69, ...text('protected')))).toBe('ei-cbor');
    expect(detectFormat('x', bytes(0xd9, 0xd9, 0xf7, 0xbf, 0x67))).toBe('ei-cbor');
  });

  it('falls back to the extension, and says null when neither tells', () => {
    expect(detectFormat('a.CSV', text('timestamp,x\n'))).toBe('csv');
    expect(detectFormat('a.tsv', text('1\t2\n'))).toBe('csv');
    expect(detectFormat('a.JPEG', bytes(1, 2, 3))).toBe('jpeg');
    expect(detectFormat('a.json', text('[1,2]'))).toBe('ei-json');
    expect(detectFormat('notes.md', text('# hi'))).toBeNull();
    expect(detectFormat('empty', new Uint8Array(0))).toBeNull();
  });
});
