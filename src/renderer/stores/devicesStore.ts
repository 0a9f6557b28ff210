import { create } from 'zustand';
import { DEFAULT_BAUD, type DeviceRow } from '../../shared/api/devices';
import { api } from '../api';
import { errorMessage } from './appStore';

interface DevicesState {
  devices: DeviceRow[];
  loaded: boolean;
  loading: boolean;
  error: string | null;
  /** path → what is happening to it right now */
  busy: Record<string, 'connecting' | 'disconnecting' | 'saving'>;
  /** path → last connect error */
  connectErrors: Record<string, string>;
  /** path → chosen baud rate */
  baud: Record<string, number>;
  load(): Promise<void>;
  /** throws on a bad path (the form shows the message) */
  addPort(path: string): Promise<void>;
  removePort(path: string): Promise<void>;
  setBaud(path: string, baud: number): void;
  connect(path: string): Promise<DeviceRow | null>;
  disconnect(path: string): Promise<void>;
  /** throws on bad names (the form shows the message) */
  setAxes(path: string, names: string[]): Promise<void>;
  /** follows devices.changed; returns unsubscribe */
  subscribe(): () => void;
}

const without = <T>(r: Record<string, T>, key: string): Record<string, T> => {
  const next = { ...r };
  delete next[key];
  return next;
};

export const useDevices = create<DevicesState>((set, get) => ({
  devices: [],
  loaded: false,
  loading: false,
  error: null,
  busy: {},
  connectErrors: {},
  baud: {},
  async load() {
    set({ loading: true });
    try {
      set({ devices: await api().call('devices.list', {}), loaded: true, error: null });
    } catch (e) {
      set({ error: errorMessage(e) });
    } finally {
      set({ loading: false });
    }
  },
  async addPort(path) {
    set({ devices: await api().call('devices.addPort', { path }) });
  },
  async removePort(path) {
    set({ devices: await api().call('devices.removePort', { path }), connectErrors: without(get().connectErrors, path) });
  },
  setBaud(path, baud) {
    set({ baud: { ...get().baud, [path]: baud } });
  },
  async connect(path) {
    set({ busy: { ...get().busy, [path]: 'connecting' }, connectErrors: without(get().connectErrors, path) });
    try {
      const row = await api().call('devices.connect', { path, baudRate: get().baud[path] ?? DEFAULT_BAUD, protocol: 'auto' });
      set({ devices: get().devices.map((d) => (d.id === row.id ? row : d)) });
      return row;
    } catch (e) {
      set({ connectErrors: { ...get().connectErrors, [path]: errorMessage(e) } });
      return null;
    } finally {
      set({ busy: without(get().busy, path) });
    }
  },
  async disconnect(path) {
    set({ busy: { ...get().busy, [path]: 'disconnecting' } });
    try {
      set({ devices: await api().call('devices.disconnect', { path }) });
    } catch (e) {
      set({ connectErrors: { ...get().connectErrors, [path]: errorMessage(e) } });
    } finally {
      set({ busy: without(get().busy, path) });
    }
  },
  async setAxes(path, names) {
    const row = await api().call('devices.setAxes', { path, axisNames: names });
    set({ devices: get().devices.map((d) => (d.id === row.id ? row : d)) });
  },
  subscribe() {
    return api().on('devices.changed', ({ devices }) => set({ devices, loaded: true }));
  },
}));

/** Devices that can record right now: virtual ones and connected boards. */
export function recordableDevices(devices: DeviceRow[]): DeviceRow[] {
  return devices.filter((d) => d.kind === 'virtual' || d.status === 'connected' || d.status === 'recording');
}
