import { describe, expect, it } from 'vitest';
import { inMemoryApp } from '../../support/app.js';

describe("the server's bounds on slow and idle clients", () => {
  it('are the configured ones on the Node server itself, headers included, checked every second', async () => {
    const { app } = inMemoryApp({ deps: { publishTimeoutMs: 10_000, requestTimeoutMs: 10_000 } });
    await app.ready();
    const server = app.server as typeof app.server & { connectionsCheckingInterval?: number };
    // Fastify alone would leave headersTimeout at Node's 60 s and check every 30 s (a 30-s bound became up to 76 s).
    expect(server.headersTimeout).toBe(10_000);
    expect(server.requestTimeout).toBe(10_000);
    expect(server.connectionsCheckingInterval).toBe(1_000);
    // Idle sockets: PUBLISH_TIMEOUT_MS + 30 s, since a socket is silent while Kafka acknowledges; keep-alive 65 s.
    expect(server.timeout).toBe(10_000 + 30_000);
    expect(server.keepAliveTimeout).toBe(65_000);
    await app.close();
  });

  it('follow REQUEST_TIMEOUT_MS', async () => {
    const { app } = inMemoryApp({ deps: { publishTimeoutMs: 2_000, requestTimeoutMs: 1_500 } });
    await app.ready();
    expect([app.server.headersTimeout, app.server.requestTimeout, app.server.timeout]).toEqual([1_500, 1_500, 32_000]);
    await app.close();
  });
});
