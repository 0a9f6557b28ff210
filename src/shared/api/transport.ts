import type { ApiResponse } from './errors';
import type { KilnEvent } from './contract';

/**
 * What the renderer's client needs from a host: send one request, receive pushed events.
 * The Electron preload bridge and the web shell's WebSocket both implement it.
 */
export interface Transport {
  call(method: string, args: unknown): Promise<ApiResponse<unknown>>;
  /** returns an unsubscribe function */
  subscribe(listener: (event: KilnEvent) => void): () => void;
}

/** Wire messages of the WebSocket transport. */
export type ClientMessage = { type: 'call'; id: number; method: string; args: unknown };
export type ServerMessage = { type: 'result'; id: number; response: ApiResponse<unknown> } | { type: 'event'; event: KilnEvent };
