/**
 * Flatten block (Edge Impulse "Flatten", implementation version 1): per axis, the enabled
 * statistics of the window (after multiplying by `scale-axes`), axis-major. Skewness and
 * kurtosis follow scipy (biased; Fisher kurtosis); 0 for a constant axis where scipy gives NaN.
 */
import { KilnError } from '../errors.js';
import type { DspBlock, DspInput, DspInputInfo, DspOutput, DspParams, ParamSpec } from './block.js';
import { checkTimeSeriesInput, readBoolean, readNumber } from './blockParams.js';
import { centralMoments, kurtosisFromMoments, skewnessFromMoments, type Moments } from './statistics.js';

/** Statistic parameter keys in output order, with their feature labels. */
const STATISTICS = [
  { key: 'average', label: 'Average', title: 'Average', help: 'Calculates the average value for the window' },
  { key: 'minimum', label: 'Minimum', title: 'Minimum', help: 'Calculates the minimum value in the window' },
  { key: 'maximum', label: 'Maximum', title: 'Maximum', help: 'Calculates the maximum value in the window' },
  { key: 'rms', label: 'RMS', title: 'Root-mean square', help: 'Calculates the RMS value of the window' },
  { key: 'stdev', label: 'Stdev', title: 'Standard deviation', help: 'Calculates the standard deviation of the window' },
  { key: 'skewness', label: 'Skewness', title: 'Skewness', help: 'Calculates the skewness of the window' },
  { key: 'kurtosis', label: 'Kurtosis', title: 'Kurtosis', help: 'Calculates the kurtosis of the window' },
] as const;

type StatisticKey = (typeof STATISTICS)[number]['key'];

export const flattenParamSpecs: readonly ParamSpec[] = [
  { key: 'scale-axes', label: 'Scale axes', type: 'float', default: 1, help: 'Multiply axes by this number' },
  ...STATISTICS.map((s): ParamSpec => ({ key: s.key, label: s.title, type: 'boolean', default: true, help: s.help })),
];

function enabledStatistics(params: DspParams): StatisticKey[] {
  const enabled = STATISTICS.filter((s) => readBoolean(flattenParamSpecs, params, s.key)).map((s) => s.key);
  if (enabled.length === 0) {
    throw new KilnError('BAD_PARAMS', 'Flatten needs at least one statistic (average, minimum, maximum, rms, stdev, skewness or kurtosis)', {
      field: 'average',
    });
  }
  return enabled;
}

let column = new Float64Array(0);
const moments: Moments = { mean: 0, m2: 0, m3: 0, m4: 0 };

function runFlatten(input: DspInput, params: DspParams): DspOutput {
  const scale = readNumber(flattenParamSpecs, params, 'scale-axes');
  const enabled = enabledStatistics(params);
  const readings = checkTimeSeriesInput('Flatten', input, false);
  const axes = input.axes.length;
  if (column.length < readings) column = new Float64Array(readings);
  const features = new Float32Array(axes * enabled.length);
  let o = 0;
  for (let a = 0; a < axes; a++) {
    let min = Infinity;
    let max = -Infinity;
    let sumSquares = 0;
    for (let r = 0; r < readings; r++) {
      const v = input.values[r * axes + a]! * scale;
      column[r] = v;
      if (v < min) min = v;
      if (v > max) max = v;
      sumSquares += v * v;
    }
    centralMoments(column, 0, readings, moments);
    for (const key of enabled) {
      switch (key) {
        case 'average':
          features[o++] = moments.mean;
          break;
        case 'minimum':
          features[o++] = min;
          break;
        case 'maximum':
          features[o++] = max;
          break;
        case 'rms':
          features[o++] = Math.sqrt(sumSquares / readings);
          break;
        case 'stdev':
          features[o++] = Math.sqrt(moments.m2);
          break;
        case 'skewness':
          features[o++] = skewnessFromMoments(moments);
          break;
        case 'kurtosis':
          features[o++] = kurtosisFromMoments(moments);
          break;
      }
    }
  }
  const labels = STATISTICS.filter((s) => enabled.includes(s.key)).map((s) => s.label);
  return { features, shape: { type: 'flat', width: features.length }, labels };
}

export const flattenBlock: DspBlock = {
  name: 'flatten',
  title: 'Flatten',
  description: 'Flatten an axis into a single value, useful for slow-moving averages like temperature data, in combination with other blocks.',
  params: flattenParamSpecs,
  run: runFlatten,
  outputShape(info: DspInputInfo, params: DspParams) {
    readNumber(flattenParamSpecs, params, 'scale-axes');
    const length = info.axes * enabledStatistics(params).length;
    return { length, shape: { type: 'flat', width: length } };
  },
  operations(info: DspInputInfo, params: DspParams) {
    // one pass for min/max/rms, one for the central moments
    return info.axes * info.readings * (4 + 2 * enabledStatistics(params).length);
  },
};
