import type { SensorInfo } from '../../shared/formats/types';

export type { SensorInfo };

/** What a recording knows before the first reading arrives. */
export interface SampleMeta {
  label: string;
  /** ms between readings */
  intervalMs: number;
  sensors: SensorInfo[];
  deviceName: string;
  deviceType: string;
}

export interface RecordingResult {
  /** true when fewer readings than asked for were kept (board unplugged, stopped, cancelled) */
  truncated: boolean;
  reason?: string;
}

/**
 * Where recorded readings go (the store implements it over SQLite).
 * `append` is called as data arrives, in chunks of at most ~250 ms of readings, so an
 * unplugged board loses at most the last chunk.
 */
export interface SampleSink {
  begin(meta: SampleMeta): void | Promise<void>;
  /** interleaved readings: values[reading * sensors.length + sensor] */
  append(values: Float32Array): void | Promise<void>;
  finish(result: RecordingResult): void | Promise<void>;
}

/** What a finished recording reports back to the caller (the sink holds the data). */
export interface RecordingSummary extends RecordingResult {
  /** readings handed to the sink */
  readings: number;
  /** readings asked for */
  expectedReadings: number;
  /** lines skipped because they were not numeric or had the wrong field count */
  malformedLines: number;
  /** `ERR…` lines the board printed while recording */
  boardErrors: string[];
}

export interface DeviceSensor {
  name: string;
  /** Hz */
  frequencies: number[];
  /** longest sample the device can take, in seconds */
  maxSampleLengthS: number;
  /** axis names when known (forwarder: named by the user; virtual: fixed) */
  axes?: string[];
}

export type DeviceKind = 'serial' | 'virtual';
export type DeviceProtocol = 'forwarder' | 'ei-at' | 'unknown';

/** One row of the Devices page. */
export interface DeviceInfo {
  id: string;
  name: string;
  kind: DeviceKind;
  /** serial path, or `virtual:<id>` for built-in devices */
  path: string;
  protocol: DeviceProtocol;
  sensors: DeviceSensor[];
  connected: boolean;
}

/** A serial port found on the machine. */
export interface PortInfo {
  path: string;
  /** how it was found: serialport's list, a /dev scan, or a path the user added */
  source: 'serialport' | 'scan' | 'user';
  /** false for a user-added path that does not exist right now */
  present: boolean;
  manufacturer?: string;
  serialNumber?: string;
  vendorId?: string;
  productId?: string;
}

/**
 * A byte stream to a board, line-split. Protocol code talks only to this, so it runs over a
 * real serial port, a pty, or an in-memory pair in tests.
 */
export interface DeviceConnection {
  readonly path: string;
  readonly isOpen: boolean;
  write(data: string | Uint8Array): Promise<void>;
  /** raw bytes as they arrive; returns an unsubscribe function */
  onData(listener: (chunk: Uint8Array) => void): () => void;
  /** complete lines without their `\r\n` / `\n` ending */
  onLine(listener: (line: string) => void): () => void;
  /** the port went away (unplugged, closed); reason is a sentence for a person */
  onClose(listener: (reason: string) => void): () => void;
  close(): Promise<void>;
  /** current baud rate, where the transport has one */
  readonly baudRate?: number;
  /** switch the port's speed (serial ports only; ptys accept and ignore it) */
  setBaudRate?(baudRate: number): Promise<void>;
}
