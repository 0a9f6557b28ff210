import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPtyPair } from '../devices/testing/ptyPair';

const root = path.resolve(__dirname, '../../..');

describe('kiln simulate-board', () => {
  it('exits with a clear message when its port goes away instead of running on', async () => {
    const pair = await startPtyPair();
    const child = spawn(process.execPath, [path.join(root, 'bin/kiln.js'), 'simulate-board', '--port', pair.a, '--protocol', 'forwarder'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += String(d)));
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    // wait until it runs, then pull the "cable": socat ends and both ptys disappear
    await expect.poll(() => err, { timeout: 20_000 }).toMatch(/Simulating/);
    await pair.stop();
    const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 10_000))]);
    if (code === 'hung') child.kill('SIGKILL');
    expect(code).toBe(1);
    // the presence check says the port went away; a read error may report it first as lost
    expect(err).toMatch(/went away|Lost /);
    expect(err).toMatch(/Stopped the simulator/);
  }, 40_000);
});
