/**
 * WAV audio (RIFF/WAVE): PCM 8-bit (unsigned), 16, 24 and 32-bit integer, IEEE float 32/64,
 * WAVE_FORMAT_EXTENSIBLE, any number of channels. Unknown chunks are skipped (with their odd-size
 * pad byte).
 *
 * Values are stored in the int16 range, as Edge Impulse does (its audio blocks expect int16 PCM):
 * 16-bit samples as they are; 8-bit as (u − 128) × 256; 24-bit ÷ 256 and 32-bit ÷ 65536 (keeping
 * the fraction, so no precision below the 16th bit is thrown away up to float32's 24 bits);
 * float samples × 32768. Channels are interleaved readings, one sensor per channel.
 */
import { KilnError } from '../errors.js';
import { badFile } from './badFile.js';
import { float32Problem } from './float32.js';
import type { ParsedSample } from './types.js';

const FORMAT_PCM = 1;
const FORMAT_FLOAT = 3;
const FORMAT_EXTENSIBLE = 0xfffe;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

interface WavFormat {
  tag: number;
  channels: number;
  sampleRate: number;
  bits: number;
  blockAlign: number;
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at] ?? 0, bytes[at + 1] ?? 0, bytes[at + 2] ?? 0, bytes[at + 3] ?? 0);
}

/** Parse a WAV file; see the module comment for the value scaling. */
export function parseWav(bytes: Uint8Array, fileName: string): ParsedSample {
  if (bytes.length === 0) throw badFile(fileName, 'the file is empty');
  if (bytes.length < 12) throw badFile(fileName, `the file is only ${bytes.length} bytes: too short for a WAV header (truncated?)`);
  const riff = ascii(bytes, 0);
  if (riff === 'RIFX' || riff === 'RF64')
    throw badFile(fileName, `${riff} WAV files are not supported; save as a standard little-endian RIFF WAV`, { offset: 0 });
  if (riff !== 'RIFF' || ascii(bytes, 8) !== 'WAVE') throw badFile(fileName, 'not a WAV file (no RIFF/WAVE header)', { offset: 0 });
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let format: WavFormat | null = null;
  let pos = 12;
  while (pos + 8 <= bytes.length) {
    const id = ascii(bytes, pos);
    const size = view.getUint32(pos + 4, true);
    const body = pos + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + size > bytes.length)
        throw badFile(fileName, `the "fmt " chunk is ${size < 16 ? 'too small' : 'cut off (truncated file?)'}`, { offset: pos });
      format = readFormat(view, body, size, fileName);
    } else if (id === 'data') {
      if (!format) throw badFile(fileName, 'the "data" chunk comes before the "fmt " chunk that describes it', { offset: pos });
      // streaming writers leave 0xFFFFFFFF when they could not go back to fix the size
      const available = bytes.length - body;
      if (size !== 0xffffffff && size > available) {
        throw badFile(fileName, `the data chunk declares ${size} bytes but only ${available} follow: the file is truncated`, { offset: pos });
      }
      return decodeData(bytes.subarray(body, body + Math.min(size, available)), format, fileName, body);
    }
    pos = body + size + (size & 1);
  }
  if (!format) throw badFile(fileName, 'no "fmt " chunk found (truncated or not a WAV file)', { offset: pos });
  throw badFile(fileName, 'no "data" chunk found (truncated file?)', { offset: pos });
}

function readFormat(view: DataView, at: number, size: number, fileName: string): WavFormat {
  let tag = view.getUint16(at, true);
  const channels = view.getUint16(at + 2, true);
  const sampleRate = view.getUint32(at + 4, true);
  const blockAlign = view.getUint16(at + 12, true);
  const bits = view.getUint16(at + 14, true);
  if (tag === FORMAT_EXTENSIBLE) {
    if (size < 40) throw badFile(fileName, 'WAVE_FORMAT_EXTENSIBLE header is shorter than 40 bytes', { offset: at });
    // the sub-format GUID starts with the format tag; samples are read at their container width
    tag = view.getUint16(at + 24, true);
  }
  if (tag !== FORMAT_PCM && tag !== FORMAT_FLOAT) {
    throw badFile(fileName, `audio encoding 0x${tag.toString(16)} is not supported (only PCM and IEEE float); convert to 16-bit PCM`, { offset: at });
  }
  const supported = tag === FORMAT_PCM ? [8, 16, 24, 32] : [32, 64];
  if (!supported.includes(bits)) {
    throw badFile(fileName, `${bits}-bit ${tag === FORMAT_PCM ? 'PCM' : 'float'} audio is not supported`, { offset: at });
  }
  if (channels === 0) throw badFile(fileName, 'the file declares 0 channels', { offset: at });
  if (sampleRate === 0) throw badFile(fileName, 'the file declares a sample rate of 0 Hz', { offset: at });
  if (blockAlign !== (channels * bits) / 8) {
    throw badFile(fileName, `block size ${blockAlign} does not match ${channels} channel(s) × ${bits} bits`, { offset: at });
  }
  return { tag, channels, sampleRate, bits, blockAlign };
}

