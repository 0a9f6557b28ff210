import { KilnError } from '../../shared/errors';
import { ChunkedSinkWriter } from './chunkedSinkWriter';
import type { DeviceConnection, RecordingSummary, SampleSink } from './types';

/** Edge Impulse data-forwarder protocol: a board prints one line of numbers per reading. */

const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const SEPARATORS = /[,\t ]+/;

/** Numbers in one forwarder line, or null when any field is not a number. */
export function parseForwarderLine(line: string): number[] | null {
  const trimmed = line.trim();
  if (trimmed === '') return null;
  const fields = trimmed.split(SEPARATORS);
  const out: number[] = new Array<number>(fields.length);
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]!;
    if (!NUMBER.test(f)) return null;
    out[i] = Number(f);
  }
  return out;
}

export interface DetectOptions {
  /** how long to listen, ms (default 2000; longer when expectedHz asks for it) */
  timeoutMs?: number;
  /** the frequency the user expects; snaps the measurement to it when within 10 % */
  expectedHz?: number;
}

export interface DetectResult {
  axes: number;
  /** readings per second */
  frequencyHz: number;
  /** one valid line as the board printed it, for showing to the user */
  sampleLine: string;
  /** lines skipped because they were not numeric or had another field count */
  malformedLines: number;
  /** lines used for the measurement */
  linesSeen: number;
}

/** Frequencies boards commonly print at; a measurement within 5 % snaps to the nearest. */
const COMMON_HZ = [1, 2, 4, 5, 10, 12.5, 15, 16, 20, 25, 30, 31.25, 40, 50, 60, 62.5, 100, 104, 119, 125, 200, 208, 250, 400, 416, 500, 800, 833, 1000, 1600, 2000, 4000, 8000, 16000];

interface TimedLine {
  line: string;
  t: number;
}

/**
 * Listens to a forwarder board and works out its field count and frequency.
 * Throws KilnError NO_DATA when nothing numeric arrives, naming the likely cause.
 */
export async function detect(conn: DeviceConnection, options: DetectOptions = {}): Promise<DetectResult> {
  const expected = options.expectedHz;
  const listenMs = Math.max(
    options.timeoutMs ?? 2000,
    // at least 2.5 periods of the expected rate, capped so a typo cannot hang the UI
    expected ? Math.min(30_000, (2.5 * 1000) / expected) : 0,
  );
  const lines: TimedLine[] = [];
  let bytes = 0;
  const rawSample: number[] = [];
  let closedReason: string | undefined;

  const startedAt = performance.now();
  const offLine = conn.onLine((line) => lines.push({ line, t: performance.now() }));
  const offData = conn.onData((chunk) => {
    bytes += chunk.length;
    for (let i = 0; i < chunk.length && rawSample.length < 4096; i++) rawSample.push(chunk[i]!);
  });
  let wake: () => void = () => {};
  const offClose = conn.onClose((reason) => {
    closedReason = reason;
    wake();
  });
  await new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, listenMs);
    wake = () => {
      clearTimeout(timer);
      resolve();
    };
  });
  offLine();
  offData();
  offClose();

  if (closedReason !== undefined) throw new KilnError('DEVICE_GONE', closedReason, { path: conn.path });

  // The first line may have started before we listened.
  const candidates = lines.slice(1).filter((l) => l.line.trim() !== '');
  const parsed = candidates.map((l) => ({ ...l, values: parseForwarderLine(l.line) }));
  const counts = new Map<number, number>();
  for (const p of parsed) if (p.values) counts.set(p.values.length, (counts.get(p.values.length) ?? 0) + 1);
  let axes = 0;
  let best = 0;
  for (const [n, c] of counts) if (c > best) [axes, best] = [n, c];

  if (best < 2) throw noDataError(conn.path, listenMs, bytes, rawSample, candidates.map((c) => c.line));
  const valid = parsed.filter((p) => p.values?.length === axes);
  if (valid.length < parsed.length * 0.5) {
    throw new KilnError(
      'BAD_DATA',
      `The board on ${conn.path} prints lines with different numbers of fields (e.g. "${clip(parsed[0]!.line)}"). ` +
        'Every line must carry the same number of readings, separated by commas, tabs or spaces.',
      { path: conn.path },
    );
  }

  // Rate over all lines (a malformed line still stands for one reading slot), between the first
  // and last arrival. Lines in the first quarter of the window are left out: output buffered
  // before we listened arrives there in one burst and would inflate the rate.
  const settled = candidates.filter((l) => l.t >= startedAt + Math.min(300, listenMs / 4));
  const timed = settled.length >= 3 ? settled : candidates;
  const measured = linesPerSecond(timed.map((l) => l.t)) ?? candidates.length / (listenMs / 1000);
  return {
    axes,
    frequencyHz: snapFrequency(measured, expected),
    sampleLine: valid[0]!.line.trim(),
    malformedLines: parsed.length - valid.length,
    linesSeen: candidates.length,
  };
}

