import { describe, expect, it } from 'vitest';
import { parseWav, serializeWav } from './wav.js';
import { badFileError, bits, seededBytes } from './testKit.js';

interface WavSpec {
  tag?: number;
  channels?: number;
  rate?: number;
  bits: number;
  data: Uint8Array;
  extensible?: boolean;
  /** chunks written before "fmt " and between "fmt " and "data" */
  before?: [string, Uint8Array][];
  between?: [string, Uint8Array][];
  blockAlign?: number;
}

/** Builds a WAV file by hand (independent of serializeWav), padding odd chunks. */
function wav(spec: WavSpec): Uint8Array {
  const channels = spec.channels ?? 1;
  const rate = spec.rate ?? 16000;
  const block = spec.blockAlign ?? (channels * spec.bits) / 8;
  const fmt = new Uint8Array(spec.extensible ? 40 : 16);
  const f = new DataView(fmt.buffer);
  f.setUint16(0, spec.extensible ? 0xfffe : (spec.tag ?? 1), true);
  f.setUint16(2, channels, true);
  f.setUint32(4, rate, true);
  f.setUint32(8, rate * block, true);
  f.setUint16(12, block, true);
  f.setUint16(14, spec.bits, true);
  if (spec.extensible) {
    f.setUint16(16, 22, true);
    f.setUint16(18, spec.bits, true);
    f.setUint32(20, channels === 2 ? 3 : 4, true);
    f.setUint16(24, spec.tag ?? 1, true);
    fmt.set([0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71], 26);
  }
  const chunks: [string, Uint8Array][] = [...(spec.before ?? []), ['fmt ', fmt], ...(spec.between ?? []), ['data', spec.data]];
  const parts: number[] = [];
  for (const [id, body] of chunks) {
    const head = new Uint8Array(8);
    for (let i = 0; i < 4; i++) head[i] = id.charCodeAt(i);
    new DataView(head.buffer).setUint32(4, body.length, true);
    parts.push(...head, ...body);
    if (body.length & 1) parts.push(0);
  }
  const out = new Uint8Array(12 + parts.length);
  out.set([0x52, 0x49, 0x46, 0x46], 0);
  new DataView(out.buffer).setUint32(4, 4 + parts.length, true);
  out.set([0x57, 0x41, 0x56, 0x45], 8);
  out.set(parts, 12);
  return out;
}

function le(bytesPer: number, values: number[], write: (v: DataView, at: number, x: number) => void): Uint8Array {
  const out = new Uint8Array(values.length * bytesPer);
  const view = new DataView(out.buffer);
  values.forEach((x, i) => write(view, i * bytesPer, x));
  return out;
}
const int16 = (v: number[]): Uint8Array => le(2, v, (d, a, x) => d.setInt16(a, x, true));
const int32 = (v: number[]): Uint8Array => le(4, v, (d, a, x) => d.setInt32(a, x, true));
const f32 = (v: number[]): Uint8Array => le(4, v, (d, a, x) => d.setFloat32(a, x, true));
const f64 = (v: number[]): Uint8Array => le(8, v, (d, a, x) => d.setFloat64(a, x, true));
const int24 = (v: number[]): Uint8Array =>
  le(3, v, (d, a, x) => {
    d.setUint8(a, x & 0xff);
    d.setUint8(a + 1, (x >> 8) & 0xff);
    d.setUint8(a + 2, (x >> 16) & 0xff);
  });

