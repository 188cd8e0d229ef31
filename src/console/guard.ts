import type { FastifyReply, FastifyRequest } from 'fastify';
import { BridgeError } from '../errors.js';
import { type ConsoleAuth, csrfOk, isCrossSite, type Session } from './auth.js';
import { loginPage } from './pages/login.js';
import type { LoginThrottle } from './throttle.js';

declare module 'fastify' {
  interface FastifyRequest {
    consoleSession?: Session;
  }
}

/**
 * Before every console handler: a POST from another site is refused first
 * (403), then a request without a valid session (401: the login form for a
 * page, JSON for the API), then a cookie session's POST without its form's
 * CSRF token (403).
 */
export function guard(auth: ConsoleAuth, throttle: LoginThrottle, kind: 'page' | 'api' | 'open') {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.method === 'POST' && isCrossSite(request)) throw new BridgeError('cross_site_request');
    if (kind === 'open') return;
    // A bearer token is a login too: guessing it is throttled like the form.
    const bearer = request.headers.authorization !== undefined;
    const wait = bearer ? throttle.blockedFor(request.ip) : 0;
    if (wait > 0) {
      reply.header('retry-after', String(wait));
      throw new BridgeError('console_throttled');
    }
    const session = auth.sessionOf(request);
    if (!session && bearer) throttle.failed(request.ip);
    if (!session) {
      if (kind === 'api' || request.method !== 'GET') throw new BridgeError('console_unauthorized');
      return reply
        .code(401)
        .type('text/html; charset=utf-8')
        .send(loginPage({ next: request.url, failed: false }));
    }
    if (request.method === 'POST' && !csrfOk(session, csrfOf(request))) throw new BridgeError('cross_site_request');
    request.consoleSession = session;
    const renewal = auth.renewal(session);
    if (renewal) reply.header('set-cookie', renewal);
  };
}

function csrfOf(request: FastifyRequest): unknown {
  const fromHeader = request.headers['x-csrf-token'];
  if (typeof fromHeader === 'string') return fromHeader;
  return (request.body as Record<string, unknown> | undefined)?._csrf;
}

/** The CSRF token a page embeds in its forms (empty for a bearer session, which needs none). */
export function csrfOfSession(request: FastifyRequest): string {
  const session = request.consoleSession;
  return session?.via === 'cookie' ? session.csrf : '';
}
