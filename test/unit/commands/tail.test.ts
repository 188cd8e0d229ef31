import { describe, expect, it } from 'vitest';
import { formatRecord, useColor } from '../../../src/commands/tail.js';
import type { IncomingRecord } from '../../../src/consumer/decode.js';
import { createCatalogue } from '../../../src/contract/catalogue.js';
import { schemasDir } from '../../../src/paths.js';
import { conversation, documentUploaded } from '../../support/events.js';

const catalogue = createCatalogue({ schemasDir, topicPrefix: 'popp.' });
const record = (value: Buffer, headers: Record<string, string> = {}): IncomingRecord => ({
  topic: 'popp.events',
  partition: 3,
  offset: '41',
  key: Buffer.from('conv_1'),
  value,
  headers,
});
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const ESC = '\u001b';
/** The control characters left once our own colour codes (ESC [ … m) are taken out. */
const controlCharacters = (text: string) =>
  [
    ...text
      .split(`${ESC}[`)
      .map((part, i) => (i === 0 ? part : part.replace(/^[0-9;]*m/, '')))
      .join(''),
  ].filter((c) => {
    const code = c.codePointAt(0) ?? 0;
    return code < 0x20 || (code >= 0x7f && code <= 0x9f);
  });

describe('the lines of popp-bridge tail', () => {
  it('shows time, type, recordId and the data fields, then org, eventId and where it is stored', () => {
    const event = { ...documentUploaded({ eventId: 'e-1', recordId: 'conv_1' }), eventTimestamp: '2024-01-15T10:30:00.000Z' };
    const withTypes = { ...event, data: { ...event.data, classifiedDocumentTypes: ['resume', 'cv'], note: 'two words' } };
    expect(formatRecord(record(json(withTypes)), catalogue, false)).toBe(
      '2024-01-15T10:30:00.000Z  DOCUMENT_UPLOADED         conv_1  attachmentId=att_1  fileName=cv.pdf  contentType=application/pdf' +
        '  classifiedDocumentTypes=["resume","cv"]  note="two words"  (org_xyz789 e-1 popp.events[3]@41)',
    );
  });

  it('marks registry-encoded values with their schema id, and events that fail their schema', () => {
    const body = json({ ...conversation('CONVERSATION_STARTED', 'conv_1'), eventId: 'e-2' });
    const wire = Buffer.concat([Buffer.from([0, 0, 0, 0, 9]), body]);
    expect(formatRecord(record(wire), catalogue, false)).toMatch(/\(org_xyz789 e-2 popp\.events\[3\]@41 schema=9\)$/);
    const bad = json({ ...documentUploaded({ eventId: 'e-3' }), data: { recordId: 'conv_1', organizationId: 'org_1' } });
    expect(formatRecord(record(bad), catalogue, false)).toContain('conv_1  !schema-violation  (org_1 e-3');
  });

  it('names what is not an event, with its size, never its content', () => {
    const line = formatRecord(record(Buffer.from('secret, not json'), { 'received-at': '2024-01-16T00:00:00.000Z' }), catalogue, false);
    expect(line).toBe('2024-01-16T00:00:00.000Z  ! invalid-json: SyntaxError  conv_1  (16 bytes, popp.events[3]@41)');
  });

  it('escapes control characters from payloads, so an event cannot drive the terminal', () => {
    const event = documentUploaded();
    const data = { ...event.data, attachmentId: 'att_\u001b[2J', fileName: 'a\u009b31mb' };
    const line = formatRecord(record(json({ ...event, data })), catalogue, true);
    expect(line).toContain('"att_\\u001b[2J"');
    expect(line).toContain('fileName="a\\u009b31mb"');
    expect(controlCharacters(line)).toEqual([]);
  });

  it('colours the type and dims the details on a terminal, and prints plain text otherwise', () => {
    const value = json(conversation('CONVERSATION_COMPLETED', 'conv_1'));
    const coloured = formatRecord(record(value), catalogue, true);
    expect(coloured).toMatch(/\[1;\d+mCONVERSATION_COMPLETED +/);
    expect(coloured).toContain(`${ESC}[2m(org_xyz789`);
    expect(formatRecord(record(value), catalogue, false)).not.toContain(ESC);
  });

  it('uses colours only on a terminal that has them (Node says no under NO_COLOR)', () => {
    expect(useColor({ isTTY: true, hasColors: () => true })).toBe(true);
    expect(useColor({ isTTY: true, hasColors: () => false })).toBe(false);
    expect(useColor({ isTTY: false, hasColors: () => true })).toBe(false);
    expect(useColor({})).toBe(false);
  });
});
