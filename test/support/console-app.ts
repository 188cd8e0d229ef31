import { Writable } from 'node:stream';
import { pino } from 'pino';
import { buildAdminApp } from '../../src/admin/listener.js';
import type { ConsoleDeps } from '../../src/console/deps.js';
import { createConsoleLog } from '../../src/console/queries.js';
import { createMetrics } from '../../src/metrics.js';

export const TOKEN = 'a-console-token-for-tests';

/** The console's admin app on stubbed reads (the real security layer and pages): a one-record log topic and nothing else. */
export function setup(options: { now?: () => number } = {}) {
  const lines: string[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }),
  );
  const record = {
    topic: 'popp.events',
    partition: 0,
    offset: '0',
    timestamp: Date.parse('2024-01-15T10:30:00Z'),
    key: 'conv_1',
    value: Buffer.from('{"event":"CONVERSATION_STARTED","data":{"recordId":"conv_1","name":"Ada Lovelace"}}'),
    headers: { 'event-type': 'CONVERSATION_STARTED', 'event-id': 'evt-1', 'record-id': 'conv_1', 'organization-id': 'org_1' },
  };
  const replays: unknown[] = [];
  const metrics = createMetrics();
  const deps: ConsoleDeps = {
    token: TOKEN,
    audit: logger,
    activity: metrics.activity,
    services: async () => [{ name: 'Kafka', state: 'ok', detail: 'fine' }],
    settings: [['Topic prefix', 'popp.']],
    log: createConsoleLog({
      source: {
        partitions: async () => [{ partition: 0, low: 0, high: 1 }],
        offsetsAt: async () => new Map([[0, 0]]),
        read: async (_topic, ranges) => new Map(ranges.map((r) => [r.partition, r.from === 0 ? [record] : []])),
      },
      logTopic: 'popp.events',
      deadLetterTopic: 'popp.dead-letter',
      categoryOf: () => 'conversation',
    }),
    groups: async () => [],
    searchBudget: 1_000,
    replay: async (options) => {
      replays.push(options);
      return {
        ...options,
        only: options.only,
        summary: { deadLetters: 0, published: 0, alreadyPublished: 0, repeated: 0, pastWindow: 0, stillFailing: {} },
        lines: [],
        elapsedMs: 1,
      };
    },
    knownTypes: ['CONVERSATION_STARTED'],
    categories: ['conversation'],
    categoryOf: () => 'conversation',
    topics: { prefix: 'popp.', log: 'popp.events', deadLetter: 'popp.dead-letter' },
    ...(options.now && { now: options.now }),
  };
  const { app, consoleRoutes } = buildAdminApp({ metrics, logger, console: deps });
  return { app, consoleRoutes, lines, replays };
}

export const bearer = { authorization: `Bearer ${TOKEN}` };
export const samplePath = (url: string) => url.replace(':recordId', 'conv_1');
export const bodyFor = (url: string) =>
  url.endsWith('/replay') ? { dryRun: true, mode: 'dry-run' } : { topic: 'popp.events', partition: 0, offset: '0' };

export async function login(app: ReturnType<typeof setup>['app']) {
  const response = await app.inject({
    method: 'POST',
    url: '/console/login',
    payload: `token=${TOKEN}&next=%2Fconsole%2Fevents`,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
  });
  const cookie = String(response.headers['set-cookie']).split(';')[0] as string;
  return { response, cookie };
}
