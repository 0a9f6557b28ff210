import { KilnError } from '../../shared/errors';
import { ConnectionBase } from './connectionBase';

/**
 * One end of an in-memory serial link. Bytes written on one end arrive (asynchronously, like
 * a real port) on the other. For protocol tests that need no pty, and for running the board
 * simulator inside the app.
 */
export class MemoryConnection extends ConnectionBase {
  peer: MemoryConnection | undefined;
  private open = true;

  constructor(path: string) {
    super(path);
  }

  get isOpen(): boolean {
    return this.open;
  }

  write(data: string | Uint8Array): Promise<void> {
    if (!this.open) return Promise.reject(new KilnError('DEVICE_GONE', `Cannot write to ${this.path}: the port is closed.`));
    const bytes = typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data);
    const peer = this.peer;
    setImmediate(() => {
      if (peer?.open) peer.emitData(bytes);
    });
    return Promise.resolve();
  }

  /** closing one end makes the other end see its board go away */
  close(): Promise<void> {
    if (!this.open) return Promise.resolve();
    this.open = false;
    this.emitClose(`Closed ${this.path}.`);
    const peer = this.peer;
    setImmediate(() => peer?.unplug());
    return Promise.resolve();
  }

  /** the other end vanished (USB cable pulled) */
  unplug(reason = `The board on ${this.path} went away. Was it unplugged?`): void {
    if (!this.open) return;
    this.open = false;
    this.emitClose(reason);
  }
}

/** Two connected in-memory ends: `host` (what Kiln opens) and `board`. */
export function createMemoryLink(path = 'memory:board'): { host: MemoryConnection; board: MemoryConnection } {
  const host = new MemoryConnection(path);
  const board = new MemoryConnection(`${path}#board`);
  host.peer = board;
  board.peer = host;
  return { host, board };
}
