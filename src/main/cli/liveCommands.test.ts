import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { insertActiveModels, motionImpulse, saveTestImpulse, trainMotionModel } from '../live/testKit';
import { ProjectHome } from '../store/projectHome';
import { runKiln } from './testing/runKiln';

let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'kiln-cli-live-'));
  const home = new ProjectHome(dir);
  const p = home.create('gestures');
  const impulse = motionImpulse(500, true);
  insertActiveModels(p.db, saveTestImpulse(p.db, impulse), await trainMotionModel(impulse));
  home.create('empty');
  home.closeAll();
}, 60_000);
afterEach(() => vi.restoreAllMocks());

const cli = (...args: string[]) => runKiln(dir, ...args);

describe('kiln classify', () => {
  it('prints one line per window from the virtual accelerometer and stops after --seconds', async () => {
    const r = await cli('classify', '--project', 'gestures', '--device', 'virtual-accelerometer', '--motion', 'updown', '--seed', '21', '--seconds', '3.2');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(
      /Classifying Virtual accelerometer \(updown\) with model #1 \((kiln-js|onnxruntime) float32.*2000 ms windows every 500 ms at 62.5 Hz; classes idle, wave, circle, updown/,
    );
    const lines = r.out.trim().split('\n');
    // windows end at 2.0, 2.5, 3.0 s of stream time
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines[0]).toMatch(
      /^\s*2\.00 s {2}updown\s+\d\.\d\d {2}\[idle \d\.\d\d {2}wave \d\.\d\d {2}circle \d\.\d\d {2}updown \d\.\d\d\] {2}anomaly -?\d+\.\d\d {2}\d+\.\d ms$/,
    );
  }, 20_000);

  it('prints JSON lines with --json', async () => {
    const r = await cli('--json', 'classify', '--project', 'gestures', '--device', 'virtual-accelerometer', '--motion', 'idle', '--seconds', '2.7');
    expect(r.code, r.err).toBe(0);
    expect(r.err).toBe('');
    const rows = r.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { t: number; label: string; scores: Record<string, number>; anomaly: number; latencyMs: number });
    expect(rows.length).toBeGreaterThanOrEqual(1);
    expect(rows[0]).toMatchObject({ t: 2000, label: 'idle', uncertain: false });
    expect(Object.keys(rows[0]!.scores)).toEqual(['idle', 'wave', 'circle', 'updown']);
    expect(rows[0]).not.toHaveProperty('signal');
  }, 20_000);

  it('refuses bad options and sources with a message naming what is wrong', async () => {
    const none = await cli('classify', '--project', 'gestures');
    expect(none.code).toBe(2);
    expect(none.err).toContain('Say where the data comes from: --port <path> for a board, or --device');
    const both = await cli('classify', '--project', 'gestures', '--device', 'virtual-accelerometer', '--port', '/dev/ttyACM0');
    expect(both.err).toContain('Give either --port or --device, not both');
    const word = await cli('classify', '--project', 'gestures', '--device', 'virtual-accelerometer', '--word', 'yes');
    expect(word.err).toContain('--word is for the virtual microphone');
    const secs = await cli('classify', '--project', 'gestures', '--device', 'virtual-accelerometer', '--seconds', '-1');
    expect(secs.err).toContain('--seconds must be a positive number, not "-1"');
    const mic = await cli('classify', '--project', 'gestures', '--device', 'virtual-microphone');
    expect(mic.code).toBe(2);
    expect(mic.err).toMatch(/Virtual microphone \(yes\) does not fit the impulse: it samples at 16000 Hz, the impulse expects 62.5 Hz/);
    const port = await cli('classify', '--project', 'gestures', '--port', path.join(dir, 'no-board'), '--seconds', '1');
    expect(port.code).toBe(1);
    expect(port.err).toMatch(/No serial port at .*no-board/);
    const empty = await cli('classify', '--project', 'empty', '--device', 'virtual-accelerometer');
    expect(empty.err).toMatch(/no impulse yet/);
    const missing = await cli('classify', '--project', 'nope', '--device', 'virtual-accelerometer');
    expect(missing.err).toMatch(/No project named "nope"/);
  });
});
