import type { SensorInfo } from '../types';

/** A virtual sensor's output as an endless stream; same seed, same values, however it is chunked. */
export interface SignalStream {
  readonly sensors: SensorInfo[];
  readonly frequencyHz: number;
  /** the next `readings` readings, interleaved */
  next(readings: number): Float32Array;
}
