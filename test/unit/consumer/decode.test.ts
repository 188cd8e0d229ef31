import { describe, expect, it } from 'vitest';
import { createDecoder } from '../../../src/consumer/decode.js';
import { createCatalogue } from '../../../src/contract/catalogue.js';
import { headerStrings } from '../../../src/contract/record.js';
import { unwrapValue } from '../../../src/contract/value.js';
import { schemasDir } from '../../../src/paths.js';
import { conversation, documentUploaded } from '../../support/events.js';

const decode = createDecoder(createCatalogue({ schemasDir, topicPrefix: 'p.' }));
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const wire = (schemaId: number, body: Buffer) => {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(schemaId, 1);
  return Buffer.concat([header, body]);
};

describe('decoding record values', () => {
  it('reads a plain JSON value and says it had no schema id', () => {
    const event = documentUploaded();
    expect(decode(json(event))).toEqual({ ok: true, event, schemaId: undefined });
  });

  it('strips the Confluent wire-format header (byte 0, 4-byte big-endian schema id) and keeps the id', () => {
    const event = conversation('CONVERSATION_STARTED', 'conv_1');
    expect(decode(wire(70_000, json(event)))).toEqual({ ok: true, event, schemaId: 70_000 });
    expect(unwrapValue(wire(7, Buffer.from('{}')))).toEqual({ body: Buffer.from('{}'), schemaId: 7 });
  });

  it('ignores a UTF-8 byte order mark, as the bridge did when it accepted the body', () => {
    const event = documentUploaded();
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), json(event)]);
    expect(decode(bom)).toMatchObject({ ok: true, event });
  });

  it.each([
    ['invalid-json', Buffer.from('{"event": oops'), undefined],
    ['invalid-json', null, undefined],
    ['invalid-envelope', json({ event: 'DOCUMENT_UPLOADED', eventId: 'e1' }), 'DOCUMENT_UPLOADED'],
    ['schema-violation', json({ ...documentUploaded(), data: { recordId: 'r', organizationId: 'o' } }), 'DOCUMENT_UPLOADED'],
    ['unknown-event-type', json({ ...conversation('CONVERSATION_STARTED', 'r'), event: 'INTERVIEW_SCHEDULED' }), 'INTERVIEW_SCHEDULED'],
  ])('names a value that is not a valid event: %s', (reason, value, eventType) => {
    expect(decode(value)).toMatchObject({ ok: false, reason, eventType });
  });

  it('checks the body behind a wire-format header against the schema too', () => {
    expect(decode(wire(3, json({ ...documentUploaded(), data: { recordId: 'r', organizationId: 'o' } })))).toMatchObject({
      ok: false,
      reason: 'schema-violation',
      schemaId: 3,
    });
  });

  it('turns kafkajs header values (Buffers, lists) into strings', () => {
    expect(headerStrings({ a: Buffer.from('é'), b: [Buffer.from('first'), Buffer.from('second')], c: 'text', d: undefined })).toEqual({
      a: 'é',
      b: 'first',
      c: 'text',
    });
  });
});
