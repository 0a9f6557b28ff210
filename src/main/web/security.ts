/**
 * Request checks of the web shell: the per-run token, and Host/Origin pinned to the loopback
 * address and port (so a page on another site, or a DNS-rebound name, cannot reach the API).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_COOKIE = 'kiln_token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export type Refusal = { status: 403 | 401; reason: string };

export interface AccessPolicy {
  token: string;
  port: number;
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function allowedOrigins(port: number): string[] {
  return allowedHosts(port).map((h) => `http://${h}`);
}

/** Returns null when the request may proceed, else why not. */
export function checkRequest(req: IncomingMessage, policy: AccessPolicy): Refusal | null {
  const host = req.headers.host ?? '';
  if (!allowedHosts(policy.port).includes(host.toLowerCase())) {
    return { status: 403, reason: `Host "${host}" is not this Kiln (expected 127.0.0.1:${policy.port})` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(policy.port).includes(origin.toLowerCase())) {
    return { status: 403, reason: `Origin "${origin}" may not use this Kiln` };
  }
  if (!tokenEquals(requestToken(req), policy.token)) {
    return { status: 401, reason: 'Missing or wrong token: open the URL that `kiln serve` printed' };
  }
  return null;
}

export function requestToken(req: IncomingMessage): string | null {
  const url = new URL(req.url ?? '/', 'http://localhost');
  const fromQuery = url.searchParams.get('token');
  if (fromQuery) return fromQuery;
  const cookie = req.headers.cookie ?? '';
  for (const part of cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === TOKEN_COOKIE) return decodeURIComponent(v.join('='));
  }
  return null;
}

function tokenEquals(given: string | null, expected: string): boolean {
  if (given === null) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Content-Security-Policy of every page the web shell serves: nothing remote, no inline scripts. */
export function contentSecurityPolicy(port: number): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "media-src 'self' data: blob:",
    "font-src 'self' data:",
    "worker-src 'self' blob:",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
