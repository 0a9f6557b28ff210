import { KilnError } from '../../shared/errors';
import { parseEiAcquisition } from '../../shared/formats/eiAcquisition';
import type { ParsedSample } from '../../shared/formats/types';
import { parseForwarderLine } from './forwarderProtocol';
import type { DeviceConnection, DeviceSensor, RecordingSummary, SampleSink } from './types';

/** Client for the AT-command serial protocol of Edge Impulse's official firmware. */

const PROMPT = '> ';
/** how far into a response to look for the echoed command */
const ECHO_SEARCH_LIMIT = 64 * 1024;
/** how long to wait for an echo before accepting a prompt from a board that does not echo, ms */
const NO_ECHO_GRACE_MS = 300;

export interface AtVersion {
  major: number;
  minor: number;
  patch: number;
}

export interface EiDeviceConfig {
  info: { id: string; type: string; atVersion: AtVersion; transferBaudRate?: number };
  sensors: DeviceSensor[];
  snapshot: { hasSnapshot: boolean; resolutions: { width: number; height: number }[] };
  sampling: { label: string; intervalMs: number; lengthMs: number; hmacKey: string };
}

export interface AtClientOptions {
  /** ms between 5-byte chunks of a command (slow MCUs drop bytes otherwise; default 20) */
  chunkDelayMs?: number;
  /** default wait for the prompt, ms (default 5000) */
  timeoutMs?: number;
}

export interface ExecOptions {
  timeoutMs?: number;
  /** each complete line of the response as it arrives (progress) */
  onLine?: (line: string) => void;
  /** stop waiting (KilnError CANCELLED); the board may still finish the command on its own */
  signal?: AbortSignal;
}

export type SampleStage = 'settings' | 'starting' | 'sampling' | 'processing' | 'uploading' | 'reading' | 'done';

export interface SampleProgress {
  stage: SampleStage;
  /** the board's line that moved the stage on, when there is one */
  line?: string;
}

export interface AtSampleOptions {
  /** sensor name as listed by AT+CONFIG? (e.g. 'Built-in accelerometer') */
  sensor: string;
  label: string;
  intervalMs: number;
  lengthMs: number;
  hmacKey?: string;
  signal?: AbortSignal;
}

export interface AtSampleResult {
  sample: ParsedSample;
  /** path on the device, when the board named one */
  fileName: string;
  /** bytes read back from the board (CBOR/JSON document, possibly padded) */
  raw: Uint8Array;
}

/** Normalises line endings to `\n` (some boards send `\n`, others `\r\n`, a few lone `\r`). */
function normalise(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(/\r/g, '\n');
}

/** The response body: what lies between the echoed command line and the final prompt. */
export function extractBody(raw: string, command: string): string {
  let text = normalise(raw);
  if (text.endsWith(PROMPT)) text = text.slice(0, -PROMPT.length);
  const lines = text.split('\n');
  const echo = lines.findIndex((l) => l.replace(/^> /, '').trim() === command);
  const body = echo >= 0 ? lines.slice(echo + 1) : lines;
  while (body.length > 0 && body[body.length - 1]!.trim() === '') body.pop();
  while (body.length > 0 && body[0]!.trim() === '') body.shift();
  return body.join('\n');
}

