/**
 * C plan of the spectral analysis block (resources/export/c/dsp/kiln_spectral.c). Every table
 * comes from the TypeScript block's own plan — Butterworth sections (already float32), the
 * decimation stages' Chebyshev sections and steady states, the FFT bins the filter keeps, the
 * wavelet's decomposition filters — so the board runs nothing but arithmetic: no filter
 * design, no string parsing, no double precision.
 */
import { KilnError } from '../../../../shared/errors.js';
import { DECIMATION_STAGES, decimationFilter } from '../../../../shared/dsp/filters.js';
import { spectralAnalysisPlan } from '../../../../shared/dsp/spectralAnalysis.js';
import { dwtLength } from '../../../../shared/dsp/wavelet.js';
import { timeSeriesInfo } from './basic.js';
import { cArray, cFloat } from './cSource.js';
import { FFT_SOURCES, checkCFftLength, fftDefine, fftTableDecl } from './fft.js';
import type { DspBlockPlan, DspBlockSpec } from './plan.js';

/** const float table, one declaration per line */
function floatTable(name: string, values: ArrayLike<number>): string {
  return `${cArray('float', name, Array.from(values, cFloat), 6)}\n`;
}

function binTable(name: string, bins: Int32Array): string {
  return `${cArray(
    'uint16_t',
    name,
    Array.from(bins, (b) => `${b}u`),
    12,
  )}\n`;
}
/** kiln_wavelet.c counts histogram bins in uint16 */
const C_WAVELET_MAX_SAMPLES = 65535;

/** SOS rows [b0, b1, b2, 1, a1, a2] → kiln_sos_t's 5 per section (a0 = 1 dropped). */
function sectionCoefficients(sos: Float64Array): number[] {
  const out: number[] = [];
  for (let o = 0; o < sos.length; o += 6) {
    if (sos[o + 3] !== 1) throw new KilnError('INTERNAL', `second-order section ${o / 6} has a0 = ${sos[o + 3]}, expected 1`);
    out.push(sos[o]!, sos[o + 1]!, sos[o + 2]!, sos[o + 4]!, sos[o + 5]!);
  }
  return out;
}

/** Gain of a cascade at 0 Hz: Π (b0 + b1 + b2) / (1 + a1 + a2). */
function dcGain(sos: Float64Array): number {
  let g = 1;
  for (let o = 0; o < sos.length; o += 6) g *= (sos[o]! + sos[o + 1]! + sos[o + 2]!) / (sos[o + 3]! + sos[o + 4]! + sos[o + 5]!);
  return g;
}

/**
 * A decimation stage: kiln_decimate runs it as dcGain·x0 + filter(x − x0) from a zero state,
 * which equals TS `decimate` (steady state of x0 via sosfilt_zi) in exact arithmetic.
 */
function decimatorDecl(name: string, ratio: number): { decl: string; init: string } {
  const { sos } = decimationFilter(ratio);
  return { decl: floatTable(`${name}_sos`, sectionCoefficients(sos)), init: `{ ${ratio}u, { ${sos.length / 6}u, ${name}_sos }, ${cFloat(dcGain(sos))} }` };
}

