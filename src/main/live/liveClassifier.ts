/**
 * Live classification of one stream: readings go into a buffer of the impulse's input axes;
 * every window increase the latest window runs through the DSP blocks and the active models,
 * giving scores per class, the top label (or uncertain), the anomaly score and the latency.
 */
import { KilnError } from '../../shared/errors';
import { readingsPerIncrease, readingsPerWindow, sameFrequency, type TimeSeriesInput } from '../../shared/impulse/impulse';
import { classifyWindow, type LiveModel, type WindowResult } from './liveModel';
import type { ChunkInfo, LiveStreamSource } from './liveSources';

/** At most this many readings per axis of the window's raw signal go to the UI. */
const MAX_SIGNAL_POINTS = 400;
/** windows queued for an asynchronous engine before new ones are dropped */
const MAX_PENDING = 4;
/** at most this share of each wall-clock second goes to classification; the rest of Kiln must keep answering */
const MAX_BUSY_SHARE = 0.5;

export interface LiveWindow {
  /** ms of stream time at the end of the window */
  t: number;
  scores: Record<string, number>;
  label: string;
  uncertain: boolean;
  anomaly: number | null;
  latencyMs: number;
  signal: { step: number; values: number[] };
}

/**
 * For each impulse input axis, the index of the source value that feeds it. Throws BAD_PARAMS
 * naming what differs (rate, axes) when the source does not fit the impulse.
 */
export function matchSource(
  input: TimeSeriesInput,
  source: Pick<LiveStreamSource, 'axes' | 'frequencyHz' | 'genericAxes' | 'description'>,
): { index: number[]; note: string | null } {
  const problems: string[] = [];
  if (!sameFrequency(source.frequencyHz, input.frequencyHz))
    problems.push(`it samples at ${+source.frequencyHz.toFixed(3)} Hz, the impulse expects ${input.frequencyHz} Hz`);
  const lower = source.axes.map((a) => a.toLowerCase());
  let index = input.axes.map((a) => lower.indexOf(a.toLowerCase()));
  let note: string | null = null;
  if (index.some((i) => i < 0)) {
    if (source.genericAxes && source.axes.length === input.axes.length) {
      index = input.axes.map((_, i) => i);
      note = `Reading the board's fields in order as ${input.axes.join(', ')}.`;
    } else {
      const missing = input.axes.filter((_, i) => index[i]! < 0);
      problems.push(
        source.genericAxes
          ? `it gives ${source.axes.length} value${source.axes.length === 1 ? '' : 's'} per reading, the impulse reads ${input.axes.length} (${input.axes.join(', ')})`
          : `it has no axis ${missing.map((a) => `"${a}"`).join(', ')} (it gives ${source.axes.join(', ')}; the impulse reads ${input.axes.join(', ')})`,
      );
    }
  }
  if (problems.length) {
    throw new KilnError(
      'BAD_PARAMS',
      `${source.description} does not fit the impulse: ${problems.join('; ')}. Choose a source that matches, or change the impulse.`,
      {
        field: 'source',
      },
    );
  }
  return { index, note };
}

/** The latest window of readings of the impulse's axes, with window ends every increase. */
export class WindowBuffer {
  readonly windowReadings: number;
  readonly increaseReadings: number;
  private readonly axes: number;
  private buf: Float32Array;
  /** readings in buf */
  private len = 0;
  /** readings since the (re)start of the stream */
  private total = 0;
  /** total at which the next window ends */
  private nextEnd: number;

  constructor(input: TimeSeriesInput) {
    this.axes = input.axes.length;
    this.windowReadings = readingsPerWindow(input);
    this.increaseReadings = readingsPerIncrease(input);
    this.buf = new Float32Array(2 * this.windowReadings * this.axes);
    this.nextEnd = this.windowReadings;
  }

  /** readings received since the last restart */
  get received(): number {
    return this.total;
  }

  /** Forgets the readings (the next ones do not follow on). */
  restart(): void {
    this.len = 0;
    this.total = 0;
    this.nextEnd = this.windowReadings;
  }

  /**
   * Adds readings (already in impulse-axis order); calls `onWindow` with each window that ends
   * inside them. When more than `maxBehind` windows are due at once, only the latest are run.
   */
  push(values: Float32Array, onWindow: (window: Float32Array, endReading: number) => void, maxBehind = 2): void {
    const a = this.axes;
    const n = Math.floor(values.length / a);
    // readings this push brings that no window will need: skip straight past them
    const due = Math.floor((this.total + n - this.nextEnd) / this.increaseReadings) + 1;
    if (due > maxBehind) this.nextEnd += (due - maxBehind) * this.increaseReadings;
    let at = 0;
    while (at < n) {
      const take = Math.min(n - at, Math.max(1, this.nextEnd - this.total), this.windowReadings);
      this.append(values.subarray(at * a, (at + take) * a));
      at += take;
      if (this.total === this.nextEnd) {
        onWindow(this.buf.subarray((this.len - this.windowReadings) * a, this.len * a), this.total);
        this.nextEnd += this.increaseReadings;
      }
    }
  }

  private append(values: Float32Array): void {
    const a = this.axes;
    const n = values.length / a;
    if ((this.len + n) * a > this.buf.length) {
      const keep = Math.min(this.len, this.windowReadings);
      this.buf.copyWithin(0, (this.len - keep) * a, this.len * a);
      this.len = keep;
    }
    this.buf.set(values, this.len * a);
    this.len += n;
    this.total += n;
  }
}

export interface LiveClassifierHandlers {
  onResult(w: LiveWindow): void;
  /** the source stopped by itself (gone, silent) or classification failed */
  onEnd(reason: string): void;
  /** something the user should know while it runs (said once) */
  onNotice?(text: string): void;
}

