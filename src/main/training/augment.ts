/**
 * Seeded data augmentation applied to training rows only, fresh every epoch: Gaussian noise,
 * time shift and SpecAugment-style time / frequency masks on [frames, coefficients] features.
 */
import { KilnError } from '../../shared/errors.js';
import type { Rng } from '../../shared/model/random.js';

export interface AugmentationSettings {
  /** Gaussian noise, standard deviation as a fraction of the training features' std (e.g. 0.1) */
  noise?: number;
  /** shift each row by up to this many frames either way (zero fill); needs [frames, coefficients] */
  timeShift?: number;
  /** zero one band of up to this many coefficients; needs [frames, coefficients] */
  freqMask?: number;
  /** zero one run of up to this many frames; needs [frames, coefficients] */
  timeMask?: number;
}

export interface Augmenter {
  /** augment one row in place */
  apply(row: Float32Array, rng: Rng): void;
}

/** Check the settings against the feature shape and return an augmenter, or null when nothing is on. */
export function createAugmenter(settings: AugmentationSettings | undefined, featureShape: readonly number[], featureStd: number): Augmenter | null {
  if (!settings) return null;
  const noise = settings.noise ?? 0;
  const shift = settings.timeShift ?? 0;
  const fMask = settings.freqMask ?? 0;
  const tMask = settings.timeMask ?? 0;
  for (const [k, v] of Object.entries({ noise, timeShift: shift, freqMask: fMask, timeMask: tMask })) {
    if (!Number.isFinite(v) || v < 0) {
      throw new KilnError('BAD_PARAMS', `Augmentation "${k}" must be a number ≥ 0, got ${v}`, { field: `augmentation.${k}` });
    }
  }
  if (noise === 0 && shift === 0 && fMask === 0 && tMask === 0) return null;
  const timeBased = shift > 0 || fMask > 0 || tMask > 0;
  if (timeBased && featureShape.length !== 2) {
    throw new KilnError('BAD_PARAMS', `Time shift and masks need features shaped [frames, coefficients]; these are [${featureShape.join(', ')}]`, {
      field: 'augmentation',
    });
  }
  const frames = featureShape[0]!;
  const coeffs = featureShape.length === 2 ? featureShape[1]! : 1;
  const sigma = noise * featureStd;
  const maxShift = Math.min(Math.floor(shift), frames - 1);
  const maxF = Math.min(Math.floor(fMask), coeffs);
  const maxT = Math.min(Math.floor(tMask), frames);
  let scratch = new Float32Array(0);
  return {
    apply(row, rng) {
      if (maxShift > 0) {
        const s = rng.int(2 * maxShift + 1) - maxShift;
        if (s !== 0) {
          if (scratch.length < row.length) scratch = new Float32Array(row.length);
          scratch.set(row);
          row.fill(0);
          const off = s * coeffs;
          if (s > 0) row.set(scratch.subarray(0, row.length - off), off);
          else row.set(scratch.subarray(-off, row.length));
        }
      }
      if (maxF > 0) {
        const width = rng.int(maxF + 1);
        const start = rng.int(coeffs - width + 1);
        for (let t = 0; t < frames; t++) row.fill(0, t * coeffs + start, t * coeffs + start + width);
      }
      if (maxT > 0) {
        const width = rng.int(maxT + 1);
        const start = rng.int(frames - width + 1);
        row.fill(0, start * coeffs, (start + width) * coeffs);
      }
      if (sigma > 0) for (let i = 0; i < row.length; i++) row[i] = row[i]! + sigma * rng.normal();
    },
  };
}
