import { runBoardSimulator } from '../boardSimulator';
import { parseForwarderLine } from '../forwarderProtocol';
import { SerialConnection } from '../serialConnection';
import { startPtyPair } from './ptyPair';

export interface IngestFigures {
  axes: number;
  hz: number;
  seconds: number;
  linesSent: number;
  linesReceived: number;
  /** lines that arrived but did not parse as `axes` numbers */
  malformed: number;
  lost: number;
}

/** Streams a simulated forwarder over a fresh socat pty pair and counts every line end to end. */
export async function measureSerialIngest(axes: number, hz: number, seconds: number): Promise<IngestFigures> {
  const pair = await startPtyPair();
  try {
    const conn = await SerialConnection.open(pair.b);
    let received = 0;
    let malformed = 0;
    conn.onLine((line) => {
      received++;
      if (parseForwarderLine(line)?.length !== axes) malformed++;
    });
    const sim = await runBoardSimulator({ path: pair.a, protocol: 'forwarder', hz, axes, signal: 'sine', seed: 1 });
    await new Promise((r) => setTimeout(r, seconds * 1000));
    await sim.stop();
    const sent = sim.stats.linesSent;
    // Let the last bytes cross the pty.
    for (let i = 0; i < 50 && received < sent; i++) await new Promise((r) => setTimeout(r, 20));
    await conn.close();
    return { axes, hz, seconds, linesSent: sent, linesReceived: received, malformed, lost: sent - received };
  } finally {
    await pair.stop();
  }
}