/** Classifies a source's stream window by window until stopped or the source ends. */
export class LiveClassifier {
  private readonly buffer: WindowBuffer;
  private readonly index: number[];
  readonly note: string | null;
  private running = false;
  private ended = false;
  /** stream time of reading 0 of the current run (AT boards restart every window) */
  private offsetReadings = 0;

  constructor(
    readonly model: LiveModel,
    readonly source: LiveStreamSource,
    private readonly handlers: LiveClassifierHandlers,
  ) {
    const m = matchSource(model.input, source);
    this.index = m.index;
    this.note = m.note;
    this.buffer = new WindowBuffer(model.input);
  }

  start(): void {
    if (this.running || this.ended) return;
    this.running = true;
    this.source.start(
      (values, info) => this.onChunk(values, info),
      (reason) => this.end(reason),
    );
  }

  async stop(): Promise<void> {
    this.running = false;
    this.ended = true;
    await this.source.stop();
    await this.queue.catch(() => undefined);
    await this.model.classifier?.dispose?.().catch(() => undefined);
  }

  private end(reason: string): void {
    if (this.ended) return;
    this.ended = true;
    this.running = false;
    void this.source.stop().catch(() => undefined);
    void this.queue.then(() => this.model.classifier?.dispose?.()).catch(() => undefined);
    this.handlers.onEnd(reason);
  }

  /** windows waiting for an asynchronous engine (ONNX Runtime), and the chain that runs them in order */
  private pending = 0;
  private queue: Promise<void> = Promise.resolve();
  /** windows left out because the engine fell behind */
  dropped = 0;
  private windowsThisSecond = 0;

  /** ms spent classifying in the current wall-clock second */
  private busyMs = 0;
  private busySince = 0;
  private noticed = false;

  private onWindow(window: Float32Array, endReading: number): void {
    const t0 = performance.now();
    if (t0 - this.busySince >= 1000) {
      this.busySince = t0;
      this.busyMs = 0;
      this.windowsThisSecond = 0;
    } else if (this.busyMs > 1000 * MAX_BUSY_SHARE) {
      // windows come faster than they can be classified: skip some rather than stall the app
      this.dropped++;
      if (!this.noticed) {
        this.noticed = true;
        this.handlers.onNotice?.(
          `Windows arrive faster than this machine classifies them (a window takes ${(this.busyMs / Math.max(1, this.windowsThisSecond)).toFixed(1)} ms); some are skipped. A longer window increase avoids this.`,
        );
      }
      return;
    }
    const r = classifyWindow(this.model, window);
    this.busyMs += performance.now() - t0;
    this.windowsThisSecond++;
    if (!(r instanceof Promise)) {
      this.handlers.onResult(this.describe(r, window, endReading, performance.now() - t0));
      return;
    }
    if (this.pending >= MAX_PENDING) {
      this.dropped++;
      r.catch(() => undefined);
      return;
    }
    this.pending++;
    const copy = window.slice(); // the buffer moves on while the engine works
    const done = r.then((res) => ({ res, ms: performance.now() - t0 }));
    done.catch(() => undefined);
    this.queue = this.queue.then(async () => {
      try {
        const { res, ms } = await done;
        if (this.running) this.handlers.onResult(this.describe(res, copy, endReading, ms));
      } catch (e) {
        this.end(`Classification stopped: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        this.pending--;
      }
    });
  }

  private onChunk(values: Float32Array, info?: ChunkInfo): void {
    if (!this.running) return;
    if (info?.restart) {
      this.offsetReadings += this.buffer.received;
      this.buffer.restart();
    }
    const src = this.source.axes.length;
    const dst = this.index.length;
    const n = Math.floor(values.length / src);
    let mapped: Float32Array;
    if (src === dst && this.index.every((j, i) => j === i)) mapped = values.subarray(0, n * src);
    else {
      mapped = new Float32Array(n * dst);
      for (let r = 0; r < n; r++) for (let a = 0; a < dst; a++) mapped[r * dst + a] = values[r * src + this.index[a]!]!;
    }
    try {
      this.buffer.push(mapped, (window, end) => this.onWindow(window, end));
    } catch (e) {
      this.end(`Classification stopped: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  private describe(r: WindowResult, window: Float32Array, endReading: number, latencyMs: number): LiveWindow {
    const c = this.model.classifier;
    const scores: Record<string, number> = {};
    if (c) c.classNames.forEach((name, i) => (scores[name] = round(r.scores[i]!, 5)));
    const axes = this.index.length;
    const readings = window.length / axes;
    const step = Math.max(1, Math.ceil(readings / MAX_SIGNAL_POINTS));
    const signal: number[] = [];
    for (let i = 0; i < readings; i += step) for (let a = 0; a < axes; a++) signal.push(finite(window[i * axes + a]!));
    return {
      t: round(((this.offsetReadings + endReading) * 1000) / this.model.input.frequencyHz, 3),
      scores,
      label: !c
        ? r.anomaly !== null && this.model.anomaly && r.anomaly > this.model.anomaly.threshold
          ? 'anomaly'
          : 'normal'
        : r.uncertain
          ? 'uncertain'
          : c.classNames[r.top]!,
      uncertain: r.uncertain,
      anomaly: r.anomaly === null ? null : round(r.anomaly, 4),
      latencyMs: round(latencyMs, 3),
      signal: { step, values: signal },
    };
  }
}

function round(v: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}

function finite(v: number): number {
  return Number.isFinite(v) ? round(v, 4) : 0;
}
