import { encode as encodePng } from 'fast-png';
import { encode as encodeJpeg } from 'jpeg-js';
import { describe, expect, it } from 'vitest';
import { parseImage } from './image.js';
import { badFileError, seededBytes } from './testKit.js';

const rgb = (r: number, g: number, b: number): number => (r << 16) | (g << 8) | b;

describe('reading PNG images as packed 0xRRGGBB pixels', () => {
  it('reads an RGB image row by row', () => {
    const data = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const s = parseImage(encodePng({ width: 2, height: 2, data, channels: 3, depth: 8 }), 'cat.1.png');
    expect(s).toMatchObject({ width: 2, height: 2, readings: 4, intervalMs: 0, sensors: [{ name: 'image', units: 'rgb' }] });
    expect(Array.from(s.values)).toEqual([0xff0000, 0x00ff00, 0x0000ff, rgb(10, 20, 30)]);
  });

  it('drops alpha from RGBA and grey+alpha, repeats grey levels, keeps the high byte of 16-bit', () => {
    const rgba = parseImage(encodePng({ width: 1, height: 1, data: Uint8Array.from([1, 2, 3, 0]), channels: 4, depth: 8 }), 'a.png');
    expect(Array.from(rgba.values)).toEqual([rgb(1, 2, 3)]);
    const ga = parseImage(encodePng({ width: 2, height: 1, data: Uint8Array.from([7, 255, 200, 0]), channels: 2, depth: 8 }), 'a.png');
    expect(Array.from(ga.values)).toEqual([rgb(7, 7, 7), rgb(200, 200, 200)]);
    const grey16 = parseImage(encodePng({ width: 2, height: 1, data: Uint16Array.from([0xabcd, 0x0102]), channels: 1, depth: 16 }), 'a.png');
    expect(Array.from(grey16.values)).toEqual([rgb(0xab, 0xab, 0xab), rgb(1, 1, 1)]);
    const rgb16 = parseImage(encodePng({ width: 1, height: 1, data: Uint16Array.from([0xff00, 0x8000, 0x0100]), channels: 3, depth: 16 }), 'a.png');
    expect(Array.from(rgb16.values)).toEqual([rgb(0xff, 0x80, 0x01)]);
  });

  it('reads interlaced (Adam7) images', () => {
    const data = seededBytes(5, 5 * 3 * 3);
    const s = parseImage(encodePng({ width: 5, height: 3, data, channels: 3, depth: 8 }, { interlace: 'Adam7' }), 'i.png');
    expect(s.values[7]).toBe(rgb(data[21] ?? 0, data[22] ?? 0, data[23] ?? 0));
  });

  it('reads 1-bit grey and palette images with rows padded to whole bytes', () => {
    // 3 pixels per row, 2 rows: bits 101 / 010
    const bw = parseImage(encodePng({ width: 3, height: 2, data: Uint8Array.from([0b10100000, 0b01000000]), channels: 1, depth: 1 }), 'bw.png');
    expect(Array.from(bw.values)).toEqual([0xffffff, 0, 0xffffff, 0, 0xffffff, 0]);
    const palette = [
      [255, 0, 0],
      [0, 0, 255],
      [9, 8, 7],
    ];
    const indexed = parseImage(encodePng({ width: 3, height: 1, data: Uint8Array.from([0b00011000]), channels: 1, depth: 2, palette }), 'pal.png');
    expect(Array.from(indexed.values)).toEqual([0xff0000, 0x0000ff, rgb(9, 8, 7)]);
  });
});

describe('reading JPEG images', () => {
  it('decodes a JPEG to nearly the colours it was written with', () => {
    const width = 16;
    const height = 8;
    const data = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) data.set([200, 100, 50, 255], i * 4);
    const jpeg = encodeJpeg({ width, height, data }, 95).data;
    const s = parseImage(new Uint8Array(jpeg), 'flat.jpg');
    expect(s).toMatchObject({ width, height, readings: width * height });
    const px = s.values[0] ?? 0;
    expect(Math.abs(((px >> 16) & 255) - 200)).toBeLessThan(4);
    expect(Math.abs(((px >> 8) & 255) - 100)).toBeLessThan(4);
    expect(Math.abs((px & 255) - 50)).toBeLessThan(4);
  });
});

/**
 * A minimal baseline greyscale JPEG of flat 8×8 blocks (only DC coefficients), written by hand
 * because jpeg-js can only encode colour images.
 */
