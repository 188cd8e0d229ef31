import { BridgeError } from '../errors.js';
import type { ConsoleDeps, RouteTable } from './deps.js';
import { coordinates, cursor, eventFiltersOf, text, timeRange } from './filters.js';
import { csrfOfSession } from './guard.js';
import { deadLettersPage, replayPage } from './pages/dead-letters.js';
import { eventsPage, storyPage } from './pages/events.js';
import { groupsPage } from './pages/groups.js';
import { payloadPage } from './pages/payload.js';
import { searchPage } from './pages/search.js';
import { readPayload } from './payload.js';
import type { DeadLetterFilters } from './queries.js';
import { sendPage } from './respond.js';
import { paramsOf } from './routes-pages.js';

type Query = Record<string, unknown>;

/** The dead letters page's filters from its query string (the API's too). */
export function deadLetterFiltersOf(query: Query): DeadLetterFilters {
  return {
    reason: text(query.reason, 'reason'),
    detail: text(query.detail, 'detail'),
    recordId: text(query.recordId, 'recordId'),
    eventId: text(query.eventId, 'eventId'),
    type: text(query.type, 'type'),
    ...timeRange(query),
    before: cursor(query.before),
  };
}

/** A datetime-local field's value back in its form (the console's filter times are UTC). */
const fieldValue = (ms: number | undefined) => (ms === undefined ? '' : new Date(ms).toISOString().slice(0, 19));

/** The pages about records: events, a record's story, the search, the dead letters and their replay, payloads, groups. */
export function recordRoutes(deps: ConsoleDeps): RouteTable {
  return [
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
        return sendPage(request, reply, eventsPage(data, csrfOfSession(request)));
      },
    },
    {
      method: 'GET',
      url: '/console/records/:recordId',
      kind: 'page',
      handler: async (request, reply) => {
        const { recordId } = request.params as { recordId: string };
        if (text(recordId, 'recordId') === undefined) throw new BridgeError('bad_request', { message: 'recordId: empty' });
        const page = await deps.log.story(recordId, cursor((request.query as Query).before));
        return sendPage(request, reply, storyPage({ recordId, page, params: paramsOf(request) }, csrfOfSession(request)));
      },
    },
    {
      method: 'GET',
      url: '/console/search',
      kind: 'page',
      handler: async (request, reply) => {
        const query = request.query as Query;
        const q = text(query.q, 'q');
        const { from, to } = timeRange(query);
        const page = q === undefined ? undefined : await deps.log.search({ q, from, to });
        const data = { q, from: fieldValue(from), to: fieldValue(to), page, budget: deps.searchBudget };
        return sendPage(request, reply, searchPage(data, csrfOfSession(request)));
      },
    },
    {
      method: 'GET',
      url: '/console/dead-letters',
      kind: 'page',
      handler: async (request, reply) => {
        const filters = deadLetterFiltersOf(request.query as Query);
        const [page, groups] = await Promise.all([
          deps.log.deadLetters(filters),
          deps.log.deadLetterGroups({ ...filters, before: undefined }),
        ]);
        const data = { page, groups, filters, params: paramsOf(request), topic: deps.topics.deadLetter, knownTypes: deps.knownTypes };
        return sendPage(request, reply, deadLettersPage(data, csrfOfSession(request)));
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
        return sendPage(request, reply, replayPage(run, csrfOfSession(request)));
      },
    },
    {
      method: 'GET',
      url: '/console/groups',
      kind: 'page',
      handler: async (request, reply) => {
        const started = performance.now();
        const groups = await deps.groups();
        return sendPage(request, reply, groupsPage({ groups, elapsedMs: Math.round(performance.now() - started) }, csrfOfSession(request)));
      },
    },
    {
      method: 'POST',
      url: '/console/payload',
      kind: 'page',
      handler: async (request, reply) => {
        const record = await readPayload(deps, (request.body ?? {}) as Query);
        return sendPage(request, reply, payloadPage(record, csrfOfSession(request)));
      },
    },
  ];
}
