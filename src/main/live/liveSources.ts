/**
 * Streams for live classification: a virtual device, a data-forwarder board, or an Edge
 * Impulse AT board (which samples one window at a time). Each says what axes and rate it gives
 * and pushes interleaved readings as they arrive; `end` reports when it stops by itself
 * (unplugged, silent) with a sentence for the user.
 */
import { KilnError } from '../../shared/errors';
import { sameFrequency } from '../../shared/impulse/impulse';
import { EiAtClient, probe, type EiDeviceConfig } from '../devices/eiAtProtocol';
import { detect, parseForwarderLine } from '../devices/forwarderProtocol';
import { SerialConnection, DEFAULT_BAUD_RATE } from '../devices/serialConnection';
import type { DeviceConnection } from '../devices/types';
import { VIRTUAL_DEVICES, type VirtualDevice } from '../devices/virtual/virtualDevice';

export interface ChunkInfo {
  /** the readings do not follow the previous ones (an AT board samples window by window) */
  restart?: boolean;
}

export interface LiveStreamSource {
  /** a sentence naming the source: "Virtual accelerometer (wave)", "data forwarder on /dev/ttyACM0" */
  readonly description: string;
  /** names of the values in each reading, in order */
  readonly axes: readonly string[];
  /** Hz */
  readonly frequencyHz: number;
  /** the axis names are made up (a forwarder's axis1, axis2…), so matching by position is fair */
  readonly genericAxes: boolean;
  /** begins pushing readings; `onEnd` is called once when the source stops by itself */
  start(onChunk: (values: Float32Array, info?: ChunkInfo) => void, onEnd: (reason: string) => void): void;
  /** stops and releases the port; safe to call twice */
  stop(): Promise<void>;
  /** virtual devices: switch motion/word */
  setVariant?(variant: string): string;
}

// --- virtual --------------------------------------------------------------------------

/** The virtual device with id `virtual-accelerometer` / `virtual-microphone`. */
export function findVirtualDevice(id: string): VirtualDevice {
  const d = VIRTUAL_DEVICES.find((v) => `virtual-${v.info.id}` === id || v.info.path === id);
  if (!d) throw new KilnError('NOT_FOUND', `No virtual device "${id}"; there are ${VIRTUAL_DEVICES.map((v) => `virtual-${v.info.id}`).join(', ')}`);
  return d;
}

/** The virtual device whose axes and rate fit an impulse input, if any. */
export function suggestVirtualDevice(input: { axes: readonly string[]; frequencyHz: number }): 'virtual-accelerometer' | 'virtual-microphone' | null {
  for (const d of VIRTUAL_DEVICES) {
    const axes = d.sensors.map((s) => s.name.toLowerCase());
    const fitsAxes = input.axes.every((a) => axes.includes(a.toLowerCase()));
    const fitsRate = d.info.sensors[0]!.frequencies.some((f) => sameFrequency(f, input.frequencyHz));
    if (fitsAxes && fitsRate) return `virtual-${d.info.id}` as 'virtual-accelerometer' | 'virtual-microphone';
  }
  return null;
}

export interface VirtualSourceOptions {
  variant?: string | undefined;
  seed?: number | undefined;
  /** the rate the impulse wants; used when the device offers it */
  preferredHz?: number | undefined;
  /** ms between chunks (default 50) */
  chunkMs?: number;
}

