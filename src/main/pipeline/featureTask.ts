/** What a feature worker is asked to do for one sample, and what it answers (plain, cloneable data). */
import type { DspParams } from '../../shared/dsp/block';
import type { InputBlock } from '../../shared/impulse/impulse';

export interface FeatureTaskBlock {
  /** config hash: the cache key of this block's features */
  key: string;
  id: string;
  /** registry name */
  block: string;
  title: string;
  axes: string[];
  params: DspParams;
  /** custom blocks: the user's JavaScript */
  code?: string;
}

export interface FeatureTask {
  sample: { id: number; name: string; axes: string[]; intervalMs: number; values: Float32Array; width: number | null; height: number | null };
  input: InputBlock;
  blocks: FeatureTaskBlock[];
  /** custom blocks: limit per window, ms */
  customTimeoutMs: number;
  /** stop after this many windows (custom block tests) */
  maxWindows?: number;
}

export interface FeatureTaskResult {
  sampleId: number;
  windows: number;
  blocks: { key: string; length: number; features: Float32Array; labels?: string[] }[];
}
