// Single-threaded throughput of the audio and image DSP blocks with Edge Impulse's default
// parameters. Prints one JSON line per block: { block, input, msPerWindow, windowsPerSecond, … }
// where msPerWindow is the median of short trials (robust on shared cores), bestMsPerWindow
// the fastest trial, cpuMsPerWindow this process's CPU time per window over all trials (less
// sensitive to other processes on a loaded machine) and load1 the 1-minute load average.
// Run: npx tsx bench/dspAudio.ts [--seconds 0.6]
import { loadavg } from 'node:os';
import type { DspBlock, DspInput } from '../src/shared/dsp/block';
import { imageBlock } from '../src/shared/dsp/image';
import { mfccBlock } from '../src/shared/dsp/mfcc';
import { mfeBlock } from '../src/shared/dsp/mfe';
import { spectrogramBlock } from '../src/shared/dsp/spectrogram';

const secondsArg = process.argv.indexOf('--seconds');
const budgetMs = 1000 * (secondsArg > 0 ? Number(process.argv[secondsArg + 1]) : 0.6);

/** 1 s of 16 kHz int16 speech-like audio: two harmonics series, a chirp and noise. */
function audioWindow(): DspInput {
  const fs = 16000;
  const values = new Float32Array(fs);
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32 - 0.5;
  };
  for (let i = 0; i < fs; i++) {
    const t = i / fs;
    const v =
      0.3 * Math.sin(2 * Math.PI * 220 * t) + 0.2 * Math.sin(2 * Math.PI * 440 * t) + 0.15 * Math.sin(2 * Math.PI * (300 + 2000 * t) * t) + 0.05 * noise();
    values[i] = Math.round(v * 20000);
  }
  return { axes: ['audio'], frequencyHz: fs, values };
}

function imageWindow(size: number): DspInput {
  const values = new Float32Array(size * size);
  for (let i = 0; i < values.length; i++) values[i] = (i * 2654435761) % 0x1000000;
  return { axes: ['image'], frequencyHz: 0, values, width: size, height: size };
}

function bench(name: string, label: string, block: DspBlock, input: DspInput, params: Record<string, string | number | boolean>): void {
  // warm up (JIT, plan and filterbank caches)
  for (let i = 0; i < 30; i++) block.run(input, params);
  // short trials; the median is robust to other processes sharing the cores, the best shows
  // what the code does on an idle core
  const trials: number[] = [];
  let runs = 0;
  let checksum = 0;
  const cpu0 = process.cpuUsage();
  const start = performance.now();
  while (performance.now() - start < budgetMs || trials.length < 5) {
    const t0 = performance.now();
    for (let i = 0; i < 10; i++) checksum += block.run(input, params).features[0]!;
    trials.push((performance.now() - t0) / 10);
    runs += 10;
  }
  const cpu = process.cpuUsage(cpu0);
  trials.sort((a, b) => a - b);
  const median = trials[trials.length >> 1]!;
  console.log(
    JSON.stringify({
      block: name,
      input: label,
      msPerWindow: Number(median.toFixed(4)),
      windowsPerSecond: Math.round(1000 / median),
      bestMsPerWindow: Number(trials[0]!.toFixed(4)),
      cpuMsPerWindow: Number(((cpu.user + cpu.system) / 1000 / runs).toFixed(4)),
      load1: Number(loadavg()[0]!.toFixed(2)),
      runs,
      checksum: Number(checksum.toFixed(3)),
    }),
  );
}

const audio = audioWindow();
bench('mfcc', '1 s 16 kHz, defaults', mfccBlock, audio, {});
bench('mfe', '1 s 16 kHz, defaults', mfeBlock, audio, {});
bench('spectrogram', '1 s 16 kHz, defaults', spectrogramBlock, audio, {});
bench('image', '96x96 RGB', imageBlock, imageWindow(96), { channels: 'RGB' });
bench('image', '96x96 Grayscale', imageBlock, imageWindow(96), { channels: 'Grayscale' });