describe('reading WAV audio into int16-range values', () => {
  it('keeps 16-bit PCM as it is, one reading per frame', () => {
    const s = parseWav(wav({ bits: 16, data: int16([0, 1, -1, 32767, -32768]) }), 'yes.1.wav');
    expect(s).toMatchObject({ intervalMs: 1000 / 16000, readings: 5, sensors: [{ name: 'audio', units: 'wav' }] });
    expect(Array.from(s.values)).toEqual([0, 1, -1, 32767, -32768]);
  });

  it('scales 8-bit unsigned, 24-bit, 32-bit and float samples to the int16 range', () => {
    expect(Array.from(parseWav(wav({ bits: 8, data: Uint8Array.from([0, 128, 255, 129]) }), 'a.wav').values)).toEqual([-32768, 0, 32512, 256]);
    expect(Array.from(parseWav(wav({ bits: 24, data: int24([-8388608, 8388607, 256, 1, -1]) }), 'a.wav').values)).toEqual([
      -32768,
      8388607 / 256,
      1,
      1 / 256,
      -1 / 256,
    ]);
    expect(Array.from(parseWav(wav({ bits: 32, data: int32([-2147483648, 65536, 98304]) }), 'a.wav').values)).toEqual([-32768, 1, 1.5]);
    expect(Array.from(parseWav(wav({ tag: 3, bits: 32, data: f32([-1, 0.5, 0.25, 1.5]) }), 'a.wav').values)).toEqual([-32768, 16384, 8192, 49152]);
    expect(Array.from(parseWav(wav({ tag: 3, bits: 64, data: f64([-1, 0.5]) }), 'a.wav').values)).toEqual([-32768, 16384]);
  });

  it('reads WAVE_FORMAT_EXTENSIBLE stereo as two interleaved sensors', () => {
    const s = parseWav(wav({ extensible: true, channels: 2, rate: 44100, bits: 16, data: int16([1, 2, 3, 4, 5, 6]) }), 'st.wav');
    expect(s.sensors).toEqual([
      { name: 'audio1', units: 'wav' },
      { name: 'audio2', units: 'wav' },
    ]);
    expect(s).toMatchObject({ readings: 3, intervalMs: 1000 / 44100 });
    expect(Array.from(s.values)).toEqual([1, 2, 3, 4, 5, 6]);
    const fl = parseWav(wav({ extensible: true, tag: 3, bits: 32, data: f32([0.5]) }), 'fl.wav');
    expect(Array.from(fl.values)).toEqual([16384]);
  });

  it('skips unknown chunks, odd-sized ones with their pad byte, and odd data offsets', () => {
    const s = parseWav(
      wav({ bits: 16, data: int16([7, -7]), before: [['JUNK', new Uint8Array(3)]], between: [['LIST', new TextEncoder().encode('INFOabcde')]] }),
      'c.wav',
    );
    expect(Array.from(s.values)).toEqual([7, -7]);
    // the same file inside a larger buffer at an odd offset (no aligned view possible)
    const file = wav({ bits: 16, data: int16([300, -300, 5]) });
    const shifted = new Uint8Array(file.length + 1);
    shifted.set(file, 1);
    expect(Array.from(parseWav(shifted.subarray(1), 'odd.wav').values)).toEqual([300, -300, 5]);
  });
});

describe('writing WAV audio', () => {
  const cases: [string, WavSpec][] = [
    ['8-bit', { bits: 8, data: seededBytes(1, 400) }],
    ['16-bit', { bits: 16, data: seededBytes(2, 400) }],
    ['24-bit', { bits: 24, data: seededBytes(3, 600) }],
    ['32-bit', { bits: 32, data: seededBytes(4, 800) }],
    ['float32', { tag: 3, bits: 32, data: f32(Array.from(seededBytes(5, 200), (b) => (b - 128) / 97)) }],
    ['float64', { tag: 3, bits: 64, data: f64(Array.from(seededBytes(6, 200), (b) => (b - 128) / 97)) }],
    ['16-bit stereo', { bits: 16, channels: 2, rate: 48000, data: seededBytes(7, 400) }],
    ['24-bit stereo', { bits: 24, channels: 2, rate: 8000, data: seededBytes(8, 600) }],
  ];
  it.each(cases)('round-trips %s audio bit-exactly through serializeWav', (_, spec) => {
    const first = parseWav(wav(spec), 'in.wav');
    const written = serializeWav(first);
    const again = parseWav(written, 'out.wav');
    expect(again.intervalMs).toBe(first.intervalMs);
    expect(again.sensors).toEqual(first.sensors);
    expect(bits(again.values)).toEqual(bits(first.values));
  });

  it('writes 16-bit PCM for integral int16 values and 32-bit float otherwise', () => {
    const base = { intervalMs: 0.0625, sensors: [{ name: 'audio', units: 'wav' }], readings: 2 };
    const pcm = serializeWav({ ...base, values: Float32Array.from([1, -32768]) });
    expect(new DataView(pcm.buffer).getUint16(34, true)).toBe(16);
    expect(pcm.length).toBe(44 + 4);
    const float = serializeWav({ ...base, values: Float32Array.from([1.5, 40000]) });
    expect(new DataView(float.buffer).getUint16(20, true)).toBe(3);
    expect(Array.from(parseWav(float, 'f.wav').values)).toEqual([1.5, 40000]);
  });

  it('refuses to write a rate that is not a whole number of Hz instead of changing the timing', () => {
    const accel = { intervalMs: 16, sensors: [{ name: 'x', units: 'N/A' }], readings: 1, values: Float32Array.from([1]) };
    expect(() => serializeWav(accel)).toThrow(/whole number of samples per second; this sample runs at 62.5 Hz/);
  });
});

