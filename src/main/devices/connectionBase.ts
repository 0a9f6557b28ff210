import { LineSplitter } from './lineSplitter';
import type { DeviceConnection } from './types';

type Listener<T> = (value: T) => void;

/** Listener bookkeeping and line splitting shared by every DeviceConnection transport. */
export abstract class ConnectionBase implements DeviceConnection {
  private readonly dataListeners = new Set<Listener<Uint8Array>>();
  private readonly lineListeners = new Set<Listener<string>>();
  private readonly closeListeners = new Set<Listener<string>>();
  private readonly splitter = new LineSplitter();
  private closedReason: string | undefined;

  protected constructor(readonly path: string) {}

  abstract get isOpen(): boolean;
  abstract write(data: string | Uint8Array): Promise<void>;
  abstract close(): Promise<void>;

  onData(listener: Listener<Uint8Array>): () => void {
    this.dataListeners.add(listener);
    return () => this.dataListeners.delete(listener);
  }

  onLine(listener: Listener<string>): () => void {
    this.lineListeners.add(listener);
    return () => this.lineListeners.delete(listener);
  }

  onClose(listener: Listener<string>): () => void {
    // A listener added after the port went away still hears about it, so no caller waits forever.
    if (this.closedReason !== undefined) {
      const reason = this.closedReason;
      queueMicrotask(() => listener(reason));
    }
    this.closeListeners.add(listener);
    return () => this.closeListeners.delete(listener);
  }

  protected emitData(chunk: Uint8Array): void {
    for (const l of [...this.dataListeners]) l(chunk);
    if (this.lineListeners.size === 0) {
      this.splitter.push(chunk); // keep line framing in step even when nobody listens
      return;
    }
    for (const line of this.splitter.push(chunk)) {
      for (const l of [...this.lineListeners]) l(line);
    }
  }

  protected emitClose(reason: string): void {
    if (this.closedReason !== undefined) return;
    this.closedReason = reason;
    for (const l of [...this.closeListeners]) l(reason);
  }
}
