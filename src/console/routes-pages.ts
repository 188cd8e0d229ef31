import type { FastifyRequest } from 'fastify';
import { BridgeError } from '../errors.js';
import type { ConsoleAuth } from './auth.js';
import type { ConsoleDeps, RouteTable } from './deps.js';
import { isZone, LOCAL_COOKIE, ZONE_COOKIE } from './display.js';
import { csrfOfSession } from './guard.js';
import { loginPage } from './pages/login.js';
import { overviewPage } from './pages/overview.js';
import { timeZonePage } from './pages/time-zone.js';
import { sendPage } from './respond.js';
import type { LoginThrottle } from './throttle.js';

type Query = Record<string, unknown>;

/** The session's pages (login, logout), the overview and the display settings; the record pages are in routes-records.ts. */
export function pageRoutes(deps: ConsoleDeps, auth: ConsoleAuth, throttle: LoginThrottle): RouteTable {
  const now = deps.now ?? Date.now;
  return [
    {
      method: 'GET',
      url: '/console/login',
      kind: 'open',
      handler: async (request, reply) =>
        sendPage(request, reply, loginPage({ next: safeNext((request.query as Query).next), failed: false })),
    },
    {
      method: 'POST',
      url: '/console/login',
      kind: 'open',
      handler: async (request, reply) => {
        const body = (request.body ?? {}) as Query;
        const next = safeNext(body.next);
        const wait = throttle.blockedFor(request.ip);
        if (wait > 0) {
          request.log.warn('console login throttled');
          reply.header('retry-after', String(wait));
          return sendPage(request, reply, loginPage({ next, failed: false, waitSeconds: wait }), 429);
        }
        if (typeof body.token !== 'string' || !auth.isToken(body.token)) {
          throttle.failed(request.ip);
          request.log.warn('console login refused');
          return sendPage(request, reply, loginPage({ next, failed: true }), 401);
        }
        return reply.header('set-cookie', auth.sessionCookie()).redirect(next, 303);
      },
    },
    {
      method: 'POST',
      url: '/console/logout',
      kind: 'page',
      handler: async (request, reply) => {
        // Revoked on the server: a copy of the cookie taken before logout no longer opens anything.
        if (request.consoleSession) auth.revoke(request.consoleSession);
        return reply.header('set-cookie', auth.clearCookie()).redirect('/console/login', 303);
      },
    },
    {
      method: 'GET',
      url: '/console/',
      kind: 'page',
      handler: async (request, reply) => {
        const [services, totals] = await Promise.all([
          deps.services(),
          deps.log.totals(now()).catch((error: unknown) => (error instanceof Error ? error.message : String(error))),
        ]);
        const data = { activity: deps.activity.snapshot(), services, settings: deps.settings, categoryOf: deps.categoryOf, totals };
        return sendPage(request, reply, overviewPage(data, csrfOfSession(request)));
      },
    },
    {
      method: 'GET',
      url: '/console/time-zone',
      kind: 'page',
      handler: async (request, reply) => {
        const query = request.query as Query;
        const next = safeNext(query.next);
        const zone = typeof query.zone === 'string' ? query.zone.trim() : undefined;
        if (zone !== undefined && zone !== '' && !isZone(zone))
          throw new BridgeError('bad_request', { message: `zone: ${zone.slice(0, 64)} is not a time zone` });
        // A display choice only, kept in the browser: no CSRF token needed to switch it.
        const cookies: string[] = [];
        const attributes = 'SameSite=Strict; Path=/console; Max-Age=31536000';
        if (zone) cookies.push(`${ZONE_COOKIE}=${encodeURIComponent(zone)}; ${attributes}`, `${LOCAL_COOKIE}=local; ${attributes}`);
        else if (query.time === 'local' || query.time === 'utc') cookies.push(`${LOCAL_COOKIE}=${query.time}; ${attributes}`);
        if (cookies.length > 0) return reply.header('set-cookie', cookies).redirect(next, 303);
        return sendPage(
          request,
          reply,
          timeZonePage({ next, zones: Intl.supportedValuesOf('timeZone'), guess: serverZone() }, csrfOfSession(request)),
        );
      },
    },
  ];
}

function serverZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

/** Only a console path: a login never redirects elsewhere. */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/console\/[^/\\]/.test(`${value}x`) && !value.includes('//') ? value : '/console/';
}

export const paramsOf = (request: FastifyRequest) => new URLSearchParams(request.url.split('?')[1] ?? '');
