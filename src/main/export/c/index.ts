/**
 * The EON-style C library generator: an impulse's DSP blocks, its network (int8 or float32) and
 * its anomaly block as a self-contained C99 library — straight-line kernel calls, weights as
 * const arrays, one static arena planned at export time. Passes: lower → plan lifetimes →
 * assign arena offsets → emit (see the files beside this one).
 */
import type { Impulse } from '../../../shared/impulse/impulse';
import type { AnomalyModel } from '../../../shared/model/anomaly';
import type { FloatModel } from '../../../shared/model/floatModel';
import type { Int8Model } from '../../../shared/model/int8Model';
import type { ResolvedBlock } from '../../pipeline/resolvedImpulse';
import { generateLibrary } from './library';

/** The impulse as the pipeline sees it: the saved definition and its DSP blocks resolved for the project. */
export interface CLibraryImpulse {
  /** the saved impulse (input block, DSP blocks, learning blocks) */
  definition: Impulse;
  /** `resolveBlocks(db, definition, catalog)`: every DSP block with its checked parameters */
  blocks: ResolvedBlock[];
  /** id of the learning block whose network is exported (classification or regression); null for anomaly only */
  classifier: string | null;
  /** id of the anomaly learning block whose model is `anomaly`; null when none */
  anomaly: string | null;
}

export interface CLibraryInput {
  /** library / project name (letters, digits, "_" and "-"), used in the README and build files */
  name: string;
  precision: 'int8' | 'float32';
  /** class names in output order (empty for regression) */
  labels: string[];
  impulse: CLibraryImpulse;
  /** the float32 network (needed when precision is float32) */
  float: FloatModel | null;
  /** the int8 network (needed when precision is int8) */
  int8: Int8Model | null;
  anomaly: AnomalyModel | null;
}

export interface CLibrarySummary {
  /** bytes of the static arena (network tensors and kernel scratch) */
  arenaBytes: number;
  /** bytes of const weights, biases and requantization constants in flash */
  weightBytes: number;
  /** DSP features per window (network input + anomaly-only features) */
  featureCount: number;
  labels: string[];
  precision: 'int8' | 'float32';
}

export interface CLibrary {
  /** relative path inside the library folder → contents */
  files: Map<string, string | Uint8Array>;
  summary: CLibrarySummary;
}

/**
 * Generates the C library for one trained impulse. KilnError BAD_PARAMS / UNSUPPORTED before
 * any work for a missing model, a custom DSP block or a block without a C implementation.
 */
export function generateCLibrary(input: CLibraryInput): CLibrary {
  return generateLibrary(input);
}