function checkBody(body: string, command: string, path: string): void {
  if (body.includes('Not a valid AT command')) {
    throw new KilnError(
      'DEVICE_ERROR',
      `The board on ${path} does not understand ${command.split('=')[0]}. Is it running Edge Impulse firmware recent enough for Kiln?`,
      { path, command },
    );
  }
  const err = body.split('\n').find((l) => l.trim().startsWith('ERR:'));
  if (err) {
    throw new KilnError('DEVICE_ERROR', `The board refused ${command.split('=')[0]}: ${err.trim().slice(4).trim()}`, { path, command });
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class EiAtClient {
  private readonly chunkDelayMs: number;
  private readonly timeoutMs: number;
  private queue: Promise<unknown> = Promise.resolve();
  private config: EiDeviceConfig | undefined;

  constructor(
    readonly conn: DeviceConnection,
    options: AtClientOptions = {},
  ) {
    this.chunkDelayMs = options.chunkDelayMs ?? 20;
    this.timeoutMs = options.timeoutMs ?? 5000;
  }

  /** Sends one command and resolves with its body; commands never overlap. */
  exec(command: string, options: ExecOptions = {}): Promise<string> {
    const run = this.queue.then(() => this.execNow(command, options));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async execNow(command: string, options: ExecOptions): Promise<string> {
    const { conn } = this;
    if (!conn.isOpen) throw new KilnError('DEVICE_GONE', `The board on ${conn.path} is not connected.`, { path: conn.path });
    if (options.signal?.aborted) throw new KilnError('CANCELLED', `Cancelled before sending ${command.split('=')[0]}.`);
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    let raw = '';
    let pendingLine = '';
    let echoSeen = false;
    let settle: (err?: Error) => void = () => {};
    const done = new Promise<void>((resolve, reject) => {
      settle = (err) => (err ? reject(err) : resolve());
    });
    // It may settle (port gone, cancelled) while the command is still being written.
    done.catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    let graceTimer: NodeJS.Timeout | undefined;
    const armTimeout = (): void => {
      clearTimeout(timer);
      timer = setTimeout(
        () =>
          settle(
            new KilnError(
              'TIMEOUT',
              `No "> " prompt from the board on ${conn.path} within ${(timeoutMs / 1000).toFixed(1)} s after ${command}. ` +
                'Is it running Edge Impulse firmware, at the right baud rate?',
              { path: conn.path, command },
            ),
          ),
        timeoutMs,
      );
    };
    const offData = conn.onData((chunk) => {
      const text = Buffer.from(chunk).toString('latin1');
      raw += text;
      if (options.onLine) {
        pendingLine += text;
        const parts = normalise(pendingLine).split('\n');
        pendingLine = parts.pop() ?? '';
        for (const line of parts) {
          if (!echoSeen) {
            echoSeen = line.replace(/^> /, '').trim() === command;
            continue;
          }
          options.onLine(line);
        }
      }
      if (responseComplete()) settle();
    });
    // A prompt only counts once it follows our command: stale output (a boot banner, the
    // prompt of an earlier command) can still be arriving when we start writing. Checks look
    // only at the tail, so reading back a large sample stays linear.
    let writtenAt = -1;
    let writtenTime = 0;
    let echoEnd = -1;
    const findEcho = (): void => {
      for (let from = 0; from < ECHO_SEARCH_LIMIT;) {
        const i = raw.indexOf(command, from);
        if (i < 0) return;
        const next = raw[i + command.length];
        if (next === undefined) return; // its line ending has not arrived yet
        if (next === '\r' || next === '\n') {
          echoEnd = i + command.length + 1;
          return;
        }
        from = i + 1;
      }
    };
    const promptAfter = (start: number): boolean => {
      if (raw.length - start < PROMPT.length || !raw.endsWith(PROMPT)) return false;
      const before = raw[raw.length - PROMPT.length - 1];
      return raw.length - start === PROMPT.length || before === '\n' || before === '\r';
    };
    const responseComplete = (): boolean => {
      if (echoEnd < 0 && raw.length < ECHO_SEARCH_LIMIT) findEcho();
      if (echoEnd >= 0) return promptAfter(echoEnd);
      // Boards that do not echo: a prompt after the command was fully written, once an echo
      // has had time to show up (earlier, the prompt may be stale output still arriving).
      return writtenAt >= 0 && performance.now() - writtenTime >= NO_ECHO_GRACE_MS && promptAfter(writtenAt);
    };
    const offClose = conn.onClose((reason) => settle(new KilnError('DEVICE_GONE', reason, { path: conn.path, command })));
    const onAbort = (): void => settle(new KilnError('CANCELLED', `Cancelled while waiting for the board to answer ${command.split('=')[0]}.`));
    options.signal?.addEventListener('abort', onAbort);
    try {
      armTimeout();
      await this.writeSlowly(`${command}\r`);
      writtenAt = raw.length;
      writtenTime = performance.now();
      armTimeout(); // the wait starts once the command is fully written
      graceTimer = setTimeout(() => responseComplete() && settle(), NO_ECHO_GRACE_MS);
      await done;
    } finally {
      clearTimeout(timer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      offData();
      offClose();
    }
    // After a found echo, the body is everything behind it (earlier text is stale output).
    const body = echoEnd >= 0 ? extractBody(`${command}\n${raw.slice(echoEnd)}`, command) : extractBody(raw, command);
    checkBody(body, command, conn.path);
    return body;
  }

  /** Writes in 5-byte chunks, `chunkDelayMs` apart: slow MCUs drop bytes otherwise. */
  private async writeSlowly(text: string): Promise<void> {
    for (let i = 0; i < text.length; i += 5) {
      await this.conn.write(text.slice(i, i + 5));
      if (i + 5 < text.length && this.chunkDelayMs > 0) await sleep(this.chunkDelayMs);
    }
  }

  /**
   * Sends `b` at once (not queued behind a running command) to break out of an inference loop.
   * Firmware ignores it while sampling; to stop waiting for a sample, abort its signal.
   */
  async breakLoop(): Promise<void> {
    if (this.conn.isOpen) await this.conn.write('b\r');
  }

  /** Reads and parses AT+CONFIG?. */
  async readConfig(): Promise<EiDeviceConfig> {
    const body = await this.exec('AT+CONFIG?');
    this.config = parseConfig(body, this.conn.path);
    return this.config;
  }

  /**
   * Takes one sample on the board and reads it back: SAMPLESETTINGS, SAMPLESTART (progress
   * through onProgress), then READBUFFER or READFILE, decoded from the acquisition format.
   */
  async sample(options: AtSampleOptions, onProgress: (p: SampleProgress) => void = () => {}): Promise<AtSampleResult> {
    const config = this.config ?? (await this.readConfig());
    const { label, intervalMs, lengthMs } = options;
    // The board only uses the label for its file name; Kiln keeps the real one.
    const boardLabel = label.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 60) || 'sample';
    const hmacKey = options.hmacKey ?? '';
    if (/[^\x21-\x7e]|,/.test(hmacKey)) throw new KilnError('BAD_PARAMS', 'The HMAC key must be printable ASCII without commas or spaces.');
    const { signal } = options;
    await this.exec(`AT+SAMPLESETTINGS=${boardLabel},${formatNumber(intervalMs)},${Math.round(lengthMs)},${hmacKey}`, { signal });
    onProgress({ stage: 'settings' });

    let lastStage: SampleStage = 'settings';
    const body = await this.exec(`AT+SAMPLESTART=${options.sensor}`, {
      // The board waits up to a few seconds (erasing flash) before and after sampling.
      timeoutMs: lengthMs + 30_000,
      signal,
      onLine: (line) => {
        const stage = stageOf(line);
        if (stage && stage !== lastStage) onProgress({ stage, line: line.trim() });
        if (stage) lastStage = stage;
      },
    });
    const fileName = /File name:\s*(\S.*)$/m.exec(body)?.[1]?.trim() ?? '';
    const range = /Used buffer, from=(\d+), to=(\d+)/.exec(body);
    onProgress({ stage: 'reading' });
    let raw: Uint8Array;
    if (range) {
      const from = Number(range[1]);
      const length = Number(range[2]) - from;
      // the firmware's second argument is a length, not an end offset
      const text = await this.readBack(`AT+READBUFFER=${from},${length}`, config, this.transferTimeout(length), signal);
      raw = decodeBase64(text, this.conn.path);
    } else if (fileName) {
      const text = await this.readBack(`AT+READFILE=${fileName}`, config, this.transferTimeout(lengthMs * 10), signal);
      const { major, minor } = config.info.atVersion;
      raw = major > 1 || (major === 1 && minor >= 2) ? decodeBase64(text, this.conn.path) : decodeHex(text, this.conn.path);
    } else {
      throw new KilnError('BAD_DATA', `The board on ${this.conn.path} finished sampling but named neither a buffer range nor a file to read.`, {
        path: this.conn.path,
      });
    }
    const sample = parseEiAcquisition(raw, fileName || `${boardLabel}.cbor`, hmacKey || undefined);
    sample.label = label;
    onProgress({ stage: 'done' });
    return { sample, fileName, raw };
  }

  /**
   * Sends a read-back command and returns only its payload. When the board reports a faster
   * data-transfer baud rate (AT+CONFIG?), asks for it with the third argument `y`, as Edge
   * Impulse's daemon does: the board answers `OK`, switches speed, sends the payload (often
   * followed by another `OK`) and switches back; the port follows it and is restored after.
   */
  private async readBack(command: string, config: EiDeviceConfig, timeoutMs: number, signal: AbortSignal | undefined): Promise<string> {
    const { conn } = this;
    const normal = conn.baudRate;
    const fast = config.info.transferBaudRate;
    const switchSpeed = conn.setBaudRate && normal !== undefined && fast !== undefined && fast > normal;
    if (!switchSpeed) return payloadOf(await this.exec(command, { timeoutMs, signal }));
    let switched: Promise<void> | undefined;
    try {
      const text = await this.exec(`${command},y`, {
        timeoutMs,
        signal,
        onLine: (line) => {
          if (!switched && line.trim() === 'OK') switched = conn.setBaudRate!(fast);
        },
      });
      await switched;
      return payloadOf(text);
    } finally {
      if (switched) await switched.catch(() => undefined);
      if (conn.isOpen && conn.baudRate !== normal) await conn.setBaudRate!(normal).catch(() => undefined);
    }
  }

  /** Reading back a sample takes ~2 chars per byte at serial speed; allow generously. */
  private transferTimeout(bytes: number): number {
    return Math.max(this.timeoutMs, 10_000 + bytes / 2);
  }
}

/** Takes one sample on an AT board and writes it into `sink` (begin, one append, finish). */
export async function recordAt(
  client: EiAtClient,
  options: AtSampleOptions,
  sink: SampleSink,
  onProgress?: (p: SampleProgress) => void,
): Promise<RecordingSummary & { sample: ParsedSample }> {
  const { sample } = await client.sample(options, onProgress);
  await sink.begin({
    label: options.label,
    intervalMs: sample.intervalMs,
    sensors: sample.sensors,
    deviceName: sample.deviceName ?? client.conn.path,
    deviceType: sample.deviceType ?? 'EI_AT_DEVICE',
  });
  await sink.append(sample.values);
  const expected = Math.round(options.lengthMs / options.intervalMs);
  await sink.finish({ truncated: false });
  return { truncated: false, readings: sample.readings, expectedReadings: expected, malformedLines: 0, boardErrors: [], sample };
}

function stageOf(line: string): SampleStage | null {
  const l = line.trim();
  if (/^Starting in/i.test(l)) return 'starting';
  if (/^Sampling\.\.\./i.test(l)) return 'sampling';
  if (/^(Done sampling|Processing)/i.test(l)) return 'processing';
  if (/Uploading/i.test(l)) return 'uploading';
  return null;
}

function formatNumber(n: number): string {
  return String(Number(n.toFixed(6)));
}

/** The data lines of a read-back body: the `OK` lines some firmware prints around it are not data. */
export function payloadOf(body: string): string {
  return body
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && l !== 'OK')
    .join('');
}

function decodeBase64(text: string, path: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 === 1) {
    throw new KilnError('BAD_DATA', `The board on ${path} sent a sample that is not valid base64 (starts "${clean.slice(0, 20)}").`, { path });
  }
  return new Uint8Array(Buffer.from(clean, 'base64'));
}

function decodeHex(text: string, path: string): Uint8Array {
  const clean = text.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) {
    throw new KilnError('BAD_DATA', `The board on ${path} sent a sample that is not valid hex (starts "${clean.slice(0, 20)}").`, { path });
  }
  return new Uint8Array(Buffer.from(clean, 'hex'));
}

