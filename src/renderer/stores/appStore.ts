import { create } from 'zustand';
import type { AppInfo } from '../../shared/api/contract';
import { api } from '../api';
import type { ConnectionState } from '../api/wsTransport';

export type Theme = 'light' | 'dark' | 'system';

export interface Toast {
  id: number;
  kind: 'info' | 'success' | 'error';
  message: string;
  action?: { label: string; run: () => void };
}

interface AppState {
  info: AppInfo | null;
  connection: ConnectionState;
  theme: Theme;
  toasts: Toast[];
  loadInfo(): Promise<void>;
  setConnection(c: ConnectionState): void;
  setTheme(t: Theme): void;
  toast(t: Omit<Toast, 'id'>, ms?: number): void;
  dismiss(id: number): void;
}

let nextToast = 1;

function storedTheme(): Theme {
  const t = typeof localStorage !== 'undefined' ? localStorage.getItem('kiln-theme') : null;
  return t === 'light' || t === 'dark' ? t : 'system';
}

export const useApp = create<AppState>((set, get) => ({
  info: null,
  connection: 'connecting',
  theme: storedTheme(),
  toasts: [],
  async loadInfo() {
    set({ info: await api().call('app.info', {}) });
  },
  setConnection(connection) {
    set({ connection });
  },
  setTheme(theme) {
    localStorage.setItem('kiln-theme', theme);
    set({ theme });
  },
  toast(t, ms = 6000) {
    const id = nextToast++;
    set({ toasts: [...get().toasts, { ...t, id }] });
    if (ms > 0) setTimeout(() => get().dismiss(id), ms);
  },
  dismiss(id) {
    set({ toasts: get().toasts.filter((t) => t.id !== id) });
  },
}));

/** Message of any error, for a toast or an inline error. */
export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
