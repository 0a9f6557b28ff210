/**
 * Plans the C version of one DSP block of an impulse (see plan.ts for what a plan holds),
 * dispatching by block kind to the planner that knows it.
 */
import { KilnError } from '../../../../shared/errors.js';
import { planAudioBlock, isAudioKind } from './audio.js';
import { planFlattenBlock, planImageBlock, planRawBlock } from './basic.js';
import { checkCIdentifier } from './cSource.js';
import type { DspBlockPlan, DspBlockSpec } from './plan.js';
import { planSpectralBlock } from './spectral.js';

export type { DspBlockPlan, DspBlockSpec } from './plan.js';
export { dspConfigHeader } from './plan.js';
export { C_FFT_MAX, C_FFT_MIN, FFT_SOURCES, checkCFftLength, fftDefine, fftTableDecl } from './fft.js';

/** The plan of block for the C library; instance prefixes its C symbols (a C identifier). */
export function planDspBlock(block: DspBlockSpec, instance: string): DspBlockPlan {
  if (isAudioKind(block.kind)) return planAudioBlock(block, instance);
  switch (block.kind) {
    case 'raw':
      checkCIdentifier(instance);
      return planRawBlock(block, instance);
    case 'flatten':
      checkCIdentifier(instance);
      return planFlattenBlock(block, instance);
    case 'image':
      checkCIdentifier(instance);
      return planImageBlock(block, instance);
    case 'spectral_analysis':
      checkCIdentifier(instance);
      return planSpectralBlock(block, instance);
  }
  throw new KilnError('UNSUPPORTED', `The DSP block "${block.kind}" cannot be exported to C yet`, { field: 'kind' });
}
