import { describe, expect, it } from 'vitest';
import type { OutgoingRecord } from '../../../src/contract/record.js';
import { KafkaRefusedError } from '../../../src/errors.js';
import { createMetrics } from '../../../src/metrics.js';
import { inMemoryApp } from '../../support/app.js';
import { documentUploaded, signed } from '../../support/events.js';

function post(app: ReturnType<typeof inMemoryApp>['app'], body: unknown, headers: Record<string, string> = {}) {
  const request = signed(body);
  return app.inject({ method: 'POST', url: '/webhooks/popp', headers: { ...request.headers, ...headers }, payload: request.payload });
}

describe('when Kafka refuses an event for good', () => {
  const refuse = (test: (record: OutgoingRecord) => boolean) => async (records: readonly OutgoingRecord[]) => {
    if (records.some(test)) throw new KafkaRefusedError('MESSAGE_TOO_LARGE');
  };

  it('dead-letters it as rejected-by-kafka and answers 202, so Popp does not retry it for ever', async () => {
    const metrics = createMetrics();
    const { app, published } = inMemoryApp({ publish: refuse((record) => record.topic !== 'popp.dead-letter'), deps: { metrics } });
    const event = documentUploaded();
    const response = await post(app, event);
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ status: 'dead-lettered', reason: 'rejected-by-kafka' });
    expect(published).toHaveLength(1);
    expect(published[0]?.headers).toMatchObject({
      'dead-letter-reason': 'rejected-by-kafka',
      'dead-letter-detail': 'Kafka refused the record: MESSAGE_TOO_LARGE',
      'event-id': event.eventId,
      'record-id': event.data.recordId,
    });
    expect(published[0]?.value.equals(signed(event).payload)).toBe(true);
    expect(await metrics.registry.metrics()).toMatch(/popp_bridge_dead_letters_total\{reason="rejected-by-kafka"\} 1/);
  });

  it('lands a dead letter that is itself too large without its value, saying so with the size and hash', async () => {
    const { app, published } = inMemoryApp({ publish: refuse((record) => record.value.length > 0) });
    const event = documentUploaded();
    const response = await post(app, event);
    expect(response.statusCode).toBe(202);
    expect(published).toHaveLength(1);
    const body = signed(event).payload;
    expect(published[0]?.value.length).toBe(0);
    expect(published[0]?.headers).toMatchObject({
      'dead-letter-reason': 'rejected-by-kafka',
      'dead-letter-value': 'omitted',
      'dead-letter-value-bytes': String(body.length),
      'event-id': event.eventId,
    });
    expect(published[0]?.headers['dead-letter-value-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  it('answers 503 when not even the empty dead letter lands: only an operator can fix that topic', async () => {
    const { app, published } = inMemoryApp({ publish: refuse(() => true) });
    const response = await post(app, documentUploaded());
    expect(response.statusCode).toBe(503);
    expect(response.json()).toMatchObject({ error: 'kafka_unavailable' });
    expect(published).toHaveLength(0);
  });
});
