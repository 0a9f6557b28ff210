/**
 * Transport of the web shell: JSON calls over one WebSocket to 127.0.0.1, authenticated with the
 * per-run token from the URL. Reconnects after a drop; calls made while it is down wait.
 */
import type { KilnEvent } from '../../shared/api/contract';
import type { ApiResponse } from '../../shared/api/errors';
import type { ClientMessage, ServerMessage, Transport } from '../../shared/api/transport';

export type ConnectionState = 'connecting' | 'open' | 'closed';

export function readToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    sessionStorage.setItem('kiln-token', fromUrl);
    return fromUrl;
  }
  return sessionStorage.getItem('kiln-token');
}

export function createWsTransport(token: string, onState: (s: ConnectionState) => void = () => {}): Transport {
  const listeners = new Set<(e: KilnEvent) => void>();
  const pending = new Map<number, (r: ApiResponse<unknown>) => void>();
  const queue: string[] = [];
  let nextId = 1;
  let socket: WebSocket | null = null;
  let retry = 0;

  const connect = () => {
    onState('connecting');
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws?token=${encodeURIComponent(token)}`;
    const ws = new WebSocket(url);
    socket = ws;
    ws.onopen = () => {
      retry = 0;
      onState('open');
      for (const msg of queue.splice(0)) ws.send(msg);
    };
    ws.onmessage = (ev) => {
      const msg = JSON.parse(String(ev.data)) as ServerMessage;
      if (msg.type === 'result') {
        pending.get(msg.id)?.(msg.response);
        pending.delete(msg.id);
      } else {
        for (const l of listeners) l(msg.event);
      }
    };
    ws.onclose = () => {
      onState('closed');
      socket = null;
      for (const [id, resolve] of pending) {
        resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'Lost the connection to Kiln; retrying' } });
        pending.delete(id);
      }
      retry = Math.min(retry + 1, 6);
      setTimeout(connect, 250 * 2 ** retry);
    };
  };
  connect();

  return {
    call(method, args) {
      const id = nextId++;
      const msg: ClientMessage = { type: 'call', id, method, args };
      const text = JSON.stringify(msg);
      return new Promise((resolve) => {
        pending.set(id, resolve);
        if (socket?.readyState === WebSocket.OPEN) socket.send(text);
        else queue.push(text);
      });
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