// ---------------------------------------------------------------------------------------------
// AT+CONFIG? parsing

const SECTION = /=\s*([A-Za-z][A-Za-z ]*?)\s*=/;

/** Known sensors of firmware that lists only names (no frequencies). */
const OLD_SENSOR_DEFAULTS: Record<string, { frequencies: number[]; maxSampleLengthS: number }> = {
  'built-in accelerometer': { frequencies: [62.5, 100], maxSampleLengthS: 300 },
  'built-in microphone': { frequencies: [16000], maxSampleLengthS: 60 },
};

/** Parses the body of AT+CONFIG? into sections; keys are compared case-insensitively. */
export function parseConfig(body: string, path = 'the board'): EiDeviceConfig {
  const sections = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const rawLine of normalise(body).split('\n')) {
    const line = rawLine.trim();
    if (line === '') continue;
    const header = /^=+/.test(line) ? SECTION.exec(line) : null;
    if (header) {
      current = [];
      sections.set(header[1]!.toLowerCase(), current);
    } else {
      current?.push(line);
    }
  }
  const info = sections.get('device info');
  if (!info) {
    throw new KilnError('BAD_DATA', `The board on ${path} answered AT+CONFIG? without a "Device info" section; is it Edge Impulse firmware?`, {
      path,
    });
  }
  const kv = (lines: string[] | undefined): Map<string, string> => {
    const m = new Map<string, string>();
    for (const l of lines ?? []) {
      const i = l.indexOf(':');
      if (i > 0) m.set(l.slice(0, i).trim().toLowerCase(), l.slice(i + 1).trim());
    }
    return m;
  };
  const dev = kv(info);
  const [major = 0, minor = 0, patch = 0] = (dev.get('at version') ?? '0.0.0').split('.').map((x) => Number.parseInt(x, 10) || 0);
  const baud = Number.parseInt(dev.get('data transfer baudrate') ?? '', 10);

  const snap = kv(sections.get('snapshot'));
  const resolutions = [...(snap.get('resolutions') ?? '').matchAll(/(\d+)\s*x\s*(\d+)/g)].map((m) => ({
    width: Number(m[1]),
    height: Number(m[2]),
  }));

  const sampling = kv(sections.get('sampling parameters'));
  return {
    info: {
      id: dev.get('id') ?? '',
      type: dev.get('type') ?? '',
      atVersion: { major, minor, patch },
      ...(Number.isFinite(baud) ? { transferBaudRate: baud } : {}),
    },
    sensors: (sections.get('sensors') ?? []).map(parseSensorLine).filter((s): s is DeviceSensor => s !== null),
    snapshot: { hasSnapshot: (snap.get('has snapshot') ?? '0').trim() === '1', resolutions },
    sampling: {
      label: sampling.get('label') ?? '',
      intervalMs: Number.parseFloat(sampling.get('interval') ?? '') || 0,
      lengthMs: Number.parseFloat(sampling.get('length') ?? '') || 0,
      hmacKey: sampling.get('hmac key') ?? '',
    },
  };
}

