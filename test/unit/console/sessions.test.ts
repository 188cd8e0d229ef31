import { describe, expect, it } from 'vitest';
import { login, setup, TOKEN } from '../../support/console-app.js';

const form = { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' };

describe('console sessions', () => {
  it('revokes a session at logout: a copy of its cookie taken before no longer opens a page', async () => {
    const { app } = setup();
    const { cookie } = await login(app);
    const before = await app.inject({ method: 'GET', url: '/console/events', headers: { cookie } });
    expect(before.statusCode).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(before.body)?.[1] as string;
    const logout = await app.inject({ method: 'POST', url: '/console/logout', headers: { ...form, cookie }, payload: `_csrf=${csrf}` });
    expect(logout.statusCode).toBe(303);
    const copied = await app.inject({ method: 'GET', url: '/console/events', headers: { cookie } });
    expect(copied.statusCode).toBe(401);
    expect(copied.body).toContain('Enter the console token');
    // A new login works again.
    const again = await login(app);
    expect((await app.inject({ method: 'GET', url: '/console/events', headers: { cookie: again.cookie } })).statusCode).toBe(200);
  });

  it('ends a session left unused for 30 minutes, and keeps one in use alive', async () => {
    let clock = Date.parse('2026-01-10T09:00:00Z');
    const { app } = setup({ now: () => clock });
    const { cookie } = await login(app);
    clock += 20 * 60_000;
    const used = await app.inject({ method: 'GET', url: '/console/events', headers: { cookie } });
    expect(used.statusCode).toBe(200);
    const renewed = String(used.headers['set-cookie']).split(';')[0] as string;
    expect(renewed).not.toBe(cookie);
    clock += 20 * 60_000;
    // 40 minutes after login, 20 after its last use: still open with the renewed cookie, not with the first.
    expect((await app.inject({ method: 'GET', url: '/console/events', headers: { cookie: renewed } })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/console/events', headers: { cookie } })).statusCode).toBe(401);
    clock += 31 * 60_000;
    expect((await app.inject({ method: 'GET', url: '/console/events', headers: { cookie: renewed } })).statusCode).toBe(401);
  });

  it('answers 429 to a client after repeated wrong tokens, the right one included, and not to other clients', async () => {
    let clock = Date.parse('2026-01-10T09:00:00Z');
    const { app } = setup({ now: () => clock });
    const attempt = (token: string, remoteAddress = '203.0.113.7') =>
      app.inject({ method: 'POST', url: '/console/login', headers: form, payload: `token=${encodeURIComponent(token)}`, remoteAddress });
    const statuses: number[] = [];
    for (let n = 0; n < 12; n++) statuses.push((await attempt(`wrong-token-${n}`)).statusCode);
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    const right = await attempt(TOKEN);
    expect(right.statusCode).toBe(429);
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect(right.body).toContain('Too many wrong tokens');
    expect((await attempt(TOKEN, '203.0.113.8')).statusCode).toBe(303);
    // Bearer guesses from the throttled client are refused too.
    const api = await app.inject({
      method: 'GET',
      url: '/console/api/events',
      headers: { authorization: `Bearer ${TOKEN}` },
      remoteAddress: '203.0.113.7',
    });
    expect(api.statusCode).toBe(429);
    clock += 6 * 60_000;
    expect((await attempt(TOKEN)).statusCode).toBe(303);
  });

  it('refuses a filter over its bound and a from after its to with a message, on the page and in the API', async () => {
    const { app } = setup();
    const { cookie } = await login(app);
    const long = 'x'.repeat(600);
    const page = await app.inject({ method: 'GET', url: `/console/events?recordId=${long}`, headers: { cookie } });
    expect(page.statusCode).toBe(400);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.body).toContain('recordId: 600 characters, at most 512');
    const reversed = await app.inject({
      method: 'GET',
      url: '/console/dead-letters?from=2024-02-01T00:00:00&to=2024-01-01T00:00:00',
      headers: { cookie },
    });
    expect(reversed.statusCode).toBe(400);
    expect(reversed.body).toContain('is not before to');
    const api = await app.inject({ method: 'GET', url: `/console/api/search?q=${long}`, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(api.statusCode).toBe(400);
    expect(api.json().message).toContain('q: 600 characters');
  });
});
