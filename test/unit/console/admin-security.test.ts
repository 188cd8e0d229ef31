import { describe, expect, it } from 'vitest';
import { bearer, bodyFor, login, samplePath, setup, TOKEN } from '../../support/console-app.js';

describe('console security', () => {
  it('refuses every console route without the token, or with a wrong one, with 401', async () => {
    const { app, consoleRoutes } = setup();
    const guarded = consoleRoutes.filter((route) => !route.open);
    expect(guarded.length).toBeGreaterThanOrEqual(12);
    // One client per route: this many wrong tokens from one client would be throttled (429), tested apart.
    for (const [index, route] of guarded.entries()) {
      for (const headers of [
        {},
        { authorization: 'Bearer not-the-token-at-all' },
        { cookie: 'popp_console=1700000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' },
      ]) {
        const response = await app.inject({
          method: route.method,
          url: samplePath(route.url),
          headers,
          remoteAddress: `10.0.0.${index}`,
          ...(route.method === 'POST' && { payload: bodyFor(route.url) }),
        });
        expect(response.statusCode, `${route.method} ${route.url}`).toBe(401);
        expect(response.body).not.toContain('Ada Lovelace');
      }
    }
  });

  it('refuses every console POST from another site, even with the token', async () => {
    const { app, consoleRoutes, replays } = setup();
    const posts = consoleRoutes.filter((route) => route.method === 'POST');
    expect(posts.map((r) => r.url)).toEqual(
      expect.arrayContaining(['/console/login', '/console/payload', '/console/dead-letters/replay', '/console/api/replay']),
    );
    for (const route of posts) {
      for (const headers of [
        { 'sec-fetch-site': 'cross-site' },
        { 'sec-fetch-site': 'same-site' },
        { origin: 'https://evil.example' },
        { origin: 'null' },
      ]) {
        const response = await app.inject({
          method: 'POST',
          url: route.url,
          headers: { ...bearer, ...headers },
          payload: bodyFor(route.url),
        });
        expect(response.statusCode, `${route.url} ${JSON.stringify(headers)}`).toBe(403);
        expect(response.json()).toMatchObject({ error: 'cross_site_request' });
      }
    }
    expect(replays).toEqual([]);
  });

  it('logs in with one form into an HttpOnly SameSite cookie that is not the token, and then needs the form token on POSTs', async () => {
    const { app, replays } = setup();
    const wrong = await app.inject({
      method: 'POST',
      url: '/console/login',
      payload: 'token=nope',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(wrong.statusCode).toBe(401);
    const { response, cookie } = await login(app);
    expect(response.statusCode).toBe(303);
    expect(response.headers.location).toBe('/console/events');
    expect(String(response.headers['set-cookie'])).toMatch(/HttpOnly; SameSite=Strict; Path=\/console/);
    expect(String(response.headers['set-cookie'])).not.toContain(TOKEN);

    const page = await app.inject({ url: '/console/dead-letters', headers: { cookie } });
    expect(page.statusCode).toBe(200);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] as string;
    expect(csrf).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const form = { 'content-type': 'application/x-www-form-urlencoded', cookie, 'sec-fetch-site': 'same-origin' };
    const withoutCsrf = await app.inject({ method: 'POST', url: '/console/dead-letters/replay', headers: form, payload: 'mode=dry-run' });
    expect(withoutCsrf.statusCode).toBe(403);
    const withCsrf = await app.inject({
      method: 'POST',
      url: '/console/dead-letters/replay',
      headers: form,
      payload: `mode=dry-run&_csrf=${csrf}`,
    });
    expect(withCsrf.statusCode).toBe(200);
    expect(replays).toEqual([{ dryRun: true, only: undefined }]);
  });

  it('sends a strict CSP, no-store and no script on every page', async () => {
    const { app } = setup();
    for (const url of [
      '/console/',
      '/console/events',
      '/console/records/conv_1',
      '/console/dead-letters',
      '/console/groups',
      '/console/login',
    ]) {
      const response = await app.inject({ url, headers: bearer });
      expect(response.statusCode, url).toBe(200);
      expect(response.headers['content-security-policy']).toBe(
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
      );
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).not.toMatch(/<script|style="|https?:\/\/(?!www\.w3\.org)/);
    }
  });

  it('shows ids in lists, the payload only on a POST, and logs "payload viewed" with the eventId alone', async () => {
    const { app, lines } = setup();
    const list = await app.inject({ url: '/console/events', headers: bearer });
    expect(list.body).toContain('evt-1');
    expect(list.body).not.toContain('Ada Lovelace');
    expect(lines.join('')).not.toContain('payload viewed');
    const payload = await app.inject({
      method: 'POST',
      url: '/console/api/payload',
      headers: bearer,
      payload: { topic: 'popp.events', partition: 0, offset: '0' },
    });
    expect(payload.statusCode).toBe(200);
    expect(payload.headers['cache-control']).toBe('no-store');
    expect(payload.json().body).toContain('Ada Lovelace');
    const viewed = lines.map((line) => JSON.parse(line)).filter((line) => line.msg === 'payload viewed');
    expect(viewed).toHaveLength(1);
    expect(viewed[0]).toMatchObject({ eventId: 'evt-1' });
    expect(lines.join('')).not.toContain('Ada Lovelace');
    const elsewhere = await app.inject({
      method: 'POST',
      url: '/console/api/payload',
      headers: bearer,
      payload: { topic: 'other.topic', partition: 0, offset: '0' },
    });
    expect(elsewhere.statusCode).toBe(404);
  });

  it('serves /metrics to a local scraper, and to a remote one only with the token as a bearer', async () => {
    const { app } = setup();
    expect((await app.inject({ url: '/metrics' })).statusCode).toBe(200);
    const remote = { remoteAddress: '10.0.0.8' };
    expect((await app.inject({ url: '/metrics', ...remote })).statusCode).toBe(401);
    const scraped = await app.inject({ url: '/metrics', headers: bearer, ...remote });
    expect(scraped.statusCode).toBe(200);
    expect(scraped.body).toContain('popp_bridge_webhooks_total');
  });
});
