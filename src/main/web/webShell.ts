/**
 * `kiln serve`: the studio in a browser tab. Serves the built renderer and carries the typed API
 * over a WebSocket. Binds 127.0.0.1 only; every request needs the per-run token.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../../shared/api/transport';
import type { Dispatcher } from '../api/dispatcher';
import type { EventBus } from '../api/eventBus';
import { checkRequest, contentSecurityPolicy, newToken, TOKEN_COOKIE, type AccessPolicy } from './security';

export interface WebShellOptions {
  dispatcher: Dispatcher;
  events: EventBus;
  /** built renderer (index.html + assets) */
  staticDir: string;
  port?: number;
  token?: string;
}

export interface WebShell {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.map': 'application/json',
};

export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = options.token ?? newToken();
  const policy: AccessPolicy = { token, port: 0 };
  const root = path.resolve(options.staticDir);

  const server = http.createServer((req, res) => {
    const refusal = checkRequest(req, policy);
    if (refusal) {
      res.writeHead(refusal.status, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(refusal.reason);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' });
      res.end();
      return;
    }
    serveStatic(root, req, res, policy);
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const refusal = checkRequest(req, policy);
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (refusal || pathname !== '/ws') {
      const status = refusal?.status ?? 404;
      socket.end(`HTTP/1.1 ${status} ${status === 404 ? 'Not Found' : 'Forbidden'}\r\ncontent-type: text/plain\r\n\r\n${refusal?.reason ?? 'Not found'}`);
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attach(ws, options.dispatcher, options.events));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  policy.port = port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function attach(ws: WebSocket, dispatcher: Dispatcher, events: EventBus): void {
  const send = (msg: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(msg));
  };
  const unsubscribe = events.subscribe((event) => send({ type: 'event', event }));
  ws.on('close', unsubscribe);
  ws.on('message', async (data, isBinary) => {
    let msg: ClientMessage;
    try {
      if (isBinary) throw new Error('binary');
      msg = JSON.parse(String(data)) as ClientMessage;
      if (msg?.type !== 'call' || typeof msg.id !== 'number') throw new Error('shape');
    } catch {
      ws.close(1003, 'Messages must be JSON calls');
      return;
    }
    const response = await dispatcher.call(msg.method, msg.args);
    send({ type: 'result', id: msg.id, response });
  });
}

function serveStatic(root: string, req: http.IncomingMessage, res: http.ServerResponse, policy: AccessPolicy): void {
  const url = new URL(req.url ?? '/', 'http://localhost');
  let rel = decodeURIComponent(url.pathname);
  if (rel === '/' || !path.extname(rel)) rel = '/index.html';
  const file = path.resolve(root, '.' + rel);
  if (!file.startsWith(root + path.sep)) {
    res.writeHead(404);
    res.end();
    return;
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    const missingBuild = rel === '/index.html';
    res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(missingBuild ? 'The studio is not built yet: run `npm run build`.' : 'Not found');
    return;
  }
  const headers: Record<string, string> = {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-security-policy': contentSecurityPolicy(policy.port),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': rel === '/index.html' ? 'no-store' : 'private, max-age=3600',
  };
  if (url.searchParams.get('token')) {
    headers['set-cookie'] = `${TOKEN_COOKIE}=${encodeURIComponent(policy.token)}; HttpOnly; SameSite=Strict; Path=/`;
  }
  res.writeHead(200, headers);
  if (req.method === 'HEAD') res.end();
  else res.end(readFileSync(file));
}
