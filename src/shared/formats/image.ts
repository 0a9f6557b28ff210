/**
 * PNG and JPEG images → one packed 0xRRGGBB value per pixel (row-major), exactly representable
 * in float32. Grey images repeat the grey level in R, G and B; 16-bit PNG channels keep their
 * high byte; alpha is dropped (Edge Impulse's image blocks read RGB only).
 */
import { decode as decodePng, type DecodedPng } from 'fast-png';
import { decode as decodeJpeg } from 'jpeg-js';
import { badFile } from './badFile.js';
import type { ParsedSample } from './types.js';

/** Largest image accepted, in pixels (50 megapixels), to refuse decompression bombs early. */
export const MAX_IMAGE_PIXELS = 50_000_000;

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

export function isJpeg(bytes: Uint8Array): boolean {
  return bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff;
}

/** Parse a PNG or JPEG file (detected from its first bytes). */
export function parseImage(bytes: Uint8Array, fileName: string): ParsedSample {
  if (bytes.length === 0) throw badFile(fileName, 'the file is empty');
  if (isPng(bytes)) return parsePng(bytes, fileName);
  if (isJpeg(bytes)) return parseJpeg(bytes, fileName);
  throw badFile(fileName, 'not a PNG or JPEG image (unrecognised first bytes)', { offset: 0 });
}

function imageSample(width: number, height: number, pixels: Float32Array): ParsedSample {
  return { intervalMs: 0, sensors: [{ name: 'image', units: 'rgb' }], values: pixels, readings: width * height, width, height };
}

function reason(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function checkSize(width: number, height: number, fileName: string): void {
  if (width === 0 || height === 0) throw badFile(fileName, `the image is ${width}×${height} pixels (empty)`);
  if (width * height > MAX_IMAGE_PIXELS) {
    throw badFile(fileName, `the image is ${width}×${height} pixels; images above ${MAX_IMAGE_PIXELS / 1e6} megapixels are not imported — scale it down first`);
  }
}

function parsePng(bytes: Uint8Array, fileName: string): ParsedSample {
  if (bytes.length < 33) throw badFile(fileName, 'the PNG file is truncated (no complete header)', { offset: bytes.length });
  const header = new DataView(bytes.buffer, bytes.byteOffset + 16, 8);
  checkSize(header.getUint32(0), header.getUint32(4), fileName);
  let png: DecodedPng;
  try {
    png = decodePng(bytes, { checkCrc: true });
  } catch (e) {
    throw badFile(fileName, `the PNG image cannot be decoded (${reason(e)}); the file may be truncated or corrupt`);
  }
  const { width, height, channels, depth } = png;
  const pixels = new Float32Array(width * height);
  const data = png.data;
  if (png.palette) {
    const palette = png.palette;
    const indices = unpackRows(data, width, height, depth, fileName);
    for (let i = 0; i < pixels.length; i++) {
      const c = palette[indices[i] ?? 0];
      if (!c) throw badFile(fileName, `pixel ${i} uses palette entry ${indices[i]} but the palette has ${palette.length} colours`);
      pixels[i] = ((c[0] ?? 0) << 16) | ((c[1] ?? 0) << 8) | (c[2] ?? 0);
    }
    return imageSample(width, height, pixels);
  }
  if (depth < 8) {
    // 1/2/4-bit grey: rows are bit-packed; stretch levels to 0–255
    const levels = unpackRows(data, width, height, depth, fileName);
    const scale = 255 / ((1 << depth) - 1);
    for (let i = 0; i < pixels.length; i++) {
      const g = Math.round((levels[i] ?? 0) * scale);
      pixels[i] = (g << 16) | (g << 8) | g;
    }
    return imageSample(width, height, pixels);
  }
  if (data.length < pixels.length * channels) throw badFile(fileName, 'the PNG image data is shorter than its size says (truncated?)');
  const shift = depth === 16 ? 8 : 0;
  for (let i = 0, p = 0; i < pixels.length; i++, p += channels) {
    const r = (data[p] ?? 0) >> shift;
    if (channels <= 2) pixels[i] = (r << 16) | (r << 8) | r;
    else pixels[i] = (r << 16) | (((data[p + 1] ?? 0) >> shift) << 8) | ((data[p + 2] ?? 0) >> shift);
  }
  return imageSample(width, height, pixels);
}

/** values of 1/2/4/8-bit samples packed in rows padded to whole bytes */
function unpackRows(data: ArrayLike<number>, width: number, height: number, depth: number, fileName: string): Uint8Array {
  const out = new Uint8Array(width * height);
  const rowBytes = Math.ceil((width * depth) / 8);
  if (data.length < rowBytes * height) throw badFile(fileName, 'the PNG image data is shorter than its size says (truncated?)');
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = data[y * rowBytes + Math.floor(x / perByte)] ?? 0;
      const shift = 8 - depth * ((x % perByte) + 1);
      out[y * width + x] = (byte >> shift) & mask;
    }
  }
  return out;
}

/**
 * jpeg-js pads a cut-off scan with grey instead of failing: check that an end-of-image marker
 * (FF D9) follows the last start-of-scan (FF DA), as it cannot occur inside entropy-coded data.
 */
function jpegIsComplete(bytes: Uint8Array): boolean {
  let lastScan = -1;
  let lastEnd = -1;
  for (let i = 2; i + 1 < bytes.length; i++) {
    if (bytes[i] !== 0xff) continue;
    const m = bytes[i + 1];
    if (m === 0xda) lastScan = i;
    else if (m === 0xd9) lastEnd = i;
  }
  return lastScan > 0 && lastEnd > lastScan;
}

function parseJpeg(bytes: Uint8Array, fileName: string): ParsedSample {
  if (!jpegIsComplete(bytes)) throw badFile(fileName, 'the JPEG file is truncated (no end-of-image marker after the image data)', { offset: bytes.length });
  let img: { width: number; height: number; data: Uint8Array };
  try {
    img = decodeJpeg(bytes, {
      useTArray: true,
      formatAsRGBA: false,
      maxResolutionInMP: MAX_IMAGE_PIXELS / 1e6,
      maxMemoryUsageInMB: 2048,
    });
  } catch (e) {
    throw badFile(fileName, `the JPEG image cannot be decoded (${reason(e)}); the file may be truncated or corrupt`);
  }
  const { width, height, data } = img;
  checkSize(width, height, fileName);
  const pixels = new Float32Array(width * height);
  if (data.length < pixels.length * 3) throw badFile(fileName, 'the JPEG image data is shorter than its size says (truncated?)');
  for (let i = 0, p = 0; i < pixels.length; i++, p += 3) {
    pixels[i] = ((data[p] ?? 0) << 16) | ((data[p + 1] ?? 0) << 8) | (data[p + 2] ?? 0);
  }
  return imageSample(width, height, pixels);
}