export function openVirtualSource(id: string, o: VirtualSourceOptions = {}): LiveStreamSource {
  const device = findVirtualDevice(id);
  const offered = device.info.sensors[0]!.frequencies;
  const hz = o.preferredHz !== undefined ? (offered.find((f) => sameFrequency(f, o.preferredHz!)) ?? device.defaultHz) : device.defaultHz;
  const checkVariant = (v: string): string => {
    if (!device.variants.includes(v)) {
      throw new KilnError('BAD_PARAMS', `${device.info.name} cannot produce "${v}"; choose one of ${device.variants.join(', ')}`, { field: 'variant' });
    }
    return v;
  };
  let variant = checkVariant(o.variant ?? device.variants.find((v) => v !== 'idle' && v !== 'noise')!);
  const seed = o.seed ?? Math.floor(Math.random() * 2 ** 31);
  let push: ((values: Float32Array) => void) | null = null;
  let stopStream: (() => void) | null = null;
  const run = (): void => {
    stopStream?.();
    // the microphone says its word once per second, like a person repeating it
    stopStream = device.start((v) => push?.(v), { variant, seed, frequencyHz: hz, chunkMs: o.chunkMs ?? 50, lengthMs: 1000 });
  };
  const source: LiveStreamSource = {
    get description() {
      return `${device.info.name} (${variant})`;
    },
    axes: device.sensors.map((s) => s.name),
    frequencyHz: hz,
    genericAxes: false,
    start(onChunk) {
      push = onChunk;
      run();
    },
    stop() {
      stopStream?.();
      stopStream = null;
      push = null;
      return Promise.resolve();
    },
    setVariant(v) {
      variant = checkVariant(v);
      if (push) run();
      return variant;
    },
  };
  return source;
}

// --- serial ---------------------------------------------------------------------------

export interface SerialSourceOptions {
  baudRate?: number | undefined;
  /** the rate the impulse wants: the forwarder's measured rate snaps to it when within 10 % */
  expectedHz?: number | undefined;
  /** the readings one AT sample should hold, ms (the impulse window) */
  windowMs: number;
  /** axis names the user gave a forwarder on the Devices page */
  axisNames?: string[] | undefined;
  /** a forwarder's rate when already known (skips the 2 s measurement) */
  knownHz?: number | undefined;
  /** status lines while connecting ("Probing…", "Measuring the rate…") */
  onStatus?: (text: string) => void;
}

/** Opens a serial board and works out what it speaks, then streams from it. */
export async function openSerialSource(path: string, o: SerialSourceOptions): Promise<LiveStreamSource> {
  o.onStatus?.(`Opening ${path}…`);
  const conn = await SerialConnection.open(path, o.baudRate ?? DEFAULT_BAUD_RATE);
  try {
    return await identify(conn, o);
  } catch (e) {
    await conn.close().catch(() => undefined);
    throw e;
  }
}

/** Probes a connection (AT firmware or forwarder) and returns the matching source. */
export async function identify(conn: DeviceConnection, o: SerialSourceOptions): Promise<LiveStreamSource> {
  if (o.knownHz === undefined || o.axisNames === undefined) {
    o.onStatus?.('Asking the board what it runs…');
    const probed = await probe(conn, { timeoutMs: 1500 });
    if (probed.protocol === 'ei-at' && probed.config) return await atSource(conn, probed.config, o);
  }
  let hz = o.knownHz;
  let axes = o.axisNames;
  if (hz === undefined || axes === undefined) {
    o.onStatus?.('Measuring the data rate…');
    const found = await detect(conn, { timeoutMs: 2000, ...(o.expectedHz ? { expectedHz: o.expectedHz } : {}) });
    hz = found.frequencyHz;
    if (!axes || axes.length !== found.axes) axes = Array.from({ length: found.axes }, (_, i) => `axis${i + 1}`);
  }
  // names the user never changed (axis1, axis2…) say nothing: match those by position
  return forwarderSource(
    conn,
    axes,
    hz,
    axes.every((a, i) => a === `axis${i + 1}`),
  );
}

