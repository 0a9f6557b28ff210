// Deterministic test inputs for the audio DSP block tests (not used by the blocks themselves).
import type { DspInput } from './block';

/** int16-range audio: a few tones, a chirp and noise, `seconds` long at fs. */
export function testAudio(fs: number, seconds: number, seed = 1, amplitude = 0.5): DspInput {
  const n = Math.round(fs * seconds);
  const values = new Float32Array(n);
  let s = seed >>> 0 || 1;
  const rand = () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32 - 0.5;
  };
  const f1 = 200 + 1000 * (rand() + 0.5);
  const f2 = (fs / 2) * 0.7 * (rand() + 0.5);
  for (let i = 0; i < n; i++) {
    const t = i / fs;
    const v =
      0.4 * Math.sin(2 * Math.PI * f1 * t) + 0.3 * Math.sin(2 * Math.PI * f2 * t) + 0.2 * Math.sin(2 * Math.PI * (100 + fs * 0.2 * t) * t) + 0.1 * rand();
    values[i] = Math.round(v * amplitude * 32767);
  }
  return { axes: ['audio'], frequencyHz: fs, values };
}
