/**
 * Resizing packed 0xRRGGBB images for the image input block: squash (stretch to the size),
 * fit-short (scale so the short side fits, centre-crop the long side) and fit-long (scale so the
 * long side fits, pad the rest with black). Bilinear sampling per channel, pixel centres aligned.
 */
import { KilnError } from '../errors.js';

export type ResizeMode = 'squash' | 'fit-short' | 'fit-long';

/** Source rectangle (in source pixels) and destination rectangle (in output pixels) of a resize. */
interface Mapping {
  sx: number;
  sy: number;
  sw: number;
  sh: number;
  dx: number;
  dy: number;
  dw: number;
  dh: number;
}

function mapping(w: number, h: number, W: number, H: number, mode: ResizeMode): Mapping {
  if (mode === 'squash') return { sx: 0, sy: 0, sw: w, sh: h, dx: 0, dy: 0, dw: W, dh: H };
  if (mode === 'fit-short') {
    // the whole output is covered; crop the source to the output's aspect ratio
    const scale = Math.max(W / w, H / h);
    const sw = W / scale;
    const sh = H / scale;
    return { sx: (w - sw) / 2, sy: (h - sh) / 2, sw, sh, dx: 0, dy: 0, dw: W, dh: H };
  }
  const scale = Math.min(W / w, H / h);
  const dw = Math.max(1, Math.round(w * scale));
  const dh = Math.max(1, Math.round(h * scale));
  return { sx: 0, sy: 0, sw: w, sh: h, dx: Math.floor((W - dw) / 2), dy: Math.floor((H - dh) / 2), dw, dh };
}

/** Resizes a packed-RGB image (w × h) to W × H; returns a new array of packed pixels. */
export function resizeImage(pixels: ArrayLike<number>, w: number, h: number, W: number, H: number, mode: ResizeMode): Float32Array {
  if (pixels.length !== w * h) throw new KilnError('BAD_DATA', `Image has ${pixels.length} pixels; ${w} × ${h} needs ${w * h}`);
  const out = new Float32Array(W * H);
  if (w === W && h === H) {
    for (let i = 0; i < out.length; i++) out[i] = pixels[i]!;
    return out;
  }
  const m = mapping(w, h, W, H, mode);
  const fx = m.sw / m.dw;
  const fy = m.sh / m.dh;
  for (let y = 0; y < m.dh; y++) {
    const syf = Math.min(h - 1, Math.max(0, m.sy + (y + 0.5) * fy - 0.5));
    const y0 = Math.floor(syf);
    const y1 = Math.min(h - 1, y0 + 1);
    const ty = syf - y0;
    for (let x = 0; x < m.dw; x++) {
      const sxf = Math.min(w - 1, Math.max(0, m.sx + (x + 0.5) * fx - 0.5));
      const x0 = Math.floor(sxf);
      const x1 = Math.min(w - 1, x0 + 1);
      const tx = sxf - x0;
      const p00 = pixels[y0 * w + x0]!;
      const p01 = pixels[y0 * w + x1]!;
      const p10 = pixels[y1 * w + x0]!;
      const p11 = pixels[y1 * w + x1]!;
      let packed = 0;
      for (let shift = 16; shift >= 0; shift -= 8) {
        const c00 = (p00 >>> shift) & 0xff;
        const c01 = (p01 >>> shift) & 0xff;
        const c10 = (p10 >>> shift) & 0xff;
        const c11 = (p11 >>> shift) & 0xff;
        const top = c00 + (c01 - c00) * tx;
        const bottom = c10 + (c11 - c10) * tx;
        packed = packed * 256 + Math.round(top + (bottom - top) * ty);
      }
      out[(m.dy + y) * W + m.dx + x] = packed;
    }
  }
  return out;
}
