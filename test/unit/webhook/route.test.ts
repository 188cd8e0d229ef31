import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/app.js';
import { createCatalogue } from '../../../src/contract/catalogue.js';
import type { OutgoingRecord } from '../../../src/contract/record.js';
import { createDedupe } from '../../../src/dedupe/dedupe.js';
import { createMemorySeenStore } from '../../../src/dedupe/memory-seen-store.js';
import { BridgeError } from '../../../src/errors.js';
import type { Publisher } from '../../../src/kafka/publisher.js';
import { createMetrics } from '../../../src/metrics.js';
import { schemasDir } from '../../../src/paths.js';
import { createEventAgeCheck } from '../../../src/webhook/event-age.js';
import type { Deliver } from '../../../src/webhook/route.js';
import { createSignatureVerifier } from '../../../src/webhook/verify.js';
import { documentUploaded, SECRET, signed } from '../../support/events.js';

const HOUR_MS = 3_600_000;
const SKEW_MS = 300_000;

/** An in-memory Publisher (our own interface): records what it was given, or fails as told. The clock stands still. */
function setup(options: { fail?: BridgeError; unknownEventPolicy?: 'dead-letter' | 'publish'; deliver?: Deliver } = {}) {
  const clock = Date.now();
  const published: OutgoingRecord[] = [];
  const publisher: Publisher = {
    async publish(records) {
      if (options.fail) throw options.fail;
      published.push(...records);
    },
    drain: async () => {},
  };
  const logs: string[] = [];
  const logger = pino(
    { level: 'trace' },
    new Writable({
      write(chunk, _encoding, callback) {
        logs.push(String(chunk));
        callback();
      },
    }),
  );
  const ensured: string[] = [];
  const metrics = createMetrics();
  const app = buildApp({
    verify: createSignatureVerifier([SECRET]),
    catalogue: createCatalogue({ schemasDir, topicPrefix: 'popp.' }),
    checkAge: createEventAgeCheck({ maxAgeMs: HOUR_MS, maxFutureMs: SKEW_MS, now: () => clock }),
    dedupe: createDedupe(createMemorySeenStore({ ttlMs: 60_000, maxEntries: 100 })),
    publisher,
    ensureTopics: async (topics) => void ensured.push(...topics),
    metrics,
    topics: { log: 'popp.events', deadLetter: 'popp.dead-letter' },
    unknownEventPolicy: options.unknownEventPolicy ?? 'dead-letter',
    deliver: options.deliver,
    now: () => new Date(clock),
    readiness: { check: async () => ({ ready: true, detail: 'ok' }) },
    maxBodyBytes: 2_048,
    logger,
  });
  const post = (body: unknown, headers: Record<string, string> = {}) => {
    const request = signed(body);
    return app.inject({ method: 'POST', url: '/webhooks/popp', headers: { ...request.headers, ...headers }, payload: request.payload });
  };
  return { app, post, published, logs, ensured, metrics, clock };
}

