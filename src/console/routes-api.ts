import type { FastifyRequest } from 'fastify';
import { BridgeError } from '../errors.js';
import type { ConsoleDeps, RouteTable } from './deps.js';
import { coordinates, cursor, eventFiltersOf, text, timeRange } from './filters.js';
import { formatCursor } from './log-window.js';
import { readableBody } from './pages/payload.js';
import { readPayload } from './payload.js';
import type { RowPage } from './queries.js';
import { deadLetterFiltersOf } from './routes-records.js';

type Query = Record<string, unknown>;

/** The same reads and actions as the pages, as JSON, for scripts (with the token as a bearer). */
export function apiRoutes(deps: ConsoleDeps): RouteTable {
  const query = (request: FastifyRequest) => request.query as Query;
  return [
    {
      method: 'GET',
      url: '/console/api/overview',
      kind: 'api',
      handler: async () => ({
        totals: await deps.log.totals((deps.now ?? Date.now)()),
        activity: deps.activity.snapshot(),
        services: await deps.services(),
        settings: Object.fromEntries(deps.settings),
      }),
    },
    {
      method: 'GET',
      url: '/console/api/events',
      kind: 'api',
      handler: async (request) => pageJson('events', await deps.log.events(eventFiltersOf(query(request)))),
    },
    {
      method: 'GET',
      url: '/console/api/records/:recordId',
      kind: 'api',
      handler: async (request) => {
        const { recordId } = request.params as { recordId: string };
        // The whole story: each entry's `outcome` says published or dead-lettered.
        return { recordId, ...pageJson('events', await deps.log.story(recordId, cursor(query(request).before))) };
      },
    },
    {
      method: 'GET',
      url: '/console/api/dead-letters',
      kind: 'api',
      handler: async (request) => pageJson('deadLetters', await deps.log.deadLetters(deadLetterFiltersOf(query(request)))),
    },
    {
      method: 'GET',
      url: '/console/api/dead-letter-groups',
      kind: 'api',
      handler: async (request) => deps.log.deadLetterGroups({ ...deadLetterFiltersOf(query(request)), before: undefined }),
    },
    {
      method: 'GET',
      url: '/console/api/search',
      kind: 'api',
      handler: async (request) => {
        const q = text(query(request).q, 'q');
        if (q === undefined) throw new BridgeError('bad_request', { message: 'q: what to search for is required' });
        return pageJson('results', await deps.log.search({ q, ...timeRange(query(request)) }));
      },
    },
    {
      method: 'GET',
      url: '/console/api/groups',
      kind: 'api',
      handler: async () => ({ groups: await deps.groups() }),
    },
    {
      method: 'POST',
      url: '/console/api/payload',
      kind: 'api',
      handler: async (request) => {
        const record = await readPayload(deps, (request.body ?? {}) as Query);
        const { body, schemaId } = readableBody(record.value);
        const { topic, partition, offset, headers, timestamp } = record;
        return { topic, partition, offset, time: new Date(timestamp).toISOString(), headers, schemaId, body };
      },
    },
    {
      method: 'POST',
      url: '/console/api/replay',
      kind: 'api',
      handler: async (request) => {
        const body = (request.body ?? {}) as Query;
        if (typeof body.dryRun !== 'boolean') throw new BridgeError('bad_request', { message: 'dryRun (true or false) is required' });
        return deps.replay({ dryRun: body.dryRun, only: coordinates(body) });
      },
    },
  ];
}

function pageJson(name: string, page: RowPage) {
  return {
    [name]: page.rows,
    next: page.next ? formatCursor(page.next) : null,
    scanned: page.scanned,
    total: page.total,
    budgetSpent: page.budgetSpent,
    elapsedMs: page.elapsedMs,
  };
}
