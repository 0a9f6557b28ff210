/**
 * C plans of the raw, flatten and image blocks (resources/export/c/dsp/kiln_{raw,flatten,image}.c),
 * and the C literal helpers every DSP planner uses.
 */
import { KilnError } from '../../../../shared/errors';
import type { DspInputInfo } from '../../../../shared/dsp/block';
import { flattenBlock, flattenParamSpecs } from '../../../../shared/dsp/flatten';
import { imageBlock, parseImageChannels } from '../../../../shared/dsp/image';
import { rawBlock, rawParamSpecs } from '../../../../shared/dsp/raw';
import { readBoolean, readNumber } from '../../../../shared/dsp/blockParams';
import type { DspBlockPlan, DspBlockSpec } from './index';

/** The shortest C float literal that reads back as the float32 nearest to v. */
export function cFloat(v: number): string {
  if (!Number.isFinite(v)) throw new KilnError('INTERNAL', `cannot write ${v} as a C float constant`);
  const target = Math.fround(v);
  let text = String(target);
  for (let p = 1; p <= 9; p++) {
    const t = target.toPrecision(p);
    if (Math.fround(Number(t)) === target) {
      text = t;
      break;
    }
  }
  text = text.replace('e+', 'e');
  if (!/[.e]/.test(text)) text += '.0';
  return `${text}f`;
}

/** `static const <type> name[n] = {…};` wrapped at a readable width. */
export function cArray(type: string, name: string, values: ArrayLike<number>, format: (v: number) => string = String): string {
  const items = Array.from(values, format);
  const lines: string[] = [];
  for (let i = 0; i < items.length; i += 8) lines.push(`    ${items.slice(i, i + 8).join(', ')},`);
  return `static const ${type} ${name}[${items.length}] = {\n${lines.join('\n')}\n};\n`;
}

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
