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

/** The kind of network the default architecture builds for an input. */
export type NetworkFamily = 'dense' | 'conv1d' | 'conv2d';

export function networkFamily(input: FeatureInput): NetworkFamily {
  return input.kind === 'flat' ? 'dense' : input.kind === 'spectrogram' ? 'conv1d' : 'conv2d';
}

/**
 * Learning rate (Adam) and training cycles per network family: the one place both the training
 * page and `kiln train` take them from. Measured on the shared real datasets (bench/realData.ts):
 * dense nets on spectral features learn at 0.0005 within 100 cycles; the conv stacks on
 * MFCC/MFE/spectrogram/image features need 0.005 (the keywords demo: 77 % at 0.0005, 99 % at
 * 0.005 after 30 cycles). Early stopping ends most runs well before the cycle count.
 */
export const TRAINING_DEFAULTS: Record<NetworkFamily, { learningRate: number; epochs: number; patience: number }> = {
  dense: { learningRate: 0.0005, epochs: 100, patience: 20 },
  // casa-speech-lang: patience 20 stops at cycle 55 (84 % per test sample), 40 runs on (90 %)
  conv1d: { learningRate: 0.005, epochs: 100, patience: 40 },
  conv2d: { learningRate: 0.005, epochs: 50, patience: 20 },
};

/**
 * On by default: stop when validation accuracy (ties: loss) has not improved for the family's
 * patience; the best weights are kept. Accuracy, not loss: on small validation sets the loss of
 * the conv nets rises from cycle ~15 while accuracy still climbs (casa-speech-lang: 58 % per
 * test sample when stopping on loss, 90 % on accuracy).
 */
export const EARLY_STOPPING_DEFAULT = { minDelta: 0.001, monitor: 'accuracy' } as const;

/** On by default for audio (MFCC/MFE/spectrogram frames): noise plus SpecAugment-style masks. */
export const AUDIO_AUGMENTATION_DEFAULT = { noise: 0.1, timeMask: 4, freqMask: 2 } as const;

/**
 * Per-feature standardisation per family: on for dense nets over spectral (and other flat)
 * features, whose ranges differ by orders of magnitude; off for the conv stacks over
 * MFCC/MFE/spectrogram/image features, which the DSP already normalises (casa-speech-lang with
 * it on: 74 % per test sample; off: 90 %, bench/realData.ts, seed 1).
 */
export const FEATURE_SCALING_DEFAULT: Record<NetworkFamily, boolean> = { dense: true, conv1d: false, conv2d: false };

export interface DefaultTrainingSettings {
  learningRate: number;
  epochs: number;
  featureScaling: boolean;
  earlyStopping: { patience: number; minDelta: number; monitor: 'loss' | 'accuracy' };
  augmentation: { noise?: number; timeShift?: number; freqMask?: number; timeMask?: number };
}

/** Default training settings for a learning block's input (`audio`: the impulse reads a microphone). */
export function defaultTrainingSettings(input: FeatureInput, audio: boolean): DefaultTrainingSettings {
  const family = networkFamily(input);
  const augmentation = audio && input.kind === 'spectrogram' ? { ...AUDIO_AUGMENTATION_DEFAULT } : {};
  const { learningRate, epochs, patience } = TRAINING_DEFAULTS[family];
  return { learningRate, epochs, featureScaling: FEATURE_SCALING_DEFAULT[family], earlyStopping: { patience, ...EARLY_STOPPING_DEFAULT }, augmentation };
}

/** Below this training accuracy a classifier is called under-fitted. */
export const UNDERFIT_TRAIN_ACCURACY = 0.8;
/** Above this share of uncertain validation windows the model is called unsure. */
export const UNCERTAIN_SHARE_LIMIT = 0.5;

export interface TrainingAdviceInput {
  /** training accuracy of the last cycle run */
  trainAccuracy: number | null;
  /** share of evaluated windows whose top score is below the uncertain threshold */
  uncertainShare: number | null;
  uncertainThreshold: number;
  learningRate: number;
  epochsRun: number;
  epochs: number;
  stoppedEarly: boolean;
  family: NetworkFamily;
}

/** What to tell the user when training ends under-fitted, with what to change. */
export function trainingAdvice(a: TrainingAdviceInput): { code: 'UNDERFIT' | 'UNCERTAIN'; message: string }[] {
  const out: { code: 'UNDERFIT' | 'UNCERTAIN'; message: string }[] = [];
  const more = a.stoppedEarly ? '' : ` or train for more cycles (ran ${a.epochsRun})`;
  if (a.trainAccuracy !== null && a.trainAccuracy < UNDERFIT_TRAIN_ACCURACY) {
    const lr = a.learningRate < TRAINING_DEFAULTS[a.family].learningRate ? ` raise the learning rate to ${TRAINING_DEFAULTS[a.family].learningRate},` : '';
    out.push({
      code: 'UNDERFIT',
      message: `Under-fitted: the model gets only ${(a.trainAccuracy * 100).toFixed(0)} % of its own training windows right. Try:${lr} a larger network (more units or filters)${more}, or a window that holds a whole event.`,
    });
  }
  if (a.uncertainShare !== null && a.uncertainShare > UNCERTAIN_SHARE_LIMIT) {
    out.push({
      code: 'UNCERTAIN',
      message: `${(a.uncertainShare * 100).toFixed(0)} % of validation windows are uncertain (top score below ${a.uncertainThreshold}): the model has not separated the classes. Train longer${a.stoppedEarly ? '' : ` (ran ${a.epochsRun} cycles)`}, check the labels, or lower the uncertain threshold.`,
    });
  }
  return out;
}
