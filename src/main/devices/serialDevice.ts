import { probe, type EiDeviceConfig } from './eiAtProtocol';
import { detect, type DetectResult } from './forwarderProtocol';
import { DEFAULT_BAUD_RATE, SerialConnection } from './serialConnection';
import type { DeviceInfo, PortInfo } from './types';

/** What an identified serial device is, with its open connection for recording. */
export interface IdentifiedDevice {
  info: DeviceInfo;
  conn: SerialConnection;
  /** set for Edge Impulse AT firmware */
  config?: EiDeviceConfig;
  /** set for a data forwarder */
  detection?: DetectResult;
}

/** A port not yet opened, as a Devices page row. */
export function portToDeviceInfo(port: PortInfo): DeviceInfo {
  return {
    id: `serial:${port.path}`,
    name: port.manufacturer ? `${port.manufacturer} (${port.path})` : port.path,
    kind: 'serial',
    path: port.path,
    protocol: 'unknown',
    sensors: [],
    connected: false,
  };
}

/**
 * Opens `path`, works out whether it runs Edge Impulse AT firmware or a data forwarder, and
 * describes it. The connection stays open (close it when done); on failure it is closed.
 */
export async function identifySerialDevice(
  path: string,
  options: { baudRate?: number; probeTimeoutMs?: number; detectTimeoutMs?: number; expectedHz?: number } = {},
): Promise<IdentifiedDevice> {
  const conn = await SerialConnection.open(path, options.baudRate ?? DEFAULT_BAUD_RATE);
  try {
    const probed = await probe(conn, { timeoutMs: options.probeTimeoutMs ?? 1500 });
    if (probed.protocol === 'ei-at' && probed.config) {
      const c = probed.config;
      return {
        conn,
        config: c,
        info: {
          id: c.info.id ? `ei:${c.info.id}` : `serial:${path}`,
          name: c.info.type ? `${c.info.type}${c.info.id ? ` ${c.info.id}` : ''}` : path,
          kind: 'serial',
          path,
          protocol: 'ei-at',
          sensors: c.sensors,
          connected: true,
        },
      };
    }
    // Not AT: listen as a forwarder (throws NO_DATA with the likely cause when it is not one).
    const detection = await detect(conn, {
      timeoutMs: options.detectTimeoutMs ?? 2000,
      ...(options.expectedHz ? { expectedHz: options.expectedHz } : {}),
    });
    return {
      conn,
      detection,
      info: {
        id: `serial:${path}`,
        name: `Data forwarder on ${path}`,
        kind: 'serial',
        path,
        protocol: 'forwarder',
        sensors: [
          {
            name: 'Data forwarder',
            frequencies: [detection.frequencyHz],
            maxSampleLengthS: 3600,
            axes: Array.from({ length: detection.axes }, (_, i) => `axis${i + 1}`),
          },
        ],
        connected: true,
      },
    };
  } catch (e) {
    await conn.close();
    throw e;
  }
}