function forwarderSource(conn: DeviceConnection, axes: string[], hz: number, generic: boolean): LiveStreamSource {
  const offs: (() => void)[] = [];
  let stall: NodeJS.Timeout | undefined;
  let stopped = false;
  const stallMs = Math.max(2000, (10 * 1000) / hz);
  return {
    description: `data forwarder on ${conn.path} (${axes.length} axes at ${hz} Hz)`,
    axes,
    frequencyHz: hz,
    genericAxes: generic,
    start(onChunk, onEnd) {
      let ended = false;
      const end = (reason: string): void => {
        if (ended || stopped) return;
        ended = true;
        clearTimeout(stall);
        for (const off of offs) off();
        onEnd(reason);
      };
      const arm = (): void => {
        clearTimeout(stall);
        stall = setTimeout(() => end(`The board on ${conn.path} stopped sending data for ${(stallMs / 1000).toFixed(1)} s.`), stallMs);
      };
      const row = new Float32Array(axes.length);
      let first = true;
      offs.push(
        conn.onLine((line) => {
          if (first) {
            first = false; // may have started before we listened
            return;
          }
          const values = parseForwarderLine(line);
          if (!values || values.length !== axes.length) return; // ERR lines, cut or garbled lines: skipped
          for (let i = 0; i < values.length; i++) row[i] = values[i]!;
          arm();
          onChunk(row);
        }),
        conn.onClose((reason) => end(reason)),
      );
      arm();
    },
    async stop() {
      stopped = true;
      clearTimeout(stall);
      for (const off of offs) off();
      await conn.close().catch(() => undefined);
    },
  };
}

/** An AT board cannot stream: it samples one window, sends it, and is asked again. */
async function atSource(conn: DeviceConnection, config: EiDeviceConfig, o: SerialSourceOptions): Promise<LiveStreamSource> {
  const expected = o.expectedHz;
  const sensor = config.sensors.find((s) => expected === undefined || s.frequencies.some((f) => sameFrequency(f, expected))) ?? config.sensors[0];
  if (!sensor) throw new KilnError('DEVICE_ERROR', `The Edge Impulse board on ${conn.path} lists no sensors`);
  const hz = expected !== undefined ? (sensor.frequencies.find((f) => sameFrequency(f, expected)) ?? sensor.frequencies[0]) : sensor.frequencies[0];
  if (!hz) throw new KilnError('DEVICE_ERROR', `The board does not say at what rate "${sensor.name}" samples`);
  const client = new EiAtClient(conn);
  const abort = new AbortController();
  let stopped = false;
  const sampleWindow = async (): Promise<{ names: string[]; values: Float32Array }> => {
    const { sample } = await client.sample({ sensor: sensor.name, label: 'live', intervalMs: 1000 / hz, lengthMs: o.windowMs, signal: abort.signal });
    return { names: sample.sensors.map((s) => s.name), values: sample.values };
  };
  // The sensor list does not name the axes; the first window does (and is classified too).
  let first: { names: string[]; values: Float32Array } | null = null;
  if (!sensor.axes) {
    o.onStatus?.(`Taking a first ${o.windowMs} ms sample on the board…`);
    first = await sampleWindow();
  }
  const axes = sensor.axes ?? first!.names;
  const reorder = (w: { names: string[]; values: Float32Array }): Float32Array | string => {
    const n = w.names.length;
    const index = axes.map((a) => w.names.indexOf(a));
    if (index.some((j) => j < 0)) return `The board sent axes ${w.names.join(', ')}, not ${axes.join(', ')}.`;
    const readings = Math.floor(w.values.length / n);
    const out = new Float32Array(readings * axes.length);
    for (let r = 0; r < readings; r++) for (let a = 0; a < axes.length; a++) out[r * axes.length + a] = w.values[r * n + index[a]!]!;
    return out;
  };
  return {
    description: `${config.info.type || 'Edge Impulse board'} on ${conn.path} (${sensor.name}, one window at a time)`,
    axes,
    frequencyHz: hz,
    genericAxes: false,
    start(onChunk, onEnd) {
      void (async () => {
        try {
          while (!stopped) {
            const w = first ?? (await sampleWindow());
            first = null;
            if (stopped) return;
            const values = reorder(w);
            if (typeof values === 'string') {
              onEnd(values);
              return;
            }
            onChunk(values, { restart: true });
          }
        } catch (e) {
          if (!stopped) onEnd(e instanceof Error ? e.message : String(e));
        }
      })();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      abort.abort();
      await client.breakLoop().catch(() => undefined);
      await conn.close().catch(() => undefined);
    },
  };
}
