/**
 * Plans the C code of one DSP block of an exported impulse: which files of
 * `resources/export/c/dsp` it needs, the defines that compile in only the paths it uses, its
 * configuration as const data (tables computed here, at export time) and the call that runs
 * it. One planner per family: spectral.ts (spectral analysis), basic.ts (raw, flatten,
 * image), audio.ts (MFCC, MFE, spectrogram).
 */
import { KilnError } from '../../../../shared/errors';
import type { DspParams } from '../../../../shared/dsp/block';
import { planFlattenBlock, planImageBlock, planRawBlock } from './basic';
import { planSpectralBlock } from './spectral';

/** What the planner needs to know about a block of the impulse. */
export interface DspBlockSpec {
  /** block name as in the impulse (`spectral_analysis`, `raw`, …) */
  kind: string;
  params: DspParams;
  axes: number;
  frequencyHz: number;
  /** readings per window */
  readings: number;
  /** image blocks only */
  width?: number;
  height?: number;
}

export interface DspBlockPlan {
  kind: string;
  /** every file (headers and sources) under resources/export/c/dsp the block needs */
  sources: string[];
  /** preprocessor defines (`NAME` or `NAME=value`) for compiling those sources */
  defines: string[];
  /** C declaring `static const <type> <instance>_config = {…}` and the const tables it uses */
  configDecl: string;
  /** a C expression running the block, evaluating to KILN_DSP_OK (0) or a negative status */
  call(inputPtr: string, outputPtr: string, scratchPtr: string): string;
  /** output features */
  outputLength: number;
  /** floats of scratch space the call needs */
  scratchFloats: number;
}

/** Plans one block; a KilnError('UNSUPPORTED') for a block the C library cannot run. */
export function planDspBlock(block: DspBlockSpec, instance: string): DspBlockPlan {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(instance)) {
    throw new KilnError('BAD_PARAMS', `C instance name "${instance}" is not a C identifier`, { field: 'instance' });
  }
  switch (block.kind) {
    case 'raw':
      return planRawBlock(block, instance);
    case 'flatten':
      return planFlattenBlock(block, instance);
    case 'image':
      return planImageBlock(block, instance);
    case 'spectral_analysis':
      return planSpectralBlock(block, instance);
    default:
      throw new KilnError('UNSUPPORTED', `DSP block "${block.kind}" cannot be exported to C yet`, { field: 'kind' });
  }
}
