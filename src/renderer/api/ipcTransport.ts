import type { KilnEvent } from '../../shared/api/contract';
import type { ApiResponse } from '../../shared/api/errors';
import type { Transport } from '../../shared/api/transport';

/** What the Electron preload exposes on window.kiln — and nothing else. */
export interface KilnBridge {
  call(method: string, args: unknown): Promise<ApiResponse<unknown>>;
  subscribe(listener: (event: KilnEvent) => void): () => void;
}

declare global {
  interface Window {
    kiln?: KilnBridge;
  }
}

export function createIpcTransport(bridge: KilnBridge): Transport {
  return { call: (m, a) => bridge.call(m, a), subscribe: (l) => bridge.subscribe(l) };
}
