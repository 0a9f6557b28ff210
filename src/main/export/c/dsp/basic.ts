/**
 * C plans of the raw, flatten and image blocks (resources/export/c/dsp/kiln_{raw,flatten,image}.c).
 */
import { KilnError } from '../../../../shared/errors.js';
import type { DspInputInfo } from '../../../../shared/dsp/block.js';
import { readBoolean, readNumber } from '../../../../shared/dsp/blockParams.js';
import { flattenBlock, flattenParamSpecs } from '../../../../shared/dsp/flatten.js';
import { imageBlock, parseImageChannels } from '../../../../shared/dsp/image.js';
import { rawBlock, rawParamSpecs } from '../../../../shared/dsp/raw.js';
import { cFloat } from './cSource.js';
import type { DspBlockPlan, DspBlockSpec } from './plan.js';

/** The time-series facts of a block spec, checked. */
export function timeSeriesInfo(block: DspBlockSpec): DspInputInfo {
  for (const key of ['axes', 'readings'] as const) {
    const v = block[key];
    if (!Number.isInteger(v) || v < 1)
      throw new KilnError('BAD_PARAMS', `DSP block "${block.kind}": ${key} must be a positive whole number, got ${v}`, { field: key });
  }
  return { axes: block.axes, readings: block.readings, frequencyHz: block.frequencyHz };
}

const RAW_SOURCES = ['kiln_dsp.h', 'kiln_raw.h', 'kiln_raw.c'];

export function planRawBlock(block: DspBlockSpec, instance: string): DspBlockPlan {
  const info = timeSeriesInfo(block);
  const scale = readNumber(rawParamSpecs, block.params, 'scale-axes');
  const length = rawBlock.outputShape(info, block.params).length;
  return {
    kind: block.kind,
    sources: RAW_SOURCES,
    defines: [],
    configDecl: `static const kiln_raw_config_t ${instance}_config = { ${length}u, ${cFloat(scale)} };\n`,
    call: (input, output) => `kiln_raw_run(&${instance}_config, ${input}, ${output})`,
    outputLength: length,
    scratchFloats: 0,
  };
}

/** flatten statistics in output order = bit order of KILN_FLATTEN_* in kiln_flatten.h */
const FLATTEN_STATISTICS = ['average', 'minimum', 'maximum', 'rms', 'stdev', 'skewness', 'kurtosis'] as const;

export function planFlattenBlock(block: DspBlockSpec, instance: string): DspBlockPlan {
  const info = timeSeriesInfo(block);
  const scale = readNumber(flattenParamSpecs, block.params, 'scale-axes');
  const length = flattenBlock.outputShape(info, block.params).length; // also checks one statistic is on
  let mask = 0;
  FLATTEN_STATISTICS.forEach((key, bit) => {
    if (readBoolean(flattenParamSpecs, block.params, key)) mask |= 1 << bit;
  });
  return {
    kind: block.kind,
    sources: ['kiln_dsp.h', 'kiln_stats.h', 'kiln_stats.c', 'kiln_flatten.h', 'kiln_flatten.c'],
    defines: [],
    configDecl: `static const kiln_flatten_config_t ${instance}_config = { ${info.axes}u, ${info.readings}u, ${cFloat(scale)}, 0x${mask.toString(16)}u };\n`,
    call: (input, output, scratch) => `kiln_flatten_run(&${instance}_config, ${input}, ${output}, ${scratch})`,
    outputLength: length,
    scratchFloats: info.readings,
  };
}

export function planImageBlock(block: DspBlockSpec, instance: string): DspBlockPlan {
  const { width, height } = block;
  if (!width || !height || !Number.isInteger(width) || !Number.isInteger(height)) {
    throw new KilnError('BAD_PARAMS', `Image block: the input needs a positive whole width and height, got ${width} × ${height}`, { field: 'width' });
  }
  const channels = parseImageChannels(block.params);
  const length = imageBlock.outputShape({ axes: 1, readings: width * height, frequencyHz: 0, width, height }, block.params).length;
  return {
    kind: block.kind,
    sources: ['kiln_dsp.h', 'kiln_image.h', 'kiln_image.c'],
    defines: [],
    configDecl: `static const kiln_image_config_t ${instance}_config = { ${width * height}u, ${channels === 'Grayscale' ? 1 : 0} };\n`,
    call: (input, output) => `kiln_image_run(&${instance}_config, ${input}, ${output})`,
    outputLength: length,
    scratchFloats: 0,
  };
}
