/**
 * Shrinks a long time series for plotting without hiding peaks: each bucket of `step` readings
 * becomes two readings, the per-axis minimum and maximum, placed at the bucket's start and middle.
 */
export interface Decimated {
  values: Float32Array;
  /** reading index in the original sample of each output reading */
  readingIndex: number[];
}

export function decimateMinMax(values: Float32Array, axes: number, maxReadings: number): Decimated | null {
  const readings = Math.floor(values.length / axes);
  if (readings <= maxReadings) return null;
  const buckets = Math.max(1, Math.floor(maxReadings / 2));
  const step = Math.ceil(readings / buckets);
  const out = new Float32Array(Math.ceil(readings / step) * 2 * axes);
  const readingIndex: number[] = [];
  let o = 0;
  for (let start = 0; start < readings; start += step) {
    const end = Math.min(readings, start + step);
    for (let a = 0; a < axes; a++) {
      let lo = Infinity;
      let hi = -Infinity;
      for (let r = start; r < end; r++) {
        const v = values[r * axes + a]!;
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      out[o + a] = lo;
      out[o + axes + a] = hi;
    }
    o += 2 * axes;
    readingIndex.push(start, start + Math.floor((end - start) / 2));
  }
  return { values: out, readingIndex };
}

/** Nearest-pixel shrink of packed pixels so that width × height ≤ maxPixels; null when it fits. */
export function shrinkImage(
  pixels: Float32Array,
  width: number,
  height: number,
  maxPixels: number,
): { pixels: Float32Array; width: number; height: number } | null {
  if (width * height <= maxPixels) return null;
  const scale = Math.sqrt(maxPixels / (width * height));
  const w = Math.max(1, Math.floor(width * scale));
  const h = Math.max(1, Math.floor(height * scale));
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const sy = Math.min(height - 1, Math.floor(((y + 0.5) * height) / h));
    for (let x = 0; x < w; x++) out[y * w + x] = pixels[sy * width + Math.min(width - 1, Math.floor(((x + 0.5) * width) / w))]!;
  }
  return { pixels: out, width: w, height: h };
}
