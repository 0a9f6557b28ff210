/**
 * C plans of the audio blocks (MFCC, MFE, spectrogram): the block's parameters are read and
 * checked by the same TypeScript code the studio runs, and its mel filterbank and DCT matrix
 * are computed by it and emitted as const tables for resources/export/c/dsp/kiln_{mfcc,mfe,spectrogram}.c.
 */
import { getDspBlock } from '../../../../shared/dsp/index.js';
import { parseMfccParams } from '../../../../shared/dsp/mfcc.js';
import { parseMfeParams } from '../../../../shared/dsp/mfe.js';
import { parseSpectrogramParams } from '../../../../shared/dsp/spectrogram.js';
import { dctMatrix, frameLayout, melFilterbank, type FrameLayout, type MelFilterbank } from '../../../../shared/dsp/speechFeatures.js';
import { cArray, cFloat, checkCIdentifier } from './cSource.js';
import { FFT_SOURCES, checkCFftLength, fftDefine, fftTableDecl } from './fft.js';
import type { DspBlockPlan, DspBlockSpec } from './plan.js';

const AUDIO_KINDS = ['mfcc', 'mfe', 'spectrogram'] as const;
type AudioKind = (typeof AUDIO_KINDS)[number];

export function isAudioKind(kind: string): kind is AudioKind {
  return (AUDIO_KINDS as readonly string[]).includes(kind);
}

const blockFile: Record<AudioKind, string> = { mfcc: 'kiln_mfcc.c', mfe: 'kiln_mfe.c', spectrogram: 'kiln_spectrogram.c' };

/** Plan of an MFCC, MFE or spectrogram block. */
export function planAudioBlock(block: DspBlockSpec, instance: string): DspBlockPlan {
  checkCIdentifier(instance);
  const kind = block.kind;
  if (!isAudioKind(kind)) throw new RangeError(`${kind} is not an audio block`);
  const length = checkLikeTheStudio(kind, block);
  const fs = block.frequencyHz;
  switch (kind) {
    case 'mfcc': {
      const p = parseMfccParams(block.params);
      const layout = frameLayout(block.readings, fs, p.frameLength, p.frameStride);
      const fb = melFilterbank(p.numFilters, p.fftLength, fs, p.lowFrequency, p.highFrequency);
      const nc = Math.min(p.numCepstral, p.numFilters);
      checkCFftLength(p.fftLength, 'MFCC', 'fft_length');
      const dct = dctMatrix(p.numFilters, nc).subarray(p.numFilters);
      const winSize = Math.max(0, p.winSize);
      const decl = [
        fftTableDecl(p.fftLength),
        ...filterbankDecl(instance, fb),
        cArray('float', `${instance}_dct`, Array.from(dct, cFloat), 6),
        `static const kiln_mfcc_config ${instance}_config = {`,
        `    ${framingInit(block.readings, layout, p.fftLength)},`,
        `    ${filterbankInit(instance, fb)},`,
        `    ${cFloat(p.preCof)}, ${p.preShift}u, ${nc}u, ${winSize}u, ${instance}_dct`,
        '};',
      ];
      const cmvn = winSize > 0 ? 3 * layout.frames + 2 * winSize : 0;
      const scratch = Math.max(frameWork(p.fftLength) + p.numFilters, cmvn);
      return plan(kind, instance, p.fftLength, decl, length, scratch);
    }
    case 'mfe': {
      const p = parseMfeParams(block.params);
      const layout = frameLayout(block.readings, fs, p.frameLength, p.frameStride);
      const fb = melFilterbank(p.numFilters, p.fftLength, fs, p.lowFrequency, p.highFrequency);
      checkCFftLength(p.fftLength, 'MFE', 'fft_length');
      const decl = [
        fftTableDecl(p.fftLength),
        ...filterbankDecl(instance, fb),
        `static const kiln_mfe_config ${instance}_config = {`,
        `    ${framingInit(block.readings, layout, p.fftLength)},`,
        `    ${filterbankInit(instance, fb)},`,
        `    ${cFloat(p.noiseFloorDb)}`,
        '};',
      ];
      return plan(kind, instance, p.fftLength, decl, length, frameWork(p.fftLength) + p.numFilters);
    }
    case 'spectrogram': {
      const p = parseSpectrogramParams(block.params);
      const layout = frameLayout(block.readings, fs, p.frameLength, p.frameStride);
      checkCFftLength(p.fftLength, 'Spectrogram', 'fft_length');
      const decl = [
        fftTableDecl(p.fftLength),
        `static const kiln_spectrogram_config ${instance}_config = {`,
        `    ${framingInit(block.readings, layout, p.fftLength)},`,
        `    ${cFloat(p.noiseFloorDb)}`,
        '};',
      ];
      return plan(kind, instance, p.fftLength, decl, length, frameWork(p.fftLength));
    }
  }
}

/**
 * Runs the studio's own block once on a silent window of this size: every check the studio
 * makes (one axis, frame count, filterbank coverage, parameter ranges) applies to the export
 * with the same message, and the output length is the studio's. Returns that length.
 */
function checkLikeTheStudio(kind: AudioKind, block: DspBlockSpec): number {
  const dsp = getDspBlock(kind);
  const axes = Array.from({ length: block.axes }, (_, i) => `axis${i + 1}`);
  const out = dsp.run({ axes, frequencyHz: block.frequencyHz, values: new Float32Array(block.readings * block.axes) }, block.params);
  return out.features.length;
}

/** kiln_audio_frame_power's work space: frame, spectrum and FFT scratch. */
function frameWork(fftLength: number): number {
  return 3 * fftLength + 2;
}

function framingInit(readings: number, layout: FrameLayout, fftLength: number): string {
  return `{ ${readings}u, ${layout.frameLength}u, ${layout.frameStride}u, ${layout.frames}u, ${fftLength}u }`;
}

function filterbankDecl(instance: string, fb: MelFilterbank): string[] {
  const u16 = (v: number): string => {
    if (v < 0 || v > 0xffff) throw new RangeError(`filterbank index ${v} does not fit in uint16`);
    return `${v}u`;
  };
  return [
    cArray('uint16_t', `${instance}_mel_starts`, Array.from(fb.starts, u16), 12),
    cArray('uint16_t', `${instance}_mel_offsets`, Array.from(fb.offsets, u16), 12),
    cArray('float', `${instance}_mel_weights`, Array.from(fb.weights, cFloat), 6),
  ];
}

function filterbankInit(instance: string, fb: MelFilterbank): string {
  return `{ ${fb.numFilters}u, ${instance}_mel_starts, ${instance}_mel_offsets, ${instance}_mel_weights }`;
}

function plan(kind: AudioKind, instance: string, fftLength: number, decl: string[], outputLength: number, scratchFloats: number): DspBlockPlan {
  return {
    kind,
    sources: [...FFT_SOURCES, 'kiln_audio.h', 'kiln_audio_frames.c', blockFile[kind]],
    defines: [fftDefine(fftLength)],
    configDecl: decl.join('\n'),
    call: (input, output, scratch) => `kiln_${kind}(&${instance}_config, ${input}, ${output}, ${scratch})`,
    outputLength,
    scratchFloats,
  };
}
