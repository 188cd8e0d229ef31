import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCatalogue } from '../../../src/contract/catalogue.js';
import { topicForEventType } from '../../../src/contract/topics.js';
import { sampleEvent } from '../../../src/events/samples.js';
import { schemasDir } from '../../../src/paths.js';

const catalogue = createCatalogue({ schemasDir, topicPrefix: 'popp.' });
const event = (type: string, data: Record<string, unknown> = {}) => ({
  event: type,
  eventId: 'e1',
  eventTimestamp: '2024-01-15T10:30:00.000Z',
  data: { recordId: 'conv_1', organizationId: 'org_1', ...data },
});
const document = { attachmentId: 'att_1', fileName: 'cv.pdf', contentType: 'application/pdf' };

describe('event catalogue', () => {
  it('knows the 26 documented event types, each in one of the five categories', () => {
    expect(catalogue.knownTypes).toHaveLength(26);
    expect(catalogue.knownTypes).toEqual(
      expect.arrayContaining(['CONVERSATION_STARTED', 'START_CONVERSATION_FAILED', 'WORKFLOW_PUBLISHED']),
    );
    const counts: Record<string, number> = {};
    for (const type of catalogue.knownTypes) {
      const category = catalogue.categoryOf(type) ?? 'none';
      counts[category] = (counts[category] ?? 0) + 1;
    }
    expect(counts).toEqual({ conversation: 7, analysis: 2, scheduling: 7, workflow: 9, document: 1 });
    expect(catalogue.categoryOf('CALENDAR_MORE_TIME_REQUESTED')).toBe('scheduling');
    expect(catalogue.categoryOf('NOT_A_TYPE')).toBeUndefined();
  });

  it('accepts documented events, with unknown extra properties', () => {
    expect(catalogue.check(event('CONVERSATION_STARTED'))).toEqual({ ok: true });
    expect(catalogue.check({ ...event('DOCUMENT_UPLOADED', { ...document, pages: 3 }), extra: true })).toEqual({ ok: true });
  });

  it('names a bad envelope as such, before looking at the type', () => {
    const verdicts = [
      catalogue.check([]),
      catalogue.check({ ...event('CONVERSATION_STARTED'), eventId: '' }),
      catalogue.check({ ...event('CONVERSATION_STARTED'), eventTimestamp: 'yesterday' }),
      catalogue.check({ ...event('CONVERSATION_STARTED'), data: { organizationId: 'org_1' } }),
      catalogue.check(event('not an event type')),
    ];
    for (const verdict of verdicts) expect(verdict).toMatchObject({ ok: false, reason: 'invalid-envelope' });
  });

  it('bounds the ids that become the Kafka key and headers: at most 256 characters, printable, well-formed', () => {
    const started = event('CONVERSATION_STARTED');
    const withId = (field: 'eventId' | 'recordId' | 'organizationId', value: string) =>
      field === 'eventId' ? { ...started, eventId: value } : { ...started, data: { ...started.data, [field]: value } };
    for (const field of ['eventId', 'recordId', 'organizationId'] as const) {
      // 256 characters pass, astral and accented ones too (each counts once); 257 do not.
      expect(catalogue.check(withId(field, 'x'.repeat(256))), field).toEqual({ ok: true });
      expect(catalogue.check(withId(field, `${'😀'.repeat(128)}é ok`)), field).toEqual({ ok: true });
      expect(catalogue.check(withId(field, 'x'.repeat(257))), field).toMatchObject({ reason: 'invalid-envelope' });
      for (const bad of ['a\rb', 'a\nb', 'a\u0000b', 'a\tb', 'a\u007fb', 'a\u0085b', 'a\ud800b', 'a\udc00', '\ud83d']) {
        expect(catalogue.check(withId(field, bad)), `${field} ${JSON.stringify(bad)}`).toMatchObject({ reason: 'invalid-envelope' });
      }
    }
    // eventTimestamp is a header twice over: at most 64 characters (a fraction 43 digits long still passes).
    const timestamp = (digits: number) => `2024-01-15T10:30:00.${'0'.repeat(digits)}Z`;
    expect(timestamp(43)).toHaveLength(64);
    expect(catalogue.check({ ...started, eventTimestamp: timestamp(43) })).toEqual({ ok: true });
    expect(catalogue.check({ ...started, eventTimestamp: timestamp(44) })).toMatchObject({ reason: 'invalid-envelope' });
  });

  it('calls a type without a schema unknown', () => {
    expect(catalogue.check(event('ANALYSIS_COMPLETED'))).toMatchObject({ ok: false, reason: 'unknown-event-type' });
  });

  it('reports a schema violation with the field, never its value', () => {
    const verdict = catalogue.check(event('DOCUMENT_UPLOADED', { ...document, fileName: 42, attachmentId: undefined }));
    expect(verdict).toMatchObject({ ok: false, reason: 'schema-violation' });
    if (!verdict.ok) expect(verdict.detail).toMatch(/attachmentId|fileName/);
  });

  it('derives topic names from the event type', () => {
    expect(catalogue.topicFor('DOCUMENT_UPLOADED')).toBe('popp.document.uploaded');
    expect(topicForEventType('', 'CONVERSATION_STARTED')).toBe('conversation.started');
  });

  it('builds valid samples from each schema', () => {
    for (const [type, schema] of catalogue.schemas.events) {
      expect(catalogue.check(sampleEvent(type, schema)), type).toEqual({ ok: true });
    }
  });

  it('refuses a schema whose file name and event constant disagree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemas-'));
    cpSync(schemasDir, dir, { recursive: true });
    const file = join(dir, 'events', 'CONVERSATION_STARTED.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace('"const": "CONVERSATION_STARTED"', '"const": "OTHER"'));
    expect(() => createCatalogue({ schemasDir: dir, topicPrefix: '' })).toThrow(/CONVERSATION_STARTED/);
  });
});
