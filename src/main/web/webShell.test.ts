import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../api';
import { createServices, type Services } from '../app/services';
import { Transfers } from '../transfers';
import { parseTarget, staticFile } from './security';
import { startWebShell, type WebShell } from './webShell';

let services: Services;
let shell: WebShell;
let transfers: Transfers;
let root: string;
let staticDir: string;
const internalErrors: string[] = [];

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'kiln-web-root-'));
  staticDir = path.join(root, 'static');
  mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Kiln</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  // beside the studio folder: what a traversal would reach
  writeFileSync(path.join(root, 'secret.txt'), 'TOP-SECRET');
  services = createServices({ home: mkdtempSync(path.join(os.tmpdir(), 'kiln-web-')), host: 'web' });
  transfers = new Transfers(mkdtempSync(path.join(os.tmpdir(), 'kiln-web-transfers-')), { maxUploadBytes: 64 * 1024 });
  shell = await startWebShell({
    dispatcher: createDispatcher(services),
    events: services.events,
    staticDir,
    transfers,
    onError: (where, e) => internalErrors.push(`${where}: ${String(e)}`),
  });
});
afterAll(async () => {
  await shell.close();
  transfers.dispose();
  services.dispose();
});

type Reply = { status: number; body: string; headers: http.IncomingHttpHeaders };

function request(method: string, pathAndQuery: string, headers: Record<string, string> = {}, body?: Buffer | string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: shell.port, method, path: pathAndQuery, headers: { host: `127.0.0.1:${shell.port}`, ...headers } },
      (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
const get = (p: string, headers: Record<string, string> = {}) => request('GET', p, headers);

/** Sends bytes as they are on a fresh TCP connection; resolves with what came back before the close. */
function raw(bytes: string | Buffer, waitMs = 1000): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(shell.port, '127.0.0.1');
    let out = '';
    const done = () => {
      socket.destroy();
      resolve(out);
    };
    socket.on('data', (d) => (out += d.toString('latin1')));
    socket.on('close', done);
    socket.on('error', done);
    socket.setTimeout(waitMs, done);
    socket.write(bytes);
  });
}
const statusOf = (response: string) => Number(/^HTTP\/1\.1 (\d{3})/.exec(response)?.[1] ?? 0);

function connect(query: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket | null; status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/ws${query}`, { headers });
    ws.on('open', () => resolve({ ws, status: 101 }));
    ws.on('unexpected-response', (_req, res) => resolve({ ws: null, status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ ws: null, status: -1 }));
  });
}

/** Upgrades a raw socket to a WebSocket with the token, then writes `frame` as it is; resolves with the bytes that came back. */
function rawWebSocket(frame: Buffer): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = net.connect(shell.port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let upgraded = false;
    const done = () => {
      socket.destroy();
      resolve(Buffer.concat(chunks));
    };
    socket.on('data', (d: Buffer) => {
      if (!upgraded && d.toString('latin1').startsWith('HTTP/1.1 101')) {
        upgraded = true;
        const end = d.indexOf('\r\n\r\n');
        if (end + 4 < d.length) chunks.push(d.subarray(end + 4));
        socket.write(frame);
        return;
      }
      chunks.push(d);
    });
    socket.on('close', done);
    socket.on('error', done);
    socket.setTimeout(1500, done);
    socket.write(
      `GET /ws?token=${shell.token} HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

/** A masked client frame (RFC 6455) with any opcode and payload. */
function frame(opcode: number, payload: Buffer, { fin = true, masked = true } = {}): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const len = payload.length;
  const head =
    len < 126
      ? Buffer.from([(fin ? 0x80 : 0) | opcode, (masked ? 0x80 : 0) | len])
      : Buffer.from([(fin ? 0x80 : 0) | opcode, (masked ? 0x80 : 0) | 126, len >> 8, len & 255]);
  const body = masked ? Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!)) : payload;
  return Buffer.concat([head, masked ? mask : Buffer.alloc(0), body]);
}

/** Close code of the first close frame the server sent, if any. */
function closeCode(bytes: Buffer): number | null {
  for (let i = 0; i + 1 < bytes.length;) {
    const opcode = bytes[i]! & 0x0f;
    let len = bytes[i + 1]! & 0x7f;
    let at = i + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(at);
      at += 2;
    }
    if (opcode === 8) return len >= 2 ? bytes.readUInt16BE(at) : 1005;
    i = at + len;
  }
  return null;
}

