/**
 * The shape every DSP block shares: a parameter description (drives the generated form,
 * validation and `kiln dsp run`), a pure run function and static output-shape / cost figures.
 * Parameter keys are exactly Edge Impulse's names (`fft-length`, `frame_length`, …).
 */

export type ParamValue = number | boolean | string;
export type DspParams = Record<string, ParamValue>;

export interface ParamSpec {
  /** key exactly as in Edge Impulse / the conformance files */
  key: string;
  label: string;
  type: 'int' | 'float' | 'boolean' | 'select' | 'string';
  default: ParamValue;
  min?: number;
  max?: number;
  /** for 'select' (and int selects such as FFT length) */
  options?: readonly ParamValue[];
  help?: string;
  /** only shown / used when another parameter has one of these values */
  showIf?: { key: string; values: readonly ParamValue[] };
}

/** Interleaved readings: values[r * axes.length + a]. Images: one packed 0xRRGGBB per pixel. */
export interface DspInput {
  axes: readonly string[];
  /** sampling frequency in Hz (ignored by image blocks) */
  frequencyHz: number;
  values: Float32Array;
  /** images only */
  width?: number;
  height?: number;
}

export interface DspOutputShape {
  type: 'flat' | 'spectrogram' | 'image';
  /** spectrogram: frames (or coefficients for MFCC, as Edge Impulse reports it); image: pixels */
  width?: number;
  height?: number;
  channels?: number;
}

export interface DspOutput {
  features: Float32Array;
  shape: DspOutputShape;
  /** feature names where the block names them (flatten, spectral analysis) */
  labels?: string[];
}

/** What the block needs to know about the input to compute its output size without data. */
export interface DspInputInfo {
  axes: number;
  frequencyHz: number;
  /** readings per window (time series) */
  readings: number;
  width?: number;
  height?: number;
}

export interface DspBlock {
  name: string;
  title: string;
  description: string;
  params: readonly ParamSpec[];
  /** true for audio blocks that expect one axis */
  singleAxis?: boolean;
  run(input: DspInput, params: DspParams): DspOutput;
  /** output length and shape for an input of this size */
  outputShape(info: DspInputInfo, params: DspParams): { length: number; shape: DspOutputShape };
  /** rough arithmetic operations per window, for on-device cost estimates */
  operations(info: DspInputInfo, params: DspParams): number;
}
