import { existsSync } from 'node:fs';
import { SerialPort } from 'serialport';
import { KilnError } from '../../shared/errors';
import { ConnectionBase } from './connectionBase';

export const DEFAULT_BAUD_RATE = 115200;
/** How often an open port checks that its device file still exists, ms. */
const PRESENCE_CHECK_MS = 500;

/** A serial port (USB board or pty) as a DeviceConnection. */
export class SerialConnection extends ConnectionBase {
  private closing = false;
  private presence: NodeJS.Timeout | undefined;

  private constructor(
    path: string,
    private readonly port: SerialPort,
  ) {
    super(path);
    port.on('data', (chunk: Buffer) => this.emitData(chunk));
    // serialport does not always notice a vanished device (a pty whose other end closed while
    // no read was pending stays "open"); the device file disappearing is the reliable sign.
    // (Windows COM ports have no device file to check.)
    this.presence = setInterval(() => {
      if (process.platform === 'win32' || existsSync(path)) return;
      clearInterval(this.presence);
      this.emitClose(`The board on ${path} went away (its port disappeared). Was it unplugged?`);
      if (port.isOpen) port.close(() => undefined);
    }, PRESENCE_CHECK_MS);
    this.presence.unref?.();
    port.on('close', (err?: Error & { disconnected?: boolean }) => {
      clearInterval(this.presence);
      if (this.closing) this.emitClose(`Closed ${path}.`);
      else this.emitClose(`The board on ${path} went away${err?.message ? ` (${err.message})` : ''}. Was it unplugged?`);
    });
    port.on('error', (err: Error) => {
      // serialport reports read failures (EIO when a USB board or pty disappears) here.
      if (!port.isOpen) this.emitClose(`Lost ${path}: ${err.message}`);
    });
  }

  /** Opens `path` at `baudRate` (ignored by ptys). Throws KilnError with an actionable message. */
  static async open(path: string, baudRate = DEFAULT_BAUD_RATE): Promise<SerialConnection> {
    const port = new SerialPort({ path, baudRate, autoOpen: false });
    await new Promise<void>((resolve, reject) => {
      port.open((err) => (err ? reject(describeOpenError(path, err)) : resolve()));
    });
    return new SerialConnection(path, port);
  }

  get isOpen(): boolean {
    return this.port.isOpen;
  }

  get baudRate(): number {
    return this.port.baudRate;
  }

  setBaudRate(baudRate: number): Promise<void> {
    if (!this.port.isOpen) return Promise.reject(new KilnError('DEVICE_GONE', `Cannot change the speed of ${this.path}: the port is closed.`));
    return new Promise((resolve, reject) => {
      this.port.update({ baudRate }, (err) =>
        err ? reject(new KilnError('DEVICE_ERROR', `Switching ${this.path} to ${baudRate} baud failed: ${err.message}`)) : resolve(),
      );
    });
  }

  write(data: string | Uint8Array): Promise<void> {
    if (!this.port.isOpen) {
      return Promise.reject(new KilnError('DEVICE_GONE', `Cannot write to ${this.path}: the port is closed.`));
    }
    return new Promise((resolve, reject) => {
      this.port.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : Buffer.from(data), (err) => {
        if (err) reject(new KilnError('DEVICE_ERROR', `Writing to ${this.path} failed: ${err.message}`));
        else this.port.drain(() => resolve());
      });
    });
  }

  close(): Promise<void> {
    if (!this.port.isOpen) return Promise.resolve();
    this.closing = true;
    return new Promise((resolve) => this.port.close(() => resolve()));
  }
}

function describeOpenError(path: string, err: Error): KilnError {
  const msg = err.message;
  if (/ENOENT|No such file/i.test(msg)) {
    return new KilnError('DEVICE_GONE', `No serial port at ${path}. Is the board plugged in?`, { path });
  }
  if (/EACCES|Permission denied/i.test(msg)) {
    return new KilnError('DEVICE_ERROR', `Permission denied opening ${path}. On Linux add your user to the "dialout" group and log in again.`, { path });
  }
  if (/lock|EBUSY|busy/i.test(msg)) {
    return new KilnError('DEVICE_ERROR', `${path} is in use by another program (a serial monitor?). Close it and try again.`, { path });
  }
  return new KilnError('DEVICE_ERROR', `Could not open ${path}: ${msg}`, { path });
}