/** `Name: X, Max sample length: 300s, Frequencies: [62.50Hz, 100.00Hz]`, or just `X` (old firmware). */
export function parseSensorLine(line: string): DeviceSensor | null {
  const l = line.trim();
  if (l === '') return null;
  const named = /^Name:\s*([^,]+)/i.exec(l);
  if (!named) {
    const known = OLD_SENSOR_DEFAULTS[l.toLowerCase()];
    return { name: l, frequencies: known?.frequencies ?? [], maxSampleLengthS: known?.maxSampleLengthS ?? 0 };
  }
  const name = named[1]!.trim();
  const max = /Max sample length:\s*([\d.]+)\s*s/i.exec(l);
  const freqs = /Frequencies:\s*\[([^\]]*)\]/i.exec(l);
  const frequencies = freqs
    ? [...freqs[1]!.matchAll(/([\d.]+)\s*Hz/gi)].map((m) => Number(m[1])).filter((f) => f > 0)
    : (OLD_SENSOR_DEFAULTS[name.toLowerCase()]?.frequencies ?? []);
  return {
    name,
    frequencies,
    maxSampleLengthS: max ? Number(max[1]) : (OLD_SENSOR_DEFAULTS[name.toLowerCase()]?.maxSampleLengthS ?? 0),
  };
}