async function stillServing(): Promise<void> {
  expect((await get('/')).status).toBe(200);
  const { ws } = await connect(`?token=${shell.token}`);
  expect(ws).not.toBeNull();
  const reply = new Promise<unknown>((r) => ws!.once('message', (d) => r(JSON.parse(String(d)))));
  ws!.send(JSON.stringify({ type: 'call', id: 7, method: 'app.info', args: {} }));
  expect(await reply).toMatchObject({ type: 'result', id: 7, response: { ok: true } });
  ws!.close();
}

describe('the web shell', () => {
  it('listens on 127.0.0.1 only and prints a URL with its token', () => {
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/?token=${shell.token}`);
    expect(shell.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the static studio (public code, no secrets) without the token and never sets a cookie', async () => {
    const r = await get(`/?token=${shell.token}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Kiln</title>');
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    expect((await get('/assets/app.js')).status).toBe(200);
    expect((await get('/p/some/route')).body).toContain('<title>Kiln</title>');
  });

  it('refuses a foreign Host header (DNS rebinding) and a foreign Origin, even for static files', async () => {
    const r = await get('/', { host: `evil.example:${shell.port}` });
    expect(r.status).toBe(403);
    expect(r.body).toContain('Host');
    const o = await get('/', { origin: 'http://evil.example' });
    expect(o.status).toBe(403);
    expect(o.body).toContain('Origin');
    expect(statusOf(await raw('GET / HTTP/1.0\r\n\r\n'))).toBe(403);
  });

  it('refuses WebSocket connections without the token, with a wrong one, a foreign Origin or Host', async () => {
    expect((await connect('')).status).toBe(401);
    expect((await connect('?token=wrong')).status).toBe(401);
    expect((await connect(`?token=${shell.token}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await connect(`?token=${shell.token}`, { host: 'rebind.example' })).status).toBe(403);
  });

  it('ignores cookies: a token in a cookie does not open the API, and a malformed cookie is harmless', async () => {
    expect((await connect('', { cookie: `kiln_token=${shell.token}` })).status).toBe(401);
    // this cookie used to be URI-decoded before the token check, and the URIError killed `kiln serve`
    expect((await connect('', { cookie: 'kiln_token=%E0%A4%A' })).status).toBe(401);
    expect((await get('/', { cookie: 'kiln_token=%E0%A4%A' })).status).toBe(200);
    expect((await get('/', { cookie: '=;;=%%%; kiln_token' })).status).toBe(200);
    await stillServing();
  });

  it('answers malformed URLs with 400', async () => {
    for (const target of ['/%', '/%E0%A4%A', '/assets/%zz.js', 'http://evil.example/', '*', '//double']) {
      expect(statusOf(await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\nConnection: close\r\n\r\n`)), target).toBe(400);
    }
    expect(statusOf(await raw(`GET /ws%ZZ HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n`))).toBe(400);
    await stillServing();
  });

  it('answers malformed request lines and headers with 400, and a wrong Authorization with 401', async () => {
    expect(statusOf(await raw('NOT HTTP AT ALL\r\n\r\n'))).toBe(400);
    expect(statusOf(await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\nbroken header line\r\n\r\n`))).toBe(400);
    expect(statusOf(await raw(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\nContent-Length: nope\r\n\r\n`))).toBe(400);
    expect(statusOf(await raw(Buffer.from([0, 1, 2, 255, 254, 13, 10, 13, 10])))).toBe(400);
    expect((await request('POST', '/transfers/uploads?name=a.csv', { authorization: 'Bearer \u00e9\u00e9' }, 'x')).status).toBe(401);
    expect((await request('POST', '/transfers/uploads?name=a.csv', { authorization: 'Basic Zm9vOmJhcg==' }, 'x')).status).toBe(401);
    expect((await request('DELETE', '/')).status).toBe(405);
    await stillServing();
  });

  it('returns 404 for encoded traversals, backslashes and NUL, never a file outside the studio folder', async () => {
    // without the per-segment decoding these name ../secret.txt (beside the studio folder) or /etc/hostname
    for (const target of [
      '/..%2fsecret.txt',
      '/..%2f..%2f..%2f..%2f..%2f..%2fetc%2fhostname',
      '/%2e%2e/secret.txt',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/..%5csecret.txt',
      '/..\\secret.txt',
      '/assets/app.js%00.png',
      '/%00',
    ]) {
      const r = await raw(`GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${shell.port}\r\nConnection: close\r\n\r\n`);
      expect(statusOf(r), target).toBe(404);
      expect(r).not.toContain('TOP-SECRET');
    }
  });

  it('maps request paths to files inside the studio folder only', () => {
    const target = (u: string) => {
      const t = parseTarget(u);
      return 'segments' in t ? t.segments : t.status;
    };
    expect(target('/assets/app.js?x=1')).toEqual(['assets', 'app.js']);
    expect(target('/a%20b/c.js')).toEqual(['a b', 'c.js']);
    expect(target('/..%2fsecret.txt')).toBe(404);
    expect(target('/%2e%2e/x')).toBe(404);
    expect(target('/a\\b')).toBe(404);
    expect(target('/a%00')).toBe(404);
    expect(target('/%')).toBe(400);
    expect(staticFile(staticDir, ['assets', 'app.js'])).toBe(path.join(staticDir, 'assets', 'app.js'));
    expect(staticFile(staticDir, [])).toBe(path.join(staticDir, 'index.html'));
    expect(staticFile(staticDir, ['..', 'secret.txt'])).toBeNull();
  });

  it('carries API calls and pushes events over the WebSocket', async () => {
    const { ws } = await connect(`?token=${shell.token}`, { origin: `http://127.0.0.1:${shell.port}` });
    expect(ws).not.toBeNull();
    const messages: unknown[] = [];
    ws!.on('message', (d) => messages.push(JSON.parse(String(d))));
    ws!.send(JSON.stringify({ type: 'call', id: 1, method: 'projects.create', args: { name: 'over-ws' } }));
    ws!.send(JSON.stringify({ type: 'call', id: 2, method: 'projects.create', args: { name: '' } }));
    ws!.send(JSON.stringify({ type: 'call', id: 3, method: 'no.such', args: { toString: 1 } }));
    await new Promise((r) => setTimeout(r, 300));
    expect(messages).toContainEqual({ type: 'result', id: 1, response: { ok: true, result: expect.objectContaining({ name: 'over-ws' }) } });
    expect(messages).toContainEqual({ type: 'result', id: 2, response: { ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) } });
    expect(messages).toContainEqual({ type: 'result', id: 3, response: { ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) } });
    expect(messages).toContainEqual({ type: 'event', event: { name: 'projects.changed', payload: {} } });
    ws!.close();
  });

  it('closes a WebSocket that sends something other than JSON calls (1003)', async () => {
    for (const bad of [
      'garbage{',
      'null',
      '[]',
      '{"type":"call","id":"1","method":"app.info"}',
      '{"type":"call","id":1.5,"method":"app.info"}',
      '{"type":"call","id":1}',
    ]) {
      const { ws } = await connect(`?token=${shell.token}`);
      const closed = new Promise<number>((r) => ws!.on('close', (code) => r(code)));
      ws!.send(bad);
      expect(await closed, bad).toBe(1003);
    }
    const { ws } = await connect(`?token=${shell.token}`);
    const closed = new Promise<number>((r) => ws!.on('close', (code) => r(code)));
    ws!.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await closed).toBe(1003);
  });

  it('closes a WebSocket on invalid frames: unknown opcode, unmasked, bad UTF-8, fragmented control, oversized', async () => {
    expect(closeCode(await rawWebSocket(frame(0x3, Buffer.from('x'))))).toBe(1002);
    expect(closeCode(await rawWebSocket(frame(0x1, Buffer.from('{}'), { masked: false })))).toBe(1002);
    expect(closeCode(await rawWebSocket(frame(0x1, Buffer.from([0xc3, 0x28]))))).toBe(1007);
    expect(closeCode(await rawWebSocket(frame(0x9, Buffer.from('p'), { fin: false })))).toBe(1002);
    // announces 2^63 bytes
    const huge = Buffer.from([0x81, 0xff, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4]);
    expect(closeCode(await rawWebSocket(huge))).toBe(1009);
    await stillServing();
  });

  it('takes uploads and serves downloads over HTTP with the Bearer token only', async () => {
    const auth = { authorization: `Bearer ${shell.token}` };
    expect((await request('POST', '/transfers/uploads?name=a.csv', {}, 'x,y\n1,2\n')).status).toBe(401);
    expect((await request('POST', `/transfers/uploads?name=a.csv&token=${shell.token}`, {}, 'x')).status).toBe(200);
    const up = await request('POST', '/transfers/uploads?name=..%2Fa.csv', auth, 'x,y\n1,2\n');
    expect(up.status).toBe(200);
    const { uploadId, bytes } = JSON.parse(up.body) as { uploadId: string; bytes: number };
    expect(bytes).toBe(8);
    expect(transfers.take(uploadId).fileName).toBe('a.csv');
    expect((await request('POST', '/transfers/uploads', auth, 'x')).status).toBe(400);
    expect((await request('POST', '/transfers/uploads?name=big.bin', auth, Buffer.alloc(65 * 1024))).status).toBe(413);

    const offer = transfers.offerDownload({ fileName: 'model "1".onnx', mime: 'application/octet-stream', bytes: new Uint8Array([1, 2, 3]) });
    expect((await get(`/transfers/downloads/${offer.downloadId}`)).status).toBe(401);
    const d = await get(`/transfers/downloads/${offer.downloadId}`, auth);
    expect(d.status).toBe(200);
    expect(d.headers['content-disposition']).toBe(`attachment; filename="model _1_.onnx"; filename*=UTF-8''model%20%221%22.onnx`);
    expect(Buffer.from(d.body, 'latin1')).toEqual(Buffer.from([1, 2, 3]));
    // single use
    expect((await get(`/transfers/downloads/${offer.downloadId}`, auth)).status).toBe(404);
    expect((await get('/transfers/downloads/guess', auth)).status).toBe(404);
  });

  it('stays up through a few thousand random requests and frames (fuzz)', async () => {
    let seed = 20261201;
    const rnd = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const alphabet = [
      'a',
      '/',
      '.',
      '%',
      '%2f',
      '%2e',
      '%5c',
      '\\',
      '%00',
      '%E0%A4%A',
      '%zz',
      '?',
      '&',
      '=',
      '#',
      'é',
      '\u0000',
      ' ',
      'ws',
      'transfers',
      'uploads',
      'downloads',
      'assets',
      'index.html',
    ];
    const pathOf = () => '/' + Array.from({ length: Math.floor(rnd() * 12) }, () => pick(alphabet)).join('');
    const headerValues = [
      '',
      shell.token,
      `Bearer ${shell.token}`,
      'Bearer ',
      '%E0%A4%A',
      'kiln_token=%E0%A4%A',
      'http://evil.example',
      `127.0.0.1:${shell.port}`,
      '\u00ff\u00fe',
      'x'.repeat(5000),
    ];
    const one = async (): Promise<void> => {
      const kind = rnd();
      if (kind < 0.15) {
        await raw(Buffer.from(Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => Math.floor(rnd() * 256))), 300);
        return;
      }
      if (kind < 0.3) {
        const payload = Buffer.from(Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256)));
        await rawWebSocket(rnd() < 0.5 ? frame(Math.floor(rnd() * 16), payload, { fin: rnd() < 0.8, masked: rnd() < 0.9 }) : payload);
        return;
      }
      const method = pick(['GET', 'HEAD', 'POST', 'PUT', 'OPTIONS', 'G\u00e9T', 'CONNECT']);
      const headers = [`Host: ${rnd() < 0.8 ? `127.0.0.1:${shell.port}` : pick(headerValues)}`];
      for (const name of ['Cookie', 'Origin', 'Authorization', 'Upgrade', 'Content-Length', 'Connection'])
        if (rnd() < 0.3) headers.push(`${name}: ${pick(headerValues)}`);
      if (rnd() < 0.1)
        headers.push(
          'Upgrade: websocket',
          'Connection: Upgrade',
          'Sec-WebSocket-Version: 13',
          `Sec-WebSocket-Key: ${pick(['dGhlIHNhbXBsZSBub25jZQ==', 'bad'])}`,
        );
      const body = rnd() < 0.2 ? 'x'.repeat(Math.floor(rnd() * 3000)) : '';
      await raw(`${method} ${pathOf()} HTTP/1.1\r\n${headers.join('\r\n')}\r\nConnection: close\r\n\r\n${body}`, 300);
    };
    const started = Date.now();
    let sent = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (sent < 3000) {
          sent++;
          await one();
        }
      }),
    );
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(internalErrors).toEqual([]);
    await stillServing();
  }, 30_000);
});
