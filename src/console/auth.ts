import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'popp_console';
const SESSION_HOURS = 12;

export type Session = { via: 'cookie'; issuedAt: number; csrf: string } | { via: 'bearer' };

export interface ConsoleAuth {
  /** The login form's check, in constant time. */
  isToken(candidate: string): boolean;
  /** `Set-Cookie` for a fresh session. */
  sessionCookie(): string;
  clearCookie(): string;
  /** The session of a request: the cookie, or the token as a bearer (scripts, Prometheus); undefined if neither is valid. */
  sessionOf(request: FastifyRequest): Session | undefined;
}

/**
 * Stateless sessions: the cookie holds its issue time and an HMAC of it
 * keyed by the token, never the token itself, so changing CONSOLE_TOKEN ends
 * every session. HttpOnly (no script reads it) and SameSite=Strict (no other
 * site's page sends it); the CSRF token of a form is a second HMAC of the same
 * issue time.
 */
export function createConsoleAuth(token: string, now: () => number = Date.now): ConsoleAuth {
  const sign = (purpose: string, issuedAt: number) => createHmac('sha256', token).update(`${purpose}.${issuedAt}`).digest('base64url');
  const same = (a: string, b: string) => {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
  };
  const attributes = `HttpOnly; SameSite=Strict; Path=/console`;

  return {
    isToken: (candidate) =>
      same(createHmac('sha256', 'cmp').update(candidate).digest('hex'), createHmac('sha256', 'cmp').update(token).digest('hex')),
    sessionCookie() {
      const issuedAt = now();
      return `${SESSION_COOKIE}=${issuedAt}.${sign('session', issuedAt)}; ${attributes}; Max-Age=${SESSION_HOURS * 3600}`;
    },
    clearCookie: () => `${SESSION_COOKIE}=; ${attributes}; Max-Age=0`,
    sessionOf(request) {
      const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (bearer !== undefined) return this.isToken(bearer.trim()) ? { via: 'bearer' } : undefined;
      const value = cookie(request.headers.cookie, SESSION_COOKIE);
      const match = value ? /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
      if (!match) return undefined;
      const issuedAt = Number(match[1]);
      const age = now() - issuedAt;
      if (age < -60_000 || age > SESSION_HOURS * 3_600_000) return undefined;
      if (!same(match[2] as string, sign('session', issuedAt))) return undefined;
      return { via: 'cookie', issuedAt, csrf: sign('csrf', issuedAt) };
    },
  };
}

/**
 * Whether a state-changing request comes from another site. Browsers say so
 * in Sec-Fetch-Site, which no page can forge; a browser too old to send it
 * sends Origin, which must then be this listener's own. Requests with
 * neither (curl, scripts with the bearer token) pass.
 */
export function isCrossSite(request: FastifyRequest): boolean {
  const site = request.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = request.headers.origin;
  if (origin === undefined) return false;
  return origin !== `${request.protocol}://${request.headers.host ?? ''}`;
}

/** Whether a cookie session's form carried its CSRF token (a bearer session needs none: browsers never add it). */
export function csrfOk(session: Session, sent: unknown): boolean {
  if (session.via === 'bearer') return true;
  return typeof sent === 'string' && sent.length === session.csrf.length && timingSafeEqual(Buffer.from(sent), Buffer.from(session.csrf));
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
