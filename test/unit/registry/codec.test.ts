import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { subjectFor } from '../../../src/contract/subjects.js';
import { WIRE_CONTENT_TYPE } from '../../../src/contract/value.js';
import { createRegistryCodec, plainCodec } from '../../../src/registry/codec.js';
import { eventRecords } from '../../../src/webhook/records.js';

const body = Buffer.from('{ "event": "DOCUMENT_UPLOADED" }');

describe('the value codec', () => {
  it('leaves the body untouched in plain mode', () => {
    expect(plainCodec.encodeValue('popp.document.uploaded', 'DOCUMENT_UPLOADED', body)).toBe(body);
    expect(plainCodec.contentType).toBeUndefined();
  });

  it('writes byte 0, the schema id big-endian, then the body bytes, per topic and event type', () => {
    const codec = createRegistryCodec([
      { topic: 'popp.document.uploaded', eventType: 'DOCUMENT_UPLOADED', id: 0x01020304 },
      { topic: 'popp.events', eventType: 'DOCUMENT_UPLOADED', id: 258 },
    ]);
    const value = codec.encodeValue('popp.document.uploaded', 'DOCUMENT_UPLOADED', body);
    expect([...value.subarray(0, 5)]).toEqual([0, 1, 2, 3, 4]);
    expect(value.subarray(5).equals(body)).toBe(true);
    expect([...codec.encodeValue('popp.events', 'DOCUMENT_UPLOADED', body).subarray(0, 5)]).toEqual([0, 0, 0, 1, 2]);
    expect(() => codec.encodeValue('popp.events', 'CONVERSATION_STARTED', body)).toThrow(/no schema id/);
  });

  it('names subjects <topic>-value for type topics and <topic>-<event type> for the log topic', () => {
    expect(subjectFor('popp.document.uploaded', 'DOCUMENT_UPLOADED', 'popp.events')).toBe('popp.document.uploaded-value');
    expect(subjectFor('popp.events', 'DOCUMENT_UPLOADED', 'popp.events')).toBe('popp.events-DOCUMENT_UPLOADED');
  });

  it('makes event records say what their value is, in both topics', () => {
    const codec = createRegistryCodec([
      { topic: 't.type', eventType: 'DOCUMENT_UPLOADED', id: 7 },
      { topic: 't.log', eventType: 'DOCUMENT_UPLOADED', id: 7 },
    ]);
    const event = {
      event: 'DOCUMENT_UPLOADED',
      eventId: 'e1',
      eventTimestamp: '2024-01-15T10:30:00.000Z',
      data: { recordId: 'r', organizationId: 'o' },
    };
    const delivery = { body, receivedAt: 'now', contentType: 'application/json', signature: 's', traceparent: undefined };
    const records = eventRecords(event, delivery, { type: 't.type', log: 't.log' }, codec);
    expect(records.map((r) => r.headers['content-type'])).toEqual([WIRE_CONTENT_TYPE, WIRE_CONTENT_TYPE]);
    expect(records.map((r) => r.value[4])).toEqual([7, 7]);
  });
});

describe('registry configuration', () => {
  it('defaults SCHEMA_COMPATIBILITY to FORWARD and accepts the registry levels', () => {
    expect(loadConfig({ SCHEMA_REGISTRY_URL: 'http://r:8081' }).schemaRegistry?.compatibility).toBe('FORWARD');
    expect(
      loadConfig({ SCHEMA_REGISTRY_URL: 'http://r:8081', SCHEMA_COMPATIBILITY: 'FULL_TRANSITIVE' }).schemaRegistry?.compatibility,
    ).toBe('FULL_TRANSITIVE');
    expect(() => loadConfig({ SCHEMA_REGISTRY_URL: 'http://r:8081', SCHEMA_COMPATIBILITY: 'forward' })).toThrow(/SCHEMA_COMPATIBILITY/);
  });

  it('refuses UNKNOWN_EVENT_POLICY=publish with a registry: an event without a schema has no schema id', () => {
    expect(() => loadConfig({ SCHEMA_REGISTRY_URL: 'http://r:8081', UNKNOWN_EVENT_POLICY: 'publish' })).toThrow(/UNKNOWN_EVENT_POLICY/);
  });
});
