import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { BridgeError, KafkaRefusedError } from '../../../src/errors.js';
import type { OutgoingRecord } from '../../../src/kafka/publisher.js';
import { createMetrics } from '../../../src/metrics.js';
import { isHeaderSafe } from '../../../src/webhook/header-text.js';
import { inMemoryApp } from '../../support/app.js';
import { conversation, documentUploaded, signed } from '../../support/events.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function post(app: ReturnType<typeof inMemoryApp>['app'], body: unknown, headers: Record<string, string> = {}) {
  const request = signed(body);
  return app.inject({ method: 'POST', url: '/webhooks/popp', headers: { ...request.headers, ...headers }, payload: request.payload });
}

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, callback) {
        lines.push(JSON.parse(String(chunk)));
        callback();
      },
    }),
  );
  return { lines, logger };
}

describe('signed bodies that would make poison records', () => {
  it('dead-letters JSON whose string holds invalid UTF-8 as invalid-json, so no header gets U+FFFD', async () => {
    const { app, published } = inMemoryApp();
    const [before, after] = JSON.stringify(conversation('CONVERSATION_STARTED', 'conv_utf8')).split('org_xyz789');
    const bytes = Buffer.concat([Buffer.from(`${before}org_`), Buffer.from([0xff, 0xfe]), Buffer.from(after ?? '')]);
    const response = await post(app, bytes);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'dead-lettered', reason: 'invalid-json' });
    expect(published.map((record) => record.topic)).toEqual(['popp.dead-letter']);
    expect(published[0]?.headers['organization-id']).toBeUndefined();
    expect(published[0]?.value.equals(bytes)).toBe(true);
  });

  it.each([
    ['an eventId with CR LF', { eventId: 'e1\r\nx-injected: 1' }],
    ['an eventId with NUL', { eventId: 'e1\u0000' }],
    ['a recordId with a lone surrogate', { recordId: 'conv_\ud800' }],
    ['an organizationId of 300 KB', { organizationId: 'o'.repeat(300_000) }],
    ['a recordId of 257 characters', { recordId: 'r'.repeat(257) }],
  ])('dead-letters %s as invalid-envelope, without the id in a header or the key', async (_name, change: Record<string, string>) => {
    const { app, published } = inMemoryApp({ deps: { maxBodyBytes: 1_048_576 } });
    const base = conversation('CONVERSATION_STARTED', 'conv_ids');
    const { eventId = base.eventId, ...data } = change;
    const event = { ...base, eventId, data: { ...base.data, ...data } };
    const response = await post(app, event);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'dead-lettered', reason: 'invalid-envelope' });
    const [deadLetter] = published;
    // Printable, well-formed and at most 256 characters: the envelope's own rule, property-tested against it.
    for (const [name, value] of Object.entries(deadLetter?.headers ?? {})) expect(isHeaderSafe(value), name).toBe(true);
    if ('recordId' in change) expect(deadLetter?.key).toBeNull();
  });
});

