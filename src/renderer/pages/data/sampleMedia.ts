/** Browser-side media for the sample view: WAV blobs for audio playback, pixels for images. */

/**
 * A 16-bit PCM WAV file of one channel. Values are taken as int16 samples when they fit that
 * range (how Kiln stores audio), otherwise they are scaled so the peak is full scale.
 */
export function wavBlob(values: ArrayLike<number>, sampleRate: number): Blob {
  let peak = 0;
  let fits = true;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    peak = Math.max(peak, Math.abs(v));
    if (v > 32767 || v < -32768) fits = false;
  }
  const scale = fits ? 1 : 32767 / peak;
  const buf = new ArrayBuffer(44 + values.length * 2);
  const v = new DataView(buf);
  const text = (at: number, s: string) => [...s].forEach((c, i) => v.setUint8(at + i, c.charCodeAt(0)));
  text(0, 'RIFF');
  v.setUint32(4, 36 + values.length * 2, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true); // PCM
  v.setUint16(22, 1, true); // mono
  v.setUint32(24, sampleRate, true);
  v.setUint32(28, sampleRate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  text(36, 'data');
  v.setUint32(40, values.length * 2, true);
  for (let i = 0; i < values.length; i++) v.setInt16(44 + i * 2, Math.max(-32768, Math.min(32767, Math.round(values[i]! * scale))), true);
  return new Blob([buf], { type: 'audio/wav' });
}

/** Draws packed 0xRRGGBB pixels (row by row) on a canvas of the image's size. */
export function drawPixels(canvas: HTMLCanvasElement, pixels: ArrayLike<number>, width: number, height: number): void {
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  const img = ctx.createImageData(width, height);
  for (let i = 0; i < width * height; i++) {
    const p = pixels[i] ?? 0;
    img.data[i * 4] = (p >> 16) & 0xff;
    img.data[i * 4 + 1] = (p >> 8) & 0xff;
    img.data[i * 4 + 2] = p & 0xff;
    img.data[i * 4 + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
}

/** n-1 cut points that split `readings` into n parts of (nearly) equal length. */
export function equalCuts(readings: number, parts: number): number[] {
  const cuts: number[] = [];
  for (let i = 1; i < parts; i++) {
    const c = Math.round((readings * i) / parts);
    if (c > 0 && c < readings && !cuts.includes(c)) cuts.push(c);
  }
  return cuts;
}

export function formatLength(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}
