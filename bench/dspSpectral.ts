/**
 * Single-threaded speed of the spectral-analysis (FFT and wavelet), flatten and raw blocks on
 * typical windows. Prints one JSON line per case:
 *   { "block", "case", "msPerWindow", "windowsPerSecond" }
 * Run: npx tsx bench/dspSpectral.ts
 */
import type { DspBlock, DspInput, DspParams } from '../src/shared/dsp/block.js';
import { flattenBlock } from '../src/shared/dsp/flatten.js';
import { rawBlock } from '../src/shared/dsp/raw.js';
import { spectralAnalysisBlock } from '../src/shared/dsp/spectralAnalysis.js';

function accelerometerWindow(seconds: number, frequencyHz: number): DspInput {
  const readings = Math.round(seconds * frequencyHz);
  const values = new Float32Array(readings * 3);
  let seed = 12345;
  const noise = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648 - 0.5;
  };
  for (let r = 0; r < readings; r++) {
    const t = r / frequencyHz;
    values[r * 3] = 3 * Math.sin(2 * Math.PI * 2.5 * t) + noise();
    values[r * 3 + 1] = Math.sin(2 * Math.PI * 7 * t) + 0.5 * noise();
    values[r * 3 + 2] = 9.81 + 0.8 * Math.cos(2 * Math.PI * 1.2 * t) + 0.3 * noise();
  }
  return { axes: ['accX', 'accY', 'accZ'], frequencyHz, values };
}

function bench(block: DspBlock, name: string, input: DspInput, params: DspParams, budgetMs = 400): void {
  // warm up (JIT, cached plans and filter designs)
  for (let i = 0; i < 200; i++) block.run(input, params);
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < budgetMs) {
    for (let i = 0; i < 50; i++) block.run(input, params);
    runs += 50;
    elapsed = performance.now() - start;
  }
  const msPerWindow = elapsed / runs;
  console.log(
    JSON.stringify({
      block: block.name,
      case: name,
      msPerWindow: Number(msPerWindow.toFixed(4)),
      windowsPerSecond: Math.round(1000 / msPerWindow),
    }),
  );
}

const twoSeconds = accelerometerWindow(2, 62.5);
bench(spectralAnalysisBlock, 'FFT defaults, 2 s × 3 axes @ 62.5 Hz', twoSeconds, {});
bench(spectralAnalysisBlock, 'FFT 64, low-pass 3 Hz order 6, 2 s @ 62.5 Hz', twoSeconds, { 'fft-length': 64, 'filter-type': 'low' });
bench(spectralAnalysisBlock, 'FFT 128, high-pass 1 Hz, extra-low-freq, 10 s @ 100 Hz', accelerometerWindow(10, 100), {
  'fft-length': 128,
  'filter-type': 'high',
  'filter-cutoff': 1,
  'filter-order': 4,
  'extra-low-freq': true,
});
bench(spectralAnalysisBlock, 'Wavelet db4 level 1, 2 s @ 62.5 Hz', twoSeconds, { 'analysis-type': 'Wavelet' });
bench(spectralAnalysisBlock, 'Wavelet sym5 level 2, 2 s @ 100 Hz', accelerometerWindow(2, 100), {
  'analysis-type': 'Wavelet',
  wavelet: 'sym5',
  'wavelet-level': 2,
});
bench(flattenBlock, 'defaults, 2 s × 3 axes @ 62.5 Hz', twoSeconds, {});
bench(rawBlock, 'defaults, 2 s × 3 axes @ 62.5 Hz', twoSeconds, {});
bench(rawBlock, 'scale 0.1, 2 s × 3 axes @ 62.5 Hz', twoSeconds, { 'scale-axes': 0.1 });
