/**
 * Request checks of the web shell: Host/Origin pinned to the loopback address and port (so a page
 * on another site, or a DNS-rebound name, cannot reach the API), the per-run token, and the
 * mapping of a request path to a file of the built studio.
 *
 * How the token is carried: never in a cookie (cookies ignore ports, so every other service on
 * 127.0.0.1 would receive it). The static studio (index.html + assets, public code with no
 * secrets) is served without the token; the page reads the token from its own URL, keeps it in
 * sessionStorage, and sends it only on the WebSocket upgrade (`/ws?token=…`) and as an
 * `Authorization: Bearer …` header on transfer requests (`/transfers/…`).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import path from 'node:path';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

export type Refusal = { status: 400 | 401 | 403 | 404; reason: string };

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

/** A request target split into its decoded path segments and raw query; null when it cannot be read. */
export interface RequestTarget {
  /** decoded segments, none empty, none containing `/`, `\`, NUL, `.` or `..` */
  segments: string[];
  query: URLSearchParams;
}

/**
 * Parses `req.url` by hand: origin-form only (`/a/b?q`), every segment percent-decoded on its
 * own, so an encoded `/` (`%2f`), `..`, `%2e%2e`, a backslash or NUL can never become a path
 * step. Returns a Refusal (400 malformed, 404 a path that tries to leave) or the target.
 */
export function parseTarget(rawUrl: string | undefined): RequestTarget | Refusal {
  const raw = rawUrl ?? '';
  if (!raw.startsWith('/') || raw.startsWith('//')) return { status: 400, reason: 'Bad request target' };
  const q = raw.indexOf('?');
  const rawPath = (q >= 0 ? raw.slice(0, q) : raw).split('#')[0]!;
  let query: URLSearchParams;
  try {
    query = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
  } catch {
    return { status: 400, reason: 'Bad query string' };
  }
  const segments: string[] = [];
  for (const part of rawPath.split('/')) {
    if (part === '') continue;
    let seg: string;
    try {
      seg = decodeURIComponent(part);
    } catch {
      return { status: 400, reason: 'Bad percent-encoding in the path' };
    }
    if (seg === '.' || seg === '..' || /[/\\\0]/.test(seg)) return { status: 404, reason: 'Not found' };
    segments.push(seg);
  }
  return { segments, query };
}

export function isRefusal(x: unknown): x is Refusal {
  return typeof x === 'object' && x !== null && 'status' in x && 'reason' in x;
}

/**
 * The file of the built studio a request path names, confined to `root` (resolved, and checked
 * again after resolution). Paths without an extension are the single-page app's routes.
 */
export function staticFile(root: string, segments: readonly string[]): string | null {
  const rel = segments.length === 0 || !path.extname(segments[segments.length - 1]!) ? ['index.html'] : segments;
  const base = path.resolve(root);
  const file = path.resolve(base, ...rel);
  return file.startsWith(base + path.sep) ? file : null;
}

/** Host and Origin checks every request passes (static files, WebSocket, transfers). */
export function checkOrigin(req: IncomingMessage, policy: AccessPolicy): Refusal | null {
  const host = req.headers.host ?? '';
  if (!allowedHosts(policy.port).includes(host.toLowerCase())) {
    return { status: 403, reason: `Host "${host}" is not this Kiln (expected 127.0.0.1:${policy.port})` };
  }
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedOrigins(policy.port).includes(String(origin).toLowerCase())) {
    return { status: 403, reason: `Origin "${origin}" may not use this Kiln` };
  }
  return null;
}

/** The token of a WebSocket upgrade (query) or a transfer request (Bearer header); never a cookie. */
export function requestToken(req: IncomingMessage, target: RequestTarget): string | null {
  const auth = req.headers.authorization;
  if (typeof auth === 'string') {
    const m = /^Bearer ([\w-]+)$/.exec(auth.trim());
    return m ? m[1]! : null;
  }
  return target.query.get('token');
}

/** Returns null when the request may proceed (right Host, Origin and token), else why not. */
export function checkRequest(req: IncomingMessage, target: RequestTarget, policy: AccessPolicy): Refusal | null {
  const refusal = checkOrigin(req, policy);
  if (refusal) return refusal;
  if (!tokenEquals(requestToken(req, target), policy.token)) {
    return { status: 401, reason: 'Missing or wrong token: open the URL that `kiln serve` printed' };
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