export function planSpectralBlock(block: DspBlockSpec, instance: string): DspBlockPlan {
  const info = timeSeriesInfo(block);
  const plan = spectralAnalysisPlan(block.params, info);
  const { p } = plan;
  const wavelet = plan.waveletBank !== null;
  const defines: string[] = [];
  const files = ['kiln_dsp.h', 'kiln_stats.h', 'kiln_stats.c', 'kiln_iir.h', 'kiln_wavelet.h', 'kiln_spectral.h', 'kiln_spectral.c'];
  let decl = '';
  let scratch = info.readings;

  const stages = DECIMATION_STAGES.get(p.inputDecimationRatio) ?? [];
  let decimators = 'NULL';
  if (stages.length > 0) {
    const inits = stages.map((ratio, i) => {
      const d = decimatorDecl(`${instance}_decimator${i}`, ratio);
      decl += d.decl;
      return d.init;
    });
    decl += `static const kiln_decimator_t ${instance}_decimators[${stages.length}] = { ${inits.join(', ')} };\n`;
    decimators = `${instance}_decimators`;
  }
  let filter = 'NULL';
  if (plan.sos) {
    decl += floatTable(`${instance}_filter_coefficients`, sectionCoefficients(plan.sos));
    decl += `static const kiln_sos_t ${instance}_filter = { ${plan.sos.length / 6}u, ${instance}_filter_coefficients };\n`;
    filter = `&${instance}_filter`;
    defines.push('KILN_DSP_SPECTRAL_FILTER');
  }

  let fftPart = '0u, 0u, 0u, 0u, NULL, NULL, 0u, NULL';
  let waveletPart = '{ 0u, NULL, NULL, 0u }';
  if (wavelet) {
    const bank = plan.waveletBank!;
    if (plan.length > C_WAVELET_MAX_SAMPLES) {
      throw new KilnError(
        'UNSUPPORTED',
        `Spectral analysis: wavelet analysis of ${plan.length} samples per axis is more than the C library's ${C_WAVELET_MAX_SAMPLES}`,
        {
          field: 'wavelet-level',
        },
      );
    }
    decl += floatTable(`${instance}_wavelet_lo`, bank.decLo) + floatTable(`${instance}_wavelet_hi`, bank.decHi);
    waveletPart = `{ ${bank.decLo.length}u, ${instance}_wavelet_lo, ${instance}_wavelet_hi, ${p.waveletLevel}u }`;
    let n = plan.length;
    let details = 0;
    for (let l = 0; l < p.waveletLevel; l++) {
      n = dwtLength(n, bank.decLo.length);
      details += n;
    }
    scratch += details + (p.waveletLevel > 0 ? dwtLength(plan.length, bank.decLo.length) : 0);
    defines.push('KILN_DSP_SPECTRAL_WAVELET');
    files.push('kiln_dsp.c', 'kiln_wavelet.c');
  } else {
    // length 2 is computed inline by kiln_spectral.c
    if (p.fftLength !== 2) {
      checkCFftLength(p.fftLength, 'Spectral analysis', 'fft-length');
      defines.push(fftDefine(p.fftLength));
      decl += `${fftTableDecl(p.fftLength)}\n`;
    }
    const bands = plan.bands!;
    decl += binTable(`${instance}_bins`, bands.bins);
    let lowFreq = 'NULL, 0u, NULL';
    if (plan.lowFreq) {
      const d = decimatorDecl(`${instance}_low_freq`, 10);
      decl += d.decl + `static const kiln_decimator_t ${instance}_low_freq = ${d.init};\n`;
      decl += binTable(`${instance}_low_freq_bins`, plan.lowFreq.bands.bins);
      lowFreq = `&${instance}_low_freq, ${plan.lowFreq.bands.bins.length}u, ${instance}_low_freq_bins`;
    }
    fftPart = `${p.fftLength}u, ${p.doLog ? 1 : 0}u, ${p.doFftOverlap ? 1 : 0}u, ${bands.bins.length}u, ${instance}_bins, ${lowFreq}`;
    // spectrum (N/2+1), frame (N), transform output (N+2), kiln_rfft scratch (N)
    scratch += 2 * p.fftLength + 3 * ((p.fftLength >> 1) + 1);
    defines.push('KILN_DSP_SPECTRAL_FFT');
    files.push(...FFT_SOURCES);
  }
  if (stages.length > 0 || plan.lowFreq) defines.push('KILN_DSP_SPECTRAL_DECIMATE');
  if (stages.length > 0 || plan.sos || plan.lowFreq) files.push('kiln_iir.c');

  const analysis = wavelet ? 'KILN_SPECTRAL_ANALYSIS_WAVELET' : 'KILN_SPECTRAL_ANALYSIS_FFT';
  decl +=
    `static const kiln_spectral_config_t ${instance}_config = {\n` +
    `    ${info.axes}u, ${info.readings}u, ${cFloat(p.scaleAxes)}, ${stages.length}u, ${decimators}, ${filter}, ${analysis},\n` +
    `    ${fftPart},\n` +
    `    ${waveletPart}\n};\n`;
  return {
    kind: block.kind,
    sources: [...new Set(files)],
    defines,
    configDecl: decl,
    call: (input, output, scratchPtr) => `kiln_spectral_run(&${instance}_config, ${input}, ${output}, ${scratchPtr})`,
    outputLength: plan.featureCount,
    scratchFloats: scratch,
  };
}
