import { describe, expect, it } from 'vitest';
import { inMemoryApp } from '../../support/app.js';
import { conversation, signed } from '../../support/events.js';
import { printableHeaders } from '../../support/fuzz.js';

function post(app: ReturnType<typeof inMemoryApp>['app'], body: unknown, headers: Record<string, string> = {}) {
  const request = signed(body);
  return app.inject({ method: 'POST', url: '/webhooks/popp', headers: { ...request.headers, ...headers }, payload: request.payload });
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
    expect(printableHeaders(deadLetter?.headers ?? {})).toBe(true);
    for (const [name, value] of Object.entries(deadLetter?.headers ?? {})) expect(value.length, name).toBeLessThanOrEqual(256);
    if ('recordId' in change) expect(deadLetter?.key).toBeNull();
  });
});
