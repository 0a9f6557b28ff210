/**
 * `kiln serve`: the studio in a browser tab. Serves the built renderer, carries the typed API over
 * a WebSocket and file transfers over HTTP. Binds 127.0.0.1 only; Host and Origin are pinned to
 * it; the API and transfers need the per-run token (see security.ts for how it is carried).
 * A malformed request gets a 400 (or 404 for a path that tries to leave the studio folder) and a
 * malformed WebSocket frame closes that socket: nothing a client sends can throw out of here.
 */
import { createReadStream, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { ClientMessage, ServerMessage } from '../../shared/api/transport';
import { isKilnError } from '../../shared/errors';
import type { Dispatcher } from '../api/dispatcher';
import type { EventBus } from '../api/eventBus';
import type { Transfers } from '../transfers';
import {
  checkOrigin,
  checkRequest,
  contentSecurityPolicy,
  isRefusal,
  newToken,
  parseTarget,
  staticFile,
  type AccessPolicy,
  type Refusal,
  type RequestTarget,
} from './security';

export interface WebShellOptions {
  dispatcher: Dispatcher;
  events: EventBus;
  /** built renderer (index.html + assets) */
  staticDir: string;
  /** serves `/transfers/…` when given */
  transfers?: Transfers;
  port?: number;
  token?: string;
  /** unexpected failures inside the shell (default: stderr) */
  onError?: (where: string, error: unknown) => void;
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

const STATUS_TEXT: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

export async function startWebShell(options: WebShellOptions): Promise<WebShell> {
  const token = options.token ?? newToken();
  const policy: AccessPolicy = { token, port: 0 };
  const root = path.resolve(options.staticDir);
  const report = options.onError ?? ((where, e) => process.stderr.write(`kiln serve: ${where}: ${e instanceof Error ? e.message : String(e)}\n`));

  const server = http.createServer((req, res) => {
    handleHttp(req, res, root, policy, options.transfers).catch((e: unknown) => {
      report(`${req.method} request`, e);
      fail(res, 500, 'Internal error');
    });
  });
  // unparseable request lines or headers: Node's parser gives up, the client gets a 400
  server.on('clientError', (_err, socket: Duplex) => {
    if ((socket as Socket).writable) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    else socket.destroy();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const target = parseTarget(req.url);
      const refusal: Refusal | null = isRefusal(target)
        ? target
        : target.segments.join('/') !== 'ws'
          ? (checkOrigin(req, policy) ?? { status: 404, reason: 'Not found' })
          : checkRequest(req, target, policy);
      if (refusal) {
        socket.end(`HTTP/1.1 ${refusal.status} ${STATUS_TEXT[refusal.status]}\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\n${refusal.reason}`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => attach(ws, options.dispatcher, options.events, report));
    } catch (e) {
      report('WebSocket upgrade', e);
      socket.destroy();
    }
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

function fail(res: http.ServerResponse, status: number, reason: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff', ...extra });
  res.end(reason);
}

async function handleHttp(req: http.IncomingMessage, res: http.ServerResponse, root: string, policy: AccessPolicy, transfers?: Transfers): Promise<void> {
  const target = parseTarget(req.url);
  if (isRefusal(target)) return fail(res, target.status, target.reason);
  const origin = checkOrigin(req, policy);
  if (origin) return fail(res, origin.status, origin.reason);
  if (target.segments[0] === 'transfers') {
    if (!transfers) return fail(res, 404, 'Not found');
    const refusal = checkRequest(req, target, policy);
    if (refusal) return fail(res, refusal.status, refusal.reason);
    return serveTransfer(req, res, target, transfers);
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') return fail(res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
  serveStatic(root, target, req, res, policy);
}

async function serveTransfer(req: http.IncomingMessage, res: http.ServerResponse, target: RequestTarget, transfers: Transfers): Promise<void> {
  const [, kind, id, ...rest] = target.segments;
  const noStore = { 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' };
  if (kind === 'uploads' && id === undefined) {
    if (req.method !== 'POST') return fail(res, 405, 'Method not allowed', { allow: 'POST' });
    const name = target.query.get('name');
    if (!name) return fail(res, 400, 'Give the file name as ?name=');
    try {
      const r = await transfers.receiveUpload(name, req);
      res.writeHead(200, { 'content-type': 'application/json', ...noStore });
      res.end(JSON.stringify(r));
    } catch (e) {
      if (!isKilnError(e)) throw e;
      fail(res, e.code === 'BAD_FILE' ? 413 : 400, e.message, { connection: 'close' });
      req.resume();
    }
    return;
  }
  if (kind === 'downloads' && id !== undefined && rest.length === 0) {
    if (req.method !== 'GET') return fail(res, 405, 'Method not allowed', { allow: 'GET' });
    let d;
    try {
      d = transfers.takeDownload(id);
    } catch (e) {
      if (!isKilnError(e)) throw e;
      return fail(res, 404, e.message);
    }
    res.writeHead(200, {
      'content-type': d.mime,
      'content-length': String(d.bytes),
      'content-disposition': `attachment; filename="${d.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(d.fileName)}`,
      ...noStore,
    });
    const stream = d.open();
    stream.on('error', () => res.destroy());
    res.on('close', () => d.done());
    stream.pipe(res);
    return;
  }
  fail(res, 404, 'Not found');
}

function attach(ws: WebSocket, dispatcher: Dispatcher, events: EventBus, report: (where: string, e: unknown) => void): void {
  const send = (msg: ServerMessage) => {
    if (ws.readyState !== ws.OPEN) return;
    try {
      ws.send(JSON.stringify(msg));
    } catch (e) {
      report('WebSocket send', e);
    }
  };
  const unsubscribe = events.subscribe((event) => send({ type: 'event', event }));
  ws.on('close', unsubscribe);
  // an invalid frame (bad opcode, unmasked, too large, bad UTF-8): ws closes the socket; without
  // a listener the error would be thrown
  ws.on('error', () => ws.terminate());
  ws.on('message', (data: RawData, isBinary: boolean) => {
    const msg = readCall(data, isBinary);
    if (!msg) {
      ws.close(1003, 'Messages must be JSON calls');
      return;
    }
    dispatcher.call(msg.method, msg.args).then(
      (response) => send({ type: 'result', id: msg.id, response }),
      (e: unknown) => {
        report(`call ${String(msg.method)}`, e);
        send({ type: 'result', id: msg.id, response: { ok: false, error: { code: 'INTERNAL', message: 'Unexpected error' } } });
      },
    );
  });
}

/** A `{ type: 'call', id, method, args }` message, or null for anything else. */
function readCall(data: RawData, isBinary: boolean): ClientMessage | null {
  if (isBinary) return null;
  let msg: unknown;
  try {
    msg = JSON.parse(Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]).toString('utf8'));
  } catch {
    return null;
  }
  if (typeof msg !== 'object' || msg === null) return null;
  const m = msg as Record<string, unknown>;
  if (m.type !== 'call' || typeof m.id !== 'number' || !Number.isSafeInteger(m.id) || typeof m.method !== 'string') return null;
  return { type: 'call', id: m.id, method: m.method, args: m.args };
}

function serveStatic(root: string, target: RequestTarget, req: http.IncomingMessage, res: http.ServerResponse, policy: AccessPolicy): void {
  const file = staticFile(root, target.segments);
  if (!file) return fail(res, 404, 'Not found');
  const isIndex = file === path.join(root, 'index.html');
  let size: number;
  try {
    const st = statSync(file);
    if (!st.isFile()) throw new Error('not a file');
    size = st.size;
  } catch {
    return fail(res, 404, isIndex ? 'The studio is not built yet: run `npm run build`.' : 'Not found');
  }
  res.writeHead(200, {
    'content-type': CONTENT_TYPES[path.extname(file)] ?? 'application/octet-stream',
    'content-length': String(size),
    'content-security-policy': contentSecurityPolicy(policy.port),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': isIndex ? 'no-store' : 'private, max-age=3600',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}
