import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import type { PortInfo } from './types';

/** Device-name prefixes of USB serial boards, for the /dev scan fallback. */
const SCAN_PATTERN = /^(ttyACM\d+|ttyUSB\d+|tty\.usb.*|cu\.usb.*)$/;

export interface ListPortsOptions {
  /** paths the user added by hand (e.g. a pty from `kiln simulate-board`) */
  extraPaths?: readonly string[];
  /** stands in for serialport's list() (tests); by default SerialPort.list */
  lister?: () => Promise<Omit<PortInfo, 'source' | 'present'>[]>;
  /** directory to scan when the lister fails (default /dev) */
  devDir?: string;
}

/**
 * Lists serial ports. serialport's list() needs udevadm on Linux; when it fails (spawn udevadm
 * ENOENT, no udev in containers) this falls back to scanning /dev. Never throws.
 */
export async function listPorts(options: ListPortsOptions = {}): Promise<PortInfo[]> {
  const byPath = new Map<string, PortInfo>();
  let listed: Omit<PortInfo, 'source' | 'present'>[] | null;
  try {
    listed = await (options.lister ?? defaultLister)();
  } catch {
    listed = null; // the scan below covers it
  }
  if (listed) {
    for (const p of listed) if (!isBareLegacyUart(p)) byPath.set(p.path, { ...p, source: 'serialport', present: true });
  }
  // Scan even when list() worked: it can miss ports on some systems (no udev properties).
  for (const path of scanDev(options.devDir ?? '/dev')) {
    if (!byPath.has(path)) byPath.set(path, { path, source: 'scan', present: true });
  }
  for (const path of options.extraPaths ?? []) {
    if (!byPath.has(path)) byPath.set(path, { path, source: 'user', present: existsSync(path) });
  }
  return [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/**
 * A motherboard's legacy UART (`/dev/ttyS0`…`ttyS31`, listed by udev whether or not anything is
 * wired to it) with no USB identity: never a board. Ones with a vendor id (USB adapters, some
 * boards) are kept, and a user can still add any path by hand.
 */
function isBareLegacyUart(p: Omit<PortInfo, 'source' | 'present'>): boolean {
  return /^\/dev\/ttyS\d+$/.test(p.path) && !p.vendorId && !p.productId && !p.manufacturer;
}

async function defaultLister(): Promise<Omit<PortInfo, 'source' | 'present'>[]> {
  const ports = await SerialPort.list();
  return ports.map((p) => {
    const info: Omit<PortInfo, 'source' | 'present'> = { path: p.path };
    if (p.manufacturer) info.manufacturer = p.manufacturer;
    if (p.serialNumber) info.serialNumber = p.serialNumber;
    if (p.vendorId) info.vendorId = p.vendorId;
    if (p.productId) info.productId = p.productId;
    return info;
  });
}

function scanDev(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((name) => SCAN_PATTERN.test(name))
      .map((name) => join(dir, name));
  } catch {
    return [];
  }
}

export interface PortChange {
  ports: PortInfo[];
  added: PortInfo[];
  removed: PortInfo[];
}

/**
 * Polls for plugged and unplugged ports every `intervalMs`; calls `onChange` with the first
 * list and then whenever the set of present ports changes. Returns stop().
 */
export function watchPorts(
  intervalMs: number,
  onChange: (change: PortChange) => void,
  options: ListPortsOptions | (() => ListPortsOptions) = {},
): () => void {
  let previous: Map<string, PortInfo> | undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  const poll = async (): Promise<void> => {
    const opts = typeof options === 'function' ? options() : options;
    const ports = await listPorts(opts);
    if (stopped) return;
    const present = new Map(ports.filter((p) => p.present).map((p) => [p.path, p]));
    const added = [...present.values()].filter((p) => !previous?.has(p.path));
    const removed = previous ? [...previous.values()].filter((p) => !present.has(p.path)) : [];
    const first = previous === undefined;
    previous = present;
    if (first || added.length > 0 || removed.length > 0) {
      try {
        onChange({ ports, added, removed });
      } catch {
        // a failing listener must not stop the watch
      }
    }
    timer = setTimeout(() => void poll(), intervalMs);
  };
  void poll();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
