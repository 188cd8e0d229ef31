import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

export const SESSION_COOKIE = 'popp_console';
const SESSION_HOURS = 12;
/** A session nobody used for this long is over: a laptop left open is not a way in for the day. */
export const IDLE_MINUTES = 30;
/** The cookie's last-seen time is renewed at most this often. */
const RENEW_MS = 60_000;

export type Session = { via: 'cookie'; issuedAt: number; seenAt: number; csrf: string } | { via: 'bearer' };

export interface ConsoleAuth {
  /** The login form's check, in constant time. */
  isToken(candidate: string): boolean;
  /** `Set-Cookie` for a fresh session. */
  sessionCookie(): string;
  clearCookie(): string;
  /** The session of a request: the cookie, or the token as a bearer (scripts, Prometheus); undefined if neither is valid. */
  sessionOf(request: FastifyRequest): Session | undefined;
  /** `Set-Cookie` moving a session's last-seen time to now, when it is due; else undefined. */
  renewal(session: Session): string | undefined;
  /** Logout: the session is refused from now on, even with a copy of its cookie. */
  revoke(session: Session): void;
}

/**
 * Sessions in a cookie: its issue and last-seen times and an HMAC of both
 * keyed by the token, never the token itself, so changing CONSOLE_TOKEN ends
 * every session. HttpOnly (no script reads it) and SameSite=Strict (no other
 * site's page sends it); the CSRF token of a form is a second HMAC of the
 * issue time. A session ends 12 h after login, after 30 min unused, or at
 * logout: a revoked session is remembered (in memory, until it would have
 * expired anyway) and refused.
 */
export function createConsoleAuth(token: string, now: () => number = Date.now): ConsoleAuth {
  const sign = (purpose: string, value: string) => createHmac('sha256', token).update(`${purpose}.${value}`).digest('base64url');
  const same = (a: string, b: string) => {
    const left = Buffer.from(a);
    const right = Buffer.from(b);
    return left.length === right.length && timingSafeEqual(left, right);
  };
  const attributes = `HttpOnly; SameSite=Strict; Path=/console`;
  const revoked = new Map<number, number>();
  const cookieFor = (issuedAt: number, seenAt: number) => {
    const value = `${issuedAt}.${seenAt}`;
    return `${SESSION_COOKIE}=${value}.${sign('session', value)}; ${attributes}; Max-Age=${SESSION_HOURS * 3600}`;
  };

  return {
    isToken: (candidate) =>
      same(createHmac('sha256', 'cmp').update(candidate).digest('hex'), createHmac('sha256', 'cmp').update(token).digest('hex')),
    sessionCookie() {
      const issuedAt = now();
      return cookieFor(issuedAt, issuedAt);
    },
    clearCookie: () => `${SESSION_COOKIE}=; ${attributes}; Max-Age=0`,
    sessionOf(request) {
      const bearer = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
      if (bearer !== undefined) return this.isToken(bearer.trim()) ? { via: 'bearer' } : undefined;
      const value = cookie(request.headers.cookie, SESSION_COOKIE);
      const match = value ? /^(\d{13})\.(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(value) : null;
      if (!match) return undefined;
      const issuedAt = Number(match[1]);
      const seenAt = Number(match[2]);
      const at = now();
      if (at - issuedAt < -60_000 || at - issuedAt > SESSION_HOURS * 3_600_000) return undefined;
      if (at - seenAt > IDLE_MINUTES * 60_000 || seenAt < issuedAt) return undefined;
      if (!same(match[3] as string, sign('session', `${issuedAt}.${seenAt}`))) return undefined;
      if (revoked.has(issuedAt)) return undefined;
      return { via: 'cookie', issuedAt, seenAt, csrf: sign('csrf', String(issuedAt)) };
    },
    renewal(session) {
      if (session.via !== 'cookie' || now() - session.seenAt < RENEW_MS) return undefined;
      return cookieFor(session.issuedAt, now());
    },
    revoke(session) {
      if (session.via !== 'cookie') return;
      const at = now();
      for (const [issuedAt, until] of revoked) if (until < at) revoked.delete(issuedAt);
      revoked.set(session.issuedAt, session.issuedAt + SESSION_HOURS * 3_600_000);
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

export function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return undefined;
}
