import type { RecordingResult, SampleMeta, SampleSink } from './types';

/** A SampleSink that keeps everything in memory (tests, previews, the CLI's dry runs). */
export class MemorySampleSink implements SampleSink {
  meta: SampleMeta | undefined;
  chunks: Float32Array[] = [];
  result: RecordingResult | undefined;

  begin(meta: SampleMeta): void {
    this.meta = meta;
  }

  append(values: Float32Array): void {
    this.chunks.push(values);
  }

  finish(result: RecordingResult): void {
    this.result = result;
  }

  /** all appended values, interleaved */
  get values(): Float32Array {
    const total = this.chunks.reduce((n, c) => n + c.length, 0);
    const out = new Float32Array(total);
    let at = 0;
    for (const c of this.chunks) {
      out.set(c, at);
      at += c.length;
    }
    return out;
  }

  get readings(): number {
    const axes = this.meta?.sensors.length ?? 1;
    return this.values.length / axes;
  }
}