// ---------------------------------------------------------------------------------------------
// Probing

export interface ProbeResult {
  protocol: 'ei-at' | 'forwarder' | 'unknown';
  config?: EiDeviceConfig;
}

/**
 * Decides what a port speaks: sends AT+CONFIG? and waits for a prompt (Edge Impulse firmware);
 * otherwise numeric lines mean a data forwarder.
 */
export async function probe(conn: DeviceConnection, options: { timeoutMs?: number; chunkDelayMs?: number } = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 1500;
  let numericLines = 0;
  let fieldCount = -1;
  const offLine = conn.onLine((line) => {
    const v = parseForwarderLine(line);
    if (!v) return;
    if (fieldCount === -1 || v.length === fieldCount) numericLines++;
    fieldCount = v.length;
  });
  try {
    const client = new EiAtClient(conn, { timeoutMs, chunkDelayMs: options.chunkDelayMs ?? 20 });
    try {
      const body = await client.exec('AT+CONFIG?');
      return { protocol: 'ei-at', config: parseConfig(body, conn.path) };
    } catch (e) {
      if (e instanceof KilnError && e.code === 'DEVICE_GONE') throw e;
    }
    return { protocol: numericLines >= 3 ? 'forwarder' : 'unknown' };
  } finally {
    offLine();
  }
}