/**
 * Least-squares slope of line number against arrival time (ms), in lines per second. Lines
 * arrive in bursts (OS buffering, a busy event loop); a fit over all of them is far steadier
 * than counting between the first and the last.
 */
function linesPerSecond(times: number[]): number | null {
  const n = times.length;
  if (n < 3) return null;
  let mt = 0;
  for (const t of times) mt += t;
  mt /= n;
  const mi = (n - 1) / 2;
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const dt = times[i]! - mt;
    num += dt * (i - mi);
    den += dt * dt;
  }
  return den > 0 ? (num / den) * 1000 : null;
}

/** Rounds a measured rate to the expected or a common frequency when close, else to 0.1 Hz. */
export function snapFrequency(measuredHz: number, expectedHz?: number): number {
  if (expectedHz && Math.abs(measuredHz - expectedHz) <= expectedHz * 0.1) return expectedHz;
  let nearest: number | undefined;
  for (const hz of COMMON_HZ) {
    const off = Math.abs(measuredHz - hz) / hz;
    if (off <= 0.05 && (nearest === undefined || off < Math.abs(measuredHz - nearest) / nearest)) nearest = hz;
  }
  if (nearest !== undefined) return nearest;
  return measuredHz >= 10 ? Math.round(measuredHz) : Math.round(measuredHz * 10) / 10;
}

function noDataError(path: string, listenMs: number, bytes: number, raw: number[], lines: string[]): KilnError {
  const secs = `${(listenMs / 1000).toFixed(1)} s`;
  if (bytes === 0) {
    return new KilnError(
      'NO_DATA',
      `No data from ${path} in ${secs}. Is the board running a sketch that prints sensor readings over serial?`,
      { path },
    );
  }
  if (looksBinary(raw)) {
    return new KilnError(
      'NO_DATA',
      `${path} sends bytes that are not text (${bytes} bytes of what looks like binary garbage) — wrong baud rate? ` +
        'Pick the rate the board uses in Serial.begin() (often 115200).',
      { path, bytes },
    );
  }
  const example = lines.find((l) => l.trim() !== '');
  return new KilnError(
    'NO_DATA',
    `${path} sends text but no numeric readings${example ? ` (e.g. "${clip(example)}")` : ''}. ` +
      'The data forwarder needs one line of numbers per reading, separated by commas, tabs or spaces.',
    { path, bytes },
  );
}

/** True when a good share of bytes are neither printable ASCII nor whitespace. */
export function looksBinary(bytes: ArrayLike<number>): boolean {
  if (bytes.length === 0) return false;
  let odd = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    const text = (b >= 0x20 && b < 0x7f) || b === 0x0a || b === 0x0d || b === 0x09;
    if (!text) odd++;
  }
  return odd / bytes.length > 0.1;
}

function clip(s: string, n = 60): string {
  const printable = s.replace(/[^\x20-\x7e]/g, '?');
  return printable.length > n ? `${printable.slice(0, n)}…` : printable;
}

