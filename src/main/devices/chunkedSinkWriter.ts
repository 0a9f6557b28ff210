import type { RecordingResult, SampleMeta, SampleSink } from './types';

/**
 * Buffers readings and hands them to a SampleSink at most `chunkMs` apart, keeping sink calls
 * in order even when the sink is async. A failing sink stops further appends; the error is
 * rethrown from finish().
 */
export class ChunkedSinkWriter {
  private buffer: Float32Array;
  private used = 0;
  private total = 0;
  private chain: Promise<void> = Promise.resolve();
  private error: unknown;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly sink: SampleSink,
    private readonly axes: number,
    private readonly chunkMs = 250,
  ) {
    this.buffer = new Float32Array(Math.max(axes, 256 * axes));
  }

  /** readings accepted so far */
  get readings(): number {
    return this.total;
  }

  async begin(meta: SampleMeta): Promise<void> {
    await this.sink.begin(meta);
    if (Number.isFinite(this.chunkMs)) this.timer = setInterval(() => this.flush(), this.chunkMs);
  }

  /** one reading (`axes` values) */
  push(reading: Float32Array): void {
    this.ensure(this.axes);
    this.buffer.set(reading.subarray(0, this.axes), this.used);
    this.used += this.axes;
    this.total++;
  }

  /** several interleaved readings */
  pushMany(values: Float32Array): void {
    const n = Math.floor(values.length / this.axes);
    this.ensure(n * this.axes);
    this.buffer.set(values.subarray(0, n * this.axes), this.used);
    this.used += n * this.axes;
    this.total += n;
  }

  /** hand buffered readings to the sink now */
  flush(): void {
    if (this.used === 0 || this.error !== undefined) return;
    const chunk = this.buffer.slice(0, this.used);
    this.used = 0;
    this.chain = this.chain.then(async () => {
      if (this.error !== undefined) return;
      try {
        await this.sink.append(chunk);
      } catch (e) {
        this.error = e;
      }
    });
  }

  /** flushes what is left and finishes the sink; rethrows a sink failure */
  async finish(result: RecordingResult): Promise<void> {
    clearInterval(this.timer);
    this.flush();
    await this.chain;
    if (this.error !== undefined) {
      const reason = `Saving the recording failed: ${this.error instanceof Error ? this.error.message : String(this.error)}`;
      try {
        await this.sink.finish({ truncated: true, reason });
      } catch {
        // the original failure is the one worth reporting
      }
      throw this.error;
    }
    await this.sink.finish(result);
  }

  private ensure(extra: number): void {
    if (this.used + extra <= this.buffer.length) return;
    const next = new Float32Array(Math.max(this.buffer.length * 2, this.used + extra));
    next.set(this.buffer.subarray(0, this.used));
    this.buffer = next;
  }
}
