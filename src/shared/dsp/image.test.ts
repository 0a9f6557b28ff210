import { describe, expect, it } from 'vitest';
import { KilnError } from '../errors';
import { imageBlock } from './image';

function expectKilnError(fn: () => unknown, code: string, pattern: RegExp): void {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(KilnError);
    expect((e as KilnError).code).toBe(code);
    expect((e as KilnError).message).toMatch(pattern);
    return;
  }
  throw new Error('expected a KilnError');
}

const image = (values: number[], width: number, height: number) => ({
  axes: ['image'],
  frequencyHz: 0,
  values: Float32Array.from(values),
  width,
  height,
});

describe('Image block', () => {
  it('splits packed 0xRRGGBB pixels into R, G, B scaled to 0…1 (RGB is the default)', () => {
    const out = imageBlock.run(image([0xff0000, 0x00ff80, 0x000000, 0xffffff], 2, 2), {});
    expect(out.shape).toEqual({ type: 'image', width: 2, height: 2, channels: 3 });
    expect(Array.from(out.features)).toEqual(Array.from(Float32Array.from([1, 0, 0, 0, 1, 128 / 255, 0, 0, 0, 1, 1, 1])));
  });

  it('converts to grayscale with the ITU-R 601-2 luma weights', () => {
    const out = imageBlock.run(image([0xff0000, 0x00ff00, 0x0000ff, 0xffffff], 4, 1), { channels: 'Grayscale' });
    expect(out.shape.channels).toBe(1);
    expect(out.features[0]).toBeCloseTo(0.299, 6);
    expect(out.features[1]).toBeCloseTo(0.587, 6);
    expect(out.features[2]).toBeCloseTo(0.114, 6);
    expect(out.features[3]).toBeCloseTo(1, 6);
  });

  it('reports its output size without data', () => {
    expect(imageBlock.outputShape({ axes: 1, frequencyHz: 0, readings: 0, width: 96, height: 96 }, { channels: 'Grayscale' }).length).toBe(9216);
    expect(imageBlock.outputShape({ axes: 1, frequencyHz: 0, readings: 0, width: 96, height: 96 }, {}).length).toBe(27648);
  });

  it('refuses unknown channel settings and malformed pixels', () => {
    expectKilnError(() => imageBlock.run(image([0], 1, 1), { channels: 'CMYK' }), 'BAD_PARAMS', /channels/);
    expectKilnError(() => imageBlock.run(image([0, NaN], 2, 1), {}), 'BAD_DATA', /pixel 1 is NaN/);
    expectKilnError(() => imageBlock.run(image([-1], 1, 1), {}), 'BAD_DATA', /pixel 0/);
    expectKilnError(() => imageBlock.run(image([0x1000000], 1, 1), {}), 'BAD_DATA', /pixel 0/);
    expectKilnError(() => imageBlock.run(image([0, 0, 0], 2, 2), {}), 'BAD_DATA', /3 pixel values.*2 × 2/);
    expectKilnError(() => imageBlock.run({ axes: ['image'], frequencyHz: 0, values: new Float32Array(4) }, {}), 'BAD_DATA', /width and height/);
  });
});