describe('refusing bad WAV files with the file and byte', () => {
  const good = wav({ bits: 16, channels: 2, data: int16([1, 2, 3, 4, 5, 6, 7, 8]), between: [['LIST', new Uint8Array(5)]] });

  it('refuses an empty or tiny file', () => {
    expect(badFileError(() => parseWav(new Uint8Array(0), 'e.wav'), 'e.wav').message).toBe('e.wav: the file is empty');
    expect(badFileError(() => parseWav(good.subarray(0, 7), 'e.wav'), 'e.wav').message).toMatch(/too short for a WAV header/);
  });

  it('refuses the file truncated at every offset', () => {
    for (let n = 1; n < good.length; n++) {
      const e = badFileError(() => parseWav(good.subarray(0, n), 't.wav'), 't.wav');
      expect(e.message).toMatch(/truncated|too short|no "fmt "|no "data"|cut off|empty/);
    }
  });

  it.each([
    ['ADPCM', { tag: 2, bits: 4, data: new Uint8Array(8), blockAlign: 1 }, /encoding 0x2 is not supported/],
    ['12-bit PCM', { bits: 12, data: new Uint8Array(8), blockAlign: 2 }, /12-bit PCM audio is not supported/],
    ['16-bit float', { tag: 3, bits: 16, data: new Uint8Array(8) }, /16-bit float audio is not supported/],
    ['zero channels', { channels: 0, bits: 16, data: new Uint8Array(8), blockAlign: 0 }, /0 channels/],
    ['a wrong block size', { bits: 16, data: new Uint8Array(8), blockAlign: 3 }, /block size 3 does not match 1 channel\(s\) × 16 bits/],
    ['no audio', { bits: 16, data: new Uint8Array(0) }, /audio data is empty/],
    ['NaN samples', { tag: 3, bits: 32, data: f32([0, NaN]) }, /byte 48: audio sample 1 \(channel 1\) is NaN/],
    ['infinite samples', { tag: 3, bits: 32, data: f32([Infinity]) }, /is too large/],
    ['float64 beyond float32', { tag: 3, bits: 64, data: f64([1e39]) }, /is too large/],
  ] as [string, WavSpec, RegExp][])('refuses %s', (_, spec, pattern) => {
    expect(badFileError(() => parseWav(wav(spec), 'u.wav'), 'u.wav').message).toMatch(pattern);
  });

  it('refuses non-WAV RIFF files, RIFX and data before fmt', () => {
    const avi = good.slice();
    avi.set([0x41, 0x56, 0x49, 0x20], 8);
    expect(badFileError(() => parseWav(avi, 'v.wav'), 'v.wav').message).toBe('v.wav byte 0: not a WAV file (no RIFF/WAVE header)');
    const rifx = good.slice();
    rifx[3] = 0x58;
    expect(badFileError(() => parseWav(rifx, 'x.wav'), 'x.wav').message).toMatch(/RIFX WAV files are not supported/);
    const swapped = wav({ bits: 16, data: new Uint8Array(0), before: [['data', int16([1])]] });
    expect(badFileError(() => parseWav(swapped, 's.wav'), 's.wav').message).toMatch(/"data" chunk comes before the "fmt " chunk/);
  });

  it('never hangs or throws anything but BAD_FILE on random bytes, with or without a RIFF header', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const bytes = seededBytes(seed, 4 + (seed % 100) * 3);
      if (seed % 2 === 0 && bytes.length >= 16) bytes.set([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45, 0x66, 0x6d, 0x74, 0x20], 0);
      try {
        parseWav(bytes, 'r.wav');
      } catch (e) {
        badFileError(() => {
          throw e;
        }, 'r.wav');
      }
    }
  });

  it('reads a 200 MB 16-bit file through a typed-array view in a few seconds', () => {
    const frames = 100 * 1024 * 1024;
    const file = new Uint8Array(44 + frames * 2);
    file.set(wav({ bits: 16, data: new Uint8Array(0) }).subarray(0, 44));
    const view = new DataView(file.buffer);
    view.setUint32(40, frames * 2, true);
    view.setInt16(44 + (frames - 1) * 2, -1234, true);
    const t0 = performance.now();
    const s = parseWav(file, 'long.wav');
    const ms = performance.now() - t0;
    expect(s.readings).toBe(frames);
    expect(s.values[frames - 1]).toBe(-1234);
    expect(ms).toBeLessThan(5000);
  });
});
