import { afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../shared/errors';
import { runBoardSimulator, type AtOptions, type BoardSimulator } from './boardSimulator';
import { EiAtClient, extractBody, parseConfig, probe, recordAt, type SampleProgress } from './eiAtProtocol';
import { MemorySampleSink } from './memorySampleSink';
import { SerialConnection } from './serialConnection';
import { startPtyPair, type PtyPair } from './testing/ptyPair';
import { createAccelerometerStream } from './virtual/virtualAccelerometer';
import { createMicrophoneStream } from './virtual/virtualMicrophone';

let pair: PtyPair | undefined;
let sim: BoardSimulator | undefined;
let conn: SerialConnection | undefined;

afterEach(async () => {
  await conn?.close();
  await sim?.stop();
  await pair?.stop();
  conn = sim = pair = undefined;
});

const FAST: AtOptions = { startDelayMs: 30, timeScale: 0.05 };

async function atBoard(at: AtOptions = {}, seed = 3): Promise<EiAtClient> {
  pair = await startPtyPair();
  sim = await runBoardSimulator({ path: pair.a, protocol: 'ei-at', seed, at: { ...FAST, ...at } });
  conn = await SerialConnection.open(pair.b);
  return new EiAtClient(conn);
}

describe('AT response parsing', () => {
  it('takes the body between the echoed command and the prompt, whatever the line endings', () => {
    expect(extractBody('AT+X\r\nline 1\r\nline 2\r\n> ', 'AT+X')).toBe('line 1\nline 2');
    expect(extractBody('> AT+X\nOK\n> ', 'AT+X')).toBe('OK');
  });

  it('reads AT+CONFIG? sections, keys in any case, both sensor formats', () => {
    const body = [
      '===== Device info =====',
      'id:         AB:CD',
      'TYPE:       ARDUINO_NANO33BLE',
      'AT Version: 1.1.0',
      '===== Sensors ======',
      'Built-in accelerometer',
      'Name: Built-in microphone, Max sample length: 60s, Frequencies: [16000.00Hz]',
      '===== Snapshot ======',
      'Has snapshot:    1',
      'Resolutions:     [96x96, 160x120]',
      '===== Sampling parameters =====',
      'Label:     idle',
      'Interval:  16.00 ms.',
      'Length:    10000 ms.',
      'HMAC key:  secret',
    ].join('\n');
    const c = parseConfig(body);
    expect(c.info).toEqual({ id: 'AB:CD', type: 'ARDUINO_NANO33BLE', atVersion: { major: 1, minor: 1, patch: 0 } });
    expect(c.sensors).toEqual([
      { name: 'Built-in accelerometer', frequencies: [62.5, 100], maxSampleLengthS: 300 },
      { name: 'Built-in microphone', frequencies: [16000], maxSampleLengthS: 60 },
    ]);
    expect(c.snapshot).toEqual({
      hasSnapshot: true,
      resolutions: [
        { width: 96, height: 96 },
        { width: 160, height: 120 },
      ],
    });
    expect(c.sampling).toEqual({ label: 'idle', intervalMs: 16, lengthMs: 10000, hmacKey: 'secret' });
  });
});

describe('Edge Impulse AT board over a pty', () => {
  it('reads the config of a board with the new sensor format', async () => {
    const client = await atBoard();
    const c = await client.readConfig();
    expect(c.info).toMatchObject({
      id: 'DE:AD:BE:EF:00:01',
      type: 'KILN_BOARD_SIMULATOR',
      atVersion: { major: 1, minor: 3, patch: 0 },
      transferBaudRate: 115200,
    });
    expect(c.sensors).toEqual([
      { name: 'Built-in accelerometer', frequencies: [62.5, 100], maxSampleLengthS: 300 },
      { name: 'Built-in microphone', frequencies: [16000], maxSampleLengthS: 60 },
    ]);
    expect(c.sampling).toMatchObject({ label: 'test', intervalMs: 16, lengthMs: 10000 });
  });

  it('reads the config of old firmware that lists sensors by name only', async () => {
    const client = await atBoard({ sensorFormat: 'old', atVersion: '1.1.0' });
    const c = await client.readConfig();
    expect(c.sensors.map((s) => [s.name, s.frequencies])).toEqual([
      ['Built-in accelerometer', [62.5, 100]],
      ['Built-in microphone', [16000]],
    ]);
  });

  it('records an accelerometer sample and decodes the padded firmware CBOR from the buffer', async () => {
    const client = await atBoard({}, 11);
    const progress: SampleProgress[] = [];
    const { sample, fileName } = await client.sample({ sensor: 'Built-in accelerometer', label: 'wave', intervalMs: 16, lengthMs: 2000 }, (p) =>
      progress.push(p),
    );
    expect(fileName).toBe('/fs/wave.1');
    expect(sample.sensors.map((s) => s.name)).toEqual(['accX', 'accY', 'accZ']);
    expect(sample.intervalMs).toBe(16);
    expect(sample.readings).toBe(125);
    expect(sample.label).toBe('wave');
    const expected = createAccelerometerStream({ motion: 'wave', frequencyHz: 62.5, seed: 11 }).next(125);
    expect(Array.from(sample.values)).toEqual(Array.from(expected));
    expect(progress.map((p) => p.stage)).toEqual(['settings', 'starting', 'sampling', 'processing', 'uploading', 'reading', 'done']);
    expect(sim!.stats.commands.some((c) => /^AT\+READBUFFER=0,\d+$/.test(c))).toBe(true);
  });

  it('asks for a buffer by offset and length, wherever in the buffer the sample starts', async () => {
    const client = await atBoard({ bufferOffset: 4096, okAfterPayload: true }, 5);
    const { sample } = await client.sample({ sensor: 'Built-in accelerometer', label: 'idle', intervalMs: 16, lengthMs: 1000 });
    expect(sample.readings).toBe(63);
    const read = sim!.stats.commands.find((c) => c.startsWith('AT+READBUFFER='))!;
    const [from, length] = read.slice('AT+READBUFFER='.length).split(',').map(Number);
    expect(from).toBe(4096);
    expect(length).toBeLessThan(4096); // a length, not the end offset
  });

  it('decodes only the payload when the firmware prints OK after it', async () => {
    const client = await atBoard({ okAfterPayload: true, useFile: true }, 6);
    const { sample } = await client.sample({ sensor: 'Built-in accelerometer', label: 'wave', intervalMs: 16, lengthMs: 1000 });
    const expected = createAccelerometerStream({ motion: 'wave', frequencyHz: 62.5, seed: 6 }).next(63);
    expect(Array.from(sample.values)).toEqual(Array.from(expected));
  });

  it("switches to the board's faster data-transfer baud rate for the read-back and back again", async () => {
    const client = await atBoard({ transferBaudRate: 921600 }, 7);
    const speeds: number[] = [];
    const setBaudRate = conn!.setBaudRate.bind(conn!);
    conn!.setBaudRate = async (b: number) => {
      speeds.push(b);
      await setBaudRate(b);
    };
    const { sample } = await client.sample({ sensor: 'Built-in accelerometer', label: 'wave', intervalMs: 16, lengthMs: 1000 });
    expect(sample.readings).toBe(63);
    expect(sim!.stats.commands.some((c) => /^AT\+READBUFFER=0,\d+,y$/.test(c))).toBe(true);
    expect(speeds).toEqual([921600, 115200]);
    expect(conn!.baudRate).toBe(115200);
  });

  it('stays at the port speed when the transfer rate is not faster', async () => {
    const client = await atBoard({ transferBaudRate: 115200, useFile: true }, 8);
    await client.sample({ sensor: 'Built-in accelerometer', label: 'wave', intervalMs: 16, lengthMs: 500 });
    expect(sim!.stats.commands.some((c) => /^AT\+READFILE=[^,]+$/.test(c))).toBe(true);
  });

  it('reads a stored file as hex on AT 1.1 and as base64 on AT 1.3', async () => {
    for (const atVersion of ['1.1.0', '1.3.0']) {
      const client = await atBoard({ useFile: true, atVersion });
      const { sample } = await client.sample({ sensor: 'Built-in accelerometer', label: 'idle', intervalMs: 10, lengthMs: 500 });
      expect(sample.readings).toBe(50);
      expect(sim!.stats.commands.some((c) => c.startsWith('AT+READFILE=/fs/idle.1'))).toBe(true);
      await conn!.close();
      await sim!.stop();
      await pair!.stop();
    }
  });

  it('decodes a microphone sample stored as Ref-BINARY-i16 and streams it into a sink', async () => {
    const client = await atBoard({}, 5);
    const sink = new MemorySampleSink();
    const result = await recordAt(client, { sensor: 'Built-in microphone', label: 'yes', intervalMs: 1000 / 16000, lengthMs: 1000 }, sink);
    expect(result.sample.sensors).toEqual([{ name: 'audio', units: 'wav' }]);
    expect(result.readings).toBe(16000);
    const expected = createMicrophoneStream({ word: 'yes', frequencyHz: 16000, seed: 5, periodMs: 1000 }).next(16000);
    expect(Array.from(sink.values)).toEqual(Array.from(expected));
    expect(sink.result).toEqual({ truncated: false });
  });

  it('checks the HMAC signature of a signed sample', async () => {
    const client = await atBoard();
    const { sample } = await client.sample({ sensor: 'Built-in accelerometer', label: 'signed', intervalMs: 16, lengthMs: 500, hmacKey: 'k3y' });
    expect(sample.signatureValid).toBe(true);
  });

  it('surfaces an ERR: reply from the board as a clear error', async () => {
    const client = await atBoard();
    const err = (await client
      .sample({ sensor: 'Built-in microphone', label: 'long', intervalMs: 0.0625, lengthMs: 120_000 })
      .catch((e: unknown) => e)) as KilnError;
    expect(err).toBeInstanceOf(KilnError);
    expect(err.code).toBe('DEVICE_ERROR');
    expect(err.message).toMatch(/refused AT\+SAMPLESTART: Sample length is too long/);
  });

  it('surfaces an ERR: reply to any command', async () => {
    const client = await atBoard({ replyOverride: { command: 'AT+SAMPLESETTINGS', reply: 'ERR: Failed to allocate memory' } });
    await expect(client.sample({ sensor: 'Built-in accelerometer', label: 'x', intervalMs: 16, lengthMs: 500 })).rejects.toThrow(
      /refused AT\+SAMPLESETTINGS: Failed to allocate memory/,
    );
  });

  it('explains an unknown command', async () => {
    const client = await atBoard();
    await expect(client.exec('AT+NOPE')).rejects.toThrow(/does not understand AT\+NOPE/);
  });
});

describe('probe', () => {
  it('tells an AT board from a forwarder from a silent port', async () => {
    await atBoard();
    expect((await probe(conn!)).protocol).toBe('ei-at');
    await conn!.close();
    await sim!.stop();
    await pair!.stop();

    pair = await startPtyPair();
    sim = await runBoardSimulator({ path: pair.a, protocol: 'forwarder', hz: 50, axes: 3, seed: 1 });
    conn = await SerialConnection.open(pair.b);
    expect((await probe(conn, { timeoutMs: 600 })).protocol).toBe('forwarder');
    await sim.stop();
    sim = undefined;
    expect((await probe(conn, { timeoutMs: 300 })).protocol).toBe('unknown');
  });
});
