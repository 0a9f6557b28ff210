import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createDispatcher } from '../api';
import { createServices, type Services } from '../app/services';
import { startWebShell, type WebShell } from './webShell';

let services: Services;
let shell: WebShell;

beforeAll(async () => {
  const staticDir = mkdtempSync(path.join(os.tmpdir(), 'kiln-static-'));
  mkdirSync(path.join(staticDir, 'assets'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Kiln</title>');
  writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  services = createServices({ home: mkdtempSync(path.join(os.tmpdir(), 'kiln-web-')), host: 'web' });
  shell = await startWebShell({ dispatcher: createDispatcher(services), events: services.events, staticDir });
});
afterAll(async () => {
  await shell.close();
  services.dispose();
});

function get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: shell.port, path: pathAndQuery, headers: { host: `127.0.0.1:${shell.port}`, ...headers } }, (res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

function connect(query: string, headers: Record<string, string> = {}): Promise<{ ws: WebSocket | null; status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`ws://127.0.0.1:${shell.port}/ws${query}`, { headers });
    ws.on('open', () => resolve({ ws, status: 101 }));
    ws.on('unexpected-response', (_req, res) => resolve({ ws: null, status: res.statusCode ?? 0 }));
    ws.on('error', () => resolve({ ws: null, status: -1 }));
  });
}

describe('the web shell', () => {
  it('listens on 127.0.0.1 only and prints a URL with its token', () => {
    expect(shell.url).toBe(`http://127.0.0.1:${shell.port}/?token=${shell.token}`);
    expect(shell.token.length).toBeGreaterThanOrEqual(32);
  });

  it('serves the studio with the token, sets a cookie and a CSP', async () => {
    const r = await get(`/?token=${shell.token}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>Kiln</title>');
    expect(r.headers['set-cookie']?.[0]).toMatch(/kiln_token=.*HttpOnly; SameSite=Strict/);
    expect(r.headers['content-security-policy']).toContain("default-src 'self'");
    expect(r.headers['content-security-policy']).toContain("script-src 'self'");
    const asset = await get('/assets/app.js', { cookie: `kiln_token=${shell.token}` });
    expect(asset.status).toBe(200);
  });

  it('refuses a request without the token', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
  });

  it('refuses a request with a wrong token', async () => {
    expect((await get('/?token=guess')).status).toBe(401);
    expect((await get('/', { cookie: 'kiln_token=guess' })).status).toBe(401);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const r = await get(`/?token=${shell.token}`, { host: `evil.example:${shell.port}` });
    expect(r.status).toBe(403);
    expect(r.body).toContain('Host');
  });

  it('refuses a foreign Origin', async () => {
    const r = await get(`/?token=${shell.token}`, { origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(r.body).toContain('Origin');
  });

  it('does not serve files outside the studio folder', async () => {
    const r = await get(`/../../../../etc/passwd?token=${shell.token}`);
    expect(r.body).not.toContain('root:');
  });

  it('refuses WebSocket connections without the token, with a foreign Origin or Host', async () => {
    expect((await connect('')).status).toBe(401);
    expect((await connect('?token=wrong')).status).toBe(401);
    expect((await connect(`?token=${shell.token}`, { origin: 'http://evil.example' })).status).toBe(403);
    expect((await connect(`?token=${shell.token}`, { host: 'rebind.example' })).status).toBe(403);
  });

  it('carries API calls and pushes events over the WebSocket', async () => {
    const { ws } = await connect(`?token=${shell.token}`, { origin: `http://127.0.0.1:${shell.port}` });
    expect(ws).not.toBeNull();
    const messages: unknown[] = [];
    ws!.on('message', (d) => messages.push(JSON.parse(String(d))));
    ws!.send(JSON.stringify({ type: 'call', id: 1, method: 'projects.create', args: { name: 'over-ws' } }));
    ws!.send(JSON.stringify({ type: 'call', id: 2, method: 'projects.create', args: { name: '' } }));
    await new Promise((r) => setTimeout(r, 300));
    expect(messages).toContainEqual({ type: 'result', id: 1, response: { ok: true, result: expect.objectContaining({ name: 'over-ws' }) } });
    expect(messages).toContainEqual({ type: 'result', id: 2, response: { ok: false, error: expect.objectContaining({ code: 'BAD_REQUEST' }) } });
    expect(messages).toContainEqual({ type: 'event', event: { name: 'projects.changed', payload: {} } });
    ws!.close();
  });

  it('closes a WebSocket that sends something other than JSON calls', async () => {
    const { ws } = await connect(`?token=${shell.token}`);
    const closed = new Promise<number>((r) => ws!.on('close', (code) => r(code)));
    ws!.send('garbage{');
    expect(await closed).toBe(1003);
  });
});
