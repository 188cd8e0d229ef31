import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startTestBridge, type TestBridge } from '../support/bridge.js';
import { conversation, documentUploaded, signed } from '../support/events.js';
import { readRecords, recordCount, uniquePrefix } from '../support/kafka.js';

const brokers = inject('kafkaBrokers');

describe('the HTTP contract against a real broker', () => {
  let bridge: TestBridge;
  beforeAll(async () => {
    bridge = await startTestBridge(brokers, uniquePrefix('webhook'));
  });
  afterAll(() => bridge?.close());

  it('publishes a valid event to its type topic and the log topic, then answers 200 published', async () => {
    const event = documentUploaded();
    const response = await bridge.post(event);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'published', eventId: event.eventId });
    const records = await readRecords(brokers, [`${bridge.prefix}document.uploaded`, bridge.topics.log], 2);
    expect(records.map((r) => r.topic).sort()).toEqual([bridge.topics.log, `${bridge.prefix}document.uploaded`].sort());
    for (const record of records) {
      expect(record.key).toBe(event.data.recordId);
      expect(record.value.equals(signed(event).payload)).toBe(true);
      expect(record.headers).toMatchObject({
        'event-type': 'DOCUMENT_UPLOADED',
        'event-id': event.eventId,
        ce_subject: event.data.recordId,
      });
    }
  });

  it('answers a redelivered eventId 200 duplicate and writes nothing more', async () => {
    const event = conversation('CONVERSATION_STARTED', 'conv_dup');
    expect((await bridge.post(event)).status).toBe(200);
    const before = await recordCount(brokers, bridge.topics.all);
    const again = await bridge.post(event);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'duplicate', eventId: event.eventId });
    expect(await recordCount(brokers, bridge.topics.all)).toBe(before);
  });

  it('answers 401 to a missing or wrong signature, 415 to other media types, 413 to big bodies, and writes nothing', async () => {
    const before = await recordCount(brokers, bridge.topics.all);
    const body = JSON.stringify(documentUploaded());
    const url = `${bridge.bridge.url}/webhooks/popp`;
    const unsigned = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ error: 'invalid_signature' });
    const wrong = await bridge.post(documentUploaded(), { 'x-signature': signed(body, 'another-secret').headers['x-signature'] as string });
    expect(wrong.status).toBe(401);
    const text = await bridge.post(documentUploaded(), { 'content-type': 'text/plain' });
    expect(text.status).toBe(415);
    const big = await bridge.post({ ...documentUploaded(), padding: 'x'.repeat(1_100_000) });
    expect(big.status).toBe(413);
    expect(await recordCount(brokers, bridge.topics.all)).toBe(before);
  });

  it.each([
    ['invalid-json', '{"event": "DOCUMENT_UPLOADED", oops'],
    ['invalid-envelope', { event: 'DOCUMENT_UPLOADED', eventId: 'e-env', data: { recordId: 'conv_env' } }],
    ['schema-violation', { ...documentUploaded({ recordId: 'conv_schema' }), data: { recordId: 'conv_schema', organizationId: 'org_1' } }],
    ['unknown-event-type', { ...conversation('CONVERSATION_STARTED', 'conv_unknown'), event: 'ANALYSIS_COMPLETED' }],
  ])('dead-letters a signed body that fails as %s, keeping its bytes, and answers 202', async (reason, body) => {
    const response = await bridge.post(body);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ status: 'dead-lettered', reason });
    const records = await readRecords(brokers, [bridge.topics.deadLetter], 1, { settleMs: 1_000 });
    const mine = records.filter((r) => r.value.equals(signed(body).payload));
    expect(mine).toHaveLength(1);
    expect(mine[0]?.headers['dead-letter-reason']).toBe(reason);
    expect(mine[0]?.headers['x-signature']).toBe(signed(body).headers['x-signature']);
  });
});

describe('UNKNOWN_EVENT_POLICY=publish', () => {
  it('creates the derived topic of an unknown type and publishes there and to the log', async () => {
    const bridge = await startTestBridge(brokers, uniquePrefix('unknown'), { UNKNOWN_EVENT_POLICY: 'publish' });
    try {
      const event = { ...conversation('CONVERSATION_STARTED', 'conv_sched'), event: 'INTERVIEW_SCHEDULED' };
      const response = await bridge.post(event);
      expect(response.status).toBe(200);
      const records = await readRecords(brokers, [`${bridge.prefix}interview.scheduled`, bridge.topics.log], 2);
      expect(records.map((r) => r.key)).toEqual(['conv_sched', 'conv_sched']);
    } finally {
      await bridge.close();
    }
  });
});
