import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { KilnError } from '../../shared/errors';
import { blockInput, SampleWindows } from '../../shared/impulse/windowing';
import { trainKMeans } from '../../shared/model/anomaly';
import { MOTIONS, type Motion } from '../devices/virtual/virtualAccelerometer';
import { virtualAccelerometer } from '../devices/virtual/virtualDevice';
import { runBoardSimulator, type BoardSimulator } from '../devices/boardSimulator';
import { startPtyPair, type PtyPair } from '../devices/testing/ptyPair';
import { LiveClassifier, WindowBuffer, matchSource, type LiveWindow } from './liveClassifier';
import { assembleLiveModel, type LiveModel } from './liveModel';
import { openSerialSource, openVirtualSource, type LiveStreamSource } from './liveSources';
import { motionImpulse, trainMotionModel } from './testKit';

const impulse = motionImpulse(250, true);
let model: LiveModel;

beforeAll(async () => {
  const parts = await trainMotionModel(impulse);
  model = assembleLiveModel(impulse, parts);
}, 60_000);

/** A virtual accelerometer stream pushed as fast as the classifier takes it (no real-time pacing). */
function fastSource(motion: Motion, seed: number, seconds: number): LiveStreamSource & { done: Promise<void> } {
  let finish: () => void = () => {};
  const done = new Promise<void>((r) => (finish = r));
  return {
    description: `fast ${motion}`,
    axes: ['accX', 'accY', 'accZ'],
    frequencyHz: 62.5,
    genericAxes: false,
    done,
    start(onChunk) {
      const stream = virtualAccelerometer.createStream({ variant: motion, seed, frequencyHz: 62.5 });
      // odd chunk sizes: windows must not depend on how the data is cut
      for (let sent = 0; sent < seconds * 62.5; sent += 7) onChunk(stream.next(7));
      finish();
    },
    stop: () => Promise.resolve(),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

describe('WindowBuffer', () => {
  const input = { type: 'time-series' as const, windowSizeMs: 100, windowIncreaseMs: 40, frequencyHz: 100, zeroPad: true, axes: ['a', 'b'] };
  const ramp = (from: number, n: number) => Float32Array.from({ length: n * 2 }, (_, i) => from + Math.floor(i / 2) + (i % 2) * 0.5);

  it('gives the same windows whether readings come one by one or in bulk', () => {
    const collect = (chunk: number) => {
      const b = new WindowBuffer(input);
      const out: { end: number; first: number; last: number }[] = [];
      const data = ramp(0, 60);
      for (let i = 0; i < 60; i += chunk)
        b.push(data.subarray(i * 2, Math.min(60, i + chunk) * 2), (w, end) => out.push({ end, first: w[0]!, last: w[w.length - 2]! }), 100);
      return out;
    };
    const one = collect(1);
    expect(one.map((w) => w.end)).toEqual([10, 14, 18, 22, 26, 30, 34, 38, 42, 46, 50, 54, 58]);
    // each window is the 10 readings before its end
    for (const w of one) expect([w.first, w.last]).toEqual([w.end - 10, w.end - 1]);
    expect(collect(7)).toEqual(one);
    expect(collect(60)).toEqual(one);
  });

  it('skips ahead to the latest windows when a burst brings many at once', () => {
    const b = new WindowBuffer(input);
    const ends: number[] = [];
    b.push(ramp(0, 60), (_w, end) => ends.push(end), 2);
    expect(ends).toEqual([54, 58]);
    b.restart();
    ends.length = 0;
    b.push(ramp(0, 14), (w, end) => ends.push(end * 1000 + w[0]!));
    expect(ends).toEqual([10_000, 14_004]);
  });
});

describe('live classification', () => {
  it('classifies a virtual accelerometer stream correctly most of the time, with scores, anomaly and latency', async () => {
    let correct = 0;
    let total = 0;
    const perMotion: Record<string, string> = {};
    for (const motion of MOTIONS) {
      const results: LiveWindow[] = [];
      const src = fastSource(motion, 900 + MOTIONS.indexOf(motion), 8);
      const c = new LiveClassifier(model, src, { onResult: (w) => results.push(w), onEnd: () => {} });
      c.start();
      await src.done;
      await c.stop();
      // 8 s: the first window ends at 2 s, then one every 256 ms (at most 2 per chunk of 7 readings)
      expect(results.length).toBeGreaterThanOrEqual(20);
      const ok = results.filter((r) => r.label === motion).length;
      perMotion[motion] = `${ok}/${results.length}`;
      correct += ok;
      total += results.length;
      const r = results[0]!;
      expect(Object.keys(r.scores)).toEqual([...MOTIONS]);
      expect(Object.values(r.scores).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
      expect(r.latencyMs).toBeGreaterThan(0);
      expect(r.anomaly).not.toBeNull();
      expect(r.signal.values.length).toBe(125 * 3);
      expect(r.t).toBe(2000);
      expect(results[1]!.t).toBe(2256); // 250 ms at 62.5 Hz is 16 readings
    }
    expect(correct / total, JSON.stringify(perMotion)).toBeGreaterThan(0.8);
  });

  it('classifies in real time from the virtual device and follows a switch of motion', async () => {
    const src = openVirtualSource('virtual-accelerometer', { variant: 'wave', seed: 4242, preferredHz: 62.5 });
    const results: LiveWindow[] = [];
    const c = new LiveClassifier(model, src, { onResult: (w) => results.push(w), onEnd: () => {} });
    cleanups.push(() => c.stop());
    const t0 = Date.now();
    c.start();
    await waitFor(() => results.length >= 3, 5000);
    // first result only once a whole 2 s window has arrived
    expect(Date.now() - t0).toBeGreaterThan(1900);
    expect(results.filter((r) => r.label === 'wave').length).toBeGreaterThanOrEqual(2);
    expect(src.setVariant!('idle')).toBe('idle');
    expect(src.description).toBe('Virtual accelerometer (idle)');
    const from = results.length;
    // after a full window of idle
    await waitFor(() => results.length >= from + 10, 5000);
    expect(
      results.slice(-2).every((r) => r.label === 'idle'),
      JSON.stringify(results.slice(-3).map((r) => r.scores)),
    ).toBe(true);
    expect(() => src.setVariant!('jump')).toThrow(/cannot produce "jump"; choose one of idle, wave, circle, updown/);
    await c.stop();
    const n = results.length;
    await new Promise((r) => setTimeout(r, 400));
    expect(results.length).toBe(n); // stopped means stopped
  }, 15_000);

  it('refuses a source that does not fit the impulse, naming what differs', () => {
    const mic = openVirtualSource('virtual-microphone', { variant: 'yes', preferredHz: 62.5 });
    const err = catchError(() => new LiveClassifier(model, mic, { onResult: () => {}, onEnd: () => {} }));
    expect(err.code).toBe('BAD_PARAMS');
    expect(err.message).toMatch(/Virtual microphone \(yes\) does not fit the impulse/);
    expect(err.message).toMatch(/samples at 16000 Hz, the impulse expects 62.5 Hz/);
    expect(err.message).toMatch(/no axis "accX", "accY", "accZ" \(it gives audio/);

    const input = impulse.input as Extract<typeof impulse.input, { type: 'time-series' }>;
    const board = { description: 'data forwarder on /dev/ttyX', axes: ['axis1', 'axis2'], frequencyHz: 62.5, genericAxes: true };
    expect(() => matchSource(input, board)).toThrow(/gives 2 values per reading, the impulse reads 3 \(accX, accY, accZ\)/);
    // generic names with the right count are read in order, and the user is told
    const fits = matchSource(input, { ...board, axes: ['axis1', 'axis2', 'axis3'] });
    expect(fits.index).toEqual([0, 1, 2]);
    expect(fits.note).toMatch(/in order as accX, accY, accZ/);
    // named axes are matched by name, in any order and case
    expect(matchSource(input, { ...board, genericAxes: false, axes: ['AccZ', 'accX', 'accY', 'gyrX'] }).index).toEqual([1, 2, 0]);
    expect(() => matchSource(input, { ...board, genericAxes: false, axes: ['accX', 'accY', 'gyrX'] })).toThrow(/no axis "accZ"/);
    expect(() => matchSource(input, { ...board, axes: ['a', 'b', 'c'], frequencyHz: 100 })).toThrow(/samples at 100 Hz, the impulse expects 62.5 Hz/);
  });

  it('classifies a board simulator over a real pty and stops cleanly with a message when the board goes away', async () => {
    const pty: PtyPair = await startPtyPair(); // needs socat (apt-get install -y socat)
    cleanups.push(() => pty.stop());
    const sim: BoardSimulator = await runBoardSimulator({ path: pty.a, protocol: 'forwarder', hz: 62.5, axes: 3, signal: 'circle', seed: 77 });
    cleanups.push(() => sim.stop());
    const status: string[] = [];
    const src = await openSerialSource(pty.b, { expectedHz: 62.5, windowMs: 2000, onStatus: (s) => status.push(s) });
    expect(src.frequencyHz).toBe(62.5);
    expect(src.axes).toEqual(['axis1', 'axis2', 'axis3']);
    expect(src.description).toMatch(/data forwarder on .*\(3 axes at 62.5 Hz\)/);
    expect(status.join(' | ')).toMatch(/Asking the board.*Measuring the data rate/);
    const results: LiveWindow[] = [];
    let ended: string | null = null;
    const c = new LiveClassifier(model, src, { onResult: (w) => results.push(w), onEnd: (reason) => (ended = reason) });
    cleanups.push(() => c.stop());
    expect(c.note).toMatch(/in order as accX, accY, accZ/);
    c.start();
    await waitFor(() => results.length >= 6, 6000);
    expect(results.filter((r) => r.label === 'circle').length, JSON.stringify(results.map((r) => r.label))).toBeGreaterThanOrEqual(4);
    // pull the plug: socat goes away, the port reports EIO / close
    await pty.stop();
    await waitFor(() => ended !== null, 5000);
    expect(ended).toMatch(/went away|Lost|stopped sending/);
    const n = results.length;
    await new Promise((r) => setTimeout(r, 300));
    expect(results.length).toBe(n);
  }, 25_000);

  it('classifies an Edge Impulse AT board over a pty one sampled window at a time', async () => {
    const pty: PtyPair = await startPtyPair();
    cleanups.push(() => pty.stop());
    const sim = await runBoardSimulator({ path: pty.a, protocol: 'ei-at', signal: 'updown', seed: 12, at: { startDelayMs: 50, timeScale: 0.25 } });
    cleanups.push(() => sim.stop());
    const status: string[] = [];
    const src = await openSerialSource(pty.b, { expectedHz: 62.5, windowMs: 2000, onStatus: (s) => status.push(s) });
    cleanups.push(() => src.stop());
    expect(src.description).toMatch(/KILN_BOARD_SIMULATOR on .* \(Built-in accelerometer, one window at a time\)/);
    expect(src.axes).toEqual(['accX', 'accY', 'accZ']);
    expect(src.frequencyHz).toBe(62.5);
    expect(status.join(' | ')).toMatch(/Taking a first 2000 ms sample/);
    const results: LiveWindow[] = [];
    const c = new LiveClassifier(model, src, { onResult: (w) => results.push(w), onEnd: (r) => results.push({ label: `ended: ${r}` } as LiveWindow) });
    cleanups.push(() => c.stop());
    expect(c.note).toBeNull(); // the board names its axes
    c.start();
    await waitFor(() => results.length >= 3, 10_000);
    // every board sample is one window, and stream time adds up across them
    expect(results.slice(0, 3).map((r) => r.t)).toEqual([2000, 4000, 6000]);
    expect(results.filter((r) => r.label === 'updown').length, JSON.stringify(results.map((r) => r.label))).toBeGreaterThanOrEqual(2);
    await c.stop();
    expect(sim.stats.commands.some((cmd) => cmd.startsWith('AT+SAMPLESTART=Built-in accelerometer'))).toBe(true);
  }, 25_000);

  it('with only an anomaly block, calls windows normal or anomaly against its threshold', async () => {
    // K-means on idle windows only: waving is something it has never seen
    const dsp = impulse.dsp[0]!;
    const rows: Float32Array[] = [];
    for (const seed of [1, 2, 3, 4]) {
      const values = virtualAccelerometer.generate({ motion: 'idle', lengthMs: 6000, frequencyHz: 62.5, seed });
      const w = new SampleWindows(impulse.input, { name: `idle.${seed}`, axes: ['accX', 'accY', 'accZ'], intervalMs: 16, values });
      for (let i = 0; i < w.count; i++) rows.push(model.dsp[0]!.block.run(blockInput(impulse.input, dsp, w.window(i)), model.dsp[0]!.params).features);
    }
    const len = rows[0]!.length;
    const features = new Float32Array(rows.length * len);
    rows.forEach((r, i) => features.set(r, i * len));
    const kmeans = trainKMeans(features, len, { clusters: 4, seed: 1 });
    const only = assembleLiveModel(impulse, { anomaly: { block: impulse.learning[1]!, model: kmeans } });
    const labels = async (motion: Motion) => {
      const out: LiveWindow[] = [];
      const src = fastSource(motion, 501, 5);
      const c = new LiveClassifier(only, src, { onResult: (w) => out.push(w), onEnd: () => {} });
      c.start();
      await src.done;
      await c.stop();
      expect(out[0]!.scores).toEqual({});
      return out.map((w) => w.label);
    };
    const idle = await labels('idle');
    const wave = await labels('wave');
    expect(idle.filter((l) => l === 'normal').length / idle.length).toBeGreaterThan(0.8);
    expect(wave.every((l) => l === 'anomaly')).toBe(true);
  });

  it('skips windows rather than stall the app when they come faster than they can be classified, and says so once', async () => {
    const inner = model.classifier!;
    const slow: LiveModel = {
      ...model,
      classifier: {
        ...inner,
        run: (row) => {
          const t = performance.now();
          while (performance.now() - t < 40); // a machine far too slow for this impulse
          return inner.run(row);
        },
      },
    };
    const results: LiveWindow[] = [];
    const notices: string[] = [];
    const src = fastSource('wave', 7, 8); // 25 windows at once
    const c = new LiveClassifier(slow, src, { onResult: (w) => results.push(w), onEnd: () => {}, onNotice: (n) => notices.push(n) });
    const t0 = performance.now();
    c.start();
    await src.done;
    await c.stop();
    // about half a second of classifying, then the rest of that second's windows are skipped
    expect(performance.now() - t0).toBeLessThan(900);
    expect(results.length).toBeGreaterThanOrEqual(10);
    expect(results.length).toBeLessThan(20);
    expect(c.dropped).toBeGreaterThan(0);
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatch(/Windows arrive faster than this machine classifies them \(a window takes 4\d\.\d ms\); some are skipped/);
  });

  it('stops with a message when a board falls silent', async () => {
    const silent = {
      description: 'quiet board',
      axes: ['accX', 'accY', 'accZ'],
      frequencyHz: 62.5,
      genericAxes: false,
      start(_onChunk: (v: Float32Array) => void, onEnd: (reason: string) => void) {
        setTimeout(() => onEnd('The board on /dev/quiet stopped sending data for 2.0 s.'), 20);
      },
      stopped: false,
      stop() {
        this.stopped = true;
        return Promise.resolve();
      },
    };
    let ended = '';
    const c = new LiveClassifier(model, silent, { onResult: () => {}, onEnd: (r) => (ended = r) });
    c.start();
    await waitFor(() => ended !== '', 1000);
    expect(ended).toMatch(/stopped sending data/);
    expect(silent.stopped).toBe(true);
  });
});

function catchError(f: () => unknown): KilnError {
  try {
    f();
  } catch (e) {
    if (e instanceof KilnError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

async function waitFor(cond: () => boolean, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