function decodeData(data: Uint8Array, f: WavFormat, fileName: string, offset: number): ParsedSample {
  const frames = Math.floor(data.length / f.blockAlign);
  if (frames === 0) throw badFile(fileName, 'the audio data is empty', { offset });
  const count = frames * f.channels;
  const out = new Float32Array(count);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  if (f.tag === FORMAT_PCM && f.bits === 16) {
    if (LITTLE_ENDIAN && data.byteOffset % 2 === 0) out.set(new Int16Array(data.buffer, data.byteOffset, count));
    else for (let i = 0; i < count; i++) out[i] = view.getInt16(i * 2, true);
  } else if (f.tag === FORMAT_PCM && f.bits === 8) {
    for (let i = 0; i < count; i++) out[i] = ((data[i] ?? 128) - 128) * 256;
  } else if (f.tag === FORMAT_PCM && f.bits === 24) {
    for (let i = 0, p = 0; i < count; i++, p += 3) {
      const v = (data[p] ?? 0) | ((data[p + 1] ?? 0) << 8) | ((data[p + 2] ?? 0) << 16);
      out[i] = ((v << 8) >> 8) / 256;
    }
  } else if (f.tag === FORMAT_PCM && f.bits === 32) {
    for (let i = 0; i < count; i++) out[i] = view.getInt32(i * 4, true) / 65536;
  } else if (f.bits === 32) {
    const src = LITTLE_ENDIAN && data.byteOffset % 4 === 0 ? new Float32Array(data.buffer, data.byteOffset, count) : null;
    for (let i = 0; i < count; i++) {
      const v = src ? (src[i] ?? 0) : view.getFloat32(i * 4, true);
      out[i] = v * 32768;
      if (float32Problem(v * 32768)) throw badSample(fileName, v, i, f, offset + i * 4);
    }
  } else {
    for (let i = 0; i < count; i++) {
      const v = view.getFloat64(i * 8, true) * 32768;
      if (float32Problem(v)) throw badSample(fileName, v, i, f, offset + i * 8);
      out[i] = v;
    }
  }
  const sensors =
    f.channels === 1 ? [{ name: 'audio', units: 'wav' }] : Array.from({ length: f.channels }, (_, c) => ({ name: `audio${c + 1}`, units: 'wav' }));
  return { intervalMs: 1000 / f.sampleRate, sensors, values: out, readings: frames };
}

function badSample(fileName: string, v: number, index: number, f: WavFormat, offset: number): Error {
  const frame = Math.floor(index / f.channels);
  return badFile(fileName, `audio sample ${frame} (channel ${(index % f.channels) + 1}) is ${Number.isNaN(v) ? 'NaN' : v > 0 ? 'too large' : 'too small'}`, {
    offset,
  });
}

/**
 * Write a sample as WAV: 16-bit PCM when every value is an integer in int16 range, else 32-bit
 * float (value ÷ 32768). The sample rate 1000 / intervalMs must be a whole number of Hz
 * (KilnError 'UNSUPPORTED' otherwise, rather than silently changing the timing).
 */
export function serializeWav(sample: ParsedSample): Uint8Array {
  const channels = sample.sensors.length;
  if (channels === 0 || channels > 0xffff) throw new RangeError(`cannot write ${channels} channels to WAV`);
  if (sample.values.length !== sample.readings * channels) throw new RangeError('sample values do not match readings × sensors');
  const rate = Math.round(1000 / sample.intervalMs);
  const exact = 1000 / sample.intervalMs;
  if (!(rate >= 1 && rate <= 0xffffffff) || Math.abs(exact - rate) > rate * 1e-9) {
    throw new KilnError('UNSUPPORTED', `WAV files need a whole number of samples per second; this sample runs at ${Number(exact.toPrecision(8))} Hz`);
  }
  const values = sample.values;
  let pcm16 = true;
  for (let i = 0; i < values.length && pcm16; i++) {
    const v = values[i] ?? 0;
    pcm16 = Number.isInteger(v) && v >= -32768 && v <= 32767 && !Object.is(v, -0);
  }
  const bytesPer = pcm16 ? 2 : 4;
  const dataSize = values.length * bytesPer;
  if (dataSize > 0xffffffff - 44) throw new RangeError('sample is too large for a WAV file (4 GiB)');
  const out = new Uint8Array(44 + dataSize + (dataSize & 1));
  const view = new DataView(out.buffer);
  const text = (at: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  text(0, 'RIFF');
  view.setUint32(4, out.length - 8, true);
  text(8, 'WAVE');
  text(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, pcm16 ? FORMAT_PCM : FORMAT_FLOAT, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, rate, true);
  view.setUint32(28, rate * channels * bytesPer, true);
  view.setUint16(32, channels * bytesPer, true);
  view.setUint16(34, bytesPer * 8, true);
  text(36, 'data');
  view.setUint32(40, dataSize, true);
  if (pcm16) for (let i = 0; i < values.length; i++) view.setInt16(44 + i * 2, values[i] ?? 0, true);
  else for (let i = 0; i < values.length; i++) view.setFloat32(44 + i * 4, (values[i] ?? 0) / 32768, true);
  return out;
}
