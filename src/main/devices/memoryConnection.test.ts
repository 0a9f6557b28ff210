import { describe, expect, it } from 'vitest';
import { KilnError } from '../../shared/errors';
import { runBoardSimulator } from './boardSimulator';
import { EiAtClient } from './eiAtProtocol';
import { detect, record } from './forwarderProtocol';
import { MemorySampleSink } from './memorySampleSink';
import { createMemoryLink } from './memoryConnection';

const tick = (ms = 5): Promise<void> => new Promise((r) => setTimeout(r, ms));

describe('protocols over an in-memory link', () => {
  it('splits lines across chunks and endings (\\n, \\r\\n) the same way', async () => {
    const { host, board } = createMemoryLink();
    const lines: string[] = [];
    host.onLine((l) => lines.push(l));
    await board.write('1,2');
    await board.write(',3\r');
    await board.write('\n4\t5\t6\n7 8 9\r\n');
    await tick();
    expect(lines).toEqual(['1,2,3', '4\t5\t6', '7 8 9']);
  });

  it('records from a hand-fed forwarder, skipping junk and reporting ERR lines', async () => {
    const { host, board } = createMemoryLink();
    const sink = new MemorySampleSink();
    const done = record(host, { lengthMs: 50, frequencyHz: 100, axes: ['a', 'b'], label: 'x' }, sink);
    await tick();
    for (const line of ['9,9 (cut first line)', '1,2', 'abc,def', '3', 'ERR: overflow', '3,4', '5,6', '7,8', '9,10']) {
      await board.write(`${line}\n`);
    }
    const summary = await done;
    expect(summary).toMatchObject({ truncated: false, readings: 5, malformedLines: 2, boardErrors: ['ERR: overflow'] });
    expect(Array.from(sink.values)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('finishes the sink as truncated when the link drops', async () => {
    const { host, board } = createMemoryLink();
    const sink = new MemorySampleSink();
    const done = record(host, { lengthMs: 1000, frequencyHz: 100, axes: ['a'], label: 'x' }, sink);
    await tick();
    await board.write('0\n1\n2\n3\n');
    await tick();
    await board.close();
    const summary = await done;
    expect(summary.truncated).toBe(true);
    expect(sink.result).toMatchObject({ truncated: true });
    expect(Array.from(sink.values)).toEqual([1, 2, 3]);
  });

  it('detects a simulated forwarder without a pty', async () => {
    const { host, board } = createMemoryLink();
    const sim = await runBoardSimulator({ connection: board, protocol: 'forwarder', hz: 50, axes: 4, seed: 2 });
    const found = await detect(host, { timeoutMs: 800 });
    await sim.stop();
    expect(found).toMatchObject({ axes: 4, frequencyHz: 50 });
  });

  it('reports DEVICE_GONE when an AT board vanishes while sampling', async () => {
    const { host, board } = createMemoryLink();
    await runBoardSimulator({ connection: board, protocol: 'ei-at', seed: 1, at: { startDelayMs: 10, disappearWhileSampling: true } });
    const client = new EiAtClient(host, { chunkDelayMs: 0 });
    const err = (await client
      .sample({ sensor: 'Built-in accelerometer', label: 'x', intervalMs: 16, lengthMs: 1000 })
      .catch((e: unknown) => e)) as KilnError;
    expect(err).toBeInstanceOf(KilnError);
    expect(err.code).toBe('DEVICE_GONE');
    expect(err.message).toMatch(/went away/);
  });

  it('talks to a board that does not echo, ignoring a stale prompt', async () => {
    const { host, board } = createMemoryLink();
    await board.write('boot banner\r\n> ');
    let received = '';
    board.onData((d) => {
      received += Buffer.from(d).toString('latin1');
      if (received.endsWith('\r')) void board.write('OK\n> ');
    });
    const client = new EiAtClient(host, { chunkDelayMs: 0 });
    await expect(client.exec('AT+SAMPLESETTINGS=a,16,1000,')).resolves.toMatch(/OK$/);
    expect(received).toBe('AT+SAMPLESETTINGS=a,16,1000,\r');
  });
});

describe('labels and cancellation', () => {
  it('keeps a label the board cannot store, sending the board a safe one', async () => {
    const { host, board } = createMemoryLink();
    const sim = await runBoardSimulator({ connection: board, protocol: 'ei-at', seed: 1, at: { startDelayMs: 5, timeScale: 0.01 } });
    const client = new EiAtClient(host, { chunkDelayMs: 0 });
    const { sample, fileName } = await client.sample({ sensor: 'Built-in accelerometer', label: 'café, left hand', intervalMs: 10, lengthMs: 300 });
    expect(sample.label).toBe('café, left hand');
    expect(fileName).toBe('/fs/caf___left_hand.1');
    expect(sim.stats.commands).toContain('AT+SAMPLESETTINGS=caf___left_hand,10,300,');
  });

  it('stops a forwarder recording on cancel and keeps what arrived', async () => {
    const { host, board } = createMemoryLink();
    const sink = new MemorySampleSink();
    const abort = new AbortController();
    const done = record(host, { lengthMs: 5000, frequencyHz: 100, axes: ['a'], label: 'x', signal: abort.signal }, sink);
    await tick();
    await board.write('0\n1\n2\n');
    await tick();
    abort.abort();
    const summary = await done;
    expect(summary).toMatchObject({ truncated: true, readings: 2 });
    expect(sink.result?.reason).toMatch(/cancelled; kept 2 of 500 readings/);
  });
});

describe('cancelling an AT sample', () => {
  it('stops waiting for the board when the signal aborts, and the next command still works', async () => {
    const { host, board } = createMemoryLink();
    await runBoardSimulator({ connection: board, protocol: 'ei-at', seed: 1, at: { startDelayMs: 10, timeScale: 0.2 } });
    const client = new EiAtClient(host, { chunkDelayMs: 0 });
    await client.readConfig();
    const abort = new AbortController();
    const pending = client.sample({ sensor: 'Built-in accelerometer', label: 'x', intervalMs: 10, lengthMs: 1000, signal: abort.signal });
    setTimeout(() => abort.abort(), 60);
    await expect(pending).rejects.toMatchObject({ code: 'CANCELLED' });
    // The board finishes the sample on its own; its late output must not confuse what follows.
    const config = await client.readConfig();
    expect(config.info.type).toBe('KILN_BOARD_SIMULATOR');
  });

  it('reports DEVICE_GONE, not a crash, when the port closes while a command is being written', async () => {
    const { host, board } = createMemoryLink();
    const client = new EiAtClient(host, { chunkDelayMs: 20 });
    setTimeout(() => void board.close(), 10);
    await expect(client.exec('AT+CONFIG?')).rejects.toMatchObject({ code: 'DEVICE_GONE' });
  });
});
