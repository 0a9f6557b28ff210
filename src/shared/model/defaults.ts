/**
 * Default architectures per kind of input, matching what Edge Impulse Studio proposes for a new
 * classification / regression block.
 */
import type { ModelSpec } from './spec.js';

export type FeatureInput =
  /** flat features, e.g. spectral analysis: `length` values per row */
  | { kind: 'flat'; length: number }
  /** MFCC / MFE / spectrogram: frame-major rows of `frames × coefficients` values */
  | { kind: 'spectrogram'; frames: number; coefficients: number }
  /** images: row-major pixels, channels last */
  | { kind: 'image'; width: number; height: number; channels: number };

/** The network Edge Impulse proposes for this input (output layer not included). */
export function defaultSpec(input: FeatureInput): ModelSpec {
  switch (input.kind) {
    case 'flat':
      return {
        inputShape: [input.length],
        layers: [
          { type: 'dense', units: 20, activation: 'relu' },
          { type: 'dense', units: 10, activation: 'relu' },
        ],
      };
    case 'spectrogram': {
      const conv = (filters: number) => ({ type: 'conv1d', filters, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }) as const;
      const pool = { type: 'maxPool1d', poolSize: 2, strides: 2, padding: 'same' } as const;
      const drop = { type: 'dropout', rate: 0.25 } as const;
      return {
        inputShape: [input.frames * input.coefficients],
        layers: [{ type: 'reshape', targetShape: [input.frames, input.coefficients] }, conv(8), pool, drop, conv(16), pool, drop, { type: 'flatten' }],
      };
    }
    case 'image': {
      const conv = (filters: number) => ({ type: 'conv2d', filters, kernelSize: 3, strides: 1, padding: 'same', activation: 'relu' }) as const;
      const pool = { type: 'maxPool2d', poolSize: 2, strides: 2, padding: 'same' } as const;
      return {
        inputShape: [input.height * input.width * input.channels],
        layers: [
          { type: 'reshape', targetShape: [input.height, input.width, input.channels] },
          conv(32),
          pool,
          conv(16),
          pool,
          { type: 'flatten' },
          { type: 'dropout', rate: 0.25 },
        ],
      };
    }
  }
}
