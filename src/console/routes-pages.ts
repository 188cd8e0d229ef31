import type { FastifyReply, FastifyRequest } from 'fastify';
import { BridgeError } from '../errors.js';
import type { ConsoleAuth } from './auth.js';
import type { ConsoleDeps, RouteTable } from './deps.js';
import { coordinates, cursor, eventFiltersOf, text } from './filters.js';
import { csrfOfSession } from './guard.js';
import { deadLettersPage, replayPage } from './pages/dead-letters.js';
import { eventsPage, historyPage } from './pages/events.js';
import { groupsPage } from './pages/groups.js';
import { loginPage } from './pages/login.js';
import { overviewPage } from './pages/overview.js';
import { payloadPage } from './pages/payload.js';
import { readPayload } from './payload.js';

type Query = Record<string, unknown>;

const send = (reply: FastifyReply, page: string, status = 200) => reply.code(status).type('text/html; charset=utf-8').send(page);
const paramsOf = (request: FastifyRequest) => new URLSearchParams(request.url.split('?')[1] ?? '');

/** The server-rendered pages: each reads what it shows and renders it; forms post back here. */
export function pageRoutes(deps: ConsoleDeps, auth: ConsoleAuth): RouteTable {
  return [
    {
      method: 'GET',
      url: '/console/login',
      kind: 'open',
      handler: async (request, reply) => send(reply, loginPage({ next: safeNext((request.query as Query).next), failed: false })),
    },
    {
      method: 'POST',
      url: '/console/login',
      kind: 'open',
      handler: async (request, reply) => {
        const body = (request.body ?? {}) as Query;
        const next = safeNext(body.next);
        if (typeof body.token !== 'string' || !auth.isToken(body.token)) {
          request.log.warn('console login refused');
          return send(reply, loginPage({ next, failed: true }), 401);
        }
        return reply.header('set-cookie', auth.sessionCookie()).redirect(next, 303);
      },
    },
    {
      method: 'POST',
      url: '/console/logout',
      kind: 'page',
      handler: async (_request, reply) => reply.header('set-cookie', auth.clearCookie()).redirect('/console/login', 303),
    },
    {
      method: 'GET',
      url: '/console/',
      kind: 'page',
      handler: async (request, reply) => {
        const data = {
          activity: deps.activity.snapshot(),
          services: await deps.services(),
          settings: deps.settings,
          categoryOf: deps.categoryOf,
        };
        return send(reply, overviewPage(data, csrfOfSession(request)));
      },
    },
    {
      method: 'GET',
      url: '/console/events',
      kind: 'page',
      handler: async (request, reply) => {
        const filters = eventFiltersOf(request.query as Query);
        const page = await deps.log.events(filters);
        const data = {
          page,
          filters,
          params: paramsOf(request),
          knownTypes: deps.knownTypes,
          categories: deps.categories,
          topic: deps.topics.log,
        };
        return send(reply, eventsPage(data, csrfOfSession(request)));
      },
    },
    {
      method: 'GET',
      url: '/console/records/:recordId',
      kind: 'page',
      handler: async (request, reply) => {
        const { recordId } = request.params as { recordId: string };
        const page = await deps.log.history(recordId, cursor((request.query as Query).before));
        return send(reply, historyPage({ recordId, page, params: paramsOf(request) }, csrfOfSession(request)));
      },
    },
    {
      method: 'GET',
      url: '/console/dead-letters',
      kind: 'page',
      handler: async (request, reply) => {
        const query = request.query as Query;
        const reason = text(query.reason);
        const page = await deps.log.deadLetters({ reason, before: cursor(query.before) });
        const data = { page, reason, params: paramsOf(request), topic: deps.topics.deadLetter };
        return send(reply, deadLettersPage(data, csrfOfSession(request)));
      },
    },
    {
      method: 'POST',
      url: '/console/dead-letters/replay',
      kind: 'page',
      handler: async (request, reply) => {
        const body = (request.body ?? {}) as Query;
        if (body.mode !== 'dry-run' && body.mode !== 'replay') throw new BridgeError('bad_request', { message: 'mode: dry-run or replay' });
        const run = await deps.replay({ dryRun: body.mode === 'dry-run', only: coordinates(body) });
        return send(reply, replayPage(run, csrfOfSession(request)));
      },
    },
    {
      method: 'GET',
      url: '/console/groups',
      kind: 'page',
      handler: async (request, reply) => {
        const started = performance.now();
        const groups = await deps.groups();
        return send(reply, groupsPage({ groups, elapsedMs: Math.round(performance.now() - started) }, csrfOfSession(request)));
      },
    },
    {
      method: 'POST',
      url: '/console/payload',
      kind: 'page',
      handler: async (request, reply) => {
        const record = await readPayload(deps, (request.body ?? {}) as Query);
        return send(reply, payloadPage(record, csrfOfSession(request)));
      },
    },
  ];
}

/** Only a console path: a login never redirects elsewhere. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/console\/[^/\\]/.test(`${value}x`) && !value.includes('//') ? value : '/console/';
}
