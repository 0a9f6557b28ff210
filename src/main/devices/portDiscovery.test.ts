import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listPorts, watchPorts, type PortChange } from './portDiscovery';
import { startPtyPair, type PtyPair } from './testing/ptyPair';

let pair: PtyPair | undefined;
const dirs: string[] = [];
afterEach(async () => {
  await pair?.stop();
  pair = undefined;
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function fakeDev(names: string[]): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiln-dev-'));
  dirs.push(dir);
  for (const n of names) writeFileSync(join(dir, n), '');
  return dir;
}

const udevMissing = (): Promise<never> => Promise.reject(new Error('spawn udevadm ENOENT'));

describe('port discovery', () => {
  it('does not throw when udevadm is missing and scans /dev-style names instead', async () => {
    const devDir = fakeDev(['ttyACM0', 'ttyUSB3', 'tty.usbmodem1421', 'ttyS0', 'null']);
    const ports = await listPorts({ lister: udevMissing, devDir });
    expect(ports.map((p) => [p.path.slice(devDir.length + 1), p.source])).toEqual([
      ['tty.usbmodem1421', 'scan'],
      ['ttyACM0', 'scan'],
      ['ttyUSB3', 'scan'],
    ]);
  });

  it('leaves out legacy /dev/ttyS* UARTs that udev lists without any USB identity', async () => {
    const devDir = fakeDev([]);
    const lister = () =>
      Promise.resolve([
        { path: '/dev/ttyS0' },
        { path: '/dev/ttyS31' },
        { path: '/dev/ttyS4', vendorId: '0403', productId: '6001', manufacturer: 'FTDI' },
        { path: '/dev/ttyACM0', vendorId: '2341' },
      ]);
    const ports = await listPorts({ lister, devDir, extraPaths: ['/dev/ttyS1'] });
    expect(ports.map((p) => [p.path, p.source])).toEqual([
      ['/dev/ttyACM0', 'serialport'],
      ['/dev/ttyS1', 'user'],
      ['/dev/ttyS4', 'serialport'],
    ]);
  });

  it('works with the real serialport list on this machine, whatever it does', async () => {
    await expect(listPorts()).resolves.toBeInstanceOf(Array);
  });

  it('includes user-added paths, marking missing ones as not present', async () => {
    pair = await startPtyPair();
    const ports = await listPorts({ lister: udevMissing, devDir: fakeDev([]), extraPaths: [pair.b, '/nope/ttyX'] });
    expect(ports).toEqual([
      { path: '/nope/ttyX', source: 'user', present: false },
      { path: pair.b, source: 'user', present: true },
    ]);
  });

  it('notices a board being plugged in and unplugged', async () => {
    pair = await startPtyPair();
    const changes: PortChange[] = [];
    const devDir = fakeDev([]);
    const stop = watchPorts(40, (c) => changes.push(c), { lister: udevMissing, devDir, extraPaths: [pair.b] });
    await new Promise((r) => setTimeout(r, 100));
    writeFileSync(join(devDir, 'ttyACM1'), '');
    await new Promise((r) => setTimeout(r, 120));
    await pair.stop(); // the pty link disappears like an unplugged board
    await new Promise((r) => setTimeout(r, 120));
    stop();
    expect(changes[0]!.added.map((p) => p.path)).toEqual([pair.b]);
    expect(changes[1]!.added.map((p) => p.path)).toEqual([join(devDir, 'ttyACM1')]);
    expect(changes[2]!.removed.map((p) => p.path)).toEqual([pair.b]);
    expect(changes).toHaveLength(3);
  });
});