describe('POST /webhooks/popp', () => {
  it('publishes a valid event to its type topic and the log topic, and says so', async () => {
    const { post, published } = setup();
    const event = documentUploaded();
    const response = await post(event);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'published', eventId: event.eventId });
    expect(published.map((r) => r.topic)).toEqual(['popp.document.uploaded', 'popp.events']);
  });

  it('answers a second delivery of the same eventId as a duplicate and publishes nothing', async () => {
    const { post, published } = setup();
    const event = documentUploaded();
    await post(event);
    const response = await post(event);
    expect(response.json()).toEqual({ status: 'duplicate', eventId: event.eventId });
    expect(published).toHaveLength(2);
  });

  it('rejects a missing or wrong signature with 401 and writes nothing', async () => {
    const { app, post, published } = setup();
    const body = JSON.stringify(documentUploaded());
    const missing = await app.inject({
      method: 'POST',
      url: '/webhooks/popp',
      headers: { 'content-type': 'application/json' },
      payload: body,
    });
    const wrong = await post(documentUploaded(), { 'x-signature': 'sha256=00' });
    for (const response of [missing, wrong]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: 'invalid_signature' });
    }
    expect(published).toHaveLength(0);
  });

  it('answers 415 to anything but application/json, even without a body', async () => {
    const { app, published } = setup();
    const text = await app.inject({ method: 'POST', url: '/webhooks/popp', headers: { 'content-type': 'text/plain' }, payload: 'hi' });
    const none = await app.inject({ method: 'POST', url: '/webhooks/popp' });
    expect(text.statusCode).toBe(415);
    expect(none.statusCode).toBe(415);
    expect(text.json()).toMatchObject({ error: 'unsupported_media_type' });
    expect(published).toHaveLength(0);
  });

  it('accepts application/json with a charset parameter', async () => {
    const { post } = setup();
    const response = await post(documentUploaded(), { 'content-type': 'application/json; charset=utf-8' });
    expect(response.statusCode).toBe(200);
  });

  it('answers 413 to a body over MAX_BODY_BYTES', async () => {
    const { post, published } = setup();
    const event = { ...documentUploaded(), padding: 'x'.repeat(3_000) };
    const response = await post(event);
    expect(response.statusCode).toBe(413);
    expect(response.json()).toMatchObject({ error: 'payload_too_large' });
    expect(published).toHaveLength(0);
  });

  it.each([
    ['invalid-json', '{"event": nope'],
    ['invalid-envelope', { event: 'DOCUMENT_UPLOADED', data: {} }],
    ['schema-violation', { ...documentUploaded(), data: { recordId: 'conv_1', organizationId: 'org_1' } }],
    ['unknown-event-type', { ...documentUploaded(), event: 'ANALYSIS_COMPLETED' }],
  ])('dead-letters a signed body with reason %s and answers 202', async (reason, body) => {
    const { post, published } = setup();
    const response = await post(body);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'dead-lettered', reason });
    expect(published).toHaveLength(1);
    expect(published[0]?.topic).toBe('popp.dead-letter');
    expect(published[0]?.headers['dead-letter-reason']).toBe(reason);
  });

  it('dead-letters a signed event stamped older than the window as stale-event, answers 202 and publishes nothing', async () => {
    const { post, published, metrics, clock } = setup();
    const event = { ...documentUploaded(), eventTimestamp: new Date(clock - HOUR_MS - 1).toISOString() };
    const response = await post(event);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'dead-lettered', reason: 'stale-event' });
    expect(published.map((r) => [r.topic, r.headers['dead-letter-reason'], r.headers['event-id']])).toEqual([
      ['popp.dead-letter', 'stale-event', event.eventId],
    ]);
    expect(published[0]?.value.toString()).toBe(JSON.stringify(event));
    expect(await metrics.registry.getSingleMetricAsString('popp_bridge_dead_letters_total')).toContain('reason="stale-event"} 1');
  });

  it('dead-letters a signed event stamped further ahead than the clock-skew allowance as stale-event', async () => {
    const { post, published, clock } = setup();
    const event = { ...documentUploaded(), eventTimestamp: new Date(clock + SKEW_MS + 1_000).toISOString() };
    const response = await post(event);
    expect(response.json()).toEqual({ status: 'dead-lettered', reason: 'stale-event' });
    expect(published.map((r) => r.headers['dead-letter-detail'])).toEqual([expect.stringMatching(/ahead/)]);
  });

  it('dead-letters a stale copy of an unknown type under UNKNOWN_EVENT_POLICY=publish too', async () => {
    const { post, published, ensured, clock } = setup({ unknownEventPolicy: 'publish' });
    const event = { ...documentUploaded(), event: 'BRAND_NEW', eventTimestamp: new Date(clock - 2 * HOUR_MS).toISOString() };
    expect((await post(event)).json()).toEqual({ status: 'dead-lettered', reason: 'stale-event' });
    expect(published.map((r) => r.topic)).toEqual(['popp.dead-letter']);
    expect(ensured).toEqual([]);
  });

  it('publishes an unknown type to its derived topic under UNKNOWN_EVENT_POLICY=publish', async () => {
    const { post, published, ensured } = setup({ unknownEventPolicy: 'publish' });
    const response = await post({ ...documentUploaded(), event: 'ANALYSIS_COMPLETED' });
    expect(response.statusCode).toBe(200);
    expect(ensured).toEqual(['popp.analysis.completed']);
    expect(published.map((r) => r.topic)).toEqual(['popp.analysis.completed', 'popp.events']);
  });

  it('answers 503 with Retry-After when Kafka fails or is slow, and remembers nothing', async () => {
    for (const code of ['kafka_unavailable', 'publish_timeout', 'overloaded'] as const) {
      const { post } = setup({ fail: new BridgeError(code) });
      const response = await post(documentUploaded());
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json()).toMatchObject({ error: code });
    }
  });

  it('answers 202 spooled when the records went to the local spool, and a redelivery of it is a duplicate', async () => {
    const spooled: OutgoingRecord[] = [];
    const { post, metrics } = setup({
      deliver: async (records) => {
        spooled.push(...records);
        return 'spooled';
      },
    });
    const event = documentUploaded();
    const first = await post(event);
    expect(first.statusCode).toBe(202);
    expect(first.json()).toEqual({ status: 'spooled', eventId: event.eventId });
    expect(spooled.map((r) => r.topic)).toEqual(['popp.document.uploaded', 'popp.events']);
    const again = await post(event);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ status: 'duplicate', eventId: event.eventId });
    expect(spooled).toHaveLength(2);
    expect(await metrics.registry.metrics()).toMatch(/popp_bridge_webhooks_total\{outcome="spooled"\} 1/);
  });

  it('answers 503 with Retry-After when the spool is full, and remembers nothing', async () => {
    let full = true;
    const { post } = setup({
      deliver: async () => {
        if (full) throw new BridgeError('spool_full');
        return 'spooled';
      },
    });
    const event = documentUploaded();
    const refused = await post(event);
    expect(refused.statusCode).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json()).toMatchObject({ error: 'spool_full' });
    full = false;
    expect((await post(event)).json()).toEqual({ status: 'spooled', eventId: event.eventId });
  });

  it('keeps payloads and secrets out of the logs', async () => {
    const { post, logs } = setup({ fail: new BridgeError('kafka_unavailable', { cause: new Error('down') }) });
    const event = documentUploaded();
    await post(event);
    await post({ ...event, event: 'lowercase bad' });
    const text = logs.join('');
    expect(text).toContain('request failed');
    expect(text).not.toContain('org_xyz789');
    expect(text).not.toContain('cv.pdf');
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(signed(event).headers['x-signature']);
  });
});

describe('operational routes', () => {
  it('serves /healthz and /readyz, and leaves /metrics to the admin listener', async () => {
    const { app, post } = setup();
    await post(documentUploaded());
    expect((await app.inject('/healthz')).statusCode).toBe(200);
    expect((await app.inject('/readyz')).json()).toMatchObject({ status: 'ready' });
    expect((await app.inject('/metrics')).statusCode).toBe(404);
  });

  it('answers unknown routes with a JSON 404', async () => {
    const { app } = setup();
    const response = await app.inject('/nope');
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ error: 'not_found' });
  });
});
