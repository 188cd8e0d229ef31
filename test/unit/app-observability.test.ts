import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { BridgeError } from '../../src/errors.js';
import { createMetrics } from '../../src/metrics.js';
import { inMemoryApp } from '../support/app.js';
import { documentUploaded, signed } from '../support/events.js';

function post(app: ReturnType<typeof inMemoryApp>['app'], body: unknown, headers: Record<string, string> = {}) {
  const request = signed(body);
  return app.inject({ method: 'POST', url: '/webhooks/popp', headers: { ...request.headers, ...headers }, payload: request.payload });
}

function logCapture() {
  const lines: Record<string, unknown>[] = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, callback) {
        lines.push(JSON.parse(String(chunk)));
        callback();
      },
    }),
  );
  return { lines, logger };
}

describe('metrics and logs under hostile traffic', () => {
  it('counts every request to the webhook route by outcome, whatever alias of its URL was used', async () => {
    const metrics = createMetrics();
    const { app } = inMemoryApp({ deps: { metrics } });
    for (const url of ['/webhooks/popp', '/webhooks/popp?x=1', '/webhooks/%70opp']) {
      const response = await app.inject({ method: 'POST', url, headers: { 'content-type': 'application/json' }, payload: '{}' });
      expect(response.statusCode, url).toBe(401);
    }
    expect(await metrics.registry.metrics()).toMatch(/popp_bridge_webhooks_total\{outcome="invalid_signature"\} 3/);
  });

  it('logs refusals under load at most once per 10 s, at warn level, with the count of those left out', async () => {
    const { lines, logger } = logCapture();
    let now = 0;
    const { app } = inMemoryApp({
      publish: async () => {
        throw new BridgeError('overloaded');
      },
      deps: { logger, nowMs: () => now },
    });
    for (let i = 0; i < 5; i++) expect((await post(app, documentUploaded())).statusCode).toBe(503);
    now = 9_999;
    await post(app, documentUploaded());
    now = 10_000;
    await post(app, documentUploaded());
    const refusals = lines.filter((line) => line.msg === 'webhooks refused');
    expect(refusals.map((line) => [line.level, line.suppressed])).toEqual([
      [40, 0],
      [40, 5],
    ]);
    expect(lines.filter((line) => (line.level as number) >= 50)).toEqual([]);
  });

  it('logs Kafka failures at error level, but not one line per request', async () => {
    const { lines, logger } = logCapture();
    const { app } = inMemoryApp({
      publish: async () => {
        throw new BridgeError('kafka_unavailable', { cause: new Error('broker gone') });
      },
      deps: { logger },
    });
    for (let i = 0; i < 20; i++) await post(app, documentUploaded());
    expect(lines.filter((line) => line.msg === 'request failed')).toHaveLength(1);
  });
});
