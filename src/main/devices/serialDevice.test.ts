import { afterEach, describe, expect, it } from 'vitest';
import { KilnError } from '../../shared/errors';
import { runBoardSimulator, type BoardSimulator } from './boardSimulator';
import { identifySerialDevice, type IdentifiedDevice } from './serialDevice';
import { SerialConnection } from './serialConnection';
import { startPtyPair, type PtyPair } from './testing/ptyPair';

let pair: PtyPair | undefined;
let sim: BoardSimulator | undefined;
let found: IdentifiedDevice | undefined;
afterEach(async () => {
  await found?.conn.close();
  await sim?.stop();
  await pair?.stop();
  found = sim = pair = undefined;
});

describe('identifying a serial device', () => {
  it('recognises Edge Impulse AT firmware and lists its sensors', async () => {
    pair = await startPtyPair();
    sim = await runBoardSimulator({ path: pair.a, protocol: 'ei-at', seed: 1 });
    found = await identifySerialDevice(pair.b);
    expect(found.info).toMatchObject({ kind: 'serial', protocol: 'ei-at', id: 'ei:DE:AD:BE:EF:00:01', connected: true });
    expect(found.info.sensors.map((s) => s.name)).toEqual(['Built-in accelerometer', 'Built-in microphone']);
  });

  it('recognises a data forwarder and measures it', async () => {
    pair = await startPtyPair();
    sim = await runBoardSimulator({ path: pair.a, protocol: 'forwarder', hz: 100, axes: 6, seed: 1 });
    found = await identifySerialDevice(pair.b, { probeTimeoutMs: 500, detectTimeoutMs: 1000 });
    expect(found.info.protocol).toBe('forwarder');
    expect(found.info.sensors[0]).toMatchObject({ frequencies: [100], axes: ['axis1', 'axis2', 'axis3', 'axis4', 'axis5', 'axis6'] });
  });

  it('names a missing port clearly', async () => {
    const err = (await SerialConnection.open('/dev/ttyACM_kiln_missing').catch((e: unknown) => e)) as KilnError;
    expect(err.code).toBe('DEVICE_GONE');
    expect(err.message).toMatch(/No serial port at .* plugged in/);
  });
});
