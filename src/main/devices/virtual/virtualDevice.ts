import { KilnError } from '../../../shared/errors';
import { ChunkedSinkWriter } from '../chunkedSinkWriter';
import type { DeviceInfo, RecordingSummary, SampleSink, SensorInfo } from '../types';
import {
  ACCELEROMETER_FREQUENCIES,
  ACCELEROMETER_SENSORS,
  MOTIONS,
  createAccelerometerStream,
  generateMotion,
  type Motion,
} from './virtualAccelerometer';
import { MICROPHONE_HZ, MICROPHONE_SENSORS, WORDS, createMicrophoneStream, generateAudio, type Word } from './virtualMicrophone';
import type { SignalStream } from './signalStream';

export interface StreamOptions {
  /** motion (accelerometer) or word (microphone) */
  variant: string;
  frequencyHz?: number;
  seed: number;
  /** ms of one recording; the microphone says its word once in this span */
  lengthMs?: number;
}

/** A built-in device that needs no hardware. */
export interface VirtualDevice {
  readonly info: DeviceInfo;
  readonly sensors: SensorInfo[];
  readonly defaultHz: number;
  /** what it can be asked to produce: motions or words */
  readonly variants: readonly string[];
  createStream(options: StreamOptions): SignalStream;
  /**
   * Pushes chunks in real time, every `chunkMs` (default 100), until the returned stop() is
   * called. Values are interleaved readings.
   */
  start(onChunk: (values: Float32Array) => void, options: StreamOptions & { chunkMs?: number }): () => void;
}

function makeDevice(
  id: string,
  name: string,
  sensors: SensorInfo[],
  frequencies: number[],
  maxSampleLengthS: number,
  variants: readonly string[],
  create: (o: StreamOptions & { frequencyHz: number }) => SignalStream,
): VirtualDevice {
  const defaultHz = frequencies[0]!;
  const createStream = (o: StreamOptions): SignalStream => {
    if (!variants.includes(o.variant)) {
      throw new KilnError('BAD_PARAMS', `${name} cannot produce "${o.variant}"; choose one of ${variants.join(', ')}.`);
    }
    return create({ ...o, frequencyHz: o.frequencyHz ?? defaultHz });
  };
  return {
    info: {
      id,
      name,
      kind: 'virtual',
      path: `virtual:${id}`,
      protocol: 'unknown',
      sensors: [{ name, frequencies, maxSampleLengthS, axes: sensors.map((s) => s.name) }],
      connected: true,
    },
    sensors,
    defaultHz,
    variants,
    createStream,
    start(onChunk, options) {
      return paceStream(createStream(options), onChunk, options.chunkMs ?? 100);
    },
  };
}

/** Feeds `stream` to `onChunk` in real time, catching up by wall clock so timers cannot drift. */
function paceStream(stream: SignalStream, onChunk: (values: Float32Array) => void, chunkMs: number): () => void {
  const t0 = performance.now();
  let sent = 0;
  const timer = setInterval(() => {
    const due = Math.floor(((performance.now() - t0) * stream.frequencyHz) / 1000) - sent;
    if (due <= 0) return;
    sent += due;
    onChunk(stream.next(due));
  }, chunkMs);
  return () => clearInterval(timer);
}

export const virtualAccelerometer = Object.assign(
  makeDevice('accelerometer', 'Virtual accelerometer', ACCELEROMETER_SENSORS, ACCELEROMETER_FREQUENCIES, 300, MOTIONS, (o) =>
    createAccelerometerStream({ motion: o.variant as Motion, frequencyHz: o.frequencyHz, seed: o.seed }),
  ),
  {
    /** `lengthMs` of `motion`, interleaved accX, accY, accZ in m/s² */
    generate: (o: { motion: Motion; lengthMs: number; frequencyHz?: number; seed: number }): Float32Array =>
      generateMotion({ ...o, frequencyHz: o.frequencyHz ?? ACCELEROMETER_FREQUENCIES[0]! }),
  },
);

export const virtualMicrophone = Object.assign(
  makeDevice('microphone', 'Virtual microphone', MICROPHONE_SENSORS, [MICROPHONE_HZ], 60, WORDS, (o) =>
    createMicrophoneStream({ word: o.variant as Word, frequencyHz: o.frequencyHz, seed: o.seed, periodMs: o.lengthMs ?? 1000 }),
  ),
  {
    /** `lengthMs` of audio with one `word` (or background noise), int16-range values */
    generate: (o: { word: Word; lengthMs: number; frequencyHz?: number; seed: number }): Float32Array => generateAudio(o),
  },
);

export const VIRTUAL_DEVICES: readonly VirtualDevice[] = [virtualAccelerometer, virtualMicrophone];

export interface VirtualRecordOptions {
  variant: string;
  label: string;
  lengthMs: number;
  frequencyHz?: number;
  seed: number;
  /** 1 = real time (default); 10 = ten times faster; Infinity = as fast as the sink takes it */
  speed?: number;
  /** ms of data per chunk handed to the sink (default 200) */
  chunkMs?: number;
  signal?: AbortSignal;
}

/** Records from a virtual device through the same SampleSink path as a board. */
export async function recordVirtual(
  device: VirtualDevice,
  options: VirtualRecordOptions,
  sink: SampleSink,
): Promise<RecordingSummary> {
  const hz = options.frequencyHz ?? device.defaultHz;
  const stream = device.createStream({ variant: options.variant, frequencyHz: hz, seed: options.seed, lengthMs: options.lengthMs });
  const axes = stream.sensors.length;
  const expected = Math.round((options.lengthMs * hz) / 1000);
  const chunkMs = options.chunkMs ?? 200;
  const perChunk = Math.max(1, Math.round((chunkMs * hz) / 1000));
  const speed = options.speed ?? 1;
  const writer = new ChunkedSinkWriter(sink, axes, Number.POSITIVE_INFINITY);
  await writer.begin({
    label: options.label,
    intervalMs: 1000 / hz,
    sensors: stream.sensors,
    deviceName: device.info.name,
    deviceType: `KILN_VIRTUAL_${device.info.id.toUpperCase()}`,
  });
  const t0 = performance.now();
  let truncated = false;
  let reason: string | undefined;
  while (writer.readings < expected) {
    if (options.signal?.aborted) {
      truncated = true;
      reason = `Recording cancelled; kept ${writer.readings} of ${expected} readings.`;
      break;
    }
    const n = Math.min(perChunk, expected - writer.readings);
    if (Number.isFinite(speed)) {
      // Wait until this chunk's last reading is "due" at the chosen speed.
      const dueAt = t0 + ((writer.readings + n) * 1000) / hz / speed;
      const wait = dueAt - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    writer.pushMany(stream.next(n));
    writer.flush();
    if (!Number.isFinite(speed)) await new Promise((r) => setImmediate(r));
  }
  const result = truncated ? { truncated, reason: reason! } : { truncated: false };
  await writer.finish(result);
  return { ...result, readings: writer.readings, expectedReadings: expected, malformedLines: 0, boardErrors: [] };
}