export interface ForwarderRecordOptions {
  /** ms of data to keep */
  lengthMs: number;
  frequencyHz: number;
  /** axis names, as many as the board prints fields */
  axes: string[];
  label: string;
  /** units for every axis (default 'N/A') */
  units?: string;
  deviceName?: string;
  deviceType?: string;
  /** flush to the sink at least this often, ms (default 250) */
  chunkMs?: number;
  /** give up when no valid line arrives for this long, ms (default max(2000, 10 periods)) */
  stallMs?: number;
  signal?: AbortSignal;
  /** called for each `ERR…` line as it arrives */
  onBoardError?: (line: string) => void;
}

/**
 * Records `lengthMs` of forwarder data into `sink`, streaming it in chunks.
 * Malformed lines are skipped and counted; when the board goes away the sink is finished as
 * truncated and keeps what arrived. Resolves with a summary; rejects only when the sink fails.
 */
export async function record(
  conn: DeviceConnection,
  options: ForwarderRecordOptions,
  sink: SampleSink,
): Promise<RecordingSummary> {
  const { lengthMs, frequencyHz, axes } = options;
  if (!(frequencyHz > 0) || !(lengthMs > 0) || axes.length === 0) {
    throw new KilnError('BAD_PARAMS', 'Recording needs a positive length, a positive frequency and at least one axis.');
  }
  const expected = Math.max(1, Math.round((frequencyHz * lengthMs) / 1000));
  const writer = new ChunkedSinkWriter(sink, axes.length, options.chunkMs ?? 250);
  await writer.begin({
    label: options.label,
    intervalMs: 1000 / frequencyHz,
    sensors: axes.map((name) => ({ name, units: options.units ?? 'N/A' })),
    deviceName: options.deviceName ?? conn.path,
    deviceType: options.deviceType ?? 'DATA_FORWARDER',
  });

  let malformed = 0;
  const boardErrors: string[] = [];
  let firstLine = true;
  const stallMs = options.stallMs ?? Math.max(2000, (10 * 1000) / frequencyHz);
  const row = new Float32Array(axes.length);

  const outcome = await new Promise<{ truncated: boolean; reason?: string }>((resolve) => {
    let done = false;
    let stallTimer: NodeJS.Timeout | undefined;
    const finish = (r: { truncated: boolean; reason?: string }): void => {
      if (done) return;
      done = true;
      clearTimeout(stallTimer);
      offLine();
      offClose();
      options.signal?.removeEventListener('abort', onAbort);
      resolve(r);
    };
    const armStall = (): void => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(
        () =>
          finish({
            truncated: true,
            reason:
              writer.readings === 0
                ? `No readings from ${conn.path} in ${(stallMs / 1000).toFixed(1)} s; is the board still printing data?`
                : `The board on ${conn.path} stopped sending data for ${(stallMs / 1000).toFixed(1)} s; kept ${describeKept(writer.readings, expected, frequencyHz)}.`,
          }),
        stallMs,
      );
    };
    const onAbort = (): void => finish({ truncated: true, reason: `Recording cancelled; kept ${describeKept(writer.readings, expected, frequencyHz)}.` });
    const offLine = conn.onLine((line) => {
      if (done) return;
      if (firstLine) {
        firstLine = false; // may have started before we listened
        return;
      }
      const trimmed = line.trim();
      if (trimmed === '') return;
      if (/^ERR/i.test(trimmed)) {
        boardErrors.push(trimmed);
        options.onBoardError?.(trimmed);
        return;
      }
      const values = parseForwarderLine(trimmed);
      if (!values || values.length !== axes.length) {
        malformed++;
        return;
      }
      for (let i = 0; i < values.length; i++) row[i] = values[i]!;
      writer.push(row);
      armStall();
      if (writer.readings >= expected) finish({ truncated: false });
    });
    const offClose = conn.onClose((reason) =>
      finish({ truncated: true, reason: `${reason} Kept ${describeKept(writer.readings, expected, frequencyHz)}.` }),
    );
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort);
    armStall();
  });

  await writer.finish(outcome);
  return {
    ...outcome,
    readings: writer.readings,
    expectedReadings: expected,
    malformedLines: malformed,
    boardErrors,
  };
}

function describeKept(readings: number, expected: number, hz: number): string {
  return `${readings} of ${expected} readings (${(readings / hz).toFixed(2)} s)`;
}