describe('trace headers', () => {
  it('copies a valid W3C traceparent and its tracestate onto both records', async () => {
    const { app, published } = inMemoryApp();
    await post(app, documentUploaded(), { traceparent: TRACEPARENT, tracestate: 'rojo=00f067aa0ba902b7, congo=t61rcWkgMzE' });
    expect(published).toHaveLength(2);
    for (const record of published) {
      expect(record.headers.traceparent).toBe(TRACEPARENT);
      expect(record.headers.tracestate).toBe('rojo=00f067aa0ba902b7,congo=t61rcWkgMzE');
    }
  });

  it.each([
    ['8 KB of junk with tabs and markup', `<script>\t${'x'.repeat(8_000)}</script>`],
    ['uppercase hex', TRACEPARENT.toUpperCase()],
    ['an all-zero trace id', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`],
    ['an all-zero parent id', `00-4bf92f3577b34da6a3ce929d0e0e4736-${'0'.repeat(16)}-01`],
    ['the forbidden version ff', TRACEPARENT.replace(/^00/, 'ff')],
    ['version 00 with a field more', `${TRACEPARENT}-extra`],
    ['a short parent id', '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa-01'],
  ])('drops a traceparent that is not one (%s), and its tracestate with it', async (_name, traceparent) => {
    const { app, published } = inMemoryApp();
    const response = await post(app, documentUploaded(), { traceparent, tracestate: 'rojo=1' });
    expect(response.statusCode).toBe(200);
    for (const record of published) {
      expect(record.headers.traceparent).toBeUndefined();
      expect(record.headers.tracestate).toBeUndefined();
    }
  });

  it('copies a tracestate of up to 512 characters and 32 members, and no more', async () => {
    const { app, published } = inMemoryApp();
    const members = (count: number, length: number) => Array.from({ length: count }, (_, i) => `k${i}=${'v'.repeat(length)}`).join(',');
    const cases = [
      members(32, 10),
      members(33, 1),
      `a=${'b'.repeat(254)},c=${'d'.repeat(253)}`,
      `a=${'b'.repeat(254)},c=${'d'.repeat(254)}`,
    ];
    expect(cases.map((tracestate) => tracestate.length)).toEqual([469, 187, 512, 513]);
    for (const tracestate of cases) await post(app, documentUploaded(), { traceparent: TRACEPARENT, tracestate });
    const copied = published.filter((record) => record.topic === 'popp.document.uploaded').map((record) => record.headers.tracestate);
    expect(copied).toEqual([cases[0], undefined, cases[2], undefined]);
  });

  it('keeps the known fields of a later traceparent version, and drops a tracestate that is too long or malformed', async () => {
    const { app, published } = inMemoryApp();
    await post(app, documentUploaded(), { traceparent: `cc${TRACEPARENT.slice(2)}-what-comes-next`, tracestate: `a=${'b'.repeat(600)}` });
    await post(app, documentUploaded(), { traceparent: TRACEPARENT, tracestate: 'UPPER=1,<b>=2' });
    expect(published[0]?.headers.traceparent).toBe(`cc${TRACEPARENT.slice(2)}`);
    expect(published.map((record) => record.headers.tracestate)).toEqual([undefined, undefined, undefined, undefined]);
  });
});

describe('when Kafka refuses an event for good', () => {
  const refuse = (test: (record: OutgoingRecord) => boolean) => async (records: readonly OutgoingRecord[]) => {
    if (records.some(test)) throw new KafkaRefusedError('MESSAGE_TOO_LARGE');
  };

  it('dead-letters it as rejected-by-kafka and answers 202, so Popp does not retry it for ever', async () => {
    const metrics = createMetrics();
    const { app, published } = inMemoryApp({ publish: refuse((record) => record.topic !== 'popp.dead-letter'), deps: { metrics } });
    const event = documentUploaded();
    const response = await post(app, event);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'dead-lettered', reason: 'rejected-by-kafka' });
    expect(published).toHaveLength(1);
    expect(published[0]?.headers).toMatchObject({
      'dead-letter-reason': 'rejected-by-kafka',
      'dead-letter-detail': 'Kafka refused the record: MESSAGE_TOO_LARGE',
      'event-id': event.eventId,
      'record-id': event.data.recordId,
    });
    expect(published[0]?.value.equals(signed(event).payload)).toBe(true);
    expect(await metrics.registry.metrics()).toMatch(/popp_bridge_dead_letters_total\{reason="rejected-by-kafka"\} 1/);
  });

  it('lands a dead letter that is itself too large without its value, saying so with the size and hash', async () => {
    const { app, published } = inMemoryApp({ publish: refuse((record) => record.value.length > 0) });
    const event = documentUploaded();
    const response = await post(app, event);
    expect(response.statusCode).toBe(202);
    expect(published).toHaveLength(1);
    const body = signed(event).payload;
    expect(published[0]?.value.length).toBe(0);
    expect(published[0]?.headers).toMatchObject({
      'dead-letter-reason': 'rejected-by-kafka',
      'dead-letter-value': 'omitted',
      'dead-letter-value-bytes': String(body.length),
      'event-id': event.eventId,
    });
    expect(published[0]?.headers['dead-letter-value-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers 503 when not even the empty dead letter lands: only an operator can fix that topic', async () => {
    const { app, published } = inMemoryApp({ publish: refuse(() => true) });
    const response = await post(app, documentUploaded());
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'kafka_unavailable' });
    expect(published).toHaveLength(0);
  });
});

describe('metrics and logs under hostile traffic', () => {
  it('counts every request to the webhook route by outcome, whatever alias of its URL was used', async () => {
    const metrics = createMetrics();
    const { app } = inMemoryApp({ deps: { metrics } });
    for (const url of ['/webhooks/popp', '/webhooks/popp?x=1', '/webhooks/%70opp']) {
      const response = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(response.statusCode, url).toBe(401);
    }
    expect(await metrics.registry.metrics()).toMatch(/popp_bridge_webhooks_total\{outcome="invalid_signature"\} 3/);
  });

  it('logs refusals under load at most once per 10 s, at warn level, with the count of those left out', async () => {
    const { lines, logger } = logCapture();
    let now = 0;
    const { app } = inMemoryApp({
      publish: async () => {
        throw new BridgeError('overloaded');
      },
      deps: { logger, nowMs: () => now },
    });
    for (let i = 0; i < 5; i++) expect((await post(app, documentUploaded())).statusCode).toBe(503);
    now = 9_999;
    await post(app, documentUploaded());
    now = 10_000;
    await post(app, documentUploaded());
    const refusals = lines.filter((line) => line.msg === 'webhooks refused');
    expect(refusals.map((line) => [line.level, line.suppressed])).toEqual([
      [40, 0],
      [40, 5],
    ]);
    expect(lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
  });

  it('logs Kafka failures at error level, but not one line per request', async () => {
    const { lines, logger } = logCapture();
    const { app } = inMemoryApp({
      publish: async () => {
        throw new BridgeError('kafka_unavailable', { cause: new Error('broker gone') });
      },
      deps: { logger },
    });
    for (let i = 0; i < 20; i++) await post(app, documentUploaded());
    expect(lines.filter((line) => line.msg === 'request failed')).toHaveLength(1);
  });
});