function greyJpeg(levels: number[]): Uint8Array {
  const out: number[] = [0xff, 0xd8];
  const segment = (marker: number, body: number[]): void => {
    out.push(0xff, marker, (body.length + 2) >> 8, (body.length + 2) & 0xff, ...body);
  };
  segment(0xdb, [0x00, ...new Array(64).fill(1)]); // quantisation: all ones
  segment(0xc0, [8, 0, 8, 0, levels.length * 8, 1, 1, 0x11, 0]); // 8 × (8·n) pixels, 1 component
  // DC table: categories 0–11 with 4-bit codes 0000…1011; AC table: only end-of-block, code "0"
  segment(0xc4, [0x00, 0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...Array.from({ length: 12 }, (_, i) => i)]);
  segment(0xc4, [0x10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x00]);
  segment(0xda, [1, 1, 0x00, 0, 63, 0]);
  const bitList: number[] = [];
  const put = (value: number, count: number): void => {
    for (let b = count - 1; b >= 0; b--) bitList.push((value >> b) & 1);
  };
  let previous = 0;
  for (const level of levels) {
    const dc = 8 * (level - 128);
    const diff = dc - previous;
    previous = dc;
    const size = diff === 0 ? 0 : Math.floor(Math.log2(Math.abs(diff))) + 1;
    put(size, 4);
    if (size > 0) put(diff > 0 ? diff : diff + (1 << size) - 1, size);
    put(0, 1); // end of block
  }
  while (bitList.length % 8) bitList.push(1);
  for (let i = 0; i < bitList.length; i += 8) {
    const byte = bitList.slice(i, i + 8).reduce((a, b) => (a << 1) | b, 0);
    out.push(byte);
    if (byte === 0xff) out.push(0x00);
  }
  out.push(0xff, 0xd9);
  return Uint8Array.from(out);
}

describe('reading greyscale JPEG images', () => {
  it('repeats the grey level in R, G and B', () => {
    const s = parseImage(greyJpeg([40, 200]), 'grey.jpg');
    expect(s).toMatchObject({ width: 16, height: 8, readings: 128 });
    const grey = (v: number): number => v & 255;
    expect(Math.abs(grey(s.values[0] ?? 0) - 40)).toBeLessThanOrEqual(1);
    expect(Math.abs(grey(s.values[15] ?? 0) - 200)).toBeLessThanOrEqual(1);
    for (const px of s.values) expect(px >> 16).toBe(px & 255);
  });
});

describe('refusing bad images with the file name', () => {
  const png = encodePng({ width: 8, height: 8, data: seededBytes(1, 8 * 8 * 3), channels: 3, depth: 8 });
  const jpeg = new Uint8Array(encodeJpeg({ width: 8, height: 8, data: seededBytes(2, 8 * 8 * 4) }, 80).data);

  it('refuses empty files and unknown bytes', () => {
    expect(badFileError(() => parseImage(new Uint8Array(0), 'e.png'), 'e.png').message).toBe('e.png: the file is empty');
    expect(badFileError(() => parseImage(new TextEncoder().encode('GIF89a'), 'g.png'), 'g.png').message).toMatch(/not a PNG or JPEG/);
  });

  it('refuses PNG and JPEG files truncated at many offsets', () => {
    for (let n = 1; n < png.length; n += 5) badFileError(() => parseImage(png.subarray(0, n), 't.png'), 't.png');
    for (let n = 3; n < jpeg.length - 1; n += 7) {
      expect(badFileError(() => parseImage(jpeg.subarray(0, n), 't.jpg'), 't.jpg').message).toMatch(/truncated/);
    }
  });

  it('refuses corrupt bytes behind a valid signature and images declaring absurd sizes', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const body = seededBytes(seed, 50 + seed * 11);
      const fake = new Uint8Array([...(seed % 2 ? png.subarray(0, 8) : jpeg.subarray(0, 3)), ...body]);
      try {
        parseImage(fake, 'r.img');
      } catch (e) {
        badFileError(() => {
          throw e;
        }, 'r.img');
      }
    }
    const huge = png.slice();
    new DataView(huge.buffer).setUint32(16, 100_000);
    new DataView(huge.buffer).setUint32(20, 100_000);
    expect(badFileError(() => parseImage(huge, 'h.png'), 'h.png').message).toMatch(/100000×100000 pixels; images above 50 megapixels/);
  });
});
