import { describe, expect, it } from 'vitest';
import type { PoppEnvelope } from '../../../generated/events.js';
import { type Delivery, deadLetterRecord, eventRecords } from '../../../src/webhook/records.js';

const event: PoppEnvelope = {
  event: 'CONVERSATION_STARTED',
  eventId: 'e1',
  eventTimestamp: '2024-01-15T10:30:00.000Z',
  data: { recordId: 'conv_1', organizationId: 'org_1' },
};
const delivery: Delivery = {
  body: Buffer.from(JSON.stringify(event)),
  receivedAt: '2024-01-15T10:30:01.000Z',
  contentType: 'application/json',
  signature: 'sha256=abc',
  traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
};

describe('Kafka records of an event', () => {
  it('writes the raw body keyed by recordId to the type topic and the log topic', () => {
    const records = eventRecords(event, delivery, { type: 'popp.conversation.started', log: 'popp.events' });
    expect(records.map((r) => r.topic)).toEqual(['popp.conversation.started', 'popp.events']);
    for (const record of records) {
      expect(record.key).toBe('conv_1');
      expect(record.value).toBe(delivery.body);
    }
  });

  it('carries the headers of the Kafka contract, CloudEvents attributes included', () => {
    const [record] = eventRecords(event, delivery, { type: 't', log: '' });
    expect(record?.headers).toEqual({
      'event-type': 'CONVERSATION_STARTED',
      'event-id': 'e1',
      'event-timestamp': '2024-01-15T10:30:00.000Z',
      'record-id': 'conv_1',
      'organization-id': 'org_1',
      'received-at': '2024-01-15T10:30:01.000Z',
      'content-type': 'application/json',
      'x-signature': 'sha256=abc',
      traceparent: delivery.traceparent,
      ce_specversion: '1.0',
      ce_id: 'e1',
      ce_type: 'CONVERSATION_STARTED',
      ce_source: 'urn:popp:webhook',
      ce_time: '2024-01-15T10:30:00.000Z',
      ce_subject: 'conv_1',
    });
  });

  it('skips the log topic when it is turned off', () => {
    expect(eventRecords(event, delivery, { type: 't', log: '' })).toHaveLength(1);
  });

  it('dead-letters with the reason and whatever of the envelope is known', () => {
    const record = deadLetterRecord('popp.dead-letter', delivery, 'invalid-envelope', '/eventTimestamp must match format', {
      event: 'CONVERSATION_STARTED',
      eventId: 42,
      data: { recordId: 'conv_1' },
    });
    expect(record.key).toBe('conv_1');
    expect(record.value).toBe(delivery.body);
    expect(record.headers).toMatchObject({
      'dead-letter-reason': 'invalid-envelope',
      'dead-letter-detail': '/eventTimestamp must match format',
      'event-type': 'CONVERSATION_STARTED',
      'record-id': 'conv_1',
      'x-signature': 'sha256=abc',
    });
    expect(record.headers['event-id']).toBeUndefined();
  });

  it('dead-letters unparseable bytes without a key', () => {
    const record = deadLetterRecord('dl', { ...delivery, traceparent: undefined }, 'invalid-json', 'SyntaxError', undefined);
    expect(record.key).toBeNull();
    expect(Object.keys(record.headers).sort()).toEqual(
      ['content-type', 'dead-letter-detail', 'dead-letter-reason', 'received-at', 'x-signature'].sort(),
    );
  });
});
