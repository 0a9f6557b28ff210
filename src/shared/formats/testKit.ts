/** Helpers for the format tests (not used by production code). */
import { expect } from 'vitest';
import { KilnError } from '../errors.js';

/** Runs fn and returns the KilnError('BAD_FILE') it throws; fails on anything else. */
export function badFileError(fn: () => unknown, fileName: string): KilnError {
  let thrown: unknown = null;
  try {
    fn();
  } catch (e) {
    thrown = e;
  }
  if (!(thrown instanceof KilnError)) {
    throw new Error(`expected KilnError BAD_FILE, got ${thrown === null ? 'no error' : String(thrown)}${thrown instanceof Error ? `\n${thrown.stack}` : ''}`);
  }
  expect(thrown.code).toBe('BAD_FILE');
  expect(thrown.message.startsWith(fileName)).toBe(true);
  expect(thrown.details?.['file']).toBe(fileName);
  return thrown;
}

/** Deterministic pseudo-random bytes (mulberry32). */
export function seededBytes(seed: number, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let s = seed >>> 0;
  for (let i = 0; i < length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((t ^ (t >>> 14)) >>> 0) & 0xff;
  }
  return out;
}

/** Deterministic pseudo-random float32 values in [-scale, scale). */
export function seededFloats(seed: number, count: number, scale = 100): Float32Array {
  const bytes = seededBytes(seed, count * 4);
  const out = new Float32Array(count);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < count; i++) out[i] = Math.fround(((view.getUint32(i * 4) / 0x100000000) * 2 - 1) * scale);
  return out;
}

/** Bit patterns of a Float32Array, so -0 vs 0 and NaN payloads compare exactly. */
export function bits(values: Float32Array): Uint32Array {
  return new Uint32Array(values.buffer.slice(values.byteOffset, values.byteOffset + values.byteLength));
}
