import { describe, expect, it } from 'vitest';
import { inMemoryApp } from '../../support/app.js';
import { documentUploaded, signed } from '../../support/events.js';

const TRACEPARENT = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';

function post(app: ReturnType<typeof inMemoryApp>['app'], body: unknown, headers: Record<string, string> = {}) {
  const request = signed(body);
  return app.inject({ method: 'POST', url: '/webhooks/popp', headers: { ...request.headers, ...headers }, payload: request.payload });
}

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
