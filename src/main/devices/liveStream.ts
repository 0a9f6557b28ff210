import type { DeviceData } from '../../shared/api/devices';

/** At most this many points per axis per second go to the UI. */
const MAX_POINTS_PER_S = 500;

/**
 * Turns recorded chunks into `device.data` events for the live plot: decimated to at most
 * MAX_POINTS_PER_S readings per second and sent at most every `everyMs` (≤ 50 events/s).
 */
export class LiveStream {
  private pending: number[] = [];
  /** original index of the next reading that arrives */
  private nextIndex = 0;
  /** original index of the first pending reading */
  private pendingStart = -1;
  private timer: NodeJS.Timeout | undefined;
  readonly step: number;

  constructor(
    private readonly base: { jobId: string; device: string; axes: string[]; intervalMs: number },
    private readonly emit: (data: DeviceData) => void,
    everyMs = 100,
  ) {
    const hz = 1000 / base.intervalMs;
    this.step = Math.max(1, Math.ceil(hz / MAX_POINTS_PER_S));
    this.timer = setInterval(() => this.flush(), Math.max(20, everyMs));
    this.timer.unref?.();
  }

  /** interleaved readings as they were recorded */
  push(values: Float32Array): void {
    const axes = this.base.axes.length;
    const n = Math.floor(values.length / axes);
    for (let i = 0; i < n; i++) {
      const index = this.nextIndex + i;
      if (index % this.step !== 0) continue;
      if (this.pendingStart < 0) this.pendingStart = index;
      for (let a = 0; a < axes; a++) {
        const v = values[i * axes + a]!;
        this.pending.push(Number.isFinite(v) ? v : 0); // JSON has no NaN/Infinity
      }
    }
    this.nextIndex += n;
  }

  flush(): void {
    if (this.pending.length === 0) return;
    const values = this.pending;
    const start = this.pendingStart;
    this.pending = [];
    this.pendingStart = -1;
    this.emit({ ...this.base, start, step: this.step, values });
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}
