/**
 * Raw data block (Edge Impulse "Raw data", implementation version 1): the window's interleaved
 * readings, multiplied by `scale-axes`.
 */
import type { DspBlock, DspInput, DspInputInfo, DspOutput, DspParams, ParamSpec } from './block.js';
import { checkTimeSeriesInput, readNumber } from './blockParams.js';

export const rawParamSpecs: readonly ParamSpec[] = [
  { key: 'scale-axes', label: 'Scale axes', type: 'float', default: 1, help: 'Multiplies axes by this number' },
];

function runRaw(input: DspInput, params: DspParams): DspOutput {
  const scale = readNumber(rawParamSpecs, params, 'scale-axes');
  checkTimeSeriesInput('Raw data', input, false);
  const n = input.values.length;
  const features = new Float32Array(n);
  if (scale === 1) features.set(input.values);
  else for (let i = 0; i < n; i++) features[i] = input.values[i]! * scale;
  return { features, shape: { type: 'flat', width: n } };
}

export const rawBlock: DspBlock = {
  name: 'raw',
  title: 'Raw data',
  description: 'Use data without pre-processing. Useful if you want to use deep learning to learn features.',
  params: rawParamSpecs,
  run: runRaw,
  outputShape(info: DspInputInfo, params: DspParams) {
    readNumber(rawParamSpecs, params, 'scale-axes');
    const length = info.readings * info.axes;
    return { length, shape: { type: 'flat', width: length } };
  },
  operations(info: DspInputInfo) {
    return info.readings * info.axes;
  },
};
