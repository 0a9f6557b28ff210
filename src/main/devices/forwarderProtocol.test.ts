import { afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../shared/errors';
import { runBoardSimulator, type BoardSimulator, type BoardSimulatorOptions } from './boardSimulator';
import { detect, parseForwarderLine, record, snapFrequency } from './forwarderProtocol';
import { MemorySampleSink } from './memorySampleSink';
import { SerialConnection } from './serialConnection';
import { startPtyPair, type PtyPair } from './testing/ptyPair';
import { measureSerialIngest } from './testing/serialIngest';

let pair: PtyPair | undefined;
let sim: BoardSimulator | undefined;
let conn: SerialConnection | undefined;

afterEach(async () => {
  await conn?.close();
  await sim?.stop();
  await pair?.stop();
  conn = sim = pair = undefined;
});

async function board(options: Omit<BoardSimulatorOptions, 'path' | 'protocol'>): Promise<SerialConnection> {
  pair = await startPtyPair();
  sim = await runBoardSimulator({ path: pair.a, protocol: 'forwarder', seed: 7, ...options });
  conn = await SerialConnection.open(pair.b);
  return conn;
}

describe('parseForwarderLine', () => {
  it('accepts commas, tabs and spaces, and rejects anything non-numeric', () => {
    expect(parseForwarderLine('1.5,-2,3e2')).toEqual([1.5, -2, 300]);
    expect(parseForwarderLine('1\t2   3')).toEqual([1, 2, 3]);
    expect(parseForwarderLine(' 4, 5, 6 ')).toEqual([4, 5, 6]);
    expect(parseForwarderLine('1,abc,3')).toBeNull();
    expect(parseForwarderLine('')).toBeNull();
    expect(parseForwarderLine('nan,1')).toBeNull();
  });

  it('snaps a measured rate to the expected or a common frequency', () => {
    expect(snapFrequency(61.9)).toBe(62.5);
    expect(snapFrequency(99.2)).toBe(100);
    expect(snapFrequency(47, 50)).toBe(50);
    expect(snapFrequency(37.2)).toBe(37);
  });
});

describe('data forwarder over a pty', () => {
  it('detects 3 axes at 62.5 Hz from a simulated forwarder', async () => {
    const c = await board({ hz: 62.5, axes: 3 });
    const found = await detect(c, { timeoutMs: 1200 });
    expect(found.axes).toBe(3);
    expect(found.frequencyHz).toBe(62.5);
    expect(parseForwarderLine(found.sampleLine)).toHaveLength(3);
    expect(found.malformedLines).toBe(0);
  });

  it('records 2 s into a sink with the right number of readings, in chunks', async () => {
    const c = await board({ hz: 100, axes: 3 });
    const sink = new MemorySampleSink();
    const summary = await record(c, { lengthMs: 2000, frequencyHz: 100, axes: ['accX', 'accY', 'accZ'], label: 'wave', units: 'm/s2' }, sink);
    expect(summary).toMatchObject({ truncated: false, readings: 200, expectedReadings: 200, malformedLines: 0 });
    expect(sink.meta).toMatchObject({ label: 'wave', intervalMs: 10, sensors: [{ name: 'accX', units: 'm/s2' }, { name: 'accY' }, { name: 'accZ' }] });
    expect(sink.readings).toBe(200);
    expect(sink.chunks.length).toBeGreaterThanOrEqual(6); // streamed, not one append at the end
    expect(sink.result).toEqual({ truncated: false });
    expect(sink.values.every(Number.isFinite)).toBe(true);
  });

  it('skips and counts malformed lines and reports ERR lines from the board', async () => {
    const c = await board({
      hz: 100,
      axes: 3,
      faults: { partialLineEvery: 11, wrongFieldCountEvery: 13, nonNumericEvery: 17, errLineEvery: 29 },
    });
    const sink = new MemorySampleSink();
    const errors: string[] = [];
    const summary = await record(
      c,
      { lengthMs: 1000, frequencyHz: 100, axes: ['x', 'y', 'z'], label: 'faulty', onBoardError: (l) => errors.push(l) },
      sink,
    );
    expect(summary.truncated).toBe(false);
    expect(summary.readings).toBe(100);
    expect(summary.malformedLines).toBeGreaterThanOrEqual(15);
    expect(summary.boardErrors.length).toBeGreaterThanOrEqual(2);
    expect(errors[0]).toBe('ERR: sensor read failed');
    expect(sink.values.every(Number.isFinite)).toBe(true);
  });

  it('detection still works when some lines are malformed, and counts them', async () => {
    const c = await board({ hz: 62.5, axes: 3, faults: { partialLineEvery: 10 } });
    const found = await detect(c, { timeoutMs: 1200 });
    expect(found.axes).toBe(3);
    expect(found.frequencyHz).toBe(62.5);
    expect(found.malformedLines).toBeGreaterThan(3);
  });

  it('says "wrong baud rate?" when the board sends binary garbage', async () => {
    const c = await board({ hz: 100, faults: { garbage: true } });
    const err = await detect(c, { timeoutMs: 800 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KilnError);
    expect((err as KilnError).code).toBe('NO_DATA');
    expect((err as KilnError).message).toMatch(/wrong baud rate\?/);
  });

  it('says nothing arrived when the board is silent', async () => {
    pair = await startPtyPair();
    conn = await SerialConnection.open(pair.b);
    const err = (await detect(conn, { timeoutMs: 400 }).catch((e: unknown) => e)) as KilnError;
    expect(err.code).toBe('NO_DATA');
    expect(err.message).toMatch(/No data from .* Is the board running/);
  });

  it('keeps the received part when the board is unplugged mid-recording', async () => {
    let killed = false;
    const c = await board({
      hz: 100,
      axes: 3,
      faults: { disappearAfterMs: 900 },
      onDisappear: () => {
        killed = true;
        void pair?.stop(); // the USB device vanishes: both pty ends go away
      },
    });
    const sink = new MemorySampleSink();
    const summary = await record(c, { lengthMs: 3000, frequencyHz: 100, axes: ['x', 'y', 'z'], label: 'cut' }, sink);
    expect(killed).toBe(true);
    expect(summary.truncated).toBe(true);
    expect(summary.readings).toBeGreaterThan(50);
    expect(summary.readings).toBeLessThan(100);
    expect(sink.readings).toBe(summary.readings);
    expect(sink.result?.truncated).toBe(true);
    expect(sink.result?.reason).toMatch(/went away.*Kept \d+ of 300 readings/);
  });

  it('carries 9 axes at 1 kHz for 3 s with zero lost lines', async () => {
    const figures = await measureSerialIngest(9, 1000, 3);
    expect(figures.linesSent).toBeGreaterThanOrEqual(2900);
    expect(figures.lost).toBe(0);
    expect(figures.malformed).toBe(0);
  });

  it('records 9 axes at 1 kHz without a malformed line', async () => {
    const c = await board({ hz: 1000, axes: 9, signal: 'sine' });
    const sink = new MemorySampleSink();
    const summary = await record(c, { lengthMs: 1000, frequencyHz: 1000, axes: Array.from({ length: 9 }, (_, i) => `a${i}`), label: 'fast' }, sink);
    expect(summary).toMatchObject({ truncated: false, readings: 1000, malformedLines: 0 });
    expect(sink.values.length).toBe(9000);
  });
});
