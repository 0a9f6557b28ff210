/**
 * Image block (Edge Impulse "Image", implementation version 1): packed 0xRRGGBB pixels to
 * R, G, B in 0…1, or to one luma value with the ITU-R 601-2 weights PIL uses
 * (0.299 R + 0.587 G + 0.114 B) / 255. Resizing belongs to the input block, not here.
 * Several frames of width × height pixels may follow each other in one input.
 */
import { KilnError } from '../errors.js';
import type { DspBlock, DspInput, DspInputInfo, DspOutput, DspParams, ParamSpec } from './block.js';

export type ImageChannels = 'RGB' | 'Grayscale';

export const imageParamSpecs: readonly ParamSpec[] = [
  { key: 'channels', label: 'Color depth', type: 'select', default: 'RGB', options: ['RGB', 'Grayscale'], help: 'Color depth to use' },
];

/** Reads the `channels` parameter (RGB by default). */
export function parseImageChannels(params: DspParams): ImageChannels {
  const raw = params.channels;
  if (raw === undefined || raw === 'RGB') return 'RGB';
  if (raw === 'Grayscale') return 'Grayscale';
  throw new KilnError('BAD_PARAMS', `Parameter "channels" must be "RGB" or "Grayscale", got ${JSON.stringify(raw)}`, {
    field: 'channels',
  });
}

// same constants and evaluation order as Edge Impulse's Python, so float64 results agree bit for bit
const LUMA_R = 0.299 / 255.0;
const LUMA_G = 0.587 / 255.0;
const LUMA_B = 0.114 / 255.0;

/**
 * Converts packed pixels into out (3 values per pixel for RGB, 1 for Grayscale).
 * Pixels must be integers in 0…0xFFFFFF (fractions are truncated like numpy's uint32 cast).
 */
export function convertPixels(pixels: ArrayLike<number>, channels: ImageChannels, out: Float32Array): void {
  const n = pixels.length;
  const gray = channels === 'Grayscale';
  for (let i = 0; i < n; i++) {
    const v = pixels[i]!;
    if (!(v >= 0 && v <= 0xffffff)) {
      throw new KilnError('BAD_DATA', `Image: pixel ${i} is ${v}; expected a packed 0xRRGGBB value (0…16777215)`, { index: i });
    }
    const packed = Math.trunc(v);
    const r = (packed >>> 16) & 0xff;
    const g = (packed >>> 8) & 0xff;
    const b = packed & 0xff;
    if (gray) {
      out[i] = LUMA_R * r + LUMA_G * g + LUMA_B * b;
    } else {
      // r / 255 (not r · (1/255)) to match Python's division exactly
      out[3 * i] = r / 255.0;
      out[3 * i + 1] = g / 255.0;
      out[3 * i + 2] = b / 255.0;
    }
  }
}

function channelCount(channels: ImageChannels): number {
  return channels === 'RGB' ? 3 : 1;
}

export const imageBlock: DspBlock = {
  name: 'image',
  title: 'Image',
  description: 'Preprocess and normalize image data, and optionally reduce the color depth.',
  params: imageParamSpecs,

  run(input: DspInput, params: DspParams): DspOutput {
    const channels = parseImageChannels(params);
    const { width, height } = input;
    if (!width || !height || !Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
      throw new KilnError('BAD_DATA', `Image: the input needs a positive whole width and height, got ${width} × ${height}`);
    }
    const pixels = width * height;
    const n = input.values.length;
    if (n === 0 || n % pixels !== 0) {
      throw new KilnError('BAD_DATA', `Image: ${n} pixel values do not make whole ${width} × ${height} frames`);
    }
    const features = new Float32Array(n * channelCount(channels));
    convertPixels(input.values, channels, features);
    return { features, shape: { type: 'image', width, height, channels: channelCount(channels) } };
  },

  outputShape(info: DspInputInfo, params: DspParams) {
    const channels = channelCount(parseImageChannels(params));
    const width = info.width ?? 0;
    const height = info.height ?? 0;
    return { length: width * height * channels, shape: { type: 'image' as const, width, height, channels } };
  },

  operations(info: DspInputInfo, params: DspParams): number {
    const channels = channelCount(parseImageChannels(params));
    return (info.width ?? 0) * (info.height ?? 0) * (channels === 3 ? 6 : 8);
  },
};
